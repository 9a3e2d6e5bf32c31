//! `amtool check-config` for one file: the same verdict and the same output (what it prints on
//! standard output and standard error, and its exit status), with the error's position in the
//! file added on a line of its own, since Alertmanager gives none.

use super::config::{load, Config, Source};
use super::yaml_v2::LoadError;

/// What checking a file printed, and whether it passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckOutput {
    pub stdout: String,
    pub stderr: String,
    pub passed: bool,
}

/// Reads the `templates:` globs of a config (the CLI reads files; the site has none): Ok when
/// every template file that exists parses (a glob matching nothing is fine, as in amtool).
pub type TemplateCheck<'a> = &'a dyn Fn(&[String]) -> Result<(), String>;

/// Checks `text`, shown as `name`; `position` adds an `  at NAME:LINE:COL` line after an error.
pub fn check_config(name: &str, text: &str, templates: TemplateCheck, position: bool) -> CheckOutput {
    let (source, result) = load(text);
    let mut out = format!("Checking '{name}'");
    let mut passed = true;
    match &result {
        Ok(config) => {
            out.push_str("  SUCCESS\n");
            found(&mut out, config, &source);
            if !config.templates.is_empty() {
                match templates(&config.templates) {
                    Ok(()) => out.push_str("  SUCCESS\n"),
                    Err(e) => {
                        out.push_str(&format!("  FAILED: {e}\n"));
                        passed = false;
                    }
                }
            }
        }
        Err(e) => {
            out.push_str(&format!("  FAILED: {}\n", e.message()));
            if position {
                out.push_str(&where_(name, e, &source));
            }
            passed = false;
        }
    }
    out.push('\n');
    let stderr =
        if passed { String::new() } else { "amtool: error: failed to validate 1 file(s)\n\n".into() };
    CheckOutput { stdout: out, stderr, passed }
}

/// amtool's `Found:` block.
fn found(out: &mut String, config: &Config, source: &Source) {
    out.push_str("Found:\n - global config\n - route\n");
    out.push_str(&format!(" - {} inhibit rules\n", config.inhibit_rules.len()));
    out.push_str(&format!(" - {} receivers\n", config.receivers.len()));
    out.push_str(&format!(" - {} templates\n", config.templates.len()));
    if let Some(key) = &source.configmap_key {
        out.push_str(&format!("  (read from the ConfigMap's data key {key:?})\n"));
    }
}

/// `  at FILE:LINE:COL` for the first problem (and the ConfigMap key when there is one).
fn where_(name: &str, e: &LoadError, source: &Source) -> String {
    let Some(first) = e.located().into_iter().next() else { return String::new() };
    let inside =
        source.configmap_key.as_ref().map_or(String::new(), |k| format!(" (in the ConfigMap's {k:?})"));
    if first.col > 0 {
        format!("  at {name}:{}:{}{inside}\n", first.line, first.col)
    } else {
        format!("  at {name}:{}{inside}\n", first.line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_templates(_: &[String]) -> Result<(), String> {
        Ok(())
    }

    #[test]
    fn success_and_failure_print_like_amtool() {
        let ok =
            check_config("am.yml", "route:\n  receiver: a\nreceivers:\n- name: a\n", &no_templates, false);
        assert_eq!(
            ok.stdout,
            "Checking 'am.yml'  SUCCESS\nFound:\n - global config\n - route\n - 0 inhibit rules\n - 1 receivers\n - 0 templates\n\n"
        );
        assert!(ok.passed && ok.stderr.is_empty());
        let bad = check_config("am.yml", "route:\n  group_wait: 30s\n", &no_templates, true);
        assert_eq!(
            bad.stdout,
            "Checking 'am.yml'  FAILED: root route must specify a default receiver\n  at am.yml:2:3\n\n"
        );
        assert_eq!(bad.stderr, "amtool: error: failed to validate 1 file(s)\n\n");
    }
}
