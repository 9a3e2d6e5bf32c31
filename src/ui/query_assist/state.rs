//! The assistance state of one query editor: the findings of the last lint, the last
//! explain tree and which of its nodes is shown, and the calls that fill them.

use leptos::prelude::*;

use crate::assist::explain::Explanation;
use crate::assist::lint::{Finding, Fix};
use crate::engine::Millis;
use crate::link::assist::{ExplainQuery, ExplainRemote, FormatQuery, LintQuery};
use crate::link::exercises::ExplainExercise;
use crate::link::query::QueryTime;
use crate::link::remote::PlanCompare;
use crate::remote::Source;

use super::super::engine_link;
use super::super::highlight::Mark;
use super::{fixed, marks};

/// Findings and the query they were made for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Linted {
    pub query: String,
    pub findings: Vec<Finding>,
}

/// Where the query runs: the dataset (or remote source) and the instant lint and explain
/// look at.
#[derive(Clone, Debug, PartialEq)]
pub struct Context {
    pub dataset: String,
    pub time: Millis,
    /// A remote source: explain reads its raw samples, and there is no lint.
    pub source: Option<Source>,
}

/// The assistance state (signals, so it is `Copy` into closures).
#[derive(Clone, Copy)]
pub struct AssistState {
    pub query: RwSignal<String>,
    pub linted: RwSignal<Linted>,
    /// The explain tree of the last run (or why there is none).
    pub explanation: RwSignal<Option<Result<Explanation, String>>>,
    /// Whether the explain panel is open (it is computed only then).
    pub open: RwSignal<bool>,
    /// The node whose result the result panel shows (None: the whole query).
    pub selected: RwSignal<Option<usize>>,
    /// A message from the last Format (why it could not format).
    pub status: RwSignal<Option<String>>,
    context: RwSignal<Option<Context>>,
    /// The exercise whose data the query runs on (its recorded series), if any.
    exercise: StoredValue<Option<String>>,
    /// The newest lint and explain requests (a later run supersedes an earlier one's reply).
    lints: engine_link::Latest,
    explains: engine_link::Latest,
}

impl AssistState {
    pub fn new(query: RwSignal<String>) -> Self {
        AssistState {
            query,
            linted: RwSignal::new(Linted::default()),
            explanation: RwSignal::new(None),
            open: RwSignal::new(false),
            selected: RwSignal::new(None),
            status: RwSignal::new(None),
            context: RwSignal::new(None),
            exercise: StoredValue::new(None),
            lints: engine_link::Latest::new(),
            explains: engine_link::Latest::new(),
        }
    }

    /// The state of an exercise's editor: explain reads the exercise's data.
    pub fn for_exercise(query: RwSignal<String>, id: String) -> Self {
        let state = Self::new(query);
        state.exercise.set_value(Some(id));
        state
    }

    /// After a run of the query: lint it and, with the panel open, explain it, on `dataset`
    /// at `time`.
    pub fn refresh(self, dataset: &str, time: Millis) {
        self.context.set(Some(Context { dataset: dataset.to_string(), time, source: None }));
        self.selected.set(None);
        self.lint();
        self.explain();
    }

    /// After a run on the remote `source` at `time`: explain it on the server's raw samples.
    /// The lint reads the local dataset (its series, types and recording rules), so its
    /// findings would speak of data the server may not have: none are shown.
    pub fn refresh_remote(self, source: Source, time: Millis) {
        self.context.set(Some(Context { dataset: String::new(), time, source: Some(source) }));
        self.selected.set(None);
        self.lints.next();
        self.linted.set(Linted { query: self.query.get_untracked(), findings: Vec::new() });
        self.explain();
    }

    /// The base address of the remote source the last run was on, if it was.
    pub fn remote_source(self) -> Option<String> {
        self.context.with_untracked(|c| c.as_ref().and_then(|c| c.source.as_ref()).map(|s| s.base().to_string()))
    }

    /// Lints the query in the editor.
    pub fn lint(self) {
        // A reply may land after the page is gone: then there is nothing to lint.
        let Some(ctx) = self.context.try_get_untracked().flatten().filter(|c| c.source.is_none()) else { return };
        let query = self.query.get_untracked();
        // An empty editor is a query not yet written, not a syntax error to flag in red.
        if query.trim().is_empty() {
            self.lints.next();
            self.linted.set(Linted { query, findings: Vec::new() });
            return;
        }
        let message = LintQuery { dataset: ctx.dataset, query: query.clone(), time: ctx.time };
        self.lints.send(message, move |reply| {
            // A link failure leaves the list empty: the result panel already says why.
            self.linted.set(Linted { query, findings: reply.unwrap_or_default() });
        });
    }

    /// Explains the query in the editor, when the panel is open.
    pub fn explain(self) {
        if self.open.try_get_untracked() != Some(true) {
            return;
        }
        let Some(ctx) = self.context.try_get_untracked().flatten() else { return };
        let query = self.query.get_untracked();
        let show = move |reply: Result<Result<Explanation, String>, String>| {
            self.explanation.set(Some(reply.and_then(|r| r)));
        };
        if let Some(source) = ctx.source {
            let Some(generation) = self.explains.next() else { return };
            leptos::task::spawn_local(async move {
                let explained = explain_remote(&source, query, ctx.time).await;
                if self.explains.is_current(generation) {
                    self.explanation.set(Some(explained));
                }
            });
            return;
        }
        match self.exercise.try_get_value().flatten() {
            Some(id) => {
                let message = ExplainExercise { id, dataset: ctx.dataset, query, time: ctx.time };
                self.explains.send(message, show);
            }
            None => {
                let message = ExplainQuery { dataset: ctx.dataset, query, time: ctx.time, with_recorded: true };
                self.explains.send(message, show);
            }
        }
    }

    /// Formats the query in the editor; a query that does not parse stays as typed, and the
    /// reason shows.
    pub fn format(self) {
        let query = self.query.get_untracked();
        leptos::task::spawn_local(async move {
            match engine_link::ask(FormatQuery { query: query.clone() }).await.and_then(|r| r) {
                // Typing meanwhile wins over the formatted text.
                Ok(_) if self.query.get_untracked() != query => {}
                Ok(text) => {
                    self.status.set(None);
                    if text != query {
                        self.query.set(text);
                        self.lint();
                    }
                }
                Err(e) => self.status.set(Some(format!("Cannot format: {e}"))),
            }
        });
    }

    /// Applies a finding's fix to the query (when it is still the linted one); true if the
    /// query changed.
    pub fn apply(self, fix: &Fix) -> bool {
        let linted = self.linted.get_untracked().query;
        match fixed(&linted, &self.query.get_untracked(), fix) {
            Some(text) => {
                self.query.set(text);
                true
            }
            None => false,
        }
    }

    /// The squiggles for the editor.
    pub fn marks(self) -> Signal<Vec<Mark>> {
        Signal::derive(move || {
            let current = self.query.get();
            self.linted.with(|l| marks(&l.query, &current, &l.findings))
        })
    }
}

/// The explain tree of `query` at `time` on the raw samples it reads from `source` (fetched
/// as "Compare with the local engine" fetches them).
async fn explain_remote(source: &Source, query: String, time: Millis) -> Result<Explanation, String> {
    let plan = engine_link::ask(PlanCompare { query: query.clone(), time: QueryTime::Instant { time } }).await??;
    let raw = super::super::remote::fetch_raw(source, plan).await?;
    engine_link::ask(ExplainRemote { query, time, raw }).await?
}
