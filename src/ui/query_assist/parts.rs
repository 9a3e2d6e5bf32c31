//! What every page with the query-assist bar shares under its editor card: the explain panel,
//! the banner over the results while they show one part of the query, and the callback that
//! evaluates the part clicked in the tree and hands its result to the page's result panel.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::super::engine_link::Latest;
use super::super::playground::Outcome;
use super::state::AssistState;
use super::tree::{ExplainPanel, PartBanner};

/// The explain panel and, under it, which part of the query the results show.
#[component]
pub fn ExplainParts(
    state: AssistState,
    /// Shows the result of this part of the query (None: the whole query), see [`show_parts`].
    on_select: Callback<Option<String>>,
) -> impl IntoView {
    view! {
        <ExplainPanel state=state on_select=on_select />
        <PartBanner state=state on_select=on_select />
    }
}

/// The callback a click in the explain tree runs: `evaluate` the part (None: the whole query
/// in the editor, which keeps it either way) and put its outcome in `outcome`. `evaluate`
/// gives no future when the page cannot run a query now (no data yet). Each click supersedes
/// the earlier runs of `runs` (the page's own runs share it), so a late reply never replaces
/// a newer result.
pub fn show_parts<F, Fut>(
    state: AssistState,
    runs: Latest,
    outcome: RwSignal<Option<Outcome>>,
    running: RwSignal<bool>,
    evaluate: F,
) -> Callback<Option<String>>
where
    F: Fn(String) -> Option<Fut> + Send + Sync + 'static,
    Fut: Future<Output = Outcome> + 'static,
{
    Callback::new(move |part: Option<String>| {
        let query = part.unwrap_or_else(|| state.query.get_untracked());
        let Some(shown) = evaluate(query) else { return };
        let Some(generation) = runs.next() else { return };
        spawn_local(async move {
            let shown = shown.await;
            if runs.is_current(generation) {
                outcome.set(Some(shown));
                running.set(false);
            }
        });
    })
}
