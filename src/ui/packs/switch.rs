//! Switching the dataset every page works on between the built-in ones and the loaded
//! packs' datasets. Samples are built after the next paint (the pages show "Loading" until
//! then); a dataset that fails to build is reported and the previous one stays.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::content::{builtin_dataset, builtin_datasets};

use super::super::browser;
use super::super::data::{Data, DataState};
use super::state::{Failure, Packs};

impl Packs {
    /// True once no pack is loading or queued (reactive: tracks the loading progress), so a
    /// dataset named in a link can be looked for among every pack the page will have.
    pub fn settled(self) -> bool {
        self.progress.with(Option::is_none) && !self.busy.get_value()
    }

    /// Whether `id` names a built-in dataset or a loaded pack's.
    pub fn has_dataset(self, id: &str) -> bool {
        self.dataset(id).is_some() || builtin_datasets().is_ok_and(|all| all.iter().any(|d| d.meta.id == id))
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
        if let DataState::Ready(d) = &previous {
            if d.meta.id == id {
                return;
            }
            if self.dataset(&d.meta.id).is_none()
                && !self.built.with_value(|b| b.iter().any(|x| x.meta.id == d.meta.id))
            {
                let d = d.clone();
                self.built.update_value(|b| b.push(d));
            }
        }
        if let Some(d) = self.built.with_value(|b| b.iter().find(|x| x.meta.id == id).cloned()) {
            set.set(DataState::Ready(d));
            return;
        }
        let pack_dataset = self.dataset(id);
        let id = id.to_string();
        set.set(DataState::Loading);
        spawn_local(async move {
            browser::next_paint().await;
            let started = browser::now_ms();
            let built = match &pack_dataset {
                Some(d) => d.storage().map(|s| (d.meta.clone(), s)),
                None => builtin_dataset(&id).and_then(|d| d.storage().map(|s| (d.meta, s))),
            };
            match built {
                Ok((meta, storage)) => {
                    let data = Arc::new(Data { meta, storage, load_ms: browser::now_ms() - started });
                    if pack_dataset.is_none() {
                        self.built.update_value(|b| b.push(data.clone()));
                    }
                    set.set(DataState::Ready(data));
                }
                Err(e) => {
                    self.failures.update(|f| {
                        f.push(Failure {
                            source: format!("dataset {id}"),
                            problems: e.problems.iter().map(|p| p.to_string()).collect(),
                        })
                    });
                    set.set(previous);
                }
            }
        });
    }
}
