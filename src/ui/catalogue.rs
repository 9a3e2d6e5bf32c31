//! The exercise catalogue of the home page: the built-in exercises grouped by the seed's
//! tasks, each with its seed reference and a checkmark once solved.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::content::exercise::ExerciseKind;
use crate::content::exercise_pack::catalogue;

use super::browser::href;
use super::exercise_data::exercises;
use super::paths::EXERCISE;
use super::progress_store::{use_progress, ProgressNotice};

/// The catalogue.
#[component]
pub fn Catalogue() -> impl IntoView {
    let progress = use_progress().progress;
    let all = match exercises() {
        Ok(all) => all,
        Err(e) => return view! { <p class="error-box">"The exercises failed to load: " {e}</p> }.into_any(),
    };
    let total = all.len();
    let ids: Vec<String> = all.iter().map(|e| e.id.clone()).collect();
    let solved_count = move || progress.with(|p| ids.iter().filter(|id| p.is_solved(id)).count());
    let groups = catalogue(&all)
        .into_iter()
        .map(|g| {
            let items = g
                .exercises
                .iter()
                .map(|ex| {
                    let id = ex.id.clone();
                    let solved = move || progress.with(|p| p.is_solved(&id));
                    let (solved_label, solved_mark) = (solved.clone(), solved.clone());
                    let (link, title) = (href(&format!("{EXERCISE}/{}", ex.id)), ex.title.clone());
                    let kind = (ex.kind != ExerciseKind::Write).then(|| view! { <span class="badge kind">{ex.kind.label()}</span> });
                    view! {
                        <li class="catalogue-item" class:solved=solved data-testid=format!("catalogue-{}", ex.id)>
                            <span class="check" aria-label=move || if solved_label() { "solved" } else { "not solved" }>
                                {move || if solved_mark() { "\u{2713}" } else { "" }}
                            </span>
                            <A href=link>{title}</A>
                            <span class="seed-ref muted small">{ex.seed_ref.clone()}</span>
                            {kind}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="catalogue-group">
                    <h3>{g.task.to_string()}</h3>
                    <ul class="catalogue-list">{items}</ul>
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="catalogue" data-testid="catalogue">
            <ProgressNotice />
            <div class="card-title-row">
                <h2>"Exercises"</h2>
                <span class="badge" data-testid="solved-count">{move || format!("{} of {total} solved", solved_count())}</span>
            </div>
            <p class="muted">
                "Every PromQL TODO of the course's exercise 07, graded by result: your query is run next to the "
                "reference answer at several points in time and the results are compared."
            </p>
            <div class="catalogue-groups">{groups}</div>
        </div>
    }
    .into_any()
}
