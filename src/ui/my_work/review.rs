//! Reviewing a submission: an instructor opens a .zip or a folder, the engine module grades
//! every answer again, and each item shows its score and findings with the answer beside the
//! reference.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use std::sync::Arc;

use super::super::chart::Chart;
use super::super::chart_model::Model;
use super::super::engine_link;
use crate::deliverables::grade::{GradeReport, ItemResult, Status};
use crate::deliverables::archive::{MAX_ENTRIES, MAX_TOTAL_BYTES};
use crate::link::deliverables::{GradeFolder, GradeSubmission};

/// The bytes of the file picked in `input`.
async fn picked_bytes(input: &web_sys::HtmlInputElement) -> Result<Vec<u8>, String> {
    let file = input.files().and_then(|f| f.get(0)).ok_or("no file chosen")?;
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|_| "the file could not be read".to_string())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The files of the folder picked in `input` (a `webkitdirectory` input), as paths below the
/// folder and bytes. The folder's size is checked before anything is read; the engine module
/// checks the names and every cap again.
async fn picked_folder(input: &web_sys::HtmlInputElement) -> Result<Vec<(String, Vec<u8>)>, String> {
    let list = input.files().ok_or("no folder chosen")?;
    let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
    if files.is_empty() {
        return Err("the folder is empty".into());
    }
    if files.len() > MAX_ENTRIES {
        return Err(format!("the folder has {} files, more than {MAX_ENTRIES}", files.len()));
    }
    let total: f64 = files.iter().map(|f| f.size()).sum();
    if total > MAX_TOTAL_BYTES as f64 {
        return Err(format!("the folder holds more than {MAX_TOTAL_BYTES} bytes"));
    }
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let path = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
            .ok()
            .and_then(|p| p.as_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| file.name());
        let buffer = JsFuture::from(file.array_buffer()).await.map_err(|_| format!("{path} could not be read"))?;
        out.push((path, js_sys::Uint8Array::new(&buffer).to_vec()));
    }
    Ok(out)
}

fn status_label(i: &ItemResult) -> &'static str {
    match (i.status, i.required) {
        (Status::Passed, _) => "passed",
        (Status::Failed, _) => "failed",
        (Status::Missing, true) => "missing",
        (Status::Missing, false) => "optional",
    }
}

fn item_view(i: ItemResult) -> impl IntoView {
    let label = status_label(&i);
    let side_by_side = i.answer.clone().map(|a| {
        view! {
            <div class="review-compare">
                <div><h4>"Answer"</h4><pre>{a}</pre></div>
                <div><h4>"Reference"</h4><pre>{i.reference.clone().unwrap_or_default()}</pre></div>
            </div>
        }
    });
    let claimed = match (i.claimed_solved, i.status) {
        (Some(true), Status::Passed) => "marked solved",
        (Some(true), _) => "marked solved, but does not pass",
        (Some(false), _) => "not marked solved",
        (None, _) => "",
    };
    // A query answer's result over the reference's, as the exercise page draws them; the
    // chart takes its size when the item is opened.
    let chart = i.chart.map(|c| {
        let model = Arc::new(Model::overlay(&c.series.expected, &c.series.actual, c.range.start, c.range.end, c.range.step));
        view! {
            <div class="review-chart" data-testid="review-chart">
                <h4>"The reference (dashed) and this answer (solid)"</h4>
                <Chart model=model />
            </div>
        }
    });
    view! {
        <details class="review-item" data-status=label data-testid="review-item" data-id=i.id.clone()>
            <summary>
                <span class=format!("review-status {label}")>{label}</span>
                <span class="review-title">{i.title.clone()}</span>
                <span class="review-points">{format!("{:.2} / {:.2}", i.points, i.max)}</span>
            </summary>
            <p class="muted">{format!("{} {}", i.id, claimed)}</p>
            <ul>{i.findings.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
            {side_by_side}
            {chart}
        </details>
    }
}

fn report_view(r: GradeReport) -> impl IntoView {
    let passed = r.passed();
    let sections = r.sections.clone();
    let problems = r.problems.clone();
    view! {
        <p class="review-score" data-testid="review-score">
            {format!("Score {:.2} / 100 — {}", r.score, if passed { "every required item passes" } else { "some required item does not pass" })}
        </p>
        <ul class="review-problems">{problems.into_iter().map(|p| view! { <li class="error">{p}</li> }).collect_view()}</ul>
        {sections.into_iter().filter(|s| s.max > 0.0).map(|s| {
            let items: Vec<ItemResult> = r.items.iter().filter(|i| i.section == s.section).cloned().collect();
            view! {
                <h3 class="review-section">{format!("{}: {:.2} / {:.0}", s.title, s.points, s.max)}</h3>
                {items.into_iter().map(item_view).collect_view()}
            }
        }).collect_view()}
    }
}

/// The review panel.
#[component]
pub fn ReviewSubmission() -> impl IntoView {
    let report: RwSignal<Option<Result<GradeReport, String>>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    // A .zip is sent as its bytes, a folder as its files: the engine module reads either.
    let on_pick = move |ev: leptos::ev::Event, folder: bool| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        busy.set(true);
        spawn_local(async move {
            let graded = if folder {
                match picked_folder(&input).await {
                    Ok(files) => engine_link::ask(GradeFolder { files }).await.and_then(|r| r),
                    Err(e) => Err(e),
                }
            } else {
                match picked_bytes(&input).await {
                    Ok(zip) => engine_link::ask(GradeSubmission { zip }).await.and_then(|r| r),
                    Err(e) => Err(e),
                }
            };
            report.set(Some(graded));
            busy.set(false);
        });
    };
    view! {
        <section class="card lab-section my-work-review">
            <h2 class="card-title">"Review a submission"</h2>
            <p>
                "Open a learner's .zip or folder: every answer is graded again here (a \"solved\" mark is never "
                "trusted) and shown beside the reference answer, with the same rubric as "
                <code>"promplay grade"</code> "."
            </p>
            <label class="button secondary">
                "Open a submission (.zip)"
                <input type="file" accept=".zip,application/zip" class="visually-hidden"
                    data-testid="review-file" on:change=move |ev| on_pick(ev, false) />
            </label>
            " "
            <label class="button secondary">
                "Open a folder"
                <input type="file" prop:webkitdirectory=true multiple=true class="visually-hidden"
                    data-testid="review-folder" on:change=move |ev| on_pick(ev, true) />
            </label>
            {move || busy.get().then(|| view! { <p class="muted" role="status">"Grading…"</p> })}
            {move || report.get().map(|r| match r {
                Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Ok(r) => report_view(r).into_any(),
            })}
        </section>
    }
}
