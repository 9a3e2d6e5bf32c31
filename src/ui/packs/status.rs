//! The pack bar under the header, on every page: what is loading, and why a pack failed
//! (every problem as `file:line: reason`), until dismissed.

use leptos::prelude::*;

use super::state::use_packs;

/// Loading progress and load errors of packs.
#[component]
pub fn PackStatus() -> impl IntoView {
    let Some(packs) = use_packs() else { return ().into_any() };
    let progress = move || {
        packs.progress.get().map(|p| view! { <div class="pack-progress notice" role="status" data-testid="pack-progress">{p}</div> })
    };
    let failures = move || {
        packs
            .failures
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                let problems = f.problems.iter().map(|p| view! { <li><code>{p.clone()}</code></li> }).collect_view();
                let label = if packs.is_remembered(&f.source) { "Forget this pack" } else { "Dismiss" };
                view! {
                    <div class="pack-error error-box" role="alert" data-testid="pack-error">
                        <div class="card-title-row">
                            <strong>"This pack could not be loaded: " {f.source.clone()}</strong>
                            <button type="button" class="button secondary small" data-testid="pack-error-dismiss"
                                on:click=move |_| packs.dismiss(i)>{label}</button>
                        </div>
                        <ul class="pack-problems">{problems}</ul>
                        <p class="small">"The built-in datasets and exercises, and your progress, are unaffected."</p>
                    </div>
                }
            })
            .collect_view()
    };
    view! { <div class="pack-status">{progress}{failures}</div> }.into_any()
}
