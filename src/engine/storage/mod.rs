//! In-memory series store with an inverted label index: what selectors read from. Native
//! histograms are stored as Prometheus's TSDB would hand them back (`chunks.rs`).

mod chunks;
mod label_order;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::grouping::FxHashMap;
use super::histogram::FloatHistogram;
use super::labels::{Labels, METRIC_NAME};
use label_order::LabelOrder;

use super::value::{histogram_placeholder, is_histogram_placeholder, HPoint, Millis, Point};

/// Index of a series inside a [`Storage`].
pub type SeriesId = usize;

/// One stored series: labels plus samples sorted by time. Every sample has a slot in
/// `points` (staleness markers as their special NaN); a native histogram sample's slot holds
/// the histogram placeholder and the histogram itself sits in `histograms` under the same
/// timestamp. Float-only series (almost all of them) never touch the side table.
#[derive(Clone, Debug, Default)]
pub struct StoredSeries {
    pub labels: Labels,
    pub points: Vec<Point>,
    pub histograms: Vec<HPoint>,
    /// Index in `histograms` of the first histogram of the current TSDB chunk.
    hist_chunk_start: usize,
}

impl StoredSeries {
    /// The points with `from < t <= to` (left-open, as Prometheus 3 windows are).
    pub fn window(&self, from: Millis, to: Millis) -> &[Point] {
        let lo = self.points.partition_point(|p| p.t <= from);
        let hi = self.points.partition_point(|p| p.t <= to);
        &self.points[lo..hi.max(lo)]
    }

    /// The histogram stored at `t`, if the sample there is one.
    pub fn histogram_at(&self, t: Millis) -> Option<&Arc<FloatHistogram>> {
        let i = self.histograms.partition_point(|p| p.t < t);
        self.histograms.get(i).filter(|p| p.t == t).map(|p| &p.h)
    }

    /// The histogram samples with `from < t <= to`.
    pub fn histogram_window(&self, from: Millis, to: Millis) -> &[HPoint] {
        if self.histograms.is_empty() {
            return &[];
        }
        let lo = self.histograms.partition_point(|p| p.t <= from);
        let hi = self.histograms.partition_point(|p| p.t <= to);
        &self.histograms[lo..hi.max(lo)]
    }
}

/// Why a sample could not be appended.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AppendError {
    #[error("out-of-order sample for {labels} at {t} (last sample at {last})")]
    OutOfOrder { labels: String, t: Millis, last: Millis },
    #[error("duplicate sample for {labels} at {t}")]
    Duplicate { labels: String, t: Millis },
    #[error("the native histogram placeholder is not a float sample ({labels} at {t})")]
    Placeholder { labels: String, t: Millis },
}

/// The series store. Series are appended in time order; lookups go through the postings
/// index (label name → value → series ids).
#[derive(Clone, Debug, Default)]
pub struct Storage {
    series: Vec<StoredSeries>,
    /// Native histogram samples stored (most stores have none, and queries then skip the
    /// work of weighing samples by size).
    histogram_samples: usize,
    by_labels: FxHashMap<Labels, SeriesId>,
    postings: HashMap<String, HashMap<String, Vec<SeriesId>>>,
    /// Label order, worked out when a query first needs it and kept up to date after.
    label_order: OnceLock<LabelOrder>,
}

impl Storage {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The id of the series with exactly these labels, creating it if needed.
    pub fn series_id(&mut self, labels: &Labels) -> SeriesId {
        if let Some(&id) = self.by_labels.get(labels) {
            return id;
        }
        let id = self.series.len();
        for (n, v) in labels.iter() {
            // Look up before inserting: only a new name or value allocates its key (a dataset
            // has thousands of series but few distinct label pairs).
            let values = match self.postings.get_mut(n) {
                Some(values) => values,
                None => self.postings.entry(n.to_string()).or_default(),
            };
            match values.get_mut(v) {
                Some(ids) => ids.push(id),
                None => {
                    values.insert(v.to_string(), vec![id]);
                }
            }
        }
        self.series.push(StoredSeries { labels: labels.clone(), ..StoredSeries::default() });
        self.by_labels.insert(labels.clone(), id);
        if let Some(order) = self.label_order.get_mut() {
            order.push_last(&self.series);
        }
        id
    }

    /// Appends a float sample; timestamps of a series must strictly increase. The histogram
    /// placeholder is refused as a float: it only marks slots of [`Storage::append_histogram`].
    pub fn append(&mut self, id: SeriesId, t: Millis, v: f64) -> Result<(), AppendError> {
        if is_histogram_placeholder(v) {
            return Err(AppendError::Placeholder { labels: self.series[id].labels.to_string(), t });
        }
        self.push(id, t, v)
    }

    /// Appends a native histogram sample; timestamps of a series must strictly increase.
    /// The histogram is kept as Prometheus's TSDB would return it: counter reset hint as read
    /// back, bucket layout shared with its chunk.
    pub fn append_histogram(
        &mut self,
        id: SeriesId,
        t: Millis,
        h: Arc<FloatHistogram>,
    ) -> Result<(), AppendError> {
        self.push(id, t, histogram_placeholder())?;
        let s = &mut self.series[id];
        let h = chunks::store(s, Arc::unwrap_or_clone(h));
        s.histograms.push(HPoint { t, h });
        self.histogram_samples += 1;
        Ok(())
    }

    fn push(&mut self, id: SeriesId, t: Millis, v: f64) -> Result<(), AppendError> {
        let s = &mut self.series[id];
        if let Some(last) = s.points.last() {
            if t == last.t {
                return Err(AppendError::Duplicate { labels: s.labels.to_string(), t });
            }
            if t < last.t {
                return Err(AppendError::OutOfOrder { labels: s.labels.to_string(), t, last: last.t });
            }
        }
        s.points.push(Point { t, v });
        Ok(())
    }

    /// Convenience: find-or-create the series and append one sample.
    pub fn add(&mut self, labels: &Labels, t: Millis, v: f64) -> Result<(), AppendError> {
        let id = self.series_id(labels);
        self.append(id, t, v)
    }

    /// True when any series holds a native histogram sample.
    pub fn has_histograms(&self) -> bool {
        self.histogram_samples > 0
    }

    /// A stored series by id.
    pub fn get(&self, id: SeriesId) -> &StoredSeries {
        &self.series[id]
    }

    /// Where each series (by id) stands when all series are sorted by labels: selectors
    /// order what they pick by it, the order Prometheus's queriers return series in. Worked
    /// out on the first call; fetch it once per sort, not per comparison.
    pub fn label_ranks(&self) -> &[u32] {
        self.label_order.get_or_init(|| LabelOrder::of(&self.series)).ranks()
    }

    /// All series.
    pub fn all(&self) -> &[StoredSeries] {
        &self.series
    }

    /// Number of series.
    pub fn len(&self) -> usize {
        self.series.len()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// Total number of stored samples.
    pub fn sample_count(&self) -> usize {
        self.series.iter().map(|s| s.points.len()).sum()
    }

    /// Ids of the series whose `name` label equals `value` (empty if none).
    pub fn postings(&self, name: &str, value: &str) -> &[SeriesId] {
        self.postings.get(name).and_then(|m| m.get(value)).map(Vec::as_slice).unwrap_or(&[])
    }

    /// All values seen for label `name`, sorted.
    pub fn label_values(&self, name: &str) -> Vec<&str> {
        let mut v: Vec<&str> =
            self.postings.get(name).map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default();
        v.sort_unstable();
        v
    }

    /// The value → ids map of label `name`, for matchers that must scan values.
    pub fn label_postings(&self, name: &str) -> Option<&HashMap<String, Vec<SeriesId>>> {
        self.postings.get(name)
    }

    /// All label names, sorted.
    pub fn label_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.postings.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// All metric names, sorted.
    pub fn metric_names(&self) -> Vec<&str> {
        self.label_values(METRIC_NAME)
    }

    /// Earliest and latest sample timestamps, if any sample exists.
    pub fn time_bounds(&self) -> Option<(Millis, Millis)> {
        let mut it = self.series.iter().filter_map(|s| Some((s.points.first()?.t, s.points.last()?.t)));
        let first = it.next()?;
        Some(it.fold(first, |(lo, hi), (a, b)| (lo.min(a), hi.max(b))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_left_open() {
        let mut st = Storage::new();
        let l = Labels::from_pairs([("__name__", "x")]);
        for t in [0, 10, 20, 30] {
            st.add(&l, t, t as f64).unwrap();
        }
        let w: Vec<_> = st.get(0).window(10, 30).iter().map(|p| p.t).collect();
        assert_eq!(w, vec![20, 30]);
    }

    #[test]
    fn rejects_out_of_order() {
        let mut st = Storage::new();
        let l = Labels::from_pairs([("__name__", "x")]);
        st.add(&l, 10, 1.0).unwrap();
        assert!(st.add(&l, 5, 1.0).is_err());
        assert!(st.add(&l, 10, 1.0).is_err());
    }

    #[test]
    fn histograms_sit_beside_their_placeholder_slots() {
        let mut st = Storage::new();
        let l = Labels::from_pairs([("__name__", "x")]);
        let id = st.series_id(&l);
        let h = Arc::new(FloatHistogram { count: 3.0, ..FloatHistogram::default() });
        st.append(id, 0, 1.0).unwrap();
        st.append_histogram(id, 10, h.clone()).unwrap();
        st.append(id, 20, 2.0).unwrap();
        assert!(st.append(id, 30, histogram_placeholder()).is_err());
        let s = st.get(id);
        assert!(is_histogram_placeholder(s.points[1].v));
        assert_eq!(s.histogram_at(10), Some(&h));
        assert_eq!(s.histogram_at(20), None);
        assert_eq!(s.histogram_window(0, 10).len(), 1);
        assert!(s.histogram_window(10, 20).is_empty());
        assert!(st.append_histogram(id, 20, h).is_err(), "duplicate timestamp");
    }
}
