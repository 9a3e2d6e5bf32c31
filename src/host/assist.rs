//! Query assistance in the engine module: the formatter, the linter and the explain tree
//! answering the playground.

use super::Host;
use crate::assist::explain::{explain, ExplainOptions};
use crate::assist::format::format_query;
use crate::assist::library::catalog::{seed_rules, SEED_RECORDING_RULES};
use crate::assist::lint::{lint_query, Finding, LintContext, RecordedRule};
use crate::engine::EngineOptions;
use crate::link::answer;
use crate::link::assist::{AssistRequest, ExplainQuery, FormatQuery, LintQuery};

pub(super) fn handle(host: &mut Host, request: AssistRequest) -> Vec<u8> {
    match request {
        AssistRequest::Format(c) => answer::<FormatQuery>(format_query(&c.query).map_err(|e| e.to_string())),
        AssistRequest::Lint(c) => answer::<LintQuery>(lint(host, &c)),
        AssistRequest::Explain(c) => answer::<ExplainQuery>(explained(host, &c)),
    }
}

fn lint(host: &mut Host, c: &LintQuery) -> Vec<Finding> {
    // Without the dataset the checks that read data stay silent; the others still run.
    let storage = host.storage(&c.dataset, false).ok();
    let meta = host.datasets.meta(&c.dataset).ok();
    let mut ctx = LintContext::new(storage.as_deref(), meta.as_ref(), seed_recorded().to_vec());
    ctx.time = c.time;
    lint_query(&c.query, &ctx)
}

/// The seed's recording rules, read once: the recorded alternatives lint suggests.
fn seed_recorded() -> &'static [RecordedRule] {
    static RULES: std::sync::OnceLock<Vec<RecordedRule>> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        seed_rules(SEED_RECORDING_RULES).map(|f| RecordedRule::from_file(&f)).unwrap_or_default()
    })
}

fn explained(host: &mut Host, c: &ExplainQuery) -> Result<crate::assist::explain::Explanation, String> {
    let storage = host.storage(&c.dataset, c.with_recorded)?;
    let opts = ExplainOptions {
        time: c.time,
        engine: EngineOptions::default(),
        clock: Some(super::rules::clock(host)),
    };
    explain(&c.query, &storage, &opts).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::super::{roundtrip, Host};
    use super::*;
    use crate::content::builtin_dataset;

    fn end() -> i64 {
        builtin_dataset("ml-platform").map(|d| d.meta.end).unwrap_or(0)
    }

    #[test]
    fn format_answers_the_text_or_the_parse_error() {
        let mut host = Host::new();
        let ok = roundtrip(&mut host, FormatQuery { query: "sum(rate(x[5m]))by(job)".into() }).unwrap();
        assert_eq!(ok, Ok("sum by (job) (rate(x[5m]))".to_string()));
        let bad = roundtrip(&mut host, FormatQuery { query: "sum(x".into() }).unwrap();
        assert!(bad.is_err_and(|e| e.contains("unclosed left parenthesis")));
    }

    #[test]
    fn lint_reads_the_dataset() {
        let c = LintQuery {
            dataset: "ml-platform".into(),
            query: "sum(model_predictions_total)".into(),
            time: end(),
        };
        let findings = roundtrip(&mut Host::new(), c).unwrap();
        let checks: Vec<&str> = findings.iter().map(|f| f.check.as_str()).collect();
        assert_eq!(checks, ["promql/counter"]);
        assert!(findings[0].fix.is_some());
    }

    #[test]
    fn explain_crosses_the_wire_with_every_node() {
        let c = ExplainQuery {
            dataset: "ml-platform".into(),
            query: "sum by (model) (rate(model_predictions_total[5m]))".into(),
            time: end(),
            with_recorded: true,
        };
        let e = roundtrip(&mut Host::new(), c).unwrap().unwrap();
        let series: Vec<usize> = e.nodes.iter().map(|n| n.result.as_ref().map_or(0, |r| r.series)).collect();
        assert_eq!(series, [5, 21, 21]);
        let missing =
            ExplainQuery { dataset: "nope".into(), query: "up".into(), time: 0, with_recorded: false };
        assert!(roundtrip(&mut Host::new(), missing).unwrap().is_err());
    }
}
