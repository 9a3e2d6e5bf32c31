//! A syntax check of the Go text/template language that alert labels and annotations are
//! written in, as far as `promtool check rules` checks it (it parses every template, it does
//! not run them): unclosed actions, unbalanced `if`/`range`/`with`/`end`, undefined variables
//! and functions that Prometheus's template engine does not define.

use super::load::Dialect;

/// Functions every Go template has.
const BUILTINS: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println",
    "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
];

/// Functions Prometheus 2.42 adds for alert templates.
const PROMETHEUS_2: &[&str] = &[
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "args",
    "reReplaceAll",
    "safeHtml",
    "match",
    "title",
    "toUpper",
    "toLower",
    "graphLink",
    "tableLink",
    "sortByLabel",
    "stripPort",
    "stripDomain",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "pathPrefix",
    "externalURL",
    "parseDuration",
];

/// Functions Prometheus 3 added since.
const PROMETHEUS_3: &[&str] = &["toDuration", "now", "urlQueryEscape"];

/// Variables Prometheus defines before every alert template.
const PREDEFINED: &[&str] = &["$", "$labels", "$externalLabels", "$externalURL", "$value"];

/// Checks `text` as the template named `name`; the error reads like Go's
/// (`template: __alert_X:1: function "foo" not defined`).
pub fn check(name: &str, text: &str, dialect: Dialect) -> Result<(), String> {
    let mut checker = Checker { text, pos: 0, blocks: Vec::new(), scopes: vec![Vec::new()], dialect };
    checker.run().map_err(|(at, msg)| format!("template: {name}:{}: {msg}", line_at(text, at)))
}

fn line_at(text: &str, at: usize) -> usize {
    1 + text.get(..at).unwrap_or(text).matches('\n').count()
}

type Failure = (usize, String);

/// A block opened by an action, to be closed by `{{end}}`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    If,
    With,
    Range,
    Define,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Var(String),
    Field,
    Literal,
    Pipe,
    Open,
    Close,
    Declare,
    Comma,
}

struct Checker<'a> {
    text: &'a str,
    pos: usize,
    blocks: Vec<Block>,
    /// Variables declared in each open block (Go scopes them to the block).
    scopes: Vec<Vec<String>>,
    dialect: Dialect,
}

impl Checker<'_> {
    fn run(&mut self) -> Result<(), Failure> {
        while let Some(open) = self.text[self.pos..].find("{{") {
            let start = self.pos + open;
            let mut inner = start + 2;
            if self.text[inner..].starts_with("- ") {
                inner += 2;
            }
            let rest = &self.text[inner..];
            let trimmed = rest.trim_start();
            if trimmed.starts_with("/*") {
                let comment_start = inner + (rest.len() - trimmed.len());
                let end =
                    self.text[comment_start..].find("*/").ok_or((start, "unclosed comment".to_string()))?;
                let after = comment_start + end + 2;
                let close = self.text[after..].trim_start_matches(['-', ' ']);
                if !close.starts_with("}}") {
                    return Err((start, "comment ends before closing delimiter".into()));
                }
                self.pos = self.text.len() - close.len() + 2;
                continue;
            }
            let (tokens, end) = lex(self.text, inner)?;
            self.action(start, &tokens)?;
            self.pos = end;
        }
        if !self.blocks.is_empty() {
            return Err((self.text.len(), "unexpected EOF".into()));
        }
        Ok(())
    }

    fn action(&mut self, at: usize, toks: &[Tok]) -> Result<(), Failure> {
        let keyword = match toks.first() {
            Some(Tok::Ident(word)) => word.as_str(),
            None => return Err((at, "missing value for command".into())),
            _ => "",
        };
        match keyword {
            "if" | "with" | "range" => {
                let block = match keyword {
                    "if" => Block::If,
                    "with" => Block::With,
                    _ => Block::Range,
                };
                self.blocks.push(block);
                self.scopes.push(Vec::new());
                self.pipeline(at, &toks[1..], keyword)
            }
            "else" => {
                match self.blocks.last() {
                    Some(Block::If | Block::With | Block::Range) => {}
                    _ => return Err((at, "unexpected {{else}}".into())),
                }
                match toks.get(1) {
                    Some(Tok::Ident(w)) if w == "if" || w == "with" => self.pipeline(at, &toks[2..], w),
                    None => Ok(()),
                    Some(_) => Err((at, "unexpected token in else".into())),
                }
            }
            "end" => {
                if toks.len() > 1 {
                    return Err((at, "unexpected token in end".into()));
                }
                self.blocks.pop().ok_or((at, "unexpected {{end}}".to_string()))?;
                self.scopes.pop();
                Ok(())
            }
            "define" | "block" => {
                if keyword == "define" && !self.blocks.is_empty() {
                    return Err((at, "unexpected <define> in command".into()));
                }
                self.blocks.push(Block::Define);
                self.scopes.push(Vec::new());
                Ok(())
            }
            "template" => Ok(()),
            "break" | "continue" => {
                if self.blocks.contains(&Block::Range) {
                    Ok(())
                } else {
                    Err((at, format!("{{{{{keyword}}}}} outside {{{{range}}}}")))
                }
            }
            _ => self.pipeline(at, toks, "command"),
        }
    }

    /// `[$x [, $y] :=] command [| command ...]`.
    fn pipeline(&mut self, at: usize, toks: &[Tok], context: &str) -> Result<(), Failure> {
        let mut toks = toks;
        if let Some(decl_end) = toks.iter().position(|t| *t == Tok::Declare) {
            let names: Vec<&Tok> = toks[..decl_end].iter().filter(|t| **t != Tok::Comma).collect();
            for name in names {
                match name {
                    Tok::Var(v) => {
                        if let Some(scope) = self.scopes.last_mut() {
                            scope.push(v.clone());
                        }
                    }
                    _ => return Err((at, "unexpected \":=\" in operand".into())),
                }
            }
            toks = &toks[decl_end + 1..];
        }
        if toks.is_empty() {
            return Err((at, format!("missing value for {context}")));
        }
        let mut depth = 0i32;
        let mut empty_command = true;
        for tok in toks {
            match tok {
                Tok::Ident(name) => {
                    if !matches!(name.as_str(), "true" | "false" | "nil") && !self.is_function(name) {
                        return Err((at, format!("function {name:?} not defined")));
                    }
                    empty_command = false;
                }
                Tok::Var(v) => {
                    if !self.is_declared(v) {
                        return Err((at, format!("undefined variable {v:?}")));
                    }
                    empty_command = false;
                }
                Tok::Pipe => {
                    if empty_command {
                        return Err((at, "missing value for command".into()));
                    }
                    empty_command = true;
                }
                Tok::Open => depth += 1,
                Tok::Close => {
                    depth -= 1;
                    if depth < 0 {
                        return Err((at, "unexpected right paren".into()));
                    }
                }
                Tok::Field | Tok::Literal => empty_command = false,
                Tok::Declare | Tok::Comma => return Err((at, "unexpected \":=\" in operand".into())),
            }
        }
        if depth > 0 {
            return Err((at, "unclosed left paren".into()));
        }
        if empty_command {
            return Err((at, "missing value for command".into()));
        }
        Ok(())
    }

    fn is_function(&self, name: &str) -> bool {
        BUILTINS.contains(&name)
            || PROMETHEUS_2.contains(&name)
            || (self.dialect == Dialect::Prometheus3 && PROMETHEUS_3.contains(&name))
    }

    fn is_declared(&self, var: &str) -> bool {
        PREDEFINED.contains(&var) || self.scopes.iter().any(|s| s.iter().any(|v| v == var))
    }
}

/// Tokenizes one action from byte `from` up to its `}}`; returns the tokens and the byte
/// after the closing delimiter.
fn lex(text: &str, from: usize) -> Result<(Vec<Tok>, usize), Failure> {
    let bytes = text.as_bytes();
    let mut toks = Vec::new();
    let mut i = from;
    let unclosed = || (from, "unclosed action".to_string());
    loop {
        let c = *bytes.get(i).ok_or_else(unclosed)?;
        match c {
            b'}' if bytes.get(i + 1) == Some(&b'}') => return Ok((toks, i + 2)),
            b'-' if bytes.get(i + 1) == Some(&b'}') && bytes.get(i + 2) == Some(&b'}') => {
                return Ok((toks, i + 3));
            }
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'|' => {
                toks.push(Tok::Pipe);
                i += 1;
            }
            b'(' => {
                toks.push(Tok::Open);
                i += 1;
            }
            b')' => {
                toks.push(Tok::Close);
                i += 1;
            }
            b',' => {
                toks.push(Tok::Comma);
                i += 1;
            }
            b':' if bytes.get(i + 1) == Some(&b'=') => {
                toks.push(Tok::Declare);
                i += 2;
            }
            b'=' => {
                toks.push(Tok::Declare);
                i += 1;
            }
            b'"' | b'`' | b'\'' => {
                i = skip_quoted(bytes, i).ok_or((from, "unterminated quoted string".to_string()))?;
                toks.push(Tok::Literal);
            }
            b'$' => {
                let end = word_end(bytes, i + 1);
                toks.push(Tok::Var(text[i..end].to_string()));
                i = skip_fields(bytes, end);
            }
            b'.' => {
                i = skip_fields(bytes, i);
                if i < bytes.len() && bytes[i] == b'.' {
                    i += 1;
                }
                toks.push(Tok::Field);
            }
            b'0'..=b'9' | b'+' | b'-' => {
                i = word_end(bytes, i + 1);
                toks.push(Tok::Literal);
            }
            c if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                let end = word_end(bytes, i);
                toks.push(Tok::Ident(text[i..end].to_string()));
                i = skip_fields(bytes, end);
            }
            _ => return Err((from, format!("unexpected {:?} in command", c as char))),
        }
    }
}

/// The end of a run of identifier characters (letters, digits, `_`, and `.`-free).
fn word_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric() || bytes[i] >= 0x80) {
        i += 1;
    }
    i
}

/// Skips a chain of `.Field` accesses.
fn skip_fields(bytes: &[u8], mut i: usize) -> usize {
    while i + 1 < bytes.len()
        && bytes[i] == b'.'
        && (bytes[i + 1] == b'_' || bytes[i + 1].is_ascii_alphabetic())
    {
        i = word_end(bytes, i + 1);
    }
    i
}

/// Skips a quoted string starting at `i`; None when it is not terminated.
fn skip_quoted(bytes: &[u8], i: usize) -> Option<usize> {
    let quote = bytes[i];
    let mut j = i + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' if quote != b'`' => j += 2,
            b'\n' if quote != b'`' => return None,
            c if c == quote => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        let cases: &[(&str, Option<&str>)] = &[
            ("plain text", None),
            ("{{ $labels.model }} at {{ $value | humanizePercentage }}", None),
            ("{{ if gt $value 0.5 }}high{{ else }}low{{ end }}", None),
            ("{{ range $i, $e := .Labels }}{{ $i }}{{ end }}", None),
            ("{{/* a comment */}}ok", None),
            ("{{- $value -}}", None),
            ("{{ printf \"%.2f\" $value }}", None),
            ("{{ $x := 1 }}{{ $x }}", None),
            ("{{ $labels.x | humanizeFoo }}", Some("template: t:1: function \"humanizeFoo\" not defined")),
            ("{{ $nope }}", Some("template: t:1: undefined variable \"$nope\"")),
            ("{{ if .Labels }}", Some("template: t:1: unexpected EOF")),
            ("a\n{{ end }}", Some("template: t:2: unexpected {{end}}")),
            ("{{ $value ", Some("template: t:1: unclosed action")),
            ("{{ }}", Some("template: t:1: missing value for command")),
            ("{{ if $x := 1 }}{{ end }}{{ $x }}", Some("template: t:1: undefined variable \"$x\"")),
        ];
        for (text, want) in cases {
            assert_eq!(check("t", text, Dialect::Prometheus2).err().as_deref(), *want, "{text}");
        }
    }
}
