//! The exercise page: finds the exercise in the list (built-in, then the loaded packs' ones),
//! shows its heading and the links to the previous and next exercises at once, and the rest
//! (prompt, editor, hints, grading: see [`super::exercise_workspace`]) once the engine module,
//! which renders its texts, is loaded.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::content::exercise::ExerciseKind;
use crate::link::exercises::{ExerciseView, ShowExercise};

use super::browser::href;
use super::engine_link;
use super::exercise_data::{with_packs, Listed};
use super::exercise_workspace::Workspace;
use super::paths::EXERCISE;
use super::progress_store::ProgressNotice;

/// The exercise page for `id`.
#[component]
pub fn ExercisePlayer(
    /// The exercise id from the route.
    #[prop(into)]
    id: Signal<String>,
) -> impl IntoView {
    // The page is redrawn when the id changes or a pack brings (or takes away) this exercise,
    // not on every pack change: a redraw would drop what the learner typed.
    let found = Memo::new(move |_| {
        let id = id.get();
        with_packs().into_iter().find(|e| e.id() == id)
    });
    move || {
        let id = id.get();
        // Read, not just tracked: a memo computes (and subscribes to the pack list) only
        // when read, and this closure must rerun when the exercise appears.
        found.with(|_| ());
        let all = untrack(with_packs);
        let Some(i) = all.iter().position(|e| e.id() == id) else {
            return view! {
                <section class="card narrow">
                    <h1>"No such exercise"</h1>
                    <p>"There is no exercise " <code>{id}</code> "."</p>
                    <p><A href=href("/")>"Back to the exercises"</A></p>
                </section>
            }
            .into_any();
        };
        let prev = i.checked_sub(1).and_then(|j| all.get(j)).map(|e| e.id().to_string());
        let next = all.get(i + 1).map(|e| e.id().to_string());
        let ex = Arc::new(all[i].clone());
        view! { <Player ex=ex number=i + 1 total=all.len() prev=prev next=next /> }.into_any()
    }
}

#[component]
fn Player(
    ex: Arc<Listed>,
    number: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
) -> impl IntoView {
    // The texts come from the engine module: wait for it (it loads with the dataset), then ask.
    let content: RwSignal<Option<Result<Arc<ExerciseView>, String>>> = RwSignal::new(None);
    let id = ex.id().to_string();
    spawn_local(async move {
        let shown = engine_link::ask(ShowExercise { id }).await.and_then(|r| r).map(Arc::new);
        content.set(Some(shown));
    });
    let nav = |target: Option<String>, label: &'static str| {
        target.map(|t| view! { <A href=href(&format!("{EXERCISE}/{t}")) attr:class="button secondary small">{label}</A> })
    };
    let body = move || match content.get() {
        None => view! {
            <section class="card exercise-card">
                <Heading ex=ex.clone() />
                <p class="muted loading">"Loading the exercise\u{2026}"</p>
            </section>
        }
        .into_any(),
        Some(Err(e)) => {
            view! { <section class="card narrow error-box">"The exercise failed to load: " {e}</section> }
                .into_any()
        }
        Some(Ok(content)) => view! { <Workspace ex=ex.clone() content=content /> }.into_any(),
    };
    view! {
        <div class="exercise-page" data-testid="exercise-page">
            <ProgressNotice />
            <nav class="exercise-nav">
                <A href=href("/#exercises") attr:class="button secondary small">"\u{2190} All exercises"</A>
                <span class="muted small">{format!("Exercise {number} of {total}")}</span>
                <span class="spacer"></span>
                {nav(prev, "\u{2190} Previous")}
                {nav(next, "Next \u{2192}")}
            </nav>
            {body}
        </div>
    }
}

/// The exercise's badges (seed reference, kind, solved) and title.
#[component]
pub fn Heading(
    ex: Arc<Listed>,
    /// Shows the solved badge while true (not given while the page loads).
    #[prop(optional)]
    solved: Option<Signal<bool>>,
) -> impl IntoView {
    let kind = (ex.kind() != ExerciseKind::Write)
        .then(|| view! { <span class="badge kind">{ex.kind().label()}</span> });
    let solved = move || {
        solved
            .is_some_and(|s| s.get())
            .then(|| view! { <span class="badge good" data-testid="solved-badge">"\u{2713} Solved"</span> })
    };
    view! {
        <div class="exercise-meta">
            <span class="badge seed-ref">{ex.seed_ref().to_string()}</span>
            {kind}
            {solved}
        </div>
        <h1 class="card-title">{ex.title().to_string()}</h1>
    }
}
