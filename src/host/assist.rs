//! Query assistance in the engine module: the formatter, the linter and the explain tree
//! answering the playground (the tree also over a remote source's raw samples).

use super::Host;
use crate::assist::explain::{explain, ExplainOptions, Explanation};
use crate::assist::format::format_query;
use crate::assist::library::catalog::{seed_rules, SEED_RECORDING_RULES};
use crate::assist::lint::{lint_query, Finding, LintContext, RecordedRule};
use crate::engine::{EngineOptions, Millis};
use crate::link::answer;
use crate::link::assist::{AssistRequest, ExplainQuery, ExplainRemote, FormatQuery, LintQuery};
use crate::remote::record::storage_of;

pub(super) fn handle(host: &mut Host, request: AssistRequest) -> Vec<u8> {
    match request {
        AssistRequest::Format(c) => answer::<FormatQuery>(format_query(&c.query).map_err(|e| e.to_string())),
        AssistRequest::Lint(c) => answer::<LintQuery>(lint(host, &c)),
        AssistRequest::Explain(c) => answer::<ExplainQuery>(explained(host, &c)),
        AssistRequest::ExplainRaw(c) => answer::<ExplainRemote>(explained_remote(host, &c)),
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

fn explained(host: &mut Host, c: &ExplainQuery) -> Result<Explanation, String> {
    let storage = host.storage(&c.dataset, c.with_recorded)?;
    explain(&c.query, &storage, &options(host, c.time)).map_err(|e| e.to_string())
}

fn explained_remote(host: &mut Host, c: &ExplainRemote) -> Result<Explanation, String> {
    let storage = storage_of(&super::remote::raw_series(&c.raw, super::remote::MAX_RAW_SAMPLES)?);
    explain(&c.query, &storage, &options(host, c.time)).map_err(|e| e.to_string())
}

fn options(host: &Host, time: Millis) -> ExplainOptions {
    ExplainOptions { time, engine: EngineOptions::default(), clock: Some(super::clock(host)) }
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

    #[test]
    fn explain_reads_a_remote_sources_raw_samples() {
        use crate::link::remote::Fetched;
        // The raw samples of `x[6m]` at t=600 as Prometheus answers them: two series.
        let body = r#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"__name__":"x","job":"a"},"values":[[300,"1"],[600,"7"]]},
            {"metric":{"__name__":"x","job":"b"},"values":[[600,"2"]]}]}}"#;
        let raw = vec![Fetched { url: "http://p/api/v1/query".into(), status: 200, body: body.into() }];
        let c = ExplainRemote { query: "sum(x)".into(), time: 600_000, raw };
        let e = roundtrip(&mut Host::new(), c).unwrap().unwrap();
        let series: Vec<usize> = e.nodes.iter().map(|n| n.result.as_ref().map_or(0, |r| r.series)).collect();
        assert_eq!(series, [1, 2]);
        let refused = Fetched { url: "http://p/api/v1/query".into(), status: 200, body: "<html>".into() };
        let c = ExplainRemote { query: "sum(x)".into(), time: 600_000, raw: vec![refused] };
        assert!(roundtrip(&mut Host::new(), c).unwrap().is_err());
    }
}
