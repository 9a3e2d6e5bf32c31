//! The submission-archive fuzz target: `.zip` bytes read the way `promplay grade` and the
//! site's review read a submission (the caps, the names, UTF-8), then `answers.json` parsed
//! and the alert rule file's documentation read.
//!
//! The harness mutates text, so an archive travels as Latin-1 text: each byte is one
//! character U+0000–U+00FF. Characters above U+00FF (from the dictionary or a splice) stand
//! for their UTF-8 bytes, so every string is some archive.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use crate::deliverables::archive::{read_zip, write_zip, MAX_ENTRIES};
use crate::deliverables::assemble::{alert_docs, file_names};
use crate::deliverables::model::Submission;

/// Tokens mutations insert: zip record signatures, hostile names, huge sizes.
pub const ZIP_DICT: &[&str] = &[
    "PK\u{3}\u{4}",
    "PK\u{1}\u{2}",
    "PK\u{5}\u{6}",
    "PK\u{6}\u{6}",
    "\u{ff}\u{ff}\u{ff}\u{ff}",
    "\u{0}\u{0}\u{0}\u{0}",
    "../",
    "/etc/",
    "C:\\",
    "answers.json",
    "alert_rules.yml",
    "\u{8}\u{0}",
];

/// The bytes an input string stands for.
pub fn bytes_of(input: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    for c in input.chars() {
        match u8::try_from(u32::from(c)) {
            Ok(b) => out.push(b),
            Err(_) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    out
}

/// The input string that stands for `bytes`.
pub fn text_of(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Runs one archive: read it, then read what a grader reads first.
pub fn run(input: &str) -> u64 {
    let bundle = match read_zip(&bytes_of(input)) {
        Ok(b) => b,
        Err(e) => return super::hash(signature(&e).as_bytes()),
    };
    let parsed = bundle.files.get(file_names::ANSWERS).map(|t| Submission::parse(t).map(|s| s.answers.len()));
    let alerts = bundle.files.get(file_names::ALERT_RULES).map(|t| alert_docs(t, &BTreeMap::new()).len());
    let summary = format!(
        "{} files, {} skipped, answers {:?}, alerts {:?}",
        bundle.files.len().min(3),
        bundle.skipped.len().min(3),
        parsed.map(|r| r.map_err(|e| signature(&e)).map(|n| n.min(3))),
        alerts.map(|n| n.min(3))
    );
    super::hash(summary.as_bytes())
}

/// The first words of an error, digits left out (one outcome per kind of error).
fn signature(e: &str) -> String {
    e.chars().filter(|c| !c.is_ascii_digit()).take(40).collect()
}

/// Small valid submissions and hostile archives, as input strings.
pub fn seeds() -> Vec<String> {
    let answers = Submission::new().to_json();
    let rules = "groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up == 0\n    labels: {severity: page}\n    annotations: {runbook: r, threshold_justification: t}\n";
    let valid: Vec<Vec<(String, String)>> = vec![
        vec![(file_names::ANSWERS.into(), answers.clone())],
        vec![
            (format!("repo/{}", file_names::ANSWERS), answers.clone()),
            (format!("repo/{}", file_names::ALERT_RULES), rules.into()),
            ("repo/PROMQL_QUERIES.md".into(), "# Queries\n".into()),
        ],
        vec![(file_names::ANSWERS.into(), "{\"format\":\"promplay-submission/1\",\"answers\":[{\"exercise\":\"x\",\"kind\":\"query\",\"pack\":\"p\",\"text\":\"up\"}]}".into())],
    ];
    let mut out: Vec<String> =
        valid.iter().filter_map(|files| write_zip(files).ok()).map(|b| text_of(&b)).collect();
    let many: Vec<(String, Vec<u8>)> = (0..=MAX_ENTRIES).map(|i| (format!("f{i}"), Vec::new())).collect();
    let hostile: Vec<Vec<(String, Vec<u8>)>> = vec![
        vec![("../evil.sh".into(), b"x".to_vec())],
        vec![("/etc/passwd".into(), b"x".to_vec())],
        vec![("a\\b".into(), b"x".to_vec())],
        // A small bomb: 3 MiB of zeros, past the per-file cap, deflate to a few kilobytes.
        vec![(file_names::ANSWERS.into(), vec![0; 3 << 20])],
        vec![(file_names::ANSWERS.into(), answers.into_bytes()), ("x.bin".into(), vec![0xff, 0xfe, 0])],
        many,
    ];
    out.extend(hostile.iter().filter_map(|entries| raw_zip(entries)).map(|b| text_of(&b)));
    if let Some(first) = out.first().cloned() {
        // A truncated archive.
        out.push(first.chars().take(first.chars().count() / 2).collect());
    }
    out.extend(super::seeds::kept("submission-zip"));
    out
}

/// A zip written entry by entry without the writer's name checks (hostile names included).
fn raw_zip(entries: &[(String, Vec<u8>)]) -> Option<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        zip.start_file(name.as_str(), opts).ok()?;
        zip.write_all(data).ok()?;
    }
    zip.finish().ok().map(Cursor::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_travel_as_latin1_text() {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(bytes_of(&text_of(&all)), all);
        assert_eq!(bytes_of("é\u{100}"), vec![0xe9, 0xc4, 0x80]);
    }

    #[test]
    fn seeds_are_valid_and_hostile_archives() {
        let seeds = seeds();
        assert!(seeds.len() >= 9, "{} seeds", seeds.len());
        let read: Vec<Result<usize, String>> =
            seeds.iter().map(|s| read_zip(&bytes_of(s)).map(|b| b.files.len())).collect();
        assert_eq!(read.iter().filter(|r| r.is_ok()).count(), 4, "{read:?}");
        assert!(read[3].as_ref().is_err_and(|e| e.contains("leave")), "{:?}", read[3]);
    }
}
