//! Go's `strings.ToLower` / `strings.ToUpper`, which map each character to exactly one (the
//! Unicode simple case mapping): `ß` stays `ß`, `İ` becomes `i`, a final `Σ` becomes `σ`.
//! Rust's `str::to_lowercase`/`to_uppercase` use the full mapping and differ on those.

/// Go's `strings.ToLower`.
pub fn to_lower(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut m = c.to_lowercase();
            match (m.next(), m.next()) {
                (Some(one), None) => one,
                // Only U+0130 (İ) lowercases to more than one character; its simple mapping is `i`.
                _ if c == '\u{130}' => 'i',
                _ => c,
            }
        })
        .collect()
}

/// Go's `strings.ToUpper`.
pub fn to_upper(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut m = c.to_uppercase();
            match (m.next(), m.next()) {
                (Some(one), None) => one,
                _ => simple_upper_of_expanding(c),
            }
        })
        .collect()
}

/// The simple uppercase of a character whose full uppercase is several characters: the
/// Greek letters with a subscript iota map to their title-case form; the rest (`ß`, `ŉ`,
/// the `ﬀ` ligatures, …) have none and stay as they are.
fn simple_upper_of_expanding(c: char) -> char {
    let code = c as u32;
    let mapped = match code {
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => code + 8,
        0x1FB3 => 0x1FBC,
        0x1FC3 => 0x1FCC,
        0x1FF3 => 0x1FFC,
        _ => code,
    };
    char::from_u32(mapped).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_case_mapping_as_go() {
        assert_eq!(to_upper("straße"), "STRAßE");
        assert_eq!(to_lower("ΟΔΟΣ"), "οδοσ");
        assert_eq!(to_lower("İstanbul"), "istanbul");
        assert_eq!(to_upper("ᾳ"), "ᾼ");
        assert_eq!(to_upper("ǅ"), "Ǆ");
        assert_eq!(to_lower("MiXeD_123"), "mixed_123");
    }
}
