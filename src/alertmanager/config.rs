//! An `alertmanager.yml` read as Alertmanager 0.25's `config.Load` reads it: the top level
//! (`global`, `route`, `inhibit_rules`, `receivers`, `templates`, `time_intervals` and the
//! older `mute_time_intervals`), then the checks `Config.UnmarshalYAML` and `Load` make, in
//! their order, so the first error is the one Alertmanager reports. A Kubernetes ConfigMap
//! (the seed's form) is unwrapped first and positions point into the outer file.

use super::config_route::{decode_inhibit_rule, decode_route, InhibitRuleConfig, RouteConfig};
use super::receivers::{self, check_against_globals, GlobalDefaults, Receiver};
use super::time_interval::{self, NamedInterval};
use super::yaml_v2::{Decoder, LoadError, Located, Offset};
use crate::engine::Millis;
use crate::rules::configmap;
use crate::rules::yaml::{self, Node};

/// Alertmanager's default `global.resolve_timeout`.
pub const DEFAULT_RESOLVE_TIMEOUT: Millis = 5 * 60_000;

/// A loaded configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub resolve_timeout: Millis,
    pub route: RouteConfig,
    pub inhibit_rules: Vec<InhibitRuleConfig>,
    pub receivers: Vec<Receiver>,
    pub templates: Vec<String>,
    pub time_intervals: Vec<NamedInterval>,
    /// What was accepted only because placeholders were allowed (see [`load_with_placeholders`]).
    pub warnings: Vec<Located>,
}

impl Config {
    /// The receiver called `name`.
    pub fn receiver(&self, name: &str) -> Option<&Receiver> {
        self.receivers.iter().find(|r| r.name == name)
    }

    /// The intervals of the time interval called `name`.
    pub fn time_interval(&self, name: &str) -> Option<&NamedInterval> {
        self.time_intervals.iter().find(|t| t.name == name)
    }
}

/// Where the configuration text came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Source {
    /// The ConfigMap data key the file was read from (None: a plain file).
    pub configmap_key: Option<String>,
}

/// Loads `text`, a plain `alertmanager.yml` or a ConfigMap carrying one, as Alertmanager does.
pub fn load(text: &str) -> (Source, Result<Config, LoadError>) {
    load_as(text, false)
}

/// Loads like [`load`] but lets `<placeholder>` URLs through (as the seed's ConfigMap has
/// `api_url: '<slack-webhook-url>'`), each noted in [`Config::warnings`]: routing and
/// notifications do not depend on them.
pub fn load_with_placeholders(text: &str) -> (Source, Result<Config, LoadError>) {
    load_as(text, true)
}

fn load_as(text: &str, placeholders: bool) -> (Source, Result<Config, LoadError>) {
    match embedded(text) {
        Some((key, inner, offset)) => {
            (Source { configmap_key: Some(key) }, load_plain(&inner, offset, placeholders))
        }
        None => (Source::default(), load_plain(text, Offset::default(), placeholders)),
    }
}

/// The `alertmanager.yml` inside a ConfigMap: the data entry named `alertmanager.yml`, else
/// the one holding a `route:`, else the only one.
fn embedded(text: &str) -> Option<(String, String, Offset)> {
    let entries = configmap::unwrap(text)?;
    let is_config = |e: &&configmap::Embedded| matches!(yaml::parse(&e.text), Ok(Some(doc)) if doc.get("route").is_some() || doc.get("receivers").is_some());
    let chosen = entries
        .iter()
        .find(|e| e.key == "alertmanager.yml" || e.key == "alertmanager.yaml")
        .or_else(|| entries.iter().find(is_config))
        .or_else(|| (entries.len() == 1).then(|| &entries[0]))?;
    let offset = Offset { lines: chosen.shift.lines, cols: chosen.shift.cols };
    Some((chosen.key.clone(), chosen.text.clone(), offset))
}

/// Loads a plain `alertmanager.yml` whose text starts `offset` into its file.
pub fn load_plain(text: &str, offset: Offset, placeholders: bool) -> Result<Config, LoadError> {
    let root = yaml::parse(text).map_err(|e| {
        LoadError::Syntax(Located {
            line: e.line + offset.lines,
            col: e.col + offset.cols,
            message: e.message,
        })
    })?;
    let Some(root) = root.filter(|r| !super::yaml_v2::node_is_null(r)) else {
        return Err(LoadError::Invalid(Located {
            line: 1,
            col: 1,
            message: "no route provided in config".into(),
        }));
    };
    let mut d = if placeholders { Decoder::with_placeholders(offset) } else { Decoder::new(offset) };
    let config = decode_config(&mut d, &root);
    let warnings = d.take_warnings();
    match (d.finish(), config) {
        (Some(e), _) => Err(e),
        (None, Some(config)) => Ok(Config { warnings, ..config }),
        (None, None) => {
            Err(LoadError::Invalid(Located { line: 1, col: 1, message: "no routes provided".into() }))
        }
    }
}

const TOP_FIELDS: [&str; 7] =
    ["global", "route", "inhibit_rules", "receivers", "templates", "mute_time_intervals", "time_intervals"];

/// `Config.UnmarshalYAML` then `Load`'s own check.
fn decode_config(d: &mut Decoder, root: &Node) -> Option<Config> {
    let before = d.checkpoint();
    let mut global = Global::default();
    let mut route: Option<(RouteConfig, &Node)> = None;
    let mut inhibit_rules = Vec::new();
    let mut receivers: Vec<(Receiver, &Node)> = Vec::new();
    let mut templates = Vec::new();
    let mut intervals: Vec<(NamedInterval, &Node)> = Vec::new();
    for (key, value) in d.fields(root, "config.plain", &TOP_FIELDS) {
        if d.failed() {
            return None;
        }
        match key {
            "global" => global = decode_global(d, value),
            "route" if !super::yaml_v2::node_is_null(value) => route = Some((decode_route(d, value), value)),
            "route" => route = None,
            "inhibit_rules" => {
                for n in d.seq(value, "[]*config.InhibitRule") {
                    inhibit_rules.push(decode_inhibit_rule(d, n));
                }
            }
            "receivers" => {
                for n in d.seq(value, "[]*config.Receiver") {
                    if d.failed() {
                        return None;
                    }
                    receivers.push((receivers::decode(d, n), n));
                }
            }
            "templates" => templates = d.strings(value),
            _ => {
                let deprecated = key == "mute_time_intervals";
                let target = if deprecated { "[]config.MuteTimeInterval" } else { "[]config.TimeInterval" };
                for n in d.seq(value, target) {
                    if d.failed() {
                        return None;
                    }
                    if let Some(named) = decode_named_interval(d, n, deprecated) {
                        intervals.push((named, n));
                    }
                }
            }
        }
    }
    if !d.clean_since(before) {
        return None;
    }
    validate_global(d, &global)?;
    validate_receivers(d, &receivers, &global.defaults)?;
    let Some((route, route_node)) = route else {
        d.fail(root, "no routes provided");
        return None;
    };
    validate_root(d, &route, route_node)?;
    let names: Vec<&str> = receivers.iter().map(|(r, _)| r.name.as_str()).collect();
    if let Some((name, line, col)) = undefined_receiver(&route, &names) {
        d.fail_at(line, col, format!("undefined receiver {name:?} used in route"));
        return None;
    }
    validate_interval_names(d, &intervals)?;
    let known: Vec<&str> = intervals.iter().map(|(i, _)| i.name.as_str()).collect();
    if let Some((name, line, col)) = undefined_interval(&route, &known) {
        d.fail_at(line, col, format!("undefined time interval {name:?} used in route"));
        return None;
    }
    if route.continue_ {
        d.fail(route_node, "cannot have continue in root route");
        return None;
    }
    Some(Config {
        resolve_timeout: global.resolve_timeout.unwrap_or(DEFAULT_RESOLVE_TIMEOUT),
        route,
        inhibit_rules,
        receivers: receivers.into_iter().map(|(r, _)| r).collect(),
        templates,
        time_intervals: intervals.into_iter().map(|(i, _)| i).collect(),
        warnings: Vec::new(),
    })
}

/// `global:` as decoded: its `resolve_timeout` (None: not given), the receiver defaults and
/// which keys were given.
#[derive(Default)]
struct Global<'n> {
    resolve_timeout: Option<Millis>,
    defaults: GlobalDefaults,
    keys: Vec<&'n str>,
    node: Option<&'n Node>,
}

fn decode_global<'n>(d: &mut Decoder, node: &'n Node) -> Global<'n> {
    let mut g = Global { node: Some(node), ..Global::default() };
    for (key, value) in d.fields(node, "config.plain", receivers::GLOBAL_FIELDS) {
        if d.failed() {
            break;
        }
        if key == "resolve_timeout" {
            g.resolve_timeout = d.duration(value);
        } else {
            receivers::decode_global_field(d, key, value, &mut g.defaults);
        }
        g.keys.push(key);
    }
    g
}

/// The global pairs of which at most one may be given (checked once everything is decoded).
fn validate_global(d: &mut Decoder, g: &Global) -> Option<()> {
    for (a, b) in [
        ("slack_api_url", "slack_api_url_file"),
        ("opsgenie_api_key", "opsgenie_api_key_file"),
        ("victorops_api_key", "victorops_api_key_file"),
        ("smtp_auth_password", "smtp_auth_password_file"),
    ] {
        if let (true, true, Some(node)) = (g.keys.contains(&a), g.keys.contains(&b), g.node) {
            d.fail(node, format!("at most one of {a} & {b} must be configured"));
            return None;
        }
    }
    Some(())
}

/// A `time_intervals:` (or `mute_time_intervals:`) entry: a name and its intervals.
fn decode_named_interval(d: &mut Decoder, node: &Node, deprecated: bool) -> Option<NamedInterval> {
    let before = d.checkpoint();
    let mut named =
        NamedInterval { name: String::new(), intervals: Vec::new(), deprecated_key: deprecated, line: 0 };
    named.line = d.at(node, "").line;
    for (key, value) in d.fields(node, "config.plain", &["name", "time_intervals"]) {
        if key == "name" {
            named.name = d.string(value);
        } else {
            for n in d.seq(value, "[]timeinterval.TimeInterval") {
                if d.failed() {
                    return None;
                }
                named.intervals.push(time_interval::decode(d, n));
            }
        }
    }
    if d.clean_since(before) && named.name.is_empty() {
        let what = if deprecated { "mute time interval" } else { "time interval" };
        d.fail(node, format!("missing name in {what}"));
    }
    (!d.failed()).then_some(named)
}

/// Unique receiver names and each receiver's needs against the global defaults.
fn validate_receivers(d: &mut Decoder, receivers: &[(Receiver, &Node)], g: &GlobalDefaults) -> Option<()> {
    for (i, (r, node)) in receivers.iter().enumerate() {
        if receivers[..i].iter().any(|(p, _)| p.name == r.name) {
            d.fail(node, format!("notification config name {:?} is not unique", r.name));
            return None;
        }
        if let Some(message) = check_against_globals(r, g) {
            d.fail(node, message);
            return None;
        }
    }
    Some(())
}

/// The root route's own rules.
fn validate_root(d: &mut Decoder, route: &RouteConfig, node: &Node) -> Option<()> {
    let problem = if route.receiver.is_empty() {
        "root route must specify a default receiver"
    } else if !route.matchers.is_empty() {
        "root route must not have any matchers"
    } else if !route.mute_time_intervals.is_empty() {
        "root route must not have any mute time intervals"
    } else if !route.active_time_intervals.is_empty() {
        "root route must not have any active time intervals"
    } else {
        return Some(());
    };
    d.fail(node, problem);
    None
}

/// `checkReceiver`: children before their parent, depth first.
fn undefined_receiver<'r>(route: &'r RouteConfig, names: &[&str]) -> Option<(&'r str, usize, usize)> {
    for child in &route.routes {
        if let Some(found) = undefined_receiver(child, names) {
            return Some(found);
        }
    }
    if route.receiver.is_empty() || names.contains(&route.receiver.as_str()) {
        return None;
    }
    let (line, col) = route.receiver_at.unwrap_or((route.line, route.col));
    Some((&route.receiver, line, col))
}

/// Time interval names must be unique: the deprecated list first, then `time_intervals`.
fn validate_interval_names(d: &mut Decoder, intervals: &[(NamedInterval, &Node)]) -> Option<()> {
    let ordered = intervals
        .iter()
        .filter(|(i, _)| i.deprecated_key)
        .chain(intervals.iter().filter(|(i, _)| !i.deprecated_key));
    let mut seen: Vec<&str> = Vec::new();
    for (i, node) in ordered {
        if seen.contains(&i.name.as_str()) {
            let what = if i.deprecated_key { "mute time interval" } else { "time interval" };
            d.fail(node, format!("{what} {:?} is not unique", i.name));
            return None;
        }
        seen.push(&i.name);
    }
    Some(())
}

/// `checkTimeInterval`: children first; active intervals before mute ones.
fn undefined_interval<'r>(route: &'r RouteConfig, known: &[&str]) -> Option<(&'r str, usize, usize)> {
    for child in &route.routes {
        if let Some(found) = undefined_interval(child, known) {
            return Some(found);
        }
    }
    let missing = route
        .active_time_intervals
        .iter()
        .chain(&route.mute_time_intervals)
        .find(|n| !known.contains(&n.as_str()))?;
    let (line, col) = route
        .interval_at
        .iter()
        .find(|(n, _, _)| n == missing)
        .map_or((route.line, route.col), |(_, l, c)| (*l, *c));
    Some((missing, line, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_config_loads_with_defaults() {
        let (_, c) = load("route:\n  receiver: a\nreceivers:\n- name: a\n");
        let c = c.unwrap();
        assert_eq!(c.resolve_timeout, DEFAULT_RESOLVE_TIMEOUT);
        assert_eq!(c.route.receiver, "a");
    }

    #[test]
    fn errors_carry_alertmanagers_message_and_a_position() {
        let text = "route:\n  receiver: x\n  routes:\n  - receiver: nope\nreceivers:\n- name: x\n";
        let err = load(text).1.unwrap_err();
        assert_eq!(err.message(), "undefined receiver \"nope\" used in route");
        assert_eq!((err.located()[0].line, err.located()[0].col), (4, 15));
        assert_eq!(load("").1.unwrap_err().message(), "no route provided in config");
        assert_eq!(load("receivers: []\n").1.unwrap_err().message(), "no routes provided");
        let cont = load("route:\n  receiver: x\n  continue: true\nreceivers:\n- name: x\n").1.unwrap_err();
        assert_eq!(cont.message(), "cannot have continue in root route");
    }

    #[test]
    fn configmaps_are_unwrapped_and_positions_shifted() {
        let text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  alertmanager.yml: |\n    route:\n      receiver: x\n    receivers:\n    - name: y\n";
        let (source, result) = load(text);
        assert_eq!(source.configmap_key.as_deref(), Some("alertmanager.yml"));
        let err = result.unwrap_err();
        assert_eq!(err.message(), "undefined receiver \"x\" used in route");
        assert_eq!((err.located()[0].line, err.located()[0].col), (6, 17));
    }
}
