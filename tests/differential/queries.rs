//! Query files: one PromQL query per line, `#` comments, and axes for generated queries.
//!
//! A line `@name: a; b; c` defines an axis; a later query line that mentions `{name}` stands for
//! one query per value (several axes give their cartesian product). That is how a few lines
//! systematically combine functions × selectors × aggregations × ranges.

use std::collections::BTreeSet;
use std::path::Path;

/// One query to compare, with where it was written.
#[derive(Clone, Debug)]
pub struct Query {
    pub origin: String,
    pub text: String,
}

impl Query {
    /// True when the result order is defined by the query (sorting functions), so order counts.
    pub fn ordered(&self) -> bool {
        promql_playground::remote::diff::is_ordered(&self.text)
    }
}

/// Expands the `{axis}` placeholders of `line` over every combination of axis values.
fn expand(line: &str, axes: &[(String, Vec<String>)]) -> Result<Vec<String>, String> {
    let mut out = vec![line.to_string()];
    for (name, values) in axes {
        let key = format!("{{{name}}}");
        if !line.contains(&key) {
            continue;
        }
        out = out.iter().flat_map(|q| values.iter().map(|v| q.replace(&key, v))).collect();
    }
    // `{word}` is never valid PromQL (a matcher needs an operator): a leftover is a typo.
    let leftover = regex::Regex::new(r"\{[A-Za-z_][A-Za-z0-9_]*\}").map_err(|e| e.to_string())?;
    if let Some(q) = out.iter().find(|q| leftover.is_match(q)) {
        return Err(format!("unknown axis in {q}"));
    }
    Ok(out)
}

/// Parses one query file.
pub fn parse_file(name: &str, text: &str) -> Result<Vec<Query>, String> {
    let mut axes: Vec<(String, Vec<String>)> = Vec::new();
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let origin = format!("{name}:{}", i + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(def) = line.strip_prefix('@') {
            let (axis, values) = def.split_once(':').ok_or_else(|| format!("{origin}: axis needs `:`"))?;
            let values: Vec<String> = values.split(';').map(|v| v.trim().to_string()).collect();
            axes.retain(|(n, _)| n != axis.trim());
            axes.push((axis.trim().to_string(), values));
            continue;
        }
        for text in expand(line, &axes).map_err(|e| format!("{origin}: {e}"))? {
            out.push(Query { origin: origin.clone(), text });
        }
    }
    Ok(out)
}

/// All queries of the `*.txt` files in `dirs`, in file order, each distinct text once.
pub fn load(dirs: &[&Path]) -> Result<Vec<Query>, String> {
    let mut files = Vec::new();
    for dir in dirs {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for e in entries {
            let p = e.map_err(|e| e.to_string())?.path();
            if p.extension().is_some_and(|x| x == "txt") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for q in parse_file(&name, &text)? {
            if seen.insert(q.text.clone()) {
                out.push(q);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_expand_to_the_cartesian_product() {
        let text = "# c\n@f: rate; increase\n@r: 1m; 5m\n{f}(x[{r}])\nplain\n@f: delta\n{f}(y[{r}])\n";
        let got: Vec<String> = parse_file("t", text).unwrap().into_iter().map(|q| q.text).collect();
        assert_eq!(
            got,
            [
                "rate(x[1m])",
                "rate(x[5m])",
                "increase(x[1m])",
                "increase(x[5m])",
                "plain",
                "delta(y[1m])",
                "delta(y[5m])"
            ]
        );
    }

    #[test]
    fn unknown_axis_is_an_error() {
        assert!(parse_file("t", "@a: 1\n{nope}(x)\n").is_err());
    }
}
