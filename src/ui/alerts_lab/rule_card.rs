//! One alerting rule after evaluation: its settings and expression, "what if" controls
//! (another threshold, `for` or `keep_firing_for`, previewed at once), its timeline, the
//! table of its firings, and — when it never fired — why.

use leptos::prelude::*;

use crate::content::time::{format_duration, parse_duration};
use crate::engine::Millis;
use crate::link::alerts::{AlertRuleView, WhatIf};

use super::super::engine_link;
use super::super::format;
use super::geometry::{distinguishing, human_duration};
use super::timeline::{format_instant_short, Cursor, Timeline};

/// One rule's card.
#[component]
pub fn RuleCard(
    /// The rule's position among the report's alerting rules.
    rule: usize,
    original: AlertRuleView,
    start: Millis,
    end: Millis,
) -> impl IntoView {
    let current = RwSignal::new(original.clone());
    let cursor: Cursor = RwSignal::new(None);
    let fired = move || current.with(|v| !v.firings.is_empty());
    let (expr, for_, keep_firing_for) = (original.expr.clone(), original.for_, original.keep_firing_for);
    let changed = move || current.with(|v| v.expr != expr || v.for_ != for_ || v.keep_firing_for != keep_firing_for);
    let status = move || {
        let n = current.with(|v| v.firings.len());
        match n {
            0 => "never fired".to_string(),
            1 => "fired once".to_string(),
            n => format!("fired {n} times"),
        }
    };
    let settings = move || {
        current.with(|v| {
            let mut s = format!("group {} \u{b7} every {} \u{b7} for {}", v.group, format_duration(v.interval), format_duration(v.for_));
            if v.keep_firing_for > 0 {
                s.push_str(&format!(" \u{b7} keep_firing_for {}", format_duration(v.keep_firing_for)));
            }
            s
        })
    };
    let explanation = move || {
        current.with(|v| {
            (v.firings.is_empty()).then(|| {
                let reasons = if v.explanation.is_empty() {
                    vec!["No evaluation returned an alert.".to_string()]
                } else {
                    v.explanation.clone()
                };
                view! {
                    <div class="why-empty" data-testid="why-silent">
                        <strong>"Why it never fired"</strong>
                        <ul>{reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                    </div>
                }
            })
        })
    };
    let errors = move || {
        current.with(|v| {
            (v.error_count > 0).then(|| {
                let first = v.first_error.clone().unwrap_or_default();
                view! { <p class="rule-errors">{format!("{} evaluations failed; the first: {first}", v.error_count)}</p> }
            })
        })
    };
    let more = move || {
        current.with(|v| (v.more_instances > 0).then(|| view! { <p class="muted small">{format!("{} more alert label sets are not drawn.", v.more_instances)}</p> }))
    };
    view! {
        <article class="card alert-rule" class:silent=move || !fired() data-testid="alert-rule" data-rule=original.name.clone()>
            <div class="rule-card-head">
                <code class="rule-name">{original.name.clone()}</code>
                <span class="badge" class:bad=move || !fired() data-testid="rule-status">{status}</span>
            </div>
            <p class="rule-meta muted small">{settings}{move || changed().then_some(" \u{b7} what-if preview")}</p>
            <details class="rule-expr">
                <summary>"Expression"</summary>
                <pre><code>{move || current.with(|v| v.expr.trim_end().to_string())}</code></pre>
            </details>
            <WhatIfForm rule=rule original=original.clone() current=current />
            {errors}
            <Timeline rule=rule view=current.into() start=start end=end cursor=cursor />
            {more}
            <Firings view=current cursor=cursor />
            {explanation}
        </article>
    }
}

/// Threshold, `for` and `keep_firing_for` to try: applied through the engine module, which
/// re-evaluates the rule over the evaluated series; "Reset" brings the rule back.
#[component]
fn WhatIfForm(rule: usize, original: AlertRuleView, current: RwSignal<AlertRuleView>) -> impl IntoView {
    let threshold = RwSignal::new(original.threshold.as_ref().map(|(_, t)| format::sample_value(*t)).unwrap_or_default());
    let for_ = RwSignal::new(format_duration(original.for_));
    let keep = RwSignal::new(format_duration(original.keep_firing_for));
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    let has_threshold = original.threshold.is_some();
    let op = original.threshold.as_ref().map(|(op, _)| op.clone()).unwrap_or_default();
    let reset_values = original.clone();
    // Apply and Reset supersede each other: the newest one's rule is shown.
    let asked = engine_link::Latest::new();
    let show = move |reply: Result<Result<AlertRuleView, String>, String>| match reply.and_then(|r| r) {
        Ok(v) => {
            error.set(None);
            current.set(v);
        }
        Err(e) => error.set(Some(e)),
    };
    let apply = move |_| {
        let parsed = (|| -> Result<WhatIf, String> {
            let t = if has_threshold {
                Some(threshold.get_untracked().trim().parse::<f64>().map_err(|_| "Threshold: not a number".to_string())?)
            } else {
                None
            };
            let f = parse_duration(for_.get_untracked().trim()).map_err(|e| format!("for: {e}"))?;
            let k = parse_duration(keep.get_untracked().trim()).map_err(|e| format!("keep_firing_for: {e}"))?;
            Ok(WhatIf { rule, threshold: t, for_: Some(f), keep_firing_for: Some(k) })
        })();
        match parsed {
            Ok(w) => asked.send(w, show),
            Err(e) => {
                asked.next();
                error.set(Some(e));
            }
        }
    };
    let reset = move |_| {
        let o = &reset_values;
        threshold.set(o.threshold.as_ref().map(|(_, t)| format::sample_value(*t)).unwrap_or_default());
        for_.set(format_duration(o.for_));
        keep.set(format_duration(o.keep_firing_for));
        error.set(None);
        asked.send(WhatIf { rule, threshold: None, for_: None, keep_firing_for: None }, show);
    };
    view! {
        <form class="what-if" data-testid="what-if" on:submit=move |ev| { ev.prevent_default(); apply(()); }>
            <span class="what-if-title">"What if"</span>
            {has_threshold.then(|| view! {
                <label>{format!("threshold {op}")}
                    <input type="text" inputmode="decimal" size="9" data-testid="what-if-threshold" prop:value=move || threshold.get()
                        on:input=move |ev| threshold.set(event_target_value(&ev)) />
                </label>
            })}
            <label>"for"
                <input type="text" size="5" data-testid="what-if-for" prop:value=move || for_.get() on:input=move |ev| for_.set(event_target_value(&ev)) />
            </label>
            <label>"keep_firing_for"
                <input type="text" size="5" data-testid="what-if-keep" prop:value=move || keep.get() on:input=move |ev| keep.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="button secondary small" data-testid="what-if-apply">"Apply"</button>
            <button type="button" class="button secondary small" data-testid="what-if-reset" on:click=reset>"Reset"</button>
            {move || error.get().map(|e| view! { <span class="what-if-error" role="alert">{e}</span> })}
        </form>
    }
}

/// The rule's firings: start, end, duration, peak; picking one shows its start.
#[component]
fn Firings(view: RwSignal<AlertRuleView>, cursor: Cursor) -> impl IntoView {
    move || {
        let v = view.get();
        if v.firings.is_empty() {
            return ().into_any();
        }
        let peak_name = if v.below { "lowest" } else { "peak" };
        let rows = v
            .firings
            .iter()
            .map(|f| {
                let start = f.start;
                let end = f.end.map(format_instant_short).unwrap_or_else(|| "still firing".into());
                let duration = human_duration(f.end.unwrap_or(start) - start);
                let duration = if f.end.is_some() { duration } else { "\u{2014}".into() };
                let peak = f.peak.map(format::sample_value).unwrap_or_default();
                view! {
                    <tr data-testid="firing-row">
                        <td><button type="button" class="link-button" on:click=move |_| cursor.set(Some(start))>{format_instant_short(start)}</button></td>
                        <td>{end}</td>
                        <td class="num">{duration}</td>
                        <td class="num">{peak}</td>
                        <td><code>{distinguishing(&f.labels, &v.instances)}</code></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll">
                <table class="firings" data-testid="firings">
                    <thead><tr><th>"firing from"</th><th>"until"</th><th class="num">"for"</th><th class="num">{peak_name}</th><th>"alert"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    }
}
