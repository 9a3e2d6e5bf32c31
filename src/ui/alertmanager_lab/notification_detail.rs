//! One notification opened: its alerts (labels, annotations, start, end), the text the
//! receiver's integration renders from Alertmanager's templates (the seed's Slack `title` and
//! `text`), the alerts inhibition kept out, and the body a webhook would receive.

use leptos::prelude::*;

use crate::link::alertmanager::NotificationView;

use super::super::format::labels;
use super::view_model::{alert_counts, clock};

/// The detail panel.
#[component]
pub fn NotificationDetail(view: NotificationView, on_close: Callback<()>) -> impl IntoView {
    let row = view.row.clone();
    let texts = view
        .texts
        .iter()
        .map(|(field, text, failed)| {
            let class = if *failed { "rendered-text bad" } else { "rendered-text" };
            view! {
                <div class="rendered-field">
                    <span class="field-label">{field.clone()}</span>
                    <pre class=class data-testid="rendered-text">{if text.is_empty() { "(empty)".to_string() } else { text.clone() }}</pre>
                </div>
            }
        })
        .collect_view();
    let alerts = view
        .alerts
        .iter()
        .map(|a| {
            let notes = a
                .annotations
                .iter()
                .map(|(k, v)| view! { <li><span class="muted">{format!("{k}: ")}</span>{v.clone()}</li> })
                .collect_view();
            let ends = a.ends_at.map_or_else(|| "still firing".to_string(), |e| format!("resolved {}", clock(e)));
            view! {
                <li class="notified-alert" data-testid="notified-alert">
                    <div><span class={format!("status {}", a.status)}>{a.status.clone()}</span>" "<code>{labels(&a.labels)}</code></div>
                    <div class="muted small">{format!("since {} \u{b7} {ends}", clock(a.starts_at))}</div>
                    <ul class="annotations small">{notes}</ul>
                </li>
            }
        })
        .collect_view();
    let inhibited = (!view.inhibited.is_empty()).then(|| {
        let items = view
            .inhibited
            .iter()
            .map(|(target, source)| view! { <li><code>{labels(target)}</code>" muted by "<code>{labels(source)}</code></li> })
            .collect_view();
        view! { <h4>"Kept out by inhibition"</h4><ul class="small inhibited-list">{items}</ul> }
    });
    view! {
        <section class="card notification-detail" data-testid="notification-detail" aria-live="polite">
            <div class="card-title-row">
                <h3 class="card-title">{format!("{} \u{2192} {} ({})", clock(row.at), row.receiver, row.integration)}</h3>
                <button type="button" class="button secondary small" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
            <p class="small"><code class="group-key">{row.group_key.clone()}</code></p>
            <p class="small">{format!("{} \u{b7} {} \u{b7} sent because: {}", row.status, alert_counts(&row), row.reason)}</p>
            {texts}
            <h4>"Alerts"</h4>
            <ul class="notified-alerts">{alerts}</ul>
            {inhibited}
            <details class="webhook-json">
                <summary>"The webhook body for this notification"</summary>
                <pre>{view.webhook_json.clone()}</pre>
            </details>
        </section>
    }
}
