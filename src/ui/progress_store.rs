//! The learner's progress in localStorage: loaded once per visit, shared through context,
//! saved on every change. A store that cannot be read resets to empty and says so once.

use leptos::prelude::*;

use crate::content::progress::{Progress, RESET_NOTICE, STORAGE_KEY};

use super::browser;

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
    let reset = problem.is_some();
    let ctx = ProgressContext {
        progress: RwSignal::new(loaded),
        notice: RwSignal::new(problem.map(|_| RESET_NOTICE.to_string())),
    };
    provide_context(ctx);
    // Save on every change. The first run only subscribes: it writes nothing unless the store
    // had to be reset (then the clean store replaces the corrupt one). Writing the value just
    // read would race with any other writer of the store while the app boots (another tab,
    // or a test corrupting it on purpose) and silently undo its write.
    Effect::new(move |previous: Option<()>| {
        let json = ctx.progress.with(Progress::save);
        if previous.is_some() || reset {
            browser::store(STORAGE_KEY, &json);
        }
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
