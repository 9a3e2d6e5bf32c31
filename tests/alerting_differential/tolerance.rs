//! The one disagreement with promtool 2.42 the differential tolerates, and why.
//!
//! promtool 2.42 loads input series from a Go map, so the order in which `sum` adds series
//! (in storage order, without compensation) changes from run to run: the same file gives
//! `39.416666666666664` once and `39.41666666666667` the next time. promplay adds in label
//! order. An annotation that prints such a value can therefore differ in its last printed
//! digit (a full-precision `{{ $value }}` by a few units in the last place, a `humanize`
//! output at a rounding tie by one). Such a failure passes here only when the alert's labels
//! agree exactly and every differing annotation differs only in numbers within one unit of
//! their last printed digit; anything else — a missing or extra alert, another state, other
//! labels, other text — fails the test.

/// One alert as promtool prints it: `Labels:{...}` and `Annotations:{...}`.
#[derive(Debug, PartialEq)]
struct Printed {
    labels: String,
    annotations: Vec<(String, String)>,
}

/// Splits promtool's failure output into blocks and returns the ones not explained by the
/// summation order (empty: every failure is tolerated), and how many were tolerated.
pub fn unexplained(output: &str) -> (Vec<String>, usize) {
    let mut bad = Vec::new();
    let mut tolerated = 0;
    let body = output.split_once("FAILED:").map_or(output, |(_, b)| b);
    for block in blocks(body).iter().map(|b| b.trim()).filter(|b| !b.is_empty()) {
        match alert_block(block) {
            Some((exp, got)) if same_but_last_digits(&exp, &got) => tolerated += 1,
            _ => bad.push(block.to_string()),
        }
    }
    (bad, tolerated)
}

/// promtool's failures, one per block: each starts with `name:` (a named test group), or
/// with `alertname:`, `expr:` or `rule:` (its errors go to stderr, the blank lines between
/// them to stdout, so blank lines cannot be relied on).
fn blocks(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut after_name = false;
    for line in body.lines() {
        let t = line.trim_start();
        let starts = t.starts_with("name: ")
            || (!after_name
                && (t.starts_with("alertname: ") || t.starts_with("expr: ") || t.starts_with("rule: ")));
        after_name = t.starts_with("name: ");
        if starts || out.is_empty() {
            out.push(String::new());
        }
        if let Some(b) = out.last_mut() {
            b.push_str(line);
            b.push('\n');
        }
    }
    out
}

/// The expected and got alerts of an `alertname:` failure block.
fn alert_block(block: &str) -> Option<(Vec<Printed>, Vec<Printed>)> {
    if !block.lines().any(|l| l.trim_start().starts_with("alertname:")) {
        return None;
    }
    let (exp, got) = block.split_once("got:")?;
    Some((printed(exp.split_once("exp:")?.1), printed(got)))
}

fn printed(text: &str) -> Vec<Printed> {
    let mut out = Vec::new();
    let mut labels = None;
    for line in text.lines().map(str::trim) {
        if let Some(l) = line.strip_prefix("Labels:") {
            labels = Some(l.to_string());
        } else if let (Some(a), Some(l)) = (line.strip_prefix("Annotations:"), labels.take()) {
            out.push(Printed { labels: l, annotations: pairs(a) });
        }
    }
    out
}

/// `{a="x", b="y"}` with Go's quoting.
fn pairs(text: &str) -> Vec<(String, String)> {
    let inner = text.trim().trim_start_matches('{').trim_end_matches('}');
    let mut out = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        let name: String = chars
            .by_ref()
            .take_while(|c| *c != '=')
            .collect::<String>()
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_string();
        if name.is_empty() || chars.next() != Some('"') {
            break;
        }
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some(other) => value.push(other),
                    None => {}
                },
                c => value.push(c),
            }
        }
        out.push((name, value));
    }
    out
}

fn same_but_last_digits(exp: &[Printed], got: &[Printed]) -> bool {
    exp.len() == got.len()
        && exp.iter().zip(got).all(|(e, g)| {
            e.labels == g.labels
                && e.annotations.len() == g.annotations.len()
                && e.annotations
                    .iter()
                    .zip(&g.annotations)
                    .all(|((en, ev), (gn, gv))| en == gn && close_text(ev, gv))
        })
}

/// Equal texts, or texts that differ only in numbers within one unit of their last printed
/// digit (or four units in the last place of a double).
fn close_text(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (ta, na) = numbers(a);
    let (tb, nb) = numbers(b);
    ta == tb
        && na.len() == nb.len()
        && na.iter().zip(&nb).all(|(x, y)| {
            let (vx, vy) = (x.parse::<f64>().unwrap_or(f64::NAN), y.parse::<f64>().unwrap_or(f64::NAN));
            let unit = last_digit_unit(x).max(last_digit_unit(y));
            let ulps = 4.0 * f64::EPSILON * vx.abs().max(vy.abs());
            (vx - vy).abs() <= unit.max(ulps) * 1.000_001
        })
}

/// The text with every number replaced by `#`, and the numbers.
fn numbers(s: &str) -> (String, Vec<String>) {
    let mut skeleton = String::new();
    let mut found = Vec::new();
    let mut current = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() || (c == '.' && !current.is_empty()) {
            current.push(c);
        } else {
            if !current.is_empty() {
                skeleton.push('#');
                found.push(std::mem::take(&mut current));
            }
            skeleton.push(c);
        }
    }
    if !current.is_empty() {
        skeleton.push('#');
        found.push(current);
    }
    (skeleton, found)
}

/// The value of one unit in the last printed digit of `n` (`38.52` → 0.01).
fn last_digit_unit(n: &str) -> f64 {
    match n.split_once('.') {
        Some((_, frac)) => 10f64.powi(-(frac.len() as i32)),
        None => 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_last_digit_differences_pass() {
        assert!(close_text("fraud-detector is at 38.52", "fraud-detector is at 38.53"));
        assert!(close_text(
            "Current traffic 47.81842975206611 deviates",
            "Current traffic 47.81842975206612 deviates"
        ));
        assert!(close_text("traffic 5.6677685950413235 x", "traffic 5.667768595041325 x"));
        assert!(!close_text("at 38.52", "at 38.54"));
        assert!(!close_text("at 38.52 MB", "at 38.52 GB"));
        let block = "name: w,\n    alertname: A, time: 1m, \n        exp:[\n            0:\n              Labels:{alertname=\"A\"}\n              Annotations:{s=\"at 1.5\"}\n            ], \n        got:[\n            0:\n              Labels:{alertname=\"A\"}\n              Annotations:{s=\"at 1.6\"}\n            ]";
        assert_eq!(unexplained(block).1, 1);
        let other = block.replace(
            "Labels:{alertname=\"A\"}\n              Annotations:{s=\"at 1.6\"}",
            "Labels:{alertname=\"B\"}\n              Annotations:{s=\"at 1.6\"}",
        );
        assert_eq!(unexplained(&other).0.len(), 1);
    }
}
