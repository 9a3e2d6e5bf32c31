//! One plain-language sentence per node, with the node's actual arguments: "Per-second rate
//! of increase over the last 5m, counter resets handled".

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::value::ValueType;
use promql_parser::parser::{
    AggregateExpr, AtModifier, BinaryExpr, Call, Expr, LabelModifier, Offset, VectorMatchCardinality,
    VectorSelector,
};

use crate::assist::format::{bare, string};
use crate::content::time::{format_duration, format_instant};
use crate::engine::parse::at_time_ms;
use crate::engine::selector::duration_ms;
use crate::engine::METRIC_NAME;

/// The node's kind, as the tree shows it.
pub fn kind(expr: &Expr) -> &'static str {
    match expr {
        Expr::Aggregate(_) => "aggregation",
        Expr::Unary(_) => "unary minus",
        Expr::Binary(b) if b.op.is_set_operator() => "set operator",
        Expr::Binary(b) if b.op.is_comparison_operator() => "comparison",
        Expr::Binary(_) => "arithmetic",
        Expr::Paren(_) => "parentheses",
        Expr::Subquery(_) => "subquery",
        Expr::NumberLiteral(_) => "number",
        Expr::StringLiteral(_) => "string",
        Expr::VectorSelector(_) => "instant selector",
        Expr::MatrixSelector(_) => "range selector",
        Expr::Call(_) => "function",
        Expr::Extension(_) => "extension",
    }
}

/// What the node does, in one sentence.
pub fn sentence(expr: &Expr) -> String {
    match expr {
        Expr::NumberLiteral(_) => format!("The number {}.", string(&bare(expr))),
        Expr::StringLiteral(s) => format!("The string \"{}\".", s.val),
        Expr::Paren(p) => {
            format!("Parentheses around `{}`: it is evaluated first, as one operand.", short(&p.expr))
        }
        Expr::Unary(u) => format!("Negates every value of `{}` (and drops the metric name).", short(&u.expr)),
        Expr::VectorSelector(vs) => format!(
            "Selects {}, each at its latest sample in the 5 minutes before the evaluation time{}.",
            series_of(vs),
            modifiers(&vs.offset, &vs.at)
        ),
        Expr::MatrixSelector(ms) => format!(
            "Selects the samples of the last {} of {}{} (a range vector, the input of a function over time).",
            format_duration(duration_ms(&ms.range)),
            series_of(&ms.vs),
            modifiers(&ms.vs.offset, &ms.vs.at)
        ),
        Expr::Subquery(sq) => format!(
            "Evaluates `{}` every {} over the last {}{} (a subquery: {} steps), giving a range vector.",
            short(&sq.expr),
            sq.step.as_ref().map_or("1m (the default evaluation interval)".to_string(), |s| format_duration(
                duration_ms(s)
            )),
            format_duration(duration_ms(&sq.range)),
            modifiers(&sq.offset, &sq.at),
            duration_ms(&sq.range) / sq.step.as_ref().map_or(60_000, duration_ms).max(1)
        ),
        Expr::Binary(b) => binary(b),
        Expr::Aggregate(a) => aggregation(a),
        Expr::Call(c) => call(c),
        Expr::Extension(_) => String::new(),
    }
}

/// An expression's one-line text, cut when long.
fn short(expr: &Expr) -> String {
    let text = string(&bare(expr));
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(59).collect::<String>())
    } else {
        text
    }
}

/// "every series named `x` whose `model` is \"a\"".
fn series_of(vs: &VectorSelector) -> String {
    let name = vs.name.clone().or_else(|| {
        vs.matchers
            .matchers
            .iter()
            .find(|m| m.name == METRIC_NAME && matches!(m.op, MatchOp::Equal))
            .map(|m| m.value.clone())
    });
    let conditions: Vec<String> = vs
        .matchers
        .matchers
        .iter()
        .filter(|m| {
            !(m.name == METRIC_NAME && Some(&m.value) == name.as_ref() && matches!(m.op, MatchOp::Equal))
        })
        .map(condition)
        .collect();
    let mut s = match &name {
        Some(n) => format!("every series named `{n}`"),
        None => "every series".to_string(),
    };
    if !conditions.is_empty() {
        s.push_str(&format!(" whose {}", conditions.join(" and whose ")));
    }
    if !vs.matchers.or_matchers.is_empty() {
        s.push_str(" (any of the `or` alternatives)");
    }
    s
}

fn condition(m: &Matcher) -> String {
    let verb = match m.op {
        MatchOp::Equal if m.value.is_empty() => return format!("`{}` is empty or absent", m.name),
        MatchOp::Equal => "is",
        MatchOp::NotEqual => "is not",
        MatchOp::Re(_) => "fully matches the regex",
        MatchOp::NotRe(_) => "does not match the regex",
    };
    format!("`{}` {verb} \"{}\"", m.name, m.value)
}

fn modifiers(offset: &Option<Offset>, at: &Option<AtModifier>) -> String {
    let mut s = String::new();
    match offset {
        Some(Offset::Pos(d)) => {
            s.push_str(&format!(", shifted {} into the past (offset)", format_duration(duration_ms(d))))
        }
        Some(Offset::Neg(d)) => s.push_str(&format!(
            ", shifted {} into the future (negative offset)",
            format_duration(duration_ms(d))
        )),
        None => {}
    }
    match at {
        Some(AtModifier::At(t)) => s.push_str(&format!(", pinned at {} (@)", format_instant(at_time_ms(*t)))),
        Some(AtModifier::Start) => s.push_str(", pinned at the start of the query range (@ start())"),
        Some(AtModifier::End) => s.push_str(", pinned at the end of the query range (@ end())"),
        None => {}
    }
    s
}

fn binary(b: &BinaryExpr) -> String {
    let op = b.op.to_string();
    let vectors = b.lhs.value_type() == ValueType::Vector && b.rhs.value_type() == ValueType::Vector;
    let bool_ = b.modifier.as_ref().is_some_and(|m| m.return_bool);
    let (l, r) = (short(&b.lhs), short(&b.rhs));
    let verb = match op.as_str() {
        "+" => "Adds",
        "-" => "Subtracts",
        "*" => "Multiplies",
        "/" => "Divides",
        "%" => "Takes the remainder of",
        "^" => "Raises",
        "atan2" => "Takes the arc tangent (atan2) of",
        _ => "",
    };
    if b.op.is_set_operator() {
        let m = matching(b);
        return match op.as_str() {
            "and" => format!(
                "Keeps the series of `{l}` that have a matching series in `{r}` ({m}), with the left values."
            ),
            "or" => format!("All series of `{l}`, plus the series of `{r}` that match none of them ({m})."),
            _ => format!("Keeps the series of `{l}` that have no matching series in `{r}` ({m})."),
        };
    }
    if b.op.is_comparison_operator() {
        let what = comparison_words(&op);
        let how = if vectors { format!(" ({})", matching(b)) } else { String::new() };
        return if bool_ {
            format!("Compares `{l}` {what} `{r}`{how}: 1 where it holds, 0 where not (bool).")
        } else if b.lhs.value_type() == ValueType::Vector {
            format!("Keeps the series of `{l}` whose value is {what} `{r}`{how} (a filter: the others are dropped).")
        } else {
            format!("Keeps the series of `{r}` for which `{l}` is {what} their value{how} (a filter).")
        };
    }
    let pair = match op.as_str() {
        "+" => format!("`{l}` and `{r}`"),
        "-" => format!("`{r}` from `{l}`"),
        "^" => format!("`{l}` to the power `{r}`"),
        "/" => format!("`{l}` by `{r}`"),
        _ => format!("`{l}` and `{r}`"),
    };
    if vectors {
        format!("{verb} {pair}, series by series: {}.", matching(b))
    } else {
        format!("{verb} {pair}, sample by sample.")
    }
}

fn comparison_words(op: &str) -> &'static str {
    match op {
        "==" => "equal to",
        "!=" => "not equal to",
        ">" => "greater than",
        "<" => "less than",
        ">=" => "at least",
        _ => "at most",
    }
}

/// How two vectors are matched: on which labels and with which cardinality.
pub fn matching(b: &BinaryExpr) -> String {
    let m = b.modifier.as_ref();
    let labels = match m.and_then(|m| m.matching.as_ref()) {
        Some(LabelModifier::Include(ls)) if ls.labels.is_empty() => {
            "matching every left series with every right one (on())".to_string()
        }
        Some(LabelModifier::Include(ls)) => {
            format!("pairs match when their {} equal", list(&ls.labels, "is", "are"))
        }
        Some(LabelModifier::Exclude(ls)) if !ls.labels.is_empty() => {
            format!(
                "pairs match when all their labels but {} and the metric name are equal",
                backticked(&ls.labels)
            )
        }
        _ => "pairs match when all their labels but the metric name are equal".to_string(),
    };
    let card = match m.map(|m| &m.card) {
        Some(VectorMatchCardinality::ManyToOne(inc)) => format!(
            ", many-to-one: several left series may match one right series (group_left){}",
            lends(&inc.labels)
        ),
        Some(VectorMatchCardinality::OneToMany(inc)) => format!(
            ", one-to-many: several right series may match one left series (group_right){}",
            lends(&inc.labels)
        ),
        _ if b.op.is_set_operator() => String::new(),
        _ => ", one-to-one".to_string(),
    };
    format!("{labels}{card}")
}

fn backticked(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

fn list(names: &[String], one: &str, many: &str) -> String {
    format!("{} {}", backticked(names), if names.len() == 1 { one } else { many })
}

fn aggregation(a: &AggregateExpr) -> String {
    let op = a.op.to_string();
    let input = short(&a.expr);
    let param = a.param.as_deref().map(short).unwrap_or_default();
    let per = match &a.modifier {
        Some(LabelModifier::Include(ls)) if !ls.labels.is_empty() => {
            format!("one result per distinct {} (by)", values_of(&ls.labels))
        }
        Some(LabelModifier::Exclude(ls)) => format!(
            "one result per set of labels left once {} and the metric name are removed (without)",
            backticked(&ls.labels)
        ),
        _ => "into a single series without labels".to_string(),
    };
    match op.as_str() {
        "sum" => format!("Adds up the values of `{input}`, {per}."),
        "avg" => format!("Averages the values of `{input}`, {per}."),
        "min" => format!("Takes the smallest value of `{input}`, {per}."),
        "max" => format!("Takes the largest value of `{input}`, {per}."),
        "count" => format!("Counts the series of `{input}`, {per}."),
        "group" => format!("Gives 1 for each group of `{input}`, {per}."),
        "stddev" => format!("Population standard deviation of the values of `{input}`, {per}."),
        "stdvar" => format!("Population variance of the values of `{input}`, {per}."),
        "topk" => format!("Keeps the {param} series of `{input}` with the largest values, {}.", per_group(a)),
        "bottomk" => {
            format!("Keeps the {param} series of `{input}` with the smallest values, {}.", per_group(a))
        }
        "limitk" => format!("Keeps {param} series of `{input}` (any {param}), {}.", per_group(a)),
        "limit_ratio" => format!("Keeps a {param} share of the series of `{input}`, {}.", per_group(a)),
        "quantile" => format!("The {param} quantile of the values of `{input}`, {per}."),
        "count_values" => format!(
            "Counts the series of `{input}` having each distinct value, the value in label {param}, {per}."
        ),
        other => format!("`{other}` over `{input}`, {per}."),
    }
}

fn per_group(a: &AggregateExpr) -> String {
    match &a.modifier {
        Some(LabelModifier::Include(ls)) if !ls.labels.is_empty() => {
            format!("within each {} (series keep their labels)", values_of(&ls.labels))
        }
        Some(LabelModifier::Exclude(ls)) => {
            format!("within each group of series equal once {} are removed", backticked(&ls.labels))
        }
        _ => "over all series (they keep their labels)".to_string(),
    }
}

fn values_of(labels: &[String]) -> String {
    if labels.len() == 1 {
        format!("`{}`", labels[0])
    } else {
        format!("combination of {}", backticked(labels))
    }
}

/// A range argument's window, as words.
fn window(args: &[Box<Expr>]) -> String {
    args.iter()
        .find_map(|a| match a.as_ref() {
            Expr::MatrixSelector(ms) => Some(format!("the last {}", format_duration(duration_ms(&ms.range)))),
            Expr::Subquery(sq) => {
                Some(format!("the last {} of subquery steps", format_duration(duration_ms(&sq.range))))
            }
            _ => None,
        })
        .unwrap_or_else(|| "its window".to_string())
}

fn arg(args: &[Box<Expr>], i: usize) -> String {
    args.get(i).map(|a| short(a)).unwrap_or_default()
}

fn call(c: &Call) -> String {
    let a = &c.args.args;
    let w = window(a);
    let name = c.func.name;
    let over_time = |what: &str| format!("The {what} of each series' samples over {w}.");
    match name {
        "rate" => format!("Per-second rate of increase over {w}, counter resets handled (extrapolated to the window's edges)."),
        "irate" => format!("Per-second rate between the last two samples in {w}, counter resets handled."),
        "increase" => format!("Increase over {w}, counter resets handled (extrapolated to the window's edges)."),
        "delta" => format!("Difference between the first and last value over {w} (for gauges)."),
        "idelta" => format!("Difference between the last two samples in {w} (for gauges)."),
        "deriv" => format!("Per-second slope over {w}, by linear regression (for gauges)."),
        "predict_linear" => format!("The value each series would have {} s later, by linear regression over {w}.", arg(a, 1)),
        "resets" => format!("Number of counter resets in {w}."),
        "changes" => format!("Number of times each series' value changed in {w}."),
        "histogram_quantile" => format!(
            "Estimates the {} quantile of each histogram from its cumulative `le` buckets (the buckets of one histogram are the series equal but for `le`).",
            arg(a, 0)
        ),
        "avg_over_time" => over_time("average"),
        "sum_over_time" => over_time("sum"),
        "min_over_time" => over_time("smallest value"),
        "max_over_time" => over_time("largest value"),
        "count_over_time" => over_time("number"),
        "last_over_time" => over_time("last value"),
        "stddev_over_time" => over_time("standard deviation"),
        "stdvar_over_time" => over_time("variance"),
        "mad_over_time" => over_time("median absolute deviation"),
        "quantile_over_time" => format!("The {} quantile of each series' samples over {w}.", arg(a, 0)),
        "present_over_time" => format!("1 for each series with a sample in {w}."),
        "absent_over_time" => format!("1 (one series) when no series has a sample in {w}, nothing otherwise."),
        "absent" => format!("1 (one series) when `{}` returns nothing, nothing otherwise: for alerting on missing series.", arg(a, 0)),
        "abs" | "ceil" | "floor" | "exp" | "ln" | "log2" | "log10" | "sqrt" | "sgn" => {
            format!("Applies `{name}` to every sample of `{}` (the metric name is dropped).", arg(a, 0))
        }
        "round" => format!("Rounds every sample to the nearest multiple of {}.", a.get(1).map_or("1".to_string(), |x| short(x))),
        "clamp" => format!("Limits every sample to [{}, {}].", arg(a, 1), arg(a, 2)),
        "clamp_min" => format!("Raises every sample below {} to {}.", arg(a, 1), arg(a, 1)),
        "clamp_max" => format!("Lowers every sample above {} to {}.", arg(a, 1), arg(a, 1)),
        "label_replace" => format!(
            "Sets label {} to {} where label {} matches the regex {} (the series are otherwise unchanged).",
            arg(a, 1),
            arg(a, 2),
            arg(a, 3),
            arg(a, 4)
        ),
        "label_join" => format!("Sets label {} to the values of the listed labels joined with {}.", arg(a, 1), arg(a, 2)),
        "vector" => format!("Turns the scalar {} into one series without labels.", arg(a, 0)),
        "scalar" => format!("Turns `{}` into a scalar: its value when it has exactly one series, NaN otherwise.", arg(a, 0)),
        "time" => "The evaluation time, in seconds since the epoch.".to_string(),
        "timestamp" => format!("The timestamp of each sample of `{}`, in seconds.", arg(a, 0)),
        "sort" | "sort_desc" => format!("Orders the series of `{}` by value ({}).", arg(a, 0), if name == "sort" { "ascending" } else { "descending" }),
        "sort_by_label" | "sort_by_label_desc" => format!("Orders the series of `{}` by the listed labels.", arg(a, 0)),
        "day_of_week" | "day_of_month" | "day_of_year" | "days_in_month" | "hour" | "minute" | "month" | "year" => {
            format!("The {} (UTC) of each sample's value read as a timestamp, or of the evaluation time.", name.replace('_', " "))
        }
        "double_exponential_smoothing" => format!("Smooths each series over {w} (double exponential smoothing, factors {} and {}).", arg(a, 1), arg(a, 2)),
        other => format!("Calls `{other}()`."),
    }
}

/// The labels a group modifier copies from the "one" side: `, which lends them `a`, `b``.
fn lends(labels: &[String]) -> String {
    if labels.is_empty() {
        String::new()
    } else {
        format!(", which lends them {}", backticked(labels))
    }
}
