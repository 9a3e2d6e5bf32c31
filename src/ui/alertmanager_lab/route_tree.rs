//! The routing tree drawn as Alertmanager builds it: each node with its matchers (or
//! `default-route`), receiver, `continue`, grouping and timers after inheritance; the path of
//! the alert under test lit up, its final nodes (where notifications go) marked.

use leptos::prelude::*;

use crate::link::alertmanager::RouteNodeView;

use super::view_model::duration;

/// The tree.
#[component]
pub fn RouteTreeView(
    /// The nodes, depth first.
    #[prop(into)]
    nodes: Signal<Vec<RouteNodeView>>,
    /// The nodes the current alert passes, with whether each is a final one.
    #[prop(into)]
    path: Signal<Vec<(usize, bool)>>,
) -> impl IntoView {
    let rows = move || {
        let on_path = path.get();
        nodes
            .get()
            .into_iter()
            .map(|n| {
                let state = on_path.iter().find(|(id, _)| *id == n.id).map(|(_, last)| *last);
                let class = match state {
                    Some(true) => "route-node on-path final",
                    Some(false) => "route-node on-path",
                    None => "route-node",
                };
                let timers = format!(
                    "wait {} \u{b7} interval {} \u{b7} repeat {}",
                    duration(n.group_wait),
                    duration(n.group_interval),
                    duration(n.repeat_interval)
                );
                let group_by = if n.group_by.is_empty() { "(one group)".to_string() } else { n.group_by.clone() };
                let intervals = (!n.mute_time_intervals.is_empty() || !n.active_time_intervals.is_empty()).then(|| {
                    let mut parts = Vec::new();
                    if !n.mute_time_intervals.is_empty() {
                        parts.push(format!("muted in {}", n.mute_time_intervals.join(", ")));
                    }
                    if !n.active_time_intervals.is_empty() {
                        parts.push(format!("active in {}", n.active_time_intervals.join(", ")));
                    }
                    view! { <span class="route-intervals">{parts.join(" \u{b7} ")}</span> }
                });
                view! {
                    <li class=class style=format!("--depth: {}", n.depth) data-testid="route-node"
                        title=format!("line {}", n.line)>
                        <div class="route-head">
                            <code class="route-matchers">{n.matchers.clone()}</code>
                            <span class="route-receiver" data-testid="route-receiver">{format!("\u{2192} {}", n.receiver)}</span>
                            {n.continue_.then(|| view! { <span class="badge route-continue">"continue"</span> })}
                            {(state == Some(true)).then(|| view! { <span class="badge good route-final">"notified"</span> })}
                        </div>
                        <div class="route-meta">
                            <span>{format!("group_by: {group_by}")}</span>
                            <span>{timers}</span>
                            {intervals}
                        </div>
                    </li>
                }
            })
            .collect_view()
    };
    view! { <ul class="route-tree" data-testid="route-tree">{rows}</ul> }
}
