//! The rules labs' data from a remote source: the data-source picker, a window (15 min to
//! 6 h, ending now or at a typed time) and "Fetch the series these rules read": the engine
//! module plans one raw fetch per selector the rules read, the app fetches them (stopping
//! past the byte cap) and the engine module makes the answers the remote window dataset,
//! which Evaluate then runs over.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::content::time::{format_instant, parse_instant};
use crate::engine::Millis;
use crate::link::remote::{LoadRuleWindow, PlanRuleWindow, RuleWindow};
use crate::remote::window::{MAX_WINDOW_BYTES, MAX_WINDOW_SAMPLES};
use crate::ui::engine_link;
use crate::ui::progress_line::progress_line;

use super::record::WINDOWS;
use super::tools::fetch_raw_capped;
use super::{RemoteState, SourcePicker};

/// Where fetching stands.
#[derive(Clone)]
enum Fetching {
    /// `(fetches done, fetches in all, bytes read)`.
    Running(usize, usize, usize),
    Failed(String),
}

/// The window's end as typed: empty or `now` is the present, else a UTC instant.
fn window_end(typed: &str) -> Result<Millis, String> {
    match typed.trim() {
        "" | "now" => Ok(js_sys::Date::now() as Millis),
        t => parse_instant(t).map_err(|e| format!("Window end: {e}")),
    }
}

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

/// The picker and the window form. `files` are the rule files the lab evaluates (`(name,
/// text)`); `window` is set once a window is fetched, and cleared when the source goes.
#[component]
pub fn RuleWindowPanel(
    state: RemoteState,
    files: Signal<Vec<(String, String)>>,
    window: RwSignal<Option<RuleWindow>>,
) -> impl IntoView {
    let minutes = RwSignal::new(60u32);
    let end_text = RwSignal::new(String::new());
    let fetching: RwSignal<Option<Fetching>> = RwSignal::new(None);
    let fetched_for: RwSignal<Vec<(String, String)>> = RwSignal::new(Vec::new());
    // Back on the built-in data (or another source), the fetched window is not the data.
    Effect::new(move |_| {
        if state.active.with(Option::is_none) {
            window.set(None);
            fetching.set(None);
        }
    });
    let fetch = move |_| {
        let Some(conn) = state.active.get_untracked() else { return };
        let end = match window_end(&end_text.get_untracked()) {
            Ok(t) => t,
            Err(e) => return fetching.set(Some(Fetching::Failed(e))),
        };
        let start = end - Millis::from(minutes.get_untracked()) * 60_000;
        let files = files.get_untracked();
        fetching.set(Some(Fetching::Running(0, 0, 0)));
        spawn_local(async move {
            let result = async {
                let plan = engine_link::ask(PlanRuleWindow { files: files.clone(), start, end }).await??;
                if plan.is_empty() {
                    return Err("These rules read no stored series: there is nothing to fetch.".to_string());
                }
                let total = plan.len();
                let progress = move |done, bytes| fetching.set(Some(Fetching::Running(done, total, bytes)));
                progress(0, 0);
                let raw = fetch_raw_capped(&conn.source, plan, MAX_WINDOW_BYTES, progress).await?;
                let source = conn.source.base().to_string();
                engine_link::ask(LoadRuleWindow { source, start, end, raw }).await?
            }
            .await;
            match result {
                Ok(w) => {
                    window.set(Some(w));
                    fetched_for.set(files);
                    fetching.set(None);
                }
                Err(e) => fetching.set(Some(Fetching::Failed(e))),
            }
        });
    };
    let running = move || matches!(fetching.get(), Some(Fetching::Running(..)));
    let status = move || match fetching.get() {
        Some(Fetching::Running(done, total, bytes)) => {
            let what = if total == 0 {
                "Working out which series the rules read\u{2026}".to_string()
            } else {
                format!("Fetching the series of selector {} of {total} ({} so far)", (done + 1).min(total), kib(bytes))
            };
            progress_line("window-progress", done, total, what)
            .into_any()
        }
        Some(Fetching::Failed(e)) => view! { <p class="error-box" role="alert" data-testid="window-error">{e}</p> }.into_any(),
        None => window.get().map(|w| {
            let changed = fetched_for.with(|f| *f != files.get());
            view! {
                <p class="notice" role="status" data-testid="window-summary">
                    {format!(
                        "Fetched {} series, {} samples ({}) for {} to {}: Evaluate runs over this window.",
                        w.series, w.samples, kib(w.bytes), format_instant(w.start), format_instant(w.end)
                    )}
                    {changed.then_some(" The rules changed since: fetch again if they read other series.")}
                </p>
            }
        }).into_any(),
    };
    let window_options = || {
        WINDOWS
            .iter()
            .map(|(m, label)| view! { <option value=m.to_string() selected=*m == 60>{*label}</option> })
            .collect_view()
    };
    view! {
        <div class="rule-window" data-testid="rule-window">
            <SourcePicker state=state link_source=None />
            <Show when=move || state.active.with(Option::is_some)>
                <div class="rule-window-form">
                    <label class="dataset-picker">
                        <span class="muted small">"Window"</span>
                        <select data-testid="window-length" on:change=move |ev| {
                            minutes.set(event_target_value(&ev).parse().unwrap_or(60));
                        }>{window_options()}</select>
                    </label>
                    <label class="dataset-picker window-end">
                        <span class="muted small">"Ending at (UTC)"</span>
                        <input type="text" data-testid="window-end" placeholder="now, or 2026-01-05T14:00:00Z"
                            spellcheck="false" prop:value=move || end_text.get()
                            on:input=move |ev| end_text.set(event_target_value(&ev)) />
                    </label>
                    <button type="button" class="button primary" data-testid="window-fetch"
                        disabled=running on:click=fetch>
                        "Fetch the series these rules read"
                    </button>
                </div>
                <p class="muted small">
                    {format!(
                        "Each series the rules read is fetched once over the window, from as far before it as the rules look; the rules' own series are evaluated. At most 6 h, {} M samples and {} MiB of answers; the data stays in this tab for the visit.",
                        MAX_WINDOW_SAMPLES / 1_000_000,
                        MAX_WINDOW_BYTES >> 20
                    )}
                </p>
                {status}
            </Show>
        </div>
    }
}
