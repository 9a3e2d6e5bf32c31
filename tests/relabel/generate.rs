//! Generated relabel configs and label sets for the differential test: every action, odd
//! regexes, `$` expansions, separators, missing labels, newlines and non-ASCII values, and a
//! few configs Prometheus must refuse. Deterministic (a fixed seed), so a failure reproduces.

use std::collections::BTreeMap;

use promql_playground::content::generator::prng::Rng;

/// One generated config: its rule list (YAML, as under `relabel_configs:`) and label sets.
pub struct Case {
    pub rules: String,
    pub inputs: Vec<BTreeMap<String, String>>,
}

const NAMES: &[&str] =
    &["a", "b", "c", "version", "env", "team", "host", "__meta_pod_uid", "__tmp_x", "zone"];
const VALUES: &[&str] = &[
    "foo",
    "bar",
    "v1.2.3",
    "v10.0.17",
    "a;b",
    "x-y",
    "ÄÖü",
    "straße",
    "İi",
    "ΣΑΣ",
    "1",
    "0",
    " ",
    "$1",
    "cost$",
    "a.b.c",
    "k=v,x=y",
    "MiXeD",
    "line\nbreak",
    "prod-eu-west-1",
    "foofoo",
    "ab",
];
const REGEXES: &[&str] = &[
    "(.*)",
    ".+",
    "",
    "f(.*)",
    "(v\\d+)\\.\\d+\\.\\d+",
    "a|b",
    "(?i)foo.*",
    "(?P<maj>v\\d+)\\..*",
    "(\\w+)-(\\w+)",
    "[a-c]+",
    "x*",
    "(a)(b)?",
    "(?:foo|bar)(.*)",
    "\\Qa.b\\E.*",
    "[[:alpha:]]+",
    "(.)(.)(.*)",
    ".*;.*",
    "(.*?)(\\d*)",
    "^foo$",
    "foo|",
    "([^;]*);(.*)",
    "line.break",
    "(.*)\\.(.*)",
    "k=([^,]*),.*",
    "[^a-z]*",
    "(?s)line.*",
    "(f)(o)(o)",
];
const NAME_REGEXES: &[&str] = &[
    "a|b",
    "__meta_(.*)",
    "(.*)",
    "__tmp.*",
    "v.*",
    "[a-c]",
    "(e)(.*)",
    "team|zone",
    "x",
    "__.*|env",
    "(?i)HOST",
];
const REPLACEMENTS: &[&str] = &[
    "$1",
    "${1}",
    "$1x",
    "${1}x",
    "$$1",
    "$0",
    "$2-$1",
    "${maj}",
    "$maj",
    "",
    "static",
    "pre_${1}_post",
    "$10",
    "$01",
    "${1",
    "$",
    "x$",
    "${2}",
    "ÄÖ$1",
];
const TARGETS: &[&str] = &["t", "version", "a", "tag_${1}", "${1}", "${1}_x", "__tmp_y", "env", "out", "t$2"];
const MAP_REPLACEMENTS: &[&str] = &["$1", "${1}", "m_${1}", "x", "${1}_${2}", "copy_$0"];
const SEPARATORS: &[&str] = &[";", "", "-", ",", "::"];

fn pick<'a>(rng: &mut Rng, list: &[&'a str]) -> &'a str {
    list[rng.below(list.len() as u64) as usize]
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The YAML of one rule.
fn rule(rng: &mut Rng) -> String {
    let actions = [
        "replace",
        "replace",
        "replace",
        "keep",
        "drop",
        "keepequal",
        "dropequal",
        "hashmod",
        "labelmap",
        "labeldrop",
        "labelkeep",
        "lowercase",
        "uppercase",
    ];
    let action = pick(rng, &actions);
    let mut sources: Vec<&str> = (0..=rng.below(3)).map(|_| pick(rng, NAMES)).collect();
    sources.dedup();
    let src = format!("[{}]", sources.join(", "));
    let mut lines = vec![format!("action: {action}")];
    let mut field = |k: &str, v: String| lines.push(format!("{k}: {v}"));
    match action {
        "replace" => {
            if rng.below(5) > 0 {
                field("source_labels", src);
            }
            if rng.below(4) > 0 {
                field("regex", quoted(pick(rng, REGEXES)));
            }
            if rng.below(3) == 0 {
                field("separator", quoted(pick(rng, SEPARATORS)));
            }
            field("target_label", quoted(pick(rng, TARGETS)));
            if rng.below(5) > 0 {
                field("replacement", quoted(pick(rng, REPLACEMENTS)));
            }
        }
        "keep" | "drop" => {
            field("source_labels", src);
            field("regex", quoted(pick(rng, REGEXES)));
            if rng.below(3) == 0 {
                field("separator", quoted(pick(rng, SEPARATORS)));
            }
        }
        "keepequal" | "dropequal" => {
            field("source_labels", src);
            field("target_label", pick(rng, NAMES).to_string());
        }
        "hashmod" => {
            field("source_labels", src);
            field("modulus", pick(rng, &["1", "2", "7", "1000", "9223372036854775808"]).to_string());
            field("target_label", pick(rng, &["h", "__tmp_hash", "a"]).to_string());
        }
        "labelmap" => {
            field("regex", quoted(pick(rng, NAME_REGEXES)));
            if rng.below(3) > 0 {
                field("replacement", quoted(pick(rng, MAP_REPLACEMENTS)));
            }
        }
        "labeldrop" | "labelkeep" => {
            // labelkeep always keeps the `__` labels a target needs (or it has no address).
            let re = pick(rng, NAME_REGEXES);
            let re = if action == "labelkeep" { format!("{re}|__.*") } else { re.to_string() };
            field("regex", quoted(&re));
        }
        _ => {
            field("source_labels", src);
            field("target_label", pick(rng, &["t", "version", "a", "env"]).to_string());
        }
    }
    // Now and then a mistake Prometheus refuses (or a field it tolerates).
    if rng.below(40) == 0 {
        let oops = ["separator: \"/\"", "modulus: 3", "replacement: x", "regex: \"(.*)\"", "target_label: y"];
        lines.push(pick(rng, &oops).to_string());
    }
    let mut text = String::new();
    for (i, l) in lines.iter().enumerate() {
        text.push_str(if i == 0 { "- " } else { "  " });
        text.push_str(l);
        text.push('\n');
    }
    text
}

/// A label set: a few of the names with random values (the rest are missing).
fn labels(rng: &mut Rng) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for name in NAMES {
        if rng.below(3) > 0 {
            out.insert(name.to_string(), pick(rng, VALUES).to_string());
        }
    }
    out
}

/// `configs` generated configs with `per_config` label sets each.
pub fn cases(seed: u64, configs: usize, per_config: usize) -> Vec<Case> {
    let mut rng = Rng::new(seed);
    (0..configs)
        .map(|_| {
            let rules: String = (0..=rng.below(4)).map(|_| rule(&mut rng)).collect();
            Case { rules, inputs: (0..per_config).map(|_| labels(&mut rng)).collect() }
        })
        .collect()
}
