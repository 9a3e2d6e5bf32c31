//! The dataset's documented events next to the alerts they are meant to fire: when each
//! fired (and how long after the event began), or why it did not.

use leptos::prelude::*;

use crate::rules::alert_explain::EventCheck;

use super::geometry::human_duration;
use super::timeline::format_instant_short;

/// The events table.
#[component]
pub fn EventsTable(checks: Vec<EventCheck>) -> impl IntoView {
    if checks.is_empty() {
        return view! { <p class="muted">"This dataset documents no events with alerts."</p> }.into_any();
    }
    let rows = checks
        .into_iter()
        .map(|c| {
            let when = match c.end {
                Some(end) => format!("{} \u{2013} {}", format_instant_short(c.start), format_instant_short(end)),
                None => format!("from {}", format_instant_short(c.start)),
            };
            let outcome = match &c.fired {
                Some(f) => view! {
                    <span class="event-fired" data-testid="event-fired">
                        {format!("fired {} ({} after the event began)", format_instant_short(f.start), human_duration((f.start - c.start).max(0)))}
                    </span>
                }
                .into_any(),
                None => view! {
                    <div class="event-silent" data-testid="event-silent">
                        <strong>"did not fire"</strong>
                        <ul>{c.explanation.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}</ul>
                    </div>
                }
                .into_any(),
            };
            view! {
                <tr data-testid="event-row" data-event=c.event.clone() data-alert=c.alert.clone() class:silent=c.fired.is_none()>
                    <td><strong>{c.title.clone()}</strong><br /><span class="muted small">{when}</span></td>
                    <td><code>{c.alert.clone()}</code></td>
                    <td>{outcome}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="alert-events" data-testid="events">
                <thead><tr><th>"documented event"</th><th>"meant to fire"</th><th>"what happened"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
