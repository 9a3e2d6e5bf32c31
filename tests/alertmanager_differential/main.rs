//! Differential tests against the real Alertmanager 0.25 (Debian's `prometheus-alertmanager`,
//! with `amtool`):
//!
//! - [`real_amtool_routes_agree`]: `promplay am routes test --tree` prints byte for byte what
//!   `amtool config routes test --tree` prints (and exits the same, `--verify.receivers`
//!   included) for label sets against the seed's configuration and generated ones; `am routes`
//!   and `am check` print what `amtool config routes` and `amtool check-config` print.
//! - [`real_alertmanager_live_notifications_agree`] (in `live.rs`): a scripted sequence of alerts
//!   posted to a running Alertmanager, whose webhook notifications must be the simulation's.
//!
//! Both need the binaries (scripts/test.sh installs the package) and fail loudly without them.
#![cfg(not(target_arch = "wasm32"))]

mod generate;
mod http;
mod live;
mod templates;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The seed's Alertmanager ConfigMap, as the seed writes it.
const SEED_CONFIGMAP: &str = include_str!("../alertmanager/seed_alertmanager.configmap.yaml");

/// Finds an executable on PATH, or fails saying how to get it.
pub fn binary(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file()).unwrap_or_else(|| {
        panic!(
            "`{name}` not found on PATH: this test compares with the real Alertmanager 0.25. Install \
             Debian's package (apt-get install -y prometheus-alertmanager; `scripts/test.sh \
             alertmanager_differential` does it)."
        )
    })
}

/// A scratch directory for one test, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("promplay-am-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        Scratch(dir)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The seed's `alertmanager.yml` as Alertmanager can load it: the placeholder Slack URL
/// (`<slack-webhook-url>`, which Alertmanager 0.25 refuses) replaced by a real-looking one.
pub fn seed_config() -> String {
    let inner = promql_playground::rules::configmap::unwrap(SEED_CONFIGMAP)
        .and_then(|e| e.into_iter().find(|e| e.key == "alertmanager.yml"))
        .expect("the seed ConfigMap holds alertmanager.yml");
    inner.text.replace("<slack-webhook-url>", "https://hooks.slack.com/services/T000/B000/XXXX")
}

/// What a command printed on standard output, and its exit code.
fn amtool(args: &[&str]) -> (String, i32) {
    let out = Command::new(binary("amtool")).args(args).output().unwrap_or_else(|e| panic!("amtool: {e}"));
    (String::from_utf8_lossy(&out.stdout).into_owned(), out.status.code().unwrap_or(-1))
}

fn promplay(args: &[&str]) -> (String, i32) {
    let argv: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = promql_playground::cli::main_with(&argv, &mut out, &mut err);
    (String::from_utf8_lossy(&out).into_owned(), code)
}

/// Compares one `routes test` invocation; returns the receivers line.
fn compare_routes_test(file: &Path, labels: &[String], extra: &[&str]) -> String {
    let file = file.to_string_lossy();
    let mut am = vec!["config", "routes", "test", "--config.file", &file];
    am.extend(extra);
    am.extend(labels.iter().map(String::as_str));
    let mut ours = vec!["am", "routes", "test", &file];
    ours.extend(extra);
    ours.extend(labels.iter().map(String::as_str));
    let want = amtool(&am);
    let got = promplay(&ours);
    assert_eq!(got, want, "routes test {labels:?} {extra:?} on {file}");
    want.0.lines().last().unwrap_or_default().to_string()
}

/// Every way of looking at one config, against amtool; returns the label sets compared.
fn compare_config(scratch: &Scratch, name: &str, yaml: &str, labels: &[Vec<String>]) -> usize {
    let file = scratch.write(name, yaml);
    let path = file.to_string_lossy();
    assert_eq!(promplay(&["am", "check", &path]), amtool(&["check-config", &path]), "check-config {name}");
    assert_eq!(
        promplay(&["am", "routes", &path]),
        amtool(&["config", "routes", "--config.file", &path]),
        "config routes {name}"
    );
    for (i, set) in labels.iter().enumerate() {
        let receivers = compare_routes_test(&file, set, &["--tree"]);
        if i % 5 == 0 {
            let right = format!("--verify.receivers={receivers}");
            compare_routes_test(&file, set, &[&right]);
            compare_routes_test(&file, set, &["--verify.receivers=nobody"]);
        }
    }
    labels.len()
}

#[test]
fn real_amtool_routes_agree() {
    let scratch = Scratch::new("routes");
    let seed_labels = generate::label_sets(7, 80);
    let mut compared = compare_config(&scratch, "seed.yml", &seed_config(), &seed_labels);
    for seed in 1..=8u64 {
        let yaml = generate::config(seed);
        compared += compare_config(
            &scratch,
            &format!("generated-{seed}.yml"),
            &yaml,
            &generate::label_sets(seed, 20),
        );
    }
    println!(
        "amtool routes test: {compared} label sets agree byte for byte (seed config + 8 generated configs)"
    );
    assert!(compared >= 200, "{compared} label sets");
}
