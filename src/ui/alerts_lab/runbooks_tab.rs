//! The Runbooks tab: for every alert of the lab's alert rules, a "Runbook" (text or a link)
//! and a "Why this threshold" field. They edit the rule's `runbook`/`runbook_url` and
//! `threshold_justification` annotations in the alert rule file itself (the engine module
//! rewrites the YAML), so the file stays the one place they live: what is exported as
//! `alert_rules.yml` and `ALERT_RUNBOOKS.md`, and what `promplay grade` reads.

use std::collections::VecDeque;

use leptos::prelude::*;

use crate::link::alerts::{AlertDocRow, AlertDocs, DocField, SetAlertDoc};

use super::super::engine_link;

/// One alert's row as shown: its fields are signals so that a re-read of the file (after
/// every write) updates the values in place instead of drawing new inputs, which would throw
/// away what the learner is typing in the other field.
#[derive(Clone)]
struct RowState {
    alert: String,
    runbook: ArcRwSignal<String>,
    threshold: ArcRwSignal<String>,
}

impl RowState {
    fn new(r: AlertDocRow) -> Self {
        Self { alert: r.alert, runbook: ArcRwSignal::new(r.runbook), threshold: ArcRwSignal::new(r.threshold) }
    }
}

/// Sets `signal` only when the file's value differs, so an input the re-read did not change
/// keeps what is being typed in it.
fn set_if_changed(signal: &ArcRwSignal<String>, value: String) {
    if signal.with_untracked(|v| *v != value) {
        signal.set(value);
    }
}

/// Takes a fresh read of the file: the same alerts in the same order update their rows in
/// place; anything else draws the list again.
fn apply_read(rows: RwSignal<Option<Vec<RowState>>>, read: Option<Vec<AlertDocRow>>) {
    let Some(read) = read else { return rows.set(None) };
    let same_alerts = rows.with_untracked(|cur| {
        cur.as_ref().is_some_and(|cur| cur.len() == read.len() && cur.iter().zip(&read).all(|(c, r)| c.alert == r.alert))
    });
    if !same_alerts {
        return rows.set(Some(read.into_iter().map(RowState::new).collect()));
    }
    rows.with_untracked(|cur| {
        for (state, r) in cur.iter().flatten().zip(read) {
            set_if_changed(&state.runbook, r.runbook);
            set_if_changed(&state.threshold, r.threshold);
        }
    });
}

/// The tab, editing the alert rule file `text`.
#[component]
pub fn RunbooksTab(text: RwSignal<String>) -> impl IntoView {
    let rows: RwSignal<Option<Vec<RowState>>> = RwSignal::new(None);
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    let reads = engine_link::Latest::new();
    Effect::new(move |_| {
        let t = text.get();
        reads.send(AlertDocs { text: t }, move |r| apply_read(rows, r.ok()));
    });
    let queue: Queue = StoredValue::new(VecDeque::new());
    let writing = StoredValue::new(false);
    let write = move |alert: String, field: DocField, value: String| {
        queue.update_value(|q| q.push_back(SetAlertDoc { text: String::new(), alert, field, value }));
        pump(text, error, queue, writing);
    };
    let row = move |r: RowState| {
        let (a1, a2) = (r.alert.clone(), r.alert.clone());
        let (runbook, threshold) = (r.runbook, r.threshold);
        view! {
            <li class="card runbook-row" data-testid="runbook-row" data-alert=r.alert.clone()>
                <h3 class="runbook-alert"><code>{r.alert.clone()}</code></h3>
                <label class="runbook-field">"Runbook (text or link)"
                    <input type="text" data-testid="runbook-input" prop:value=move || runbook.get()
                        placeholder="https://wiki/runbooks/\u{2026} or what to check first"
                        on:change=move |ev| write(a1.clone(), DocField::Runbook, event_target_value(&ev)) />
                </label>
                <label class="runbook-field">"Why this threshold"
                    <textarea rows="2" data-testid="threshold-input" prop:value=move || threshold.get()
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
