//! The working part of the exercise page: the prompt, the editor (starting from the learner's
//! draft, else the query that solved it, else the exercise's starter; the draft is saved as
//! the learner types), grading by result on Check (or Ctrl/Cmd-Enter) in the engine module,
//! Run to see the result without grading, a link that opens the query in the playground,
//! hints revealed one at a time, feedback with the expected-vs-actual chart, and the
//! explanation once solved. The query-assist bar lints the query as the page opens and after
//! each run, and its explain tree reads the exercise's data; a clicked part shows in Run's panel.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::link::query::QueryTime;
use crate::link::exercises::{CheckAnswer, CheckedView, Checkpoints, ExerciseCheckpoints, ExerciseView};

use super::browser;
use super::chart_model::Model;
use super::data::{use_data, DataState};
use super::editor::QueryEditor;
use super::engine_link;
use super::exercise_data::Listed;
use super::exercise_feedback::{overlay_model, FeedbackPanel};
use super::exercise_player::Heading;
use super::exercise_run::{playground_at, run_exercise, RunPanel};
use super::lab_exercise::HintList;
use super::playground::Outcome;
use super::progress_store::{autosave_draft, use_progress};
use super::query_assist::{show_parts, AssistBar, AssistState, ExplainParts};

/// The outcome of one check, as shown.
pub struct Checked {
    /// The query that was checked (its parse error is underlined while the editor holds it).
    pub query: String,
    /// The verdict, its chart series moved into [`Checked::chart`].
    pub view: CheckedView,
    pub chart: Option<Arc<Model>>,
}

/// The exercise card, the feedback and the explanation.
#[component]
pub fn Workspace(
    /// The exercise as listed (heading).
    ex: Arc<Listed>,
    /// Its texts, rendered by the engine module.
    content: Arc<ExerciseView>,
) -> impl IntoView {
    let data = use_data();
    let progress = use_progress().progress;
    let id = ex.id().to_string();
    let initial = progress
        .with_untracked(|p| p.editor_text(&id).map(str::to_string))
        .or_else(|| content.starter.clone())
        .unwrap_or_default();
    let query = RwSignal::new(initial.trim_end().to_string());
    autosave_draft(id.clone(), query);
    let checked: RwSignal<Option<Arc<Checked>>> = RwSignal::new(None);
    let running = RwSignal::new(false);
    let ran: RwSignal<Option<Outcome>> = RwSignal::new(None);
    let running_run = RwSignal::new(false);
    let show_answer = RwSignal::new(false);
    let assist = AssistState::for_exercise(query, id.clone());
    // Run and the explain tree's parts share the result panel: the newest request wins.
    let runs = engine_link::Latest::new();

    let check_id = id.clone();
    let check = Callback::new(move |()| {
        let DataState::Ready(d) = data.get_untracked() else { return };
        let id = check_id.clone();
        running.set(true);
        spawn_local(async move {
            let q = query.get_untracked();
            let outcome = check_answer(&id, &d.meta.id, &q).await;
            let time = lint_time(&id, &d.meta.id, d.meta.end).await;
            // The learner may have left the page while it graded.
            if query.is_disposed() {
                return;
            }
            assist.refresh(&d.meta.id, time);
            if outcome.view.graded {
                progress.update(|p| {
                    p.set_draft(&id, &q);
                    p.record_check(&id, &q, outcome.view.passed);
                });
            }
            checked.set(Some(Arc::new(outcome)));
            ran.set(None);
            running.set(false);
        });
    });
    let run_id = id.clone();
    let run = Callback::new(move |()| {
        let DataState::Ready(d) = data.get_untracked() else { return };
        let Some(generation) = runs.next() else { return };
        let id = run_id.clone();
        running_run.set(true);
        spawn_local(async move {
            let outcome = run_exercise(&id, &d.meta.id, &query.get_untracked()).await;
            let time = lint_time(&id, &d.meta.id, d.meta.end).await;
            // The learner may have left the page, or clicked a part of the tree, meanwhile.
            if query.is_disposed() || !runs.is_current(generation) {
                return;
            }
            ran.set(Some(outcome));
            assist.refresh(&d.meta.id, time);
            running_run.set(false);
        });
    });

    // A node of the explain tree clicked: Run's panel shows that part's result over the
    // exercise's range (the editor keeps the whole query).
    let part_id = id.clone();
    let show_part = show_parts(assist, runs, ran, running_run, move |q| {
        let DataState::Ready(d) = data.get_untracked() else { return None };
        let id = part_id.clone();
        Some(async move { run_exercise(&id, &d.meta.id, &q).await })
    });

    // The starting query (or the draft) is linted as soon as the page opens: a "fix this
    // query" exercise shows what is wrong with it before anything runs.
    let open_id = id.clone();
    Effect::new(move |_| {
        let DataState::Ready(d) = data.get() else { return };
        let id = open_id.clone();
        spawn_local(async move {
            let time = lint_time(&id, &d.meta.id, d.meta.end).await;
            if !query.is_disposed() {
                assist.refresh(&d.meta.id, time);
            }
        });
    });

    let error_span = Signal::derive(move || {
        checked.with(|c| c.as_ref().filter(|c| query.with(|q| *q == c.query)).and_then(|c| c.view.parse_span))
    });
    let ready_data = Signal::derive(move || matches!(data.get(), DataState::Ready(_)));
    let solved_id = id.clone();
    let solved = Signal::derive(move || progress.with(|p| p.is_solved(&solved_id)));
    let hints_id = id.clone();
    let shown = Signal::derive(move || progress.with(|p| p.hints_shown(&hints_id)));
    let hint_count = content.hints_html.len();

    let reveal_id = id.clone();
    let reveal = move |_: leptos::ev::MouseEvent| progress.update(|p| p.reveal_hint(&reveal_id, hint_count));

    let reset = content.starter.clone().map(|s| {
        view! {
            <button type="button" class="button secondary" data-testid="reset-starter"
                on:click=move |_| query.set(s.trim_end().to_string())>"Reset to the starting query"</button>
        }
    });
    // A solved exercise whose editor holds something else can go back to its solution.
    let solution_id = id.clone();
    let restore = move || {
        let solution = progress.with(|p| p.solution(&solution_id).map(str::to_string))?;
        (query.with(|q| q.trim_end() != solution.trim_end())).then(|| {
            view! {
                <button type="button" class="button secondary" data-testid="restore-solution"
                    on:click=move |_| query.set(solution.trim_end().to_string())>"Restore my solution"</button>
            }
        })
    };

    // Where the answer is checked depends on the dataset: asked again when it changes.
    let checkpoints_id = id.clone();
    let checkpoints: RwSignal<Option<(String, Checkpoints)>> = RwSignal::new(None);
    let asked = engine_link::Latest::new();
    Effect::new(move |_| {
        let DataState::Ready(d) = data.get() else { return checkpoints.set(None) };
        let message = ExerciseCheckpoints { id: checkpoints_id.clone(), dataset: d.meta.id.clone() };
        asked.send(message, move |reply| checkpoints.set(reply.ok().and_then(Result::ok).map(|c| (d.meta.id.clone(), c))));
    });
    let checkpoints_line = move || {
        checkpoints.get().map(|(_, c)| view! { <p class="muted small" data-testid="checkpoints">"Checked at " {c.text} " (UTC)."</p> })
    };
    let open_in_playground = move || {
        let (dataset, c) = checkpoints.get()?;
        let href = query.with(|q| playground_at(&browser::base(), &dataset, q, c.view));
        Some(view! { <a class="button secondary" href=href data-testid="open-in-playground">"Open in playground"</a> })
    };

    let solved_view = {
        let content = content.clone();
        move || {
            (solved.get() || show_answer.get()).then(|| {
                let answers = content.answers.iter().map(|a| view! { <pre class="query-snippet"><code>{a.trim_end().to_string()}</code></pre> }).collect_view();
                let docs = content
                    .docs
                    .iter()
                    .map(|d| view! { <li><a href=d.url.clone() target="_blank" rel="noopener">{d.title.clone()}</a></li> })
                    .collect_view();
                let title = if solved.get() { "Solved \u{2014} why it works" } else { "The answer" };
                view! {
                    <section class="card explanation" data-testid="explanation">
                        <h2>{title}</h2>
                        <div class="prose" inner_html=content.explanation_html.clone()></div>
                        <h3>{if content.answers.len() > 1 { "Reference answers" } else { "Reference answer" }}</h3>
                        {answers}
                        <h3>"Read more"</h3>
                        <ul class="doc-links">{docs}</ul>
                    </section>
                }
            })
        }
    };

    view! {
        <section class="card exercise-card">
            <Heading ex=ex solved=solved />
            <div class="prose prompt" inner_html=content.prompt_html.clone()></div>
            <QueryEditor value=query error_span=error_span on_execute=check marks=assist.marks()
                shortcut_does="checks your answer (Run shows the result without grading)" />
            // A fix runs the fixed query (without grading it).
            <AssistBar state=assist on_execute=run />
            <div class="exercise-actions">
                <button type="button" class="button primary" data-testid="check"
                    disabled={move || running.get() || !ready_data.get()}
                    on:click=move |_| check.run(())>
                    {move || if running.get() { "Checking\u{2026}" } else if ready_data.get() { "Check answer" } else { "Loading dataset\u{2026}" }}
                </button>
                <button type="button" class="button secondary" data-testid="run"
                    disabled={move || running_run.get() || !ready_data.get()}
                    on:click=move |_| run.run(())>{move || if running_run.get() { "Running\u{2026}" } else { "Run" }}</button>
                {open_in_playground}
                <button type="button" class="button secondary" data-testid="reveal-hint"
                    disabled={move || shown.get() >= hint_count}
                    on:click=reveal>
                    {move || if shown.get() >= hint_count { "No more hints".to_string() } else { format!("Show a hint ({} of {hint_count})", shown.get() + 1) }}
                </button>
                {move || (shown.get() >= hint_count && !solved.get() && !show_answer.get()).then(|| view! {
                    <button type="button" class="button secondary" data-testid="show-answer" on:click=move |_| show_answer.set(true)>"Show the answer"</button>
                })}
                {restore}
                {reset}
            </div>
            {checkpoints_line}
            <HintList hints_html=content.hints_html.clone() shown=shown />
        </section>
        <ExplainParts state=assist on_select=show_part />
        // Run's result sits right under the editor; a check replaces it with the verdict.
        <RunPanel outcome=ran.into() running=running_run.into() />
        <FeedbackPanel checked=checked.into() running=running.into() />
        {solved_view}
    }
}

/// The instant lint looks at for exercise `id`: its last checkpoint (the end of its chart's
/// range), else the data's last sample `end`.
async fn lint_time(id: &str, dataset: &str, end: crate::engine::Millis) -> crate::engine::Millis {
    let message = ExerciseCheckpoints { id: id.to_string(), dataset: dataset.to_string() };
    match engine_link::ask(message).await.ok().and_then(Result::ok).map(|c| c.view) {
        Some(QueryTime::Instant { time }) | Some(QueryTime::Range { end: time, .. }) => time,
        None => end,
    }
}

/// Grades `query` in the engine module and builds the overlay chart. A link failure (the
/// engine module is not loaded or has stopped) is shown as the feedback's headline.
async fn check_answer(id: &str, dataset: &str, query: &str) -> Checked {
    let message = CheckAnswer { id: id.to_string(), dataset: dataset.to_string(), query: query.to_string() };
    let mut view = engine_link::ask(message).await.unwrap_or_else(|e| CheckedView {
        graded: false,
        passed: false,
        headline: e,
        items_html: Vec::new(),
        parse_span: None,
        warnings: Vec::new(),
        infos: Vec::new(),
        type_notes: Vec::new(),
        chart: None,
    });
    let chart = view.chart.take().map(|c| overlay_model(&c));
    Checked { query: query.to_string(), view, chart }
}
