//! `load_with_nhcb`: classic histograms (`x_bucket{le=...}`, `x_count`, `x_sum` series) also
//! loaded as native histograms with custom buckets under the base name `x`, one per
//! timestamp, the way Prometheus's test loader converts them (`util/convertnhcb`).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::engine::histogram::{FloatHistogram, Span, CUSTOM_BUCKETS_SCHEMA};
use crate::engine::{Labels, Millis, METRIC_NAME};

use super::notation::{SeqValue, SeriesDesc};
use super::script::{past_time_range, sample_time};

/// One classic histogram at one timestamp, collected from its series.
#[derive(Clone, Debug, Default)]
struct Classic {
    /// `(le, cumulative count)` by increasing `le`.
    buckets: Vec<(f64, f64)>,
    count: Option<f64>,
    sum: f64,
    err: Option<String>,
}

impl Classic {
    fn set_bucket(&mut self, le: f64, count: f64) {
        if self.err.is_some() {
            return;
        }
        if count < 0.0 {
            self.err = Some(format!("bucket count must be non-negative: le={le}, count={count}"));
            return;
        }
        let i = self.buckets.partition_point(|b| b.0 < le);
        if self.buckets.get(i).is_some_and(|b| b.0 == le) {
            // A duplicate sample: the first one stays.
            return;
        }
        let below = i.checked_sub(1).map(|j| self.buckets[j].1);
        let above = self.buckets.get(i).map(|b| b.1);
        if below.is_some_and(|b| count < b) || above.is_some_and(|a| count > a) {
            self.err = Some(format!("count is not cumulative at le={le}"));
            return;
        }
        self.buckets.insert(i, (le, count));
    }

    fn set_count(&mut self, count: f64) {
        if self.err.is_none() && count < 0.0 {
            self.err = Some(format!("count must be non-negative: count={count}"));
        }
        self.count = Some(count);
    }

    /// The native histogram: custom bounds from the finite `le`s, per-bucket counts from
    /// the cumulative ones, a +Inf bucket holding the count when missing. Whole counts
    /// take the integer histogram path, which keeps runs of up to two empty buckets.
    fn convert(mut self) -> Result<FloatHistogram, String> {
        if let Some(e) = self.err {
            return Err(e);
        }
        let count = match (self.count, self.buckets.last()) {
            (Some(c), _) => c,
            (None, Some(last)) => last.1,
            (None, None) => 0.0,
        };
        if self.buckets.last().is_none_or(|b| b.0 != f64::INFINITY) {
            self.buckets.push((f64::INFINITY, count));
        }
        let last = self.buckets.last().map_or(0.0, |b| b.1);
        if count != last {
            return Err(format!("count mismatch: count={count} != le=+Inf count={last}"));
        }
        let whole = self.buckets.iter().all(|b| b.1 == b.1.round()) && count == count.round();
        let mut prev = 0.0;
        let list: Vec<(i32, f64)> = self
            .buckets
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let delta = b.1 - prev;
                prev = b.1;
                (i as i32, delta)
            })
            .collect();
        let mut h = FloatHistogram {
            schema: CUSTOM_BUCKETS_SCHEMA,
            count,
            sum: self.sum,
            custom_values: self.buckets.iter().filter(|b| b.0 != f64::INFINITY).map(|b| b.0).collect(),
            positive_spans: vec![Span { offset: 0, length: list.len() as u32 }],
            positive_buckets: list.iter().map(|b| b.1).collect(),
            ..FloatHistogram::default()
        };
        h.compact(if whole { 2 } else { 0 });
        Ok(h)
    }
}

/// One converted histogram series: its samples in time order.
pub type Native = Vec<(Millis, Arc<FloatHistogram>)>;

/// The native histograms the classic ones in `series` stand for, by labels, each with its
/// samples in time order; or the first conversion error.
pub fn convert(series: &[SeriesDesc], step: Millis) -> Result<Vec<(Labels, Native)>, String> {
    let mut by_base: BTreeMap<Labels, BTreeMap<Millis, Classic>> = BTreeMap::new();
    for desc in series {
        let Some(name) = desc.labels.metric_name() else { continue };
        let (base, kind) = if let Some(b) = name.strip_suffix("_bucket") {
            let Some(le) = desc.labels.get("le").and_then(|v| v.parse::<f64>().ok()).filter(|v| !v.is_nan())
            else {
                continue;
            };
            (b, Some(le))
        } else if let Some(b) = name.strip_suffix("_count") {
            (b, None)
        } else if let Some(b) = name.strip_suffix("_sum") {
            (b, Some(f64::NAN))
        } else {
            continue;
        };
        let mut labels = desc.labels.clone();
        labels.set(METRIC_NAME, base);
        labels.remove("le");
        let at = by_base.entry(labels).or_default();
        for (i, v) in desc.values.iter().enumerate() {
            let SeqValue::Float(f) = v else { continue };
            let t = sample_time(step, i).ok_or_else(|| past_time_range(&desc.labels, i))?;
            let c = at.entry(t).or_default();
            match kind {
                Some(le) if le.is_nan() => c.sum = *f,
                Some(le) => c.set_bucket(le, *f),
                None => c.set_count(*f),
            }
        }
    }
    by_base
        .into_iter()
        .map(|(labels, at)| {
            let samples = at
                .into_iter()
                .map(|(t, c)| c.convert().map(|h| (t, Arc::new(h))))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((labels, samples))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promqltest::notation::parse_series_line;

    fn series(lines: &[&str]) -> Vec<SeriesDesc> {
        lines.iter().map(|l| parse_series_line(l).unwrap()).collect()
    }

    #[test]
    fn converts_classic_to_custom_buckets() {
        let s = series(&[
            r#"x_bucket{le="0.1", job="a"} 1 2"#,
            r#"x_bucket{le="+Inf", job="a"} 4 6"#,
            r#"x_bucket{le="0.5", job="a"} 3 3"#,
            r#"x_sum{job="a"} 10 20"#,
            r#"x_count{job="a"} 4 6"#,
        ]);
        let got = convert(&s, 60_000).unwrap();
        assert_eq!(got.len(), 1);
        let (labels, samples) = &got[0];
        assert_eq!(labels.to_string(), r#"x{job="a"}"#);
        let h = &samples[1].1;
        assert_eq!(samples[1].0, 60_000);
        assert_eq!((h.count, h.sum, h.custom_values.clone()), (6.0, 20.0, vec![0.1, 0.5]));
        assert_eq!(h.positive(), vec![(0, 2.0), (1, 1.0), (2, 3.0)]);
        assert!(h.validate().is_ok());
    }

    #[test]
    fn whole_counts_keep_short_empty_runs_and_errors_surface() {
        let s = series(&[r#"y_bucket{le="1"} 1"#, r#"y_bucket{le="2"} 1"#, r#"y_bucket{le="+Inf"} 3"#]);
        let h = convert(&s, 1000).unwrap()[0].1[0].1.clone();
        assert_eq!(h.positive(), vec![(0, 1.0), (1, 0.0), (2, 2.0)]);
        let bad = series(&[r#"z_bucket{le="1"} 5"#, r#"z_bucket{le="+Inf"} 3"#]);
        assert!(convert(&bad, 1000).is_err());
        // A count without buckets is a histogram with one +Inf bucket.
        let only_count = series(&["w_count 2.5"]);
        let h = convert(&only_count, 1000).unwrap()[0].1[0].1.clone();
        assert_eq!((h.count, h.positive()), (2.5, vec![(0, 2.5)]));
    }
}
