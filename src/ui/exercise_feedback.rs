//! The feedback panel of the exercise page: the verdict's headline and details (rendered by
//! the engine module), the engine's warnings and infos on the answer and the dataset's notes,
//! and the chart that overlays the expected result and the learner's (also used by the rule
//! exercises).

use std::sync::Arc;

use leptos::prelude::*;

use crate::link::exercises::OverlayChart;

use super::chart::Chart;
use super::chart_model::Model;
use super::exercise_workspace::Checked;
use super::notes::QueryNotes;

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
            let chart = c.chart.clone().map(|m| view! { <OverlayFigure model=m /> });
            let class = if f.passed { "card feedback good" } else { "card feedback bad" };
            view! {
                <section class=class aria-live="polite" class:stale=move || running.get() data-testid="feedback">
                    <p class="feedback-headline" data-testid="feedback-headline">
                        {if f.passed { "\u{2713} " } else { "\u{2717} " }}{f.headline.clone()}
                    </p>
                    <ul class="feedback-items">{items}</ul>
                    <QueryNotes warnings=f.warnings.clone() infos=f.infos.clone() type_notes=f.type_notes.clone() />
                    {chart}
                </section>
            }
        })
    }
}

/// The chart model of an overlay sent by the engine module.
pub fn overlay_model(c: &OverlayChart) -> Arc<Model> {
    let r = c.range;
    Arc::new(Model::overlay(&c.series.expected, &c.series.actual, r.start, r.end, r.step))
}

/// The expected-vs-actual chart with its heading and how to read it.
#[component]
pub fn OverlayFigure(
    model: Arc<Model>,
    /// The heading ("Expected vs. your answer" unless given).
    #[prop(optional)]
    title: Option<String>,
) -> impl IntoView {
    view! {
        <h3>{title.unwrap_or_else(|| "Expected vs. your answer".to_string())}</h3>
        <p class="muted small">"Dashed lines are the reference answer, solid lines are yours; a series "
            "both have shares one colour. Hover a line to see its value."</p>
        <Chart model=model />
    }
}
