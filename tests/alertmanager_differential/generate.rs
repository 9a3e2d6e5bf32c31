//! Generated routing trees and label sets for the amtool comparison: trees of 1–3 levels whose
//! nodes use every matcher form (`match`, `match_re`, `matchers` with each operator, quoted or
//! not, braced or not), `continue`, `group_by` and receivers set or inherited; label sets drawn
//! from the same vocabulary, with values that match, values that do not, and missing labels.

use promql_playground::content::generator::prng::Rng;

/// Label names and the values they take.
pub const VOCABULARY: &[(&str, &[&str])] = &[
    ("alertname", &["ModelHighErrorRate", "ModelNoPredictions", "PlatformHighErrorRate", "Other"]),
    ("severity", &["critical", "warning", "info"]),
    ("model", &["fraud-detector", "recommender", "search-ranker"]),
    ("component", &["model-serving", "platform", "slo"]),
    ("env", &["prod", "staging"]),
];

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[(rng.next_u64() % items.len() as u64) as usize]
}

fn chance(rng: &mut Rng, p: f64) -> bool {
    rng.unit() < p
}

/// One matcher in a random form, as a YAML fragment kind and text.
enum Form {
    Match(String, String),
    MatchRe(String, String),
    Matcher(String),
}

fn random_matcher(rng: &mut Rng) -> Form {
    let (name, values) = *pick(rng, VOCABULARY);
    let value = *pick(rng, values);
    match rng.next_u64() % 6 {
        0 => Form::Match(name.into(), value.into()),
        1 => {
            let other = *pick(rng, values);
            Form::MatchRe(name.into(), format!("{value}|{other}"))
        }
        2 => Form::Matcher(format!("{name}=\"{value}\"")),
        3 => Form::Matcher(format!("{name}!={value}")),
        4 => Form::Matcher(format!("{name}=~\"{}.*\"", &value[..3.min(value.len())])),
        _ => Form::Matcher(format!("{{{name}!~\"{value}|x\"}}")),
    }
}

/// Appends a route at `indent` (its `- ` included) and its children.
fn route(rng: &mut Rng, out: &mut String, indent: usize, depth: usize, receivers: &[String]) {
    let pad = " ".repeat(indent);
    out.push_str(&format!("{pad}- "));
    let inner = " ".repeat(indent + 2);
    let mut first = true;
    let mut line = |out: &mut String, text: String| {
        if first {
            out.push_str(&text);
            first = false;
        } else {
            out.push_str(&format!("{inner}{text}"));
        }
        out.push('\n');
    };
    let (mut equal, mut regex, mut listed) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..1 + rng.next_u64() % 2 {
        match random_matcher(rng) {
            Form::Match(n, v) if !equal.iter().any(|(k, _)| *k == n) => equal.push((n, v)),
            Form::MatchRe(n, v) if !regex.iter().any(|(k, _)| *k == n) => regex.push((n, v)),
            Form::Matcher(m) => listed.push(m),
            _ => {}
        }
    }
    if !equal.is_empty() {
        let body: Vec<String> = equal.iter().map(|(n, v)| format!("{n}: '{v}'")).collect();
        line(out, format!("match: {{{}}}", body.join(", ")));
    }
    if !regex.is_empty() {
        let body: Vec<String> = regex.iter().map(|(n, v)| format!("{n}: '{v}'")).collect();
        line(out, format!("match_re: {{{}}}", body.join(", ")));
    }
    if !listed.is_empty() {
        let body: Vec<String> = listed.iter().map(|m| format!("'{m}'")).collect();
        line(out, format!("matchers: [{}]", body.join(", ")));
    }
    if equal.is_empty() && regex.is_empty() && listed.is_empty() {
        line(out, "matchers: ['env=\"prod\"']".into());
    }
    if chance(rng, 0.7) {
        line(out, format!("receiver: {}", pick(rng, receivers)));
    }
    if chance(rng, 0.35) {
        line(out, "continue: true".into());
    }
    if chance(rng, 0.3) {
        line(out, "group_by: [model]".into());
    }
    if depth < 2 && chance(rng, 0.4) {
        line(out, "routes:".into());
        for _ in 0..1 + rng.next_u64() % 3 {
            route(rng, out, indent + 2, depth + 1, receivers);
        }
    }
}

/// A complete configuration with a random tree under the root.
pub fn config(seed: u64) -> String {
    let mut rng = Rng::stream(seed, "routing-tree");
    let receivers: Vec<String> = (0..5).map(|i| format!("team-{i}")).collect();
    let mut out = String::from("route:\n  receiver: team-0\n  group_by: [alertname]\n  routes:\n");
    for _ in 0..2 + rng.next_u64() % 3 {
        route(&mut rng, &mut out, 2, 0, &receivers);
    }
    out.push_str("receivers:\n");
    for r in &receivers {
        out.push_str(&format!("- name: {r}\n"));
    }
    out
}

/// `n` label sets as `name=value` arguments.
pub fn label_sets(seed: u64, n: usize) -> Vec<Vec<String>> {
    let mut rng = Rng::stream(seed, "label-sets");
    (0..n)
        .map(|_| {
            let mut set = Vec::new();
            for (name, values) in VOCABULARY {
                if chance(&mut rng, 0.75) {
                    let value = if chance(&mut rng, 0.1) { "unknown" } else { *pick(&mut rng, values) };
                    set.push(format!("{name}={value}"));
                }
            }
            set
        })
        .collect()
}
