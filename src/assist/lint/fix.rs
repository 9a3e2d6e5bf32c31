//! Fixes as text edits, and the edits the checks make: wrap a counter in `rate()`, change a
//! range, rename a function, rewrite what follows a binary operator. Edits work on the
//! query's own text so the rest of it keeps the learner's layout.

use serde::{Deserialize, Serialize};

use crate::engine::parse::lex::{lex, Kind, Token};
use crate::rules::duration;

/// Replace bytes `[start, end)` with `text`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A mechanical change that resolves a finding: what it does, in a few words, and its edits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub title: String,
    /// Non-overlapping edits.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix { title: title.into(), edits }
    }

    /// One edit replacing `span` with `text`.
    pub fn replace(title: impl Into<String>, span: (usize, usize), text: impl Into<String>) -> Fix {
        Fix::new(title, vec![Edit { start: span.0, end: span.1, text: text.into() }])
    }

    /// `text` with the edits applied (edits out of range or splitting a character are
    /// skipped rather than trusted).
    pub fn apply(&self, text: &str) -> String {
        let mut edits = self.edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.start));
        let mut out = text.to_string();
        for e in edits {
            if e.start <= e.end
                && e.end <= out.len()
                && out.is_char_boundary(e.start)
                && out.is_char_boundary(e.end)
            {
                out.replace_range(e.start..e.end, &e.text);
            }
        }
        out
    }
}

/// The tokens of `src` inside `span`.
pub fn tokens_in(src: &str, span: (usize, usize)) -> Vec<Token> {
    let (tokens, _) = lex(src);
    tokens.into_iter().filter(|t| t.kind != Kind::Eof && t.start >= span.0 && t.end <= span.1).collect()
}

/// The window the seed recommends for `rate()`: at least four scrape intervals, 5 minutes
/// when that is enough.
pub fn recommended_window(interval: i64) -> i64 {
    (4 * interval).max(5 * 60_000)
}

/// Where a selector's name and braces end (before `offset` / `@`), within its span.
fn selector_core_end(src: &str, span: (usize, usize)) -> usize {
    let tokens = tokens_in(src, span);
    let mut end = span.0;
    let mut in_braces = false;
    for t in tokens {
        match t.kind {
            Kind::LBrace => in_braces = true,
            Kind::RBrace => {
                return t.end;
            }
            _ if in_braces => {}
            Kind::Keyword if t.text(src).eq_ignore_ascii_case("offset") => return end,
            Kind::At => return end,
            _ => {}
        }
        end = t.end;
    }
    end
}

/// `rate(<selector>[window])` in place of an instant selector, modifiers kept after the range.
pub fn wrap_in_range_function(src: &str, span: (usize, usize), func: &str, window: i64) -> Fix {
    let core = selector_core_end(src, span);
    let range = duration::format(window);
    let text = format!("{func}({}[{range}]{})", &src[span.0..core], &src[core..span.1]);
    Fix::replace(format!("Use {func}() over [{range}]"), span, text)
}

/// The `[...]` range of a range selector in `span` set to `window`.
pub fn set_range(src: &str, span: (usize, usize), window: i64) -> Option<Fix> {
    let tokens = tokens_in(src, span);
    let open = tokens.iter().position(|t| t.kind == Kind::LBracket)?;
    let close = tokens[open..].iter().position(|t| t.kind == Kind::RBracket)? + open;
    let range = duration::format(window);
    Some(Fix::replace(format!("Use a [{range}] window"), (tokens[open].end, tokens[close].start), range))
}

/// The function called at the start of `span` renamed to `to`.
pub fn rename_call(src: &str, span: (usize, usize), to: &str) -> Option<Fix> {
    let name = tokens_in(src, span).into_iter().next().filter(|t| t.kind == Kind::Ident)?;
    Some(Fix::replace(format!("Use {to}()"), (name.start, name.end), to))
}

/// The text between a binary operator and its right operand (the modifiers), given the
/// end of the left operand and the start of the right one: `(operator token, modifiers range)`.
pub fn operator_after(src: &str, lhs_end: usize, rhs_start: usize) -> Option<(Token, (usize, usize))> {
    let op = tokens_in(src, (lhs_end, rhs_start)).into_iter().find(|t| t.kind == Kind::Op)?;
    Some((op, (op.end, rhs_start)))
}
