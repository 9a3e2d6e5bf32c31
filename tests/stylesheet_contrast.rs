//! Every text colour of the site against every background it is drawn on, in the light and
//! the dark theme, read from the stylesheet's custom properties and held to WCAG AA (4.5:1
//! for text, 3:1 for marks and large text). The stylesheets name colours only through those
//! properties, so a colour cannot reach a page without passing here; the browser tests' axe
//! check covers what the pages compose from them.

use std::collections::BTreeMap;

use promql_playground::ui::colour::{contrast, parse_hex, Rgb};

const STYLE: &str = include_str!("../public/style.css");
const OTHER_STYLESHEETS: &[(&str, &str)] = &[
    ("exercise.css", include_str!("../public/exercise.css")),
    ("rules-lab.css", include_str!("../public/rules-lab.css")),
    ("packs.css", include_str!("../public/packs.css")),
];

/// Text (4.5:1): foreground property, background properties it is drawn on.
const TEXT: &[(&str, &[&str])] = &[
    ("text", &["bg", "card", "code-bg", "accent-soft", "error-bg", "warn-bg", "info-bg", "good-bg"]),
    ("muted", &["bg", "card", "code-bg", "info-bg", "warn-bg"]),
    ("link", &["bg", "card", "code-bg", "error-bg", "warn-bg"]),
    // Active nav link, active segment and tab, exercise kind badge, event times.
    ("accent-strong", &["accent-soft", "card", "bg"]),
    // Execute, Check answer, Open the playground.
    ("on-button", &["button-bg", "button-bg-hover"]),
    ("error", &["error-bg", "card"]),
    ("on-error", &["error"]),
    // Solved badge, check marks, passed feedback, rules lab verdicts.
    ("good", &["good-bg", "card", "bg"]),
    ("warn-text", &["warn-bg", "card"]),
    ("on-warn-mark", &["warn-mark"]),
    // Syntax colours in the editor and query snippets.
    ("tok-metric", &["code-bg"]),
    ("tok-function", &["code-bg"]),
    ("tok-keyword", &["code-bg"]),
    ("tok-label", &["code-bg"]),
    ("tok-string", &["code-bg"]),
    ("tok-number", &["code-bg"]),
    ("tok-operator", &["code-bg"]),
    ("tok-comment", &["code-bg"]),
    ("tok-error", &["code-bg"]),
];

/// Marks that carry meaning without text (3:1): bars, focus rings, the passed feedback's
/// edge.
const MARKS: &[(&str, &[&str])] =
    &[("range-bar", &["card"]), ("good-mark", &["card"]), ("accent", &["card", "bg"])];

/// The `--name: #hex` properties of the rule block that starts at `selector`.
fn properties(selector: &str) -> BTreeMap<String, Rgb> {
    let start = STYLE.find(selector).unwrap_or_else(|| panic!("no {selector} block in style.css"));
    let body = &STYLE[start..];
    let body = &body[..body.find('}').expect("block ends")];
    body.lines()
        .filter_map(|line| {
            let (name, value) = line.trim().strip_prefix("--")?.split_once(':')?;
            Some((name.trim().to_string(), parse_hex(value.trim().trim_end_matches(';'))?))
        })
        .collect()
}

/// The colours of each theme: the dark one overrides the light one's properties.
fn themes() -> [(&'static str, BTreeMap<String, Rgb>); 2] {
    let light = properties(":root {");
    let mut dark = light.clone();
    dark.extend(properties("[data-theme=\"dark\"] {"));
    [("light", light), ("dark", dark)]
}

#[test]
fn text_and_marks_meet_wcag_aa_in_both_themes() {
    let mut failures = Vec::new();
    for (theme, colours) in themes() {
        for (pairs, min) in [(TEXT, 4.5), (MARKS, 3.0)] {
            for (fg, backgrounds) in pairs {
                for bg in *backgrounds {
                    let (Some(f), Some(b)) = (colours.get(*fg), colours.get(*bg)) else {
                        failures.push(format!("{theme}: --{fg} or --{bg} is not a hex colour in style.css"));
                        continue;
                    };
                    let ratio = contrast(*f, *b);
                    if ratio < min {
                        failures.push(format!("{theme}: --{fg} on --{bg} is {ratio:.2}:1 (needs {min}:1)"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn colours_are_named_only_in_the_theme_blocks() {
    // Everything after the dark theme's block, and the other stylesheets, must use var().
    let dark = STYLE.find("[data-theme=\"dark\"] {").expect("dark block");
    let rules = &STYLE[dark + STYLE[dark..].find('}').expect("block ends")..];
    let mut found = Vec::new();
    for (file, text) in std::iter::once(("style.css", rules)).chain(OTHER_STYLESHEETS.iter().copied()) {
        for line in text.lines().filter(|l| has_hex_colour(l)) {
            found.push(format!("{file}: {}", line.trim()));
        }
    }
    assert!(
        found.is_empty(),
        "colours outside the theme blocks (add a property instead):\n{}",
        found.join("\n")
    );
}

/// True if a declaration on `line` (after a `:`) holds a `#rgb` or `#rrggbb` colour.
fn has_hex_colour(line: &str) -> bool {
    let Some((_, values)) = line.split_once(':') else { return false };
    values.match_indices('#').any(|(at, _)| {
        let word: String = values[at + 1..].chars().take_while(char::is_ascii_alphanumeric).collect();
        matches!(word.len(), 3 | 6) && word.chars().all(|c| c.is_ascii_hexdigit())
    })
}
