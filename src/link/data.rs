//! Dataset messages: the datasets there are, and opening one (building its samples).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::assist::Catalog;
use crate::content::DatasetMeta;

/// Dataset requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum DataRequest {
    Builtin(BuiltinDatasets),
    Open(OpenDataset),
}

/// The built-in datasets' metadata, in catalogue order.
#[derive(Debug, Serialize, Deserialize)]
pub struct BuiltinDatasets;

call!(BuiltinDatasets => Result<Vec<DatasetMeta>, String>, Data(DataRequest::Builtin));

/// Makes dataset `id` (built-in, or registered by a loaded pack) ready to query, building
/// its samples unless they are built already.
#[derive(Debug, Serialize, Deserialize)]
pub struct OpenDataset {
    pub id: String,
}

call!(OpenDataset => Result<DatasetInfo, String>, Data(DataRequest::Open));

/// What the pages show about an open dataset.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DatasetInfo {
    pub facts: DatasetFacts,
    /// The names the editor completes.
    pub catalog: Catalog,
}

/// What a dataset holds, as the start page's overview shows it. The default dataset's facts
/// are also committed as `src/ui/default_dataset.json` (kept current by
/// tests/generated_files.rs), so the start page shows them without the engine module.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetFacts {
    pub meta: DatasetMeta,
    /// Series and samples actually stored.
    pub series: u64,
    pub samples: u64,
    /// Series per metric family of `meta.metrics` (a histogram's `_bucket`, `_sum` and
    /// `_count` series count for the family).
    pub family_series: BTreeMap<String, u64>,
}
