//! "Record a pack" from the connected source: series selectors and a window ending at the
//! last query's time (1 h by default, 6 h at most), fetched as raw samples, built into the
//! documented pack format in the engine module, then offered as downloads and loaded as a
//! pack on the site.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::content::time::format_instant;
use crate::link::query::QueryTime;
use crate::link::remote::{PlanRecord, RecordPack, RecordedPack};
use crate::ui::engine_link;
use crate::ui::my_work::download;
use crate::ui::packs::{use_packs, Packs};

use super::tools::fetch_raw;
use super::{get, RemoteState};

/// The windows offered, in minutes (the last is the cap).
pub(super) const WINDOWS: [(u32, &str); 4] = [(15, "15 min"), (60, "1 h"), (180, "3 h"), (360, "6 h")];

#[derive(Clone)]
enum Recording {
    Running,
    Done(RecordedPack),
    Failed(String),
}

/// The recording form and its result.
#[component]
pub fn RecordPanel(state: RemoteState, last: Signal<Option<(String, QueryTime)>>) -> impl IntoView {
    let selectors = RwSignal::new(String::new());
    let minutes = RwSignal::new(60u32);
    let id = RwSignal::new("recorded".to_string());
    let recording: RwSignal<Option<Recording>> = RwSignal::new(None);
    let loading_id: RwSignal<Option<String>> = RwSignal::new(None);
    let packs = use_packs();
    // Once the loaded pack is in, switch the playground to it (off the remote source).
    Effect::new(move |_| {
        let (Some(packs), Some(wanted)) = (packs, loading_id.get()) else { return };
        let present = packs.loaded.with(|l| l.iter().flat_map(|p| &p.datasets).any(|d| d.id == wanted));
        if present {
            loading_id.set(None);
            state.disconnect();
            packs.activate(&wanted);
        }
    });
    let record = move |_| {
        let Some(conn) = state.active.get_untracked() else { return };
        let end = match last.get_untracked() {
            Some((_, QueryTime::Instant { time } | QueryTime::Range { end: time, .. })) => time,
            None => return,
        };
        let start = end - i64::from(minutes.get_untracked()) * 60_000;
        let list: Vec<String> = selectors.get_untracked().lines().map(str::to_string).collect();
        let pack_id = id.get_untracked().trim().to_string();
        recording.set(Some(Recording::Running));
        spawn_local(async move {
            let result = async {
                let plan = engine_link::ask(PlanRecord { selectors: list, start, end }).await??;
                let raw = fetch_raw(&conn.source, plan).await?;
                let metadata = get(&conn.source, "metadata", &[]).await.ok();
                let title = format!("Recorded from {} ending {}", conn.source.base(), format_instant(end));
                let source = conn.source.base().to_string();
                engine_link::ask(RecordPack { id: pack_id, title, source, start, raw, metadata }).await?
            }
            .await;
            recording.set(Some(match result {
                Ok(pack) => Recording::Done(pack),
                Err(e) => Recording::Failed(e),
            }));
        });
    };
    let result = move || {
        recording.get().map(|r| match r {
            Recording::Running => view! { <p class="notice" role="status">"Fetching the series\u{2026}"</p> }.into_any(),
            Recording::Failed(e) => view! { <p class="error-box" role="alert" data-testid="record-error">{e}</p> }.into_any(),
            Recording::Done(pack) => recorded_view(pack, loading_id, packs).into_any(),
        })
    };
    let window_options = WINDOWS
        .iter()
        .map(|(m, label)| view! { <option value=m.to_string() selected=*m == 60>{*label}</option> })
        .collect_view();
    view! {
        <details class="remote-record" data-testid="record-pack">
            <summary>"Record a pack"</summary>
            <p class="muted small">
                "Series selectors, one a line (e.g. model_predictions_total or {job=\"serving\"}). The window ends at the time of the last query run."
            </p>
            <textarea class="remote-selectors" rows="3" data-testid="record-selectors" spellcheck="false"
                prop:value=move || selectors.get() on:input=move |ev| selectors.set(event_target_value(&ev)) />
            <div class="button-row">
                <label class="dataset-picker">
                    <span class="muted small">"Window"</span>
                    <select data-testid="record-window" on:change=move |ev| {
                        minutes.set(event_target_value(&ev).parse().unwrap_or(60));
                    }>{window_options}</select>
                </label>
                <label class="dataset-picker">
                    <span class="muted small">"Pack id"</span>
                    <input type="text" size="14" data-testid="record-id" prop:value=move || id.get()
                        on:input=move |ev| id.set(event_target_value(&ev)) />
                </label>
                <button type="button" class="button primary" data-testid="record-run"
                    disabled=move || matches!(recording.get(), Some(Recording::Running)) on:click=record>
                    "Record"
                </button>
            </div>
            {result}
        </details>
    }
}

fn recorded_view(pack: RecordedPack, loading_id: RwSignal<Option<String>>, packs: Option<Packs>) -> impl IntoView {
    let bytes: usize = pack.files.iter().map(|(_, text)| text.len()).sum();
    let summary = format!(
        "Recorded {} series, {} samples ({:.1} KiB in {} files).",
        pack.series,
        pack.samples,
        bytes as f64 / 1024.0,
        pack.files.len()
    );
    let files = StoredValue::new(pack.files);
    let save = move |_| {
        files.with_value(|f| {
            for (name, text) in f {
                let _ = download(text.as_bytes(), name, "text/plain");
            }
        })
    };
    let load = move |_| {
        let Some(packs) = packs else { return };
        let list = files.get_value();
        // The dataset file is the one that is neither the manifest nor the series.
        let dataset = list.iter().map(|(n, _)| n).find(|n| n.ends_with(".yaml") && *n != "pack.yaml");
        loading_id.set(dataset.map(|n| n.trim_end_matches(".yaml").to_string()));
        packs.load_picked(list);
    };
    view! {
        <p class="notice" role="status" data-testid="record-summary">{summary}</p>
        <div class="button-row">
            <button type="button" class="button secondary" data-testid="record-download" on:click=save>"Download the pack files"</button>
            <button type="button" class="button secondary" data-testid="record-load" on:click=load>"Load as a pack"</button>
        </div>
    }
}
