//! The Runbooks tab: for every alert of the lab's alert rules, a "Runbook" (text or a link)
//! and a "Why this threshold" field. They edit the rule's `runbook`/`runbook_url` and
//! `threshold_justification` annotations in the alert rule file itself (the engine module
//! rewrites the YAML), so the file stays the one place they live: what is exported as
//! `alert_rules.yml` and `ALERT_RUNBOOKS.md`, and what `promplay grade` reads.

use std::collections::VecDeque;

use leptos::prelude::*;

use crate::link::alerts::{AlertDocRow, AlertDocs, DocField, SetAlertDoc};

use super::super::engine_link;

/// The tab, editing the alert rule file `text`.
#[component]
pub fn RunbooksTab(text: RwSignal<String>) -> impl IntoView {
    let rows: RwSignal<Option<Vec<AlertDocRow>>> = RwSignal::new(None);
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    let reads = engine_link::Latest::new();
    Effect::new(move |_| {
        let t = text.get();
        reads.send(AlertDocs { text: t }, move |r| rows.set(r.ok()));
    });
    let queue: Queue = StoredValue::new(VecDeque::new());
    let writing = StoredValue::new(false);
    let write = move |alert: String, field: DocField, value: String| {
        queue.update_value(|q| q.push_back(SetAlertDoc { text: String::new(), alert, field, value }));
        pump(text, error, queue, writing);
    };
    let row = move |r: AlertDocRow| {
        let (a1, a2) = (r.alert.clone(), r.alert.clone());
        view! {
            <li class="card runbook-row" data-testid="runbook-row" data-alert=r.alert.clone()>
                <h3 class="runbook-alert"><code>{r.alert.clone()}</code></h3>
                <label class="runbook-field">"Runbook (text or link)"
                    <input type="text" data-testid="runbook-input" prop:value=r.runbook
                        placeholder="https://wiki/runbooks/\u{2026} or what to check first"
                        on:change=move |ev| write(a1.clone(), DocField::Runbook, event_target_value(&ev)) />
                </label>
                <label class="runbook-field">"Why this threshold"
                    <textarea rows="2" data-testid="threshold-input" prop:value=r.threshold
                        placeholder="The data, SLO or incident the value comes from"
                        on:change=move |ev| write(a2.clone(), DocField::Threshold, event_target_value(&ev))></textarea>
                </label>
            </li>
        }
    };
    let list = move || match rows.get() {
        None => view! { <p class="muted">"Reading the alert rules\u{2026}"</p> }.into_any(),
        Some(list) if list.is_empty() => view! {
            <p class="notice">"No alerting rule to document: the alert rules have none, or have errors to fix first."</p>
        }
        .into_any(),
        Some(list) => view! { <ul class="runbook-list" data-testid="runbook-list">{list.into_iter().map(row).collect_view()}</ul> }.into_any(),
    };
    view! {
        <p class="lab-intro">
            "Every alert needs a runbook (what to do when it fires) and a reason for its threshold. "
            "The fields write the rule's " <code>"runbook"</code> " (or " <code>"runbook_url"</code> " for a link) and "
            <code>"threshold_justification"</code> " annotations in the alert rules, so they are kept with them, "
            "shown if you wrote them in the YAML yourself, and exported on the My work page."
        </p>
        {move || error.get().map(|e| view! { <p class="error-box" role="alert" data-testid="runbook-error">{e}</p> })}
        {list}
    }
}

/// Edits waiting for the engine module (their `text` is filled in when sent).
type Queue = StoredValue<VecDeque<SetAlertDoc>>;

/// Sends the next waiting edit unless one is under way: one write at a time, each editing
/// the text the previous one produced, so quick edits of two fields both land.
fn pump(text: RwSignal<String>, error: RwSignal<Option<String>>, queue: Queue, writing: StoredValue<bool>) {
    if writing.get_value() {
        return;
    }
    let mut next = None;
    queue.update_value(|q| next = q.pop_front());
    let Some(mut edit) = next else { return };
    edit.text = text.get_untracked();
    writing.set_value(true);
    engine_link::send(edit, move |r| {
        writing.set_value(false);
        match r.and_then(|r| r) {
            Ok(new) => {
                error.set(None);
                text.set(new);
            }
            Err(e) => error.set(Some(e)),
        }
        pump(text, error, queue, writing);
    });
}
