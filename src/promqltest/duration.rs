//! Prometheus durations (`model.ParseDuration`) as the promqltest format writes them:
//! `1h30m`, `5m`, `250ms`, `0`; units in descending order, each at most once, no sign.

use crate::engine::Millis;

/// Parses a Prometheus duration into milliseconds: the same parser rule files use, so a test
/// file, a pack and a rule file agree on what `1h30m` means.
pub fn parse_duration(s: &str) -> Result<Millis, String> {
    crate::rules::duration::parse(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        for (input, want) in [
            ("0", Some(0)),
            ("5m", Some(300_000)),
            ("1h30m", Some(5_400_000)),
            ("1m30s500ms", Some(90_500)),
            ("2d", Some(172_800_000)),
            ("30m1h", None),
            ("1.5m", None),
            ("-1m", None),
            ("10", None),
            ("", None),
            ("5mm", None),
        ] {
            assert_eq!(parse_duration(input).ok(), want, "{input}");
        }
    }
}
