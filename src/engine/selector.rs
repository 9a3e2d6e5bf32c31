//! Vector and matrix selectors: series selection through the postings index (cached per
//! query, so a range query selects once), instant lookups with the lookback window and
//! staleness markers, left-open range windows, and the `offset` / `@` time shifts.

use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use promql_parser::label::{MatchOp, Matcher};
use promql_parser::parser::{AtModifier, Offset, VectorSelector};
use regex::Regex;

use super::go_regex::go_classes;
use super::labels::METRIC_NAME;
use super::storage::{SeriesId, Storage};
use super::value::{is_histogram_placeholder, is_stale, Millis, Point};

/// A duration in milliseconds, saturating instead of overflowing.
pub fn duration_ms(d: &Duration) -> Millis {
    Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX)
}

/// A signed `offset` in milliseconds (0 when absent).
pub fn offset_ms(offset: &Option<Offset>) -> Millis {
    match offset {
        None => 0,
        Some(Offset::Pos(d)) => duration_ms(d),
        Some(Offset::Neg(d)) => duration_ms(d).saturating_neg(),
    }
}

/// The timestamp an `@` modifier pins evaluation to; `start()`/`end()` refer to the whole
/// query (both equal the evaluation time for an instant query).
pub fn at_ms(at: &AtModifier, start: Millis, end: Millis) -> Millis {
    match at {
        AtModifier::Start => start,
        AtModifier::End => end,
        AtModifier::At(time) => super::parse::at_time_ms(*time),
    }
}

/// The instant a selector (or subquery) reads at when evaluated at `t`: `@` first, then
/// `offset` moves it back.
pub fn reference_time(
    t: Millis,
    at: &Option<AtModifier>,
    offset: &Option<Offset>,
    start: Millis,
    end: Millis,
) -> Millis {
    let base = at.as_ref().map_or(t, |a| at_ms(a, start, end));
    base.saturating_sub(offset_ms(offset))
}

/// The number of points with `t <= bound`, searched from `hint` (a previous answer for a
/// nearby bound; 0 when there is none). Range queries move forward a little each step, so a
/// short forward scan from the hint usually answers without touching the rest of the
/// series; otherwise [`count_upto_unhinted`] does.
pub fn count_upto(points: &[Point], hint: usize, bound: Millis) -> usize {
    const SCAN: usize = 8;
    if hint > 0 && hint <= points.len() && points[hint - 1].t <= bound {
        let mut i = hint;
        let stop = (hint + SCAN).min(points.len());
        while i < stop && points[i].t <= bound {
            i += 1;
        }
        if i < stop || i == points.len() {
            return i;
        }
        return i + points[i..].partition_point(|p| p.t <= bound);
    }
    count_upto_unhinted(points, bound)
}

/// [`count_upto`] without a hint. Scrapes are evenly spaced, so the answer is close to where
/// `bound` falls between the first and last timestamps: the search starts there and widens
/// by doubling steps until it brackets the answer, which a binary search then pins down.
/// On a 48-hour series that touches a handful of points instead of the thirteen a binary
/// search over all of them would, each likely a cache miss (every instant query starts
/// this way, once per series).
fn count_upto_unhinted(points: &[Point], bound: Millis) -> usize {
    let n = points.len();
    let (Some(first), Some(last)) = (points.first(), points.last()) else { return 0 };
    if bound < first.t {
        return 0;
    }
    if bound >= last.t {
        return n;
    }
    // first.t <= bound < last.t, so n >= 2 and the guess lies in 0..n-1.
    let share = (bound as f64 - first.t as f64) / (last.t as f64 - first.t as f64);
    let guess = ((share * (n - 1) as f64) as usize).min(n - 2);
    // Bracket the answer: points[lo].t <= bound < points[hi].t.
    let (mut lo, mut hi);
    if points[guess].t <= bound {
        lo = guess;
        let mut step = 1;
        hi = (guess + step).min(n - 1);
        while points[hi].t <= bound {
            lo = hi;
            step *= 2;
            hi = (guess + step).min(n - 1);
        }
    } else {
        hi = guess;
        let mut step = 1;
        lo = guess.saturating_sub(step);
        while lo > 0 && points[lo].t > bound {
            hi = lo;
            step *= 2;
            lo = guess.saturating_sub(step);
        }
        if points[lo].t > bound {
            return 0;
        }
    }
    lo + 1 + points[lo + 1..hi].partition_point(|p| p.t <= bound)
}

/// The latest sample in `(ref_t - lookback, ref_t]`, unless that sample is a staleness marker.
/// A native histogram's placeholder is returned as found (it is the latest sample); callers
/// check [`is_histogram_placeholder`] and read the histogram from the series.
pub fn lookup_instant(points: &[Point], ref_t: Millis, lookback: Millis) -> Option<Point> {
    lookup_instant_from(points, ref_t, lookback, &mut 0)
}

/// [`lookup_instant`] with a search hint, updated to this lookup's position.
pub fn lookup_instant_from(
    points: &[Point],
    ref_t: Millis,
    lookback: Millis,
    hint: &mut usize,
) -> Option<Point> {
    let idx = count_upto(points, *hint, ref_t);
    *hint = idx;
    let p = *points.get(idx.checked_sub(1)?)?;
    if p.t <= ref_t.saturating_sub(lookback) || is_stale(p.v) {
        return None;
    }
    Some(p)
}

/// The float samples in `(from, to]`: staleness markers and native histogram placeholders
/// removed (the histograms are read from the series' side table).
pub fn window_points(points: &[Point], from: Millis, to: Millis) -> Vec<Point> {
    window_points_from(points, from, to, &mut (0, 0))
}

/// [`window_points`] with search hints for both edges, updated to this window's edges.
pub fn window_points_from(
    points: &[Point],
    from: Millis,
    to: Millis,
    hint: &mut (usize, usize),
) -> Vec<Point> {
    window_slice_from(points, from, to, hint)
        .iter()
        .filter(|p| !is_stale(p.v) && !is_histogram_placeholder(p.v))
        .copied()
        .collect()
}

/// The stored points in `(from, to]`, markers included, with search hints for both edges
/// (updated to this window's edges).
pub fn window_slice_from<'p>(
    points: &'p [Point],
    from: Millis,
    to: Millis,
    hint: &mut (usize, usize),
) -> &'p [Point] {
    let lo = count_upto(points, hint.0, from);
    let hi = count_upto(points, hint.1.max(lo), to).max(lo);
    *hint = (lo, hi);
    &points[lo..hi]
}

/// One label matcher's test, compiled with Prometheus's anchoring (`^(?s:...)$`: `.`
/// matches newlines too).
#[derive(Clone)]
enum Compiled {
    Eq(String),
    Ne(String),
    Re(Regex),
    NotRe(Regex),
}

/// A matcher ready to test label values.
#[derive(Clone)]
pub struct CompiledMatcher {
    pub name: String,
    kind: Compiled,
}

impl CompiledMatcher {
    pub fn new(m: &Matcher) -> Self {
        let kind = match &m.op {
            MatchOp::Equal => Compiled::Eq(m.value.clone()),
            MatchOp::NotEqual => Compiled::Ne(m.value.clone()),
            MatchOp::Re(parsed) => Compiled::Re(anchored(&m.value, parsed)),
            MatchOp::NotRe(parsed) => Compiled::NotRe(anchored(&m.value, parsed)),
        };
        CompiledMatcher { name: m.name.clone(), kind }
    }

    /// True for `=` and `=~` (the matchers that select rather than exclude).
    pub fn is_positive(&self) -> bool {
        matches!(self.kind, Compiled::Eq(_) | Compiled::Re(_))
    }

    /// `name=~pattern`, or None when the pattern does not compile.
    pub fn regex(name: &str, pattern: &str) -> Option<Self> {
        let re = Regex::new(&format!("^(?s:{})$", go_classes(pattern))).ok()?;
        Some(CompiledMatcher { name: name.to_string(), kind: Compiled::Re(re) })
    }

    /// `name="value"`.
    pub fn eq(name: &str, value: &str) -> Self {
        CompiledMatcher { name: name.to_string(), kind: Compiled::Eq(value.to_string()) }
    }

    /// True when the matcher accepts label value `v` ("" for an absent label).
    pub fn matches(&self, v: &str) -> bool {
        match &self.kind {
            Compiled::Eq(s) => s == v,
            Compiled::Ne(s) => s != v,
            Compiled::Re(r) => r.is_match(v),
            Compiled::NotRe(r) => !r.is_match(v),
        }
    }
}

/// Re-anchors the pattern so that `.` also matches `\n` as in Go; falls back to the parser's
/// own compiled form (which escapes Go-only `{` literals) when that fails.
fn anchored(pattern: &str, parsed: &Regex) -> Regex {
    Regex::new(&format!("^(?s:{})$", go_classes(pattern))).unwrap_or_else(|_| parsed.clone())
}

/// Selected series ids per selector node, so repeated evaluation (range queries,
/// subqueries) pays for matching once. Keyed by the node's address: the expression tree
/// is borrowed, unmoved, for the whole query.
#[derive(Default)]
pub struct SelectorCache {
    by_node: HashMap<usize, Rc<[SeriesId]>>,
    /// Per node, per selected series: where the previous lookup ended in its points.
    hints: HashMap<usize, Vec<(usize, usize)>>,
}

impl SelectorCache {
    /// The ids of the series `vs` selects, sorted by labels (the order storage queriers
    /// return series in, which fixes the order aggregations sum in). The flag is true the
    /// first time this node is resolved.
    pub fn select(&mut self, storage: &Storage, vs: &VectorSelector) -> (Rc<[SeriesId]>, bool) {
        let key = vs as *const VectorSelector as usize;
        if let Some(ids) = self.by_node.get(&key) {
            return (ids.clone(), false);
        }
        let ids: Rc<[SeriesId]> = select_series(storage, vs).into();
        self.by_node.insert(key, ids.clone());
        (ids, true)
    }

    /// The ids `vs` selected, if it was resolved (no matching is done here).
    pub fn cached(&self, vs: &VectorSelector) -> Option<Rc<[SeriesId]>> {
        self.by_node.get(&(vs as *const VectorSelector as usize)).cloned()
    }

    /// The search hints of `vs`'s series (one `(lo, hi)` pair per selected series), taken
    /// out so the caller can use them alongside the storage; give them back with
    /// [`SelectorCache::put_hints`].
    pub fn take_hints(&mut self, vs: &VectorSelector, len: usize) -> Vec<(usize, usize)> {
        let mut h = self.hints.remove(&(vs as *const VectorSelector as usize)).unwrap_or_default();
        h.resize(len, (0, 0));
        h
    }

    /// Stores `vs`'s hints for the next lookup.
    pub fn put_hints(&mut self, vs: &VectorSelector, hints: Vec<(usize, usize)>) {
        self.hints.insert(vs as *const VectorSelector as usize, hints);
    }
}

/// Resolves a selector's matchers (with `or` groups as a union) against the index.
fn select_series(storage: &Storage, vs: &VectorSelector) -> Vec<SeriesId> {
    let mut groups: Vec<Vec<&Matcher>> = Vec::new();
    if vs.matchers.or_matchers.is_empty() {
        groups.push(vs.matchers.matchers.iter().collect());
    } else {
        for g in &vs.matchers.or_matchers {
            groups.push(g.iter().chain(vs.matchers.matchers.iter()).collect());
        }
    }
    let mut ids: Vec<SeriesId> = Vec::new();
    for group in groups {
        let mut compiled: Vec<CompiledMatcher> = group.into_iter().map(CompiledMatcher::new).collect();
        if let Some(name) = &vs.name {
            compiled.push(CompiledMatcher::eq(METRIC_NAME, name));
        }
        ids.extend(select_group(storage, &compiled));
    }
    sort_by_labels(storage, &mut ids);
    ids.dedup();
    ids
}

/// Sorts series ids by their labels (ranks are distinct, so equal ids end up side by side).
fn sort_by_labels(storage: &Storage, ids: &mut [SeriesId]) {
    let ranks = storage.label_ranks();
    ids.sort_unstable_by_key(|&id| ranks[id]);
}

/// Series matching all of `matchers` (no `or` groups), sorted by labels; used where the
/// matchers are built at evaluation time rather than written in a selector.
pub fn select_matching(storage: &Storage, matchers: &[CompiledMatcher]) -> Vec<SeriesId> {
    let mut ids = select_group(storage, matchers);
    sort_by_labels(storage, &mut ids);
    ids
}

/// Series matching every matcher of one group: candidates come from the most selective
/// matcher that rejects the empty value, then the other matchers filter them (the postings
/// already passed that one's test, once per label value rather than once per series: a
/// regex such as `{__name__=~".+"}` runs over a few dozen names, not every series).
fn select_group(storage: &Storage, matchers: &[CompiledMatcher]) -> Vec<SeriesId> {
    let mut candidates: Option<(usize, Vec<SeriesId>)> = None;
    for (i, m) in matchers.iter().enumerate().filter(|(_, m)| !m.matches("")) {
        let ids = postings_for(storage, m);
        if candidates.as_ref().is_none_or(|(_, c)| ids.len() < c.len()) {
            candidates = Some((i, ids));
        }
    }
    let (tested, candidates) = match candidates {
        Some((i, ids)) => (Some(i), ids),
        None => (None, (0..storage.len()).collect()),
    };
    candidates
        .into_iter()
        .filter(|&id| {
            let labels = &storage.get(id).labels;
            matchers
                .iter()
                .enumerate()
                .all(|(i, m)| tested == Some(i) || m.matches(labels.get_or_empty(&m.name)))
        })
        .collect()
}

/// Ids of the series whose label `m.name` has a value `m` accepts.
fn postings_for(storage: &Storage, m: &CompiledMatcher) -> Vec<SeriesId> {
    if let Compiled::Eq(v) = &m.kind {
        return storage.postings(&m.name, v).to_vec();
    }
    let Some(values) = storage.label_postings(&m.name) else { return Vec::new() };
    let mut ids: Vec<SeriesId> =
        values.iter().filter(|(v, _)| m.matches(v)).flat_map(|(_, ids)| ids.iter().copied()).collect();
    ids.sort_unstable();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(ts: &[(Millis, f64)]) -> Vec<Point> {
        ts.iter().map(|&(t, v)| Point { t, v }).collect()
    }

    #[test]
    fn instant_lookup_window_and_staleness() {
        let p = pts(&[(0, 1.0), (10, 2.0), (20, super::super::value::stale_nan())]);
        let cases: &[(Millis, Millis, Option<f64>)] = &[
            (10, 5, Some(2.0)),
            (14, 5, Some(2.0)),
            (15, 5, None), // 10 <= 15 - 5: outside the left-open lookback window
            (-1, 5, None),
            (20, 100, None), // latest sample is a staleness marker
        ];
        for &(t, lb, want) in cases {
            assert_eq!(lookup_instant(&p, t, lb).map(|p| p.v), want, "t={t} lookback={lb}");
        }
    }

    #[test]
    fn hinted_search_agrees_with_binary_search() {
        let p: Vec<Point> = (0..40).map(|i| Point { t: i * 10, v: 0.0 }).collect();
        for hint in [0, 1, 5, 20, 39, 40, 99] {
            for bound in [-5, 0, 3, 10, 55, 200, 385, 390, 1000] {
                let want = p.partition_point(|x| x.t <= bound);
                assert_eq!(count_upto(&p, hint, bound), want, "hint={hint} bound={bound}");
            }
        }
    }

    /// The search from an interpolated guess finds what a binary search finds, on evenly
    /// spaced series and on series whose spacing is far from even (a gap, a burst, extreme
    /// timestamps, and repeated ones, which storage refuses but other callers' points need
    /// not).
    #[test]
    fn unhinted_search_agrees_with_binary_search() {
        let even: Vec<Millis> = (0..500).map(|i| i * 15_000).collect();
        let gap: Vec<Millis> = (0..50).map(|i| i * 10).chain((0..50).map(|i| 10_000_000 + i * 10)).collect();
        let burst: Vec<Millis> = (0..200).map(|i: i64| if i < 190 { i } else { i * 1_000_000 }).collect();
        let extremes = vec![Millis::MIN, -1, 0, Millis::MAX - 1, Millis::MAX];
        let repeats = vec![0, 0, 0, 10, 10, 20, 20, 20, 20, 30];
        let cases =
            [("even", even), ("gap", gap), ("burst", burst), ("extremes", extremes), ("repeats", repeats)];
        for (name, ts) in cases {
            let p: Vec<Point> = ts.iter().map(|&t| Point { t, v: 0.0 }).collect();
            for len in [0, 1, 2, 3, p.len()] {
                let p = &p[..len.min(p.len())];
                let mut bounds: Vec<Millis> = vec![Millis::MIN, Millis::MAX, 0, 1, 7_499, 7_500, 10_000_495];
                bounds.extend(p.iter().flat_map(|x| [x.t.saturating_sub(1), x.t, x.t.saturating_add(1)]));
                for bound in bounds {
                    let want = p.partition_point(|x| x.t <= bound);
                    assert_eq!(count_upto(p, 0, bound), want, "{name}[..{len}] bound={bound}");
                }
            }
        }
    }

    #[test]
    fn window_is_left_open_and_drops_markers() {
        let p = pts(&[(0, 1.0), (10, super::super::value::stale_nan()), (20, 3.0)]);
        let got: Vec<Millis> = window_points(&p, 0, 20).iter().map(|p| p.t).collect();
        assert_eq!(got, vec![20]);
        assert!(window_points(&p, 30, 20).is_empty());
    }
}
