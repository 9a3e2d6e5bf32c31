//! Each alert's runbook and threshold justification in the alerting lab: read from the alert
//! rule file's annotations and written back into them, so the YAML is the one place they
//! live (what the learner exports as `alert_rules.yml` and `ALERT_RUNBOOKS.md`).

use std::collections::BTreeMap;

use crate::deliverables::assemble::alert_docs;
use crate::link::alerts::{AlertDocRow, DocField, SetAlertDoc};
use crate::rules::annotate::set_annotation;

/// Every alert of `text` with its documentation, in file order.
pub fn list(text: &str) -> Vec<AlertDocRow> {
    alert_docs(text, &BTreeMap::new())
        .into_iter()
        .map(|(alert, d)| AlertDocRow { alert, runbook: d.runbook, threshold: d.threshold })
        .collect()
}

/// Writes one field. A runbook that is a link goes to `runbook_url`, any other text to
/// `runbook`, and the other of the two is removed (the field shows one runbook); the
/// justification goes to `threshold_justification`.
pub fn set(c: &SetAlertDoc) -> Result<String, String> {
    match c.field {
        DocField::Threshold => set_annotation(&c.text, &c.alert, "threshold_justification", &c.value),
        DocField::Runbook => {
            let v = c.value.trim();
            let link = v.starts_with("https://") || v.starts_with("http://");
            let (keep, drop) = if link { ("runbook_url", "runbook") } else { ("runbook", "runbook_url") };
            let cleared = set_annotation(&c.text, &c.alert, drop, "")?;
            set_annotation(&cleared, &c.alert, keep, v)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_through_the_annotations() {
        let text = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    annotations:\n      runbook: \"old\"\n";
        let set_doc = |text: &str, field, value: &str| {
            set(&SetAlertDoc { text: text.into(), alert: "A".into(), field, value: value.into() })
                .expect("edits")
        };
        let linked = set_doc(text, DocField::Runbook, "https://wiki/a");
        assert!(
            linked.contains("runbook_url: \"https://wiki/a\"") && !linked.contains("runbook:"),
            "{linked}"
        );
        let both = set_doc(&linked, DocField::Threshold, "the SLO's 99.9 %");
        assert_eq!(
            list(&both),
            vec![AlertDocRow {
                alert: "A".into(),
                runbook: "https://wiki/a".into(),
                threshold: "the SLO's 99.9 %".into()
            }]
        );
        let text_again = set_doc(&both, DocField::Runbook, "Restart the pod.");
        assert_eq!(list(&text_again)[0].runbook, "Restart the pod.");
        assert!(!text_again.contains("runbook_url"));
    }
}
