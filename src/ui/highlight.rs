//! Syntax highlighting for the query editor: the query cut into runs of text, each with the
//! CSS class of its token, and the runs a parse error points at marked.

use crate::assist::tokenize;

/// A run of query text and its CSS classes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub class: String,
}

/// The class a run inside the parse error's span also gets.
pub const ERROR_CLASS: &str = "tok-at-error";

/// A byte range of the query to underline with a class (a lint finding's squiggle).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub start: usize,
    pub end: usize,
    pub class: &'static str,
}

/// Cuts `src` into highlighted runs; runs overlapping `error` (a byte range) are marked. A
/// zero-width or end-of-input error adds a marker run so the position stays visible.
pub fn runs(src: &str, error: Option<(usize, usize)>) -> Vec<Run> {
    runs_marked(src, error, &[])
}

/// [`runs`], with the tokens overlapping each of `marks` also given its class (the first
/// mark's when several overlap: callers list the worst first).
pub fn runs_marked(src: &str, error: Option<(usize, usize)>, marks: &[Mark]) -> Vec<Run> {
    let overlaps = |start: usize, end: usize, s: usize, e: usize| start < e.max(s + 1) && end > s;
    let mut out: Vec<Run> = tokenize(src)
        .iter()
        .map(|t| {
            let mut class = t.kind.css_class().to_string();
            if let Some((s, e)) = error {
                if overlaps(t.start, t.end, s, e) {
                    class.push(' ');
                    class.push_str(ERROR_CLASS);
                }
            }
            // Whitespace and comments stay plain: a squiggle under a gap reads as noise.
            let blank = t.text(src).trim().is_empty();
            if let Some(m) = marks.iter().find(|m| !blank && overlaps(t.start, t.end, m.start, m.end)) {
                class.push(' ');
                class.push_str(m.class);
            }
            Run { text: t.text(src).to_string(), class }
        })
        .collect();
    if let Some((s, _)) = error {
        if s >= src.trim_end().len() {
            out.push(Run { text: " ".into(), class: format!("tok-end {ERROR_CLASS}") });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_the_query() {
        for q in ["", "up", "rate(x{a=\"b\"}[5m]) > 1", "sum by (a) (x) # note\n+ 1", "\u{e9}t\u{e9}"] {
            let text: String = runs(q, None).into_iter().map(|r| r.text).collect();
            assert_eq!(text, q);
        }
    }

    #[test]
    fn error_span_is_marked() {
        let r = runs("sum(x", Some((5, 5)));
        assert!(r.last().is_some_and(|r| r.class.contains(ERROR_CLASS)), "{r:?}");
        let r = runs("a + * b", Some((4, 5)));
        let marked: Vec<&str> =
            r.iter().filter(|r| r.class.contains(ERROR_CLASS)).map(|r| r.text.as_str()).collect();
        assert_eq!(marked, ["*"]);
    }

    #[test]
    fn marks_underline_the_tokens_they_cover() {
        let marks = [Mark { start: 4, end: 27, class: "lint-bug" }];
        let r = runs_marked("sum(model_predictions_total) + 1", None, &marks);
        let marked: Vec<&str> =
            r.iter().filter(|r| r.class.contains("lint-bug")).map(|r| r.text.as_str()).collect();
        assert_eq!(marked, ["model_predictions_total"]);
    }
}
