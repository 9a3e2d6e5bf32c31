//! Pack messages: reading an instructor's pack (datasets and exercises) from the files the
//! app fetched or the learner picked, and unloading one. Fetching stays in the app; the
//! engine module reads the files, checks them against what is already loaded, and registers
//! the pack's datasets and exercises.
//!
//! A pack's files arrive in rounds: the manifest lists dataset and exercise files, and the
//! dataset files name series files. The app asks [`FilesNeeded`] after each round and fetches
//! (or finds among the picked files) what it lists, then sends everything in [`LoadPack`].

use serde::{Deserialize, Serialize};

use crate::content::exercise::Exercise;
use crate::content::{ContentError, DatasetMeta};

/// Packs requests.
#[derive(Debug, Serialize, Deserialize)]
pub enum PacksRequest {
    FilesNeeded(FilesNeeded),
    Load(LoadPack),
    Unload(UnloadPack),
    ExerciseDataset(ExerciseDataset),
}

/// Where a loaded pack came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PackSource {
    /// The manifest URL (remembered across visits). Loading the same URL again replaces
    /// the pack loaded from it.
    Url(String),
    /// Files picked on this computer (they last for the visit; each pick is a new pack).
    Local,
}

impl PackSource {
    /// What to call the source in the page.
    pub fn label(&self) -> &str {
        match self {
            PackSource::Url(u) => u,
            PackSource::Local => "files picked on this computer",
        }
    }
}

/// The files a pack still needs, given its manifest text and the files at hand (path
/// relative to the manifest, text): first the manifest's dataset and exercise files, then
/// the series files those dataset files name. Empty when nothing more is needed (or the
/// manifest cannot be read: [`LoadPack`] reports why).
#[derive(Debug, Serialize, Deserialize)]
pub struct FilesNeeded {
    pub manifest: String,
    pub have: Vec<(String, String)>,
}

call!(FilesNeeded => Vec<String>, Packs(PacksRequest::FilesNeeded));

/// Reads a pack and, when every file is valid and no id clashes with the built-in content
/// or another loaded pack, registers its datasets and exercises (replacing the pack loaded
/// from the same URL, if any). On any problem nothing changes.
#[derive(Debug, Serialize, Deserialize)]
pub struct LoadPack {
    pub source: PackSource,
    /// What problems in the manifest name it by (its URL, or `pack.yaml` for picked files).
    pub manifest_name: String,
    pub manifest: String,
    /// The pack's files by path relative to the manifest.
    pub files: Vec<(String, String)>,
    /// Files that could not be fetched, and why (reported where the pack lists them).
    pub failed: Vec<(String, String)>,
}

call!(LoadPack => Result<PackView, ContentError>, Packs(PacksRequest::Load));

/// A loaded pack as the pages show it; its datasets' samples are built in the engine
/// module when a page opens one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PackView {
    /// Names the pack in [`UnloadPack`].
    pub handle: u64,
    pub source: PackSource,
    pub id: String,
    pub title: String,
    pub description: String,
    pub datasets: Vec<DatasetMeta>,
    pub exercises: Vec<Exercise>,
}

/// Forgets a loaded pack: its datasets and exercises (an unknown handle changes nothing).
#[derive(Debug, Serialize, Deserialize)]
pub struct UnloadPack {
    pub handle: u64,
}

call!(UnloadPack => (), Packs(PacksRequest::Unload));

/// The dataset exercise `id` runs on (a loaded pack's exercise or a built-in one); `None`
/// for an id no exercise has.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExerciseDataset {
    pub id: String,
}

call!(ExerciseDataset => Option<String>, Packs(PacksRequest::ExerciseDataset));
