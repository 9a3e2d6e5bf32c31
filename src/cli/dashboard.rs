//! `promplay dashboard`: the seed's dashboard as Grafana dashboard JSON to import, or as text
//! listing each panel's queries.

use std::io::Write;

use crate::dashboard::{grafana_json, seed_panels, ExportOptions, Panel, Window};

use super::{Args, CliError, Command};

pub const COMMAND: Command = Command {
    name: "dashboard",
    summary: "the seed's dashboard as Grafana JSON or text, raw or with recorded series",
    usage: "Usage: promplay dashboard [--recorded] [--window 6h|24h] [--format grafana|text]\n\n\
        Prints the dashboard of the seed exercise (request rate, error ratio, latency and cache\n\
        panels chosen from its query catalog).\n\n\
        Options:\n  \
          --recorded        panels read the series the seed's recording rules record, where one\n                    \
                            replaces the raw query (default: raw queries)\n  \
          --window W        the dashboard's time range: 6h (default) or 24h\n  \
          --format F        grafana (default): dashboard JSON for Grafana's \"Import dashboard\",\n                    \
                            the Prometheus data source asked for on import; text: the panels\n                    \
                            and their queries\n\n\
        Exit codes: 0 ok, 1 the seed's catalog could not be read, 2 usage error.\n",
    run,
};

fn run(argv: &[String], out: &mut dyn Write) -> Result<i32, CliError> {
    let args = Args::parse(argv, &["window", "format"], &["recorded"])?;
    if let Some(extra) = args.positional.first() {
        return Err(CliError::usage(format!("unexpected argument {extra:?}")));
    }
    let window = match args.get("window") {
        None => Window::default(),
        Some(w) => Window::parse(w)
            .ok_or_else(|| CliError::usage(format!("--window must be 6h or 24h, not {w:?}")))?,
    };
    let recorded = args.has("recorded");
    let panels = seed_panels().map_err(|e| CliError::failed(e.to_string()))?;
    match args.get("format").unwrap_or("grafana") {
        "grafana" => {
            write!(out, "{}", grafana_json(&panels, &ExportOptions::all(window, recorded, panels.len())))?
        }
        "text" => write!(out, "{}", text(&panels, window, recorded))?,
        other => return Err(CliError::usage(format!("--format must be grafana or text, not {other:?}"))),
    }
    Ok(0)
}

/// The panels and the queries each runs, one block per panel.
fn text(panels: &[Panel], window: Window, recorded: bool) -> String {
    let mode = if recorded { "recorded series where the seed's rules record them" } else { "raw queries" };
    let mut s =
        format!("The seed's dashboard: {} panels over the last {}, {mode}.\n", panels.len(), window.name());
    for (i, p) in panels.iter().enumerate() {
        let shows = match (recorded, &p.recorded) {
            (true, None) => " (no recorded series replaces it: raw)",
            (false, Some(_)) => " (a recorded series replaces it)",
            _ => "",
        };
        s.push_str(&format!("\n{}. {}{shows}\n   from {}\n", i + 1, p.title, p.source));
        for (j, t) in p.targets(recorded).iter().enumerate() {
            let expr = t.expr.trim_end().replace('\n', "\n      ");
            let legend = if t.legend.is_empty() { "(no legend)" } else { t.legend.as_str() };
            s.push_str(&format!("   {}  legend {legend}\n      {expr}\n", char::from(b'A' + j as u8)));
        }
    }
    s
}
