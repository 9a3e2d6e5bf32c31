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

/// The built-in exercises followed by those of the loaded packs. Reactive: a page calling
/// it inside a closure is redrawn when a pack adds or removes exercises.
pub fn with_packs() -> Result<Arc<Vec<Exercise>>, String> {
    let from_packs = super::packs::pack_exercises();
    let builtin = exercises()?;
    if from_packs.is_empty() {
        return Ok(builtin);
    }
    Ok(Arc::new(builtin.iter().cloned().chain(from_packs).collect()))
}
