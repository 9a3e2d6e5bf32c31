//! The explorer over a connected Prometheus-compatible API: the server's own TSDB status
//! (`/api/v1/status/tsdb`), and for a selector or a grouping the label sets its series API
//! lists, read in the engine module exactly as a dataset's series are
//! (`crate::cardinality::remote`).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::cardinality::remote::{series_window, Breakdown};
use crate::cardinality::{Grouping, TsdbStatus};
use crate::link::cardinality::{PlanSeriesMatch, ReadSeriesBreakdown, ReadTsdbStatus};
use crate::remote::api::secs;
use crate::remote::Source;
use crate::ui::engine_link;
use crate::ui::remote::{get, RemoteState};

/// What the explorer shows for a remote source.
#[derive(Clone, Default)]
pub struct RemoteFigures {
    /// The server's status, or (for a selector) the breakdown of the series it lists.
    pub status: Option<Result<TsdbStatus, String>>,
    pub grouping: Option<Result<Grouping, String>>,
    /// The figures come from `/api/v1/series` (a selector): there is no chunk count.
    pub from_series: bool,
}

/// The figures of the connected source, kept in step with the selector, grouping and row
/// count (a late answer never replaces a newer one); None while no source is connected.
pub fn remote_figures(
    state: RemoteState,
    selector: RwSignal<String>,
    by: RwSignal<String>,
    limit: RwSignal<usize>,
) -> RwSignal<Option<RemoteFigures>> {
    let figures: RwSignal<Option<RemoteFigures>> = RwSignal::new(None);
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let (conn, sel, by, limit) = (state.active.get(), selector.get(), by.get(), limit.get());
        generation.update_value(|g| *g += 1);
        let current = generation.get_value();
        let Some(conn) = conn else {
            figures.set(None);
            return;
        };
        // The previous figures stay shown until the new ones arrive.
        spawn_local(async move {
            let found = ask(&conn.source, &sel, &by, limit).await;
            if generation.get_value() == current {
                figures.set(Some(found));
            }
        });
    });
    figures
}

async fn ask(source: &Source, selector: &str, by: &str, limit: usize) -> RemoteFigures {
    let server = server_status(source, limit).await;
    let wants_series = !selector.trim().is_empty() || !by.trim().is_empty();
    if !wants_series {
        return RemoteFigures { status: Some(server), ..Default::default() };
    }
    let window = server.as_ref().ok().and_then(series_window);
    let listed = series_breakdown(source, selector, by, limit, window).await;
    match (selector.trim().is_empty(), listed) {
        (true, Ok(b)) => RemoteFigures { status: Some(server), grouping: b.grouping, from_series: false },
        (true, Err(e)) => RemoteFigures { status: Some(server), grouping: Some(Err(e)), from_series: false },
        (false, Ok(b)) => RemoteFigures { status: Some(Ok(b.status)), grouping: b.grouping, from_series: true },
        (false, Err(e)) => RemoteFigures { status: Some(Err(e)), grouping: None, from_series: true },
    }
}

async fn server_status(source: &Source, limit: usize) -> Result<TsdbStatus, String> {
    let answer = get(source, "status/tsdb", &[("limit", limit.to_string())]).await?;
    engine_link::ask(ReadTsdbStatus { answer, limit }).await?
}

/// The breakdown of the series `selector` matches, over `window` (the head block's) or the
/// whole store.
async fn series_breakdown(
    source: &Source,
    selector: &str,
    by: &str,
    limit: usize,
    window: Option<(i64, i64)>,
) -> Result<Breakdown, String> {
    let matcher = engine_link::ask(PlanSeriesMatch { selector: selector.to_string() }).await??;
    let mut params = vec![("match[]", matcher)];
    if let Some((start, end)) = window {
        params.push(("start", secs(start)));
        params.push(("end", secs(end)));
    }
    let answer = get(source, "series", &params).await?;
    engine_link::ask(ReadSeriesBreakdown { answer, limit, by: by.to_string() }).await?
}
