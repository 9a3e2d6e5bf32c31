//! The benchmark of the seed's rule evaluation, shared by `promplay bench --rules` (native)
//! and the engine module's `bench_rules` export (the same numbers inside a browser): the
//! seed's recording rules plus its three alert groups (the ConfigMaps as given) evaluated
//! over a dataset's whole timeline, as the alerting lab runs them, N times; prints the
//! median, fastest and slowest run, the work done and what the rules produced. Pure apart
//! from the clock passed in.

use crate::assist::library::catalog::{SEED_ALERT_RULES, SEED_RECORDING_RULES};
use crate::engine::Storage;
use crate::rules::{check, evaluate, evaluate_timed, CheckOptions, EvalOptions, Evaluation, RuleFile};

/// Rules listed in the report's breakdown (the slowest).
const SLOWEST_SHOWN: usize = 8;

/// The seed's recording rules followed by its alerting rules, as one rule file (the groups
/// of both ConfigMaps in that order, as the alerting lab evaluates them).
pub fn seed_rule_file() -> Result<RuleFile, String> {
    let opts = CheckOptions { unwrap_configmap: true, ..CheckOptions::default() };
    let load = |name: &str, text: &str| {
        check(text, &opts).file.ok_or_else(|| format!("the seed's {name} rules do not load"))
    };
    let mut file = load("recording", SEED_RECORDING_RULES)?;
    file.groups.extend(load("alerting", SEED_ALERT_RULES)?.groups);
    Ok(file)
}

/// The measurements of one benchmark.
pub struct Report {
    /// Evaluation times of each run, in milliseconds, sorted.
    pub runs_ms: Vec<f64>,
    pub groups: usize,
    pub recording_rules: usize,
    pub alerting_rules: usize,
    /// Rule evaluations (rules × their ticks) and samples the rules' queries read per run.
    pub rule_ticks: usize,
    pub samples_read: u64,
    /// Samples the recording rules wrote, alert episodes that fired, per run.
    pub samples_recorded: usize,
    pub firings: usize,
    /// Subexpression results reused between rules (`engine/shared.rs`), per run.
    pub shared_reuses: u64,
    /// How the evaluation ran (`PerRule` or `PerTick`).
    pub mode: String,
    pub hours: f64,
    /// The slowest rules of a timed run: (name, evaluations, samples read, milliseconds).
    pub slowest: Vec<(String, usize, u64, f64)>,
}

impl Report {
    pub fn median_ms(&self) -> f64 {
        self.runs_ms.get(self.runs_ms.len() / 2).copied().unwrap_or(0.0)
    }
}

/// Evaluates `file` over the whole of `storage` `runs` times (after one warm-up run) with
/// the alerting lab's default options; `clock` reads milliseconds.
pub fn measure(storage: &Storage, file: &RuleFile, runs: usize, clock: &dyn Fn() -> f64) -> Report {
    let opts = EvalOptions::default();
    // The warm-up run is timed rule by rule for the breakdown.
    let mut warm_clock = || clock();
    let first = evaluate_timed(storage, file, &opts, &mut warm_clock);
    let mut runs_ms: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t0 = clock();
            let _ = std::hint::black_box(evaluate(storage, file, &opts));
            (clock() - t0).max(0.0)
        })
        .collect();
    runs_ms.sort_by(f64::total_cmp);
    summarize(&first, file, runs_ms)
}

fn summarize(e: &Evaluation, file: &RuleFile, runs_ms: Vec<f64>) -> Report {
    let ticks =
        e.rules.iter().map(|r| r.ticks).sum::<usize>() + e.alerts.iter().map(|a| a.ticks).sum::<usize>();
    let samples_read = e.rules.iter().map(|r| r.stats.samples_touched).sum::<u64>()
        + e.alerts.iter().map(|a| a.stats.samples_touched).sum::<u64>();
    let mut slowest: Vec<(String, usize, u64, f64)> = e
        .rules
        .iter()
        .map(|r| (r.record.clone(), r.ticks, r.stats.samples_touched, r.eval_ms))
        .chain(e.alerts.iter().map(|a| (a.name.clone(), a.ticks, a.stats.samples_touched, a.eval_ms)))
        .collect();
    slowest.sort_by(|a, b| b.3.total_cmp(&a.3));
    slowest.truncate(SLOWEST_SHOWN);
    Report {
        runs_ms,
        groups: file.groups.len(),
        recording_rules: e.rules.len(),
        alerting_rules: e.alerts.len(),
        rule_ticks: ticks,
        samples_read,
        samples_recorded: e.rules.iter().map(|r| r.samples).sum(),
        firings: e.alerts.iter().map(|a| a.firings(false).len()).sum(),
        shared_reuses: e.shared_reuses,
        mode: format!("{:?}", e.mode),
        hours: (e.end - e.start) as f64 / 3_600_000.0,
        slowest,
    }
}

/// The human-readable report.
pub fn table(r: &Report) -> String {
    let (min, max) = (r.runs_ms.first().copied().unwrap_or(0.0), r.runs_ms.last().copied().unwrap_or(0.0));
    let mut out = format!(
        "seed rules: {} groups, {} recording + {} alerting rules over {:.1} h ({} evaluation mode)\n\
         {} rule evaluations, {} samples read, {} samples recorded, {} alert firings\n\
         {} subexpression results reused between rules\n\
         evaluation: median {:.1} ms, fastest {:.1} ms, slowest {:.1} ms over {} runs\n",
        r.groups,
        r.recording_rules,
        r.alerting_rules,
        r.hours,
        r.mode,
        r.rule_ticks,
        r.samples_read,
        r.samples_recorded,
        r.firings,
        r.shared_reuses,
        r.median_ms(),
        min,
        max,
        r.runs_ms.len()
    );
    out.push_str(&format!(
        "slowest rules (warm-up run):\n{:>10}  {:>7}  {:>12}  rule\n",
        "ms", "ticks", "samples"
    ));
    for (name, ticks, samples, ms) in &r.slowest {
        out.push_str(&format!("{ms:>10.1}  {ticks:>7}  {samples:>12}  {name}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_rules_load_as_one_file() {
        let file = seed_rule_file().expect("loads");
        assert!(file.groups.len() >= 4, "{} groups", file.groups.len());
    }
}
