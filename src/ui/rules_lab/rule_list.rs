//! One card per recording rule after evaluation: what it recorded (series, samples, time
//! spent) with a small chart of its series, or — when it recorded nothing — why, in the
//! dataset's terms; and a link that opens the recorded series in the playground.

use std::sync::Arc;

use leptos::prelude::*;

use crate::link::remote::WINDOW_DATASET;
use crate::link::rules::{LabReport, RuleReport};

use super::super::browser::base;
use super::super::chart::Chart;
use super::super::chart_model::Model;
use super::super::paths::playground_link;
use super::report;

/// Cards drawn per frame: each draws a chart, and sixteen at once kept the page's thread
/// busy for ~90 ms; four drew the first frame (with the rest of the report) in 51–65 ms, so
/// two per frame keep every task short.
const CARDS_PER_FRAME: usize = 2;

/// Every rule of the evaluation.
#[component]
pub fn RuleList(report: Arc<LabReport>) -> impl IntoView {
    let recorded = report.rules.iter().filter(|r| !r.is_empty()).count();
    let empty = report.rules.len() - recorded;
    let total = report.rules.len();
    let shown = RwSignal::new(CARDS_PER_FRAME.min(total));
    leptos::task::spawn_local(async move {
        while shown.try_get_untracked().is_some_and(|n| n < total) {
            super::super::browser::next_paint().await;
            shown.try_update(|n| *n = (*n + CARDS_PER_FRAME).min(total));
        }
    });
    // One reactive slot per frame's worth of cards: a slot draws its cards once, when the
    // count first reaches it, and never again.
    let cards = (0..total.div_ceil(CARDS_PER_FRAME))
        .map(|chunk| {
            let first = chunk * CARDS_PER_FRAME;
            let visible = Memo::new(move |_| shown.get() > first);
            let report = report.clone();
            move || {
                visible.get().then(|| {
                    report.rules[first..(first + CARDS_PER_FRAME).min(total)]
                        .iter()
                        .map(|rule| view! { <RuleCard dataset=report.dataset.clone() rule=rule.clone() /> })
                        .collect_view()
                })
            }
        })
        .collect_view();
    view! {
        <p class="muted" data-testid="rule-summary">
            {format!("{recorded} of {} rules recorded series", report.rules.len())}
            {(empty > 0).then(|| format!("; {empty} recorded nothing (the reason is under each)."))}
            {(report.alerting_rules > 0).then(|| format!(" {} alerting rules are not evaluated here.", report.alerting_rules))}
        </p>
        <ul class="rule-cards" data-testid="rule-cards">{cards}</ul>
    }
}

/// One rule; `dataset` is the one it was evaluated on (its recorded series exist there).
#[component]
fn RuleCard(dataset: String, rule: RuleReport) -> impl IntoView {
    let empty = rule.is_empty();
    // A remote window's series are not the playground's data: it has nothing to query there.
    let queryable = !empty && dataset != WINDOW_DATASET;
    let link = playground_link(&base(), &rule.record, true, Some(&dataset));
    let stats = if empty {
        format!("every {} · nothing recorded", report::interval(rule.interval))
    } else {
        format!(
            "every {} · {} series · {} samples · {}",
            report::interval(rule.interval),
            rule.series,
            report::count(rule.samples as u64),
            report::time(rule.eval_ms)
        )
    };
    let body = if empty {
        let reasons = if rule.explanation.is_empty() {
            vec!["Every evaluation returned an empty result.".to_string()]
        } else {
            rule.explanation.clone()
        };
        view! {
            <div class="why-empty" data-testid="why-empty">
                <strong>"Why nothing was recorded"</strong>
                <ul>{reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
            </div>
        }
        .into_any()
    } else {
        match &rule.chart {
            Some(c) => {
                let model = Model::new(&c.series, c.start, c.end, c.step);
                view! { <div class="rule-chart"><Chart model=Arc::new(model) /></div> }.into_any()
            }
            None => view! { <p class="muted">"The recorded series could not be drawn."</p> }.into_any(),
        }
    };
    let errors = (rule.error_count > 0).then(|| {
        let first = rule.first_error.clone().unwrap_or_default();
        view! { <p class="rule-errors">{format!("{} evaluations failed; the first: {first}", rule.error_count)}</p> }
    });
    view! {
        <li class="card rule-card" class:empty=empty data-testid="rule-card" data-record=rule.record.clone()>
            <div class="rule-card-head">
                <code class="rule-name">{rule.record.clone()}</code>
                <span class="badge" class:bad=empty>{if empty { "empty" } else { "recorded" }}</span>
            </div>
            <p class="rule-meta muted small">{format!("group {} · ", rule.group)}{stats}</p>
            <details class="rule-expr">
                <summary>"Expression"</summary>
                <pre><code>{rule.expr.trim_end().to_string()}</code></pre>
            </details>
            {errors}
            {body}
            {queryable.then(|| view! { <a class="small" href=link.clone() data-testid="open-in-playground">"Query it in the playground \u{2192}"</a> })}
        </li>
    }
}
