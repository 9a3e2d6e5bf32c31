//! Datasets in the engine module: the built-in ones and those packs register, with the
//! samples of the most recently opened ones kept built.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::Host;
use crate::assist::Catalog;
use crate::content::{builtin_datasets, Dataset, DatasetMeta};
use crate::engine::{Storage, METRIC_NAME};
use crate::link::answer;
use crate::link::data::{BuiltinDatasets, DataRequest, DatasetFacts, DatasetInfo, OpenDataset};

/// How many datasets keep their samples built: switching back and forth between two stays
/// instant, and a tab never holds more than two datasets' samples.
const KEEP_BUILT: usize = 2;

/// The datasets the engine module knows.
#[derive(Default)]
pub struct Datasets {
    /// Registered by packs; they take precedence over a built-in dataset of the same id.
    registered: Vec<Dataset>,
    /// The built-in datasets, read from the embedded pack on first use.
    builtin: Option<Result<Vec<Dataset>, String>>,
    /// Built samples, most recently used last.
    built: Vec<(String, Arc<Storage>)>,
}

impl Datasets {
    /// The built-in datasets (the embedded pack is read once).
    pub fn builtin(&mut self) -> Result<&[Dataset], String> {
        let all = self.builtin.get_or_insert_with(|| builtin_datasets().map_err(|e| e.to_string()));
        all.as_deref().map_err(Clone::clone)
    }

    /// Dataset `id`: a registered one, else a built-in one.
    fn find(&mut self, id: &str) -> Result<&Dataset, String> {
        if let Some(i) = self.registered.iter().position(|d| d.meta.id == id) {
            return Ok(&self.registered[i]);
        }
        self.builtin()?.iter().find(|d| d.meta.id == id).ok_or_else(|| format!("there is no dataset {id:?}"))
    }

    /// The metadata of dataset `id` (a pack's series-file dataset is not copied for it).
    pub fn meta(&mut self, id: &str) -> Result<DatasetMeta, String> {
        self.find(id).map(|d| d.meta.clone())
    }

    /// The samples of dataset `id`, built on first use.
    pub fn storage(&mut self, id: &str) -> Result<Arc<Storage>, String> {
        if let Some(i) = self.built.iter().position(|(b, _)| b == id) {
            let entry = self.built.remove(i);
            let storage = entry.1.clone();
            self.built.push(entry);
            return Ok(storage);
        }
        let storage = Arc::new(self.find(id)?.storage().map_err(|e| e.to_string())?);
        if self.built.len() >= KEEP_BUILT {
            self.built.remove(0);
        }
        self.built.push((id.to_string(), storage.clone()));
        Ok(storage)
    }

    /// Adds (or replaces) a pack's dataset.
    pub fn register(&mut self, dataset: Dataset) {
        self.forget(&dataset.meta.id.clone());
        self.registered.push(dataset);
    }

    /// Removes a pack's dataset (a built-in one of the same id shows again).
    pub fn forget(&mut self, id: &str) {
        self.registered.retain(|d| d.meta.id != id);
        self.built.retain(|(b, _)| b != id);
    }
}

pub(super) fn handle(host: &mut Host, request: DataRequest) -> Vec<u8> {
    match request {
        DataRequest::Builtin(BuiltinDatasets) => answer::<BuiltinDatasets>(
            host.datasets.builtin().map(|all| all.iter().map(|d| d.meta.clone()).collect()),
        ),
        DataRequest::Open(c) => answer::<OpenDataset>(open(host, &c.id)),
    }
}

fn open(host: &mut Host, id: &str) -> Result<DatasetInfo, String> {
    let (meta, storage) = match host.relabeled(id) {
        Some(relabeled) => relabeled,
        None => (host.datasets.meta(id)?, host.datasets.storage(id)?),
    };
    let catalog = Catalog::from_storage(&storage).with_metadata(&meta);
    Ok(DatasetInfo { catalog, facts: facts(meta, &storage) })
}

/// The facts of built-in dataset `id` (for the file the start page embeds).
pub fn builtin_facts(id: &str) -> Result<DatasetFacts, String> {
    let mut datasets = Datasets::default();
    let meta = datasets.meta(id)?;
    let storage = datasets.storage(id)?;
    Ok(facts(meta, &storage))
}

fn facts(meta: DatasetMeta, storage: &Storage) -> DatasetFacts {
    DatasetFacts {
        series: storage.len() as u64,
        samples: storage.sample_count() as u64,
        family_series: series_per_family(&meta, storage),
        meta,
    }
}

/// Series per metric family (a histogram's `_bucket`, `_sum` and `_count` count for it).
fn series_per_family(meta: &DatasetMeta, storage: &Storage) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for name in storage.metric_names() {
        if let Some(family) = meta.metric(name) {
            *out.entry(family.name.clone()).or_default() += storage.postings(METRIC_NAME, name).len() as u64;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{roundtrip, Host};
    use super::*;

    #[test]
    fn opening_the_default_dataset_reports_what_it_holds() {
        let mut host = Host::new();
        let info = roundtrip(&mut host, OpenDataset { id: "ml-platform".into() }).unwrap().unwrap();
        let facts = &info.facts;
        assert_eq!(facts.series, facts.meta.series);
        assert!(facts.samples > 1_000_000);
        let buckets = facts.family_series["model_prediction_duration_seconds"];
        assert!(buckets > 100, "histogram family counts its _bucket/_sum/_count series: {buckets}");
        assert!(info.catalog.metrics().any(|m| m == "model_predictions_total"));
    }

    #[test]
    fn an_unknown_dataset_is_a_clear_error() {
        let err = roundtrip(&mut Host::new(), OpenDataset { id: "nope".into() }).unwrap().unwrap_err();
        assert_eq!(err, "there is no dataset \"nope\"");
    }

    #[test]
    fn builtin_datasets_are_listed() {
        let all = roundtrip(&mut Host::new(), BuiltinDatasets).unwrap().unwrap();
        assert!(all.iter().any(|d| d.id == "ml-platform") && all.iter().any(|d| d.id == "high-cardinality"));
    }
}
