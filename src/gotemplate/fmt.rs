//! Go's `fmt` for template values: `Sprint`, `Sprintln`, `Sprintf` with verbs `%v %s %d %f
//! %e %g %x %X %q %t %c %U %b %o %T %%`, flags `+ - # 0 space`, width, precision, `*` and
//! `[n]` argument indexes, and Go's complaints (`%!d(string=x)`, `%!v(MISSING)`,
//! `%!(EXTRA int=1)`). `%v` prints maps as `map[k:v]`, slices as `[a b]`, structs as `{a b}`
//! (`&{a b}` for a pointer at the top) and calls `String()` on time values.

use super::ftoa::format_float;
use super::quote::{can_backquote, quote, quote_ascii, quote_rune};
use super::time;
use super::value::{EnumKind, Kind, Value};

/// `fmt.Sprint`: operands in `%v`, with a space between two operands when neither is a
/// string.
pub fn sprint(args: &[Value]) -> String {
    let mut p = Printer::default();
    for (i, arg) in args.iter().enumerate() {
        let is_string = arg.kind() == Kind::String;
        if i > 0 && !is_string && args[i - 1].kind() != Kind::String {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
    }
    p.buf
}

/// `fmt.Sprintln`: operands in `%v` separated by spaces, then a newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut p = Printer::default();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
    }
    p.buf.push('\n');
    p.buf
}

/// `fmt.Sprint` of one value: what `{{ . }}` writes.
pub fn format_value(v: &Value) -> String {
    let mut p = Printer::default();
    p.print_arg(v, 'v');
    p.buf
}

/// Formatting flags of one verb.
#[derive(Clone, Copy, Default)]
struct Flags {
    wid: usize,
    wid_present: bool,
    prec: usize,
    prec_present: bool,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
}

#[derive(Default)]
struct Printer {
    buf: String,
    f: Flags,
    /// Inside a bad-verb report: no String() calls.
    erroring: bool,
}

const TOO_LARGE: usize = 1_000_000;

/// `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::default();
    let b = format.as_bytes();
    let end = b.len();
    let mut arg_num = 0usize;
    let mut reordered = false;
    let mut i = 0;
    'format: while i < end {
        let mut good_arg_num = true;
        let last = i;
        while i < end && b[i] != b'%' {
            i += 1;
        }
        if i > last {
            p.buf.push_str(&format[last..i]);
        }
        if i >= end {
            break;
        }
        i += 1;
        p.f = Flags::default();
        while i < end {
            match b[i] {
                b'#' => p.f.sharp = true,
                b'0' => p.f.zero = !p.f.minus,
                b'+' => p.f.plus = true,
                b'-' => {
                    p.f.minus = true;
                    p.f.zero = false;
                }
                b' ' => p.f.space = true,
                c => {
                    if c.is_ascii_lowercase() && arg_num < args.len() {
                        if c == b'v' {
                            p.f.sharp_v = p.f.sharp;
                            p.f.sharp = false;
                            p.f.plus_v = p.f.plus;
                            p.f.plus = false;
                        }
                        p.print_arg(&args[arg_num], c as char);
                        arg_num += 1;
                        i += 1;
                        continue 'format;
                    }
                    break;
                }
            }
            i += 1;
        }
        let mut after_index;
        (arg_num, i, after_index) =
            arg_number(arg_num, format, i, args.len(), &mut good_arg_num, &mut reordered);
        if i < end && b[i] == b'*' {
            i += 1;
            let (w, ok, next) = int_from_arg(args, arg_num);
            arg_num = next;
            if !ok {
                p.buf.push_str("%!(BADWIDTH)");
            }
            p.f.wid_present = ok;
            if w < 0 {
                p.f.wid = w.unsigned_abs() as usize;
                p.f.minus = true;
                p.f.zero = false;
            } else {
                p.f.wid = w as usize;
            }
            after_index = false;
        } else {
            let (w, present, next) = parse_num(b, i, end);
            p.f.wid = w;
            p.f.wid_present = present;
            i = next;
            if after_index && present {
                good_arg_num = false;
            }
        }
        if i + 1 < end && b[i] == b'.' {
            i += 1;
            if after_index {
                good_arg_num = false;
            }
            (arg_num, i, after_index) =
                arg_number(arg_num, format, i, args.len(), &mut good_arg_num, &mut reordered);
            if i < end && b[i] == b'*' {
                i += 1;
                let (pr, ok, next) = int_from_arg(args, arg_num);
                arg_num = next;
                p.f.prec_present = ok && pr >= 0;
                p.f.prec = if pr < 0 { 0 } else { pr as usize };
                if !p.f.prec_present {
                    p.buf.push_str("%!(BADPREC)");
                }
                after_index = false;
            } else {
                let (pr, _, next) = parse_num(b, i, end);
                p.f.prec = pr;
                p.f.prec_present = true;
                i = next;
            }
        }
        if !after_index {
            (arg_num, i, _) = arg_number(arg_num, format, i, args.len(), &mut good_arg_num, &mut reordered);
        }
        if i >= end {
            p.buf.push_str("%!(NOVERB)");
            break;
        }
        let verb = format[i..].chars().next().unwrap_or('?');
        i += verb.len_utf8();
        if verb == '%' {
            p.buf.push('%');
        } else if !good_arg_num {
            p.buf.push_str(&format!("%!{verb}(BADINDEX)"));
        } else if arg_num >= args.len() {
            p.buf.push_str(&format!("%!{verb}(MISSING)"));
        } else {
            if verb == 'v' {
                p.f.sharp_v = p.f.sharp;
                p.f.sharp = false;
                p.f.plus_v = p.f.plus;
                p.f.plus = false;
            }
            p.print_arg(&args[arg_num], verb);
            arg_num += 1;
        }
    }
    if !reordered && arg_num < args.len() {
        p.f = Flags::default();
        p.buf.push_str("%!(EXTRA ");
        for (k, arg) in args[arg_num..].iter().enumerate() {
            if k > 0 {
                p.buf.push_str(", ");
            }
            if let Value::Nil = arg {
                p.buf.push_str("<nil>");
            } else {
                p.buf.push_str(&arg.type_name());
                p.buf.push('=');
                p.print_arg(arg, 'v');
            }
        }
        p.buf.push(')');
    }
    p.buf
}

/// `[n]` argument index at `i`: (argument, next byte, whether one was found).
fn arg_number(
    arg_num: usize,
    format: &str,
    i: usize,
    num_args: usize,
    good: &mut bool,
    reordered: &mut bool,
) -> (usize, usize, bool) {
    let b = format.as_bytes();
    if i >= b.len() || b[i] != b'[' {
        return (arg_num, i, false);
    }
    *reordered = true;
    let rest = &b[i..];
    let (index, wid, ok) = parse_arg_number(rest);
    if ok && index >= 1 && index - 1 < num_args as i64 {
        return ((index - 1) as usize, i + wid, true);
    }
    *good = false;
    (arg_num, i + wid, ok)
}

fn parse_arg_number(b: &[u8]) -> (i64, usize, bool) {
    if b.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..b.len() {
        if b[i] == b']' {
            let (n, ok, next) = parse_num(b, 1, i);
            if !ok || next != i {
                return (0, i + 1, false);
            }
            return (n as i64, i + 1, true);
        }
    }
    (0, 1, false)
}

fn parse_num(b: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut n = 0usize;
    let mut present = false;
    let mut i = start;
    while i < end && b[i].is_ascii_digit() {
        if n > TOO_LARGE {
            return (0, false, end);
        }
        n = n * 10 + (b[i] - b'0') as usize;
        present = true;
        i += 1;
    }
    (n, present, i)
}

/// A `*` width or precision: (value, whether it was an int, next argument).
fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    match args.get(arg_num) {
        Some(v) => match v.as_int() {
            Some(n) if (-(TOO_LARGE as i64)..=TOO_LARGE as i64).contains(&n) => (n, true, arg_num + 1),
            _ => (0, false, arg_num + 1),
        },
        None => (0, false, arg_num),
    }
}

impl Printer {
    fn print_arg(&mut self, arg: &Value, verb: char) {
        if let Value::Nil = arg {
            match verb {
                'T' | 'v' => self.pad_str("<nil>"),
                _ => self.bad_verb(arg, verb),
            }
            return;
        }
        match verb {
            'T' => return self.fmt_s(&arg.type_name()),
            'p' => return self.fmt_pointer(arg, verb),
            _ => {}
        }
        match arg {
            Value::Bool(b) => self.fmt_bool(arg, *b, verb),
            Value::Float(v) => self.fmt_float(arg, *v, verb),
            Value::Complex(r, i) => self.fmt_complex(arg, *r, *i, verb),
            Value::Int(i) | Value::Int64(i) => self.fmt_integer(arg, *i, verb),
            Value::Str(s) => self.fmt_string(arg, s, verb),
            _ => {
                if !self.handle_methods(arg, verb) {
                    self.print_value(arg, verb, 0);
                }
            }
        }
    }

    /// `String()` of the time types, for the verbs that take strings.
    fn handle_methods(&mut self, arg: &Value, verb: char) -> bool {
        if self.erroring || self.f.sharp_v || !matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') {
            return false;
        }
        let Some(text) = stringer(arg) else {
            return false;
        };
        self.fmt_string(arg, &text, verb);
        true
    }

    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        if depth > 0 && self.handle_methods(v, verb) {
            return;
        }
        match v {
            Value::Nil => {
                if depth == 0 {
                    self.buf.push_str("<invalid reflect.Value>");
                } else if verb == 'v' {
                    self.buf.push_str("<nil>");
                } else {
                    self.bad_verb(v, verb);
                }
            }
            Value::Bool(b) => self.fmt_bool(v, *b, verb),
            Value::Int(i) | Value::Int64(i) | Value::Enum(_, i) | Value::Duration(i, false) => {
                self.fmt_integer(v, *i, verb)
            }
            Value::Float(f) => self.fmt_float(v, *f, verb),
            Value::Complex(r, i) => self.fmt_complex(v, *r, *i, verb),
            Value::Str(s) | Value::Html(s) => self.fmt_string(v, s, verb),
            Value::Map(m) => {
                self.buf.push_str("map[");
                for (i, (k, val)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(' ');
                    }
                    self.print_value(&Value::Str(k.clone()), verb, depth + 1);
                    self.buf.push(':');
                    self.print_value(val, verb, depth + 1);
                }
                self.buf.push(']');
            }
            Value::List(l) => {
                self.buf.push('[');
                for (i, item) in l.items.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(' ');
                    }
                    self.print_value(item, verb, depth + 1);
                }
                self.buf.push(']');
            }
            Value::Struct(s) if s.pointer => {
                if depth == 0 {
                    self.buf.push('&');
                    self.print_value(&v.deref(), verb, depth + 1);
                } else {
                    self.fmt_pointer(v, verb);
                }
            }
            Value::Struct(s) => {
                self.buf.push('{');
                for (i, (name, val)) in s.fields.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(' ');
                    }
                    if self.f.plus_v {
                        self.buf.push_str(name);
                        self.buf.push(':');
                    }
                    self.print_value(val, verb, depth + 1);
                }
                self.buf.push('}');
            }
            Value::Time(t, false) => {
                // Only reached when String() was not used (a bad verb): Go prints the
                // struct's unexported fields; an approximation will do.
                self.buf.push_str(&format!("{{{} {} <nil>}}", t.nanos, t.secs));
            }
            Value::Time(_, true) | Value::Duration(_, true) => {
                if depth == 0 {
                    self.print_value(&v.deref(), verb, depth + 1)
                } else {
                    self.fmt_pointer(v, verb)
                }
            }
        }
    }

    fn bad_verb(&mut self, arg: &Value, verb: char) {
        self.erroring = true;
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        if let Value::Nil = arg {
            self.buf.push_str("<nil>");
        } else {
            self.buf.push_str(&arg.type_name());
            self.buf.push('=');
            self.print_arg(arg, 'v');
        }
        self.buf.push(')');
        self.erroring = false;
    }

    fn fmt_pointer(&mut self, v: &Value, verb: char) {
        let is_pointer = v.kind() == Kind::Pointer;
        match verb {
            'v' | 'p' if is_pointer => self.pad_str("0xc000010000"),
            _ => self.bad_verb(v, verb),
        }
    }

    fn fmt_bool(&mut self, arg: &Value, b: bool, verb: char) {
        match verb {
            't' | 'v' => self.pad_str(if b { "true" } else { "false" }),
            _ => self.bad_verb(arg, verb),
        }
    }

    fn fmt_integer(&mut self, arg: &Value, v: i64, verb: char) {
        match verb {
            'v' | 'd' => self.fmt_int_base(v, 10, verb, false),
            'b' => self.fmt_int_base(v, 2, verb, false),
            'o' | 'O' => self.fmt_int_base(v, 8, verb, false),
            'x' => self.fmt_int_base(v, 16, verb, false),
            'X' => self.fmt_int_base(v, 16, verb, true),
            'c' => {
                let c = rune_of(v);
                self.pad_str(&c.to_string());
            }
            'q' => {
                let c = rune_of(v);
                let s = if self.f.sharp && can_backquote(&c.to_string()) {
                    format!("`{c}`")
                } else if self.f.plus {
                    quote_ascii(&c.to_string()).replace('"', "'")
                } else {
                    quote_rune(c)
                };
                self.pad_str(&s);
            }
            'U' => self.fmt_unicode(v),
            _ => self.bad_verb(arg, verb),
        }
    }

    fn fmt_int_base(&mut self, v: i64, base: u32, verb: char, upper: bool) {
        let negative = v < 0;
        let u = v.unsigned_abs();
        let f = self.f;
        let mut prec = 0usize;
        if f.prec_present {
            prec = f.prec;
            if prec == 0 && u == 0 {
                self.write_padding(f.wid, false);
                return;
            }
        } else if f.zero && f.wid_present {
            prec = f.wid;
            if negative || f.plus || f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let mut digits = match base {
            2 => format!("{u:b}"),
            8 => format!("{u:o}"),
            16 if upper => format!("{u:X}"),
            16 => format!("{u:x}"),
            _ => u.to_string(),
        };
        if digits.len() < prec {
            digits = "0".repeat(prec - digits.len()) + &digits;
        }
        let mut prefix = String::new();
        if f.sharp {
            match base {
                2 => prefix.push_str("0b"),
                8 if !digits.starts_with('0') => prefix.push('0'),
                16 => prefix.push_str(if upper { "0X" } else { "0x" }),
                _ => {}
            }
        }
        if verb == 'O' {
            prefix.insert_str(0, "0o");
        }
        let sign = if negative {
            "-"
        } else if f.plus {
            "+"
        } else if f.space {
            " "
        } else {
            ""
        };
        let text = format!("{sign}{prefix}{digits}");
        self.pad_with(&text, false);
    }

    fn fmt_unicode(&mut self, v: i64) {
        let u = v as u64;
        let mut prec = 4;
        if self.f.prec_present && self.f.prec > 4 {
            prec = self.f.prec;
        }
        let mut s = format!("U+{:0width$X}", u, width = prec);
        if self.f.sharp && u <= 0x10FFFF {
            if let Some(c) = char::from_u32(u as u32).filter(|c| super::quote::is_print(*c)) {
                s.push_str(&format!(" '{c}'"));
            }
        }
        self.pad_with(&s, false);
    }

    fn fmt_float(&mut self, arg: &Value, v: f64, verb: char) {
        let (fmt, default_prec) = match verb {
            'v' => ('g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => (verb, -1),
            'f' | 'e' | 'E' => (verb, 6),
            'F' => ('f', 6),
            _ => return self.bad_verb(arg, verb),
        };
        let prec = if self.f.prec_present { self.f.prec as i32 } else { default_prec };
        let mut num = format_float(v, fmt, prec);
        if self.f.sharp && verb != 'b' {
            num = sharp_float(&num, verb, prec);
        }
        let special = num.ends_with("Inf") || num.ends_with("NaN");
        let (sign, body) = match num.strip_prefix('-') {
            Some(rest) => ("-", rest.to_string()),
            None => ("+", num.trim_start_matches('+').to_string()),
        };
        let mut sign = sign.to_string();
        if sign == "+" && self.f.space && !self.f.plus {
            sign = " ".into();
        }
        if special {
            // Infinities and NaN are never zero-padded; NaN has no sign unless asked.
            let old_zero = self.f.zero;
            self.f.zero = false;
            let text = if body == "NaN" && !self.f.space && !self.f.plus {
                body
            } else if body == "Inf" && sign == "+" && !self.f.plus && !self.f.space {
                // Go keeps the + of +Inf.
                format!("+{body}")
            } else {
                format!("{sign}{body}")
            };
            self.pad_str(&text);
            self.f.zero = old_zero;
            return;
        }
        if self.f.plus || sign != "+" {
            if self.f.zero && self.f.wid_present && self.f.wid > body.chars().count() + 1 {
                self.buf.push_str(&sign);
                let pad = self.f.wid - body.chars().count() - 1;
                self.buf.push_str(&"0".repeat(pad));
                self.buf.push_str(&body);
                return;
            }
            self.pad_str(&format!("{sign}{body}"));
            return;
        }
        self.pad_str(&body);
    }

    fn fmt_complex(&mut self, arg: &Value, re: f64, im: f64, verb: char) {
        if !matches!(verb, 'v' | 'b' | 'g' | 'G' | 'x' | 'X' | 'f' | 'F' | 'e' | 'E') {
            return self.bad_verb(arg, verb);
        }
        let old = self.f;
        self.buf.push('(');
        self.fmt_float(arg, re, verb);
        self.f.plus = true;
        self.fmt_float(arg, im, verb);
        self.buf.push_str("i)");
        self.f = old;
    }

    fn fmt_string(&mut self, arg: &Value, s: &str, verb: char) {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s),
            'v' | 's' => self.fmt_s(s),
            'x' => self.fmt_sx(s, false),
            'X' => self.fmt_sx(s, true),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(arg, verb),
        }
    }

    fn truncate<'s>(&self, s: &'s str) -> &'s str {
        if self.f.prec_present {
            if let Some((i, _)) = s.char_indices().nth(self.f.prec) {
                return &s[..i];
            }
        }
        s
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s).to_string();
        self.pad_str(&s);
    }

    fn fmt_sx(&mut self, s: &str, upper: bool) {
        let mut bytes = s.as_bytes();
        if self.f.prec_present && self.f.prec < bytes.len() {
            bytes = &bytes[..self.f.prec];
        }
        let mut out = String::new();
        for (i, b) in bytes.iter().enumerate() {
            if self.f.space && i > 0 {
                out.push(' ');
            }
            if self.f.sharp && (self.f.space || i == 0) {
                out.push_str(if upper { "0X" } else { "0x" });
            }
            out.push_str(&if upper { format!("{b:02X}") } else { format!("{b:02x}") });
        }
        self.pad_str(&out);
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s).to_string();
        let q = if self.f.sharp && can_backquote(&s) {
            format!("`{s}`")
        } else if self.f.plus {
            quote_ascii(&s)
        } else {
            quote(&s)
        };
        self.pad_str(&q);
    }

    fn pad_str(&mut self, s: &str) {
        let zero = self.f.zero;
        self.pad_with(s, zero);
    }

    /// Pads to the width: spaces (or zeros) on the left, or spaces on the right with `-`.
    fn pad_with(&mut self, s: &str, zero: bool) {
        if !self.f.wid_present || self.f.wid == 0 {
            self.buf.push_str(s);
            return;
        }
        let width = self.f.wid.saturating_sub(s.chars().count());
        if self.f.minus {
            self.buf.push_str(s);
            self.write_padding(width, false);
        } else {
            self.write_padding(width, zero);
            self.buf.push_str(s);
        }
    }

    fn write_padding(&mut self, n: usize, zero: bool) {
        let c = if zero { '0' } else { ' ' };
        self.buf.extend(std::iter::repeat_n(c, n));
    }
}

/// The `String()` of the value types that have one.
fn stringer(v: &Value) -> Option<String> {
    match v {
        Value::Time(t, _) => Some(time::time_string(t)),
        Value::Duration(d, _) => Some(time::duration_string(*d)),
        Value::Enum(EnumKind::Month, m) => Some(time::month_name(*m)),
        Value::Enum(EnumKind::Weekday, d) => Some(time::weekday_name(*d)),
        _ => None,
    }
}

fn rune_of(v: i64) -> char {
    u32::try_from(v).ok().and_then(char::from_u32).unwrap_or('\u{FFFD}')
}

/// Go's `#` flag on floats (`fmt.fmtFloat`): always a decimal point, and for `%v %g %G %x`
/// digits padded with zeros up to the precision (6 by default). Go counts every non-zero
/// character after the sign, the `x` of a hex float included.
fn sharp_float(num: &str, verb: char, prec: i32) -> String {
    if num.ends_with("Inf") || num.ends_with("NaN") {
        return num.to_string();
    }
    let mut digits: i32 = match verb {
        'v' | 'g' | 'G' | 'x' => {
            if prec == -1 {
                6
            } else {
                prec
            }
        }
        _ => 0,
    };
    let (sign, body) = match num.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", num),
    };
    let mut mantissa = body.to_string();
    let mut tail = String::new();
    let mut has_point = false;
    let mut saw_nonzero = false;
    for (i, c) in body.char_indices() {
        match c {
            '.' => has_point = true,
            'p' | 'P' => {
                tail = body[i..].to_string();
                mantissa.truncate(i);
                break;
            }
            'e' | 'E' if verb != 'x' && verb != 'X' => {
                tail = body[i..].to_string();
                mantissa.truncate(i);
                break;
            }
            c => {
                if c != '0' {
                    saw_nonzero = true;
                }
                if saw_nonzero {
                    digits -= 1;
                }
            }
        }
    }
    if !has_point {
        if mantissa == "0" {
            digits -= 1;
        }
        mantissa.push('.');
    }
    while digits > 0 {
        mantissa.push('0');
        digits -= 1;
    }
    format!("{sign}{mantissa}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    #[test]
    fn sprintf_matches_go() {
        let cases: &[(&str, Vec<Value>, &str)] = &[
            (
                "%d|%5d|%-5d|%05d|%+d|%x|%X|%#x|%o|%b",
                vec![Value::Int(42); 10],
                "42|   42|42   |00042|+42|2a|2A|0x2a|52|101010",
            ),
            (
                "%.2f|%8.3f|%-8.2f|%08.2f|%e|%g|%G",
                vec![Value::Float(1.23456); 7],
                "1.23|   1.235|1.23    |00001.23|1.234560e+00|1.23456|1.23456",
            ),
            (
                "%s|%q|%v|%10s|%-4s|%.2s|%x",
                vec![s("héllo"), s("a\"b"), s("x"), s("r"), s("l"), s("abc"), s("hi")],
                "héllo|\"a\\\"b\"|x|         r|l   |ab|6869",
            ),
            ("%t|%v", vec![Value::Bool(true), Value::Bool(false)], "true|false"),
            ("%d", vec![s("x")], "%!d(string=x)"),
            ("%s", vec![Value::Float(1.5)], "%!s(float64=1.5)"),
            ("%d %d", vec![Value::Int(1)], "1 %!d(MISSING)"),
            ("%d", vec![Value::Int(1), s("x")], "1%!(EXTRA string=x)"),
            ("%", vec![], "%!(NOVERB)"),
            ("%z", vec![Value::Int(1)], "%!z(int=1)"),
            ("%v %v", vec![Value::Nil, Value::Float(f64::NAN)], "<nil> NaN"),
            ("%.4g%%", vec![Value::Float(12.345678)], "12.35%"),
            ("%6.2f|%+.1e", vec![Value::Float(f64::INFINITY), Value::Float(-1234.5)], "  +Inf|-1.2e+03"),
            ("%[2]d %[1]d", vec![Value::Int(1), Value::Int(2)], "2 1"),
            ("%*d|%.*f", vec![Value::Int(4), Value::Int(7), Value::Int(1), Value::Float(2.25)], "   7|2.2"),
            ("%c|%q|%U", vec![Value::Int(65), Value::Int(66), Value::Int(0x1F600)], "A|'B'|U+1F600"),
            (
                "%T %T %T",
                vec![Value::Int(1), s("a"), Value::string_map([("a", "b")])],
                "int string map[string]string",
            ),
        ];
        for (format, args, want) in cases {
            assert_eq!(sprintf(format, args), *want, "{format}");
        }
    }

    #[test]
    fn sprint_spacing_and_composites() {
        assert_eq!(sprint(&[Value::Int(1), Value::Int(2), s("a"), Value::Int(3)]), "1 2a3");
        assert_eq!(sprintln(&[s("a"), Value::Int(1)]), "a 1\n");
        assert_eq!(format_value(&Value::string_map([("b", "2"), ("a", "1")])), "map[a:1 b:2]");
        assert_eq!(format_value(&Value::Float(1e6)), "1e+06");
        assert_eq!(format_value(&Value::Complex(1.0, -2.0)), "(1-2i)");
    }
}
