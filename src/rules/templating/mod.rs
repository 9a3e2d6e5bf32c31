//! Prometheus's alert templates: the labels and annotations of an alerting rule, expanded
//! for each alert the way Prometheus's rule manager expands them (`rules/alerting.go`,
//! `template/template.go`). The template is named `__alert_<alertname>`, runs with
//! `missingkey=zero`, and starts with the four definitions Prometheus prepends on the same
//! line (`{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL :=
//! .ExternalURL}}{{$value := .Value}}`, 112 bytes), so error columns match Prometheus's.
//!
//! Parse once with [`AlertTemplate::parse`], then [`AlertTemplate::execute`] at every
//! evaluation. [`functions`] holds Prometheus's template functions (`humanize`, `query`, …).

pub mod functions;
mod hostport;
mod querier;

pub use querier::EngineQuerier;

use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use crate::engine::Labels;
use crate::gotemplate::value::{Map, Struct};
use crate::gotemplate::{Host, MissingKey, Options, Registry, Template, Value};

use super::load::Dialect;

/// The definitions Prometheus puts before every alert template.
pub const DEFS: &str =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}";

/// The data an alert label/annotation template sees.
pub struct AlertTemplateData<'a> {
    /// The result sample's labels (incl. `__name__` if the expression kept it).
    pub labels: &'a Labels,
    pub value: f64,
    pub external_labels: &'a Labels,
    pub external_url: &'a str,
}

/// What a template may ask of the evaluation: `query "..."` instant queries at the
/// evaluation time, and optionally the server's external URL and the evaluation time.
pub trait TemplateQuerier {
    /// Runs an instant query at the evaluation time. A scalar result is one sample without
    /// labels (as Prometheus's rule query function returns it); errors are Prometheus's text.
    fn query(&self, expr: &str) -> Result<Vec<(Labels, f64)>, String>;

    /// The parsed `--web.external-url` behind the `externalURL` and `pathPrefix` functions.
    /// `None` is how promtool runs templates: both functions then fail as they do there
    /// (`$externalURL`, from the data, works either way).
    fn external_url(&self) -> Option<&str> {
        None
    }

    /// The evaluation time in milliseconds, for Prometheus 3's `now`.
    fn eval_time_ms(&self) -> Option<i64> {
        None
    }
}

/// A querier for templates that run no queries: `query` fails.
pub struct NoQueries;

impl TemplateQuerier for NoQueries {
    fn query(&self, _: &str) -> Result<Vec<(Labels, f64)>, String> {
        Err("queries are not available here".into())
    }
}

/// A parsed alert template (parse once, execute at every evaluation).
#[derive(Clone, Debug)]
pub struct AlertTemplate {
    /// The template, or `None` when the text has no action at all (it expands to itself).
    template: Option<Template>,
    text: String,
    dialect: Dialect,
}

impl AlertTemplate {
    /// Parses a label or annotation template of the alerting rule `alert_name`, with
    /// Prometheus 3's functions. The error is Go's: `template: __alert_X:1: function "foo"
    /// not defined` (what `promtool check rules` prints after the label name).
    pub fn parse(alert_name: &str, text: &str) -> Result<AlertTemplate, String> {
        AlertTemplate::parse_dialect(alert_name, text, Dialect::Prometheus3)
    }

    /// Like [`AlertTemplate::parse`], with the functions of the given Prometheus version.
    pub fn parse_dialect(alert_name: &str, text: &str, dialect: Dialect) -> Result<AlertTemplate, String> {
        let name = format!("__alert_{alert_name}");
        // Without an opening delimiter the definitions print nothing and the text is the
        // output: skip the template machinery on the hot path.
        if !text.contains("{{") {
            return Ok(AlertTemplate { template: None, text: text.into(), dialect });
        }
        let full = format!("{DEFS}{text}");
        let options = Options { missing_key: MissingKey::Zero, ..Options::default() };
        let template = Template::parse(&name, &full, registry(dialect))?.with_options(options);
        Ok(AlertTemplate { template: Some(template), text: text.into(), dialect })
    }

    /// The template text as written in the rule.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Expands the template for one alert. `Err(message)` is Prometheus's error text
    /// (`error executing template __alert_X: template: …`); the caller renders
    /// `<error expanding template: {message}>`.
    pub fn execute(&self, data: &AlertTemplateData, querier: &dyn TemplateQuerier) -> Result<String, String> {
        match &self.template {
            None => Ok(self.text.clone()),
            Some(_) => self.execute_with(&AlertContext::new(data), querier),
        }
    }

    /// Like [`AlertTemplate::execute`], with the data already converted: an alert's labels
    /// and annotations share one [`AlertContext`].
    pub fn execute_with(
        &self,
        context: &AlertContext,
        querier: &dyn TemplateQuerier,
    ) -> Result<String, String> {
        let Some(template) = &self.template else {
            return Ok(self.text.clone());
        };
        let host = PromHost { querier };
        template
            .execute(&context.0, &host)
            .map_err(|e| format!("error executing template {}: {e}", template.name()))
    }

    /// Which Prometheus the template was parsed for.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }
}

/// Parses and executes in one go (Prometheus 3's functions). A parse error comes back as
/// Prometheus words it at evaluation (`error parsing template __alert_X: …`).
pub fn expand(
    alert_name: &str,
    text: &str,
    data: &AlertTemplateData,
    querier: &dyn TemplateQuerier,
) -> Result<String, String> {
    AlertTemplate::parse(alert_name, text)
        .map_err(|e| format!("error parsing template __alert_{alert_name}: {e}"))?
        .execute(data, querier)
}

/// `<error expanding template: …>`: what Prometheus puts in a label or annotation whose
/// template failed.
pub fn expand_or_error(
    template: &AlertTemplate,
    data: &AlertTemplateData,
    querier: &dyn TemplateQuerier,
) -> String {
    error_text(template.execute(data, querier))
}

/// The text of an expansion, or `<error expanding template: …>` as Prometheus writes it.
pub fn error_text(result: Result<String, String>) -> String {
    result.unwrap_or_else(|e| format!("<error expanding template: {e}>"))
}

/// The registry of a Prometheus version, built once.
pub fn registry(dialect: Dialect) -> Arc<Registry> {
    static P2: OnceLock<Arc<Registry>> = OnceLock::new();
    static P3: OnceLock<Arc<Registry>> = OnceLock::new();
    let cell = match dialect {
        Dialect::Prometheus2 => &P2,
        Dialect::Prometheus3 => &P3,
    };
    cell.get_or_init(|| Arc::new(functions::registry(dialect))).clone()
}

/// Go's name of the anonymous struct `AlertTemplateData` returns (Prometheus 2.42; in 3.x
/// `Value` is `interface {}` holding the float64, which reads the same).
const DATA_TYPE: &str =
    "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }";

/// A label set as a `map[string]string` (label sets are sorted already).
pub(crate) fn labels_value(labels: &Labels) -> Value {
    let entries = labels.iter().map(|(k, v)| (Rc::from(k), Value::str(v))).collect();
    Value::Map(Rc::new(Map::from_sorted("map[string]string", Value::str(""), entries)))
}

/// One alert's template data, converted once for all its labels and annotations.
pub struct AlertContext(Value);

impl AlertContext {
    pub fn new(d: &AlertTemplateData) -> AlertContext {
        AlertContext(Value::Struct(Rc::new(Struct {
            type_name: DATA_TYPE,
            pointer: false,
            fields: vec![
                ("Labels", labels_value(d.labels)),
                ("ExternalLabels", labels_value(d.external_labels)),
                ("ExternalURL", Value::str(d.external_url)),
                ("Value", Value::Float(d.value)),
            ],
        })))
    }
}

/// Answers the host functions (`query`, `externalURL`, `pathPrefix`, `now`).
struct PromHost<'a> {
    querier: &'a dyn TemplateQuerier,
}

/// What Go says when a function dereferences the nil `*url.URL` promtool passes.
pub const NIL_POINTER: &str = "runtime error: invalid memory address or nil pointer dereference";

impl Host for PromHost<'_> {
    fn call(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        match name {
            "query" => {
                let expr = args.first().and_then(Value::as_str).unwrap_or("");
                let samples = self.querier.query(expr)?;
                Ok(functions::query_result(samples.iter().map(|(l, v)| (l, *v))))
            }
            "externalURL" => {
                self.querier.external_url().map(Value::str).ok_or_else(|| NIL_POINTER.to_string())
            }
            "pathPrefix" => {
                let url = self.querier.external_url().ok_or_else(|| NIL_POINTER.to_string())?;
                Ok(Value::str(url_path(url)))
            }
            "now" => {
                let ms = self.querier.eval_time_ms().ok_or("the evaluation time is not known here")?;
                Ok(Value::Float(ms as f64 / 1000.0))
            }
            other => Err(format!("{other} is not available here")),
        }
    }
}

/// The path of a URL (`url.URL.Path`): after the authority, before `?` or `#`.
fn url_path(url: &str) -> &str {
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => return url.split(['?', '#']).next().unwrap_or(""),
    };
    match rest.find('/') {
        Some(i) => rest[i..].split(['?', '#']).next().unwrap_or(""),
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `promtool check rules` says about a template (it parses, it does not run).
    #[test]
    fn parse_verdicts() {
        let cases: &[(&str, Option<&str>)] = &[
            ("plain text", None),
            ("{{ $labels.model }} at {{ $value | humanizePercentage }}", None),
            ("{{ if gt $value 0.5 }}high{{ else }}low{{ end }}", None),
            ("{{ range $i, $e := .Labels }}{{ $i }}{{ end }}", None),
            ("{{/* a comment */}}ok", None),
            ("{{- $value -}}", None),
            ("{{ $x := 1 }}{{ $x }}", None),
            (
                "{{ $labels.x | humanizeFoo }}",
                Some("template: __alert_A:1: function \"humanizeFoo\" not defined"),
            ),
            ("{{ $nope }}", Some("template: __alert_A:1: undefined variable \"$nope\"")),
            ("{{ if .Labels }}", Some("template: __alert_A:1: unexpected EOF")),
            ("a\n{{ end }}", Some("template: __alert_A:2: unexpected {{end}}")),
            ("{{ $value ", Some("template: __alert_A:1: unclosed action")),
            ("{{ }}", Some("template: __alert_A:1: missing value for command")),
            ("{{ if $x := 1 }}{{ end }}{{ $x }}", Some("template: __alert_A:1: undefined variable \"$x\"")),
            ("{{ toDuration 1 }}", Some("template: __alert_A:1: function \"toDuration\" not defined")),
        ];
        for (text, want) in cases {
            let got = AlertTemplate::parse_dialect("A", text, Dialect::Prometheus2).err();
            assert_eq!(got.as_deref(), *want, "{text}");
        }
        assert!(AlertTemplate::parse("A", "{{ toDuration 1 }}").is_ok(), "Prometheus 3 has toDuration");
    }

    #[test]
    fn executes_with_prometheus_data() {
        let labels = Labels::from_pairs([("__name__", "up"), ("instance", "a:9090")]);
        let ext = Labels::from_pairs([("region", "eu")]);
        let data = AlertTemplateData {
            labels: &labels,
            value: 0.0512,
            external_labels: &ext,
            external_url: "http://p",
        };
        let text = "{{ $labels.instance | stripPort }} {{ $value | humanizePercentage }} {{ $externalLabels.region }} \
                    {{ $externalURL }} {{ .Labels.missing }}|";
        assert_eq!(expand("A", text, &data, &NoQueries).as_deref(), Ok("a 5.12% eu http://p |"));
        let err = expand("A", "{{ humanize \"x\" }}", &data, &NoQueries).unwrap_err();
        assert_eq!(
            err,
            "error executing template __alert_A: template: __alert_A:1:115: executing \"__alert_A\" at \
             <humanize \"x\">: error calling humanize: strconv.ParseFloat: parsing \"x\": invalid syntax"
        );
        let parse_err = expand("A", "{{ nope }}", &data, &NoQueries).unwrap_err();
        assert_eq!(
            parse_err,
            "error parsing template __alert_A: template: __alert_A:1: function \"nope\" not defined"
        );
        let nil_url = expand("A", "{{ externalURL }}", &data, &NoQueries).unwrap_err();
        assert!(
            nil_url.ends_with(
                "error calling externalURL: runtime error: invalid memory address or nil pointer dereference"
            ),
            "{nil_url}"
        );
    }
}
