//! The Alertmanager lab in the engine module: configuration checks and route tests answered at
//! once, a simulation of an alert timeline (with and without inhibition) run step by step, the
//! last finished simulation kept so its notifications can be opened, and the Alertmanager
//! exercises.

mod exercises;
mod session;
mod views;

use super::Host;
use crate::alertmanager::config::load_with_placeholders;
use crate::alertmanager::{input, timeline};
use crate::link::alertmanager::{
    AlertSource, AlertmanagerRequest, AmExercises, CheckConfig, GradeAmExercise, NotificationView,
    OpenAmExercise, OpenNotification, SimulationReport, SimulationStep, StartSimulation, TestRoute,
};
use crate::link::answer;
use crate::link::rules::{Progress, Step};

/// The shortest `group_interval` the lab simulates (a 48-hour run stays a few thousand flushes
/// per group).
const MIN_GROUP_INTERVAL: crate::engine::Millis = 1000;

/// What the engine module keeps for this area between calls.
#[derive(Default)]
pub struct AlertmanagerState {
    running: Option<session::Session>,
    finished: Option<session::Finished>,
    exercises: exercises::ExerciseState,
}

pub(super) fn handle(host: &mut Host, request: AlertmanagerRequest) -> Vec<u8> {
    match request {
        AlertmanagerRequest::Check(c) => answer::<CheckConfig>(views::check(&c.text)),
        AlertmanagerRequest::TestRoute(c) => answer::<TestRoute>(views::route_test(&c.config, &c.labels)),
        AlertmanagerRequest::Start(c) => answer::<StartSimulation>(start(host, c)),
        AlertmanagerRequest::Step(SimulationStep) => answer::<SimulationStep>(step(host)),
        AlertmanagerRequest::Notification(c) => answer::<OpenNotification>(open(host, &c)),
        AlertmanagerRequest::Exercises(AmExercises) => answer::<AmExercises>(exercises::list(host)),
        AlertmanagerRequest::Exercise(c) => answer::<OpenAmExercise>(exercises::open(host, &c.id)),
        AlertmanagerRequest::Grade(c) => answer::<GradeAmExercise>(exercises::grade(host, &c)),
    }
}

/// Starts a simulation: a hand-written timeline over the dataset's whole time range, or the
/// alerting lab's last evaluation over its window.
fn start(host: &mut Host, c: StartSimulation) -> Result<Progress, String> {
    let config = load_with_placeholders(&c.config)
        .1
        .map_err(|e| format!("The configuration does not load: {}", e.message()))?;
    let shortest =
        crate::alertmanager::RouteTree::new(&config.route).nodes.iter().map(|n| n.opts.group_interval).min();
    if shortest.is_some_and(|ms| ms < MIN_GROUP_INTERVAL) {
        return Err("A group_interval under 1s would flush tens of thousands of times over 48 hours: give the routes 1s or more to simulate them here (`promplay am simulate` runs any).".into());
    }
    let (input, start, end) = match &c.alerts {
        AlertSource::Timeline(text) => {
            let timeline = timeline::parse("alert timeline", text).map_err(|e| e.to_string())?;
            let meta = host.datasets.meta(&c.dataset)?;
            (input::from_timeline(&timeline, meta.start, meta.end), meta.start, meta.end)
        }
        AlertSource::AlertingLab => super::alerts::lab_alerts(host)?,
    };
    let session = session::Session::new(config, input, start, end);
    let progress = session.progress();
    host.alertmanager.running = Some(session);
    Ok(progress)
}

fn step(host: &mut Host) -> Result<Step<SimulationReport>, String> {
    let state = &mut host.alertmanager;
    let running = state.running.as_mut().ok_or("No simulation is under way: run it again.")?;
    if running.step() {
        return Ok(Step::Running(running.progress()));
    }
    let session = state.running.take().ok_or("No simulation is under way: run it again.")?;
    let (report, finished) = session.finish();
    state.finished = Some(finished);
    Ok(Step::Finished(report))
}

fn open(host: &mut Host, c: &OpenNotification) -> Result<NotificationView, String> {
    let finished = host.alertmanager.finished.as_ref().ok_or("Run the simulation first.")?;
    let outcome = if c.inhibition { &finished.with_inhibition } else { &finished.without_inhibition };
    let n = outcome
        .notifications
        .get(c.index)
        .ok_or("There is no such notification: run the simulation again.")?;
    Ok(views::notification(&finished.config, outcome, n))
}

#[cfg(test)]
mod tests {
    use super::super::{roundtrip, Host};
    use super::*;
    use crate::ui::alertmanager_lab::{SAMPLE_TIMELINE, SEED_CONFIG};

    /// Runs the lab's simulation of the seed's config on the sample timeline to the end.
    pub(crate) fn simulate(host: &mut Host, config: &str, timeline: &str) -> SimulationReport {
        let start = StartSimulation {
            config: config.into(),
            alerts: AlertSource::Timeline(timeline.into()),
            dataset: "ml-platform".into(),
        };
        roundtrip(host, start).unwrap().unwrap();
        for _ in 0..1000 {
            if let Step::Finished(report) = roundtrip(host, SimulationStep).unwrap().unwrap() {
                return report;
            }
        }
        panic!("the simulation did not finish");
    }

    #[test]
    fn the_seed_configmap_checks_with_its_placeholder_and_draws_its_tree() {
        let check = roundtrip(&mut Host::new(), CheckConfig { text: SEED_CONFIG.into() }).unwrap();
        assert!(!check.loads, "Alertmanager 0.25 refuses the placeholder Slack URL");
        assert!(check.amtool.contains("FAILED: unsupported scheme \"\" for URL"), "{}", check.amtool);
        assert_eq!(check.problems.len(), 1);
        assert!(check.problems[0].warning && check.problems[0].line == 67, "{:?}", check.problems);
        let config = check.config.expect("the lab loads it");
        let receivers: Vec<&str> = config.tree.iter().map(|n| n.receiver.as_str()).collect();
        assert_eq!(receivers, ["default", "pagerduty", "slack-warnings", "email"]);
        assert_eq!(config.configmap_key.as_deref(), Some("alertmanager.yml"));
        assert_eq!(config.inhibit_rules.len(), 2);
    }

    #[test]
    fn route_tests_answer_like_amtool() {
        let test = TestRoute {
            config: SEED_CONFIG.into(),
            labels: "alertname=ModelCriticalErrorRate severity=critical".into(),
        };
        let answer = roundtrip(&mut Host::new(), test).unwrap();
        assert_eq!(answer.receivers, ["pagerduty"]);
        assert!(answer.output.ends_with("\n\n\npagerduty\n"), "{}", answer.output);
        let bad =
            roundtrip(&mut Host::new(), TestRoute { config: SEED_CONFIG.into(), labels: "{a=b}".into() })
                .unwrap();
        assert!(bad.error && bad.output.contains("bad matcher format"));
    }

    #[test]
    fn the_seed_simulation_finishes_and_notifications_open() {
        let mut host = Host::new();
        let report = simulate(&mut host, SEED_CONFIG, SAMPLE_TIMELINE);
        assert_eq!(report.receivers, ["default", "pagerduty", "slack-warnings", "email"]);
        assert_eq!(report.with_inhibition.per_receiver, [0, 3, 13, 4]);
        assert_eq!(report.without_inhibition.per_receiver, [0, 3, 13, 4]);
        let view = roundtrip(&mut host, OpenNotification { inhibition: true, index: 0 }).unwrap().unwrap();
        assert_eq!(view.row.receiver, "email");
        assert_eq!(
            view.texts,
            [(
                "subject".to_string(),
                "[FIRING:1] ModelLowCacheHitRate recommender (model-serving info)".to_string(),
                false
            )]
        );
        let none = roundtrip(&mut host, OpenNotification { inhibition: true, index: 10_000 }).unwrap();
        assert!(none.is_err());
    }

    #[test]
    fn runaway_simulations_are_refused_with_a_reason() {
        let fast = SEED_CONFIG.replace("group_interval: 5m", "group_interval: 10ms");
        let start = StartSimulation {
            config: fast,
            alerts: AlertSource::Timeline(SAMPLE_TIMELINE.into()),
            dataset: "ml-platform".into(),
        };
        assert!(roundtrip(&mut Host::new(), start).unwrap().unwrap_err().contains("group_interval under 1s"));
        let start = StartSimulation {
            config: SEED_CONFIG.into(),
            alerts: AlertSource::Timeline("evaluation_interval: 1ms\nalerts: []\n".into()),
            dataset: "ml-platform".into(),
        };
        let err = roundtrip(&mut Host::new(), start).unwrap().unwrap_err();
        assert!(err.contains("alert timeline:1: evaluation_interval: give 1s or more"), "{err}");
        assert!(roundtrip(&mut Host::new(), SimulationStep).unwrap().is_err(), "no run under way");
    }

    #[test]
    fn a_drill_shows_inhibition_at_work() {
        let drill = crate::content::am_exercise::TIMELINES[1].2;
        let report = simulate(&mut Host::new(), SEED_CONFIG, drill);
        let with: usize = report.with_inhibition.per_receiver.iter().sum();
        let without: usize = report.without_inhibition.per_receiver.iter().sum();
        assert!(with < without, "inhibition removes notifications: {with} vs {without}");
    }
}
