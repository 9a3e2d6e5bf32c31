//! The exercise catalogue of the home page: the built-in exercises grouped by the seed's
//! tasks, each with its seed reference and a checkmark once solved. It reads the generated
//! list of built-in exercises, so the start page shows it without the engine module.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::content::exercise::ExerciseKind;

use super::browser::href;
use super::exercise_data::{groups, BUILTIN};
use super::paths::EXERCISE;
use super::progress_store::{use_progress, ProgressNotice, ResetProgress};

/// The catalogue.
#[component]
pub fn Catalogue() -> impl IntoView {
    let progress = use_progress().progress;
    let total = BUILTIN.len();
    let solved_count = move || progress.with(|p| BUILTIN.iter().filter(|e| p.is_solved(e.id)).count());
    let groups = groups(BUILTIN)
        .into_iter()
        .map(|g| {
            let items = g
                .exercises
                .iter()
                .map(|ex| {
                    let id = ex.id;
                    let solved = move || progress.with(|p| p.is_solved(id));
                    let (solved_label, solved_mark) = (solved, solved);
                    let (link, title) = (href(&format!("{EXERCISE}/{}", ex.id)), ex.title);
                    let kind = (ex.kind != ExerciseKind::Write).then(|| view! { <span class="badge kind">{ex.kind.label()}</span> });
                    view! {
                        <li class="catalogue-item" class:solved=solved data-testid=format!("catalogue-{}", ex.id)>
                            <span class="check" role="img" aria-label=move || if solved_label() { "solved" } else { "not solved" }>
                                {move || if solved_mark() { "\u{2713}" } else { "" }}
                            </span>
                            <A href=link>{title}</A>
                            <span class="seed-ref muted small">{ex.seed_ref}</span>
                            {kind}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="catalogue-group">
                    <h3>{g.task}</h3>
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
                <div class="progress-tools">
                    <span class="badge" data-testid="solved-count">{move || format!("{} of {total} solved", solved_count())}</span>
                    <ResetProgress />
                </div>
            </div>
            <p class="muted">
                "Every PromQL TODO of the course's exercise 07, graded by result: your query is run next to the "
                "reference answer at several points in time and the results are compared."
            </p>
            <div class="catalogue-groups">{groups}</div>
        </div>
    }
}
