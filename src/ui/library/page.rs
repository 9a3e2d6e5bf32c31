//! The page: the library arrives at once (queries, explanations, lint), then the engine
//! module evaluates the seed's recording rules and measures every query step by step; costs
//! fill in as they arrive, with a progress bar, and the page stays usable throughout.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::assist::library::render::{method_with, steps};
use crate::assist::library::{Library, QueryCost, RulesSummary, Section};
use crate::link::library::{LibraryStep, OpenLibrary};

use super::super::browser;
use super::super::data::{use_data, DataState};
use super::super::dataset_picker::DatasetPicker;
use super::super::engine_link;
use super::super::progress_line::progress_line;
use super::entry::EntryCard;

/// Timed runs behind each median on the page (fewer than the CLI's 5: the page measures
/// while the learner reads).
const PAGE_RUNS: usize = 3;

/// Costs measured so far, by query text.
pub type Costs = RwSignal<HashMap<String, QueryCost>>;

/// The page.
#[component]
pub fn LibraryPage() -> impl IntoView {
    let data = use_data();
    let library: RwSignal<Option<Result<Library, String>>> = RwSignal::new(None);
    let costs: Costs = RwSignal::new(HashMap::new());
    let progress: RwSignal<Option<(usize, usize, String)>> = RwSignal::new(None);
    let failed: RwSignal<Option<String>> = RwSignal::new(None);
    let rules: RwSignal<Option<RulesSummary>> = RwSignal::new(None);
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let DataState::Ready(d) = data.get() else { return };
        let dataset = d.meta.id.clone();
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        library.set(None);
        costs.set(HashMap::new());
        progress.set(None);
        failed.set(None);
        rules.set(None);
        let signals = Signals { library, costs, progress, failed, rules };
        leptos::task::spawn_local(measure(dataset, signals, generation, mine));
    });
    let body = move || match library.get() {
        None => view! { <p class="muted" role="status" data-testid="library-loading">"Loading the library\u{2026}"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error-box" role="alert" data-testid="library-error">{e}</p> }.into_any(),
        Some(Ok(l)) => {
            let dataset = l.dataset.clone();
            let tasks = by_task(&l.sections);
            view! {
                {tasks
                    .into_iter()
                    .enumerate()
                    .map(|(i, (task, sections))| {
                        let count: usize = sections.iter().map(|s| s.entries.len()).sum();
                        let dataset = dataset.clone();
                        view! {
                            <details class="card library-task" open=i == 0 data-testid="library-task">
                                <summary>
                                    <h2 class="card-title">{task}</h2>
                                    <span class="muted small">{format!("{count} queries")}</span>
                                </summary>
                                {sections
                                    .into_iter()
                                    .map(|s| {
                                        let dataset = dataset.clone();
                                        view! {
                                            <h3 class="library-todo">{s.todo.clone()}</h3>
                                            {s.entries
                                                .into_iter()
                                                .map(|e| view! { <EntryCard entry=e dataset=dataset.clone() costs=costs /> })
                                                .collect_view()}
                                        }
                                    })
                                    .collect_view()}
                            </details>
                        }
                    })
                    .collect_view()}
            }
            .into_any()
        }
    };
    let progress_view = move || {
        progress.get().map(|(done, total, label)| {
            progress_line("library-progress", done, total, format!("Measuring costs: {done} of {total} steps \u{b7} {label}"))
        })
    };
    let summary = move || {
        let l = library.with(|l| l.as_ref().and_then(|l| l.as_ref().ok()).map(|l| (l.entries().count(), steps(l))));
        l.map(|(n, steps)| {
            let measured = costs.with(|c| c.len());
            format!("{n} queries \u{b7} range queries of {steps} steps \u{b7} {measured} distinct queries measured")
        })
    };
    let about = move || {
        library.with(|l| match l {
            Some(Ok(l)) => {
                let recorded = rules.get().unwrap_or_else(|| l.rules.clone());
                let text = method_with(l, &recorded).replace("**", "").replace('`', "");
                Some(view! { <p class="muted small library-method" data-testid="library-method">{text}</p> })
            }
            _ => None,
        })
    };
    view! {
        <div class="rules-lab library-page" data-testid="library-page">
            <section class="card lab-section">
                <div class="card-title-row">
                    <h1 class="card-title">"Query library"</h1>
                    <span class="badge seed-ref">"Deliverable 1"</span>
                    <DatasetPicker />
                </div>
                <p class="lab-intro">
                    "Every PromQL query of the exercise, grouped by task: what each part does, what the linter says, "
                    "the seed's performance notes, and what it costs on the dataset next to the recorded series that replaces it. "
                    "Open any query in the playground to run it. The same document for the command line: "
                    <code>"promplay library > PROMQL_QUERIES.md"</code> "."
                </p>
                <p class="muted small" data-testid="library-summary">{summary}</p>
                {about}
                {progress_view}
                {move || failed.get().map(|e| view! {
                    <p class="error-box" role="alert" data-testid="library-measure-error">
                        {format!("The costs could not be measured: {e} Reload the page to measure again.")}
                    </p>
                })}
            </section>
            {body}
        </div>
    }
}

/// The sections grouped by task, in order.
fn by_task(sections: &[Section]) -> Vec<(String, Vec<Section>)> {
    let mut out: Vec<(String, Vec<Section>)> = Vec::new();
    for s in sections {
        match out.last_mut() {
            Some((task, list)) if *task == s.task => list.push(s.clone()),
            _ => out.push((s.task.clone(), vec![s.clone()])),
        }
    }
    out
}

/// What the measurement updates.
#[derive(Clone, Copy)]
struct Signals {
    library: RwSignal<Option<Result<Library, String>>>,
    costs: Costs,
    progress: RwSignal<Option<(usize, usize, String)>>,
    failed: RwSignal<Option<String>>,
    rules: RwSignal<Option<RulesSummary>>,
}

/// Opens the library on `dataset`, then steps the measurement until it finishes, the
/// dataset changes or the page goes away (`generation` moves on or is disposed).
async fn measure(dataset: String, s: Signals, generation: StoredValue<u64>, mine: u64) {
    let current = move || generation.try_get_value() == Some(mine);
    let opened = engine_link::ask(OpenLibrary { dataset, runs: PAGE_RUNS }).await.and_then(|r| r);
    if !current() {
        return;
    }
    let ok = opened.is_ok();
    s.library.set(Some(opened));
    if !ok {
        return;
    }
    loop {
        browser::next_paint().await;
        if !current() {
            return;
        }
        let step = engine_link::ask(LibraryStep).await.and_then(|r| r);
        if !current() {
            return;
        }
        match step {
            Err(e) => {
                s.progress.set(None);
                s.failed.set(Some(e));
                return;
            }
            Ok(step) => {
                if step.rules.is_some() {
                    s.rules.set(step.rules);
                }
                if !step.measured.is_empty() {
                    s.costs.update(|c| c.extend(step.measured));
                }
                if step.finished {
                    s.progress.set(None);
                    return;
                }
                let p = step.progress;
                s.progress.set(Some((p.done, p.total, p.label)));
            }
        }
    }
}
