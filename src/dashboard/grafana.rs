//! The dashboard as Grafana dashboard JSON (the classic model Grafana's "Import dashboard"
//! accepts, schemaVersion 39): `timeseries` panels two per row, each target with `expr`,
//! `refId` and `legendFormat`, the Prometheus data source as the `${datasource}` variable (so
//! the import asks which Prometheus to use), and the chosen window as the time range.

use serde_json::{json, Value};

use super::panels::Panel;
use super::window::Window;
use crate::assist::units::Unit;

/// The dashboard schema version written (Grafana 10.4 / 11 write 39 and migrate older ones).
pub const SCHEMA_VERSION: u32 = 39;
/// Grid units: Grafana's grid is 24 wide; two panels a row, 8 high.
const PANEL_WIDTH: u32 = 12;
const PANEL_HEIGHT: u32 = 8;

/// What to export.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub window: Window,
    /// Per panel (in order), whether it shows its recorded series (when it has some).
    pub recorded: Vec<bool>,
}

impl ExportOptions {
    /// Every panel raw, or every panel recorded.
    pub fn all(window: Window, recorded: bool, panels: usize) -> Self {
        ExportOptions { window, recorded: vec![recorded; panels] }
    }
}

/// The dashboard's JSON text (pretty-printed, with a final newline).
pub fn grafana_json(panels: &[Panel], opts: &ExportOptions) -> String {
    let any_recorded = panels.iter().zip(&opts.recorded).any(|(p, r)| *r && p.recorded.is_some());
    let (title, uid) = match any_recorded {
        true => ("ML platform: recording rules", "promplay-ml-recorded"),
        false => ("ML platform: raw queries", "promplay-ml-raw"),
    };
    let panels: Vec<Value> = panels
        .iter()
        .enumerate()
        .map(|(i, p)| panel(i, p, opts.recorded.get(i).copied().unwrap_or(false)))
        .collect();
    let dashboard = json!({
        "annotations": { "list": [{
            "builtIn": 1,
            "datasource": { "type": "grafana", "uid": "-- Grafana --" },
            "enable": true,
            "hide": true,
            "iconColor": "rgba(0, 211, 255, 1)",
            "name": "Annotations & Alerts",
            "type": "dashboard"
        }]},
        "description": "The ML serving dashboard of the PromQL and recording rules exercise, exported by PromQL Playground.",
        "editable": true,
        "fiscalYearStartMonth": 0,
        "graphTooltip": 1,
        "id": null,
        "links": [],
        "panels": panels,
        "refresh": "1m",
        "schemaVersion": SCHEMA_VERSION,
        "tags": ["ml-platform", "promql-playground"],
        "templating": { "list": [{
            "current": {},
            "hide": 0,
            "includeAll": false,
            "label": "Data source",
            "multi": false,
            "name": "datasource",
            "options": [],
            "query": "prometheus",
            "refresh": 1,
            "regex": "",
            "skipUrlSync": false,
            "type": "datasource"
        }]},
        "time": { "from": format!("now-{}", opts.window.name()), "to": "now" },
        "timepicker": {},
        "timezone": "",
        "title": format!("{title} ({})", opts.window.name()),
        "uid": format!("{uid}-{}", opts.window.name()),
        "version": 1,
        "weekStart": ""
    });
    // Serializing a `Value` cannot fail.
    let mut text = serde_json::to_string_pretty(&dashboard).unwrap_or_default();
    text.push('\n');
    text
}

/// The data source every panel and target reads: the dashboard's variable.
fn datasource() -> Value {
    json!({ "type": "prometheus", "uid": "${datasource}" })
}

fn panel(index: usize, p: &Panel, recorded: bool) -> Value {
    let targets: Vec<Value> = p
        .targets(recorded)
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({
                "datasource": datasource(),
                "editorMode": "code",
                "expr": t.expr,
                "legendFormat": t.legend,
                "range": true,
                "refId": ref_id(i),
            })
        })
        .collect();
    let index = index as u32;
    json!({
        "datasource": datasource(),
        "description": p.source,
        "fieldConfig": {
            "defaults": {
                "color": { "mode": "palette-classic" },
                "custom": { "drawStyle": "line", "fillOpacity": 10, "lineWidth": 1, "showPoints": "never", "spanNulls": false },
                "unit": grafana_unit(p.unit)
            },
            "overrides": []
        },
        "gridPos": {
            "h": PANEL_HEIGHT,
            "w": PANEL_WIDTH,
            "x": (index % 2) * PANEL_WIDTH,
            "y": (index / 2) * PANEL_HEIGHT
        },
        "id": index + 1,
        "options": {
            "legend": { "calcs": [], "displayMode": "list", "placement": "bottom", "showLegend": true },
            "tooltip": { "mode": "multi", "sort": "desc" }
        },
        "targets": targets,
        "title": p.title,
        "transformations": [],
        "type": "timeseries"
    })
}

/// Grafana's refIds: A, B, … Z, then AA, AB, …
fn ref_id(i: usize) -> String {
    let letter = |n: usize| char::from(b'A' + (n % 26) as u8);
    match i / 26 {
        0 => letter(i).to_string(),
        n => format!("{}{}", letter(n - 1), letter(i)),
    }
}

/// Grafana's unit ids for the units the playground's chart knows.
fn grafana_unit(unit: Unit) -> &'static str {
    match unit {
        Unit::None => "short",
        Unit::Bytes => "bytes",
        Unit::BytesPerSecond => "Bps",
        Unit::Seconds => "s",
        Unit::Ratio => "percentunit",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::panels::seed_panels;

    fn export(recorded: bool) -> Value {
        let panels = seed_panels().unwrap();
        let text = grafana_json(&panels, &ExportOptions::all(Window::Last24h, recorded, panels.len()));
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn the_export_round_trips_with_the_datasource_variable() {
        let d = export(true);
        let var = &d["templating"]["list"][0];
        assert_eq!(
            (var["type"].as_str(), var["query"].as_str(), var["name"].as_str()),
            (Some("datasource"), Some("prometheus"), Some("datasource"))
        );
        assert_eq!(d["schemaVersion"], 39);
        assert_eq!((d["time"]["from"].as_str(), d["time"]["to"].as_str()), (Some("now-24h"), Some("now")));
        assert_eq!(d["uid"], "promplay-ml-recorded-24h");
        let panels = d["panels"].as_array().unwrap();
        assert_eq!(panels.len(), seed_panels().unwrap().len());
        for (i, p) in panels.iter().enumerate() {
            assert_eq!(p["type"], "timeseries");
            assert_eq!(p["datasource"]["uid"], "${datasource}");
            assert_eq!(p["gridPos"]["x"], (i as u64 % 2) * 12);
            for (j, t) in p["targets"].as_array().unwrap().iter().enumerate() {
                assert_eq!(t["refId"].as_str(), Some(ref_id(j).as_str()));
                assert_eq!(t["datasource"]["uid"], "${datasource}");
                assert!(t["expr"].as_str().is_some_and(|e| !e.is_empty()));
            }
        }
        assert_eq!(panels[0]["targets"][0]["expr"], "model:predictions:rate5m");
        assert_eq!(
            panels[5]["targets"].as_array().map(Vec::len),
            Some(3),
            "percentiles stay raw, one target each"
        );
    }

    #[test]
    fn raw_and_recorded_exports_differ_only_where_a_recording_exists() {
        let (raw, recorded) = (export(false), export(true));
        assert_eq!(raw["uid"], "promplay-ml-raw-24h");
        let exprs =
            |d: &Value, i: usize| d["panels"][i]["targets"][0]["expr"].as_str().unwrap_or("").to_string();
        for (i, p) in seed_panels().unwrap().iter().enumerate() {
            assert_eq!(exprs(&raw, i) != exprs(&recorded, i), p.recorded.is_some(), "{}", p.title);
        }
    }

    /// The constraints of Grafana's dashboard kind (grafana/grafana kinds/dashboard/
    /// dashboard_kind.cue) on the fields the export writes: `#GridPos` (h > 0, 0 < w <= 24,
    /// 0 <= x < 24), `graphTooltip` (#DashboardCursorSync 0|1|2), `fiscalYearStartMonth` < 12,
    /// `uid` 8–40 characters, `#VariableModel` type and hide, `#Panel` type non-empty with
    /// `options` and `fieldConfig {defaults, overrides}`, `time` from/to strings; and panels
    /// that do not overlap.
    #[test]
    fn the_export_satisfies_grafanas_dashboard_kind() {
        for recorded in [false, true] {
            let d = export(recorded);
            assert!(matches!(d["graphTooltip"].as_u64(), Some(0..=2)));
            assert!(d["fiscalYearStartMonth"].as_u64().is_some_and(|m| m < 12));
            assert!(d["uid"].as_str().is_some_and(|u| (8..=40).contains(&u.len())));
            assert!(d["time"]["from"].is_string() && d["time"]["to"].is_string() && d["refresh"].is_string());
            assert!(d["tags"].as_array().is_some_and(|t| t.iter().all(Value::is_string)));
            let kinds =
                ["query", "adhoc", "constant", "datasource", "interval", "textbox", "custom", "system"];
            for v in d["templating"]["list"].as_array().unwrap() {
                assert!(kinds.contains(&v["type"].as_str().unwrap_or("")), "{v}");
                assert!(matches!(v["hide"].as_u64(), Some(0..=2)) && v["name"].is_string());
            }
            let mut cells = std::collections::HashSet::new();
            for p in d["panels"].as_array().unwrap() {
                let g = |k: &str| p["gridPos"][k].as_u64().unwrap();
                assert!(
                    g("h") > 0 && g("w") > 0 && g("w") <= 24 && g("x") < 24 && g("x") + g("w") <= 24,
                    "{p}"
                );
                for x in g("x")..g("x") + g("w") {
                    for y in g("y")..g("y") + g("h") {
                        assert!(cells.insert((x, y)), "panels overlap at {x},{y}");
                    }
                }
                assert!(p["type"].as_str().is_some_and(|t| !t.is_empty()) && p["options"].is_object());
                assert!(p["fieldConfig"]["defaults"].is_object() && p["fieldConfig"]["overrides"].is_array());
                assert!(p["id"].as_u64().is_some() && p["transformations"].is_array());
            }
        }
    }

    #[test]
    fn ref_ids_continue_past_z() {
        assert_eq!([ref_id(0), ref_id(25), ref_id(26), ref_id(27)], ["A", "Z", "AA", "AB"]);
    }
}
