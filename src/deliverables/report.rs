//! A grade as text for people, JSON for scripts, and JUnit XML for CI (one test case per
//! rubric item, grouped by section, a failure per item that did not pass).

use std::fmt::Write as _;

use super::grade::{GradeReport, ItemResult, Status};

/// The text report: problems, then per section its score and each item, then the total.
pub fn text(r: &GradeReport) -> String {
    let mut out = String::new();
    for p in &r.problems {
        let _ = writeln!(out, "problem: {p}");
    }
    for s in r.sections.iter().filter(|s| s.max > 0.0) {
        let _ = writeln!(out, "\n{}: {:.2} / {:.0}", s.title, s.points, s.max);
        for i in r.items.iter().filter(|i| i.section == s.section) {
            let _ = writeln!(out, "  {} {:<52} {:>5.2}  {}", mark(i), i.id, i.points, i.title);
            for f in &i.findings {
                let _ = writeln!(out, "        {f}");
            }
        }
    }
    let passed = r.items.iter().filter(|i| i.status == Status::Passed).count();
    let verdict = if r.passed() { "every required item passes" } else { "some required item does not pass" };
    let _ =
        writeln!(out, "\nScore: {:.2} / 100 ({passed} of {} items pass; {verdict})", r.score, r.items.len());
    out
}

fn mark(i: &ItemResult) -> &'static str {
    match (i.status, i.required) {
        (Status::Passed, _) => "ok  ",
        (Status::Failed, _) => "FAIL",
        (Status::Missing, true) => "MISS",
        (Status::Missing, false) => "  - ",
    }
}

/// The report as JSON (the same fields as the types).
pub fn json(r: &GradeReport) -> String {
    #[derive(serde::Serialize)]
    struct Out<'a> {
        passed: bool,
        #[serde(flatten)]
        report: &'a GradeReport,
    }
    serde_json::to_string_pretty(&Out { passed: r.passed(), report: r }).unwrap_or_default()
}

/// XML text with the five special characters escaped, and characters XML 1.0 forbids dropped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: a suite per section; a missing optional item is `skipped`.
pub fn junit(r: &GradeReport) -> String {
    let failures = r.items.iter().filter(|i| i.required && i.status != Status::Passed).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"promplay grade\" tests=\"{}\" failures=\"{failures}\">",
        r.items.len()
    );
    for s in r.sections.iter().filter(|s| s.max > 0.0) {
        let items: Vec<&ItemResult> = r.items.iter().filter(|i| i.section == s.section).collect();
        let failed = items.iter().filter(|i| i.required && i.status != Status::Passed).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\">",
            escape(&s.title),
            items.len()
        );
        for i in items {
            let _ =
                write!(out, "    <testcase classname=\"{}\" name=\"{}\">", escape(&s.title), escape(&i.id));
            let detail = escape(&i.findings.join("\n"));
            match (i.status, i.required) {
                (Status::Passed, _) => {}
                (Status::Missing, false) => out.push_str("<skipped message=\"no answer (optional)\"/>"),
                _ => {
                    let _ = write!(out, "<failure message=\"{}\">{detail}</failure>", escape(&i.title));
                }
            }
            out.push_str("</testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
