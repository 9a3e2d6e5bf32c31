//! Finds where a query goes wrong. promql-parser reports syntax errors as a bare
//! "invalid promql query" and semantic ones without a position, so this module re-reads the
//! tokens with a small recursive-descent recognizer of PromQL's grammar (for syntax errors,
//! worded like Prometheus: `unexpected <op:+> in ...`), and matches the shapes of
//! promql-parser's semantic messages to the tokens they are about.

use super::lex::{Kind, Token};

/// A located problem: message and byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

/// The first syntax error in `tokens` (which end with `Eof`), if the recognizer finds one.
pub fn syntax_error(src: &str, tokens: &[Token]) -> Option<Located> {
    let mut r = Recognizer { src, tokens, pos: 0 };
    r.expr(0).and_then(|()| r.expect_end()).err()
}

struct Recognizer<'a> {
    src: &'a str,
    tokens: &'a [Token],
    pos: usize,
}

type Step = Result<(), Located>;

/// Binary operator precedence, Prometheus's order (higher binds tighter).
fn precedence(op: &str) -> Option<u8> {
    Some(match op.to_ascii_lowercase().as_str() {
        "or" => 1,
        "and" | "unless" => 2,
        "==" | "!=" | "<=" | "<" | ">=" | ">" => 3,
        "+" | "-" => 4,
        "*" | "/" | "%" | "atan2" => 5,
        "^" => 6,
        _ => return None,
    })
}

/// How Prometheus names a token in "unexpected ..." messages.
pub fn describe(src: &str, t: &Token) -> String {
    let text = t.text(src);
    match t.kind {
        Kind::Eof => "end of input".into(),
        Kind::Ident => format!("identifier {text:?}"),
        Kind::MetricIdent => format!("metric identifier {text:?}"),
        Kind::Number => format!("number {text:?}"),
        Kind::Duration => format!("duration {text:?}"),
        Kind::Str => format!("string {text:?}"),
        Kind::Keyword => format!("<{}>", text.to_ascii_lowercase()),
        Kind::Aggregator => format!("<aggr:{}>", text.to_ascii_lowercase()),
        Kind::Op | Kind::At => format!("<op:{}>", text.to_ascii_lowercase()),
        _ => format!("{text:?}"),
    }
}

impl<'a> Recognizer<'a> {
    fn peek(&self) -> &'a Token {
        let last = self.tokens.len().saturating_sub(1);
        &self.tokens[self.pos.min(last)]
    }

    fn peek_at(&self, n: usize) -> Option<&'a Token> {
        self.tokens.get(self.pos + n)
    }

    fn text(&self) -> &'a str {
        self.peek().text(self.src)
    }

    fn bump(&mut self) -> &'a Token {
        let t = self.peek();
        if t.kind != Kind::Eof {
            self.pos += 1;
        }
        t
    }

    fn is(&self, kind: Kind) -> bool {
        self.peek().kind == kind
    }

    fn is_keyword(&self, word: &str) -> bool {
        self.is(Kind::Keyword) && self.text().eq_ignore_ascii_case(word)
    }

    /// `unexpected <token>[ in <context>][, expected <expected>]` at the current token.
    fn unexpected(&self, context: &str, expected: &str) -> Located {
        let t = self.peek();
        let mut message = format!("unexpected {}", describe(self.src, t));
        if !context.is_empty() {
            message.push_str(&format!(" in {context}"));
        }
        if !expected.is_empty() {
            message.push_str(&format!(", expected {expected}"));
        }
        Located { message, start: t.start, end: t.end }
    }

    fn expect(&mut self, kind: Kind, context: &str, expected: &str) -> Step {
        if self.is(kind) {
            self.bump();
            Ok(())
        } else {
            Err(self.unexpected(context, expected))
        }
    }

    fn expect_end(&self) -> Step {
        if self.is(Kind::Eof) {
            Ok(())
        } else {
            Err(self.unexpected("", ""))
        }
    }

    fn expr(&mut self, min_prec: u8) -> Step {
        self.unary()?;
        loop {
            let t = self.peek();
            let Some(prec) = (t.kind == Kind::Op).then(|| precedence(t.text(self.src))).flatten() else {
                return Ok(());
            };
            if prec < min_prec {
                return Ok(());
            }
            self.bump();
            self.bin_modifiers()?;
            // `^` is right-associative; the rest are left-associative.
            let next = if prec == 6 { prec } else { prec + 1 };
            self.expr(next)?;
        }
    }

    fn bin_modifiers(&mut self) -> Step {
        if self.is_keyword("bool") {
            self.bump();
        }
        if self.is_keyword("on") || self.is_keyword("ignoring") {
            self.bump();
            self.label_list("grouping opts")?;
        }
        if self.is_keyword("group_left") || self.is_keyword("group_right") {
            self.bump();
            if self.is(Kind::LParen) {
                self.label_list("grouping opts")?;
            }
        }
        while self.peek().kind == Kind::Keyword && self.text().to_ascii_lowercase().starts_with("fill") {
            self.bump();
            self.expect(Kind::LParen, "fill modifier", "\"(\"")?;
            while !self.is(Kind::RParen) && !self.is(Kind::Eof) {
                self.bump();
            }
            self.expect(Kind::RParen, "fill modifier", "\")\"")?;
        }
        Ok(())
    }

    fn unary(&mut self) -> Step {
        while self.is(Kind::Op) && matches!(self.text(), "+" | "-") {
            self.bump();
        }
        self.primary()?;
        self.postfix()
    }

    fn postfix(&mut self) -> Step {
        loop {
            if self.is(Kind::LBracket) {
                self.bump();
                self.duration_operand("subquery or range selector")?;
                if self.is(Kind::Colon) {
                    self.bump();
                    if matches!(self.peek().kind, Kind::Number | Kind::Duration) {
                        self.bump();
                    }
                }
                self.expect(Kind::RBracket, "subquery or range selector", "\"]\"")?;
            } else if self.is_keyword("offset") {
                self.bump();
                if self.is(Kind::Op) && matches!(self.text(), "+" | "-") {
                    self.bump();
                }
                self.duration_operand("offset")?;
            } else if self.is(Kind::At) {
                self.bump();
                if self.is(Kind::Op) && matches!(self.text(), "+" | "-") {
                    self.bump();
                }
                if self.is_keyword("start") || self.is_keyword("end") {
                    self.bump();
                    self.expect(Kind::LParen, "@", "\"(\"")?;
                    self.expect(Kind::RParen, "@", "\")\"")?;
                } else if matches!(self.peek().kind, Kind::Number | Kind::Duration) {
                    self.bump();
                } else {
                    return Err(self.unexpected("@", "timestamp"));
                }
            } else {
                return Ok(());
            }
        }
    }

    fn duration_operand(&mut self, context: &str) -> Step {
        if matches!(self.peek().kind, Kind::Number | Kind::Duration) {
            self.bump();
            Ok(())
        } else {
            Err(self.unexpected(context, "number or duration"))
        }
    }

    fn primary(&mut self) -> Step {
        let t = self.peek();
        match t.kind {
            Kind::Number | Kind::Duration | Kind::Str => {
                self.bump();
                Ok(())
            }
            Kind::LParen => {
                self.bump();
                self.expr(0)?;
                self.expect(Kind::RParen, "paren expression", "\")\"")
            }
            Kind::Aggregator => self.aggregation(),
            Kind::Ident if self.peek_at(1).is_some_and(|n| n.kind == Kind::LParen) => self.call(),
            Kind::Ident | Kind::MetricIdent => {
                self.bump();
                if self.is(Kind::LBrace) {
                    self.matchers()?;
                }
                Ok(())
            }
            // Keywords can name metrics too (`offset{a="b"}` is rare, `by` rarer).
            Kind::Keyword if self.peek_at(1).is_some_and(|n| n.kind == Kind::LBrace) => {
                self.bump();
                self.matchers()
            }
            Kind::LBrace => self.matchers(),
            _ => Err(self.unexpected("", "")),
        }
    }

    fn call(&mut self) -> Step {
        self.bump();
        self.bump();
        if self.is(Kind::RParen) {
            self.bump();
            return Ok(());
        }
        loop {
            self.expr(0)?;
            if self.is(Kind::Comma) {
                self.trailing_comma()?;
                continue;
            }
            return self.expect(Kind::RParen, "function call", "\",\" or \")\"");
        }
    }

    /// Consumes an argument comma, refusing one right before `)` as Prometheus does.
    fn trailing_comma(&mut self) -> Step {
        let comma = self.bump();
        if self.is(Kind::RParen) {
            return Err(Located {
                message: "trailing commas not allowed in function call args".into(),
                start: comma.start,
                end: comma.end,
            });
        }
        Ok(())
    }

    fn aggregation(&mut self) -> Step {
        self.bump();
        let mut grouped = false;
        if self.is_keyword("by") || self.is_keyword("without") {
            self.bump();
            self.label_list("grouping opts")?;
            grouped = true;
        }
        self.expect(Kind::LParen, "aggregation", "\"(\"")?;
        if !self.is(Kind::RParen) {
            self.expr(0)?;
            while self.is(Kind::Comma) {
                self.trailing_comma()?;
                self.expr(0)?;
            }
        }
        self.expect(Kind::RParen, "aggregation", "\",\" or \")\"")?;
        if !grouped && (self.is_keyword("by") || self.is_keyword("without")) {
            self.bump();
            self.label_list("grouping opts")?;
        }
        Ok(())
    }

    /// `(a, b, "c")`.
    fn label_list(&mut self, context: &str) -> Step {
        self.expect(Kind::LParen, context, "\"(\"")?;
        loop {
            match self.peek().kind {
                Kind::RParen => {
                    self.bump();
                    return Ok(());
                }
                Kind::Ident | Kind::MetricIdent | Kind::Keyword | Kind::Aggregator | Kind::Str => {
                    self.bump();
                }
                // `and`/`or`/`unless`/`atan2` are valid label names too.
                Kind::Op if self.text().chars().all(|c| c.is_ascii_alphanumeric()) => {
                    self.bump();
                }
                _ => return Err(self.unexpected(context, "label")),
            }
            match self.peek().kind {
                Kind::Comma => {
                    self.bump();
                }
                Kind::RParen => {}
                _ => return Err(self.unexpected(context, "\",\" or \")\"")),
            }
        }
    }

    /// `{a="b", "c"!~"d" or e="f"}`.
    fn matchers(&mut self) -> Step {
        let ctx = "label matching";
        self.bump();
        loop {
            match self.peek().kind {
                Kind::RBrace => {
                    self.bump();
                    return Ok(());
                }
                Kind::Ident | Kind::Str => {
                    let name = self.bump();
                    let op = self.peek();
                    let op_ok = op.kind == Kind::MatchOp
                        || op.kind == Kind::Assign
                        || (op.kind == Kind::Op && op.text(self.src) == "!=");
                    if name.kind == Kind::Str
                        && matches!(op.kind, Kind::Comma | Kind::RBrace | Kind::Op)
                        && !op_ok
                    {
                        // A lone quoted string is the metric name.
                    } else if op_ok {
                        self.bump();
                        self.expect(Kind::Str, ctx, "string")?;
                    } else {
                        return Err(self.unexpected(ctx, "label matching operator"));
                    }
                }
                _ => return Err(self.unexpected(ctx, "identifier or \"}\"")),
            }
            match self.peek().kind {
                Kind::Comma => {
                    self.bump();
                }
                Kind::Op if self.text().eq_ignore_ascii_case("or") => {
                    self.bump();
                }
                Kind::RBrace => {}
                _ => return Err(self.unexpected(ctx, "\",\" or \"}\"")),
            }
        }
    }
}

/// Places one of promql-parser's semantic messages on the tokens it is about, rewording it
/// the way Prometheus words it. Falls back to the whole query.
pub fn semantic_error(src: &str, tokens: &[Token], message: &str) -> Located {
    let hint = if message.contains("regex") { crate::engine::go_regex::regex_hint(message) } else { "" };
    let message = reword(message) + hint;
    let whole = Located { message: message.clone(), start: 0, end: src.len() };
    let at = |t: &Token| Located { message: message.clone(), start: t.start, end: t.end };
    let find = |pred: &dyn Fn(&Token) -> bool| tokens.iter().find(|t| pred(t)).map(at);
    let text_is = |t: &Token, word: &str| t.text(src).eq_ignore_ascii_case(word);
    let quoted = quoted_names(&message);

    let located = if message.starts_with("unknown function with name") || message.contains("in call to") {
        // The call: from its name to its closing parenthesis.
        let name = quoted.first().cloned().unwrap_or_default();
        tokens
            .iter()
            .enumerate()
            .find(|(i, t)| {
                t.kind == Kind::Ident
                    && t.text(src) == name
                    && tokens.get(i + 1).is_some_and(|n| n.kind == Kind::LParen)
            })
            .map(|(i, t)| {
                let end = matching_paren(tokens, i + 1).map_or(t.end, |j| tokens[j].end);
                Located { message: message.clone(), start: t.start, end }
            })
    } else if message.contains("aggregat") {
        find(&|t| t.kind == Kind::Aggregator)
    } else if message.contains("@ modifier") || message.starts_with("@ ") {
        find(&|t| t.kind == Kind::At)
    } else if message.contains("before range") {
        find(&|t| t.kind == Kind::LBracket)
    } else if let Some(text) = message.strip_prefix("not a valid duration string: ") {
        let text = text.trim_matches('"');
        find(&|t| t.kind == Kind::Duration && t.text(src) == text)
    } else if message.starts_with("duration must be greater than 0") {
        tokens.windows(2).find(|w| w[0].kind == Kind::LBracket).map(|w| at(&w[1]))
    } else if message.contains("offset") {
        let offsets: Vec<&Token> = tokens.iter().filter(|t| text_is(t, "offset")).collect();
        let pick = if message.contains("multiple") { offsets.get(1) } else { offsets.first() };
        pick.map(|t| at(t))
    } else if message.contains("bool") && !message.contains("BOOL") {
        find(&|t| text_is(t, "bool"))
    } else if message.contains("BOOL") {
        find(&|t| t.kind == Kind::Op && precedence(t.text(src)) == Some(3))
    } else if message.starts_with("no grouping allowed") || message.contains("must not occur in ON and GROUP")
    {
        find(&|t| text_is(t, "group_left") || text_is(t, "group_right"))
    } else if message.starts_with("vector matching only allowed") {
        find(&|t| text_is(t, "on") || text_is(t, "ignoring"))
    } else if message.starts_with("set operator") {
        let op = quoted.first().cloned().unwrap_or_default();
        find(&|t| t.kind == Kind::Op && text_is(t, &op))
    } else if message.contains("ranges only allowed")
        || message.contains("subquery")
        || message.contains("duration")
    {
        // The offending range follows a parenthesis or another range, not a selector.
        let offending = tokens
            .windows(2)
            .find(|w| w[1].kind == Kind::LBracket && matches!(w[0].kind, Kind::RParen | Kind::RBracket))
            .map(|w| w[1]);
        offending.or_else(|| tokens.iter().find(|t| t.kind == Kind::LBracket).copied()).map(|l| {
            let end = tokens
                .iter()
                .find(|t| t.kind == Kind::RBracket && t.start > l.start)
                .map_or(l.end, |r| r.end);
            Located { message: message.clone(), start: l.start, end }
        })
    } else if message.contains("unary expression") {
        find(&|t| t.kind == Kind::Op && matches!(t.text(src), "-" | "+"))
    } else if message.contains("matcher") || message.contains("metric name") || message.contains("regex") {
        find(&|t| t.kind == Kind::LBrace).map(|l| {
            let end =
                tokens.iter().find(|t| t.kind == Kind::RBrace && t.start > l.start).map_or(l.end, |r| r.end);
            // Include the metric name in front of the braces.
            let start = tokens
                .iter()
                .rev()
                .find(|t| t.end <= l.start)
                .filter(|t| matches!(t.kind, Kind::Ident | Kind::MetricIdent) && t.end == l.start)
                .map_or(l.start, |t| t.start);
            Located { start, end, ..l }
        })
    } else {
        // Any token the message quotes.
        quoted.iter().find_map(|q| {
            find(&|t| t.text(src) == q.as_str() || t.text(src).trim_matches(['"', '\'', '`']) == q.as_str())
        })
    };
    located.unwrap_or(whole)
}

/// Rewords promql-parser's messages as Prometheus words them: type names (`vector` is an
/// "instant vector", `matrix` a "range vector") and double-quoted names.
fn reword(message: &str) -> String {
    let mut message = message.to_string();
    for (from, to) in [
        ("type vector", "type instant vector"),
        ("type matrix", "type range vector"),
        ("got vector", "got instant vector"),
        ("got matrix", "got range vector"),
        ("an vector selector or matrix selector", "an instant vector selector or range vector selector"),
        ("only allowed on vector,", "only allowed on instant vector,"),
        ("between vectors", "between instant vectors"),
    ] {
        message = message.replace(from, to);
    }
    if let Some(text) = message.strip_prefix("not a valid duration string: ") {
        if !text.starts_with('"') {
            message = format!("not a valid duration string: \"{text}\"");
        }
    }
    let message = message.as_str();
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('\'') {
        let Some(len) = rest[open + 1..].find('\'') else { break };
        let inner = &rest[open + 1..open + 1 + len];
        out.push_str(&rest[..open]);
        if inner.contains('"') {
            out.push_str(&rest[open..open + len + 2]);
        } else {
            out.push_str(&format!("\"{inner}\""));
        }
        rest = &rest[open + len + 2..];
    }
    out.push_str(rest);
    out
}

/// The double-quoted names in a message.
fn quoted_names(message: &str) -> Vec<String> {
    message.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

/// Index of the `)` closing the `(` at `open`.
fn matching_paren(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.kind {
            Kind::LParen => depth += 1,
            Kind::RParen => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::lex::lex;
    use super::*;

    fn syntax(src: &str) -> Option<(usize, String)> {
        let (tokens, err) = lex(src);
        assert_eq!(err, None, "{src}");
        syntax_error(src, &tokens).map(|l| (l.start, l.message))
    }

    #[test]
    fn valid_queries_pass_the_recognizer() {
        for q in [
            r#"sum by (job) (rate(http_requests_total{job="api", code=~"5.."}[5m])) / ignoring(code) group_left sum(x)"#,
            "histogram_quantile(0.9, sum without (pod) (rate(x_bucket[5m:30s] offset -1h @ 100)))",
            r#"topk(3, x) or on(a) y unless z > bool 2 ^ -1"#,
            r#"{"my.metric", a="b" or c!~"d",}"#,
            "-x @ start() offset 5m",
            "count_values(\"v\", x) by (v)",
            "time()",
            "a:b:c[1m]",
            "1 + 2 * 3 % 4 atan2 5",
        ] {
            assert_eq!(syntax(q), None, "{q}");
        }
    }

    #[test]
    fn syntax_errors_are_placed() {
        for (src, start, msg) in [
            ("rate(x[5m]) +", 13, "unexpected end of input"),
            ("*1", 0, "unexpected <op:*>"),
            ("foo bar", 4, "unexpected identifier \"bar\""),
            (
                r#"x{a="b" c="d"}"#,
                8,
                "unexpected identifier \"c\" in label matching, expected \",\" or \"}\"",
            ),
            (r#"x{a=b}"#, 4, "unexpected identifier \"b\" in label matching, expected string"),
            ("x{,}", 2, "unexpected \",\" in label matching, expected identifier or \"}\""),
            ("sum(x) by job", 10, "unexpected identifier \"job\" in grouping opts, expected \"(\""),
            ("sum without(,)(x)", 12, "unexpected \",\" in grouping opts, expected label"),
            ("rate(x[5m],)", 10, "trailing commas not allowed in function call args"),
            ("rate(x[5m] y)", 11, "unexpected identifier \"y\" in function call, expected \",\" or \")\""),
            ("x offset", 8, "unexpected end of input in offset, expected number or duration"),
            ("x @", 3, "unexpected end of input in @, expected timestamp"),
            ("x[]", 2, "unexpected \"]\" in subquery or range selector, expected number or duration"),
            ("topk(3, x,)", 9, "trailing commas not allowed in function call args"),
        ] {
            assert_eq!(syntax(src), Some((start, msg.to_string())), "{src}");
        }
    }

    #[test]
    fn semantic_errors_are_placed() {
        for (src, msg, want_text, want_msg) in [
            ("foo(x)", "unknown function with name 'foo'", "foo(x)", "unknown function with name \"foo\""),
            (
                "1 + rate(x)",
                "expected type matrix in call to function 'rate', got vector",
                "rate(x)",
                "expected type range vector in call to function \"rate\", got instant vector",
            ),
            ("x offset 1m offset 2m", "offset may not be set multiple times", "offset", ""),
            ("1 == 1", "comparisons between scalars must use BOOL modifier", "==", ""),
            ("x + bool y", "bool modifier can only be used on comparison operators", "bool", ""),
            ("{}", "vector selector must contain at least one non-empty matcher", "{}", ""),
            ("1 and 2", "set operator 'and' not allowed in binary scalar expression", "and", ""),
            ("x[0s]", "duration must be greater than 0", "0s", ""),
            ("rate(x[1m])[5m]", "ranges only allowed for vector selectors", "[5m]", ""),
            ("x[5m1h]", "not a valid duration string: 5m1h", "5m1h", "not a valid duration string: \"5m1h\""),
            ("sum()", "no arguments for aggregate expression 'sum' provided", "sum", ""),
            ("what", "something unknown", "what", ""),
        ] {
            let (tokens, _) = lex(src);
            let l = semantic_error(src, &tokens, msg);
            assert_eq!(&src[l.start..l.end], if want_text == "what" { src } else { want_text }, "{src}");
            if !want_msg.is_empty() {
                assert_eq!(l.message, want_msg);
            }
        }
    }
}
