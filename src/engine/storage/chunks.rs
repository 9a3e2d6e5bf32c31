//! What Prometheus's TSDB does to a native histogram on the way in and out, so that queries
//! see histograms as they would read them back from Prometheus: consecutive histograms of a
//! series share a chunk while they are "appendable" (same schema, zero threshold and custom
//! bounds, no counter reset, counter and gauge kept apart), histograms of one chunk share a
//! bucket layout (missing buckets become empty ones), and the counter reset hint read back
//! is "gauge" in a gauge chunk, "not reset" after the first sample of a counter chunk and
//! "unknown" for a chunk's first sample. Chunks are not cut by size here: Prometheus also
//! starts new chunks every ~1 KiB or two hours, which this store does not model.

use std::sync::Arc;

use super::StoredSeries;
use crate::engine::histogram::arith::buckets_decreased;
use crate::engine::histogram::{CounterResetHint, FloatHistogram, Indexed};
use crate::engine::value::{is_histogram_placeholder, is_stale};

/// Prepares histogram `h`, appended at the end of `s` (whose placeholder slot is already
/// pushed), as the TSDB stores it; may widen the layout of the earlier histograms of its
/// chunk. Returns the histogram to store.
pub(super) fn store(s: &mut StoredSeries, mut h: FloatHistogram) -> Arc<FloatHistogram> {
    let prev_is_histogram = s.points.len() >= 2 && is_histogram_placeholder(s.points[s.points.len() - 2].v);
    let prev = if prev_is_histogram { s.histograms.last().map(|p| p.h.clone()) } else { None };
    let gauge = h.counter_reset_hint == CounterResetHint::Gauge;
    let continues =
        prev.as_deref()
            .is_some_and(|p| if gauge { gauge_appendable(p, &h) } else { counter_appendable(p, &h) });
    h.counter_reset_hint = match (gauge, continues) {
        (true, _) => CounterResetHint::Gauge,
        (false, true) => CounterResetHint::NotCounterReset,
        (false, false) => CounterResetHint::Unknown,
    };
    if !continues {
        s.hist_chunk_start = s.histograms.len();
        return Arc::new(h);
    }
    if let Some(p) = prev.filter(|_| !is_stale(h.sum)) {
        let (pos, neg) = (union(&p.positive(), &h.positive()), union(&p.negative(), &h.negative()));
        // New buckets widen the whole chunk, as Prometheus recodes it.
        if pos.len() != p.positive_buckets.len() || neg.len() != p.negative_buckets.len() {
            for earlier in &mut s.histograms[s.hist_chunk_start..] {
                if is_stale(earlier.h.sum) {
                    continue;
                }
                let e = Arc::make_mut(&mut earlier.h);
                let (ep, en) = (widen(&e.positive(), &pos), widen(&e.negative(), &neg));
                e.set_positive(&ep);
                e.set_negative(&en);
            }
        }
        let (hp, hn) = (widen(&h.positive(), &pos), widen(&h.negative(), &neg));
        h.set_positive(&hp);
        h.set_negative(&hn);
    }
    Arc::new(h)
}

/// Whether counter histogram `h` continues the chunk `prev` ends (Prometheus's
/// `FloatHistogramAppender.appendable`): no counter reset, same layout parameters.
fn counter_appendable(prev: &FloatHistogram, h: &FloatHistogram) -> bool {
    if prev.counter_reset_hint == CounterResetHint::Gauge
        || h.counter_reset_hint == CounterResetHint::CounterReset
    {
        return false;
    }
    if is_stale(h.sum) {
        return true;
    }
    if is_stale(prev.sum) || h.count < prev.count {
        return false;
    }
    if h.schema != prev.schema || h.zero_threshold != prev.zero_threshold {
        return false;
    }
    if h.uses_custom_buckets() && h.custom_values != prev.custom_values {
        return false;
    }
    h.zero_count >= prev.zero_count
        && !buckets_decreased(&h.positive(), &prev.positive())
        && !buckets_decreased(&h.negative(), &prev.negative())
}

/// Whether gauge histogram `h` continues the gauge chunk `prev` ends (`appendableGauge`).
fn gauge_appendable(prev: &FloatHistogram, h: &FloatHistogram) -> bool {
    if prev.counter_reset_hint != CounterResetHint::Gauge {
        return false;
    }
    if is_stale(h.sum) {
        return true;
    }
    !is_stale(prev.sum)
        && h.schema == prev.schema
        && h.zero_threshold == prev.zero_threshold
        && (!h.uses_custom_buckets() || h.custom_values == prev.custom_values)
}

/// The indexes of both layouts (counts do not matter here).
fn union(a: &[(i32, f64)], b: &[(i32, f64)]) -> Vec<i32> {
    let mut idx: Vec<i32> = a.iter().chain(b).map(|x| x.0).collect();
    idx.sort_unstable();
    idx.dedup();
    idx
}

/// `list` laid out on `layout` (a superset of its indexes), the new buckets empty.
fn widen(list: &[(i32, f64)], layout: &[i32]) -> Indexed {
    let mut it = list.iter().peekable();
    layout.iter().map(|&i| (i, it.next_if(|b| b.0 == i).map_or(0.0, |b| b.1))).collect()
}

#[cfg(test)]
mod tests {
    use super::super::Storage;
    use super::*;
    use crate::engine::histogram::Span;
    use crate::engine::Labels;

    fn h(count: f64, buckets: &[(i32, f64)], hint: CounterResetHint) -> Arc<FloatHistogram> {
        let mut h = FloatHistogram { count, counter_reset_hint: hint, ..FloatHistogram::default() };
        h.set_positive(buckets);
        Arc::new(h)
    }

    fn hints(st: &Storage) -> Vec<CounterResetHint> {
        st.get(0).histograms.iter().map(|p| p.h.counter_reset_hint).collect()
    }

    #[test]
    fn hints_as_read_back() {
        use CounterResetHint::*;
        let mut st = Storage::new();
        let id = st.series_id(&Labels::from_pairs([("__name__", "x")]));
        st.append_histogram(id, 0, h(1.0, &[(0, 1.0)], NotCounterReset)).unwrap();
        st.append_histogram(id, 1, h(2.0, &[(0, 2.0)], Unknown)).unwrap();
        // A lower count is a counter reset: a new chunk, whose first sample reads "unknown".
        st.append_histogram(id, 2, h(1.0, &[(0, 1.0)], Unknown)).unwrap();
        st.append_histogram(id, 3, h(1.0, &[(0, 1.0)], Gauge)).unwrap();
        st.append(id, 4, 5.0).unwrap();
        st.append_histogram(id, 5, h(3.0, &[(0, 3.0)], Unknown)).unwrap();
        assert_eq!(hints(&st), vec![Unknown, NotCounterReset, Unknown, Gauge, Unknown]);
    }

    #[test]
    fn a_chunk_shares_one_layout() {
        let mut st = Storage::new();
        let id = st.series_id(&Labels::from_pairs([("__name__", "x")]));
        st.append_histogram(id, 0, h(1.0, &[(0, 1.0), (1, 0.0)], CounterResetHint::Unknown)).unwrap();
        st.append_histogram(id, 1, h(3.0, &[(0, 1.0), (5, 2.0)], CounterResetHint::Unknown)).unwrap();
        let layouts: Vec<Vec<Span>> =
            st.get(0).histograms.iter().map(|p| p.h.positive_spans.clone()).collect();
        let want = vec![Span { offset: 0, length: 2 }, Span { offset: 3, length: 1 }];
        assert_eq!(layouts, vec![want.clone(), want]);
        assert_eq!(st.get(0).histograms[0].h.positive(), vec![(0, 1.0), (1, 0.0), (5, 0.0)]);
    }
}
