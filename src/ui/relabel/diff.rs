//! How a trace step shows what a rule did: the labels after it, each marked kept, added,
//! changed or (struck through) removed. Pure, so it is tested natively.

/// What happened to one label in a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Kept,
    Added,
    Changed,
    Removed,
}

impl Mark {
    /// The CSS class of the chip.
    pub fn class(self) -> &'static str {
        match self {
            Mark::Kept => "label-chip",
            Mark::Added => "label-chip added",
            Mark::Changed => "label-chip changed",
            Mark::Removed => "label-chip removed",
        }
    }
}

/// The labels of `after` against `before` (both sorted by name), removed ones included, in
/// name order.
pub fn diff(before: &[(String, String)], after: &[(String, String)]) -> Vec<(String, String, Mark)> {
    let mut out = Vec::with_capacity(before.len().max(after.len()));
    let (mut i, mut j) = (0, 0);
    while i < before.len() || j < after.len() {
        match (before.get(i), after.get(j)) {
            (Some(b), Some(a)) if b.0 == a.0 => {
                let mark = if b.1 == a.1 { Mark::Kept } else { Mark::Changed };
                out.push((a.0.clone(), a.1.clone(), mark));
                i += 1;
                j += 1;
            }
            (Some(b), Some(a)) if b.0 < a.0 => {
                out.push((b.0.clone(), b.1.clone(), Mark::Removed));
                i += 1;
            }
            (Some(b), None) => {
                out.push((b.0.clone(), b.1.clone(), Mark::Removed));
                i += 1;
            }
            (_, Some(a)) => {
                out.push((a.0.clone(), a.1.clone(), Mark::Added));
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// Reads a label set typed as `{a="b", c="d"}`, `name{a="b"}` or JSON `{"a":"b"}`.
pub fn parse_labels(text: &str) -> Result<Vec<(String, String)>, String> {
    let t = text.trim();
    if let Ok(map) = serde_json::from_str::<std::collections::BTreeMap<String, String>>(t) {
        return Ok(map.into_iter().collect());
    }
    let (name, rest) = match t.find('{') {
        Some(i) => (t[..i].trim(), &t[i..]),
        None => (t, ""),
    };
    let mut out = Vec::new();
    if !name.is_empty() {
        out.push(("__name__".to_string(), name.to_string()));
    }
    let body = rest.strip_prefix('{').and_then(|r| r.strip_suffix('}'));
    let Some(body) = body.or((rest.is_empty()).then_some("")) else {
        return Err("write labels as {name=\"value\", ...} or as a JSON object".into());
    };
    let mut chars = body.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let key: String =
            std::iter::from_fn(|| chars.next_if(|c| c.is_alphanumeric() || *c == '_' || *c == '.')).collect();
        if key.is_empty() {
            break;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') || chars.next() != Some('"') {
            return Err(format!("expected =\"value\" after {key}"));
        }
        let mut value = String::new();
        loop {
            match chars.next() {
                Some('"') => break,
                Some('\\') => match chars.next() {
                    Some('n') => value.push('\n'),
                    Some(c) => value.push(c),
                    None => return Err("unterminated value".into()),
                },
                Some(c) => value.push(c),
                None => return Err(format!("the value of {key} is not closed with \"")),
            }
        }
        out.push((key, value));
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn marks_every_change() {
        let before = pairs(&[("a", "1"), ("b", "2"), ("d", "4")]);
        let after = pairs(&[("a", "1"), ("b", "3"), ("c", "x")]);
        let got: Vec<(String, Mark)> = diff(&before, &after).into_iter().map(|(n, _, m)| (n, m)).collect();
        assert_eq!(
            got,
            vec![
                ("a".into(), Mark::Kept),
                ("b".into(), Mark::Changed),
                ("c".into(), Mark::Added),
                ("d".into(), Mark::Removed)
            ]
        );
    }

    #[test]
    fn reads_typed_label_sets() {
        assert_eq!(
            parse_labels(r#"up{job="a", version="v1.2.3"}"#).unwrap(),
            pairs(&[("__name__", "up"), ("job", "a"), ("version", "v1.2.3")])
        );
        assert_eq!(parse_labels(r#"{"b":"2","a":"1"}"#).unwrap(), pairs(&[("a", "1"), ("b", "2")]));
        assert!(parse_labels(r#"{a="1"#).is_err());
        assert!(parse_labels("{a=1}").is_err());
    }
}
