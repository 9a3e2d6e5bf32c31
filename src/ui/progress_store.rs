//! The learner's progress in localStorage: loaded once per visit, shared through context,
//! saved on every change. A store that cannot be read resets to empty and says so once.
//! Exercise drafts are saved as the learner types; "Reset progress" (after a confirmation)
//! clears everything, the rule exercises' files included.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use leptos::prelude::*;

use crate::content::progress::{reset_question, Progress, RESET_NOTICE, STORAGE_KEY};

use super::browser;
use super::rules_lab::RULE_EXERCISE_STORE_PREFIXES;

/// How long after the last keystroke a draft is saved.
const DRAFT_DELAY: Duration = Duration::from_millis(400);

/// Progress plus the notice to show when the stored progress had to be reset.
#[derive(Clone, Copy)]
pub struct ProgressContext {
    pub progress: RwSignal<Progress>,
    pub notice: RwSignal<Option<String>>,
}

/// Loads the progress and provides it to every page (called by the app shell).
pub fn provide_progress() {
    let (loaded, problem) = Progress::load(browser::stored(STORAGE_KEY).as_deref());
    if let Some(why) = &problem {
        leptos::logging::warn!("stored progress reset: {why}");
    }
    let ctx = ProgressContext {
        progress: RwSignal::new(loaded),
        notice: RwSignal::new(problem.map(|_| RESET_NOTICE.to_string())),
    };
    provide_context(ctx);
    // Save on every change after the first run (which only reads what was just loaded, and
    // overwrites a corrupt store with the clean one).
    Effect::new(move |_| {
        let json = ctx.progress.with(Progress::save);
        browser::store(STORAGE_KEY, &json);
    });
}

/// The shared progress (a private, unsaved one if the shell did not provide it).
pub fn use_progress() -> ProgressContext {
    use_context::<ProgressContext>().unwrap_or_else(|| ProgressContext {
        progress: RwSignal::new(Progress::new()),
        notice: RwSignal::new(None),
    })
}

/// The reset notice, with a button to dismiss it.
#[component]
pub fn ProgressNotice() -> impl IntoView {
    let ctx = use_progress();
    move || {
        ctx.notice.get().map(|n| {
            view! {
                <div class="notice" role="status" data-testid="progress-notice">
                    <span>{n}</span>
                    <button type="button" class="button small" on:click=move |_| ctx.notice.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}

/// Saves what the editor of exercise `id` holds as its draft while the learner types: shortly
/// after the last keystroke, and at once when the exercise is left (Next, Previous, another
/// page), so nothing typed is lost.
pub fn autosave_draft(id: String, query: RwSignal<String>) {
    let progress = use_progress().progress;
    // The save waiting for the typing to pause: its timer and the text it will save.
    let pending: Arc<Mutex<Option<(TimeoutHandle, String)>>> = Arc::new(Mutex::new(None));
    let save = move |text: String| {
        if progress.with_untracked(|p| p.draft(&id) != Some(text.as_str())) {
            progress.try_update(|p| p.set_draft(&id, &text));
        }
    };
    let (timer_pending, timer_save) = (pending.clone(), save.clone());
    Effect::new(move |previous: Option<String>| {
        let text = query.get();
        // The first run sees the text the editor opened with: not an edit.
        if previous.is_some_and(|p| p != text) {
            let (fire_pending, fire_save) = (timer_pending.clone(), timer_save.clone());
            let fire = move || {
                if let Some((_, text)) = fire_pending.lock().ok().and_then(|mut p| p.take()) {
                    fire_save(text);
                }
            };
            if let Ok(handle) = set_timeout_with_handle(fire, DRAFT_DELAY) {
                let replaced = timer_pending.lock().ok().and_then(|mut p| p.replace((handle, text.clone())));
                if let Some((old, _)) = replaced {
                    old.clear();
                }
            }
        }
        text
    });
    on_cleanup(move || {
        if let Some((handle, text)) = pending.lock().ok().and_then(|mut p| p.take()) {
            handle.clear();
            save(text);
        }
    });
}

/// The local-storage keys the rule exercises keep (files and solved marks).
fn rule_exercise_keys() -> Vec<String> {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else { return Vec::new() };
    let len = storage.length().unwrap_or(0);
    (0..len)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| RULE_EXERCISE_STORE_PREFIXES.iter().any(|p| k.starts_with(p)))
        .collect()
}

/// How many rule exercises have a file or a solved mark stored.
fn rule_exercises_stored() -> usize {
    let mut ids: Vec<String> = rule_exercise_keys()
        .into_iter()
        .filter_map(|k| RULE_EXERCISE_STORE_PREFIXES.iter().find_map(|p| k.strip_prefix(p).map(str::to_string)))
        .collect();
    ids.sort();
    ids.dedup();
    ids.len()
}

/// Clears the progress and every rule exercise's stored file and solved mark.
fn reset_everything(progress: RwSignal<Progress>) {
    progress.update(Progress::reset);
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        for key in rule_exercise_keys() {
            let _ = storage.remove_item(&key);
        }
    }
}

/// "Reset progress", which asks first what it clears (or says there is nothing to clear),
/// then Reset or Cancel.
#[component]
pub fn ResetProgress() -> impl IntoView {
    let progress = use_progress().progress;
    // The question, while it is asked (`Some(None)`: nothing to clear).
    let asking: RwSignal<Option<Option<String>>> = RwSignal::new(None);
    let done = RwSignal::new(false);
    let ask = move |_| {
        done.set(false);
        asking.set(Some(reset_question(progress.with_untracked(Progress::exercises_touched), rule_exercises_stored())));
    };
    move || match asking.get() {
        Some(Some(question)) => view! {
            <div class="reset-confirm" role="alertdialog" aria-labelledby="reset-question" data-testid="reset-confirm">
                <p id="reset-question">{question}</p>
                <div class="reset-actions">
                    <button type="button" class="button danger small" data-testid="reset-confirm-yes"
                        on:click=move |_| { reset_everything(progress); asking.set(None); done.set(true); }>"Reset progress"</button>
                    <button type="button" class="button secondary small" data-testid="reset-confirm-no"
                        on:click=move |_| asking.set(None)>"Cancel"</button>
                </div>
            </div>
        }
        .into_any(),
        Some(None) => view! {
            <div class="reset-confirm" role="status" data-testid="reset-confirm">
                <p>"Nothing to reset: no exercise has saved progress yet."</p>
                <div class="reset-actions">
                    <button type="button" class="button secondary small" data-testid="reset-confirm-no"
                        on:click=move |_| asking.set(None)>"Close"</button>
                </div>
            </div>
        }
        .into_any(),
        None if done.get() && progress.with(Progress::exercises_touched) == 0 => {
            view! { <span class="muted small" role="status" data-testid="reset-done">"Progress reset."</span> }.into_any()
        }
        None => view! {
            <button type="button" class="button secondary small" data-testid="reset-progress" on:click=ask>
                "Reset progress\u{2026}"
            </button>
        }
        .into_any(),
    }
}
