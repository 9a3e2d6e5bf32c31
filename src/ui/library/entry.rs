//! One query of the library: its text and "Open in playground", what each part does, the
//! seed's note, the lint findings with their fixes, and its cost next to the recorded
//! series that replaces it (filled in once the engine module measured them).

use leptos::prelude::*;

use crate::assist::library::render::{cells, ratio};
use crate::assist::library::{Entry, QueryCost};

use super::super::browser::base;
use super::super::format::code_spans;
use super::super::paths::playground_link;
use super::page::Costs;
use super::severity_class;

/// One query's card.
#[component]
pub fn EntryCard(
    /// The library entry.
    entry: Entry,
    /// The dataset the library was measured on (the playground opens on it).
    dataset: String,
    /// Costs measured so far, by query text.
    costs: Costs,
) -> impl IntoView {
    let open = playground_link(&base(), &entry.query, false, Some(&dataset));
    let raw = entry.query.clone();
    let recorded = entry.recorded.clone();
    let cost_of = move |q: &str| costs.with(|c| c.get(q).cloned());
    let raw_q = raw.clone();
    let rec_q = recorded.clone();
    let tables = move || {
        let raw_cost = cost_of(&raw_q);
        let rec_cost = rec_q.as_deref().and_then(cost_of);
        let ratio_line = match (&raw_cost, &rec_cost) {
            (Some(a), Some(b)) if b.range.samples > 0 => Some(format!(
                "The recorded series reads {} fewer samples over the range ({} raw / {} recorded).",
                ratio(a.range.samples as f64 / b.range.samples as f64),
                a.range.samples,
                b.range.samples
            )),
            _ => None,
        };
        view! {
            <div class="library-costs">
                <CostTable title="This query".to_string() cost=raw_cost testid="raw-cost" />
                {rec_q.clone().map(|r| {
                    let href = playground_link(&base(), &r, false, None);
                    view! {
                        <CostTable title=format!("Recorded: {r}") cost=rec_cost.clone() testid="recorded-cost" />
                        <p class="library-recorded-link small"><a href=href>{format!("Open {r} in playground")}</a></p>
                    }
                })}
            </div>
            {ratio_line.map(|l| view! { <p class="library-ratio" data-testid="samples-ratio">{l}</p> })}
        }
    };
    let explanation = entry
        .explanation
        .iter()
        .map(|n| {
            view! {
                <li class="explain-item" style=format!("--depth: {}", n.depth)>
                    <span class="explain-kind">{n.kind.clone()}</span>
                    " "
                    <code class="explain-text">{n.text.clone()}</code>
                    <p class="explain-sentence">{with_code(&n.sentence)}</p>
                </li>
            }
        })
        .collect_view();
    let lint = entry
        .lint
        .iter()
        .map(|f| {
            view! {
                <li class=format!("lint-finding {}", severity_class(&f.severity))>
                    <span class="lint-severity">{f.severity.clone()}</span>
                    <span class="lint-check">{f.check.clone()}</span>
                    <span class="lint-message">{with_code(&f.message)}</span>
                    {f.fixed.clone().map(|q| {
                        let title = f.fix_title.clone().unwrap_or_else(|| "Fix".into());
                        view! { <span class="lint-message">{format!("Fix ({title}): ")}<code>{q}</code></span> }
                    })}
                </li>
            }
        })
        .collect_view();
    let class = if entry.anti_pattern { "library-entry anti-pattern" } else { "library-entry" };
    view! {
        <article class=class data-testid="library-entry" data-query=raw.clone()>
            <div class="library-entry-head">
                <h4>{format!("{}. {}", entry.id + 1, entry.title)}</h4>
                {entry.anti_pattern.then(|| view! { <span class="badge bad">"Anti-pattern"</span> })}
                <a class="button secondary small" href=open data-testid="open-in-playground">"Open in playground"</a>
            </div>
            <pre class="library-query mono">{raw.clone()}</pre>
            <details class="library-explain">
                <summary>"What it does"</summary>
                <ul class="explain-tree">{explanation}</ul>
            </details>
            {tables}
            {entry.note.clone().map(|n| view! { <p class="library-note"><strong>"Seed's note: "</strong>{n}</p> })}
            {(!entry.lint.is_empty()).then(|| view! { <ul class="lint-list">{lint}</ul> })}
            {entry.correct.clone().map(|c| view! {
                <p class="library-correct"><strong>"The seed's correction: "</strong><code>{c}</code></p>
            })}
        </article>
    }
}

/// Text with its Markdown code spans (names in backticks) shown as code, never as HTML.
fn with_code(text: &str) -> impl IntoView {
    code_spans(text)
        .into_iter()
        .map(|(code, part)| {
            if code {
                view! { <code>{part.to_string()}</code> }.into_any()
            } else {
                part.to_string().into_any()
            }
        })
        .collect_view()
}

/// Series, samples and time of a query, instant and range (dashes until measured).
#[component]
fn CostTable(title: String, cost: Option<QueryCost>, testid: &'static str) -> impl IntoView {
    let row = |kind: &'static str, c: Option<&crate::rules::cost::Cost>| {
        let [series, samples, time] = c.map(cells).unwrap_or_else(|| ["\u{2026}".into(), "\u{2026}".into(), "\u{2026}".into()]);
        view! {
            <tr>
                <th scope="row">{kind}</th>
                <td class="num" data-testid=format!("{kind}-series")>{series}</td>
                <td class="num" data-testid=format!("{kind}-samples")>{samples}</td>
                <td class="num">{time}</td>
            </tr>
        }
    };
    view! {
        <table class="library-cost" data-testid=testid>
            <caption>{title}</caption>
            <thead><tr><th></th><th>"series"</th><th>"samples read"</th><th>"time"</th></tr></thead>
            <tbody>
                {row("instant", cost.as_ref().map(|c| &c.instant))}
                {row("range", cost.as_ref().map(|c| &c.range))}
            </tbody>
        </table>
    }
}
