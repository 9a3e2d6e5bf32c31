//! Prometheus's checks of a decoded rule (`relabel.Config.Validate` in 3.x, the end of
//! `UnmarshalYAML` in 2.42), in the same order and with the same messages: the first failure
//! wins.

use super::expand::has_reference;
use super::model::{Action, NameScheme, Rule, Semantics, DEFAULT_REPLACEMENT, DEFAULT_SEPARATOR};
use super::names::{is_legacy, is_legacy_template, is_valid, is_valid_template};
use crate::rules::Pos;

/// Why a rule is refused, and the field to point at.
pub fn validate(rule: &Rule, scheme: NameScheme, semantics: Semantics) -> Result<(), (Pos, String)> {
    let at = |field: &str, msg: String| Err((rule.at.of(field), msg));
    let Some(action) = rule.action else {
        return at("action", "relabel action cannot be empty".into());
    };
    let a = action.as_str();
    let target = rule.target_label.as_str();
    let four =
        matches!(action, Action::Lowercase | Action::Uppercase | Action::KeepEqual | Action::DropEqual);
    if action == Action::HashMod && rule.modulus == 0 {
        return at("modulus", "relabel configuration for hashmod requires non-zero modulus".into());
    }
    if (four || matches!(action, Action::Replace | Action::HashMod)) && target.is_empty() {
        return at("action", format!("relabel configuration for {a} action requires 'target_label' value"));
    }
    let bad_target = || at("target_label", format!("{target:?} is invalid 'target_label' for {a} action"));
    match semantics {
        Semantics::Prometheus3 => {
            if action == Action::Replace {
                let ok = if has_reference(target) {
                    is_valid_template(target, scheme)
                } else {
                    is_valid(target, scheme)
                };
                if !ok {
                    return bad_target();
                }
            }
            if four && !is_valid(target, scheme) {
                return bad_target();
            }
        }
        Semantics::Prometheus2_42 => {
            if (four || action == Action::Replace) && !is_legacy_template(target) {
                return bad_target();
            }
        }
    }
    if four && rule.replacement != DEFAULT_REPLACEMENT {
        return at("replacement", format!("'replacement' can not be set for {a} action"));
    }
    let labelmap_ok = match semantics {
        Semantics::Prometheus3 => is_valid_template(&rule.replacement, scheme),
        Semantics::Prometheus2_42 => is_legacy_template(&rule.replacement),
    };
    if action == Action::LabelMap && !labelmap_ok {
        return at("replacement", format!("{:?} is invalid 'replacement' for {a} action", rule.replacement));
    }
    let hashmod_ok = match semantics {
        Semantics::Prometheus3 => is_valid(target, scheme),
        Semantics::Prometheus2_42 => is_legacy(target),
    };
    if action == Action::HashMod && !hashmod_ok {
        return bad_target();
    }
    if matches!(action, Action::KeepEqual | Action::DropEqual)
        && (rule.regex_explicit
            || rule.modulus != 0
            || rule.separator != DEFAULT_SEPARATOR
            || rule.replacement != DEFAULT_REPLACEMENT)
    {
        return at(
            "action",
            format!("{a} action requires only 'source_labels' and `target_label`, and no other fields"),
        );
    }
    if matches!(action, Action::LabelDrop | Action::LabelKeep)
        && (rule.source_labels.is_some()
            || !target.is_empty()
            || rule.modulus != 0
            || rule.separator != DEFAULT_SEPARATOR
            || rule.replacement != DEFAULT_REPLACEMENT)
    {
        return at("action", format!("{a} action requires only 'regex', and no other fields"));
    }
    Ok(())
}
