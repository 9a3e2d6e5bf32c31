//! A rule's timeline: a chart of its condition with the threshold above one row per alert
//! (pending in amber, firing in red) on one time axis; moving the pointer over it (or
//! picking a firing) shows the state, `$value` and rendered annotations of the rule's alerts
//! at that evaluation. Also the pending/firing counts of all rules over time.

use leptos::ev::MouseEvent;
use leptos::html::Div;
use leptos::prelude::*;

use crate::assist::units::Unit;
use crate::engine::Millis;
use crate::link::alerts::{AlertRuleView, AlertsAt, Counts, HoverView};
use crate::rules::alert_timeline::AlertState;

use super::super::chart_model::css_color;
use super::super::engine_link;
use super::super::format;
use super::super::theme::is_dark;
use super::geometry::{
    bars, distinguishing, evaluation_at, path, short_time, TimeScale, ValueScale, CHART_HEIGHT, LEFT, RIGHT, WIDTH,
};

/// Height of one alert row (label line and bar).
const ROW: f64 = 26.0;
/// Where the rows start, below the chart and its time axis.
const ROWS_TOP: f64 = CHART_HEIGHT + 26.0;

/// The instant a timeline shows details of (an evaluation time), shared with its rule's
/// firings table.
pub type Cursor = RwSignal<Option<Millis>>;

/// One rule's chart and alert rows with the hover details below.
#[component]
pub fn Timeline(
    /// The rule's position among the report's alerting rules.
    rule: usize,
    view: Signal<AlertRuleView>,
    start: Millis,
    end: Millis,
    cursor: Cursor,
) -> impl IntoView {
    let scale = TimeScale { start, end };
    let area = NodeRef::<Div>::new();
    let hover: RwSignal<Option<Result<HoverView, String>>> = RwSignal::new(None);

    // Details of the evaluation under the cursor, asked of the engine module when the cursor
    // moves to another evaluation, or a what-if edit replaces the rule's timeline.
    let asked = engine_link::Latest::new();
    Effect::new(move |_| {
        view.track();
        match cursor.get() {
            Some(t) => asked.send(AlertsAt { rule, t }, move |r| hover.set(Some(r.and_then(|r| r)))),
            None => {
                // A reply still on its way is for a cursor that has left.
                asked.next();
                hover.set(None);
            }
        }
    });

    let on_move = move |ev: MouseEvent| {
        let Some(el) = area.get() else { return };
        let rect = el.get_bounding_client_rect();
        if rect.width() <= 0.0 {
            return;
        }
        let x = (f64::from(ev.client_x()) - rect.left()) / rect.width() * WIDTH;
        if !(LEFT..=WIDTH - RIGHT).contains(&x) {
            return;
        }
        let interval = view.with_untracked(|v| v.interval);
        let t = evaluation_at(scale.t(x), start, interval);
        if cursor.get_untracked() != Some(t) {
            cursor.set(Some(t));
        }
    };

    let dark = is_dark();
    let drawing = move || {
        let v = view.get();
        let rows = v.instances.len();
        let height = ROWS_TOP + ROW * rows as f64 + 6.0;
        let chart = chart_layer(&v, &scale, dark.get());
        let axis = scale
            .ticks()
            .into_iter()
            .map(|(x, label)| {
                view! {
                    <line class="tl-grid" x1=x x2=x y1="0" y2=height - 4.0 />
                    <text class="tl-tick" x=x y=CHART_HEIGHT + 14.0 text-anchor="middle">{label}</text>
                }
            })
            .collect_view();
        let row_views = v
            .instances
            .iter()
            .enumerate()
            .map(|(i, inst)| {
                let y = ROWS_TOP + ROW * i as f64;
                let label = distinguishing(&inst.labels, &v.instances);
                let spans = bars(&inst.spans, &scale)
                    .into_iter()
                    .zip(&inst.spans)
                    .map(|(b, s)| {
                        let pending = b.pending.map(|(x0, x1)| {
                            view! {
                                <rect class="tl-pending" class:cancelled=b.cancelled x=x0 y=y + 13.0 width=(x1 - x0).max(1.0) height="9"
                                    data-testid="span-pending" data-start=short_time(s.active_at) />
                            }
                        });
                        let firing = b.firing.map(|(x0, x1)| {
                            let until = s.end.map_or_else(|| "end".to_string(), |(t, _)| short_time(t));
                            view! {
                                <rect class="tl-firing" x=x0 y=y + 13.0 width=(x1 - x0).max(1.0) height="9"
                                    data-testid="span-firing" data-start=s.fired_at.map(short_time).unwrap_or_default() data-end=until />
                            }
                        });
                        view! { {pending}{firing} }
                    })
                    .collect_view();
                view! {
                    <g class="tl-row" data-testid="alert-row">
                        <text class="tl-label" x=LEFT y=y + 10.0>{label}</text>
                        <line class="tl-track" x1=LEFT x2=WIDTH - RIGHT y1=y + 17.5 y2=y + 17.5 />
                        {spans}
                    </g>
                }
            })
            .collect_view();
        let cursor_line = move || {
            cursor.get().filter(|t| (start..=end).contains(t)).map(|t| {
                let x = scale.x(t);
                view! { <line class="tl-cursor" x1=x x2=x y1="0" y2=height - 4.0 /> }
            })
        };
        view! {
            <svg viewBox=format!("0 0 {WIDTH} {height}") class="tl-svg" role="img"
                aria-label=format!("Timeline of {}: its condition and its alerts", v.name)>
                {axis}
                {chart}
                {row_views}
                {cursor_line}
            </svg>
        }
    };

    view! {
        <div class="tl-scroll">
            <div class="tl-area" node_ref=area data-testid="alert-timeline" on:mousemove=on_move>
                {drawing}
            </div>
        </div>
        <HoverPanel hover=hover instances=Signal::derive(move || view.with(|v| v.instances.clone())) />
    }
}

/// The chart of the condition (its series, the threshold) in the top band.
fn chart_layer(v: &AlertRuleView, scale: &TimeScale, dark: bool) -> impl IntoView {
    let Some(c) = v.chart.clone() else {
        return view! { <text class="tl-empty" x=LEFT + 8.0 y=CHART_HEIGHT / 2.0>"The expression returns nothing to draw."</text> }.into_any();
    };
    let threshold = v.threshold.as_ref().map(|(_, t)| *t);
    let values = ValueScale::new(&c.series, threshold);
    let lines = c
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let title = format::labels(&s.labels);
            view! { <path class="tl-line" d=path(s, c.step, scale, &values) stroke=css_color(i, dark) vector-effect="non-scaling-stroke"><title>{title}</title></path> }
        })
        .collect_view();
    let threshold_line = v.threshold.clone().map(|(op, t)| {
        let y = values.y(t);
        view! {
            <line class="tl-threshold" x1=LEFT x2=WIDTH - RIGHT y1=y y2=y vector-effect="non-scaling-stroke" data-testid="threshold-line" />
            <text class="tl-threshold-label" x=WIDTH - RIGHT - 4.0 y=y - 4.0 text-anchor="end">{format!("{op} {}", format::sample_value(t))}</text>
        }
    });
    view! {
        <text class="tl-axis" x=LEFT - 6.0 y="10" text-anchor="end">{format::in_unit(values.max, Unit::None, 2)}</text>
        <text class="tl-axis" x=LEFT - 6.0 y=CHART_HEIGHT - 4.0 text-anchor="end">{format::in_unit(values.min, Unit::None, 2)}</text>
        <line class="tl-baseline" x1=LEFT x2=WIDTH - RIGHT y1=CHART_HEIGHT y2=CHART_HEIGHT />
        {lines}
        {threshold_line}
    }
    .into_any()
}

/// State, `$value` and annotations of the rule's alerts at the chosen evaluation.
#[component]
fn HoverPanel(
    hover: RwSignal<Option<Result<HoverView, String>>>,
    instances: Signal<Vec<crate::link::alerts::InstanceView>>,
) -> impl IntoView {
    move || match hover.get() {
        None => view! { <p class="hover-hint muted small">"Point at the timeline (or pick a firing below) to see the alerts at that evaluation: their state, $value and annotations."</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error-box">{e}</p> }.into_any(),
        Some(Ok(h)) => {
            let all = instances.get();
            let header = format!("At the evaluation of {}", format_instant_short(h.eval_time));
            let body = if h.alerts.is_empty() {
                view! { <p class="muted small" data-testid="hover-none">"No alert pending or firing."</p> }.into_any()
            } else {
                h.alerts
                    .into_iter()
                    .map(|a| {
                        let state = a.state.as_str();
                        let annotations = a
                            .annotations
                            .into_iter()
                            .map(|(k, v)| view! { <dt>{k}</dt><dd data-testid="hover-annotation">{v}</dd> })
                            .collect_view();
                        view! {
                            <div class="hover-alert" data-testid="hover-alert" data-state=state>
                                <div class="hover-alert-head">
                                    <span class=format!("state-badge {state}")>{state}</span>
                                    <code>{distinguishing(&a.labels, &all)}</code>
                                </div>
                                <p class="small">
                                    "$value = " <strong data-testid="hover-value">{format::sample_value(a.value)}</strong>
                                    {format!(" \u{b7} active since {}", format_instant_short(a.active_at))}
                                    {(a.state == AlertState::Pending).then_some(" \u{b7} waiting for `for`")}
                                </p>
                                <dl class="hover-annotations">{annotations}</dl>
                            </div>
                        }
                    })
                    .collect_view()
                    .into_any()
            };
            view! {
                <div class="hover-panel" data-testid="hover-panel">
                    <p class="hover-time" data-testid="hover-time">{header}</p>
                    {body}
                </div>
            }
            .into_any()
        }
    }
}

/// `Tue 09:07:30` (seconds only when there are any).
pub fn format_instant_short(t: Millis) -> String {
    let full = crate::content::time::format_instant(t);
    let seconds = full.get(17..19).unwrap_or("00");
    if seconds == "00" {
        short_time(t)
    } else {
        format!("{}:{seconds}", short_time(t))
    }
}

/// How many alerts were pending and firing over time, all rules together.
#[component]
pub fn CountsChart(counts: Counts, end: Millis) -> impl IntoView {
    let scale = TimeScale { start: counts.start, end };
    let height = 90.0;
    let max = counts.pending.iter().zip(&counts.firing).map(|(p, f)| p + f).max().unwrap_or(0).max(1);
    let y = move |n: u32| height - 16.0 - f64::from(n) / f64::from(max) * (height - 26.0);
    let area = |values: Vec<u32>| {
        let mut d = format!("M{:.1} {:.1}", scale.x(counts.start), y(0));
        for (i, n) in values.iter().enumerate() {
            let t0 = counts.start + i as Millis * counts.step;
            d.push_str(&format!(" L{:.1} {:.1} L{:.1} {:.1}", scale.x(t0), y(*n), scale.x(t0 + counts.step), y(*n)));
        }
        d.push_str(&format!(" L{:.1} {:.1} Z", scale.x(end), y(0)));
        d
    };
    let stacked: Vec<u32> = counts.pending.iter().zip(&counts.firing).map(|(p, f)| p + f).collect();
    let peak = counts.firing.iter().copied().max().unwrap_or(0);
    let ticks = scale
        .ticks()
        .into_iter()
        .map(|(x, label)| view! { <text class="tl-tick" x=x y=height - 2.0 text-anchor="middle">{label}</text> })
        .collect_view();
    view! {
        <figure class="counts-chart" data-testid="alert-counts" data-peak-firing=peak>
            <div class="tl-scroll">
                <svg viewBox=format!("0 0 {WIDTH} {height}") class="tl-svg" role="img" aria-label="Pending and firing alerts over time">
                    <path class="count-pending" d=area(stacked) />
                    <path class="count-firing" d=area(counts.firing.clone()) />
                    <text class="tl-axis" x=LEFT - 6.0 y="12" text-anchor="end">{max}</text>
                    <text class="tl-axis" x=LEFT - 6.0 y=height - 16.0 text-anchor="end">"0"</text>
                    {ticks}
                </svg>
            </div>
            <figcaption class="bar-legend">
                <span><span class="swatch firing"></span>"firing"</span>
                <span><span class="swatch pending"></span>"pending"</span>
                <span class="muted">{format!("At most {peak} alerts firing at once.")}</span>
            </figcaption>
        </figure>
    }
}
