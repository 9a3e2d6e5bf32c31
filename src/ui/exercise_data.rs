//! The exercises the app lists, known without the engine module: the built-in ones from the
//! generated table [`BUILTIN`] (the start page lists them before any engine code loads),
//! followed on the exercise pages by those of the loaded packs.

use crate::content::exercise::{Exercise, ExerciseKind};

pub use crate::content::builtin_catalogue::BUILTIN;
pub use crate::content::exercise_pack::BuiltinExercise;

/// An exercise the exercise pages step through: a built-in one or one from a loaded pack.
#[derive(Clone, Debug, PartialEq)]
pub enum Listed {
    Builtin(&'static BuiltinExercise),
    Pack(Box<Exercise>),
}

impl Listed {
    pub fn id(&self) -> &str {
        match self {
            Listed::Builtin(e) => e.id,
            Listed::Pack(e) => &e.id,
        }
    }

    pub fn title(&self) -> &str {
        match self {
            Listed::Builtin(e) => e.title,
            Listed::Pack(e) => &e.title,
        }
    }

    pub fn seed_ref(&self) -> &str {
        match self {
            Listed::Builtin(e) => e.seed_ref,
            Listed::Pack(e) => &e.seed_ref,
        }
    }

    pub fn kind(&self) -> ExerciseKind {
        match self {
            Listed::Builtin(e) => e.kind,
            Listed::Pack(e) => e.kind,
        }
    }
}

/// One group of the catalogue: a seed task and its exercises, in order.
pub struct Group {
    pub task: &'static str,
    pub exercises: Vec<&'static BuiltinExercise>,
}

/// Groups exercises by task, keeping the order in which tasks first appear (the grouping
/// `content::exercise_pack::catalogue` makes of the exercise files).
pub fn groups(all: &'static [BuiltinExercise]) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for ex in all {
        match out.iter_mut().find(|g| g.task == ex.task) {
            Some(g) => g.exercises.push(ex),
            None => out.push(Group { task: ex.task, exercises: vec![ex] }),
        }
    }
    out
}

wasm_only! {
    /// The built-in exercises followed by those of the loaded packs. Reactive: a page calling
    /// it inside a closure is redrawn when a pack adds or removes exercises.
    pub fn with_packs() -> Vec<Listed> {
        let from_packs = super::packs::pack_exercises().into_iter().map(|e| Listed::Pack(Box::new(e)));
        BUILTIN.iter().map(Listed::Builtin).chain(from_packs).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::exercise_pack::{builtin_exercises, catalogue};

    #[test]
    fn the_catalogue_groups_as_the_exercise_files_do() {
        let files = builtin_exercises().expect("the built-in exercises load");
        let want: Vec<(&str, Vec<&str>)> = catalogue(&files)
            .iter()
            .map(|g| (g.task, g.exercises.iter().map(|e| e.id.as_str()).collect()))
            .collect();
        let got: Vec<(&str, Vec<&str>)> =
            groups(BUILTIN).iter().map(|g| (g.task, g.exercises.iter().map(|e| e.id).collect())).collect();
        assert_eq!(got, want);
        assert!(got.len() >= 4);
    }
}
