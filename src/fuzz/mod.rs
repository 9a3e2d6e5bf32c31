//! Fuzzing on stable Rust: every reader of untrusted text (PromQL, pack manifests, dataset
//! and series files, exercises, rule files, promqltest scripts, relabel configs, Go
//! templates, submission archives) is fed generated and mutated inputs, and every panic and every input slower
//! than a second is a finding. Generators know the grammar (PromQL, over the built-in
//! datasets' names); mutations are structure-blind edits of seed files; inputs whose outcome
//! is new (a new error message, say) join the corpus, a cheap stand-in for coverage.
//!
//! Native only (it catches panics with `catch_unwind` and times inputs with `Instant`).
//! `promplay fuzz` drives it; `tests/fuzz_regressions.rs` replays every finding kept in
//! `tests/fuzz/<target>/`.

pub mod mutate;
pub mod promql_gen;
pub mod rng;
mod seeds;
mod submission;
pub mod targets;

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use rng::Rng;

/// One fuzz target.
pub struct Target {
    pub name: &'static str,
    /// One line for `promplay fuzz --list`.
    pub about: &'static str,
    /// Starting inputs (files of the repository and small hand-written cases).
    pub seeds: fn() -> Vec<String>,
    /// Tokens mutations insert.
    pub dict: &'static [&'static str],
    /// A grammar-aware generator, when the target has one.
    pub generate: Option<fn(&mut Rng) -> String>,
    /// Runs one input; returns a signature of the outcome (inputs with a new one are kept).
    pub run: fn(&str) -> u64,
}

/// An input slower than this is a finding (a hang, as far as a learner is concerned).
pub const SLOW: Duration = Duration::from_secs(1);

/// What went wrong with one input.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    Panic(String),
    Slow(Duration),
}

/// A panic or slow input, with the input that caused it.
#[derive(Clone, Debug)]
pub struct Finding {
    pub target: &'static str,
    pub problem: Problem,
    pub input: String,
}

/// What one target's run did.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub target: &'static str,
    pub runs: u64,
    pub corpus: usize,
    pub slowest: Duration,
    pub elapsed: Duration,
    pub findings: Vec<Finding>,
}

/// The input being run, for the watchdog (see [`Watchdog`]).
#[derive(Default)]
struct Current {
    target: &'static str,
    input: String,
    since: Option<Instant>,
}

/// Notices an input that never finishes: after `limit` it calls `on_hang` with the target
/// and input (which saves it and ends the process: a stuck thread cannot be stopped).
pub struct Watchdog {
    current: Arc<Mutex<Current>>,
}

impl Watchdog {
    pub fn start(limit: Duration, on_hang: fn(&str, &str)) -> Self {
        let current = Arc::new(Mutex::new(Current::default()));
        let shared = current.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(200));
            let stuck = shared.lock().ok().and_then(|c| match c.since {
                Some(t) if t.elapsed() > limit => Some((c.target, c.input.clone())),
                _ => None,
            });
            if let Some((target, input)) = stuck {
                on_hang(target, &input);
            }
        });
        Watchdog { current }
    }

    fn enter(&self, target: &'static str, input: &str) {
        if let Ok(mut c) = self.current.lock() {
            c.target = target;
            c.input.clear();
            c.input.push_str(input);
            c.since = Some(Instant::now());
        }
    }

    fn leave(&self) {
        if let Ok(mut c) = self.current.lock() {
            c.since = None;
        }
    }
}

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);
static QUIET: Once = Once::new();

/// Replaces the panic hook with one that records the message and location silently (the
/// fuzzer reports panics itself). For the fuzzing process only.
pub fn quiet_panics() {
    QUIET.call_once(|| {
        panic::set_hook(Box::new(|info| {
            if let Ok(mut last) = LAST_PANIC.lock() {
                *last = Some(info.to_string());
            }
        }));
    });
}

/// Runs one input, catching a panic; returns the outcome's signature and how long it took.
pub fn run_one(target: &Target, input: &str) -> (Result<u64, String>, Duration) {
    let started = Instant::now();
    let result = panic::catch_unwind(AssertUnwindSafe(|| (target.run)(input)));
    let took = started.elapsed();
    let result = result.map_err(|payload| {
        let recorded = LAST_PANIC.lock().ok().and_then(|mut l| l.take());
        recorded.unwrap_or_else(|| {
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic with a non-text payload".into())
        })
    });
    (result, took)
}

/// Replays one input as the regression tests do: `Err` with the problem if it panics or is
/// slow.
pub fn replay(target: &Target, input: &str, slow: Duration) -> Result<(), Problem> {
    match run_one(target, input) {
        (Err(message), _) => Err(Problem::Panic(message)),
        (Ok(_), took) if took > slow => Err(Problem::Slow(took)),
        _ => Ok(()),
    }
}

/// Most inputs kept per target (seeds plus inputs with new outcomes).
const MAX_CORPUS: usize = 4096;

/// Fuzzes `target` for `budget` or `max_runs` inputs, whichever ends first; an input
/// taking longer than `slow` is a finding.
pub fn fuzz(
    target: &'static Target,
    seed: u64,
    budget: Duration,
    max_runs: u64,
    slow: Duration,
    watchdog: Option<&Watchdog>,
) -> Report {
    let mut rng = Rng::new(seed ^ hash(target.name.as_bytes()));
    let mut corpus: Vec<String> = (target.seeds)();
    if corpus.is_empty() {
        corpus.push(String::new());
    }
    let mut seen: HashSet<u64> = HashSet::new();
    let mut report = Report { target: target.name, ..Report::default() };
    let started = Instant::now();
    while report.runs < max_runs && (!report.runs.is_multiple_of(64) || started.elapsed() < budget) {
        let input = match target.generate {
            Some(generate) if rng.one_in(2) => {
                let fresh = generate(&mut rng);
                if rng.one_in(3) {
                    let other = corpus[rng.below(corpus.len())].clone();
                    mutate::mutate(&mut rng, &fresh, &other, target.dict)
                } else {
                    fresh
                }
            }
            _ => {
                let a = rng.below(corpus.len());
                let b = rng.below(corpus.len());
                mutate::mutate(&mut rng, &corpus[a], &corpus[b], target.dict)
            }
        };
        if let Some(w) = watchdog {
            w.enter(target.name, &input);
        }
        let (result, took) = run_one(target, &input);
        if let Some(w) = watchdog {
            w.leave();
        }
        report.runs += 1;
        report.slowest = report.slowest.max(took);
        match result {
            Err(message) => {
                report.findings.push(Finding { target: target.name, problem: Problem::Panic(message), input })
            }
            Ok(_) if took > slow => {
                report.findings.push(Finding { target: target.name, problem: Problem::Slow(took), input })
            }
            Ok(signature) => {
                if seen.insert(signature) && corpus.len() < MAX_CORPUS {
                    corpus.push(input);
                }
            }
        }
    }
    report.corpus = corpus.len();
    report.elapsed = started.elapsed();
    report
}

/// FNV-1a: signatures and file names of findings.
pub fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The target named `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    targets::TARGETS.iter().find(|t| t.name == name)
}

/// The process's peak resident memory in KiB (Linux), for the report.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boom(input: &str) -> u64 {
        if input.contains('!') {
            panic!("bang");
        }
        input.len() as u64
    }

    static BOOM: Target = Target {
        name: "boom",
        about: "panics on !",
        seeds: || vec!["abc".into()],
        dict: &["!"],
        generate: None,
        run: boom,
    };

    #[test]
    fn a_panic_is_caught_and_reported_with_its_input() {
        let report = fuzz(&BOOM, 1, Duration::from_secs(5), 2_000, SLOW, None);
        assert_eq!(report.runs, 2_000);
        let finding = report.findings.first().expect("the fuzzer finds the panic");
        assert!(finding.input.contains('!'));
        assert!(matches!(&finding.problem, Problem::Panic(m) if m.contains("bang")));
        assert_eq!(replay(&BOOM, "ok", SLOW), Ok(()));
    }
}
