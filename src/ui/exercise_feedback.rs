//! The feedback panel of the exercise page: the verdict's headline and details (rendered by
//! the engine module), and the chart that overlays the expected result and the learner's.

use std::sync::Arc;

use leptos::prelude::*;

use super::chart::Chart;
use super::exercise_workspace::Checked;

/// Feedback on the latest check.
#[component]
pub fn FeedbackPanel(
    /// The latest check, if any.
    checked: Signal<Option<Arc<Checked>>>,
    /// True while a check runs.
    running: Signal<bool>,
) -> impl IntoView {
    move || {
        checked.get().map(|c| {
            let f = &c.view;
            let items =
                f.items_html.iter().map(|i| view! { <li class="prose" inner_html=i.clone()></li> }).collect_view();
            let chart = c.chart.clone().map(|m| {
                view! {
                    <h3>"Expected vs. your answer"</h3>
                    <p class="muted small">"Dashed lines are the reference answer, solid lines are yours; a series "
                        "both have shares one colour. Hover a line to see its value."</p>
                    <Chart model=m />
                }
            });
            let class = if f.passed { "card feedback good" } else { "card feedback bad" };
            view! {
                <section class=class aria-live="polite" class:stale=move || running.get() data-testid="feedback">
                    <p class="feedback-headline" data-testid="feedback-headline">
                        {if f.passed { "\u{2713} " } else { "\u{2717} " }}{f.headline.clone()}
                    </p>
                    <ul class="feedback-items">{items}</ul>
                    {chart}
                </section>
            }
        })
    }
}
