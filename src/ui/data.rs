//! The dataset every page works on: the built-in default dataset, loaded once per visit after
//! the first paint (generating its samples takes a moment) and shared through context.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::content::{self, builtin::DEFAULT_DATASET, DatasetMeta};
use crate::engine::Storage;

use super::browser;

/// A loaded dataset: what it is, and its samples.
pub struct Data {
    pub meta: DatasetMeta,
    pub storage: Storage,
    /// How long loading took, in milliseconds (shown on the home page).
    pub load_ms: f64,
}

/// Where loading stands.
#[derive(Clone)]
pub enum DataState {
    Loading,
    Ready(Arc<Data>),
    Failed(String),
}

/// The shared loading state (provided by the app shell).
#[derive(Clone, Copy)]
pub struct DataContext(pub ReadSignal<DataState>);

/// Replaces the dataset pages work on (the pack loader switches to a pack's dataset and
/// back); provided by the app shell next to [`DataContext`].
#[derive(Clone, Copy)]
pub struct DataSwitch(pub WriteSignal<DataState>);

/// Starts loading the default dataset and provides its state to every page.
pub fn provide_data() {
    let (state, set_state) = signal(DataState::Loading);
    provide_context(DataContext(state));
    provide_context(DataSwitch(set_state));
    spawn_local(async move {
        browser::next_paint().await;
        let started = browser::now_ms();
        let loaded = load(DEFAULT_DATASET);
        set_state.set(match loaded {
            Ok((meta, storage)) => {
                DataState::Ready(Arc::new(Data { meta, storage, load_ms: browser::now_ms() - started }))
            }
            Err(e) => DataState::Failed(e),
        });
    });
}

/// The dataset state; pages call this to read it.
pub fn use_data() -> ReadSignal<DataState> {
    use_context::<DataContext>().map(|c| c.0).unwrap_or_else(|| signal(DataState::Loading).0)
}

/// Loads a built-in dataset and builds its storage.
fn load(id: &str) -> Result<(DatasetMeta, Storage), String> {
    let dataset = content::builtin_dataset(id).map_err(|e| e.to_string())?;
    let storage = dataset.storage().map_err(|e| e.to_string())?;
    Ok((dataset.meta, storage))
}
