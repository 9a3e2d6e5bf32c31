//! Pure helpers for the Alertmanager lab's views: time labels relative to the dataset, the
//! chart's geometry, durations.

use crate::engine::Millis;

/// `33h24m30s` after the start, as the timeline file writes offsets.
pub fn offset(t: Millis, start: Millis) -> String {
    crate::rules::duration::format(t - start)
}
