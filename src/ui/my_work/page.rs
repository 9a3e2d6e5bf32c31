//! The "My work" page: assembles the deliverables (in the engine module), previews each file
//! and downloads them as one .zip; below, the instructor's review of a submission.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::super::browser;
use super::super::engine_link;
use super::super::progress_store::use_progress;
use super::gather::gather;
use super::review::ReviewSubmission;
use crate::link::deliverables::{AssembleWork, AssembledWork};

/// The name the download is saved under.
const ZIP_NAME: &str = "promql-deliverables.zip";

/// Every key of local storage (empty when it is unavailable).
fn storage_keys() -> Vec<String> {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else { return Vec::new() };
    (0..storage.length().unwrap_or(0)).filter_map(|i| storage.key(i).ok().flatten()).collect()
}

/// Saves `bytes` (of MIME type `mime`) as a file through a temporary object URL.
pub(crate) fn download(bytes: &[u8], name: &str, mime: &str) -> Result<(), String> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not build the file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "no object URL".to_string())?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|_| "no link")?.dyn_into().map_err(|_| "no link")?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The route.
#[component]
pub fn MyWorkPage() -> impl IntoView {
    let progress = use_progress().progress;
    let work: RwSignal<Option<Result<AssembledWork, String>>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let shown = RwSignal::new(0usize);
    let assemble = move |_| {
        let workspace = progress.with_untracked(|p| gather(p, &storage_keys(), &browser::stored));
        busy.set(true);
        spawn_local(async move {
            let reply = engine_link::ask(AssembleWork { workspace }).await.and_then(|r| r);
            work.set(Some(reply));
            shown.set(0);
            busy.set(false);
        });
    };
    let save = move |_| {
        if let Some(Ok(w)) = work.get_untracked() {
            if let Err(e) = download(&w.zip, ZIP_NAME, "application/zip") {
                work.set(Some(Err(e)));
            }
        }
    };
    let files = move || {
        work.get().map(|r| match r {
            Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
            Ok(w) => {
                let names: Vec<(usize, String, usize)> =
                    w.files.iter().enumerate().map(|(i, (n, t))| (i, n.clone(), t.len())).collect();
                let texts: Vec<String> = w.files.iter().map(|(_, t)| t.clone()).collect();
                let size = w.zip.len();
                view! {
                    <div class="my-work-actions">
                        <button type="button" class="button secondary" data-testid="my-work-download" on:click=save>
                            {format!("Download {ZIP_NAME} ({:.1} KB)", size as f64 / 1024.0)}
                        </button>
                    </div>
                    <div class="my-work-files">
                        <ul class="my-work-file-list" role="tablist" aria-label="Files">
                            {names.into_iter().map(|(i, n, len)| view! {
                                <li>
                                    <button type="button" role="tab" class="my-work-file"
                                        class:selected=move || shown.get() == i
                                        aria-selected=move || (shown.get() == i).to_string()
                                        on:click=move |_| shown.set(i)>
                                        <span class="name">{n}</span>
                                        <span class="size">{format!("{:.1} KB", len as f64 / 1024.0)}</span>
                                    </button>
                                </li>
                            }).collect_view()}
                        </ul>
                        <pre class="my-work-preview" data-testid="my-work-preview" role="tabpanel">
                            {move || texts.get(shown.get()).cloned().unwrap_or_default()}
                        </pre>
                    </div>
                }
                .into_any()
            }
        })
    };
    view! {
        <section class="card lab-section my-work">
            <h1 class="card-title">"My work"</h1>
            <p>
                "The seed exercise asks for a repository: a query library, recording rules with their "
                "documentation, alert rules with runbooks, an Alertmanager configuration, unit tests and "
                "a performance analysis. This page writes them from what you did on this site — it all "
                "stays in your browser until you download it. An instructor grades the .zip with "
                <code>"promplay grade"</code> " or below."
            </p>
            <button type="button" class="button primary" data-testid="my-work-assemble" on:click=assemble
                disabled=move || busy.get()>
                {move || if busy.get() { "Assembling…" } else { "Assemble my deliverables" }}
            </button>
            {files}
        </section>
        <ReviewSubmission />
    }
}
