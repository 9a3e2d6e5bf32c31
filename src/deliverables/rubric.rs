//! The seed's 100-point rubric and where each exercise counts. An exercise counts for the
//! section of the seed task it comes from, read from its `seed_ref` (`TODO 2.3 · step 1`,
//! `Bonus 1 · multi-burn-rate`), so a pack's own exercises join the rubric by naming the seed
//! step they practise (docs/grading.md). Bonus exercises count, but are never required.

use serde::{Deserialize, Serialize};

/// A rubric section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Fundamentals,
    Advanced,
    RecordingRules,
    AlertRules,
    Optimisation,
    Documentation,
}

impl Section {
    /// Every section, in the rubric's order.
    pub const ALL: [Section; 6] = [
        Section::Fundamentals,
        Section::Advanced,
        Section::RecordingRules,
        Section::AlertRules,
        Section::Optimisation,
        Section::Documentation,
    ];

    /// The section's points out of 100.
    pub fn weight(self) -> f64 {
        match self {
            Section::Fundamentals => 15.0,
            Section::Advanced => 20.0,
            Section::RecordingRules => 20.0,
            Section::AlertRules => 20.0,
            Section::Optimisation => 15.0,
            Section::Documentation => 10.0,
        }
    }

    /// The section's name in reports.
    pub fn title(self) -> &'static str {
        match self {
            Section::Fundamentals => "PromQL fundamentals",
            Section::Advanced => "Advanced queries",
            Section::RecordingRules => "Recording rules",
            Section::AlertRules => "Alert rules",
            Section::Optimisation => "Optimisation",
            Section::Documentation => "Documentation",
        }
    }
}

/// The section an exercise counts for, from its seed reference: TODO 1.x fundamentals, 2.x
/// advanced queries, 3.x recording rules, 4.x alerting (rules and Alertmanager), 5.x
/// optimisation; Bonus 1 (burn-rate alerts) alert rules, Bonus 2 (forecasts) advanced
/// queries. `None`: the reference names no seed task (the exercise is not in the rubric).
pub fn section_of(seed_ref: &str) -> Option<Section> {
    let head = seed_ref.split('·').next().unwrap_or("").trim();
    let (word, number) = head.split_once(' ')?;
    let task = number.trim().split('.').next()?.parse::<u32>().ok()?;
    match (word.to_ascii_lowercase().as_str(), task) {
        ("todo", 1) => Some(Section::Fundamentals),
        ("todo", 2) | ("bonus", 2) => Some(Section::Advanced),
        ("todo", 3) => Some(Section::RecordingRules),
        ("todo", 4) | ("bonus", 1) => Some(Section::AlertRules),
        ("todo", 5) => Some(Section::Optimisation),
        _ => None,
    }
}

/// True when the exercise is required for a passing submission (every seed TODO is; bonus
/// exercises are not).
pub fn required(seed_ref: &str) -> bool {
    seed_ref.trim_start().to_ascii_lowercase().starts_with("todo")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_add_up_to_100() {
        assert_eq!(Section::ALL.iter().map(|s| s.weight()).sum::<f64>(), 100.0);
    }

    #[test]
    fn seed_references_map_to_sections() {
        let cases = [
            ("TODO 1.1 · step 1", Some(Section::Fundamentals)),
            ("TODO 2.4 · spot the bug", Some(Section::Advanced)),
            ("TODO 3.3 · benchmark_queries.sh", Some(Section::RecordingRules)),
            ("TODO 4.2 · routes", Some(Section::AlertRules)),
            ("TODO 5.3", Some(Section::Optimisation)),
            ("Bonus 1 · multi-burn-rate", Some(Section::AlertRules)),
            ("Bonus 2 · anomaly detection", Some(Section::Advanced)),
            ("Bonus 7", None),
            ("", None),
            ("TODO x", None),
        ];
        for (r, want) in cases {
            assert_eq!(section_of(r), want, "{r}");
        }
        assert!(required("TODO 1.1 · step 1") && !required("Bonus 2 · anomaly detection"));
    }
}
