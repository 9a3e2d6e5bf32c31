//! Reading relabel rules from YAML, strictly, the way Prometheus decodes them (yaml.v2
//! `UnmarshalStrict`): unknown or repeated fields, wrong types, bad label names and bad
//! regexes are errors with the file position. Accepts a bare rule list, a
//! `relabel_configs:`/`metric_relabel_configs:` mapping, or a Prometheus config whose
//! `scrape_configs` job is picked by name (the seed's file is one).

use super::model::{
    Action, NameScheme, Rule, RulePositions, RuleSet, Section, Semantics, DEFAULT_REGEX, DEFAULT_REPLACEMENT,
    DEFAULT_SEPARATOR,
};
use super::names::is_legacy;
use super::regex::GoRegex;
use super::validate::validate;
use crate::rules::yaml::{self, Node, NodeKind, ScalarType};
use crate::rules::Pos;

/// A config that does not load: where, and Prometheus's message.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConfigError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

impl ConfigError {
    fn at(pos: Pos, message: impl Into<String>) -> ConfigError {
        ConfigError { line: pos.line, col: pos.col, message: message.into() }
    }

    fn node(node: &Node, message: impl Into<String>) -> ConfigError {
        ConfigError { line: node.line, col: node.col, message: message.into() }
    }

    /// A yaml.v2 type error, worded as Prometheus prints it.
    fn unmarshal(node: &Node, what: &str) -> ConfigError {
        let found = match &node.kind {
            NodeKind::Scalar { value, .. } => format!("{} `{value}`", node.tag()),
            _ => node.tag().to_string(),
        };
        ConfigError::node(
            node,
            format!("yaml: unmarshal errors: line {}: cannot unmarshal {found} into {what}", node.line),
        )
    }
}

/// What to read from the file.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The scrape job of a Prometheus config (needed when it has several).
    pub job: Option<String>,
    /// `--metric`: read `metric_relabel_configs` (otherwise `relabel_configs`, or the
    /// metric list when the job has only that one).
    pub metric: bool,
    pub semantics: Semantics,
}

/// Which shape the file had.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Shape {
    List,
    Section,
    Job(String),
}

/// Rules read from a file, and what they were read from.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub set: RuleSet,
    pub shape: Shape,
}

/// Parses, decodes and validates the rules of `text`.
pub fn load(text: &str, opts: &LoadOptions) -> Result<Loaded, ConfigError> {
    let root = yaml::parse(text)
        .map_err(|e| ConfigError {
            line: e.line,
            col: e.col,
            message: format!("yaml: line {}: {}", e.line, e.message),
        })?
        .ok_or_else(|| ConfigError {
            line: 1,
            col: 1,
            message: "the file holds no relabel rules (it is empty)".into(),
        })?;
    let (list, section, scheme_node, shape) = locate(&root, opts)?;
    let scheme = match opts.semantics {
        Semantics::Prometheus2_42 => NameScheme::Legacy,
        Semantics::Prometheus3 => scheme_of(scheme_node)?,
    };
    let mut rules = Vec::new();
    if let Some(list) = list {
        let items = match &list.kind {
            NodeKind::Seq(items) => items.as_slice(),
            _ if list.is_null() => &[],
            _ => return Err(ConfigError::unmarshal(list, "[]*relabel.Config")),
        };
        for item in items {
            let rule = decode_rule(item, section, opts.semantics)?;
            validate(&rule, scheme, opts.semantics).map_err(|(pos, m)| ConfigError::at(pos, m))?;
            rules.push(rule);
        }
    }
    Ok(Loaded { set: RuleSet { rules, scheme, semantics: opts.semantics, section }, shape })
}

type Located<'a> = (Option<&'a Node>, Section, Option<&'a Node>, Shape);

/// Finds the rule list, its section and the name-scheme setting in the document.
fn locate<'a>(root: &'a Node, opts: &LoadOptions) -> Result<Located<'a>, ConfigError> {
    let forced = opts.metric.then_some(Section::Metric);
    match &root.kind {
        NodeKind::Seq(_) => return Ok((Some(root), forced.unwrap_or_default(), None, Shape::List)),
        NodeKind::Map(_) => {}
        _ => return Err(shape_error(root)),
    }
    if let Some(jobs) = root.get("scrape_configs") {
        let global = root.get("global").and_then(|g| g.get("metric_name_validation_scheme"));
        let job = pick_job(jobs, opts.job.as_deref())?;
        let name = job.get("job_name").and_then(Node::as_scalar).unwrap_or_default().to_string();
        let (list, section) = pick_section(job, forced);
        let scheme = job.get("metric_name_validation_scheme").filter(|n| !n.is_null()).or(global);
        return Ok((list, section, scheme, Shape::Job(name)));
    }
    if root.get("relabel_configs").is_some() || root.get("metric_relabel_configs").is_some() {
        let (list, section) = pick_section(root, forced);
        return Ok((list, section, root.get("metric_name_validation_scheme"), Shape::Section));
    }
    Err(shape_error(root))
}

fn shape_error(root: &Node) -> ConfigError {
    ConfigError::node(
        root,
        "expected a list of relabel rules, a mapping with relabel_configs or metric_relabel_configs, \
         or a Prometheus config with scrape_configs",
    )
}

/// The scrape config named `job`, or the only one.
fn pick_job<'a>(jobs: &'a Node, job: Option<&str>) -> Result<&'a Node, ConfigError> {
    let NodeKind::Seq(items) = &jobs.kind else {
        return Err(ConfigError::unmarshal(jobs, "[]*config.ScrapeConfig"));
    };
    let name_of = |n: &Node| n.get("job_name").and_then(Node::as_scalar).unwrap_or_default().to_string();
    let names: Vec<String> = items.iter().map(name_of).collect();
    match job {
        Some(want) => items.iter().find(|n| name_of(n) == want).ok_or_else(|| {
            ConfigError::node(jobs, format!("no scrape config has job_name {want:?} (jobs: {})", names.join(", ")))
        }),
        None => match items.as_slice() {
            [one] => Ok(one),
            [] => Err(ConfigError::node(jobs, "scrape_configs lists no job")),
            _ => Err(ConfigError::node(
                jobs,
                format!("the config has several jobs ({}): keep only the one to simulate, or name it (promplay relabel --job)", names.join(", ")),
            )),
        },
    }
}

/// The rule list of a scrape config: the forced section, else `relabel_configs` when
/// present, else `metric_relabel_configs`.
fn pick_section(job: &Node, forced: Option<Section>) -> (Option<&Node>, Section) {
    let section = forced.unwrap_or_else(|| {
        let has = |key: &str| job.get(key).is_some_and(|n| !n.is_null());
        if !has(Section::Target.key()) && has(Section::Metric.key()) {
            Section::Metric
        } else {
            Section::Target
        }
    });
    (job.get(section.key()), section)
}

fn scheme_of(node: Option<&Node>) -> Result<NameScheme, ConfigError> {
    let Some(node) = node else { return Ok(NameScheme::Utf8) };
    match node.as_scalar().unwrap_or_default() {
        "" | "utf8" => Ok(NameScheme::Utf8),
        "legacy" => Ok(NameScheme::Legacy),
        other => Err(ConfigError::node(
            node,
            format!("unknown name validation method specified, must be either '', 'legacy' or 'utf8', got {other}"),
        )),
    }
}

/// Decodes one rule (yaml.v2: a null item is refused by the scrape config; a null field
/// keeps the zero value; an absent field keeps the default).
fn decode_rule(item: &Node, section: Section, semantics: Semantics) -> Result<Rule, ConfigError> {
    let NodeKind::Map(pairs) = &item.kind else {
        if item.is_null() {
            let which = match section {
                Section::Target => "target",
                Section::Metric => "metric",
            };
            return Err(ConfigError::node(
                item,
                format!("empty or null {which} relabeling rule in scrape config"),
            ));
        }
        return Err(ConfigError::unmarshal(item, "relabel.plain"));
    };
    let mut rule = Rule {
        source_labels: None,
        separator: DEFAULT_SEPARATOR.into(),
        regex: GoRegex::new(DEFAULT_REGEX, semantics).map_err(|e| ConfigError::node(item, e))?,
        regex_explicit: false,
        modulus: 0,
        target_label: String::new(),
        replacement: DEFAULT_REPLACEMENT.into(),
        action: Some(Action::Replace),
        at: RulePositions { rule: Pos { line: item.line, col: item.col }, fields: Vec::new() },
    };
    for (key, value) in pairs {
        let name = key.as_scalar().unwrap_or_default();
        const FIELDS: [&str; 7] =
            ["source_labels", "separator", "regex", "modulus", "target_label", "replacement", "action"];
        let Some(field) = FIELDS.iter().find(|f| **f == name) else {
            return Err(ConfigError::node(
                key,
                format!(
                    "yaml: unmarshal errors: line {}: field {name} not found in type relabel.plain",
                    key.line
                ),
            ));
        };
        if rule.at.fields.iter().any(|(f, _)| f == field) {
            return Err(ConfigError::node(
                key,
                format!(
                    "yaml: unmarshal errors: line {}: field {name} already set in type relabel.plain",
                    key.line
                ),
            ));
        }
        rule.at.fields.push((field, Pos { line: value.line, col: value.col }));
        match *field {
            "source_labels" => rule.source_labels = source_labels(value, semantics)?,
            "separator" => rule.separator = string(value)?,
            "target_label" => rule.target_label = string(value)?,
            "replacement" => rule.replacement = string(value)?,
            "modulus" => rule.modulus = modulus(value)?,
            "regex" => {
                let text = string(value)?;
                rule.regex = GoRegex::new(&text, semantics).map_err(|e| ConfigError::node(value, e))?;
                rule.regex_explicit = true;
            }
            _ => {
                rule.action = if value.is_null() {
                    None
                } else {
                    let text = string(value)?;
                    Some(Action::parse(&text).ok_or_else(|| {
                        ConfigError::node(value, format!("unknown relabel action {text:?}"))
                    })?)
                }
            }
        }
    }
    Ok(rule)
}

/// A string field: a scalar's text (yaml.v2 keeps `1.10` as written), "" for null.
fn string(node: &Node) -> Result<String, ConfigError> {
    match &node.kind {
        NodeKind::Scalar { tag: Some(t), value, .. } if t == "tag:yaml.org,2002:binary" => binary(value)
            .ok_or_else(|| ConfigError::node(node, "yaml: !!binary value contains invalid base64 data")),
        NodeKind::Scalar { .. } if node.is_null() => Ok(String::new()),
        NodeKind::Scalar { value, .. } => Ok(value.clone()),
        _ => Err(ConfigError::unmarshal(node, "string")),
    }
}

/// `modulus`: an unsigned integer (yaml.v2 also takes a float and truncates it).
fn modulus(node: &Node) -> Result<u64, ConfigError> {
    if node.is_null() {
        return Ok(0);
    }
    let text = node.as_scalar().unwrap_or_default();
    let parsed = match node.scalar_type() {
        Some(ScalarType::Int) => yaml::parse_int(text).and_then(|i| u64::try_from(i).ok()),
        Some(ScalarType::Float) => {
            yaml::parse_float(text).filter(|f| *f >= 0.0 && *f < u64::MAX as f64).map(|f| f as u64)
        }
        _ => None,
    };
    parsed.ok_or_else(|| ConfigError::unmarshal(node, "uint64"))
}

/// `source_labels`: a list of label names, each checked as Prometheus checks it on decoding
/// (any non-empty UTF-8 in 3.x, legacy names in 2.42); null is "not set".
fn source_labels(node: &Node, semantics: Semantics) -> Result<Option<Vec<String>>, ConfigError> {
    let items = match &node.kind {
        NodeKind::Seq(items) => items,
        _ if node.is_null() => return Ok(None),
        _ => return Err(ConfigError::unmarshal(node, "model.LabelNames")),
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if !matches!(item.kind, NodeKind::Scalar { .. }) {
            return Err(ConfigError::unmarshal(item, "model.LabelName"));
        }
        let name = string(item)?;
        let valid = match semantics {
            Semantics::Prometheus3 => !name.is_empty(),
            Semantics::Prometheus2_42 => is_legacy(&name),
        };
        if !valid && !item.is_null() {
            return Err(ConfigError::node(item, format!("{name:?} is not a valid label name")));
        }
        out.push(name);
    }
    Ok(Some(out))
}

/// Decodes base64 (`!!binary`), None when it is not valid base64 or not UTF-8 text.
fn binary(text: &str) -> Option<String> {
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut out = Vec::new();
    let body: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let unpadded = body.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    if !body.len().is_multiple_of(4) || body.len() - unpadded > 2 {
        return None;
    }
    for &b in &body[..unpadded] {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        load(text, &LoadOptions::default()).unwrap_err().to_string()
    }

    #[test]
    fn positions_and_messages() {
        assert_eq!(err("- action: null\n"), "1:11: relabel action cannot be empty");
        assert_eq!(
            err("- source_labels: [a]\n  replacment: x\n"),
            "2:3: yaml: unmarshal errors: line 2: field replacment not found in type relabel.plain"
        );
        assert_eq!(
            err("- source_labels: [a]\n  action: rename\n"),
            "2:11: unknown relabel action \"rename\""
        );
        assert_eq!(
            err("- modulus: x\n  action: hashmod\n"),
            "1:12: yaml: unmarshal errors: line 1: cannot unmarshal !!str `x` into uint64"
        );
        assert_eq!(
            err("relabel_configs:\n-\n"),
            "2:2: empty or null target relabeling rule in scrape config"
        );
    }

    #[test]
    fn shapes() {
        let seed = "scrape_configs:\n- job_name: model-serving\n  kubernetes_sd_configs:\n  - role: pod\n  metric_relabel_configs:\n  - source_labels: [version]\n    regex: '(v\\d+)\\.\\d+\\.\\d+'\n    target_label: version\n";
        let loaded = load(seed, &LoadOptions::default()).unwrap();
        assert_eq!(loaded.set.section, Section::Metric);
        assert_eq!(loaded.shape, Shape::Job("model-serving".into()));
        assert_eq!(loaded.set.rules.len(), 1);
        let two = "scrape_configs:\n- job_name: a\n- job_name: b\n";
        assert!(err(two).contains("several jobs (a, b)"));
        let opts = LoadOptions { job: Some("c".into()), ..LoadOptions::default() };
        assert!(load(two, &opts).unwrap_err().message.contains("no scrape config has job_name \"c\""));
        assert!(err("a: b\n").contains("expected a list of relabel rules"));
    }

    #[test]
    fn binary_scalars() {
        assert_eq!(binary("aGk="), Some("hi".into()));
        assert_eq!(binary("/w==$1"), None);
    }
}
