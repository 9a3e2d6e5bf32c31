//! The configuration editor: the seed's ConfigMap (or any `alertmanager.yml`) in the rule
//! editor, checked on every edit as Alertmanager 0.25 loads it, `amtool check-config`'s output,
//! the problems at their lines, and the receivers and inhibit rules it defines.

use leptos::prelude::*;

use crate::link::alertmanager::ConfigCheck;
use crate::rules::{Diagnostic, Severity};

use super::super::rules_lab::rule_editor::RuleEditor;

/// The file name messages give the configuration (the seed's).
pub const FILE_NAME: &str = "alertmanager-config.yaml";

/// The problems as the editor marks them (a placeholder is a warning, shown as lint).
fn diagnostics(check: &Option<ConfigCheck>) -> Vec<Diagnostic> {
    check
        .iter()
        .flat_map(|c| &c.problems)
        .map(|p| Diagnostic {
            severity: if p.warning { Severity::Lint } else { Severity::Error },
            line: p.line,
            col: p.col,
            message: p.message.clone(),
        })
        .collect()
}

/// The editor and what the check found.
#[component]
pub fn ConfigEditor(value: RwSignal<String>, check: RwSignal<Option<ConfigCheck>>) -> impl IntoView {
    let marks = Signal::derive(move || check.with(diagnostics));
    let status = move || {
        check.get().map(|c| {
            let (class, text) = match (&c.config, c.loads) {
                (Some(cfg), true) => ("check-status good", summary("\u{2713} Alertmanager 0.25 loads it", cfg.tree.len(), &c)),
                (Some(cfg), false) => (
                    "check-status warn",
                    summary("\u{26a0} Alertmanager 0.25 refuses it as it is (see below), the lab goes on", cfg.tree.len(), &c),
                ),
                (None, _) => ("check-status bad", "\u{2717} Alertmanager 0.25 does not load it: fix the error to route and simulate.".into()),
            };
            view! { <p class=class data-testid="am-check-status">{text}</p> }
        })
    };
    let amtool = move || check.get().map(|c| view! { <pre class="amtool-output small" data-testid="check-config-output">{c.amtool.clone()}</pre> });
    let defined = move || {
        check.get().and_then(|c| c.config).map(|cfg| {
            let receivers = cfg
                .receivers
                .iter()
                .map(|r| view! { <li><strong>{r.name.clone()}</strong>" "<span class="muted">{if r.integrations.is_empty() { "(no integrations)".to_string() } else { r.integrations.join(", ") }}</span></li> })
                .collect_view();
            let rules = cfg
                .inhibit_rules
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let equal = if r.equal.is_empty() { "(none)".to_string() } else { r.equal.join(", ") };
                    view! {
                        <li data-testid="inhibit-rule"><span class="muted">{format!("{}. ", i + 1)}</span>
                            "while " <code>{r.source.clone()}</code> " fires, mute " <code>{r.target.clone()}</code>
                            " if equal on " <code>{equal}</code></li>
                    }
                })
                .collect_view();
            view! {
                <div class="defined">
                    <div><h3>"Receivers"</h3><ul class="plain-list small">{receivers}</ul></div>
                    <div><h3>"Inhibit rules"</h3><ul class="plain-list small">{rules}</ul></div>
                </div>
            }
        })
    };
    view! {
        <RuleEditor value=value diagnostics=marks file_name=FILE_NAME label="Alertmanager configuration (YAML)" />
        {status}
        <details class="amtool-details">
            <summary><code>"amtool check-config"</code>" says"</summary>
            {amtool}
        </details>
        {defined}
    }
}

fn summary(head: &str, routes: usize, c: &ConfigCheck) -> String {
    let cfg = c.config.as_ref();
    let receivers = cfg.map_or(0, |c| c.receivers.len());
    let rules = cfg.map_or(0, |c| c.inhibit_rules.len());
    let from = cfg.and_then(|c| c.configmap_key.clone()).map_or(String::new(), |k| format!(" (the ConfigMap's {k})"));
    format!("{head}{from}: {routes} routes, {receivers} receivers, {rules} inhibit rules.")
}
