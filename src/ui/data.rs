//! The dataset every page works on: the built-in default dataset, opened in the engine module
//! the first time a page asks for it (loading the module and generating the samples take a
//! moment) and shared through context. The start page only peeks: it shows the committed
//! facts of the default dataset until one is open, so it never loads the engine module.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::content::{builtin::DEFAULT_DATASET, DatasetMeta};
use crate::link::data::{DatasetInfo, OpenDataset};

use super::{browser, engine_link};

/// An open dataset: what it is and what it holds (its samples live in the engine module).
pub struct Data {
    pub meta: DatasetMeta,
    pub info: DatasetInfo,
    /// How long opening took, in milliseconds (shown on the home page).
    pub load_ms: f64,
}

/// Where loading stands.
#[derive(Clone)]
pub enum DataState {
    Loading,
    Ready(Arc<Data>),
    Failed(String),
}

/// The shared loading state (provided by the app shell), whether the default dataset has
/// been asked for, and the switch.
#[derive(Clone, Copy)]
pub struct DataContext(pub ReadSignal<DataState>, StoredValue<bool>, DataSwitch);

/// Replaces the dataset pages work on (the pack loader and the dataset picker switch to
/// another dataset and back); provided by the app shell next to [`DataContext`].
#[derive(Clone, Copy)]
pub struct DataSwitch {
    state: WriteSignal<DataState>,
    /// Counts switches, so that opening the default dataset never overrides a switch made
    /// while it was opening.
    switches: StoredValue<u64>,
}

impl DataSwitch {
    /// Sets the state pages see.
    pub fn set(self, state: DataState) {
        self.switches.update_value(|n| *n += 1);
        self.state.set(state);
    }
}

/// Provides the dataset state to every page (nothing loads until a page asks).
pub fn provide_data() {
    let (state, set_state) = signal(DataState::Loading);
    let switch = DataSwitch { state: set_state, switches: StoredValue::new(0) };
    provide_context(DataContext(state, StoredValue::new(false), switch));
    provide_context(switch);
}

/// The dataset state, opening the default dataset (after the next paint) unless a dataset
/// is open or opening. Pages that query call this.
pub fn use_data() -> ReadSignal<DataState> {
    let Some(DataContext(state, started, switch)) = use_context::<DataContext>() else {
        return signal(DataState::Loading).0;
    };
    // A switch made before any page asked (a pack's "Query in the playground" on the start
    // page, which only peeks) is the learner's choice: it stands, and the default is not
    // opened over it.
    let switches = switch.switches.get_value();
    if !started.get_value() && switches == 0 {
        started.set_value(true);
        spawn_local(async move {
            browser::next_paint().await;
            let opened = open(DEFAULT_DATASET).await;
            // A link or a pack may have switched datasets meanwhile: that choice stands.
            if switch.switches.get_value() == switches {
                switch.state.set(match opened {
                    Ok(data) => DataState::Ready(Arc::new(data)),
                    Err(e) => DataState::Failed(e),
                });
            }
        });
    }
    state
}

/// The dataset state without opening anything (the start page's overview).
pub fn peek_data() -> ReadSignal<DataState> {
    use_context::<DataContext>().map(|c| c.0).unwrap_or_else(|| signal(DataState::Loading).0)
}

/// Opens dataset `id` (built-in or registered by a pack) in the engine module, loading the
/// module first if no page has needed it yet.
pub async fn open(id: &str) -> Result<Data, String> {
    engine_link::ready().await?;
    let started = browser::now_ms();
    let info = engine_link::ask(OpenDataset { id: id.to_string() }).await??;
    Ok(Data { meta: info.facts.meta.clone(), info, load_ms: browser::now_ms() - started })
}
