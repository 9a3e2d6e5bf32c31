//! Decoding a `route:` tree and `inhibit_rules:` entries as Alertmanager 0.25 does: `match`
//! (equality), `match_re` (anchored regexes, checked when read), `matchers` (the matcher
//! syntax, every list entry split on unquoted commas), `group_by` with `...`, the three timers
//! and `continue`, with the checks `Route.UnmarshalYAML` and `InhibitRule.UnmarshalYAML` make.

use super::matcher::{compile_anchored, parse_matchers, MatchType, Matcher, Matchers};
use super::yaml_v2::{node_is_null, Decoder};
use crate::engine::Millis;
use crate::rules::yaml::Node;

/// A route as written, before inheritance (`config.Route`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RouteConfig {
    pub receiver: String,
    /// Label names of `group_by` other than `...`; None when there are none (which in 0.25
    /// includes `group_by: []`: the parent's grouping is inherited).
    pub group_by: Option<Vec<String>>,
    pub group_by_all: bool,
    /// `match`, `match_re` and `matchers` together, sorted (`dispatch.NewRoute`).
    pub matchers: Matchers,
    pub mute_time_intervals: Vec<String>,
    pub active_time_intervals: Vec<String>,
    pub continue_: bool,
    pub routes: Vec<RouteConfig>,
    pub group_wait: Option<Millis>,
    pub group_interval: Option<Millis>,
    pub repeat_interval: Option<Millis>,
    /// Where the route is written in the file (1-based), and its `receiver:` value.
    pub line: usize,
    pub col: usize,
    pub receiver_at: Option<(usize, usize)>,
    /// Where each time interval name is written, for "undefined time interval" messages.
    pub interval_at: Vec<(String, usize, usize)>,
}

const ROUTE_FIELDS: [&str; 12] = [
    "receiver",
    "group_by",
    "match",
    "match_re",
    "matchers",
    "mute_time_intervals",
    "active_time_intervals",
    "continue",
    "routes",
    "group_wait",
    "group_interval",
    "repeat_interval",
];

/// `model.LabelNameRE`.
pub fn valid_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Decodes a route and its children.
pub fn decode_route(d: &mut Decoder, node: &Node) -> RouteConfig {
    let before = d.checkpoint();
    let at = d.at(node, "");
    let mut r = RouteConfig { line: at.line, col: at.col, ..RouteConfig::default() };
    let mut group_by_str = Vec::new();
    let mut group_by_node = node;
    let mut equal = Vec::new();
    let mut regex = Vec::new();
    let mut listed = Vec::new();
    for (key, value) in d.fields(node, "config.plain", &ROUTE_FIELDS) {
        if d.failed() {
            return r;
        }
        match key {
            "receiver" => {
                r.receiver = d.string(value);
                let at = d.at(value, "");
                r.receiver_at = Some((at.line, at.col));
            }
            "group_by" => {
                group_by_str = d.strings(value);
                group_by_node = value;
            }
            "match" => equal = d.string_map(value).into_iter().map(|(k, v, n)| (k, v, n.clone())).collect(),
            "match_re" => regex = match_regexps(d, value),
            "matchers" => listed = matchers(d, value),
            "mute_time_intervals" | "active_time_intervals" => {
                let names = d.strings(value);
                for (name, n) in names.iter().zip(d.seq(value, "[]string")) {
                    let at = d.at(n, "");
                    r.interval_at.push((name.clone(), at.line, at.col));
                }
                if key == "mute_time_intervals" {
                    r.mute_time_intervals = names;
                } else {
                    r.active_time_intervals = names;
                }
            }
            "continue" => r.continue_ = d.bool(value),
            "routes" => {
                for child in d.seq(value, "[]*config.Route") {
                    if d.failed() {
                        return r;
                    }
                    if node_is_null(child) {
                        d.fail(child, "a route in `routes:` is empty");
                        return r;
                    }
                    r.routes.push(decode_route(d, child));
                }
            }
            "group_wait" => r.group_wait = d.duration(value),
            "group_interval" => r.group_interval = d.duration(value),
            _ => r.repeat_interval = d.duration(value),
        }
    }
    if !d.clean_since(before) {
        return r;
    }
    if let Some((k, _, n)) = equal.iter().find(|(k, _, _)| !valid_label_name(k)) {
        d.fail(n, format!("invalid label name {k:?}"));
        return r;
    }
    let mut names = Vec::new();
    for l in &group_by_str {
        if l == "..." {
            r.group_by_all = true;
        } else if !valid_label_name(l) {
            d.fail(group_by_node, format!("invalid label name {l:?} in group_by list"));
            return r;
        } else {
            names.push(l.clone());
        }
    }
    if !names.is_empty() && r.group_by_all {
        // Alertmanager 0.25's message, typo included.
        d.fail(
            group_by_node,
            "cannot have wildcard group_by (`...`) and other other labels at the same time",
        );
        return r;
    }
    if let Some(dup) = names.iter().enumerate().find(|(i, n)| names[..*i].contains(n)).map(|(_, n)| n) {
        d.fail(group_by_node, format!("duplicated label {dup:?} in group_by"));
        return r;
    }
    r.group_by = (!names.is_empty()).then_some(names);
    if r.group_interval == Some(0) {
        d.fail(node, "group_interval cannot be zero");
    } else if r.repeat_interval == Some(0) {
        d.fail(node, "repeat_interval cannot be zero");
    }
    let mut all: Vec<Matcher> = Vec::new();
    for (k, v, _) in &equal {
        if let Ok(m) = Matcher::new(MatchType::Equal, k, v) {
            all.push(m);
        }
    }
    all.extend(regex);
    all.extend(listed);
    r.matchers = Matchers(all);
    r.matchers.sort();
    r
}

/// `match_re:` (`config.MatchRegexps`): each value compiled anchored when read; a Go
/// `Regexp` prints as `^(?:value)$`, which is the matcher's value (so keys show it wrapped twice).
fn match_regexps(d: &mut Decoder, node: &Node) -> Vec<Matcher> {
    let before = d.checkpoint();
    let mut out = Vec::new();
    let mut checks = Vec::new();
    for (k, v) in d.map(node, "config.plain") {
        if d.failed() {
            return out;
        }
        let name = d.string(k);
        if node_is_null(v) {
            checks.push((name, v, false));
            continue;
        }
        let pattern = d.string(v);
        if let Err(e) = compile_anchored(&pattern) {
            d.fail(v, e);
            return out;
        }
        if let Ok(m) = Matcher::new(MatchType::Regexp, &name, &format!("^(?:{pattern})$")) {
            out.push(m);
        }
        checks.push((name, v, true));
    }
    if d.clean_since(before) {
        for (name, v, compiled) in checks {
            if !valid_label_name(&name) {
                d.fail(v, format!("invalid label name {name:?}"));
            } else if !compiled {
                d.fail(v, format!("invalid regexp value for {name:?}"));
            }
        }
    }
    out
}

/// `matchers:` (`config.Matchers`): a list of strings, each parsed with `ParseMatchers`.
fn matchers(d: &mut Decoder, node: &Node) -> Vec<Matcher> {
    let before = d.checkpoint();
    let items = d.seq(node, "[]string");
    let lines: Vec<(String, &Node)> = items.iter().map(|n| (d.string(n), n)).collect();
    let mut out = Vec::new();
    if !d.clean_since(before) {
        return out;
    }
    for (line, n) in lines {
        match parse_matchers(&line) {
            Ok(ms) => out.extend(ms),
            Err(e) => {
                d.fail(n, e);
                return out;
            }
        }
    }
    out
}

/// An inhibit rule as written (`config.InhibitRule`), its matchers assembled as
/// `inhibit.NewInhibitRule` does.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InhibitRuleConfig {
    pub source: Matchers,
    pub target: Matchers,
    pub equal: Vec<String>,
    pub line: usize,
}

const INHIBIT_FIELDS: [&str; 7] = [
    "source_match",
    "source_match_re",
    "source_matchers",
    "target_match",
    "target_match_re",
    "target_matchers",
    "equal",
];

/// Decodes one `inhibit_rules:` entry.
pub fn decode_inhibit_rule(d: &mut Decoder, node: &Node) -> InhibitRuleConfig {
    let before = d.checkpoint();
    let mut rule = InhibitRuleConfig { line: d.at(node, "").line, ..InhibitRuleConfig::default() };
    let (mut source_eq, mut target_eq) = (Vec::new(), Vec::new());
    let (mut source_re, mut target_re) = (Vec::new(), Vec::new());
    let (mut source_list, mut target_list) = (Vec::new(), Vec::new());
    for (key, value) in d.fields(node, "config.plain", &INHIBIT_FIELDS) {
        if d.failed() {
            return rule;
        }
        match key {
            "source_match" => {
                source_eq = d.string_map(value).into_iter().map(|(k, v, n)| (k, v, n.clone())).collect()
            }
            "target_match" => {
                target_eq = d.string_map(value).into_iter().map(|(k, v, n)| (k, v, n.clone())).collect()
            }
            "source_match_re" => source_re = match_regexps(d, value),
            "target_match_re" => target_re = match_regexps(d, value),
            "source_matchers" => source_list = matchers(d, value),
            "target_matchers" => target_list = matchers(d, value),
            _ => {
                for n in d.seq(value, "model.LabelNames") {
                    let name = d.string(n);
                    if !valid_label_name(&name) {
                        d.fail(n, format!("{name:?} is not a valid label name"));
                        return rule;
                    }
                    rule.equal.push(name);
                }
            }
        }
    }
    if !d.clean_since(before) {
        return rule;
    }
    for (k, _, n) in source_eq.iter().chain(&target_eq) {
        if !valid_label_name(k) {
            d.fail(n, format!("invalid label name {k:?}"));
            return rule;
        }
    }
    let equality = |list: &[(String, String, Node)]| -> Vec<Matcher> {
        list.iter().filter_map(|(k, v, _)| Matcher::new(MatchType::Equal, k, v).ok()).collect()
    };
    rule.source = Matchers([equality(&source_eq), source_re, source_list].concat());
    rule.target = Matchers([equality(&target_eq), target_re, target_list].concat());
    rule
}

#[cfg(test)]
mod tests {
    use super::super::yaml_v2::Offset;
    use super::*;
    use crate::rules::yaml::parse;

    fn route(text: &str) -> Result<RouteConfig, String> {
        let node = parse(text).unwrap().unwrap();
        let mut d = Decoder::new(Offset::default());
        let r = decode_route(&mut d, &node);
        d.finish().map_or(Ok(r), |e| Err(e.message()))
    }

    #[test]
    fn matchers_of_all_three_forms_are_merged_and_sorted() {
        let r =
            route("match: {owner: team-A}\nmatch_re: {env: 'produ.*'}\nmatchers: ['level!=\"critical\"']\n")
                .unwrap();
        assert_eq!(r.matchers.to_string(), r#"{env=~"^(?:produ.*)$",level!="critical",owner="team-A"}"#);
        let scalar = route("match: {test: 2}\n").unwrap();
        assert_eq!(scalar.matchers.to_string(), r#"{test="2"}"#);
    }

    #[test]
    fn group_by_forms() {
        assert!(route("group_by: ['...']\n").unwrap().group_by_all);
        assert_eq!(route("group_by: []\n").unwrap().group_by, None);
        assert_eq!(route("group_by: [a, b]\n").unwrap().group_by, Some(vec!["a".into(), "b".into()]));
    }

    #[test]
    fn route_errors() {
        for (text, want) in [
            (
                "group_by: [a, '...']\n",
                "cannot have wildcard group_by (`...`) and other other labels at the same time",
            ),
            ("group_by: [a, a]\n", "duplicated label \"a\" in group_by"),
            ("group_by: ['-x-']\n", "invalid label name \"-x-\" in group_by list"),
            ("group_interval: 0s\n", "group_interval cannot be zero"),
            ("group_wait: 30\n", "not a valid duration string: \"30\""),
            ("match_re: {a: '(b'}\n", "error parsing regexp: missing closing ): `^(?:(b)$`"),
            ("match_re: {a: }\n", "invalid regexp value for \"a\""),
            ("matchers: ['foo = bar,baz']\n", "bad matcher format: baz"),
            (
                "continue: maybe\n",
                "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `maybe` into bool",
            ),
            (
                "routes: [{labels: {}}]\n",
                "yaml: unmarshal errors:\n  line 1: field labels not found in type config.plain",
            ),
        ] {
            assert_eq!(route(text).unwrap_err(), want, "{text}");
        }
    }

    #[test]
    fn inhibit_rules() {
        let node =
            parse("source_match: {alertname: A}\ntarget_match_re: {alertname: 'B|C'}\nequal: [model]\n")
                .unwrap()
                .unwrap();
        let mut d = Decoder::new(Offset::default());
        let rule = decode_inhibit_rule(&mut d, &node);
        assert!(d.finish().is_none());
        assert_eq!(rule.source.to_string(), r#"{alertname="A"}"#);
        assert_eq!(rule.target.to_string(), r#"{alertname=~"^(?:B|C)$"}"#);
        assert_eq!(rule.equal, ["model"]);
    }
}
