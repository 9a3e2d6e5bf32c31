//! The exercise page: the prompt, the editor (starting from the learner's last query or the
//! exercise's starter), grading by result on Check (or Ctrl/Cmd-Enter), hints revealed one at
//! a time, feedback with the expected-vs-actual chart, and the explanation once solved.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::content::exercise::{prepare, prepare_shared, Exercise, ExerciseKind, Prepared};
use crate::content::grade::feedback::{describe, Feedback};
use crate::content::grade::overlay::{chart_range, overlay};
use crate::content::grade::{grade, RangeParams};
use crate::content::markdown::to_html;
use crate::content::time::format_instant;
use crate::engine::{self, EngineOptions, Storage, Value};

use super::browser::{self, href};
use super::chart_model::Model;
use super::data::{use_data, Data, DataState};
use super::editor::QueryEditor;
use super::exercise_data::with_packs;
use super::exercise_feedback::FeedbackPanel;
use super::paths::EXERCISE;
use super::progress_store::{use_progress, ProgressNotice};

/// What grading an exercise needs, computed on the first check.
pub struct Ready {
    /// A copy of the dataset with the exercise's recorded series (None: the shared one).
    storage: Option<Storage>,
    prepared: Prepared,
    /// The chart range and the reference answer's result over it.
    chart: Option<(RangeParams, Value)>,
}

/// The outcome of one check, as shown.
pub struct Checked {
    pub query: String,
    pub feedback: Feedback,
    pub chart: Option<Arc<Model>>,
    pub parse_span: Option<(usize, usize)>,
}

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
        with_packs().map(|all| all.iter().find(|e| e.id == id).cloned())
    });
    move || {
        let (id, found) = (id.get(), found.get());
        let all = match found.and_then(|_| untrack(with_packs)) {
            Ok(all) => all,
            Err(e) => return view! { <section class="card narrow error-box">"The exercises failed to load: " {e}</section> }.into_any(),
        };
        let Some(i) = all.iter().position(|e| e.id == id) else {
            return view! {
                <section class="card narrow">
                    <h1>"No such exercise"</h1>
                    <p>"There is no exercise " <code>{id}</code> "."</p>
                    <p><A href=href("/")>"Back to the exercises"</A></p>
                </section>
            }
            .into_any();
        };
        let prev = i.checked_sub(1).and_then(|j| all.get(j)).map(|e| e.id.clone());
        let next = all.get(i + 1).map(|e| e.id.clone());
        let ex = Arc::new(all[i].clone());
        view! { <Player ex=ex number=i + 1 total=all.len() prev=prev next=next /> }.into_any()
    }
}

#[component]
fn Player(
    ex: Arc<Exercise>,
    number: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
) -> impl IntoView {
    let data = use_data();
    let ctx = use_progress();
    let progress = ctx.progress;
    let id = ex.id.clone();
    let initial = progress
        .with_untracked(|p| p.last_query(&id).map(str::to_string))
        .or_else(|| ex.starter.clone())
        .unwrap_or_default();
    let query = RwSignal::new(initial.trim_end().to_string());
    let checked: RwSignal<Option<Arc<Checked>>> = RwSignal::new(None);
    let running = RwSignal::new(false);
    let show_answer = RwSignal::new(false);
    let ready: StoredValue<Option<Result<Arc<Ready>, String>>> = StoredValue::new(None);

    let e = ex.clone();
    let check = Callback::new(move |()| {
        let DataState::Ready(d) = data.get_untracked() else { return };
        let ex = e.clone();
        running.set(true);
        spawn_local(async move {
            browser::next_paint().await;
            let q = query.get_untracked();
            let r = match ready.get_value() {
                Some(r) => r,
                None => {
                    let r = get_ready(&ex, &d).map(Arc::new);
                    ready.set_value(Some(r.clone()));
                    r
                }
            };
            let outcome = match r {
                Ok(r) => {
                    let c = check_answer(&r, &d, &q);
                    progress.update(|p| {
                        p.set_query(&ex.id, &q);
                        if c.feedback.passed {
                            p.mark_solved(&ex.id);
                        }
                    });
                    c
                }
                Err(e) => Checked {
                    query: q,
                    feedback: Feedback {
                        passed: false,
                        headline: "This exercise cannot be graded.".into(),
                        items: vec![e],
                        matched: (0, 0),
                    },
                    chart: None,
                    parse_span: None,
                },
            };
            checked.set(Some(Arc::new(outcome)));
            running.set(false);
        });
    });

    let error_span = Signal::derive(move || {
        checked.with(|c| c.as_ref().filter(|c| query.with(|q| *q == c.query)).and_then(|c| c.parse_span))
    });
    let ready_data = Signal::derive(move || matches!(data.get(), DataState::Ready(_)));
    let id = ex.id.clone();
    let solved = Signal::derive(move || progress.with(|p| p.is_solved(&id)));
    let id = ex.id.clone();
    let shown = Signal::derive(move || progress.with(|p| p.hints_shown(&id)));
    let hint_count = ex.hints.len();

    let hints: Vec<String> = ex.hints.iter().map(|h| to_html(h)).collect();
    let hint_list = move || {
        let n = shown.get().min(hints.len());
        hints[..n]
            .iter()
            .enumerate()
            .map(|(i, h)| {
                view! { <li class="hint" data-testid="hint"><span class="hint-no">{format!("Hint {}", i + 1)}</span><div class="prose" inner_html=h.clone()></div></li> }
            })
            .collect_view()
    };
    let id = ex.id.clone();
    let reveal = move |_: leptos::ev::MouseEvent| progress.update(|p| p.reveal_hint(&id, hint_count));

    let starter = ex.starter.clone();
    let reset = starter.clone().map(|s| {
        view! {
            <button type="button" class="button secondary" data-testid="reset-starter"
                on:click=move |_| query.set(s.trim_end().to_string())>"Reset to the starting query"</button>
        }
    });

    let kind =
        (ex.kind != ExerciseKind::Write).then(|| view! { <span class="badge kind">{ex.kind.label()}</span> });
    let prompt = to_html(&ex.prompt);
    let nav = |target: Option<String>, label: &'static str| {
        target.map(|t| view! { <A href=href(&format!("{EXERCISE}/{t}")) attr:class="button secondary small">{label}</A> })
    };
    let e = ex.clone();
    let checkpoints = move || {
        let DataState::Ready(d) = data.get() else { return None };
        let plan = e.plan(&d.meta).ok()?;
        let times: Vec<String> = plan.instants.iter().map(|t| format_instant(*t)).collect();
        let range =
            plan.range.map(|r| format!(" and over {} to {}", format_instant(r.start), format_instant(r.end)));
        Some(
            view! { <p class="muted small" data-testid="checkpoints">"Checked at " {times.join(", ")} {range} " (UTC)."</p> },
        )
    };

    let solved_view = {
        let ex = ex.clone();
        move || {
            (solved.get() || show_answer.get()).then(|| {
                let answers = ex.answers.iter().map(|a| view! { <pre class="query-snippet"><code>{a.trim_end().to_string()}</code></pre> }).collect_view();
                let docs = ex
                    .docs
                    .iter()
                    .map(|d| view! { <li><a href=d.url.clone() target="_blank" rel="noopener">{d.title.clone()}</a></li> })
                    .collect_view();
                let title = if solved.get() { "Solved \u{2014} why it works" } else { "The answer" };
                view! {
                    <section class="card explanation" data-testid="explanation">
                        <h2>{title}</h2>
                        <div class="prose" inner_html=to_html(&ex.explanation)></div>
                        <h3>{if ex.answers.len() > 1 { "Reference answers" } else { "Reference answer" }}</h3>
                        {answers}
                        <h3>"Read more"</h3>
                        <ul class="doc-links">{docs}</ul>
                    </section>
                }
            })
        }
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
            <section class="card exercise-card">
                <div class="exercise-meta">
                    <span class="badge seed-ref">{ex.seed_ref.clone()}</span>
                    {kind}
                    {move || solved.get().then(|| view! { <span class="badge good" data-testid="solved-badge">"\u{2713} Solved"</span> })}
                </div>
                <h1 class="card-title">{ex.title.clone()}</h1>
                <div class="prose prompt" inner_html=prompt></div>
                <QueryEditor value=query error_span=error_span on_execute=check />
                <div class="exercise-actions">
                    <button type="button" class="button primary" data-testid="check"
                        disabled={move || running.get() || !ready_data.get()}
                        on:click=move |_| check.run(())>
                        {move || if running.get() { "Checking\u{2026}" } else if ready_data.get() { "Check answer" } else { "Loading dataset\u{2026}" }}
                    </button>
                    <button type="button" class="button secondary" data-testid="reveal-hint"
                        disabled={move || shown.get() >= hint_count}
                        on:click=reveal>
                        {move || if shown.get() >= hint_count { "No more hints".to_string() } else { format!("Show a hint ({} of {hint_count})", shown.get() + 1) }}
                    </button>
                    {move || (shown.get() >= hint_count && !solved.get() && !show_answer.get()).then(|| view! {
                        <button type="button" class="button secondary" data-testid="show-answer" on:click=move |_| show_answer.set(true)>"Show the answer"</button>
                    })}
                    {reset}
                </div>
                {checkpoints}
                <ol class="hints">{hint_list}</ol>
            </section>
            <FeedbackPanel checked=checked.into() running=running.into() />
            {solved_view}
        </div>
    }
}

/// Prepares the exercise on the loaded data (recording its rules into a copy if it has any)
/// and evaluates the reference over the chart range.
fn get_ready(ex: &Exercise, d: &Data) -> Result<Ready, String> {
    let opts = EngineOptions::default();
    let mut own = (!ex.recording_rules.is_empty()).then(|| d.storage.clone());
    let prepared = match own.as_mut() {
        Some(st) => prepare(ex, &d.meta, st, &opts)?,
        None => prepare_shared(ex, &d.meta, &d.storage, &opts)?,
    };
    let storage = own.as_ref().unwrap_or(&d.storage);
    let chart = chart_range(&prepared.plan, (d.meta.start, d.meta.end)).and_then(|r| {
        let reference = ex.answers.first()?;
        let out = engine::range_query(storage, reference, r.start, r.end, r.step, &opts).ok()?;
        Some((r, out.value))
    });
    Ok(Ready { storage: own, prepared, chart })
}

/// Grades `query` and builds the overlay chart.
fn check_answer(r: &Ready, d: &Data, query: &str) -> Checked {
    let opts = EngineOptions::default();
    let storage = r.storage.as_ref().unwrap_or(&d.storage);
    let verdict = grade(storage, &r.prepared.plan, &r.prepared.expected, query, &opts);
    let parse_span = verdict.parse_error.as_ref().map(|p| p.span);
    let chart = r.chart.as_ref().and_then(|(range, expected)| {
        if verdict.parse_error.is_some() {
            return None;
        }
        let actual =
            engine::range_query(storage, query, range.start, range.end, range.step, &opts).ok()?.value;
        let both = overlay(expected, &actual)?;
        Some(Arc::new(Model::overlay(&both.expected, &both.actual, range.start, range.end, range.step)))
    });
    Checked { query: query.to_string(), feedback: describe(&verdict), chart, parse_span }
}
