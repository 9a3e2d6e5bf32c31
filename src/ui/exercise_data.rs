//! The built-in exercises, parsed once per visit and shared by the home page's catalogue and
//! the exercise page.

use std::sync::{Arc, OnceLock};

use crate::content::exercise::Exercise;
use crate::content::exercise_pack::builtin_exercises;

static EXERCISES: OnceLock<Result<Arc<Vec<Exercise>>, String>> = OnceLock::new();

/// Every built-in exercise in catalogue order, or why they failed to load.
pub fn exercises() -> Result<Arc<Vec<Exercise>>, String> {
    EXERCISES.get_or_init(|| builtin_exercises().map(Arc::new).map_err(|e| e.to_string())).clone()
}
