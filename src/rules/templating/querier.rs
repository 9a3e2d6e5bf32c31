//! A [`TemplateQuerier`] over the engine: `query "..."` runs an instant query on a storage at
//! the evaluation time, with Prometheus's rule query function's conversion (a scalar becomes
//! one sample without labels; strings and matrices are refused).

use crate::engine::{instant_query, EngineOptions, Labels, Millis, Storage, Value};

use super::TemplateQuerier;

/// Queries `storage` at `time`.
pub struct EngineQuerier<'a> {
    pub storage: &'a Storage,
    pub time: Millis,
    pub options: &'a EngineOptions,
    /// `--web.external-url` for `externalURL`/`pathPrefix` (`None`: promtool's nil URL).
    pub external_url: Option<&'a str>,
}

impl TemplateQuerier for EngineQuerier<'_> {
    fn query(&self, expr: &str) -> Result<Vec<(Labels, f64)>, String> {
        let out = instant_query(self.storage, expr, self.time, self.options).map_err(|e| e.to_string())?;
        match out.value {
            Value::Vector(samples) => Ok(samples.into_iter().map(|s| (s.labels, s.v)).collect()),
            Value::Scalar { v, .. } => Ok(vec![(Labels::empty(), v)]),
            _ => Err("rule result is not a vector or scalar".into()),
        }
    }

    fn external_url(&self) -> Option<&str> {
        self.external_url
    }

    fn eval_time_ms(&self) -> Option<i64> {
        Some(self.time)
    }
}
