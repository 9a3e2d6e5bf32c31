//! The checks every kind of exercise file makes of its fields (ids, required texts, hints,
//! enough instants), each problem reported at the line of its key.

use super::error::{ContentError, Problem};
use super::pack::check_id;
use super::yaml::{self, Seg};

/// Collects the problems of one exercise file.
pub struct FieldCheck<'a> {
    file: &'a str,
    text: &'a str,
    problems: Vec<Problem>,
}

impl<'a> FieldCheck<'a> {
    /// Starts checking `text`, read from `file`.
    pub fn new(file: &'a str, text: &'a str) -> Self {
        FieldCheck { file, text, problems: Vec::new() }
    }

    /// A problem at the key `path`.
    pub fn bad(&mut self, path: &[Seg], message: impl Into<String>) {
        self.problems.push(Problem::new(self.file, yaml::line_of(self.text, path), message));
    }

    /// Fields holding ids (the exercise's own, its dataset's).
    pub fn ids(&mut self, fields: &[(&str, &str)]) {
        for (key, value) in fields {
            if let Err(e) = check_id(value) {
                self.bad(&[Seg::Key(key)], e);
            }
        }
    }

    /// Fields that must hold text.
    pub fn not_empty(&mut self, fields: &[(&str, &str)]) {
        for (key, value) in fields {
            if value.trim().is_empty() {
                self.bad(&[Seg::Key(key)], format!("`{key}` must not be empty"));
            }
        }
    }

    /// The instants an answer is compared at: two at least, or a constant could pass.
    pub fn instants(&mut self, at: &[String]) {
        if at.len() < 2 {
            self.bad(&[Seg::Key("at")], "list at least two instants, so that a constant answer cannot pass");
        }
    }

    /// The hints revealed one at a time: one at least.
    pub fn hints(&mut self, hints: &[String]) {
        if hints.is_empty() {
            self.bad(&[Seg::Key("hints")], "give at least one hint");
        }
    }

    /// The exercise, or every problem found.
    pub fn finish<T>(self, exercise: T) -> Result<T, ContentError> {
        if self.problems.is_empty() {
            Ok(exercise)
        } else {
            Err(ContentError { problems: self.problems })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_carry_the_line_of_their_key() {
        let text = "id: x\ntitle: \" \"\nhints: []\nat: [1h]\n";
        let mut check = FieldCheck::new("ex.yaml", text);
        check.ids(&[("id", "x")]);
        check.not_empty(&[("title", " ")]);
        check.hints(&[]);
        check.instants(&["1h".to_string()]);
        let lines: Vec<usize> = check.finish(()).unwrap_err().problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 3, 4]);
    }

    #[test]
    fn a_file_without_problems_passes() {
        let mut check = FieldCheck::new("ex.yaml", "id: x\n");
        check.ids(&[("id", "x")]);
        assert_eq!(check.finish(7).ok(), Some(7));
    }
}
