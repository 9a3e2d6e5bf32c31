//! The loaded packs, shared through context: the list, what is loading, what failed. Loads
//! run one at a time in the order asked (startup: the remembered URLs, then `?pack=`); a
//! pack that fails never replaces or removes anything already there.

use std::collections::VecDeque;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::content::builtin::DEFAULT_DATASET;
use crate::content::exercise::Exercise;
use crate::content::{ContentError, DatasetMeta};
use crate::link::packs::{PackSource, PackView, UnloadPack};

use super::super::browser;
use super::super::data::{peek_data, DataState, DataSwitch};
use super::super::engine_link;
use super::source::{pack_url, remember, remembered, to_json, STORAGE_KEY};

/// A load that failed: what was asked for, and every problem found.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub source: String,
    pub problems: Vec<String>,
}

/// A load to run.
enum Job {
    Url { raw: String, remember: bool },
    Picked(Vec<(String, String)>),
}

/// The pack state every page shares.
#[derive(Clone, Copy)]
pub struct Packs {
    pub loaded: RwSignal<Vec<Arc<PackView>>>,
    /// What is being loaded right now (`None`: nothing).
    pub progress: RwSignal<Option<String>>,
    pub failures: RwSignal<Vec<Failure>>,
    /// The exercises of every loaded pack (changes only when that list does).
    pub exercises: Memo<Vec<Exercise>>,
    queue: StoredValue<VecDeque<Job>>,
    pub(super) busy: StoredValue<bool>,
    /// The dataset pages work on, and the means to replace it (see `switch`).
    pub(super) data: ReadSignal<DataState>,
    pub(super) set_data: Option<DataSwitch>,
    /// The built-in datasets' metadata, asked of the engine module once (see `switch`).
    pub(super) builtin: RwSignal<Option<Vec<DatasetMeta>>>,
    pub(super) builtin_asked: StoredValue<bool>,
}

impl Packs {
    /// Loads the pack whose manifest is at `raw` (absolute, or relative to the site).
    pub fn load_url(self, raw: &str) {
        self.enqueue(Job::Url { raw: raw.to_string(), remember: true });
    }

    /// Loads a pack from files picked on this computer.
    pub fn load_picked(self, files: Vec<(String, String)>) {
        self.enqueue(Job::Picked(files));
    }

    /// Removes a loaded pack (and forgets its URL); if its dataset is in use, the built-in
    /// one takes its place.
    pub fn remove(self, index: usize) {
        let mut gone = None;
        self.loaded.update(|l| {
            if index < l.len() {
                gone = Some(l.remove(index));
            }
        });
        let Some(gone) = gone else { return };
        if gone.datasets.iter().any(|d| Some(&d.id) == self.active_id().as_ref()) {
            self.activate(DEFAULT_DATASET);
        }
        // A loaded pack means the engine module is loaded; a failure here means it broke.
        let label = gone.source.label().to_string();
        engine_link::send(UnloadPack { handle: gone.handle }, move |reply| {
            if let Err(e) = reply {
                self.failures.update(|f| f.push(Failure { source: label, problems: vec![e] }));
            }
        });
        if let PackSource::Url(u) = &gone.source {
            self.forget(u);
        }
    }

    /// Whether `url` is among the pack URLs restored on every visit.
    pub fn is_remembered(self, url: &str) -> bool {
        remembered(browser::stored(STORAGE_KEY).as_deref()).iter().any(|u| u == url)
    }

    /// Hides a load error; a remembered pack that failed is forgotten too, so a pack that
    /// has gone away does not fail again on every visit.
    pub fn dismiss(self, index: usize) {
        let mut gone = None;
        self.failures.update(|l| {
            if index < l.len() {
                gone = Some(l.remove(index));
            }
        });
        if let Some(f) = gone.filter(|f| self.is_remembered(&f.source)) {
            self.forget(&f.source);
        }
    }

    fn forget(self, url: &str) {
        let mut list = remembered(browser::stored(STORAGE_KEY).as_deref());
        list.retain(|x| x != url);
        browser::store(STORAGE_KEY, &to_json(&list));
    }

    /// A loaded pack's dataset by id.
    pub(super) fn dataset(self, id: &str) -> Option<DatasetMeta> {
        self.loaded.with_untracked(|l| l.iter().flat_map(|p| &p.datasets).find(|d| d.id == id).cloned())
    }

    fn enqueue(self, job: Job) {
        self.queue.update_value(|q| q.push_back(job));
        if !self.busy.get_value() {
            self.busy.set_value(true);
            spawn_local(self.run_queue());
        }
    }

    /// Runs queued loads one after the other until none is left.
    async fn run_queue(self) {
        while let Some(job) = self.queue.try_update_value(VecDeque::pop_front).flatten() {
            self.progress.set(Some(job.describe()));
            match self.run(job).await {
                Ok(entry) => {
                    let entry = Arc::new(entry);
                    self.failures.update(|f| f.retain(|x| x.source != entry.source.label()));
                    self.loaded.update(|l| {
                        let same =
                            l.iter().position(|p| p.source == entry.source && p.source != PackSource::Local);
                        match same {
                            Some(i) => l[i] = entry,
                            None => l.push(entry),
                        }
                    });
                }
                Err((source, e)) => self.failures.update(|f| {
                    f.retain(|x| x.source != source);
                    f.push(Failure { source, problems: e.problems.iter().map(|p| p.to_string()).collect() });
                }),
            }
        }
        self.busy.set_value(false);
        self.progress.set(None);
    }

    async fn run(self, job: Job) -> Result<PackView, (String, ContentError)> {
        match job {
            Job::Picked(files) => {
                browser::next_paint().await;
                self.picked_pack(&files).await.map_err(|e| (PackSource::Local.label().to_string(), e))
            }
            Job::Url { raw, remember: keep } => {
                let page =
                    web_sys::window().and_then(|w| w.document()).and_then(|d| d.base_uri().ok().flatten());
                let url = pack_url(&raw, page.as_deref().unwrap_or_default())
                    .map_err(|e| (raw.clone(), ContentError::at("pack URL", 0, e)))?;
                let entry = self.fetch_pack(&url).await.map_err(|e| (url.clone(), e))?;
                if keep {
                    let list = remember(remembered(browser::stored(STORAGE_KEY).as_deref()), &url);
                    browser::store(STORAGE_KEY, &to_json(&list));
                }
                Ok(entry)
            }
        }
    }
}

impl Job {
    fn describe(&self) -> String {
        match self {
            Job::Url { raw, .. } => format!("Loading the pack {raw}\u{2026}"),
            Job::Picked(_) => "Loading the picked files\u{2026}".into(),
        }
    }
}

/// Provides the pack state and starts loading the remembered packs and `?pack=` (called by
/// the app shell after the dataset context is provided).
pub fn provide_packs() {
    let loaded: RwSignal<Vec<Arc<PackView>>> = RwSignal::new(Vec::new());
    let exercises = Memo::new(move |_| loaded.with(|l| l.iter().flat_map(|p| p.exercises.clone()).collect()));
    let packs = Packs {
        loaded,
        progress: RwSignal::new(None),
        failures: RwSignal::new(Vec::new()),
        exercises,
        queue: StoredValue::new(VecDeque::new()),
        busy: StoredValue::new(false),
        // Peek only: the start page (where the pack panel lives) must not open a dataset.
        data: peek_data(),
        set_data: use_context::<DataSwitch>(),
        builtin: RwSignal::new(None),
        builtin_asked: StoredValue::new(false),
    };
    provide_context(packs);
    let mut urls = remembered(browser::stored(STORAGE_KEY).as_deref());
    if let Some(p) = pack_param() {
        urls.retain(|u| *u != p);
        urls.push(p);
    }
    for raw in urls {
        packs.enqueue(Job::Url { raw, remember: true });
    }
}

/// The `pack` parameter of the page's address, if there is one.
fn pack_param() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("pack").filter(|p| !p.trim().is_empty())
}

/// The shared pack state (an empty one if the shell did not provide it).
pub fn use_packs() -> Option<Packs> {
    use_context::<Packs>()
}

/// The exercises of the loaded packs (reactive).
pub fn pack_exercises() -> Vec<Exercise> {
    use_packs().map(|p| p.exercises.get()).unwrap_or_default()
}
