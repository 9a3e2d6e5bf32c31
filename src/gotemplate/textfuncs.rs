//! The text functions Prometheus and Alertmanager both give their templates, defined the
//! same way in both: `toUpper`, `toLower`, `title`, `match`, `reReplaceAll`, `safeHtml`.
//! Only `title` differs between products (and versions), so the caller picks it.

use super::registry::{Registry, STRING};
use super::{regexp, strings, Value};

fn text(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or("")
}

/// Registers the shared text functions, with `title` as given.
pub fn register(r: &mut Registry, title: fn(&str) -> String) {
    r.func("toUpper", &[STRING], None, |a, _| Ok(Value::str(&strings::to_upper(text(a, 0)))));
    r.func("toLower", &[STRING], None, |a, _| Ok(Value::str(&strings::to_lower(text(a, 0)))));
    r.func("title", &[STRING], None, move |a, _| Ok(Value::str(&title(text(a, 0)))));
    // regexp.MatchString returns the compile error.
    r.func("match", &[STRING, STRING], None, |a, _| {
        Ok(Value::Bool(regexp::compile(text(a, 0))?.is_match(text(a, 1))))
    });
    // regexp.MustCompile panics; the template engine reports the panic's text.
    r.func("reReplaceAll", &[STRING, STRING, STRING], None, |a, _| {
        let re = regexp::compile(text(a, 0)).map_err(|e| regexp::must_compile_message(text(a, 0), &e))?;
        Ok(Value::str(&re.replace_all(text(a, 2), text(a, 1))))
    });
    r.func("safeHtml", &[STRING], None, |a, _| Ok(Value::Html(text(a, 0).into())));
}
