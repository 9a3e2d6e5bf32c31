//! What a page says around a query's result: the engine's warnings and infos (exactly as
//! Prometheus words them), the notes the dataset's metadata adds (a counter function over a
//! gauge), and for an empty result why it is empty, with a jump to the data when the time
//! misses it. The playground, the exercise page's Run and its feedback show the same blocks.
//!
//! The texts come from the engine module in a little Markdown (names in backticks); they are
//! shown as text with code spans, never as HTML.

use crate::content::time::format_instant;
use crate::engine::Millis;

use super::request::Params;

/// Where to move the time when a query's window misses the data `(first, last)` sample: the
/// button's label and the new evaluation (or range end) time. `None` when the time is inside.
pub fn jump_target(params: &Params, data: (Millis, Millis)) -> Option<(String, Millis)> {
    let (lo, hi) = data;
    let (start, end) = match *params {
        Params::Instant { time } => (time, time),
        Params::Range { start, end, .. } => (start, end),
    };
    if start > hi {
        Some((format!("Jump to the end of the data ({})", format_instant(hi)), hi))
    } else if end < lo {
        // A range keeps its length and starts at the first sample.
        let to = (lo + (end - start)).min(hi);
        Some((format!("Jump to the start of the data ({})", format_instant(to)), to))
    } else {
        None
    }
}

wasm_only! {
    use leptos::prelude::*;

    use crate::content::explain_empty::WhyEmpty;
    use super::format::code_spans;

    /// A Markdown-ish line as text with `<code>` spans.
    #[component]
    pub fn Spanned(text: String) -> impl IntoView {
        code_spans(&text)
            .into_iter()
            .map(|(code, piece)| {
                let piece = piece.to_string();
                if code {
                    view! { <code>{piece}</code> }.into_any()
                } else {
                    piece.into_any()
                }
            })
            .collect_view()
    }

    /// The engine's warnings and infos, then the dataset's notes (labelled as such).
    #[component]
    pub fn QueryNotes(
        warnings: Vec<String>,
        infos: Vec<String>,
        /// Notes from the dataset's metadata.
        type_notes: Vec<String>,
    ) -> impl IntoView {
        let engine = warnings
            .into_iter()
            .map(|w| view! { <li class="note warning" data-testid="note-warning">{w}</li> })
            .chain(infos.into_iter().map(|i| view! { <li class="note info" data-testid="note-info">{i}</li> }));
        let metadata = type_notes.into_iter().map(|n| {
            view! {
                <li class="note metadata" data-testid="note-metadata">
                    <span class="note-source">"From the dataset\u{2019}s metadata: "</span>
                    <Spanned text=n />
                </li>
            }
        });
        view! { <ul class="notes">{engine.collect_view()}{metadata.collect_view()}</ul> }
    }

    /// An empty result and why; with `jump`, a button that moves the time into the data.
    #[component]
    pub fn EmptyResult(
        why: Option<WhyEmpty>,
        /// The label and action of the jump into the data, if the time misses it.
        #[prop(default = None)]
        jump: Option<(String, Callback<()>)>,
    ) -> impl IntoView {
        let reasons = why.map(|w| w.reasons).unwrap_or_default();
        let headline = if reasons.is_empty() {
            "Empty result: no series at this time."
        } else {
            "Empty result. Why:"
        };
        let list = (!reasons.is_empty()).then(|| {
            let items = reasons
                .into_iter()
                .map(|r| view! { <li data-testid="why-empty-reason"><Spanned text=r /></li> })
                .collect_view();
            view! { <ul class="why-empty-reasons">{items}</ul> }
        });
        let jump = jump.map(|(label, go)| {
            view! {
                <button type="button" class="button secondary small" data-testid="jump-to-data"
                    on:click=move |_| go.run(())>{label}</button>
            }
        });
        view! {
            <div class="empty-result" data-testid="empty-result">
                <p class="empty-headline">{headline}</p>
                {list}
                {jump}
            </div>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jumps_into_the_data_from_either_side() {
        let data = (1_000_000, 2_000_000);
        let instant = |time| Params::Instant { time };
        let range = |start, end| Params::Range { start, end, step: 1_000 };
        assert_eq!(jump_target(&instant(2_500_000), data).map(|j| j.1), Some(2_000_000));
        assert_eq!(jump_target(&instant(500_000), data).map(|j| j.1), Some(1_000_000));
        assert_eq!(jump_target(&range(100_000, 400_000), data).map(|j| j.1), Some(1_300_000));
        assert_eq!(jump_target(&range(2_100_000, 2_900_000), data).map(|j| j.1), Some(2_000_000));
        assert_eq!(jump_target(&instant(1_500_000), data), None);
        assert_eq!(jump_target(&range(1_900_000, 2_900_000), data), None);
        let (label, _) = jump_target(&instant(2_500_000), data).expect("a jump");
        assert_eq!(label, "Jump to the end of the data (1970-01-01T00:33:20Z)");
    }
}
