//! The Tests tab: a promtool unit-test file for the lab's rules (bonus 6), run in the browser
//! as `promtool test rules` 2.42 runs it, with the report (failures as a diff).

use leptos::prelude::*;

use crate::link::alerts::{RuleTexts, RunAlertTests, TestsReport};
use crate::rules::Diagnostic;

use super::super::browser;
use super::super::engine_link;
use super::super::rules_lab::rule_editor::RuleEditor;
use super::SEED_TESTS;

/// Local-storage key of the learner's test file.
const STORE_KEY: &str = "promql-playground-alerts-lab-tests";

/// The tab: the test file's editor, the Run button and the report.
#[component]
pub fn TestsTab(
    /// The lab's rule files, as the editors hold them.
    rules: Signal<RuleTexts>,
) -> impl IntoView {
    let text = RwSignal::new(browser::stored(STORE_KEY).unwrap_or_else(|| SEED_TESTS.to_string()));
    let report: RwSignal<Option<Result<TestsReport, String>>> = RwSignal::new(None);
    let no_diagnostics = Signal::derive(Vec::<Diagnostic>::new);
    Effect::new(move |previous: Option<String>| {
        let t = text.get();
        if previous.is_some_and(|p| p != t) {
            browser::store(STORE_KEY, &t);
        }
        t
    });
    let runs = engine_link::Latest::new();
    let run = move |_| {
        let message = RunAlertTests { rules: rules.get_untracked(), tests: text.get_untracked() };
        runs.send(message, move |r| report.set(Some(r.and_then(|r| r))));
    };
    let outcome = move || {
        report.get().map(|r| match r {
            Ok(r) => {
                let headline = if r.passed {
                    format!("\u{2713} All {} checks passed.", r.checks)
                } else {
                    format!("\u{2717} {} of {} checks passed.", r.checks_passed, r.checks)
                };
                view! {
                    <p class="check-status" class:good=r.passed class:bad=!r.passed data-testid="tests-status">{headline}</p>
                    <pre class="tests-report" data-testid="tests-report">{r.text}</pre>
                }
                .into_any()
            }
            Err(e) => view! { <p class="error-box" role="alert">{e}</p> }.into_any(),
        })
    };
    view! {
        <p class="lab-intro">
            "A test file in " <code>"promtool test rules"</code> " format: input series in series notation, the alerts "
            "expected to be firing at given times (with their labels and annotations), PromQL results. It runs against the "
            "two rule editors (a " <code>"rule_files"</code> " entry naming " <code>"record…"</code> " or "
            <code>"alert…"</code> " picks that file, any other both), the way promtool 2.42 runs it; "
            <code>"promplay test rules"</code> " runs the same files from the command line."
        </p>
        <RuleEditor value=text diagnostics=no_diagnostics file_name="tests.yml" />
        <div class="lab-actions">
            <button type="button" class="button primary" data-testid="run-tests" on:click=run>"Run tests"</button>
            <button type="button" class="button secondary" on:click=move |_| text.set(SEED_TESTS.to_string())
                disabled=move || text.with(|t| t == SEED_TESTS)>"Reset to the example"</button>
        </div>
        {outcome}
    }
}
