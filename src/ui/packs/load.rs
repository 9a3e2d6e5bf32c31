//! Getting a pack's files to the engine module: fetched from the manifest's URL in rounds
//! (the manifest, then the files it lists, then the series files those name), or gathered
//! from the files picked on this computer, then read and checked there (`LoadPack`).

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::content::loader::{check_response, resolve_url};
use crate::content::pack::MANIFEST_FILE;
use crate::content::ContentError;
use crate::link::packs::{FilesNeeded, LoadPack, PackSource, PackView};

use super::super::{browser, engine_link};
use super::fetch::fetch_text;
use super::source::gather_picked;
use super::state::Packs;

/// Most files one pack may list (manifest entries plus the series files they name).
const MAX_FILES: usize = 200;

impl Packs {
    /// Fetches a pack's manifest and files, then has the engine module read and check it.
    pub(super) async fn fetch_pack(self, url: &str) -> Result<PackView, ContentError> {
        let at_url = |e: String| ContentError::at(url, 0, e);
        let manifest = fetch_checked(url).await?;
        // Only a pack that exists loads the engine module.
        engine_link::ready().await.map_err(at_url)?;
        let mut files = Fetched::default();
        // Round one fetches the manifest's files, round two the series files they name.
        for _ in 0..4 {
            let have = files.ok.iter().map(|(p, t)| (p.clone(), t.clone())).collect();
            let needed: Vec<String> = engine_link::ask(FilesNeeded { manifest: manifest.clone(), have })
                .await
                .map_err(at_url)?
                .into_iter()
                .filter(|p| !files.failed.contains_key(p))
                .collect();
            if needed.is_empty() {
                break;
            }
            if files.ok.len() + files.failed.len() + needed.len() > MAX_FILES {
                return Err(at_url(format!("the pack lists more than {MAX_FILES} files")));
            }
            for (i, path) in needed.iter().enumerate() {
                self.progress.set(Some(format!("Fetching {path} ({} of {})\u{2026}", i + 1, needed.len())));
                match fetch_checked(&resolve_url(url, path)).await {
                    Ok(text) => files.ok.insert(path.clone(), text),
                    Err(e) => files.failed.insert(path.clone(), reason(&e)),
                };
            }
        }
        self.progress.set(Some("Checking the pack\u{2026}".into()));
        browser::next_paint().await;
        engine_link::ask(LoadPack {
            source: PackSource::Url(url.to_string()),
            manifest_name: url.to_string(),
            manifest,
            files: files.ok.into_iter().collect(),
            failed: files.failed.into_iter().collect(),
        })
        .await
        .map_err(at_url)?
    }

    /// Has the engine module read the pack made of files picked on this computer.
    pub(super) async fn picked_pack(self, picked: &[(String, String)]) -> Result<PackView, ContentError> {
        let at_picked = |e: String| ContentError::at("picked files", 0, e);
        engine_link::ready().await.map_err(at_picked)?;
        let (manifest, files) = gather_picked(picked, |manifest, have| engine_link::ask(FilesNeeded { manifest, have }))
            .await
            .map_err(at_picked)?;
        engine_link::ask(LoadPack {
            source: PackSource::Local,
            manifest_name: MANIFEST_FILE.to_string(),
            manifest,
            files: files.0.into_iter().collect(),
            failed: Vec::new(),
        })
        .await
        .map_err(at_picked)?
    }
}

/// Fetched files, and why the others could not be fetched (the engine module reports it
/// where the pack lists them).
#[derive(Default)]
struct Fetched {
    ok: BTreeMap<String, String>,
    failed: BTreeMap<String, String>,
}

/// Fetches `url` and checks the response is a pack file.
async fn fetch_checked(url: &str) -> Result<String, ContentError> {
    let fetched = fetch_text(url).await.map_err(|e| ContentError::at(url, 0, e))?;
    check_response(url, fetched.status, &fetched.body)?;
    Ok(fetched.body)
}

/// The message of an error about one file (its URL is named by the problem around it).
fn reason(e: &ContentError) -> String {
    e.problems.iter().map(|p| p.message.clone()).collect::<Vec<_>>().join("; ")
}
