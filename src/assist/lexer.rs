//! A lossless, panic-free PromQL tokenizer for syntax highlighting and completion.
//!
//! Unlike the parser's lexer it never fails: every byte of the input belongs to exactly one
//! token (unknown characters and unterminated strings become [`TokenKind::Error`]), so the
//! editor can colour half-typed queries. Identifiers are classified by context: inside `{}`
//! and inside the label list after `by`/`on`/... they are label names; before `(` they are
//! functions or aggregations; elsewhere metric names.

use super::catalog::{is_aggregation, is_function, is_keyword, LABEL_LIST_KEYWORDS};

/// What a token is, for colouring and for deciding what to complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Space,
    Comment,
    Number,
    Duration,
    /// A quoted string (label value, function argument).
    String,
    Metric,
    Function,
    Aggregation,
    Keyword,
    LabelName,
    /// `+ - * / % ^ == != > < >= <= @` and the like.
    Operator,
    /// `= != =~ !~` inside a selector's braces.
    MatchOp,
    /// `( ) { } [ ] , :`
    Punct,
    /// Anything the lexer cannot place: a stray character, an unterminated string.
    Error,
}

impl TokenKind {
    /// The CSS class the editor gives this token.
    pub fn css_class(self) -> &'static str {
        match self {
            TokenKind::Space => "tok-space",
            TokenKind::Comment => "tok-comment",
            TokenKind::Number => "tok-number",
            TokenKind::Duration => "tok-duration",
            TokenKind::String => "tok-string",
            TokenKind::Metric => "tok-metric",
            TokenKind::Function => "tok-function",
            TokenKind::Aggregation => "tok-aggregation",
            TokenKind::Keyword => "tok-keyword",
            TokenKind::LabelName => "tok-label",
            TokenKind::Operator => "tok-operator",
            TokenKind::MatchOp => "tok-matchop",
            TokenKind::Punct => "tok-punct",
            TokenKind::Error => "tok-error",
        }
    }
}

/// Where a token sits, as far as completion cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// Ordinary expression position.
    Expr,
    /// Inside a selector's `{...}`.
    Braces,
    /// Inside a range or subquery's `[...]`.
    Brackets,
    /// Inside the `( ... )` after `by`, `without`, `on`, `ignoring`, `group_left/right`.
    LabelList,
}

/// One token: its kind, byte range `[start, end)` in the input, and its nesting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
    pub nesting: Nesting,
}

impl Token {
    /// The token's text in `src`.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }
}

/// Splits `src` into tokens covering every byte.
pub fn tokenize(src: &str) -> Vec<Token> {
    tokenize_with_end(src).0
}

/// Like [`tokenize`], plus the nesting in force at the end of `src` (where a cursor placed
/// there would type).
pub fn tokenize_with_end(src: &str) -> (Vec<Token>, Nesting) {
    Lexer {
        src,
        pos: 0,
        out: Vec::new(),
        braces: false,
        brackets: false,
        list_depth: None,
        parens: 0,
        want_list: false,
    }
    .run()
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    out: Vec<Token>,
    braces: bool,
    brackets: bool,
    /// Paren depth at which the current label list was opened.
    list_depth: Option<usize>,
    parens: usize,
    /// The last significant token was `by`/`on`/...: the next `(` opens a label list.
    want_list: bool,
}

impl Lexer<'_> {
    fn run(mut self) -> (Vec<Token>, Nesting) {
        while let Some(c) = self.peek() {
            let start = self.pos;
            let nesting = self.nesting();
            let kind = self.lex_one(c);
            if self.pos == start {
                // Never loop forever: every step consumes at least one character.
                self.bump();
            }
            if !matches!(kind, TokenKind::Space | TokenKind::Comment) {
                self.want_list =
                    kind == TokenKind::Keyword && LABEL_LIST_KEYWORDS.contains(&&self.src[start..self.pos]);
            }
            self.out.push(Token { kind, start, end: self.pos, nesting });
        }
        let end = self.nesting();
        (self.out, end)
    }

    fn nesting(&self) -> Nesting {
        if self.braces {
            Nesting::Braces
        } else if self.brackets {
            Nesting::Brackets
        } else if self.list_depth.is_some() {
            Nesting::LabelList
        } else {
            Nesting::Expr
        }
    }

    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src[self.pos..].chars().nth(n)
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    fn eat_while(&mut self, f: impl Fn(char) -> bool) {
        while self.peek().is_some_and(&f) {
            self.bump();
        }
    }

    fn lex_one(&mut self, c: char) -> TokenKind {
        match c {
            c if c.is_whitespace() => {
                self.eat_while(char::is_whitespace);
                TokenKind::Space
            }
            '#' => {
                self.eat_while(|c| c != '\n');
                TokenKind::Comment
            }
            '"' | '\'' | '`' => self.string(c),
            c if c.is_ascii_digit() || (c == '.' && self.peek_at(1).is_some_and(|d| d.is_ascii_digit())) => {
                self.number()
            }
            c if c.is_ascii_alphabetic() || c == '_' || (c == ':' && !self.brackets) => self.word(),
            _ => self.symbol(c),
        }
    }

    fn string(&mut self, quote: char) -> TokenKind {
        self.bump();
        while let Some(c) = self.peek() {
            self.bump();
            if c == '\\' && quote != '`' {
                self.bump();
            } else if c == quote {
                return TokenKind::String;
            } else if c == '\n' && quote != '`' {
                return TokenKind::Error;
            }
        }
        TokenKind::Error
    }

    fn number(&mut self) -> TokenKind {
        let start = self.pos;
        loop {
            self.eat_while(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
            // An exponent sign: `1e-3`, `2.5E+4` (but not `0x1e` followed by an operator).
            let text = &self.src[start..self.pos];
            let exp = (text.ends_with('e') || text.ends_with('E')) && !text.starts_with("0x");
            if exp
                && matches!(self.peek(), Some('+' | '-'))
                && self.peek_at(1).is_some_and(|d| d.is_ascii_digit())
            {
                self.bump();
                continue;
            }
            break;
        }
        classify_number(&self.src[start..self.pos])
    }

    fn word(&mut self) -> TokenKind {
        let start = self.pos;
        let in_brackets = self.brackets;
        self.eat_while(|c| c.is_ascii_alphanumeric() || c == '_' || (c == ':' && !in_brackets));
        let text = &self.src[start..self.pos];
        if self.braces || self.list_depth.is_some() {
            return TokenKind::LabelName;
        }
        if self.brackets {
            // `[5m]` lexes as a number first; a word here is a half-typed duration or junk.
            return TokenKind::Error;
        }
        if text.eq_ignore_ascii_case("inf") || text.eq_ignore_ascii_case("nan") {
            return TokenKind::Number;
        }
        if is_keyword(text) {
            return TokenKind::Keyword;
        }
        let next = self.src[self.pos..].trim_start();
        let called = next.starts_with('(');
        let grouped = next.starts_with("by") || next.starts_with("without");
        if is_aggregation(text) && (called || grouped) {
            TokenKind::Aggregation
        } else if called && (is_function(text) || matches!(text, "start" | "end")) {
            TokenKind::Function
        } else {
            TokenKind::Metric
        }
    }

    fn symbol(&mut self, c: char) -> TokenKind {
        let two: String = [Some(c), self.peek_at(1)].into_iter().flatten().collect();
        if matches!(two.as_str(), "==" | "!=" | "=~" | "!~" | ">=" | "<=") {
            self.bump();
            self.bump();
            return if self.braces && two != "==" { TokenKind::MatchOp } else { TokenKind::Operator };
        }
        self.bump();
        match c {
            '=' if self.braces => TokenKind::MatchOp,
            '+' | '-' | '*' | '/' | '%' | '^' | '>' | '<' | '@' | '=' => TokenKind::Operator,
            '{' => {
                self.braces = true;
                TokenKind::Punct
            }
            '}' => {
                self.braces = false;
                TokenKind::Punct
            }
            '[' => {
                self.brackets = true;
                TokenKind::Punct
            }
            ']' => {
                self.brackets = false;
                TokenKind::Punct
            }
            '(' => {
                if self.want_list && !self.braces {
                    self.list_depth = Some(self.parens);
                }
                self.parens += 1;
                TokenKind::Punct
            }
            ')' => {
                self.parens = self.parens.saturating_sub(1);
                if self.list_depth == Some(self.parens) {
                    self.list_depth = None;
                }
                TokenKind::Punct
            }
            ',' | ':' => TokenKind::Punct,
            _ => TokenKind::Error,
        }
    }
}

/// A number (`3`, `1.5e-3`, `0x1f`, `1_000`) or a duration (`5m`, `1h30m`, `250ms`).
fn classify_number(text: &str) -> TokenKind {
    if is_duration(text) {
        TokenKind::Duration
    } else if text.replace('_', "").parse::<f64>().is_ok()
        || (text.starts_with("0x") && text.len() > 2 && text[2..].chars().all(|c| c.is_ascii_hexdigit()))
    {
        TokenKind::Number
    } else {
        TokenKind::Error
    }
}

/// True for Prometheus durations: one or more `<digits><unit>` with units ms, s, m, h, d, w, y.
pub fn is_duration(text: &str) -> bool {
    let mut rest = text;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let unit = ["ms", "s", "m", "h", "d", "w", "y"].into_iter().find(|u| rest.starts_with(u));
        match unit {
            Some(u) => rest = &rest[u.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        tokenize(src).into_iter().filter(|t| t.kind != Space).map(|t| (t.kind, t.text(src))).collect()
    }

    #[test]
    fn classifies_tokens() {
        let table: &[(&str, &[(TokenKind, &str)])] = &[
            ("up", &[(Metric, "up")]),
            (
                "rate(x[5m])",
                &[
                    (Function, "rate"),
                    (Punct, "("),
                    (Metric, "x"),
                    (Punct, "["),
                    (Duration, "5m"),
                    (Punct, "]"),
                    (Punct, ")"),
                ],
            ),
            (
                "sum by (model) (x)",
                &[
                    (Aggregation, "sum"),
                    (Keyword, "by"),
                    (Punct, "("),
                    (LabelName, "model"),
                    (Punct, ")"),
                    (Punct, "("),
                    (Metric, "x"),
                    (Punct, ")"),
                ],
            ),
            (
                "x{a=~\"b.*\", c!=\"d\"}",
                &[
                    (Metric, "x"),
                    (Punct, "{"),
                    (LabelName, "a"),
                    (MatchOp, "=~"),
                    (String, "\"b.*\""),
                    (Punct, ","),
                    (LabelName, "c"),
                    (MatchOp, "!="),
                    (String, "\"d\""),
                    (Punct, "}"),
                ],
            ),
            (
                "a:b:c / on(model) group_left d",
                &[
                    (Metric, "a:b:c"),
                    (Operator, "/"),
                    (Keyword, "on"),
                    (Punct, "("),
                    (LabelName, "model"),
                    (Punct, ")"),
                    (Keyword, "group_left"),
                    (Metric, "d"),
                ],
            ),
            (
                "x[1h:5m] offset 1h",
                &[
                    (Metric, "x"),
                    (Punct, "["),
                    (Duration, "1h"),
                    (Punct, ":"),
                    (Duration, "5m"),
                    (Punct, "]"),
                    (Keyword, "offset"),
                    (Duration, "1h"),
                ],
            ),
            (
                "1.5e-3 + 0x1f - Inf",
                &[(Number, "1.5e-3"), (Operator, "+"), (Number, "0x1f"), (Operator, "-"), (Number, "Inf")],
            ),
            (
                "x{a=\"unterminated",
                &[(Metric, "x"), (Punct, "{"), (LabelName, "a"), (MatchOp, "="), (Error, "\"unterminated")],
            ),
            ("x # note", &[(Metric, "x"), (Comment, "# note")]),
            ("x == bool 1", &[(Metric, "x"), (Operator, "=="), (Keyword, "bool"), (Number, "1")]),
            ("sum", &[(Metric, "sum")]),
            ("x $", &[(Metric, "x"), (Error, "$")]),
        ];
        for (src, want) in table {
            assert_eq!(kinds(src), *want, "{src}");
        }
    }

    #[test]
    fn covers_every_byte_without_panicking() {
        for src in ["", "é{\"ü", "((((", "}}]]))", "x[", "1e", "\"\\", "rate(x{a=\"b\"}[5m] @ 1 offset -1h)"]
        {
            let toks = tokenize(src);
            let mut at = 0;
            for t in &toks {
                assert_eq!(t.start, at, "{src}");
                at = t.end;
            }
            assert_eq!(at, src.len(), "{src}");
        }
    }

    #[test]
    fn durations() {
        for (text, ok) in
            [("5m", true), ("1h30m", true), ("250ms", true), ("5", false), ("m", false), ("5x", false)]
        {
            assert_eq!(is_duration(text), ok, "{text}");
        }
    }
}
