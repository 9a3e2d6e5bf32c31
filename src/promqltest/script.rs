//! Reads a promqltest file into commands: `load`, `clear` and `eval` with their expectation
//! lines, following Prometheus's `promql/promqltest/test.go`.

use std::sync::OnceLock;

use regex::Regex;

use crate::engine::go_regex::go_classes;
use crate::engine::{Labels, Millis};

use super::duration::parse_duration;
use super::notation::{parse_number, parse_series_line, SeriesDesc};
use super::quote::unquote;

/// One command of a test file.
#[derive(Clone, Debug)]
pub enum Command {
    Load(Load),
    Clear,
    Eval(Box<Eval>),
}

/// A `load <step>` block.
#[derive(Clone, Debug)]
pub struct Load {
    /// 1-based line of the `load` keyword.
    pub line: usize,
    pub step: Millis,
    /// `load_with_nhcb`: classic histograms are also loaded as native histograms.
    pub with_nhcb: bool,
    pub series: Vec<SeriesDesc>,
}

impl Load {
    /// When the `i`-th value of a series in this block is sampled (the block starts at 0),
    /// or None past the range of timestamps (a step such as `load 99999999999m`).
    pub fn sample_time(&self, i: usize) -> Option<Millis> {
        sample_time(self.step, i)
    }
}

/// [`Load::sample_time`] for a block whose step is `step`.
pub fn sample_time(step: Millis, i: usize) -> Option<Millis> {
    Millis::try_from(i).ok()?.checked_mul(step)
}

/// What is wrong with the `i`-th value of series `labels` when its time is past the range of
/// timestamps.
pub fn past_time_range(labels: &impl std::fmt::Display, i: usize) -> String {
    format!("{labels}: value {} lies past the last possible timestamp (the load step is too large)", i + 1)
}

/// When an eval runs.
#[derive(Clone, Debug, PartialEq)]
pub enum EvalKind {
    Instant { at: Millis },
    Range { start: Millis, end: Millis, step: Millis },
}

/// How an `expect` line matches a message.
#[derive(Clone, Debug)]
pub enum TextMatch {
    Any,
    Exact(String),
    Regex(Regex),
}

impl TextMatch {
    /// True when `text` satisfies this matcher.
    pub fn matches(&self, text: &str) -> bool {
        match self {
            TextMatch::Any => true,
            TextMatch::Exact(m) => m == text,
            TextMatch::Regex(r) => r.is_match(text),
        }
    }
}

impl TextMatch {
    /// Matches an annotation. Prometheus ends annotations with the position of the
    /// expression they are about (`... (1:15)`); when `text` carries no position (the engine
    /// keeps none), the expectation's position is left out of the comparison.
    pub fn matches_annotation(&self, text: &str) -> bool {
        if self.matches(text) || split_position(text).is_some() {
            // A positioned annotation is compared whole.
            return self.matches(text);
        }
        match self {
            TextMatch::Any => true,
            TextMatch::Exact(m) => split_position(m).is_some_and(|bare| bare == text),
            TextMatch::Regex(r) => {
                let src = r.as_str();
                src.strip_suffix(r"\)")
                    .and_then(|s| s.rfind(r" \(").map(|p| &s[..p]))
                    .and_then(|bare| Regex::new(bare).ok())
                    .is_some_and(|bare| bare.is_match(text))
            }
        }
    }
}

/// `"msg (1:15)"` -> `Some("msg")`.
fn split_position(s: &str) -> Option<&str> {
    let inner = s.strip_suffix(')')?;
    let open = inner.rfind(" (")?;
    let (line, col) = inner[open + 2..].split_once(':')?;
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    (digits(line) && digits(col)).then_some(&s[..open])
}

impl std::fmt::Display for TextMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextMatch::Any => write!(f, "anything"),
            TextMatch::Exact(m) => write!(f, "message {m:?}"),
            TextMatch::Regex(r) => write!(f, "pattern {:?}", r.as_str()),
        }
    }
}

/// What an eval expects back.
#[derive(Clone, Debug, Default)]
pub struct Expectations {
    /// `eval_fail`, `expect fail` (with its matcher), `expected_fail_message|regexp`.
    pub fail: Option<TextMatch>,
    /// `expect warn ...` lines (old `eval_warn` adds a `TextMatch::Any`).
    pub warn: Vec<TextMatch>,
    pub info: Vec<TextMatch>,
    pub no_warn: bool,
    pub no_info: bool,
    pub ordered: bool,
    /// `expect range vector from A to B step S`: an instant query answering a range vector.
    pub range_vector: Option<(Millis, Millis, Millis)>,
    /// `expect string "..."`.
    pub string: Option<String>,
    /// A bare number line: the query answers a scalar.
    pub scalar: Option<f64>,
    /// Expected series, in the order written (position matters for `ordered`).
    pub series: Vec<ExpectedSeries>,
}

/// One expected result line.
#[derive(Clone, Debug)]
pub struct ExpectedSeries {
    pub line: usize,
    pub desc: SeriesDesc,
}

/// An `eval` command.
#[derive(Clone, Debug)]
pub struct Eval {
    /// 1-based line of the `eval` keyword.
    pub line: usize,
    pub expr: String,
    pub kind: EvalKind,
    pub expect: Expectations,
}

impl Eval {
    /// Labels of the expected series, for lookups.
    pub fn expected_labels(&self) -> impl Iterator<Item = &Labels> {
        self.expect.series.iter().map(|s| &s.desc.labels)
    }
}

/// A problem in the test file itself.
#[derive(Clone, Debug, PartialEq)]
pub struct ScriptError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

fn err<T>(line: usize, message: impl Into<String>) -> Result<T, ScriptError> {
    Err(ScriptError { line, message: message.into() })
}

struct Patterns {
    load: Regex,
    instant: Regex,
    range: Regex,
    expect: Regex,
    range_vector: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re =
            |s: &str| Regex::new(&go_classes(s)).unwrap_or_else(|e| unreachable!("fixed pattern {s}: {e}"));
        Patterns {
            load: re(r"^load(?:_(with_nhcb))?\s+(.+?)$"),
            instant: re(r"^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$"),
            range: re(
                r"^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$",
            ),
            expect: re(r"^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$"),
            range_vector: re(r"^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$"),
        }
    })
}

/// A parsed test file: its commands, plus the blocks that could not be read (each skipped
/// up to the next blank line, so one bad block does not hide the rest of the file).
#[derive(Clone, Debug, Default)]
pub struct Script {
    pub commands: Vec<Command>,
    pub errors: Vec<ScriptError>,
}

/// Parses a whole test file.
pub fn parse_script(input: &str) -> Script {
    // Trimmed lines with comments blanked, as upstream does: blank lines end blocks.
    let lines: Vec<&str> =
        input.lines().map(str::trim).map(|l| if l.starts_with('#') { "" } else { l }).collect();
    let mut script = Script::default();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if l.is_empty() {
            i += 1;
            continue;
        }
        let word = l.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
        let parsed = if word == "clear" {
            Ok((Command::Clear, i + 1))
        } else if word.starts_with("load") {
            parse_load(&lines, i).map(|(load, next)| (Command::Load(load), next))
        } else if word.starts_with("eval") {
            parse_eval(&lines, i).map(|(eval, next)| (Command::Eval(Box::new(eval)), next))
        } else {
            err(i + 1, format!("invalid command {l:?}"))
        };
        match parsed {
            Ok((cmd, next)) => {
                script.commands.push(cmd);
                i = next;
            }
            Err(e) => {
                script.errors.push(e);
                i = end_of_block(&lines, i);
            }
        }
    }
    script
}

/// Index of the first blank line after `i` (or the end).
fn end_of_block(lines: &[&str], i: usize) -> usize {
    (i + 1..lines.len()).find(|&j| lines[j].is_empty()).unwrap_or(lines.len())
}

/// The block of non-blank lines following line `i`, with their indexes.
fn block<'a>(lines: &'a [&'a str], i: usize) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    lines.iter().enumerate().skip(i + 1).take_while(|(_, l)| !l.is_empty()).map(|(j, l)| (j, *l))
}

fn parse_load(lines: &[&str], i: usize) -> Result<(Load, usize), ScriptError> {
    let caps = patterns()
        .load
        .captures(lines[i])
        .ok_or(ScriptError { line: i + 1, message: "invalid load command".into() })?;
    let step_text = caps.get(2).map_or("", |m| m.as_str());
    let step =
        parse_duration(step_text).or_else(|e| err(i + 1, format!("invalid step {step_text:?}: {e}")))?;
    let mut load = Load { line: i + 1, step, with_nhcb: caps.get(1).is_some(), series: Vec::new() };
    let mut next = i + 1;
    for (j, l) in block(lines, i) {
        if l.split_whitespace().next().is_some_and(|w| w.ends_with("@st")) {
            // Start-timestamp lines describe metadata the engine does not model.
            next = j + 1;
            continue;
        }
        let desc = parse_series_line(l).or_else(|e| err(j + 1, e))?;
        // Within one block a repeated series replaces the earlier line, as upstream's map does.
        load.series.retain(|s| s.labels != desc.labels);
        load.series.push(desc);
        next = j + 1;
    }
    Ok((load, next))
}

fn parse_time(line: usize, what: &str, s: &str) -> Result<Millis, ScriptError> {
    parse_duration(s.trim()).or_else(|e| err(line, format!("invalid {what} {s:?}: {e}")))
}

fn parse_eval(lines: &[&str], i: usize) -> Result<(Eval, usize), ScriptError> {
    let p = patterns();
    let line = i + 1;
    let (modifier, expr, kind) = if let Some(c) = p.instant.captures(lines[i]) {
        let at = c.get(2).map_or(Ok(0), |m| parse_time(line, "timestamp", m.as_str()))?;
        (c.get(1).map(|m| m.as_str()), c[3].to_string(), EvalKind::Instant { at })
    } else if let Some(c) = p.range.captures(lines[i]) {
        let start = parse_time(line, "start", &c[2])?;
        let end = parse_time(line, "end", &c[3])?;
        let step = parse_time(line, "step", &c[4])?;
        if end < start {
            return err(line, "end timestamp is before start timestamp");
        }
        (c.get(1).map(|m| m.as_str()), c[5].to_string(), EvalKind::Range { start, end, step })
    } else {
        return err(line, "invalid eval command");
    };
    let mut ex = Expectations::default();
    match modifier {
        Some("fail") => ex.fail = Some(TextMatch::Any),
        Some("warn") => ex.warn.push(TextMatch::Any),
        Some("info") => ex.info.push(TextMatch::Any),
        Some("ordered") => ex.ordered = true,
        _ => {}
    }
    let mut next = i + 1;
    for (j, l) in block(lines, i) {
        next = j + 1;
        if ex.fail.is_some() {
            if let Some(m) = l.strip_prefix("expected_fail_message") {
                ex.fail = Some(TextMatch::Exact(m.trim().to_string()));
                break;
            }
            if let Some(r) = l.strip_prefix("expected_fail_regexp") {
                ex.fail = Some(TextMatch::Regex(compile(j + 1, r.trim())?));
                break;
            }
        }
        if let Some(c) = p.range_vector.captures(l) {
            let start = parse_time(j + 1, "start", &c[1])?;
            let end = parse_time(j + 1, "end", &c[2])?;
            let step = parse_time(j + 1, "step", &c[3])?;
            ex.range_vector = Some((start, end, step));
            continue;
        }
        if let Some(rest) = l.strip_prefix("expect string") {
            ex.string = Some(unquote(rest.trim()).or_else(|e| err(j + 1, e))?);
            continue;
        }
        if l.split(' ').next() == Some("expect") {
            parse_expect(j + 1, l, &mut ex)?;
            continue;
        }
        if let Some(v) = parse_scalar_line(l) {
            ex.scalar = Some(v);
            // Upstream stops reading the block at a scalar line.
            break;
        }
        let desc = parse_series_line(l).or_else(|e| err(j + 1, e))?;
        if desc.values.len() > 1 && ex.range_vector.is_none() && matches!(kind, EvalKind::Instant { .. }) {
            return err(j + 1, "multiple values in an instant evaluation need 'expect range vector'");
        }
        ex.series.retain(|s| s.desc.labels != desc.labels);
        ex.series.push(ExpectedSeries { line: j + 1, desc });
    }
    // Skip any rest of the block after an early break (upstream ignores it too).
    let next = if next < lines.len() && !lines[next].is_empty() { end_of_block(lines, next) } else { next };
    let kind = match (kind, ex.range_vector) {
        (EvalKind::Instant { .. }, Some((_, end, _))) => EvalKind::Instant { at: end },
        (k, _) => k,
    };
    Ok((Eval { line, expr, kind, expect: ex }, next))
}

/// A bare number line (Go's `ParseInt(s, 0, 64)` or `ParseFloat`).
fn parse_scalar_line(l: &str) -> Option<f64> {
    if l.contains(char::is_whitespace) {
        return None;
    }
    parse_number(l).or_else(|| l.parse::<f64>().ok())
}

fn compile(line: usize, pattern: &str) -> Result<Regex, ScriptError> {
    // Test files hold Go regexps.
    Regex::new(&go_classes(pattern)).or_else(|e| err(line, format!("invalid regex {pattern:?}: {e}")))
}

fn parse_expect(line: usize, l: &str, ex: &mut Expectations) -> Result<(), ScriptError> {
    let c = patterns()
        .expect
        .captures(l.trim())
        .ok_or(ScriptError { line, message: format!("invalid expect statement {l:?}") })?;
    let matcher = match (c.get(2).map(|m| m.as_str()), c.get(3).map(|m| m.as_str().trim())) {
        (Some("msg"), Some(m)) => TextMatch::Exact(m.to_string()),
        (Some("regex"), Some(r)) => TextMatch::Regex(compile(line, r)?),
        _ => TextMatch::Any,
    };
    match &c[1] {
        "fail" if ex.fail.is_some() => return err(line, "multiple expect fail lines"),
        "fail" => ex.fail = Some(matcher),
        "warn" => ex.warn.push(matcher),
        "info" => ex.info.push(matcher),
        "no_warn" => ex.no_warn = true,
        "no_info" => ex.no_info = true,
        _ => ex.ordered = true,
    }
    if (ex.no_warn && !ex.warn.is_empty()) || (ex.no_info && !ex.info.is_empty()) {
        return err(line, "expect warn/info cannot be combined with no_warn/no_info");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_commands() {
        let script = "# comment\nload 1m\n  a{x=\"1\"} 1 2 3\n\nclear\n\
            eval instant at 1m a\n  expect no_warn\n  a{x=\"1\"} 2\n\n\
            eval range from 0 to 2m step 1m a\n  a{x=\"1\"} 1 2 3\n\n\
            eval_fail instant at 0 1\n  expected_fail_message boom\n";
        let parsed = parse_script(script);
        assert_eq!(parsed.errors, vec![]);
        let cmds = parsed.commands;
        assert_eq!(cmds.len(), 5);
        let Command::Load(load) = &cmds[0] else { panic!("load") };
        assert_eq!((load.line, load.step, load.series.len()), (2, 60_000, 1));
        let Command::Eval(e) = &cmds[2] else { panic!("eval") };
        assert_eq!((e.line, e.kind.clone(), e.expect.no_warn), (6, EvalKind::Instant { at: 60_000 }, true));
        let Command::Eval(e) = &cmds[3] else { panic!("eval") };
        assert_eq!(e.kind, EvalKind::Range { start: 0, end: 120_000, step: 60_000 });
        let Command::Eval(e) = &cmds[4] else { panic!("eval") };
        assert!(matches!(&e.expect.fail, Some(TextMatch::Exact(m)) if m == "boom"));
    }

    #[test]
    fn reads_expect_lines() {
        let cmds = parse_script(
            "eval instant at 0 x\n expect warn msg: PromQL warning: w (1:1)\n expect info regex: a.b\n \
             expect fail\n expect ordered\n",
        )
        .commands;
        let Command::Eval(e) = &cmds[0] else { panic!("eval") };
        assert!(e.expect.warn[0].matches("PromQL warning: w (1:1)"));
        assert!(e.expect.info[0].matches("xaxb"));
        assert!(e.expect.warn[0].matches_annotation("PromQL warning: w"));
        assert!(!e.expect.warn[0].matches_annotation("PromQL warning: w (1:2)"));
        assert!(!e.expect.warn[0].matches_annotation("PromQL warning: v"));
        let re = TextMatch::Regex(Regex::new(r"got NaN \([0-9]+:[0-9]+\)").unwrap());
        assert!(re.matches_annotation("got NaN") && re.matches_annotation("got NaN (1:5)"));
        assert!(e.expect.fail.is_some() && e.expect.ordered);
    }

    #[test]
    fn rejects_bad_scripts() {
        for bad in ["bogus", "load x\n a 1", "eval instant a\n", "eval instant at 0 a\n a 1 2\n"] {
            assert_eq!(parse_script(bad).errors.len(), 1, "{bad}");
        }
        // A bad block is skipped; the next one is still read.
        let parsed = parse_script("load 1m\n a 1x\n\nclear\n");
        assert_eq!((parsed.errors[0].line, parsed.commands.len()), (2, 1));
    }
}
