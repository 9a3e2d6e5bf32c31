//! What a simulation receives: the POSTs Prometheus would make and, for showing routes, each
//! alert's firing spans, from either source the lab offers: a hand-written timeline
//! ([`timeline`](super::timeline)) or a rule file evaluated over a dataset (the alerting lab's
//! timelines, sent by the [`notifier`](crate::rules::notifier)).

use super::alert::{Post, PostedAlert};
use super::timeline::{sends, Timeline};
use crate::engine::{Labels, Millis, Storage};
use crate::rules::alert_timeline::AlertTimeline;
use crate::rules::notifier::{sends_of, with_external_labels};
use crate::rules::{EvalOptions, RuleFile};

/// An alert's label set and when it fired: (from, to), None while still firing.
pub type AlertSpans = (Labels, Vec<(Millis, Option<Millis>)>);

/// The simulation's input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Input {
    /// In time order.
    pub posts: Vec<Post>,
    /// Each alert's label set (as sent) and when it fired.
    pub alerts: Vec<AlertSpans>,
}

/// A hand-written timeline over `[start, end]` (its offsets count from `start`).
pub fn from_timeline(timeline: &Timeline, start: Millis, end: Millis) -> Input {
    let alerts = timeline
        .firings
        .iter()
        .map(|f| (f.labels.clone(), vec![(start + f.from, f.to.map(|t| start + t))]))
        .collect();
    Input { posts: sends(timeline, start, end), alerts }
}

/// The alerting rules' timelines `alerts` of `file`, evaluated over `storage` with `opts`, as
/// Prometheus sends them with `--rules.alert.resend-delay` `resend_delay`.
pub fn from_rules(
    alerts: &[AlertTimeline],
    storage: &Storage,
    file: &RuleFile,
    opts: &EvalOptions,
    resend_delay: Millis,
) -> Input {
    let posts = sends_of(alerts, storage, file, opts, resend_delay)
        .into_iter()
        .map(|send| Post {
            at: send.at,
            alerts: send
                .alerts
                .into_iter()
                .map(|a| PostedAlert {
                    labels: a.labels,
                    annotations: a.annotations,
                    starts_at: Some(a.starts_at),
                    ends_at: Some(a.ends_at),
                    generator_url: a.generator_url,
                })
                .collect(),
        })
        .collect();
    let mut spans: Vec<AlertSpans> = Vec::new();
    for timeline in alerts {
        for f in timeline.firings(false) {
            let labels = with_external_labels(&f.labels, &opts.external_labels);
            match spans.iter_mut().find(|(l, _)| *l == labels) {
                Some((_, fired)) => fired.push((f.start, f.end)),
                None => spans.push((labels, vec![(f.start, f.end)])),
            }
        }
    }
    Input { posts, alerts: spans }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alertmanager::timeline::parse;
    use crate::rules::{check, evaluate, CheckOptions};

    /// `x` is 1 from 0 to 10 minutes, then 0, sampled every 15 s until 40 minutes.
    fn storage() -> Storage {
        let mut s = Storage::new();
        let id = s.series_id(&Labels::from_pairs([("__name__", "x")]));
        for t in (0..=40 * 60_000).step_by(15_000) {
            s.append(id, t, if t < 10 * 60_000 { 1.0 } else { 0.0 }).expect("in order");
        }
        s
    }

    #[test]
    fn a_rule_file_sends_what_the_same_hand_written_timeline_sends() {
        let text = "groups:\n- name: g\n  interval: 1m\n  rules:\n  - alert: A\n    expr: x > 0.5\n";
        let file = check(text, &CheckOptions::default()).file.expect("loads");
        let opts = EvalOptions { start: Some(0), end: Some(40 * 60_000), ..EvalOptions::default() };
        let evaluation = evaluate(&storage(), &file, &opts);
        let from_file = from_rules(&evaluation.alerts, &evaluation.storage, &file, &opts, 60_000);
        let labels = Labels::from_pairs([("alertname", "A")]);
        assert_eq!(from_file.alerts, [(labels, vec![(0, Some(10 * 60_000))])]);

        let hand =
            parse("t.yaml", "alerts:\n- labels: {alertname: A}\n  firing: [0s, 10m]\n").expect("parses");
        let from_hand = from_timeline(&hand, 0, 40 * 60_000);
        assert_eq!(from_file.alerts, from_hand.alerts);
        let times = |i: &Input| i.posts.iter().map(|p| (p.at, p.alerts[0].ends_at)).collect::<Vec<_>>();
        // Fired at 0 and re-sent every 2 minutes (more than 1m after the last send) with endsAt
        // 4 minutes ahead, resolved at 10m and re-sent until 15 minutes later.
        assert_eq!(times(&from_file), times(&from_hand));
        assert_eq!(times(&from_file)[..2], [(0, Some(240_000)), (120_000, Some(360_000))]);
        assert_eq!(times(&from_file).last(), Some(&(24 * 60_000, Some(10 * 60_000))));
        assert!(from_file.posts[0].alerts[0].generator_url.ends_with("/graph?g0.expr=x+%3E+0.5&g0.tab=1"));
    }
}
