//! What the labs' exercise pages share (rules, alerting, relabeling, Alertmanager): the
//! list of them on the lab page, loading
//! the exercise the route names, the learner's answer and solved mark kept in local storage,
//! the header badges, the Check / "Show a hint" / "Start over" buttons, the hints shown so
//! far, and the explanation once solved. Each lab keeps its own editor, grading message and
//! feedback.

use std::future::Future;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::link::exercises::LabExerciseItem;

use super::browser::{self, href};

/// The lab an exercise belongs to, as its exercise pages name it.
#[derive(Clone, Copy)]
pub struct Lab {
    /// The lab page's path.
    pub path: &'static str,
    /// Its name, in "← NAME" and "Back to the NAME".
    pub name: &'static str,
    /// What failed to load, in "The EXERCISES failed to load".
    pub exercises: &'static str,
    /// The link under the explanation of a solved exercise (to the lab).
    pub try_it: &'static str,
}

impl Lab {
    /// Where exercise `id` of the lab lives: `PATH/exercise/ID`.
    pub fn exercise_path(&self, id: &str) -> String {
        format!("{}/exercise/{id}", self.path)
    }
}

/// The lab page's list of its exercises under `heading`, each a link with the seed's task:
/// asked with `load` (the engine module reads the exercise files) once `engine` says the
/// module is ready, or why it is not.
pub fn exercise_list<Fut>(
    lab: Lab,
    heading: &'static str,
    engine: Signal<Option<Result<(), String>>>,
    load: impl Fn() -> Fut + 'static,
) -> impl IntoView
where
    Fut: Future<Output = Result<Result<Vec<LabExerciseItem>, String>, String>> + 'static,
{
    let list = LocalResource::new(load);
    let items = move || {
        let listed = match engine.get()? {
            Err(e) => Err(e),
            Ok(()) => list.get()?.and_then(|r| r),
        };
        Some(match listed {
            Ok(list) => list
                .into_iter()
                .map(|ex| {
                    view! {
                        <li class="card lab-exercise" data-testid="lab-exercise-link">
                            <span class="badge seed-ref">{ex.seed_ref}</span>
                            <A href=href(&lab.exercise_path(&ex.id))>{ex.title}</A>
                        </li>
                    }
                })
                .collect_view()
                .into_any(),
            Err(e) => view! { <li class="error-box">{format!("The {} failed to load: {e}", lab.exercises)}</li> }.into_any(),
        })
    };
    view! {
        <section class="lab-section">
            <h2>{heading}</h2>
            <ul class="lab-exercises" data-testid="lab-exercises">{items}</ul>
        </section>
    }
}

/// The route: loads the exercise the URL's `id` names with `open` and shows it with `body`,
/// or says there is no such exercise (with the way back), or why loading failed.
pub fn exercise_route<V, Fut>(
    lab: Lab,
    open: impl Fn(String) -> Fut + 'static,
    body: impl Fn(Arc<V>) -> AnyView + Send + Sync + 'static,
) -> impl IntoView
where
    V: Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<V>, String>> + 'static,
{
    let params = use_params_map();
    let exercise = LocalResource::new(move || open(params.with(|p| p.get("id").unwrap_or_default())));
    move || match exercise.get() {
        None => view! { <p class="muted loading">"Loading the exercise\u{2026}"</p> }.into_any(),
        Some(Ok(Some(ex))) => body(Arc::new(ex)),
        Some(Ok(None)) => view! {
            <section class="card narrow"><h1>"No such exercise"</h1>
                <p><A href=href(lab.path)>{format!("Back to the {}", lab.name)}</A></p></section>
        }
        .into_any(),
        Some(Err(e)) => view! {
            <section class="card narrow error-box">{format!("The {} failed to load: {e}", lab.exercises)}</section>
        }
        .into_any(),
    }
}

/// The learner's work on one exercise: the answer (stored as it changes), the solved mark
/// (stored once earned), how many hints are shown, and whether a check is running.
#[derive(Clone, Copy)]
pub struct ExerciseWork {
    pub answer: RwSignal<String>,
    pub solved: RwSignal<bool>,
    pub hints_shown: RwSignal<usize>,
    pub checking: RwSignal<bool>,
    solved_key: StoredValue<String>,
}

impl ExerciseWork {
    /// The work kept under `answer_key` and `solved_key`; a first visit starts from `starter`.
    pub fn new(answer_key: String, solved_key: String, starter: &str) -> Self {
        let answer = RwSignal::new(browser::stored(&answer_key).unwrap_or_else(|| starter.to_string()));
        let solved = RwSignal::new(browser::stored(&solved_key).is_some());
        Effect::new(move |previous: Option<String>| {
            let a = answer.get();
            if previous.is_some_and(|p| p != a) {
                browser::store(&answer_key, &a);
            }
            a
        });
        ExerciseWork {
            answer,
            solved,
            hints_shown: RwSignal::new(0),
            checking: RwSignal::new(false),
            solved_key: StoredValue::new(solved_key),
        }
    }

    /// Grades the current answer with `grade` and shows the verdict in `verdict`; a verdict
    /// that `passed` marks the exercise solved, for good.
    pub fn check<T, Fut>(
        self,
        verdict: RwSignal<Option<Result<T, String>>>,
        grade: impl FnOnce(String) -> Fut + 'static,
        passed: fn(&T) -> bool,
    ) where
        T: Send + Sync + 'static,
        Fut: Future<Output = Result<T, String>> + 'static,
    {
        self.checking.set(true);
        let answer = self.answer.get_untracked();
        spawn_local(async move {
            let outcome = grade(answer).await;
            if outcome.as_ref().is_ok_and(passed) {
                self.solved.set(true);
                browser::store(&self.solved_key.get_value(), "1");
            }
            verdict.set(Some(outcome));
            self.checking.set(false);
        });
    }
}

/// The way back to the lab, above the exercise.
#[component]
pub fn BackToLab(lab: Lab) -> impl IntoView {
    view! {
        <nav class="exercise-nav">
            <A href=href(lab.path) attr:class="button secondary small">{format!("\u{2190} {}", capitalised(lab.name))}</A>
        </nav>
    }
}

/// The exercise's badges (the seed's task, the kind of exercise, solved), title and prompt.
#[component]
pub fn ExerciseHeader(
    seed_ref: String,
    kind: String,
    title: String,
    prompt_html: String,
    solved: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <div class="exercise-meta">
            <span class="badge seed-ref">{seed_ref}</span>
            <span class="badge kind">{kind}</span>
            {move || solved.get().then(|| view! { <span class="badge good" data-testid="solved-badge">"\u{2713} Solved"</span> })}
        </div>
        <h1 class="card-title">{title}</h1>
        <div class="prose prompt" inner_html=prompt_html></div>
    }
}

/// "Recording rules lab" for the back link from "recording rules lab".
fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Check (labelled `check_label`, disabled while checking or until `ready`), "Show a hint",
/// "Start over" (back to `starter`), and the hints shown so far.
#[component]
pub fn ExerciseActions(
    work: ExerciseWork,
    check_label: &'static str,
    check_testid: &'static str,
    #[prop(into)] ready: Signal<bool>,
    on_check: Callback<()>,
    hints_html: Vec<String>,
    starter: String,
) -> impl IntoView {
    let hint_count = hints_html.len();
    let shown = work.hints_shown;
    view! {
        <div class="exercise-actions">
            <button type="button" class="button primary" data-testid=check_testid
                disabled=move || { work.checking.get() || !ready.get() } on:click=move |_| on_check.run(())>
                {move || if work.checking.get() { "Checking\u{2026}" } else { check_label }}
            </button>
            <button type="button" class="button secondary" data-testid="reveal-hint"
                disabled=move || { shown.get() >= hint_count } on:click=move |_| shown.update(|n| *n += 1)>"Show a hint"</button>
            <button type="button" class="button secondary" on:click=move |_| work.answer.set(starter.clone())>"Start over"</button>
        </div>
        <HintList hints_html=hints_html shown=shown />
    }
}

/// The first `shown` hints, numbered.
#[component]
pub fn HintList(hints_html: Vec<String>, #[prop(into)] shown: Signal<usize>) -> impl IntoView {
    let list = move || {
        hints_html
            .iter()
            .take(shown.get())
            .enumerate()
            .map(|(i, h)| view! { <li class="hint" data-testid="hint"><span class="hint-no">{format!("Hint {}", i + 1)}</span><div class="prose" inner_html=h.clone()></div></li> })
            .collect_view()
    };
    view! { <ol class="hints">{list}</ol> }
}

/// Once solved: why the answer is right, and the way to try it in the lab.
#[component]
pub fn SolvedExplanation(lab: Lab, solved: RwSignal<bool>, explanation_html: String) -> impl IntoView {
    move || {
        solved.get().then(|| {
            view! {
                <section class="card explanation" data-testid="explanation">
                    <h2>"Why"</h2>
                    <div class="prose" inner_html=explanation_html.clone()></div>
                    <p><A href=href(lab.path)>{format!("{} \u{2192}", lab.try_it)}</A></p>
                </section>
            }
        })
    }
}
