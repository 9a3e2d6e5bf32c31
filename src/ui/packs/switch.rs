//! Switching the dataset every page works on between the built-in ones and the loaded
//! packs' datasets. The engine module opens the dataset (building its samples unless it
//! holds them still) after the next paint, so the pages show "Loading" until then; a dataset
//! that fails to open is reported and the previous one stays.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::content::DatasetMeta;
use crate::link::data::BuiltinDatasets;

use super::super::data::{self, DataState};
use super::super::{browser, engine_link};
use super::state::{Failure, Packs};

impl Packs {
    /// True once no pack is loading or queued (reactive: tracks the loading progress), so a
    /// dataset named in a link can be looked for among every pack the page will have.
    pub fn settled(self) -> bool {
        self.progress.with(Option::is_none) && !self.busy.get_value()
    }

    /// The built-in datasets' metadata (reactive), asked of the engine module the first time
    /// this is called once it is loaded: empty until it answers, or when it cannot (the
    /// pickers then offer the loaded packs' datasets only).
    pub fn builtin(self) -> Vec<DatasetMeta> {
        self.builtin_listed().unwrap_or_default()
    }

    /// The built-in datasets' metadata, None until the engine module has answered.
    fn builtin_listed(self) -> Option<Vec<DatasetMeta>> {
        if let Some(list) = self.builtin.get() {
            return Some(list);
        }
        if engine_link::is_ready() && !self.builtin_asked.get_value() {
            self.builtin_asked.set_value(true);
            engine_link::send(BuiltinDatasets, move |reply| {
                self.builtin.set(Some(reply.ok().and_then(Result::ok).unwrap_or_default()));
            });
        }
        None
    }

    /// Whether `id` names a built-in dataset or a loaded pack's (reactive); None while the
    /// built-in list is still being asked for.
    pub fn has_dataset(self, id: &str) -> Option<bool> {
        if self.dataset(id).is_some() {
            return Some(true);
        }
        self.builtin_listed().map(|list| list.iter().any(|d| d.id == id))
    }

    /// The id of the dataset pages work on now (None while it loads or after a failure).
    pub fn active_id(self) -> Option<String> {
        match self.data.get_untracked() {
            DataState::Ready(d) => Some(d.meta.id.clone()),
            _ => None,
        }
    }

    /// Makes dataset `id` (a loaded pack's or a built-in one) the one pages work on.
    pub fn activate(self, id: &str) {
        let Some(set) = self.set_data else { return };
        let previous = self.data.get_untracked();
        if matches!(&previous, DataState::Ready(d) if d.meta.id == id) {
            return;
        }
        let id = id.to_string();
        set.set(DataState::Loading);
        spawn_local(async move {
            browser::next_paint().await;
            match data::open(&id).await {
                Ok(opened) => set.set(DataState::Ready(Arc::new(opened))),
                Err(e) => {
                    self.failures.update(|f| {
                        f.push(Failure {
                            source: format!("dataset {id}"),
                            // One problem a line, as the engine module's error lists them.
                            problems: e.lines().map(str::to_string).collect(),
                        })
                    });
                    set.set(previous);
                }
            }
        });
    }
}
