//! Context-aware completion: given the query text and the cursor, which words fit there
//! (label names inside `{`, values after `label=`, label names after `by (`, durations inside
//! `[`, operators and keywords after a complete expression, otherwise functions, aggregations
//! and metric names), and which span of text a chosen word replaces.

use super::catalog::{Catalog, Word, AGGREGATIONS, DURATIONS, FUNCTIONS, KEYWORDS};
use super::lexer::{tokenize_with_end, Nesting, Token, TokenKind};

/// Kinds of completion candidates (the editor shows an icon/colour per kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Function,
    Aggregation,
    Keyword,
    Metric,
    LabelName,
    LabelValue,
    Duration,
}

/// One candidate: what the list shows, what is inserted, and a one-line help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub insert: String,
    pub kind: ItemKind,
    pub detail: String,
}

/// Candidates plus the byte range `[from, to)` of the query a chosen candidate replaces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    pub from: usize,
    pub to: usize,
    pub items: Vec<Item>,
}

/// Most candidates returned (the dropdown scrolls; more is noise).
const MAX_ITEMS: usize = 200;

/// Completion candidates at byte offset `cursor` of `src` (clamped to the text and to a
/// character boundary).
pub fn complete(src: &str, cursor: usize, catalog: &Catalog) -> Completion {
    let mut cursor = cursor.min(src.len());
    while !src.is_char_boundary(cursor) {
        cursor -= 1;
    }
    let before = &src[..cursor];
    let (toks, nesting) = tokenize_with_end(before);
    let last = toks.last().copied();
    let sig: Vec<Token> =
        toks.iter().copied().filter(|t| !matches!(t.kind, TokenKind::Space | TokenKind::Comment)).collect();
    let ends_in_space = last.is_some_and(|t| t.kind == TokenKind::Space);

    // The word being typed (if the cursor touches one) is the prefix and the replaced span.
    let typing = last.filter(|t| is_wordlike(t.kind));
    let (from, prefix) = match typing {
        Some(t) => (t.start, t.text(before)),
        None => (cursor, ""),
    };
    let prev = if typing.is_some() { sig.len().checked_sub(2).map(|i| sig[i]) } else { sig.last().copied() };

    // Inside a (possibly unterminated) string after a matcher: label values.
    if let Some(t) = last.filter(|t| matches!(t.kind, TokenKind::String | TokenKind::Error)) {
        let text = t.text(before);
        let quote = text.chars().next().filter(|q| matches!(q, '"' | '\'' | '`'));
        let open = t.kind == TokenKind::Error;
        if let (Some(q), true) = (quote, open && t.nesting == Nesting::Braces) {
            let label = matcher_label(&sig, sig.len().saturating_sub(1), before);
            let metric = selector_metric(&sig, before);
            let prefix = &text[1..];
            let items = values(catalog, metric, label.unwrap_or(""), prefix, &|v| format!("{v}{q}"));
            return Completion { from: t.start + 1, to: cursor, items };
        }
        return Completion { from: cursor, to: cursor, items: Vec::new() };
    }

    let items = match nesting {
        Nesting::Braces => {
            if prev.is_some_and(|p| p.kind == TokenKind::MatchOp) && typing.is_none() {
                let label = matcher_label(&sig, sig.len().saturating_sub(1), before);
                let metric = selector_metric(&sig, before);
                values(catalog, metric, label.unwrap_or(""), "", &|v| format!("\"{v}\""))
            } else if prev.is_none_or(|p| p.kind == TokenKind::Punct) {
                let metric = selector_metric(&sig, before);
                rank(
                    catalog.label_names(metric).into_iter().map(|n| item(n, n, ItemKind::LabelName, "label")),
                    prefix,
                )
            } else {
                Vec::new()
            }
        }
        Nesting::LabelList => {
            // Metrics anywhere in the query count: `sum by (|) (metric)` names it after the cursor.
            let whole = tokenize_with_end(src).0;
            let metrics = metrics_in(&whole, src, catalog);
            let mut names: Vec<&str> = Vec::new();
            if metrics.is_empty() {
                names = catalog.label_names(None);
            }
            for m in &metrics {
                names.extend(catalog.label_names(Some(m)));
            }
            names.sort_unstable();
            names.dedup();
            rank(names.into_iter().map(|n| item(n, n, ItemKind::LabelName, "label")), prefix)
        }
        Nesting::Brackets => {
            // Complete a half-typed duration (`[5` → 5m) or offer the usual ones.
            let typed =
                last.filter(|t| matches!(t.kind, TokenKind::Number | TokenKind::Duration | TokenKind::Error));
            let (from, prefix) = match typed {
                Some(t) => (t.start, t.text(before)),
                None => (cursor, ""),
            };
            let items = rank(words(DURATIONS, ItemKind::Duration), prefix);
            return Completion { from, to: cursor, items };
        }
        Nesting::Expr => {
            let after_expr = prev.is_some_and(|p| ends_expression(p, before));
            if after_expr && (ends_in_space || typing.is_some()) {
                rank(words(KEYWORDS, ItemKind::Keyword), prefix)
            } else if after_expr {
                Vec::new()
            } else {
                // The dataset's metrics first: they are what a learner explores.
                let mut all: Vec<Item> = catalog
                    .metrics()
                    .map(|m| item(m, m, ItemKind::Metric, catalog.metric_detail(m)))
                    .collect();
                all.extend(words(AGGREGATIONS, ItemKind::Aggregation));
                all.extend(words(FUNCTIONS, ItemKind::Function));
                rank(all, prefix)
            }
        }
    };
    Completion { from, to: cursor, items }
}

/// The byte offset in `text` of a position counted in UTF-16 code units (what the DOM's
/// selection APIs report), clamped to the text.
pub fn utf16_to_byte(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (i, ch) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += ch.len_utf16();
    }
    text.len()
}

fn is_wordlike(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Metric
            | TokenKind::Function
            | TokenKind::Aggregation
            | TokenKind::Keyword
            | TokenKind::LabelName
    )
}

/// True when `t` can end an operand, so a binary operator or keyword may follow.
fn ends_expression(t: Token, src: &str) -> bool {
    match t.kind {
        TokenKind::Metric | TokenKind::Number | TokenKind::String | TokenKind::Duration => true,
        TokenKind::Punct => matches!(t.text(src), ")" | "}" | "]"),
        _ => false,
    }
}

/// The label name of the matcher whose operator is at or before `sig[i]`.
fn matcher_label<'a>(sig: &[Token], i: usize, src: &'a str) -> Option<&'a str> {
    let op = (0..=i.min(sig.len().saturating_sub(1))).rev().find(|&j| sig[j].kind == TokenKind::MatchOp)?;
    let name = sig.get(op.checked_sub(1)?)?;
    (name.kind == TokenKind::LabelName).then(|| name.text(src))
}

/// The metric name of the selector whose `{` is open at the end of `sig`, if written.
fn selector_metric<'a>(sig: &[Token], src: &'a str) -> Option<&'a str> {
    let open = sig.iter().rposition(|t| t.nesting != Nesting::Braces && t.text(src) == "{")?;
    let m = sig.get(open.checked_sub(1)?)?;
    (m.kind == TokenKind::Metric).then(|| m.text(src))
}

/// Metric names written in the query that the dataset knows (for `by (` label names).
fn metrics_in<'a>(sig: &[Token], src: &'a str, catalog: &Catalog) -> Vec<&'a str> {
    let mut out: Vec<&str> = sig
        .iter()
        .filter(|t| t.kind == TokenKind::Metric)
        .map(|t| t.text(src))
        .filter(|m| catalog.has_metric(m))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn values(
    catalog: &Catalog,
    metric: Option<&str>,
    label: &str,
    prefix: &str,
    insert: &dyn Fn(&str) -> String,
) -> Vec<Item> {
    let vals = catalog.label_values(metric, label);
    rank(
        vals.into_iter().map(|v| Item {
            label: v.to_string(),
            insert: insert(v),
            kind: ItemKind::LabelValue,
            detail: label.to_string(),
        }),
        prefix,
    )
}

fn item(label: &str, insert: &str, kind: ItemKind, detail: &str) -> Item {
    Item { label: label.to_string(), insert: insert.to_string(), kind, detail: detail.to_string() }
}

fn words(list: &[Word], kind: ItemKind) -> Vec<Item> {
    list.iter().map(|w| item(w.name, w.name, kind, w.detail)).collect()
}

/// Keeps the candidates that match `prefix` (case-insensitive): prefix matches first, then
/// substring matches, each group in its original order; capped at [`MAX_ITEMS`].
fn rank(items: impl IntoIterator<Item = Item>, prefix: &str) -> Vec<Item> {
    let p = prefix.to_lowercase();
    let (mut starts, mut contains) = (Vec::new(), Vec::new());
    for it in items {
        let l = it.label.to_lowercase();
        if l.starts_with(&p) {
            starts.push(it);
        } else if l.contains(&p) {
            contains.push(it);
        }
    }
    starts.extend(contains);
    starts.truncate(MAX_ITEMS);
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Labels, Storage};

    fn catalog() -> Catalog {
        let mut st = Storage::new();
        let series: &[&[(&str, &str)]] = &[
            &[("__name__", "model_predictions_total"), ("model", "fraud-detector"), ("version", "v2")],
            &[("__name__", "model_predictions_total"), ("model", "recommender"), ("version", "v1")],
            &[("__name__", "model_memory_usage_bytes"), ("model", "recommender"), ("pod", "rec-0")],
            &[("__name__", "container_cpu_usage_seconds_total"), ("container", "model-server")],
        ];
        for (i, s) in series.iter().enumerate() {
            st.add(&Labels::from_pairs(s.iter().copied()), 0, i as f64).expect("fresh series");
        }
        Catalog::from_storage(&st)
    }

    /// `|` marks the cursor.
    fn labels_at(src_with_cursor: &str) -> (Vec<String>, String) {
        let cursor = src_with_cursor.find('|').expect("cursor mark");
        let src = src_with_cursor.replace('|', "");
        let c = complete(&src, cursor, &catalog());
        let replaced = src[c.from..c.to].to_string();
        (c.items.into_iter().map(|i| i.insert).collect(), replaced)
    }

    #[test]
    fn completes_by_context() {
        let table: &[(&str, &[&str], &str)] = &[
            ("model_pre|", &["model_predictions_total"], "model_pre"),
            ("model_predictions_total{|", &["model", "version"], ""),
            ("model_predictions_total{model=\"fraud-detector\", v|", &["version"], "v"),
            ("model_predictions_total{model=|", &["\"fraud-detector\"", "\"recommender\""], ""),
            ("model_predictions_total{model=~\"re|", &["recommender\""], "re"),
            ("model_memory_usage_bytes{model=\"|", &["recommender\""], ""),
            ("sum by (|) (model_memory_usage_bytes)", &["model", "pod"], ""),
            ("rate(model_predictions_total[|", &["1m", "5m", "10m", "15m", "30m", "1h", "6h", "1d"], ""),
            ("rate(model_predictions_total[1|", &["1m", "10m", "15m", "1h", "1d"], "1"),
            (
                "model_predictions_total o|",
                &["offset", "on", "or", "bool", "group_left", "group_right", "ignoring", "without"],
                "o",
            ),
            ("histogram_q|", &["histogram_quantile"], "histogram_q"),
            ("container_cpu_usage_seconds_total{|", &["container"], ""),
        ];
        for (src, want, replaced) in table {
            let (got, rep) = labels_at(src);
            assert_eq!(got, *want, "{src}");
            assert_eq!(rep, *replaced, "{src}");
        }
    }

    #[test]
    fn expression_start_offers_functions_and_metrics() {
        let (got, _) = labels_at("sum(|");
        assert!(got.contains(&"rate".to_string()));
        assert!(got.contains(&"model_predictions_total".to_string()));
        assert!(got.contains(&"topk".to_string()));
    }

    #[test]
    fn metric_types_come_from_the_dataset_s_metadata() {
        use crate::content::dataset::{DatasetMeta, MetricType};
        let mut st = Storage::new();
        for name in [
            "model_input_features_count",
            "model_predictions_total",
            "latency_seconds_bucket",
            "latency_seconds_count",
            "model:predictions:rate5m",
            "undeclared_total",
        ] {
            st.add(&Labels::from_pairs([("__name__", name)]), 0, 1.0).expect("fresh series");
        }
        let meta = DatasetMeta::declaring(&[
            ("model_input_features_count", MetricType::Gauge, "Size of the feature vector."),
            ("model_predictions_total", MetricType::Counter, ""),
            ("latency_seconds", MetricType::Histogram, "Latency."),
        ]);
        let cat = Catalog::from_storage(&st).with_metadata(&meta);
        let detail = |name: &str| {
            let c = complete(name, name.len(), &cat);
            c.items.into_iter().find(|i| i.label == name).map(|i| i.detail).expect(name)
        };
        assert_eq!(detail("model_input_features_count"), "gauge: Size of the feature vector.");
        assert_eq!(detail("model_predictions_total"), "counter");
        assert_eq!(detail("latency_seconds_bucket"), "histogram buckets (counters by le): Latency.");
        assert_eq!(detail("latency_seconds_count"), "histogram count (counter): Latency.");
        assert_eq!(detail("model:predictions:rate5m"), "recorded series");
        assert_eq!(detail("undeclared_total"), "no type in the dataset's metadata");
    }

    #[test]
    fn utf16_positions() {
        for (text, utf16, byte) in [("abc", 2, 2), ("\u{e9}{x", 1, 2), ("\u{1f600}x", 2, 4), ("ab", 9, 2)] {
            assert_eq!(utf16_to_byte(text, utf16), byte, "{text}");
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        let cat = catalog();
        for src in ["", "{", "}", "x{=", "x{a=\"é", "é", "[[", "by (", "x{a=\"b\"}[5m] offset "] {
            for cursor in 0..=src.len() + 2 {
                let c = complete(src, cursor, &cat);
                assert!(c.from <= c.to && c.to <= src.len(), "{src} @ {cursor}");
            }
        }
    }
}
