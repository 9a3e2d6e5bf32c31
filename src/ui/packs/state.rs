//! The loaded packs, shared through context: the list, what is loading, what failed. Loads
//! run one at a time in the order asked (startup: the remembered URLs, then `?pack=`); a
//! pack that fails never replaces or removes anything already there.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::content::builtin::DEFAULT_DATASET;
use crate::content::exercise::Exercise;
use crate::content::loader::{check_response, files_needed, load_pack, MemoryFiles, PackFiles};
use crate::content::{builtin_datasets, ContentError, Dataset};

use super::super::browser;
use super::super::data::{use_data, Data, DataState, DataSwitch};
use super::super::exercise_data::exercises;
use super::assemble::{finish, from_picked, PackEntry, PackSource, Taken};
use super::fetch::fetch_text;
use super::source::{pack_url, remember, remembered, to_json, STORAGE_KEY};

/// Most files one pack may list (manifest entries plus the series files they name).
const MAX_FILES: usize = 200;

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
    pub loaded: RwSignal<Vec<Arc<PackEntry>>>,
    /// What is being loaded right now (`None`: nothing).
    pub progress: RwSignal<Option<String>>,
    pub failures: RwSignal<Vec<Failure>>,
    /// The exercises of every loaded pack (changes only when that list does).
    pub exercises: Memo<Vec<Exercise>>,
    queue: StoredValue<VecDeque<Job>>,
    pub(super) busy: StoredValue<bool>,
    /// The dataset pages work on, and the means to replace it (see `switch`).
    pub(super) data: ReadSignal<DataState>,
    pub(super) set_data: Option<WriteSignal<DataState>>,
    /// Built-in datasets already built this visit, so switching back is instant.
    pub(super) built: StoredValue<Vec<Arc<Data>>>,
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
        if gone.datasets.iter().any(|d| Some(&d.meta.id) == self.active_id().as_ref()) {
            self.activate(DEFAULT_DATASET);
        }
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
    pub(super) fn dataset(self, id: &str) -> Option<Arc<Dataset>> {
        self.loaded.with_untracked(|l| l.iter().flat_map(|p| &p.datasets).find(|d| d.meta.id == id).cloned())
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

    async fn run(self, job: Job) -> Result<PackEntry, (String, ContentError)> {
        match job {
            Job::Picked(files) => {
                browser::next_paint().await;
                let taken = self.taken(&PackSource::Local);
                from_picked(&files, &taken).map_err(|e| ("files picked on this computer".to_string(), e))
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

    /// Fetches a pack's manifest and files, then loads and checks it.
    async fn fetch_pack(self, url: &str) -> Result<PackEntry, ContentError> {
        let manifest = fetch_checked(url).await?;
        let mut files = Fetched::default();
        // Round one fetches the manifest's files, round two the series files they name.
        for _ in 0..4 {
            let needed: Vec<String> = files_needed(&manifest, &files.ok)
                .into_iter()
                .filter(|p| !files.failed.contains_key(p))
                .collect();
            if needed.is_empty() {
                break;
            }
            if files.ok.0.len() + files.failed.len() + needed.len() > MAX_FILES {
                return Err(ContentError::at(url, 0, format!("the pack lists more than {MAX_FILES} files")));
            }
            for (i, path) in needed.iter().enumerate() {
                self.progress.set(Some(format!("Fetching {path} ({} of {})\u{2026}", i + 1, needed.len())));
                let file_url = crate::content::loader::resolve_url(url, path);
                match fetch_checked(&file_url).await {
                    Ok(text) => files.ok.0.insert(path.clone(), text),
                    Err(e) => files.failed.insert(path.clone(), reason(&e)),
                };
            }
        }
        self.progress.set(Some("Checking the pack\u{2026}".into()));
        browser::next_paint().await;
        let pack = load_pack(url, &manifest, &mut files)?;
        finish(
            PackSource::Url(url.to_string()),
            url,
            &manifest,
            pack,
            &self.taken(&PackSource::Url(url.to_string())),
        )
    }

    /// The built-in content and the other loaded packs (a pack loaded again replaces itself).
    fn taken(self, replacing: &PackSource) -> Taken {
        let mut t = Taken {
            datasets: builtin_datasets().map(|d| d.into_iter().map(|d| d.meta).collect()).unwrap_or_default(),
            exercise_ids: exercises().map(|e| e.iter().map(|x| x.id.clone()).collect()).unwrap_or_default(),
        };
        self.loaded.with_untracked(|l| {
            for p in l.iter().filter(|p| p.source != *replacing || p.source == PackSource::Local) {
                t.datasets.extend(p.datasets.iter().map(|d| d.meta.clone()));
                t.exercise_ids.extend(p.exercises.iter().map(|e| e.id.clone()));
            }
        });
        t
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

/// Fetched files, and why the others could not be fetched (reported by `load_pack`).
#[derive(Default)]
struct Fetched {
    ok: MemoryFiles,
    failed: BTreeMap<String, String>,
}

impl PackFiles for Fetched {
    fn read(&mut self, path: &str) -> Result<String, String> {
        match self.failed.get(path) {
            Some(why) => Err(why.clone()),
            None => self.ok.read(path),
        }
    }
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

/// Provides the pack state and starts loading the remembered packs and `?pack=` (called by
/// the app shell after the dataset context is provided).
pub fn provide_packs() {
    let loaded: RwSignal<Vec<Arc<PackEntry>>> = RwSignal::new(Vec::new());
    let exercises = Memo::new(move |_| loaded.with(|l| l.iter().flat_map(|p| p.exercises.clone()).collect()));
    let packs = Packs {
        loaded,
        progress: RwSignal::new(None),
        failures: RwSignal::new(Vec::new()),
        exercises,
        queue: StoredValue::new(VecDeque::new()),
        busy: StoredValue::new(false),
        data: use_data(),
        set_data: use_context::<DataSwitch>().map(|s| s.0),
        built: StoredValue::new(Vec::new()),
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
