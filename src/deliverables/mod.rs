//! The learner's deliverables: what the seed exercise asks a learner to submit, assembled from
//! the work done on the site, and the re-grading of a submission by an instructor.
//!
//! - [`model`]: the submission (`answers.json`) and the workspace the site gathers it from;
//! - [`catalogue`]: every built-in exercise of every lab as one list of gradable items;
//! - [`rubric`]: the seed's 100-point rubric and which section each exercise counts for;
//! - [`assemble`]: the seed's files (`PROMQL_QUERIES.md`, rule files, `PERFORMANCE_ANALYSIS.md`...);
//! - [`archive`]: the submission as one `.zip`, read back with caps against hostile archives;
//! - [`alert_file`]: the submitted `alert_rules.yml` evaluated against the alerting exercises;
//! - [`grade`]: re-grading every answer with the site's graders, never trusting a solved flag;
//! - [`report`]: the grade as text, JSON or JUnit XML.
//!
//! Pure: no UI crates, no I/O (the CLI reads folders; the site reads files the learner picks).

pub mod alert_file;
pub mod archive;
pub mod assemble;
pub mod catalogue;
pub mod grade;
pub mod model;
pub mod report;
pub mod rubric;

pub use model::{AlertDoc, Answer, AnswerKind, Submission, Workspace};
