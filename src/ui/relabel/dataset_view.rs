//! The whole dataset relabeled: started with a button, run in slices with a progress bar (the
//! page repaints between slices), then series and samples before and after, what each rule
//! dropped or removed, the metrics and labels that lost the most, and the relabeled copy
//! opened in the playground or the cardinality explorer.

use std::cell::RefCell;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::cardinality::queries;
use crate::link::relabel::{RelabelResult, RelabelSource, RelabelStep, StartRelabel};
use crate::relabel::dataset::{DatasetReport, Totals};
use crate::ui::format::thousands;

use super::super::browser::base;
use super::super::cardinality::CARDINALITY_PATH;
use super::super::data::{use_data, DataState};
use super::super::packs::use_packs;
use super::super::paths::{encode_component, playground_link};
use super::super::progress_line::progress_line;
use super::super::rules_lab::run::{self, Progress};

/// The seed's success criterion: fewer than 100k series.
const SEED_LINE: u64 = 100_000;
/// Rows of the metric and label tables.
const ROWS: usize = 12;

thread_local! {
    /// The last result, shown again when the page is revisited during the visit.
    static LAST: RefCell<Option<Arc<RelabelResult>>> = const { RefCell::new(None) };
}

/// The whole-dataset panel.
#[component]
pub fn DatasetRun(source: Signal<RelabelSource>, valid: Signal<bool>) -> impl IntoView {
    let data = use_data();
    let result: RwSignal<Option<Arc<RelabelResult>>> = RwSignal::new(LAST.with(|l| l.borrow().clone()));
    let progress: Progress = RwSignal::new(None);
    let generation = StoredValue::new(0u64);
    let failure: RwSignal<Option<String>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let run = move |_| {
        let DataState::Ready(d) = data.get_untracked() else { return };
        generation.update_value(|g| *g += 1);
        busy.set(true);
        failure.set(None);
        let start = StartRelabel { dataset: d.meta.id.clone(), source: source.get_untracked() };
        spawn_local(async move {
            match run::drive(start, RelabelStep, progress, generation).await {
                None => return,
                Some(Ok(r)) => {
                    let r = Arc::new(r);
                    LAST.with(|l| *l.borrow_mut() = Some(r.clone()));
                    result.set(Some(r));
                }
                Some(Err(e)) => failure.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let label = move || match data.get() {
        DataState::Ready(d) => format!("Relabel {} ({} series)", d.meta.id, thousands(d.info.facts.series)),
        _ => "Loading the dataset\u{2026}".into(),
    };
    let can_run = move || valid.get() && !busy.get() && matches!(data.get(), DataState::Ready(_));
    view! {
        <section class="card lab-section" data-testid="dataset-section">
            <div class="card-title-row">
                <h2 class="card-title">"Relabel the whole dataset"</h2>
                <button type="button" class="button primary" data-testid="relabel-run" disabled=move || !can_run() on:click=run>
                    {move || if busy.get() { "Relabeling\u{2026}".to_string() } else { label() }}
                </button>
            </div>
            {move || progress.get().map(|(done, total, _)| progress_line("relabel-progress", done, total, format!("{} of {} series", thousands(done as u64), thousands(total as u64))))}
            {move || failure.get().map(|e| view! { <p class="error-box" role="alert">{e}</p> })}
            {move || result.get().map(|r| view! { <Report result=r /> })}
        </section>
    }
}

fn change(before: u64, after: u64) -> String {
    if before == 0 {
        return "new".into();
    }
    format!("{:+.1} %", (after as f64 - before as f64) / before as f64 * 100.0)
}

fn seed_line(series: u64) -> &'static str {
    if series < SEED_LINE {
        "under the seed's 100k line"
    } else {
        "over the seed's 100k line"
    }
}

/// The finished run.
#[component]
fn Report(result: Arc<RelabelResult>) -> impl IntoView {
    let r: &DatasetReport = &result.report;
    let navigate = use_navigate();
    let packs = use_packs();
    let id = result.dataset.clone();
    let open = move |path: String| {
        if let Some(p) = packs {
            p.activate(&id);
        }
        navigate(&path, Default::default());
    };
    let base = base();
    let play = playground_link(&base, &queries::per_metric("", 10), false, Some(&result.dataset));
    let explorer = format!("{base}{CARDINALITY_PATH}?dataset={}", encode_component(&result.dataset));
    let (open_play, open_explorer) = (open.clone(), open);
    let totals = |what: &str, b: Totals, a: Totals| {
        view! {
            <tr>
                <th>{what.to_string()}</th>
                <td class="num">{thousands(b.series)}</td>
                <td class="num" data-testid=format!("{what}-after")>{thousands(a.series)}</td>
                <td class="num">{change(b.series, a.series)}</td>
                <td class="num">{thousands(b.samples)}</td>
                <td class="num">{thousands(a.samples)}</td>
            </tr>
        }
    };
    let notes = [
        (r.synthetic > 0).then(|| format!("{} synthetic series (up, scrape_*) are never metric-relabeled.", thousands(r.synthetic))),
        (r.merged_series > 0).then(|| format!(
            "{} stored series merge several input series (same labels after relabeling); {} samples at an already-taken timestamp are rejected, as Prometheus rejects duplicates.",
            thousands(r.merged_series), thousands(r.duplicate_samples))),
        (r.failed.target_count > 0).then(|| format!(
            "{} targets lose __name__ on some series: Prometheus fails their whole scrape (up = 0), so {} series that relabeling kept are not stored either.",
            thousands(r.failed.target_count), thousands(r.failed.lost.series))),
    ];
    let rules = r
        .rules
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut effects: Vec<String> = Vec::new();
            if e.reached == 0 {
                effects.push("never reached: an earlier rule dropped every series".into());
            }
            if e.dropped.series > 0 {
                effects.push(format!("dropped {} of the {} series it saw", thousands(e.dropped.series), thousands(e.reached)));
            }
            for (what, map) in [("removed", &e.removed), ("added", &e.added), ("rewrote", &e.rewritten)] {
                for (label, n) in map {
                    effects.push(format!("{what} {label} on {} series", thousands(*n)));
                }
            }
            if effects.is_empty() {
                effects.push(format!("changed nothing on the {} series it saw", thousands(e.reached)));
            }
            view! {
                <li class="rule-effect" data-testid="rule-effect">
                    <span class="muted small">{format!("Rule {} \u{b7} line {}", i + 1, e.line)}</span>
                    <code class="rule-summary">{e.summary.clone()}</code>
                    <ul>{effects.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
                </li>
            }
        })
        .collect_view();
    let metrics = r
        .metrics
        .iter()
        .take(ROWS)
        .map(|m| view! {
            <tr><td class="mono">{m.name.clone()}</td><td class="num">{thousands(m.before.series)}</td>
                <td class="num">{thousands(m.after.series)}</td><td class="num">{change(m.before.series, m.after.series)}</td></tr>
        })
        .collect_view();
    let labels = r
        .labels
        .iter()
        .take(ROWS)
        .map(|l| view! {
            <tr><td class="mono">{l.name.clone()}</td><td class="num">{thousands(l.values_before)}</td>
                <td class="num">{thousands(l.values_after)}</td><td class="num">{thousands(l.series_after)}</td></tr>
        })
        .collect_view();
    view! {
        <div class="relabel-report" data-testid="relabel-report">
            <p class="muted small" data-testid="relabel-time">
                {format!("{} relabeled in {:.0} ms: {} series before ({}), {} after ({}).",
                    result.source, result.ms, thousands(r.before.series), seed_line(r.before.series),
                    thousands(r.after.series), seed_line(r.after.series))}
            </p>
            <table class="data-table totals-table">
                <thead><tr><th></th><th>"Series before"</th><th>"after"</th><th>"change"</th><th>"Samples before"</th><th>"after"</th></tr></thead>
                <tbody>{totals("series", r.before, r.after)}</tbody>
            </table>
            {notes.into_iter().flatten().map(|n| view! { <p class="notice" data-testid="relabel-note">{n}</p> }).collect_view()}
            <div class="lab-actions">
                <a class="button secondary small" data-testid="open-playground" href=play.clone()
                    on:click=move |ev| { ev.prevent_default(); open_play(play.clone()); }>"Open the relabeled dataset in the playground"</a>
                <a class="button secondary small" data-testid="open-explorer" href=explorer.clone()
                    on:click=move |ev| { ev.prevent_default(); open_explorer(explorer.clone()); }>"\u{2026} in the cardinality explorer"</a>
            </div>
            <h3>"What each rule did"</h3>
            <ol class="rule-effects">{rules}</ol>
            <div class="relabel-tables">
                <div>
                    <h3>"Metrics that lost the most series"</h3>
                    <table class="data-table" data-testid="metric-changes">
                        <thead><tr><th>"Metric"</th><th>"before"</th><th>"after"</th><th>"change"</th></tr></thead>
                        <tbody>{metrics}</tbody>
                    </table>
                </div>
                <div>
                    <h3>"Labels that lost the most values"</h3>
                    <table class="data-table" data-testid="label-changes">
                        <thead><tr><th>"Label"</th><th>"values before"</th><th>"after"</th><th>"series with it after"</th></tr></thead>
                        <tbody>{labels}</tbody>
                    </table>
                </div>
            </div>
        </div>
    }
}
