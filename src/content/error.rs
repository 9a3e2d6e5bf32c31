//! Content errors: every problem found in a pack names the file and line it comes from, so
//! `promplay check` and the site can point an instructor straight at it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One problem in a pack: where it is and why it is a problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The file, as the pack names it (relative to the manifest) or as the user gave it.
    pub file: String,
    /// 1-based line; 0 when the problem concerns the file as a whole.
    pub line: usize,
    pub message: String,
}

impl Problem {
    /// A problem at `file:line`.
    pub fn new(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Problem { file: file.into(), line, message: message.into() }
    }
}

/// `file:line: message` (just `file: message` without a line), the format editors and CI
/// logs link to.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

/// Why a pack or dataset could not be used: one or more problems.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub struct ContentError {
    pub problems: Vec<Problem>,
}

impl ContentError {
    /// All the loaded items, or every problem of every item that failed (so one run reports
    /// them all).
    pub fn collect<T>(
        results: impl IntoIterator<Item = Result<T, ContentError>>,
    ) -> Result<Vec<T>, ContentError> {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for r in results {
            match r {
                Ok(item) => out.push(item),
                Err(e) => problems.extend(e.problems),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(ContentError { problems })
        }
    }

    /// An error made of a single problem.
    pub fn at(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        ContentError { problems: vec![Problem::new(file, line, message)] }
    }
}

impl From<Problem> for ContentError {
    fn from(p: Problem) -> Self {
        ContentError { problems: vec![p] }
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}
