//! Remote mode in the app: the playground's data source can be a Prometheus-compatible API
//! instead of a built-in or pack dataset. This holds the connection (the checked
//! [`Source`] and the server's version), connects (build info, or a cheap query for servers
//! without it), and loads the editor's completion catalogue once per source and visit. The
//! answers' JSON is read in the engine module (`link::remote`).
//!
//! Credentials live in this tab's session storage only (never the URL, never local
//! storage); a shared link carries the source's address alone.

pub mod auth;
pub mod fetch;
mod picker;
mod record;
mod tools;
mod window;

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::assist::Catalog;
use crate::link::remote::{BuildCatalog, Fetched, ReadBuildInfo, ReadNames};
use crate::remote::Source;

use super::engine_link;

pub use picker::SourcePicker;
pub use tools::{fetch_raw, RemoteTools};
pub use window::RuleWindowPanel;

/// Most label names whose values the completion catalogue asks for.
const MAX_CATALOG_LABELS: usize = 60;

/// A connected remote source.
pub struct Connection {
    pub source: Source,
    /// What the server says it is (`2.42.0`).
    pub version: String,
}

/// Where connecting stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Idle,
    Connecting,
    Failed(String),
}

/// The playground's remote state (provided by the playground, read by its editor and tools).
#[derive(Clone, Copy)]
pub struct RemoteState {
    /// The connected source; None while the playground reads a built-in or pack dataset.
    pub active: RwSignal<Option<Arc<Connection>>>,
    /// The connected source's completion catalogue, once loaded.
    pub catalog: RwSignal<Option<Arc<Catalog>>>,
    pub status: RwSignal<Status>,
    /// The picker shows the URL form (a URL is chosen, connected or not).
    pub url_mode: RwSignal<bool>,
    /// Whether connecting loads the editor's completion catalogue (the rules labs, which
    /// only fetch raw series, do without).
    wants_catalog: bool,
}

thread_local! {
    /// Catalogues by base address: fetched once per source and visit.
    static CATALOGS: RefCell<HashMap<String, Arc<Catalog>>> = RefCell::new(HashMap::new());
}

/// Provides a fresh remote state to the components below (the playground calls this).
pub fn provide_remote() -> RemoteState {
    provide(true)
}

/// Provides a fresh remote state that connects without loading the completion catalogue
/// (the rules labs: they fetch the raw series their rules read, nothing else).
pub fn provide_remote_for_rules() -> RemoteState {
    provide(false)
}

fn provide(wants_catalog: bool) -> RemoteState {
    let state = RemoteState {
        active: RwSignal::new(None),
        catalog: RwSignal::new(None),
        status: RwSignal::new(Status::Idle),
        url_mode: RwSignal::new(false),
        wants_catalog,
    };
    provide_context(state);
    state
}

/// The remote state, where a playground provides one.
pub fn use_remote() -> Option<RemoteState> {
    use_context::<RemoteState>()
}

impl RemoteState {
    /// Back to the built-in or pack datasets.
    pub fn disconnect(self) {
        self.url_mode.set(false);
        self.active.set(None);
        self.catalog.set(None);
        self.status.set(Status::Idle);
    }

    /// Checks `url` with the credentials of `auth` and, when the server answers as a
    /// Prometheus API, makes it the playground's source.
    pub fn connect(self, url: String, auth: auth::Auth) {
        let source = match auth.headers().and_then(|h| Source::new(&url, h).map_err(|e| e.to_string())) {
            Ok(s) => s,
            Err(e) => {
                self.status.set(Status::Failed(e));
                return;
            }
        };
        self.status.set(Status::Connecting);
        spawn_local(async move {
            match version(&source).await {
                Ok(version) => {
                    auth.save();
                    self.status.set(Status::Idle);
                    self.catalog.set(None);
                    self.active.set(Some(Arc::new(Connection { source: source.clone(), version })));
                    if self.wants_catalog {
                        self.load_catalog(source).await;
                    }
                }
                Err(e) => self.status.set(Status::Failed(e)),
            }
        });
    }

    /// Loads the completion catalogue of `source` (cached for the visit).
    async fn load_catalog(self, source: Source) {
        let key = source.base().to_string();
        let cached = CATALOGS.with(|c| c.borrow().get(&key).cloned());
        let catalog = match cached {
            Some(c) => c,
            None => {
                let Ok(c) = fetch_catalog(&source).await else { return };
                let c = Arc::new(c);
                CATALOGS.with(|m| m.borrow_mut().insert(key.clone(), c.clone()));
                c
            }
        };
        // Only for the source still connected.
        if self.active.with_untracked(|a| a.as_ref().is_some_and(|a| a.source.base() == key)) {
            self.catalog.set(Some(catalog));
        }
    }
}

/// GETs an endpoint of `source`.
pub async fn get(source: &Source, endpoint: &str, params: &[(&str, String)]) -> Result<Fetched, String> {
    fetch::get(source, &source.url(endpoint, params)).await.map_err(|e| e.to_string())
}

/// The server's version from its build info; a server without that endpoint (Thanos,
/// Mimir) is checked with a one-number query instead.
async fn version(source: &Source) -> Result<String, String> {
    let url = source.url("status/buildinfo", &[]);
    let answer = fetch::get(source, &url).await.map_err(|e| e.to_string())?;
    match engine_link::ask(ReadBuildInfo { answer }).await? {
        Ok(v) => Ok(v),
        Err(e) if e.contains("answered 404") => {
            let answer = get(source, "query", &[("query", "1".to_string())]).await?;
            engine_link::ask(ReadNames { answer }).await?.map(|_| ()).or_else(|e| {
                // A query answers an object, not a list: only a failure to read the
                // envelope itself means this is not an API.
                if e.contains("not a list") {
                    Ok(())
                } else {
                    Err(e)
                }
            })?;
            Ok("unknown version (no build info)".into())
        }
        Err(e) => Err(e),
    }
}

/// A names endpoint's list.
async fn names(source: &Source, endpoint: &str) -> Result<Vec<String>, String> {
    let answer = get(source, endpoint, &[]).await?;
    engine_link::ask(ReadNames { answer }).await?
}

async fn fetch_catalog(source: &Source) -> Result<Catalog, String> {
    let metrics = names(source, "label/__name__/values").await?;
    let labels = names(source, "labels").await.unwrap_or_default();
    let mut values = Vec::new();
    for label in labels.into_iter().filter(|l| l != "__name__").take(MAX_CATALOG_LABELS) {
        let endpoint = format!("label/{}/values", crate::remote::api::url_encode(&label));
        if let Ok(v) = names(source, &endpoint).await {
            values.push((label, v));
        }
    }
    let metadata = get(source, "metadata", &[]).await.ok();
    engine_link::ask(BuildCatalog { metrics, values, metadata }).await
}
