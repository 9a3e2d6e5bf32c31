//! The playground's remote tools: "Compare with the local engine" (fetch the raw samples the
//! last query read, evaluate it in the engine module, show agreement, a documented 2.42-vs-3.x
//! difference, or the disagreement) and "Record a pack".

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::link::query::QueryTime;
use crate::link::remote::{CompareLocal, Fetched, PlanCompare, RawFetch};
use crate::remote::api::QueryCall;
use crate::remote::diff::Verdict;
use crate::remote::Source;

use super::record::RecordPanel;
use super::{get, RemoteState};
use crate::ui::engine_link;

/// Where a comparison stands.
#[derive(Clone)]
enum Compared {
    Running,
    Done(Verdict, usize),
    Failed(String),
}

/// The tools, shown while a remote source is connected. `last` is the query last run and
/// when it ran.
#[component]
pub fn RemoteTools(state: RemoteState, last: Signal<Option<(String, QueryTime)>>) -> impl IntoView {
    let compared: RwSignal<Option<Compared>> = RwSignal::new(None);
    // A new run makes the last verdict stale.
    Effect::new(move |_| {
        last.track();
        compared.set(None);
    });
    let compare = move |_| {
        let (Some(conn), Some((query, time))) = (state.active.get_untracked(), last.get_untracked()) else { return };
        compared.set(Some(Compared::Running));
        spawn_local(async move {
            let shown = match compare_local(&conn.source, query, time).await {
                Ok((verdict, samples)) => Compared::Done(verdict, samples),
                Err(e) => Compared::Failed(e),
            };
            compared.set(Some(shown));
        });
    };
    view! {
        <Show when=move || state.active.with(Option::is_some)>
            <section class="card remote-tools" data-testid="remote-tools">
                <div class="card-title-row">
                    <h2 class="card-title">"Remote source"</h2>
                    <button type="button" class="button secondary" data-testid="compare-local"
                        disabled=move || last.with(Option::is_none) || matches!(compared.get(), Some(Compared::Running))
                        on:click=compare>
                        "Compare with the local engine"
                    </button>
                </div>
                {move || compared.get().map(verdict_view)}
                <RecordPanel state=state last=last />
            </section>
        </Show>
    }
}

fn verdict_view(c: Compared) -> impl IntoView {
    let (class, text) = match c {
        Compared::Running => ("notice", "Fetching the raw samples and evaluating locally\u{2026}".to_string()),
        Compared::Failed(e) => ("error-box", format!("Could not compare: {e}")),
        Compared::Done(v, samples) => {
            let fetched = format!("({samples} raw samples fetched)");
            match v {
                Verdict::Agree => ("notice good", format!("Agree: the local engine gives the same result {fetched}.")),
                Verdict::Documented { reason, detail } => (
                    "notice",
                    format!("Documented difference ({reason}, a known Prometheus 2.42 vs 3.x change, see docs/differential.md): {detail}"),
                ),
                Verdict::Differ(d) => ("error-box", format!("Disagree {fetched}: {d}")),
                Verdict::Failed(e) => ("error-box", format!("Could not compare: {e}")),
            }
        }
    };
    view! { <p class=class role="status" data-testid="compare-verdict">{text}</p> }
}

/// Runs every raw fetch of a plan.
pub async fn fetch_raw(source: &Source, plan: Vec<RawFetch>) -> Result<Vec<Fetched>, String> {
    fetch_raw_capped(source, plan, usize::MAX, |_, _| ()).await
}

/// Runs the raw fetches of a plan one after the other, telling `progress` how many are done
/// and the bytes read so far; stops with an error once the answers pass `max_bytes`.
pub async fn fetch_raw_capped(
    source: &Source,
    plan: Vec<RawFetch>,
    max_bytes: usize,
    progress: impl Fn(usize, usize),
) -> Result<Vec<Fetched>, String> {
    let mut raw: Vec<Fetched> = Vec::new();
    let mut bytes = 0usize;
    for f in plan {
        let call = QueryCall::Instant { query: f.query, time: f.time };
        let (endpoint, params) = call.endpoint();
        let answer = get(source, endpoint, &params).await?;
        bytes += answer.body.len();
        if bytes > max_bytes {
            return Err(format!(
                "the answers passed {} MiB after {} of the series selectors: choose a shorter window or rules that read fewer series",
                max_bytes >> 20,
                raw.len() + 1
            ));
        }
        raw.push(answer);
        progress(raw.len(), bytes);
    }
    Ok(raw)
}

async fn compare_local(source: &Source, query: String, time: QueryTime) -> Result<(Verdict, usize), String> {
    let call = match time {
        QueryTime::Instant { time } => QueryCall::Instant { query: query.clone(), time },
        QueryTime::Range { start, end, step } => QueryCall::Range { query: query.clone(), start, end, step },
    };
    let (endpoint, params) = call.endpoint();
    let remote = get(source, endpoint, &params).await?;
    let plan = engine_link::ask(PlanCompare { query: query.clone(), time }).await??;
    let raw = fetch_raw(source, plan).await?;
    engine_link::ask(CompareLocal { query, time, remote, raw }).await
}
