//! Deterministic curve shapes for generated metrics: the daily traffic cycle and the latency
//! distribution. Rational and polynomial functions only (see `prng.rs` for why).

use serde::Deserialize;

/// The daily cycle of traffic: a smooth bump peaking at `peak_hour` (UTC) on top of a
/// `trough` floor, as a fraction of peak traffic.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Daily {
    /// Hour of day (UTC, 0-24) at which traffic peaks.
    pub peak_hour: f64,
    /// Half-width of the bump in hours: traffic is at its floor further than this from the peak.
    pub width_hours: f64,
    /// Traffic at night as a fraction of the peak (0-1).
    pub trough: f64,
}

impl Daily {
    /// Problems with the numbers, if any.
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..24.0).contains(&self.peak_hour) {
            return Err("daily.peak_hour must be in [0, 24)".into());
        }
        if !(self.width_hours > 0.0 && self.width_hours <= 12.0) {
            return Err("daily.width_hours must be in (0, 12]".into());
        }
        if !(0.0..=1.0).contains(&self.trough) {
            return Err("daily.trough must be in [0, 1]".into());
        }
        Ok(())
    }

    /// How busy the hour is, 0 at night and 1 at the peak: `(1 - x²)²` over the bump.
    pub fn busy(&self, hour_of_day: f64) -> f64 {
        let mut d = hour_of_day - self.peak_hour;
        if d > 12.0 {
            d -= 24.0;
        } else if d < -12.0 {
            d += 24.0;
        }
        let x = d / self.width_hours;
        if x.abs() >= 1.0 {
            0.0
        } else {
            let y = 1.0 - x * x;
            y * y
        }
    }

    /// Traffic as a fraction of the peak: between `trough` and 1.
    pub fn load(&self, hour_of_day: f64) -> f64 {
        self.trough + (1.0 - self.trough) * self.busy(hour_of_day)
    }
}

/// Mean over median of the log-logistic latency distribution with shape 4:
/// `(π/4) / sin(π/4)`, written out so no trigonometry runs at generation time.
pub const MEAN_OVER_MEDIAN: f64 = 1.110_720_734_539_591_5;

/// The fraction of requests faster than `x` seconds when the median is `median`: the
/// log-logistic CDF with shape 4, `1 / (1 + (median/x)^4)`. Its p95 is about 2.09 × median.
pub fn latency_cdf(x: f64, median: f64) -> f64 {
    if x.is_infinite() && x > 0.0 {
        return 1.0;
    }
    if x <= 0.0 {
        return 0.0;
    }
    let r = median / x;
    let r2 = r * r;
    1.0 / (1.0 + r2 * r2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_cycle() {
        let d = Daily { peak_hour: 15.0, width_hours: 7.0, trough: 0.4 };
        for (h, want) in [(15.0, 1.0), (3.0, 0.4), (8.0, 0.4), (22.0, 0.4)] {
            assert_eq!(d.load(h), want, "hour {h}");
        }
        assert!(d.load(12.0) > 0.7 && d.load(12.0) < 1.0);
        // Never halves within an hour (so only the documented drop trips a traffic alert).
        for i in 0..24 * 60 {
            let h = i as f64 / 60.0;
            assert!(d.load((h + 1.0) % 24.0) / d.load(h) > 0.6, "at {h}");
        }
    }

    #[test]
    fn latency_distribution() {
        assert_eq!(latency_cdf(0.1, 0.1), 0.5);
        assert_eq!(latency_cdf(f64::INFINITY, 0.1), 1.0);
        let p95 = 0.1 * 2.087_798_965_2;
        assert!((latency_cdf(p95, 0.1) - 0.95).abs() < 1e-6);
    }
}
