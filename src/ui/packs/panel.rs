//! The packs section of the start page: load a pack by URL or from files picked on this
//! computer, and see each loaded pack's datasets (open one in the playground) and exercises
//! (with their solved marks), next to the built-in ones.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::content::builtin::DEFAULT_DATASET;
use crate::content::dataset::MAX_FILE_BYTES;
use crate::content::DatasetMeta;
use crate::link::packs::{PackSource, PackView};

use super::super::browser::{base, href};
use super::super::data::DataState;
use super::super::paths::{playground_link, EXERCISE};
use super::super::progress_store::use_progress;
use super::state::{use_packs, Failure, Packs};

/// The packs section.
#[component]
pub fn PackPanel() -> impl IntoView {
    let Some(packs) = use_packs() else { return ().into_any() };
    let url = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let u = url.get_untracked();
        if !u.trim().is_empty() {
            packs.load_url(&u);
        }
    };
    let on_files = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        let Some(list) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        input.set_value("");
        spawn_local(read_picked(packs, files));
    };
    let busy = move || packs.progress.with(Option::is_some);
    let list = move || {
        packs
            .loaded
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, p)| view! { <PackCard pack=p index=i /> })
            .collect_view()
    };
    view! {
        <div class="packs" data-testid="packs">
            <h2>"Instructor packs"</h2>
            <p class="muted">
                "A pack adds datasets and exercises published by an instructor. Load one by its "
                <code>"pack.yaml"</code> " URL (or open the site with " <code>"?pack=<url>"</code>
                "), or pick a pack's files on this computer: its manifest and every file it lists. "
                "Packs loaded by URL come back when you return; your progress is kept either way."
            </p>
            <form class="pack-load card" on:submit=submit>
                <label class="pack-field">
                    <span>"Pack URL"</span>
                    <input type="text" inputmode="url" placeholder="https://example.org/course/pack.yaml"
                        data-testid="pack-url" spellcheck="false"
                        prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev)) />
                </label>
                <button type="submit" class="button primary" data-testid="pack-load" disabled=busy>"Load pack"</button>
                <label class="pack-field">
                    <span>"or pick files"</span>
                    <input type="file" multiple data-testid="pack-files" disabled=busy
                        accept=".yaml,.yml,.om,.txt,.openmetrics,.load,.test,.promql" on:change=on_files />
                </label>
            </form>
            <div class="pack-list">{list}</div>
        </div>
    }
    .into_any()
}

/// One loaded pack: what it is, its datasets and its exercises.
#[component]
fn PackCard(pack: Arc<PackView>, index: usize) -> impl IntoView {
    let Some(packs) = use_packs() else { return ().into_any() };
    let progress = use_progress().progress;
    let datasets =
        pack.datasets.iter().map(|d| view! { <DatasetRow packs=packs dataset=d.clone() /> }).collect_view();
    let exercises = pack
        .exercises
        .iter()
        .map(|ex| {
            let id = ex.id.clone();
            let solved = move || progress.with(|p| p.is_solved(&id));
            let mark = solved.clone();
            let (testid, link) = (format!("pack-exercise-{}", ex.id), href(&format!("{EXERCISE}/{}", ex.id)));
            let (title, seed_ref) = (ex.title.clone(), ex.seed_ref.clone());
            view! {
                <li class="catalogue-item" class:solved=solved data-testid=testid>
                    <span class="check">{move || if mark() { "\u{2713}" } else { "" }}</span>
                    <A href=link>{title}</A>
                    <span class="seed-ref muted small">{seed_ref}</span>
                </li>
            }
        })
        .collect_view();
    let source = match &pack.source {
        PackSource::Url(u) => {
            view! { <a href=u.clone() class="small" rel="noopener">{u.clone()}</a> }.into_any()
        }
        PackSource::Local => {
            view! { <span class="small">{pack.source.label().to_string()}</span> }.into_any()
        }
    };
    let has_exercises = !pack.exercises.is_empty();
    view! {
        <section class="card pack-card" data-testid=format!("pack-{}", pack.id)>
            <div class="card-title-row">
                <h3>{pack.title.clone()}</h3>
                <button type="button" class="button secondary small" data-testid="pack-remove"
                    on:click=move |_| packs.remove(index)>"Remove"</button>
            </div>
            <p class="muted small">"From " {source}</p>
            <p>{pack.description.clone()}</p>
            <h4>"Datasets"</h4>
            <ul class="pack-datasets">{datasets}</ul>
            {has_exercises.then(|| view! {
                <h4>"Exercises"</h4>
                <ul class="catalogue-list">{exercises}</ul>
            })}
        </section>
    }
    .into_any()
}

/// A pack dataset: its summary, and a button that opens it in the playground (or goes back
/// to the built-in data when it is the one in use).
#[component]
fn DatasetRow(packs: Packs, dataset: DatasetMeta) -> impl IntoView {
    let navigate = use_navigate();
    let id = dataset.id.clone();
    let in_use = {
        let id = id.clone();
        move || matches!(packs.data.get(), DataState::Ready(d) if d.meta.id == id)
    };
    let query = dataset
        .metrics
        .first()
        .map_or_else(|| "count by (__name__) ({__name__!=\"\"})".to_string(), |m| m.name.clone());
    let open = {
        let id = id.clone();
        move |_| {
            packs.activate(&id);
            navigate(&playground_link(&base(), &query, false, Some(&id)), Default::default());
        }
    };
    let in_use2 = in_use.clone();
    view! {
        <li class="pack-dataset" data-testid=format!("pack-dataset-{id}")>
            <div>
                <strong>{dataset.title.clone()}</strong>
                <span class="muted small">" " {dataset.summary()}</span>
                {move || in_use().then(|| view! { <span class="badge good">"in use"</span> })}
            </div>
            <div class="pack-dataset-actions">
                <button type="button" class="button secondary small" data-testid="pack-dataset-open" on:click=open>
                    "Query in the playground"
                </button>
                {move || in_use2().then(|| view! {
                    <button type="button" class="button secondary small" data-testid="pack-dataset-builtin"
                        on:click=move |_| packs.activate(DEFAULT_DATASET)>"Back to the built-in data"</button>
                })}
            </div>
        </li>
    }
}

/// Reads picked files (refusing oversized ones) and loads them as a pack.
async fn read_picked(packs: Packs, files: Vec<web_sys::File>) {
    if files.is_empty() {
        return;
    }
    let mut picked = Vec::new();
    let mut problems = Vec::new();
    for f in files {
        let name = f.name();
        if f.size() > MAX_FILE_BYTES as f64 {
            problems.push(format!("{name}: larger than {MAX_FILE_BYTES} bytes"));
            continue;
        }
        match JsFuture::from(f.text()).await.ok().and_then(|t| t.as_string()) {
            Some(text) => picked.push((name, text)),
            None => problems.push(format!("{name}: could not be read as text")),
        }
    }
    if problems.is_empty() {
        packs.load_picked(picked);
    } else {
        packs
            .failures
            .update(|f| f.push(Failure { source: "files picked on this computer".into(), problems }));
    }
}
