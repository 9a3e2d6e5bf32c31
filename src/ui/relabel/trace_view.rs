//! One series followed through the rules: pick a series of the open dataset (or type a label
//! set), and every rule's effect shows as the labels after it, marked added, changed or
//! removed; rules after a drop are "not evaluated".

use leptos::prelude::*;

use crate::link::relabel::{PickSeries, RelabelSource, TraceSeries, TraceView};
use crate::relabel::LabelPairs;

use super::super::data::{use_data, DataState};
use super::super::engine_link;
use super::diff::{diff, parse_labels};

/// Series offered in the picker.
const PICK: usize = 30;

fn format_pairs(labels: &LabelPairs) -> String {
    let parts: Vec<String> = labels
        .iter()
        .map(|(n, v)| format!("{n}={}", crate::cardinality::queries::quote(v)))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// The trace panel.
#[component]
pub fn TracePanel(
    /// The rules to apply.
    source: Signal<RelabelSource>,
    /// Whether they load.
    valid: Signal<bool>,
) -> impl IntoView {
    let data = use_data();
    let selector = RwSignal::new("model_predictions_total".to_string());
    let picked: RwSignal<Result<Vec<LabelPairs>, String>> = RwSignal::new(Ok(Vec::new()));
    let typed = RwSignal::new(String::new());
    // Pick series whenever the dataset or the selector changes; start from the first one.
    let picks = engine_link::Latest::new();
    Effect::new(move |_| {
        let DataState::Ready(d) = data.get() else { return };
        let message = PickSeries { dataset: d.meta.id.clone(), selector: selector.get(), limit: PICK };
        picks.send(message, move |found| {
            let found = found.and_then(|r| r);
            if let Ok(Some(first)) = found.as_ref().map(|l| l.first().cloned()) {
                typed.set(format_pairs(&first));
            }
            picked.set(found);
        });
    });
    let trace: RwSignal<Option<Result<TraceView, String>>> = RwSignal::new(None);
    let traces = engine_link::Latest::new();
    Effect::new(move |_| {
        let shown = |t: Option<Result<TraceView, String>>| {
            // A trace still on its way is for the old labels or rules.
            traces.next();
            trace.set(t);
        };
        if !valid.get() {
            return shown(None);
        }
        let labels = match parse_labels(&typed.get()) {
            Ok(l) if !l.is_empty() => l,
            Ok(_) => return shown(None),
            Err(e) => return shown(Some(Err(e))),
        };
        traces.send(TraceSeries { source: source.get(), labels }, move |reply| {
            trace.set(Some(match reply {
                Ok(Ok(t)) => Ok(t),
                Ok(Err(e)) => Err(e.to_string()),
                Err(e) => Err(e),
            }))
        });
    });
    let options = move || match picked.get() {
        Ok(list) => list
            .into_iter()
            .map(|l| {
                let text = format_pairs(&l);
                view! { <option value=text.clone()>{text.clone()}</option> }
            })
            .collect_view()
            .into_any(),
        Err(e) => view! { <option disabled=true>{e}</option> }.into_any(),
    };
    view! {
        <section class="card lab-section" data-testid="trace-section">
            <h2 class="card-title">"Follow one series"</h2>
            <p class="muted small">"Pick a series of the dataset (or type any label set) and see the labels after each rule."</p>
            <div class="relabel-inputs">
                <label class="field">
                    <span class="muted small">"Series selector"</span>
                    <input type="text" class="text-input" data-testid="trace-selector" prop:value=move || selector.get()
                        on:change=move |ev| selector.set(event_target_value(&ev)) />
                </label>
                <label class="field grow">
                    <span class="muted small">"Series"</span>
                    <select class="text-input" data-testid="trace-pick" on:change=move |ev| typed.set(event_target_value(&ev))>
                        {options}
                    </select>
                </label>
            </div>
            <label class="field">
                <span class="muted small">"Labels (edit freely)"</span>
                <textarea class="text-input mono" rows="3" data-testid="trace-labels" prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))></textarea>
            </label>
            {move || trace.get().map(|t| match t {
                Err(e) => view! { <p class="error-box" data-testid="trace-error">{e}</p> }.into_any(),
                Ok(t) => view! { <TraceTable trace=t /> }.into_any(),
            })}
        </section>
    }
}

/// The steps of a trace.
#[component]
fn TraceTable(trace: TraceView) -> impl IntoView {
    let mut before = trace.input.clone();
    let rows = trace
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let (class, cell) = match (&step.after, step.evaluated) {
                (_, false) => ("trace-row skipped", view! { <span class="muted">"not evaluated (dropped earlier)"</span> }.into_any()),
                (None, true) => ("trace-row dropped", view! { <strong class="bad-text">"dropped: the series is not stored"</strong> }.into_any()),
                (Some(after), true) => {
                    let chips = chips(&before, after, step.changed);
                    before = after.clone();
                    (if step.changed { "trace-row changed" } else { "trace-row" }, chips)
                }
            };
            view! {
                <tr class=class data-testid="trace-step">
                    <td class="num">{i + 1}</td>
                    <td><code class="rule-summary">{step.rule.summary.clone()}</code><div class="muted small">{format!("line {}", step.rule.line)}</div></td>
                    <td>{cell}</td>
                </tr>
            }
        })
        .collect_view();
    let outcome = match (&trace.output, trace.dropped_by, trace.nameless) {
        (None, Some(r), _) => format!("Dropped by rule {}: this series is never stored.", r + 1),
        (Some(_), _, true) => "Kept, but without __name__: in metric_relabel_configs Prometheus fails the target's whole scrape (up = 0, nothing stored).".to_string(),
        (Some(l), _, false) => format!("Stored as {}.", format_pairs(l)),
        (None, None, _) => String::new(),
    };
    let bad = trace.output.is_none() || trace.nameless;
    view! {
        <table class="data-table trace-table" data-testid="trace-table">
            <thead><tr><th>"#"</th><th>"Rule"</th><th>"Labels after the rule"</th></tr></thead>
            <tbody>
                <tr class="trace-row"><td></td><td class="muted">"input"</td><td>{chips(&trace.input, &trace.input, false)}</td></tr>
                {rows}
            </tbody>
        </table>
        <p class=if bad { "check-status bad" } else { "check-status good" } data-testid="trace-outcome">{outcome}</p>
    }
}

/// The labels after a step as chips, changes marked.
fn chips(before: &LabelPairs, after: &LabelPairs, changed: bool) -> AnyView {
    let items = if changed { diff(before, after) } else { diff(after, after) };
    let chips = items
        .into_iter()
        .map(|(n, v, mark)| view! { <span class=mark.class()>{n}"="{crate::cardinality::queries::quote(&v)}</span> })
        .collect_view();
    view! { <div class="label-chips">{chips}</div> }.into_any()
}
