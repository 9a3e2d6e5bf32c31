//! A timeline of alerts written by hand (the lab's YAML input): which alerts fire when, in
//! offsets from the dataset's start, turned into what Prometheus would POST to Alertmanager
//! for them (see [`sends`]).
//!
//! ```yaml
//! evaluation_interval: 30s        # optional, default 1m: when Prometheus evaluates
//! resend_delay: 1m                # optional, default 1m: --rules.alert.resend-delay
//! alerts:
//! - labels: {alertname: ModelHighErrorRate, severity: warning, model: fraud-detector}
//!   annotations: {description: "Model fraud-detector has error rate of 8%"}
//!   firing: [33h5m, 34h35m]       # fires at the first evaluation from 33h5m, resolves at 34h35m
//! - labels: {alertname: ModelLowCacheHitRate, severity: info, model: recommender}
//!   firing: [30m]                 # no end: still firing when the data ends
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use super::alert::{Post, PostedAlert};
use crate::content::error::{ContentError, Problem};
use crate::content::yaml::{self, Seg};
use crate::engine::{Labels, Millis};
use crate::rules::duration;
use crate::rules::notifier::Resend;

/// Prometheus's default `evaluation_interval` (the resend delay's is the notifier's).
pub const DEFAULT_EVALUATION_INTERVAL: Millis = 60_000;
pub use crate::rules::notifier::DEFAULT_RESEND_DELAY;
/// Limits that keep a simulation of a hand-written timeline small: the shortest evaluation
/// interval, the latest offset (a year) and the most alerts.
pub const MIN_EVALUATION_INTERVAL: Millis = 1000;
pub const MAX_OFFSET: Millis = 366 * 24 * 3_600_000;
pub const MAX_ALERTS: usize = 2000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    evaluation_interval: Option<String>,
    #[serde(default)]
    resend_delay: Option<String>,
    alerts: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    firing: Vec<String>,
}

/// One alert firing over `[from, to)` (offsets from the dataset's start).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Firing {
    pub labels: Labels,
    pub annotations: BTreeMap<String, String>,
    pub from: Millis,
    /// None: still firing at the end.
    pub to: Option<Millis>,
}

/// A parsed timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    pub evaluation_interval: Millis,
    pub resend_delay: Millis,
    pub firings: Vec<Firing>,
}

/// Reads a timeline; every problem names its line in `file`.
pub fn parse(file: &str, text: &str) -> Result<Timeline, ContentError> {
    let raw: File = yaml::parse(file, text).map_err(|p| ContentError { problems: vec![p] })?;
    let mut problems = Vec::new();
    let mut at =
        |path: &[Seg], msg: String| problems.push(Problem::new(file, yaml::line_of(text, path), msg));
    let mut interval = |key: &'static str, value: &Option<String>, default: Millis| match value {
        None => default,
        Some(v) => match duration::parse(v) {
            Ok(ms) if ms > 0 => ms,
            Ok(_) => {
                at(&[Seg::Key(key)], format!("{key} must be greater than zero"));
                default
            }
            Err(e) => {
                at(&[Seg::Key(key)], format!("{key}: {e}"));
                default
            }
        },
    };
    let evaluation_interval =
        interval("evaluation_interval", &raw.evaluation_interval, DEFAULT_EVALUATION_INTERVAL);
    let resend_delay = interval("resend_delay", &raw.resend_delay, DEFAULT_RESEND_DELAY);
    if evaluation_interval < MIN_EVALUATION_INTERVAL {
        at(&[Seg::Key("evaluation_interval")], "evaluation_interval: give 1s or more".into());
    }
    if raw.alerts.len() > MAX_ALERTS {
        at(&[Seg::Key("alerts")], format!("more than {MAX_ALERTS} alerts"));
    }
    let mut firings = Vec::new();
    for (i, e) in raw.alerts.iter().enumerate() {
        let path = [Seg::Key("alerts"), Seg::Index(i), Seg::Key("firing")];
        let times: Vec<Result<Millis, String>> = e
            .firing
            .iter()
            .map(|t| {
                duration::parse(t).and_then(|ms| {
                    if ms > MAX_OFFSET {
                        Err("later than a year".into())
                    } else {
                        Ok(ms)
                    }
                })
            })
            .collect();
        let (from, to) = match times.as_slice() {
            [Ok(from)] => (*from, None),
            [Ok(from), Ok(to)] if to > from => (*from, Some(*to)),
            [Ok(_), Ok(_)] => {
                at(&path, "firing: the end must come after the start".into());
                continue;
            }
            [..] if times.iter().any(Result::is_err) => {
                let e = times.iter().find_map(|t| t.clone().err()).unwrap_or_default();
                at(&path, format!("firing: {e} (offsets like 33h5m from the dataset's start)"));
                continue;
            }
            _ => {
                at(&path, "firing: give [start] or [start, end]".into());
                continue;
            }
        };
        let labels = Labels::from_pairs(e.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        if labels.is_empty() {
            at(&[Seg::Key("alerts"), Seg::Index(i)], "an alert needs at least one label".into());
            continue;
        }
        firings.push(Firing { labels, annotations: e.annotations.clone(), from, to });
    }
    if problems.is_empty() {
        Ok(Timeline { evaluation_interval, resend_delay, firings })
    } else {
        Err(ContentError { problems })
    }
}

/// What Prometheus POSTs for these firings over `[start, end]` (firings are offsets from
/// `start`): evaluations every `evaluation_interval` from `start`; an alert fires at the first
/// evaluation at or after its start (`startsAt` = that time) and resolves at the first one at
/// or after its end. When it is sent and with which `endsAt` is the notifier's rule
/// ([`Resend`], Prometheus's `rules/alerting.go` and `manager.go`): sent when it fires or
/// resolves, re-sent once more than `resend_delay` has passed since the last send, a resolved
/// one kept and re-sent for 15 minutes.
pub fn sends(timeline: &Timeline, start: Millis, end: Millis) -> Vec<Post> {
    let eval = timeline.evaluation_interval.max(1);
    let policy = Resend::new(timeline.resend_delay, eval);
    // (fired at, resolved at) of each firing, on the evaluation grid.
    let on_grid = |offset: Millis| start + (offset + eval - 1).div_euclid(eval) * eval;
    let spans: Vec<(Millis, Option<Millis>)> =
        timeline.firings.iter().map(|f| (on_grid(f.from), f.to.map(on_grid))).collect();
    let mut last_sent: Vec<Option<Millis>> = vec![None; spans.len()];
    let mut posts = Vec::new();
    let mut t = start;
    while t <= end {
        let mut alerts = Vec::new();
        for (i, (f, &(fired, resolved))) in timeline.firings.iter().zip(&spans).enumerate() {
            let resolved_by_now = resolved.filter(|&r| r <= t);
            let tracked = fired <= t && resolved_by_now.is_none_or(|r| Resend::kept(r, t));
            if !tracked {
                continue;
            }
            if let Some(ends_at) = policy.send(&mut last_sent[i], t, resolved_by_now) {
                alerts.push(PostedAlert {
                    labels: f.labels.clone(),
                    annotations: f.annotations.clone(),
                    starts_at: Some(fired),
                    ends_at: Some(ends_at),
                    generator_url: String::new(),
                });
            }
        }
        if !alerts.is_empty() {
            posts.push(Post { at: t, alerts });
        }
        t += eval;
    }
    posts
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "evaluation_interval: 30s\nalerts:\n- labels: {alertname: A}\n  firing: [1m, 3m]\n";

    #[test]
    fn parses_and_reports_lines() {
        let t = parse("t.yaml", TEXT).unwrap();
        assert_eq!((t.evaluation_interval, t.resend_delay), (30_000, 60_000));
        assert_eq!(t.firings[0].to, Some(180_000));
        let bad = parse("t.yaml", "alerts:\n- labels: {a: b}\n  firing: [5m, 1m]\n").unwrap_err();
        assert_eq!(bad.problems[0].to_string(), "t.yaml:3: firing: the end must come after the start");
        assert!(parse("t.yaml", "alerts:\n- labels: {a: b}\n  firing: [soon]\n").is_err());
        assert!(parse("t.yaml", "alerts:\n- labels: {a: b}\n  fires: [1m]\n").is_err());
        assert!(parse("t.yaml", "evaluation_interval: 1ms\nalerts: []\n").is_err());
        assert!(parse("t.yaml", "alerts:\n- labels: {a: b}\n  firing: [100000h]\n").is_err());
    }

    #[test]
    fn sends_like_prometheus() {
        let t = parse("t.yaml", TEXT).unwrap();
        let posts = sends(&t, 0, 30 * 60_000);
        let times: Vec<Millis> = posts.iter().map(|p| p.at / 1000).collect();
        // Fires at 60 s, re-sent when more than 60 s passed (every 90 s at 30 s evaluations),
        // resolved at 180 s and then re-sent every 90 s for 15 minutes.
        assert_eq!(&times[..4], [60, 150, 180, 270]);
        assert_eq!(*times.last().unwrap(), 1080);
        assert_eq!(posts[0].alerts[0].ends_at, Some(60_000 + 240_000));
        assert_eq!(posts[2].alerts[0].ends_at, Some(180_000));
        assert!(posts.iter().all(|p| p.alerts[0].starts_at == Some(60_000)));
    }
}
