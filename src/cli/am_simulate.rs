//! `promplay am simulate`: the notifications Alertmanager 0.25 would send for a timeline of
//! alerts, with and without the configuration's inhibit rules, and the time the simulation took.

use std::io::Write;
use std::time::Instant;

use crate::alertmanager::load_with_placeholders;
use crate::alertmanager::outcome::Outcome;
use crate::alertmanager::simulate::{Options, Simulation};
use crate::alertmanager::timeline::{self, sends};
use crate::content::am_exercise::TIMELINES;
use crate::content::time::{format_instant, DEFAULT_START};

use super::am::read;
use super::time::parse_time;
use super::{Args, CliError};

pub fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(argv, &["alerts", "start", "hours"], &["log"])?;
    let path = args.positional.first().ok_or_else(|| CliError::usage("missing FILE"))?;
    let alerts = args.get("alerts").ok_or_else(|| CliError::usage("missing --alerts TIMELINE"))?;
    let config = load_with_placeholders(&read(path)?).1.map_err(|e| CliError::failed(e.message()))?;
    let text = match TIMELINES.iter().find(|(name, _, _)| *name == alerts) {
        Some((_, _, text)) => text.to_string(),
        None => read(alerts)?,
    };
    let timeline = timeline::parse(alerts, &text).map_err(|e| CliError::failed(e.to_string()))?;
    let start =
        args.get("start").map(parse_time).transpose().map_err(CliError::usage)?.unwrap_or(DEFAULT_START);
    let hours: i64 = match args.get("hours") {
        Some(h) => h
            .parse()
            .ok()
            .filter(|h| (1..=24 * 366).contains(h))
            .ok_or_else(|| CliError::usage("--hours takes 1 to 8784"))?,
        None => 48,
    };
    let end = start + hours * 3_600_000;
    let posts = sends(&timeline, start, end);
    let receivers: Vec<&str> = config.receivers.iter().map(|r| r.name.as_str()).collect();
    let mut runs = Vec::new();
    for inhibition in [true, false] {
        let started = Instant::now();
        let outcome =
            Simulation::run(&config, posts.clone(), Options { start, end, inhibition, reloads: Vec::new() });
        runs.push((outcome, started.elapsed().as_secs_f64() * 1000.0));
    }
    let (with, without) = (&runs[0].0, &runs[1].0);
    let alerts_sent: usize = posts.iter().map(|p| p.alerts.len()).sum();
    writeln!(
        out,
        "{} POSTs ({alerts_sent} alerts) from {} for {hours}h",
        posts.len(),
        format_instant(start)
    )?;
    writeln!(out, "{:<24} {:>16} {:>10}", "receiver", "with inhibition", "without")?;
    let (a, b) =
        (with.per_receiver(receivers.iter().copied()), without.per_receiver(receivers.iter().copied()));
    for r in &receivers {
        writeln!(out, "{r:<24} {:>16} {:>10}", a[*r], b[*r])?;
    }
    writeln!(out, "{:<24} {:>16} {:>10}", "total", with.notifications.len(), without.notifications.len())?;
    writeln!(out, "simulated in {:.1} ms and {:.1} ms", runs[0].1, runs[1].1)?;
    if args.has("log") {
        for (title, outcome) in [("with inhibition", with), ("without inhibition", without)] {
            writeln!(out, "\nnotifications {title}:")?;
            log(out, outcome)?;
        }
    }
    Ok(0)
}

fn log(out: &mut dyn Write, outcome: &Outcome) -> Result<(), CliError> {
    for n in &outcome.notifications {
        let names: Vec<&str> = n.alerts.iter().map(|a| a.labels.get_or_empty("alertname")).collect();
        writeln!(
            out,
            "{} {:<16} {:<9} {} [{}] {}",
            format_instant(n.at),
            n.receiver,
            n.status(),
            outcome.groups[n.group].key,
            names.join(" "),
            n.reason.describe()
        )?;
    }
    Ok(())
}
