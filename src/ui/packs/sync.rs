//! Keeps the dataset in step with the page: an exercise page works on the dataset its
//! exercise names (a pack's or a built-in one), whichever dataset was in use before.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::link::packs::ExerciseDataset;

use super::super::data::DataState;
use super::super::engine_link;
use super::source::exercise_page;
use super::state::use_packs;

/// Renders nothing; switches the dataset when an exercise page needs another one.
#[component]
pub fn PackRouteSync() -> impl IntoView {
    let location = use_location();
    if let Some(packs) = use_packs() {
        let asked = engine_link::Latest::new();
        Effect::new(move |_| {
            let path = location.pathname.get();
            let Some(id) = exercise_page(&path) else { return };
            let from_pack =
                packs.exercises.with(|l| l.iter().find(|e| e.id == id).map(|e| e.dataset.clone()));
            // Wait while a dataset loads; after a failure, do not retry in a loop.
            let DataState::Ready(d) = packs.data.get() else { return };
            let switch_to = move |wanted: Option<String>| {
                if let Some(w) = wanted.filter(|w| *w != d.meta.id) {
                    packs.activate(&w);
                }
            };
            match from_pack {
                Some(w) => switch_to(Some(w)),
                // A ready dataset means the engine module is loaded: it knows the built-in
                // exercises. If it cannot answer, the exercise page shows the engine's error.
                None => asked.send(ExerciseDataset { id: id.to_string() }, move |r| switch_to(r.ok().flatten())),
            }
        });
    }
}
