//! The exercise route (`/exercise/:id`): hands the id to the exercise player.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::exercise_player::ExercisePlayer;

/// The exercise page.
#[component]
pub fn ExercisePage() -> impl IntoView {
    let params = use_params_map();
    let id = Signal::derive(move || params.with(|p| p.get("id").unwrap_or_default()));
    view! { <ExercisePlayer id=id /> }
}
