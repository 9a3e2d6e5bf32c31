//! Text mutations: the structure-blind half of the fuzzer. Each call applies one to five
//! edits to a seed (delete, duplicate or swap a span, insert a token from the target's
//! dictionary or from a list of values that break parsers, splice another seed), keeping
//! the result valid UTF-8 and below a size cap.

use super::rng::Rng;

/// Values that have broken readers before: huge and odd numbers, durations, Unicode,
/// unbalanced brackets, YAML and template syntax.
const HOSTILE: &[&str] = &[
    "1e30",
    "-1e308",
    "1e-320",
    "NaN",
    "-Inf",
    "+Inf",
    "0x7fffffffffffffff",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "99999999999999999999y",
    "0s",
    "1ms",
    "-5m",
    "292y",
    "1e30s",
    "0.000001",
    "1_000",
    "'",
    "\"",
    "`",
    "\\",
    "\\x",
    "\\u{",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "{{",
    "}}",
    "{{-",
    "-}}",
    ":",
    ": ",
    "- ",
    "\n",
    "\n  ",
    "\t",
    "\r\n",
    "#",
    "&a",
    "*a",
    "!!binary",
    "---",
    "...",
    "|",
    ">",
    "~",
    "null",
    "true",
    "é",
    "💥",
    "\u{202e}",
    "\0",
    "$",
    "$1",
    "${1}",
    "(?i)",
    ".*",
    "[^",
    "\\d",
    "|||",
    "@",
    "offset",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "bool",
    "=~",
    "!~",
    "!=",
    "==",
    ",",
    ";",
    "=",
    "%",
    "^",
    "/",
    "*",
    "start()",
    "end()",
    "[1m:]",
    "[5m:1s]",
    "x100000000",
    "+1x99999999",
    "0+1x100",
    "_",
    "stale",
];

/// Longest input a mutation produces (readers' own size caps are tested on larger files).
pub const MAX_LEN: usize = 64 * 1024;

/// One mutated copy of `seed`; `dict` holds the target's own tokens, `other` is a second
/// seed to splice from.
pub fn mutate(rng: &mut Rng, seed: &str, other: &str, dict: &[&str]) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    let edits = 1 + rng.below(5);
    for _ in 0..edits {
        let len = chars.len();
        let at = rng.below(len + 1);
        match rng.below(10) {
            0 if len > 0 => {
                let end = (at + 1 + rng.below(16)).min(len);
                chars.drain(at.min(len)..end);
            }
            1 if len > 0 => {
                let end = (at + 1 + rng.below(32)).min(len);
                let span: Vec<char> = chars[at.min(len)..end].to_vec();
                let times = 1 + rng.below(4);
                for _ in 0..times {
                    chars.splice(at..at, span.iter().copied());
                }
            }
            2 if len > 1 => {
                let (a, b) = (rng.below(len), rng.below(len));
                chars.swap(a, b);
            }
            3 | 4 if !dict.is_empty() => {
                chars.splice(at..at, rng.pick(dict).chars());
            }
            5 | 6 => {
                chars.splice(at..at, rng.pick(HOSTILE).chars());
            }
            7 if !other.is_empty() => {
                let o: Vec<char> = other.chars().collect();
                let from = rng.below(o.len());
                let to = (from + 1 + rng.below(200)).min(o.len());
                chars.splice(at..at, o[from..to].iter().copied());
            }
            8 if len > 0 => {
                // Replace one character by a neighbour in the ASCII table.
                let i = rng.below(len);
                let c = chars[i] as u32;
                chars[i] = char::from_u32(c ^ (1 << rng.below(7))).unwrap_or('?');
            }
            _ if len > 0 => {
                // Replace a digit run by a hostile number.
                if let Some(i) = (at..len).chain(0..at).find(|&i| chars[i].is_ascii_digit()) {
                    let mut j = i;
                    while j < len && chars[j].is_ascii_digit() {
                        j += 1;
                    }
                    let n = *rng.pick(&["0", "1e30", "99999999999", "-1", "4294967296", "1.5"]);
                    chars.splice(i..j, n.chars());
                }
            }
            _ => chars.splice(at..at, rng.pick(HOSTILE).chars()).for_each(drop),
        }
        if chars.len() > MAX_LEN {
            chars.truncate(MAX_LEN);
        }
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_change_the_seed_and_stay_bounded() {
        let mut rng = Rng::new(1);
        let seed = "sum by (job) (rate(x[5m]))";
        let changed = (0..200).filter(|_| mutate(&mut rng, seed, "up", &["rate("]) != seed).count();
        assert!(changed > 150, "{changed}");
        let big = "a".repeat(MAX_LEN);
        assert!((0..50).all(|_| mutate(&mut rng, &big, &big, &[]).chars().count() <= MAX_LEN));
    }
}
