//! The alerts of an evaluated rule file at one instant, as Prometheus's `/api/v1/alerts`
//! lists them (every pending or firing alert of every alerting rule, with its annotations
//! rendered from the evaluation that last refreshed it), and the value formats that API uses.

use super::alert_timeline::{AlertState, AlertTimeline};
use super::alerting::{RuleTemplates, TemplateEnv};
use super::eval::{EvalOptions, Evaluation};
use super::eval_output::template_querier;
use super::model::{Rule, RuleFile};
use crate::engine::{Labels, Millis, Storage};

/// One alert at an instant.
#[derive(Clone, Debug, PartialEq)]
pub struct ActiveAlert {
    /// The alerting rule's position among the file's alerting rules.
    pub rule: usize,
    pub labels: Labels,
    /// Sorted by name.
    pub annotations: Vec<(String, String)>,
    pub state: AlertState,
    pub active_at: Millis,
    pub keep_firing_since: Option<Millis>,
    pub value: f64,
}

/// The alerting rules of `file`, in the order [`Evaluation::alerts`] holds their timelines.
pub fn alerting_rules(file: &RuleFile) -> Vec<&Rule> {
    file.rules().map(|(_, r)| r).filter(|r| r.is_alerting()).collect()
}

/// Every alert pending or firing at `t`, rule by rule in file order, each rule's alerts by
/// labels.
pub fn alerts_at(
    evaluation: &Evaluation,
    file: &RuleFile,
    t: Millis,
    opts: &EvalOptions,
) -> Vec<ActiveAlert> {
    let rules = alerting_rules(file);
    let mut out = Vec::new();
    for (i, (timeline, rule)) in evaluation.alerts.iter().zip(rules).enumerate() {
        out.extend(rule_alerts_at(
            i,
            timeline,
            &RuleTemplates::new(rule, opts.templates.dialect),
            &evaluation.storage,
            t,
            opts,
        ));
    }
    out
}

/// The alerts of one rule at `t`.
pub fn rule_alerts_at(
    rule: usize,
    timeline: &AlertTimeline,
    templates: &RuleTemplates,
    storage: &Storage,
    t: Millis,
    opts: &EvalOptions,
) -> Vec<ActiveAlert> {
    let mut out: Vec<ActiveAlert> = timeline
        .active_at(t)
        .into_iter()
        .filter_map(|(instance, episode)| {
            let refresh = episode.refresh_at(t)?;
            let querier = template_querier(storage, refresh.t, opts);
            let env = TemplateEnv {
                external_labels: &opts.external_labels,
                external_url: &opts.external_url,
                querier: &querier,
            };
            Some(ActiveAlert {
                rule,
                labels: instance.labels.clone(),
                annotations: templates.annotations(refresh, &env),
                state: episode.state_at(t),
                active_at: episode.active_at,
                keep_firing_since: episode.keep_firing_since_at(t),
                value: refresh.value,
            })
        })
        .collect();
    out.sort_by(|a, b| a.labels.cmp(&b.labels));
    out
}

/// A value as the alerts API writes it: Go's `strconv.FormatFloat(v, 'e', -1, 64)`, the
/// shortest exponent form (`8.5e-02`, `1e+00`, `NaN`, `+Inf`).
pub fn go_exponent(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let rust = format!("{v:e}");
    let (mantissa, exp) = rust.split_once('e').unwrap_or((&rust, "0"));
    let (sign, digits) = match exp.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exp),
    };
    format!("{mantissa}e{sign}{digits:0>2}")
}

/// A time as Go's JSON encoder writes it (RFC 3339 in UTC, fractional seconds only when
/// there are any, trailing zeros dropped): `2026-01-06T09:05:00Z`, `…:05.5Z`.
pub fn go_time(t: Millis) -> String {
    let whole = crate::content::time::format_instant(t.div_euclid(1000) * 1000);
    let ms = t.rem_euclid(1000);
    if ms == 0 {
        return whole;
    }
    let fraction = format!("{ms:03}");
    format!("{}.{}Z", whole.trim_end_matches('Z'), fraction.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_formats() {
        let cases = [
            (0.085, "8.5e-02"),
            (1.0, "1e+00"),
            (0.0, "0e+00"),
            (-1234.5, "-1.2345e+03"),
            (1e-300, "1e-300"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Inf"),
        ];
        for (v, want) in cases {
            assert_eq!(go_exponent(v), want, "{v}");
        }
        assert_eq!(go_time(1_767_690_300_000), "2026-01-06T09:05:00Z");
        assert_eq!(go_time(1_767_690_300_500), "2026-01-06T09:05:00.5Z");
        assert_eq!(go_time(1_767_690_300_120), "2026-01-06T09:05:00.12Z");
    }
}
