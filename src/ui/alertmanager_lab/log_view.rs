//! The notification log of one run: when, which receiver and integration, the group, the
//! alerts, and why it went out. A row opens its notification.

use std::sync::Arc;

use leptos::prelude::*;

use crate::link::alertmanager::RunView;

use super::view_model::{alert_counts, clock, offset};

/// The log table.
#[component]
pub fn LogView(
    run: Arc<RunView>,
    /// The dataset's start, for offsets.
    start: i64,
    /// The open notification (index into `run`).
    selected: RwSignal<Option<usize>>,
) -> impl IntoView {
    if run.notifications.is_empty() {
        return view! { <p class="muted" data-testid="log-empty">"No notification at all."</p> }.into_any();
    }
    let rows = run
        .notifications
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let class = move || if selected.get() == Some(i) { "log-row open" } else { "log-row" };
            let inhibited = (n.inhibited > 0).then(|| view! { <span class="badge">{format!("{} inhibited", n.inhibited)}</span> });
            view! {
                <tr class=class data-testid="log-row" tabindex="0"
                    on:click=move |_| selected.set(Some(i))
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { selected.set(Some(i)) }>
                    <td class="nowrap"><span class="mono">{clock(n.at)}</span><br/><span class="muted small">{offset(n.at, start)}</span></td>
                    <td><strong>{n.receiver.clone()}</strong><br/><span class="muted small">{n.integration.clone()}</span></td>
                    <td><span class={format!("status {}", n.status)}>{n.status.clone()}</span><br/><span class="small">{alert_counts(n)}</span></td>
                    <td class="log-alerts">{n.alertnames.clone()}" "{inhibited}<br/><code class="small group-key">{n.group_key.clone()}</code></td>
                    <td class="small">{n.reason.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap log-wrap">
            <table class="log-table" data-testid="notification-log">
                <thead><tr><th>"When"</th><th>"Receiver"</th><th>"Status"</th><th>"Alerts \u{b7} group"</th><th>"Why sent"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
