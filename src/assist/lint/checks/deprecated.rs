//! `promql/deprecated` (no pint equivalent): names Prometheus 3 removed. `holt_winters` was
//! renamed `double_exponential_smoothing` in 3.0; the query then fails to parse, so this
//! check reads the tokens rather than the tree and replaces the parse error.

use crate::assist::lint::fix::Fix;
use crate::assist::lint::{Raw, Severity};
use crate::engine::parse::lex::{lex, Kind};

/// Removed names and their replacement.
const RENAMED: &[(&str, &str)] = &[("holt_winters", "double_exponential_smoothing")];

/// Findings for removed function names called in `src`, if there are any.
pub fn deprecated(src: &str) -> Option<Vec<Raw>> {
    let (tokens, _) = lex(src);
    let mut out = Vec::new();
    for pair in tokens.windows(2) {
        let (name, next) = (pair[0], pair[1]);
        if name.kind != Kind::Ident || next.kind != Kind::LParen {
            continue;
        }
        let Some((old, new)) = RENAMED.iter().find(|(old, _)| *old == name.text(src)) else { continue };
        let message = format!(
            "`{old}()` was renamed `{new}()` in Prometheus 3.0 (where it needs \
             `--enable-feature=promql-experimental-functions`); Prometheus 3 no longer knows `{old}`."
        );
        let fix = Fix::replace(format!("Use {new}()"), (name.start, name.end), *new);
        out.push(
            Raw::new("promql/deprecated", Severity::Bug, (name.start, name.end), message).with_fix(Some(fix)),
        );
    }
    (!out.is_empty()).then_some(out)
}
