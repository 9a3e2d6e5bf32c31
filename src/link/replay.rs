//! What a fresh engine module must be told to stand where the old one stood. The app can stop
//! the engine module at any time (Stop terminates its worker, and a trap replaces it); the
//! state the old one had built from the app's requests — the dataset last opened, loaded
//! packs, the rules lab's recorded series, the alerting lab's evaluation and what-ifs, the
//! relabeled dataset, the rules labs' window of remote data, the Alertmanager simulation — is
//! rebuilt by replaying those requests in order. Everything else the engine module holds is
//! a cache it refills.
//!
//! A multi-step run (start, then steps) counts only once it finished: until then the slot
//! keeps the previous finished run, so stopping a run brings the one before it back.

use super::alertmanager::AlertmanagerRequest;
use super::alerts::{AlertsFinish, AlertsRequest};
use super::data::DataRequest;
use super::packs::PacksRequest;
use super::relabel::RelabelRequest;
use super::remote::RemoteRequest;
use super::rules::{LabFinish, RulesRequest};
use super::{encode, Call, Request};

/// How a request counts for the replay log; the string names the state it builds (a slot).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replay {
    /// Reads only, or builds a cache: not replayed.
    Skip,
    /// Replaces everything logged under the slot (another dataset opened).
    Replace(&'static str),
    /// Appended to the slot (a pack loaded or unloaded, kept in order so that pack handles
    /// come out the same; a what-if on the alerting lab's last run).
    Append(&'static str),
    /// Begins a run that replaces the slot once it finishes.
    RunStart(&'static str),
    /// A step of the run under way in the slot.
    RunStep(&'static str),
}

impl Request {
    /// How this request is replayed into a fresh engine module.
    pub fn replay(&self) -> Replay {
        match self {
            Request::Data(DataRequest::Open(_)) => Replay::Replace("dataset"),
            Request::Packs(PacksRequest::Load(_) | PacksRequest::Unload(_)) => Replay::Append("packs"),
            Request::Rules(RulesRequest::StartLab(_)) => Replay::RunStart("rules-lab"),
            Request::Rules(RulesRequest::LabStep(_) | RulesRequest::LabFinish(_)) => {
                Replay::RunStep("rules-lab")
            }
            Request::Alerts(AlertsRequest::Start(_)) => Replay::RunStart("alerts-lab"),
            Request::Alerts(AlertsRequest::Step(_) | AlertsRequest::Finish(_)) => {
                Replay::RunStep("alerts-lab")
            }
            Request::Alerts(AlertsRequest::WhatIf(_)) => Replay::Append("alerts-lab"),
            Request::Remote(RemoteRequest::LoadWindow(_)) => Replay::Replace("remote-window"),
            Request::Relabel(RelabelRequest::Start(_)) => Replay::RunStart("relabel"),
            Request::Relabel(RelabelRequest::Step(_)) => Replay::RunStep("relabel"),
            Request::Alertmanager(AlertmanagerRequest::Start(_)) => Replay::RunStart("alertmanager"),
            Request::Alertmanager(AlertmanagerRequest::Step(_)) => Replay::RunStep("alertmanager"),
            _ => Replay::Skip,
        }
    }
}

/// The requests to replay, in the order they were first answered.
#[derive(Clone, Debug, Default)]
pub struct ReplayLog {
    entries: Vec<(&'static str, Vec<u8>)>,
    /// Runs under way: their slot and requests so far.
    running: Vec<(&'static str, Vec<Vec<u8>>)>,
}

impl ReplayLog {
    /// Records an answered request (its encoded bytes).
    pub fn record(&mut self, replay: Replay, bytes: &[u8]) {
        match replay {
            Replay::Skip => {}
            Replay::Replace(slot) => {
                self.entries.retain(|(s, _)| *s != slot);
                self.entries.push((slot, bytes.to_vec()));
            }
            Replay::Append(slot) => self.entries.push((slot, bytes.to_vec())),
            Replay::RunStart(slot) => {
                self.running.retain(|(s, _)| *s != slot);
                self.running.push((slot, vec![bytes.to_vec()]));
            }
            Replay::RunStep(slot) => {
                if let Some((_, steps)) = self.running.iter_mut().find(|(s, _)| *s == slot) {
                    steps.push(bytes.to_vec());
                }
            }
        }
    }

    /// The runs under way finished: each replaces what its slot held.
    pub fn finish_runs(&mut self) {
        for (slot, mut requests) in std::mem::take(&mut self.running) {
            if let Some(to_end) = run_to_end(slot) {
                requests.truncate(1);
                requests.push(to_end);
            }
            self.entries.retain(|(s, _)| *s != slot);
            self.entries.extend(requests.into_iter().map(|r| (slot, r)));
        }
    }

    /// The runs under way are dropped (the engine module that ran them is gone).
    pub fn abandon_runs(&mut self) {
        self.running.clear();
    }

    /// The encoded requests of finished work, oldest first.
    pub fn requests(&self) -> impl Iterator<Item = &[u8]> {
        self.entries.iter().map(|(_, b)| b.as_slice())
    }
}

/// For a run whose steps are timed (each evaluates for about 100 ms, so a fresh engine
/// module may need more or fewer of them to get as far), the request that runs it to its end:
/// such a run is replayed as its start and this.
fn run_to_end(slot: &str) -> Option<Vec<u8>> {
    match slot {
        "rules-lab" => Some(encode(&LabFinish.into_request())),
        "alerts-lab" => Some(encode(&AlertsFinish.into_request())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::data::OpenDataset;
    use crate::link::rules::LabStep;
    use crate::link::Hello;

    fn kept(log: &ReplayLog) -> Vec<&[u8]> {
        log.requests().collect()
    }

    #[test]
    fn a_finished_run_replaces_its_slot_and_appends_keep_order() {
        let mut log = ReplayLog::default();
        log.record(Replay::RunStart("relabel"), b"start 1");
        log.record(Replay::RunStep("relabel"), b"step 1");
        log.finish_runs();
        log.record(Replay::Append("packs"), b"load a");
        log.record(Replay::Skip, b"query");
        log.record(Replay::RunStart("relabel"), b"start 2");
        log.record(Replay::RunStep("relabel"), b"step 1");
        assert_eq!(kept(&log), [&b"start 1"[..], b"step 1", b"load a"]);
        log.finish_runs();
        assert_eq!(kept(&log), [&b"load a"[..], b"start 2", b"step 1"]);
    }

    #[test]
    fn a_timed_run_is_replayed_as_its_start_then_to_the_end() {
        let mut log = ReplayLog::default();
        log.record(Replay::RunStart("rules-lab"), b"start");
        log.record(Replay::RunStep("rules-lab"), b"step 1");
        log.record(Replay::RunStep("rules-lab"), b"step 2");
        log.finish_runs();
        let finish = encode(&LabFinish.into_request());
        assert_eq!(kept(&log), [&b"start"[..], &finish]);
        log.record(Replay::RunStart("alerts-lab"), b"alerts");
        log.record(Replay::RunStep("alerts-lab"), b"step");
        log.finish_runs();
        assert_eq!(kept(&log)[2..], [&b"alerts"[..], &encode(&AlertsFinish.into_request())]);
    }

    #[test]
    fn a_stopped_run_leaves_the_previous_one() {
        let mut log = ReplayLog::default();
        log.record(Replay::RunStart("relabel"), b"start 1");
        log.finish_runs();
        log.record(Replay::RunStart("relabel"), b"start 2");
        log.record(Replay::RunStep("relabel"), b"step");
        log.abandon_runs();
        log.finish_runs();
        assert_eq!(kept(&log), [&b"start 1"[..]]);
    }

    #[test]
    fn another_dataset_replaces_the_first() {
        let mut log = ReplayLog::default();
        log.record(Replay::Replace("dataset"), b"open a");
        log.record(Replay::Replace("dataset"), b"open b");
        assert_eq!(kept(&log), [&b"open b"[..]]);
    }

    #[test]
    fn state_building_requests_are_replayed_and_reads_are_not() {
        assert_eq!(OpenDataset { id: "x".into() }.into_request().replay(), Replay::Replace("dataset"));
        assert_eq!(LabStep.into_request().replay(), Replay::RunStep("rules-lab"));
        assert_eq!(Hello.into_request().replay(), Replay::Skip);
        assert!(!encode(&Hello.into_request()).is_empty());
    }
}
