//! A PromQL tokenizer that keeps byte positions, mirroring promql-parser's lexer (the same
//! inputs fail), with Prometheus's error wording. Used to place errors and to guard inputs,
//! never to build the expression.

/// Token kinds, as coarse as locating errors needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ident,
    MetricIdent,
    /// `by`, `without`, `on`, `ignoring`, `group_left`, `group_right`, `offset`, `bool`,
    /// `start`, `end`, `fill*`.
    Keyword,
    Aggregator,
    Number,
    Duration,
    Str,
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    Colon,
    At,
    /// `=` (in matchers).
    Assign,
    /// `=~`, `!~`, `!=` inside braces.
    MatchOp,
    /// Binary operators, including `and`, `or`, `unless`, `atan2`.
    Op,
    Eof,
}

/// One token: its kind and byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token's text in `src`.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }
}

/// A lexing failure: message and byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

const AGGREGATORS: &[&str] = &[
    "sum",
    "avg",
    "count",
    "min",
    "max",
    "group",
    "stddev",
    "stdvar",
    "topk",
    "bottomk",
    "count_values",
    "quantile",
    "limitk",
    "limit_ratio",
];
const KEYWORDS: &[&str] =
    &["by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "start", "end"];
const WORD_OPS: &[&str] = &["and", "or", "unless", "atan2"];

/// Tokenizes `src`. On failure returns the tokens read so far and the error.
pub fn lex(src: &str) -> (Vec<Token>, Option<LexError>) {
    let mut lx = Lexer { src, b: src.as_bytes(), pos: 0, tokens: Vec::new(), parens: Vec::new() };
    let err = lx.run().err();
    (lx.tokens, err)
}

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    tokens: Vec<Token>,
    /// Byte offsets of the open parentheses.
    parens: Vec<usize>,
}

fn is_alpha(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn push(&mut self, kind: Kind, start: usize) {
        self.tokens.push(Token { kind, start, end: self.pos });
    }

    fn err<T>(&self, message: impl Into<String>, start: usize, end: usize) -> Result<T, LexError> {
        Err(LexError { message: message.into(), start, end: end.max(start) })
    }

    /// The character at `pos`, for messages.
    fn char_at(&self, pos: usize) -> char {
        self.src.get(pos..).and_then(|s| s.chars().next()).unwrap_or('?')
    }

    fn char_end(&self, pos: usize) -> usize {
        pos + self.char_at(pos).len_utf8()
    }

    fn run(&mut self) -> Result<(), LexError> {
        loop {
            let Some(c) = self.peek() else {
                if let Some(&open) = self.parens.last() {
                    return self.err("unclosed left parenthesis", open, open + 1);
                }
                self.push(Kind::Eof, self.pos);
                if self.tokens.len() == 1 {
                    return self.err("no expression found in input", 0, 0);
                }
                return Ok(());
            };
            let start = self.pos;
            match c {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'#' => self.skip_comment(),
                b'@' => self.single(Kind::At),
                b',' => self.single(Kind::Comma),
                b'*' | b'/' | b'%' | b'+' | b'-' | b'^' => self.single(Kind::Op),
                b'=' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'=') => {
                            self.pos += 1;
                            self.push(Kind::Op, start);
                        }
                        Some(b'~') => {
                            return self.err("unexpected character after '=': '~'", start, start + 2)
                        }
                        _ => self.push(Kind::Assign, start),
                    }
                }
                b'!' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'=') => {
                            self.pos += 1;
                            self.push(Kind::Op, start);
                        }
                        Some(_) => {
                            let end = self.char_end(self.pos);
                            let ch = self.char_at(self.pos);
                            return self.err(format!("unexpected character after '!': '{ch}'"), start, end);
                        }
                        None => return self.err("unexpected end of input after '!'", start, start + 1),
                    }
                }
                b'<' | b'>' => {
                    self.pos += 1;
                    if self.peek() == Some(b'=') {
                        self.pos += 1;
                    }
                    self.push(Kind::Op, start);
                }
                b'0'..=b'9' => self.number(start)?,
                b'.' if self.b.get(start + 1).is_some_and(u8::is_ascii_digit) => self.number(start)?,
                b'.' => return self.err("unexpected character: '.'", start, start + 1),
                c if is_alpha(c) || c == b':' => self.word(start),
                b'"' | b'\'' | b'`' => self.string(start)?,
                b'(' => {
                    self.parens.push(start);
                    self.single(Kind::LParen);
                }
                b')' => {
                    if self.parens.pop().is_none() {
                        return self.err("unexpected right parenthesis ')'", start, start + 1);
                    }
                    self.single(Kind::RParen);
                }
                b'{' => self.braces()?,
                b'}' => return self.err("unexpected character: '}'", start, start + 1),
                b'[' => self.brackets(start)?,
                b']' => return self.err("unexpected right bracket ']'", start, start + 1),
                _ => {
                    let ch = self.char_at(start);
                    return self.err(format!("unexpected character: '{ch}'"), start, self.char_end(start));
                }
            }
        }
    }

    fn single(&mut self, kind: Kind) {
        let start = self.pos;
        self.pos += 1;
        self.push(kind, start);
    }

    fn skip_comment(&mut self) {
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == b'\n' || c == b'\r' {
                break;
            }
        }
    }

    fn take_while(&mut self, f: impl Fn(u8) -> bool) {
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
    }

    fn word(&mut self, start: usize) {
        self.take_while(|c| is_alpha(c) || c.is_ascii_digit() || c == b':');
        let text = self.src[start..self.pos].to_ascii_lowercase();
        let kind = if matches!(text.as_str(), "inf" | "nan") {
            Kind::Number
        } else if AGGREGATORS.contains(&text.as_str()) {
            Kind::Aggregator
        } else if WORD_OPS.contains(&text.as_str()) {
            Kind::Op
        } else if KEYWORDS.contains(&text.as_str()) || (text.starts_with("fill") && self.next_is_paren()) {
            Kind::Keyword
        } else if text.contains(':') {
            Kind::MetricIdent
        } else {
            Kind::Ident
        };
        self.push(kind, start);
    }

    fn next_is_paren(&self) -> bool {
        self.src[self.pos..].trim_start().starts_with('(')
    }

    /// A number or duration, as promql-parser scans them (`0x1f`, `1.5e3`, `5m`, `1h30m`, `1ms`).
    fn number(&mut self, start: usize) -> Result<(), LexError> {
        let hex = self.src[start..].starts_with("0x") || self.src[start..].starts_with("0X");
        if hex {
            self.pos += 2;
            self.take_while(|c| c.is_ascii_hexdigit());
        } else {
            self.take_while(|c| c.is_ascii_digit());
            if self.peek() == Some(b'.') {
                self.pos += 1;
                self.take_while(|c| c.is_ascii_digit());
            }
            if matches!(self.peek(), Some(b'e' | b'E')) {
                self.pos += 1;
                if matches!(self.peek(), Some(b'+' | b'-')) {
                    self.pos += 1;
                }
                self.take_while(|c| c.is_ascii_digit());
            }
        }
        if !self.peek().is_some_and(|c| is_alpha(c) || c == b'.') {
            self.push(Kind::Number, start);
            return Ok(());
        }
        if self.duration_rest() {
            self.push(Kind::Duration, start);
            return Ok(());
        }
        let end = if self.pos < self.b.len() { self.char_end(self.pos) } else { self.pos };
        let text = self.src.get(start..end).unwrap_or("");
        self.err(format!("bad number or duration syntax: \"{text}\""), start, end)
    }

    /// After the digits: unit letters, more `<digits><unit>` parts, then no letter or digit.
    fn duration_rest(&mut self) -> bool {
        let unit = |lx: &mut Self, units: &[u8]| {
            if lx.peek().is_some_and(|c| units.contains(&c)) {
                lx.pos += 1;
                if lx.peek() == Some(b's') {
                    lx.pos += 1;
                }
                true
            } else {
                false
            }
        };
        if !unit(self, b"smhdwy") {
            return false;
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.take_while(|c| c.is_ascii_digit());
            if !unit(self, b"smhdw") {
                return false;
            }
        }
        !self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
    }

    fn string(&mut self, start: usize) -> Result<(), LexError> {
        let quote = self.b[start];
        self.pos += 1;
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == b'\\' && quote != b'`' {
                match self.peek() {
                    None => return self.err("escape sequence not terminated", start, self.pos),
                    Some(e) if e == quote || b"abfnrtv\\01234567xuU".contains(&e) => self.pos += 1,
                    Some(_) => {
                        let ch = self.char_at(self.pos);
                        let end = self.char_end(self.pos);
                        return self.err(format!("unknown escape sequence '{ch}'"), start, end);
                    }
                }
            } else if c == quote {
                self.push(Kind::Str, start);
                return Ok(());
            }
        }
        self.err("unterminated quoted string", start, self.pos)
    }

    fn braces(&mut self) -> Result<(), LexError> {
        self.single(Kind::LBrace);
        loop {
            let start = self.pos;
            let Some(c) = self.peek() else {
                return self.err("unexpected end of input inside braces", self.pos, self.pos);
            };
            match c {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'#' => self.skip_comment(),
                b',' => self.single(Kind::Comma),
                b'}' => {
                    self.single(Kind::RBrace);
                    return Ok(());
                }
                b'"' | b'\'' | b'`' => self.string(start)?,
                b'=' => {
                    self.pos += 1;
                    if self.peek() == Some(b'~') {
                        self.pos += 1;
                        self.push(Kind::MatchOp, start);
                    } else {
                        self.push(Kind::Assign, start);
                    }
                }
                b'!' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'~' | b'=') => {
                            self.pos += 1;
                            self.push(Kind::MatchOp, start);
                        }
                        _ => {
                            let ch = self.char_at(self.pos);
                            let end = self.char_end(self.pos).min(self.b.len());
                            return self.err(
                                format!("unexpected character after '!' inside braces: '{ch}'"),
                                start,
                                end,
                            );
                        }
                    }
                }
                b'{' => return self.err("unexpected left brace '{' inside braces", start, start + 1),
                c if is_alpha(c) => {
                    self.take_while(|c| is_alpha(c) || c.is_ascii_digit());
                    let kind = if self.src[start..self.pos].eq_ignore_ascii_case("or") {
                        Kind::Op
                    } else {
                        Kind::Ident
                    };
                    self.push(kind, start);
                }
                _ => {
                    let ch = self.char_at(start);
                    return self.err(
                        format!("unexpected character inside braces: '{ch}'"),
                        start,
                        self.char_end(start),
                    );
                }
            }
        }
    }

    fn brackets(&mut self, open: usize) -> Result<(), LexError> {
        self.single(Kind::LBracket);
        let mut colon = false;
        loop {
            let start = self.pos;
            let Some(c) = self.peek() else {
                return self.err("unexpected end of input inside brackets", self.pos, self.pos);
            };
            match c {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b':' => {
                    if colon {
                        return self.err("unexpected second colon(:) in brackets", start, start + 1);
                    }
                    if self.tokens.last().is_some_and(|t| t.kind == Kind::LBracket && t.start == open) {
                        return self.err(
                            "expected duration before first colon(:) in brackets",
                            start,
                            start + 1,
                        );
                    }
                    colon = true;
                    self.single(Kind::Colon);
                }
                b'0'..=b'9' => self.number(start)?,
                b']' => {
                    self.single(Kind::RBracket);
                    return Ok(());
                }
                b'[' => return self.err("unexpected left bracket '[' inside brackets", start, start + 1),
                _ => {
                    let ch = self.char_at(start);
                    return self.err(
                        format!("unexpected character inside brackets: '{ch}'"),
                        start,
                        self.char_end(start),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Kind> {
        let (t, e) = lex(src);
        assert_eq!(e, None, "{src}");
        t.into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn tokens() {
        use Kind::*;
        assert_eq!(
            kinds(r#"sum by (a) (rate(x{b=~"c"}[5m:1m])) > bool 1e3 @ start()"#),
            vec![
                Aggregator, Keyword, LParen, Ident, RParen, LParen, Ident, LParen, Ident, LBrace, Ident,
                MatchOp, Str, RBrace, LBracket, Duration, Colon, Duration, RBracket, RParen, RParen, Op,
                Keyword, Number, At, Keyword, LParen, RParen, Eof
            ]
        );
        assert_eq!(kinds("a:b offset -Inf"), vec![MetricIdent, Keyword, Op, Number, Eof]);
    }

    #[test]
    fn errors_with_positions() {
        for (src, start, msg) in [
            ("sum(rate(x[5m])", 3, "unclosed left parenthesis"),
            ("x{a=\"b\"", 7, "unexpected end of input inside braces"),
            ("x[5x]", 2, "bad number or duration syntax: \"5x\""),
            ("(1))", 3, "unexpected right parenthesis ')'"),
            ("x{a:b=\"c\"}", 3, "unexpected character inside braces: ':'"),
            ("x[5m+1m]", 4, "unexpected character inside brackets: '+'"),
            ("\"abc", 0, "unterminated quoted string"),
            ("", 0, "no expression found in input"),
            ("a ~ b", 2, "unexpected character: '~'"),
        ] {
            let (_, e) = lex(src);
            let e = e.unwrap_or_else(|| panic!("no error for {src}"));
            assert_eq!((e.start, e.message.as_str()), (start, msg), "{src}");
        }
    }
}
