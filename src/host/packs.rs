//! Packs in the engine module: reading a pack's files into datasets and exercises, checking
//! them against what is already loaded, and keeping what the loaded packs add in the host:
//! their datasets registered in `host.datasets` and the union of their exercises in
//! `host.exercises.from_packs`. Unloading a pack forgets both.

mod assemble;

use std::collections::BTreeMap;

use super::Host;
use crate::content::builtin_catalogue::BUILTIN;
use crate::content::exercise::Exercise;
use crate::content::loader::{files_needed, load_pack, MemoryFiles, PackFiles};
use crate::content::{builtin_datasets, ContentError, DatasetMeta};
use crate::link::answer;
use crate::link::packs::{
    ExerciseDataset, FilesNeeded, LoadPack, PackSource, PackView, PacksRequest, UnloadPack,
};
use assemble::{finish, Taken};

/// What the engine module keeps for this area between calls.
#[derive(Default)]
pub struct PacksState {
    /// The loaded packs, in the order the app lists them.
    loaded: Vec<Loaded>,
    /// The last handle given out (handles are never reused within a visit).
    last_handle: u64,
}

/// A loaded pack, as far as the engine module needs to remember it.
struct Loaded {
    handle: u64,
    source: PackSource,
    datasets: Vec<DatasetMeta>,
    exercises: Vec<Exercise>,
}

impl PacksState {
    /// The loaded packs' exercises, in pack order.
    fn exercises(&self) -> impl Iterator<Item = &Exercise> {
        self.loaded.iter().flat_map(|p| &p.exercises)
    }
}

pub(super) fn handle(host: &mut Host, request: PacksRequest) -> Vec<u8> {
    match request {
        PacksRequest::FilesNeeded(c) => {
            answer::<FilesNeeded>(files_needed(&c.manifest, &MemoryFiles(c.have.into_iter().collect())))
        }
        PacksRequest::Load(c) => {
            let reply = load(host, c);
            answer::<LoadPack>(reply)
        }
        PacksRequest::Unload(c) => {
            unload(host, c.handle);
            answer::<UnloadPack>(())
        }
        PacksRequest::ExerciseDataset(c) => {
            let reply = exercise_dataset(host, &c.id);
            answer::<ExerciseDataset>(reply)
        }
    }
}

/// Reads, checks and registers a pack; on any problem the host is left as it was.
fn load(host: &mut Host, c: LoadPack) -> Result<PackView, ContentError> {
    // A pack loaded again from its URL replaces itself; picked files always add a pack.
    let replacing = match &c.source {
        PackSource::Url(_) => host.packs.loaded.iter().position(|p| p.source == c.source),
        PackSource::Local => None,
    };
    let taken = taken(&host.packs, replacing);
    let mut files =
        Files { ok: MemoryFiles(c.files.into_iter().collect()), failed: c.failed.into_iter().collect() };
    let pack = load_pack(&c.manifest_name, &c.manifest, &mut files)?;
    let checked = finish(&c.manifest_name, &c.manifest, pack, &taken)?;
    if let Some(old) = replacing.map(|i| &host.packs.loaded[i]) {
        for d in &old.datasets {
            host.datasets.forget(&d.id);
        }
    }
    let datasets: Vec<DatasetMeta> = checked.datasets.iter().map(|d| d.meta.clone()).collect();
    for d in checked.datasets {
        host.datasets.register(d);
    }
    host.packs.last_handle += 1;
    let view = PackView {
        handle: host.packs.last_handle,
        source: c.source,
        id: checked.id,
        title: checked.title,
        description: checked.description,
        datasets,
        exercises: checked.exercises,
    };
    let entry = Loaded {
        handle: view.handle,
        source: view.source.clone(),
        datasets: view.datasets.clone(),
        exercises: view.exercises.clone(),
    };
    match replacing {
        Some(i) => host.packs.loaded[i] = entry,
        None => host.packs.loaded.push(entry),
    }
    sync_exercises(host);
    Ok(view)
}

/// Forgets the pack `handle` names (its datasets and exercises).
fn unload(host: &mut Host, handle: u64) {
    let Some(i) = host.packs.loaded.iter().position(|p| p.handle == handle) else { return };
    let gone = host.packs.loaded.remove(i);
    for d in &gone.datasets {
        host.datasets.forget(&d.id);
    }
    sync_exercises(host);
}

/// The exercises area sees the union of the loaded packs' exercises, in pack order (a build
/// without the exercises only lists them).
#[cfg_attr(not(feature = "lessons"), allow(unused_variables))]
fn sync_exercises(host: &mut Host) {
    #[cfg(feature = "lessons")]
    {
        host.exercises.from_packs = host.packs.exercises().cloned().collect();
    }
}

/// The built-in content and the loaded packs but the one being replaced.
fn taken(state: &PacksState, replacing: Option<usize>) -> Taken {
    let mut t = Taken {
        datasets: builtin_datasets().map(|d| d.into_iter().map(|d| d.meta).collect()).unwrap_or_default(),
        exercise_ids: BUILTIN.iter().map(|e| e.id.to_string()).collect(),
    };
    for (_, p) in state.loaded.iter().enumerate().filter(|(i, _)| Some(*i) != replacing) {
        t.datasets.extend(p.datasets.iter().cloned());
        t.exercise_ids.extend(p.exercises.iter().map(|e| e.id.clone()));
    }
    t
}

fn exercise_dataset(host: &Host, id: &str) -> Option<String> {
    let from_pack = host.packs.exercises().find(|e| e.id == id);
    match from_pack {
        Some(e) => Some(e.dataset.clone()),
        None => BUILTIN.iter().find(|e| e.id == id).map(|e| e.dataset.to_string()),
    }
}

/// The files the app sent, and why the others could not be fetched (`load_pack` reports it
/// where the pack lists them).
struct Files {
    ok: MemoryFiles,
    failed: BTreeMap<String, String>,
}

impl PackFiles for Files {
    fn read(&mut self, path: &str) -> Result<String, String> {
        match self.failed.get(path) {
            Some(why) => Err(why.clone()),
            None => self.ok.read(path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{roundtrip, Host};
    use super::*;
    use crate::link::data::OpenDataset;
    use crate::ui::packs::source::gather_picked;
    use std::future::Future;

    /// The files of a fixture pack of the browser tests, by path relative to its manifest.
    fn fixture(dir: &str) -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("e2e/fixtures").join(dir);
        let mut out = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
                    out.push((rel, std::fs::read_to_string(&p).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    /// Files as a learner picks them one by one: no folders.
    fn flat(files: Vec<(String, String)>) -> Vec<(String, String)> {
        files.into_iter().map(|(p, t)| (p.rsplit('/').next().unwrap_or(&p).to_string(), t)).collect()
    }

    /// Does what the app does with picked files: gather them in rounds, then load them.
    fn load_picked(host: &mut Host, picked: &[(String, String)]) -> Result<PackView, ContentError> {
        // The host answers at once: the gathering's future is ready on its first poll.
        let gathered = {
            let gathering = gather_picked(picked, |manifest, have| {
                std::future::ready(roundtrip(host, FilesNeeded { manifest, have }))
            });
            let mut gathering = std::pin::pin!(gathering);
            match gathering.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
                std::task::Poll::Ready(gathered) => gathered,
                std::task::Poll::Pending => panic!("gathering picked files waited on a ready answer"),
            }
        };
        let (manifest, files) = gathered.map_err(|e| ContentError::at("picked files", 0, e))?;
        let c = LoadPack {
            source: PackSource::Local,
            manifest_name: "pack.yaml".into(),
            manifest,
            files: files.0.into_iter().collect(),
            failed: Vec::new(),
        };
        roundtrip(host, c).unwrap()
    }

    /// Loads the fixture `dir` as if fetched from `url`, with `failed` files unfetchable.
    fn load_url(
        host: &mut Host,
        dir: &str,
        url: &str,
        failed: &[(&str, &str)],
    ) -> Result<PackView, ContentError> {
        let mut files = fixture(dir);
        let manifest = files.iter().find(|(p, _)| p == "pack.yaml").map(|(_, t)| t.clone()).unwrap();
        files.retain(|(p, _)| !failed.iter().any(|(f, _)| f == p));
        let c = LoadPack {
            source: PackSource::Url(url.into()),
            manifest_name: url.into(),
            manifest,
            files,
            failed: failed.iter().map(|(p, why)| (p.to_string(), why.to_string())).collect(),
        };
        roundtrip(host, c).unwrap()
    }

    fn exercise_dataset(host: &mut Host, id: &str) -> Option<String> {
        roundtrip(host, ExerciseDataset { id: id.into() }).unwrap()
    }

    #[test]
    fn files_are_asked_for_in_rounds() {
        let mut host = Host::new();
        let all = fixture("pack-ok");
        let manifest = all.iter().find(|(p, _)| p == "pack.yaml").unwrap().1.clone();
        let mut have: Vec<(String, String)> = Vec::new();
        let mut rounds = Vec::new();
        loop {
            let needed =
                roundtrip(&mut host, FilesNeeded { manifest: manifest.clone(), have: have.clone() }).unwrap();
            if needed.is_empty() {
                break;
            }
            have.extend(all.iter().filter(|(p, _)| needed.contains(p)).cloned());
            rounds.push(needed);
        }
        assert_eq!(
            rounds,
            [vec!["checkout.yaml", "exercises/checkout-error-rate.yaml"], vec!["checkout.load"]]
        );
        let unreadable = FilesNeeded { manifest: "not: [a pack".into(), have: Vec::new() };
        assert_eq!(roundtrip(&mut host, unreadable), Ok(Vec::new()));
    }

    #[test]
    fn a_picked_pack_registers_its_dataset_and_exercises_until_unloaded() {
        let mut host = Host::new();
        let view = load_picked(&mut host, &flat(fixture("pack-ok"))).unwrap();
        assert_eq!((view.id.as_str(), &view.source), ("checkout-course", &PackSource::Local));
        let ids: Vec<&str> = view.datasets.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["checkout"]);
        assert_eq!(
            view.datasets[0].summary().split(", ").take(2).collect::<Vec<_>>(),
            ["checkout: 2 series", "242 samples"]
        );
        let ids: Vec<&str> = view.exercises.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["checkout-error-rate"]);

        let info = roundtrip(&mut host, OpenDataset { id: "checkout".into() }).unwrap().unwrap();
        assert_eq!((info.facts.series, info.facts.samples), (2, 242));
        #[cfg(feature = "lessons")]
        assert_eq!(host.exercises.from_packs, view.exercises);
        assert_eq!(exercise_dataset(&mut host, "checkout-error-rate").as_deref(), Some("checkout"));
        assert_eq!(exercise_dataset(&mut host, "todo-1-3-sum-by").as_deref(), Some("ml-platform"));
        assert_eq!(exercise_dataset(&mut host, "nope"), None);

        // Picked again, its ids clash with the first copy, and nothing changes.
        let e = load_picked(&mut host, &flat(fixture("pack-ok"))).unwrap_err().to_string();
        assert!(e.contains("pack.yaml:7: dataset id \"checkout\" is already used"), "{e}");
        assert!(e.contains("checkout-error-rate.yaml:1: exercise id"), "{e}");
        assert_eq!(host.packs.exercises().count(), 1);

        assert_eq!(roundtrip(&mut host, UnloadPack { handle: view.handle + 100 }), Ok(()));
        assert_eq!(host.packs.exercises().count(), 1);
        assert_eq!(roundtrip(&mut host, UnloadPack { handle: view.handle }), Ok(()));
        assert!(host.packs.exercises().next().is_none());
        let gone = roundtrip(&mut host, OpenDataset { id: "checkout".into() }).unwrap();
        assert_eq!(gone.unwrap_err(), "there is no dataset \"checkout\"");
        assert_eq!(exercise_dataset(&mut host, "checkout-error-rate"), None);
        // Its ids are free again.
        assert!(load_picked(&mut host, &flat(fixture("pack-ok"))).is_ok());
    }

    #[test]
    fn a_url_loaded_again_replaces_its_pack_and_another_url_clashes() {
        let mut host = Host::new();
        let url = "https://example.org/course/pack.yaml";
        let first = load_url(&mut host, "pack-ok", url, &[]).unwrap();
        let again = load_url(&mut host, "pack-ok", url, &[]).unwrap();
        assert_ne!(first.handle, again.handle);
        assert_eq!((again.datasets.len(), host.packs.exercises().count()), (1, 1));
        // The replaced pack's handle no longer names anything.
        assert_eq!(roundtrip(&mut host, UnloadPack { handle: first.handle }), Ok(()));
        assert!(roundtrip(&mut host, OpenDataset { id: "checkout".into() }).unwrap().is_ok());

        let other = "https://example.org/copy/pack.yaml";
        let e = load_url(&mut host, "pack-ok", other, &[]).unwrap_err().to_string();
        assert!(e.contains(&format!("{other}:7: dataset id \"checkout\" is already used")), "{e}");
        assert_eq!(host.packs.exercises().count(), 1);
    }

    #[test]
    fn bad_packs_name_file_and_line() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("a.yaml", "x")], "picked files: pick the pack's pack.yaml"),
            (&[("pack.yaml", "<!doctype html><p>hi")], "pack.yaml:1: this is an HTML page"),
            (
                &[("pack.yaml", "format: promplay-pack/1\nid: x\ntitle: t\ncolour: 1\n")],
                "pack.yaml:4: unknown field `colour`",
            ),
            (
                &[("pack.yaml", "format: promplay-pack/1\nid: x\ntitle: t\ndatasets: [gone.yaml]\n")],
                "pack.yaml:4: cannot read dataset \"gone.yaml\"",
            ),
        ];
        let mut host = Host::new();
        for (files, want) in cases {
            let files: Vec<(String, String)> =
                files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
            let e = load_picked(&mut host, &files).unwrap_err().to_string();
            assert!(e.contains(want), "{e}\nwanted: {want}");
        }
        let e = load_picked(&mut host, &flat(fixture("pack-bad"))).unwrap_err().to_string();
        assert!(e.contains("broken.yaml:4: unknown field `colour`"), "{e}");
        // A file the app could not fetch is reported where the manifest lists it.
        let url = "https://example.org/c/pack.yaml";
        let e = load_url(&mut host, "pack-ok", url, &[("checkout.yaml", "not found (HTTP 404)")])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!("{url}:7: cannot read dataset \"checkout.yaml\": not found (HTTP 404)")),
            "{e}"
        );
        assert!(host.packs.exercises().next().is_none());
    }
}
