//! The explorer's tables: the four TSDB-status lists with a bar per row and a link to the
//! query that shows each row, and the result of a `by (...)` grouping.

use leptos::prelude::*;

use crate::cardinality::{Grouping, Stat};
use crate::ui::format::thousands;


/// Which list a table shows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Metrics,
    LabelValues,
    Memory,
    Pairs,
}

impl Table {
    fn title(self) -> &'static str {
        match self {
            Table::Metrics => "Top metrics by series",
            Table::LabelValues => "Labels by distinct values",
            Table::Memory => "Labels by memory used",
            Table::Pairs => "Label pairs by series",
        }
    }

    fn field(self) -> &'static str {
        match self {
            Table::Metrics => "seriesCountByMetricName",
            Table::LabelValues => "labelValueCountByLabelName",
            Table::Memory => "memoryInBytesByLabelName",
            Table::Pairs => "seriesCountByLabelValuePair",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Table::Metrics | Table::Pairs => "series",
            Table::LabelValues => "values",
            Table::Memory => "bytes",
        }
    }
}

/// One TSDB-status list.
#[component]
pub fn StatTable(
    table: Table,
    rows: Vec<Stat>,
    /// The playground link of a query (on the page's dataset or source).
    link: impl Fn(String) -> String + 'static,
    /// The PromQL that shows a row, from the row's name.
    query: impl Fn(&str) -> String + 'static,
) -> impl IntoView {
    let max = rows.iter().map(|r| r.value).max().unwrap_or(1).max(1);
    let body = rows
        .into_iter()
        .map(|r| {
            let q = query(&r.name);
            let href = link(q.clone());
            let width = format!("width: {:.1}%", r.value as f64 / max as f64 * 100.0);
            view! {
                <tr>
                    <td class="stat-name"><a class="mono" href=href title=format!("Open {q} in the playground")>{r.name.clone()}</a></td>
                    <td class="num stat-value">{thousands(r.value)}<span class="stat-bar" style=width></span></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card stat-table" data-testid=format!("table-{}", table.field())>
            <h2 class="card-title">{table.title()}</h2>
            <p class="muted small mono">{table.field()}</p>
            <table class="data-table">
                <thead><tr><th>"name"</th><th class="num">{table.unit()}</th></tr></thead>
                <tbody>{body}</tbody>
            </table>
        </section>
    }
}

/// What a `by (...)` grouping would produce.
#[component]
pub fn GroupingTable(grouping: Grouping, query: String, href: String) -> impl IntoView {
    let rows = grouping
        .largest
        .iter()
        .map(|g| view! { <tr><td class="mono">{g.name.clone()}</td><td class="num">{thousands(g.value)}</td></tr> })
        .collect_view();
    view! {
        <div class="grouping" data-testid="grouping">
            <p>
                <strong data-testid="grouping-count">{thousands(grouping.groups)}</strong>
                {format!(" series after grouping by ({}): ", grouping.by.join(", "))}
                <a class="mono" href=href>{query}</a>
            </p>
            <table class="data-table">
                <thead><tr><th>"largest groups"</th><th class="num">"series"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
