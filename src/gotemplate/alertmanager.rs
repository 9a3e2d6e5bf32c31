//! Alertmanager 0.25's notification templates (`template/template.go`): its functions
//! (`toUpper toLower title join match safeHtml reReplaceAll stringSlice`), its data model
//! (`Data` with `.Alerts`, `.GroupLabels`, `.CommonLabels`, `.CommonAnnotations`, `.Status`,
//! `.Receiver`, `.ExternalURL`; `Alert`; `KV`) and the methods templates call on it
//! (`.Alerts.Firing`, `.Alerts.Resolved`, `.SortedPairs`, `.Names`, `.Values`, `.Remove`).
//! Texts run as Alertmanager runs them: template named "", `missingkey=zero`.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use super::registry::{Param, Registry, STRING};
use super::value::{GoTime, Kind, List, Map, Struct};
use super::{builtins, strings, textfuncs, MissingKey, NoHost, Options, Template, Value};
use crate::content::time::days_from_civil;

const KV: &str = "template.KV";
const PAIRS: &str = "template.Pairs";
const ALERTS: &str = "template.Alerts";
const STRING_SLICE: Param = Param::Type("[]string", Kind::Slice);

/// The data of one notification (Alertmanager's `template.Data`, also the JSON of its
/// webhook and of `amtool template render --template.data`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Data {
    pub receiver: String,
    pub status: String,
    pub alerts: Vec<Alert>,
    pub group_labels: BTreeMap<String, String>,
    pub common_labels: BTreeMap<String, String>,
    pub common_annotations: BTreeMap<String, String>,
    #[serde(rename = "externalURL")]
    pub external_url: String,
}

/// One alert of a notification.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Alert {
    pub status: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    #[serde(deserialize_with = "rfc3339")]
    pub starts_at: GoTime,
    #[serde(deserialize_with = "rfc3339")]
    pub ends_at: GoTime,
    #[serde(rename = "generatorURL")]
    pub generator_url: String,
    pub fingerprint: String,
}

fn kv(pairs: &BTreeMap<String, String>) -> Value {
    Value::Map(Rc::new(Map::new(
        KV,
        Value::str(""),
        pairs.iter().map(|(k, v)| (k.as_str().into(), Value::str(v))).collect(),
    )))
}

fn string_slice(items: impl IntoIterator<Item = String>) -> Value {
    Value::List(Rc::new(List {
        type_name: "[]string",
        items: items.into_iter().map(|s| Value::str(&s)).collect(),
    }))
}

impl Alert {
    pub fn to_value(&self) -> Value {
        Value::Struct(Rc::new(Struct {
            type_name: "template.Alert",
            pointer: false,
            fields: vec![
                ("Status", Value::str(&self.status)),
                ("Labels", kv(&self.labels)),
                ("Annotations", kv(&self.annotations)),
                ("StartsAt", Value::Time(self.starts_at, false)),
                ("EndsAt", Value::Time(self.ends_at, false)),
                ("GeneratorURL", Value::str(&self.generator_url)),
                ("Fingerprint", Value::str(&self.fingerprint)),
            ],
        }))
    }
}

impl Data {
    /// Reads the JSON Alertmanager sends to webhooks (label maps as JSON objects).
    pub fn from_json(text: &str) -> Result<Data, String> {
        serde_json::from_str(text).map_err(|e| format!("notification data: {e}"))
    }

    pub fn to_value(&self) -> Value {
        let alerts = self.alerts.iter().map(Alert::to_value).collect();
        Value::Struct(Rc::new(Struct {
            type_name: "template.Data",
            pointer: false,
            fields: vec![
                ("Receiver", Value::str(&self.receiver)),
                ("Status", Value::str(&self.status)),
                ("Alerts", Value::List(Rc::new(List { type_name: ALERTS, items: alerts }))),
                ("GroupLabels", kv(&self.group_labels)),
                ("CommonLabels", kv(&self.common_labels)),
                ("CommonAnnotations", kv(&self.common_annotations)),
                ("ExternalURL", Value::str(&self.external_url)),
            ],
        }))
    }
}

/// A time in RFC 3339 (`2026-01-06T10:00:00.5Z`, or with an offset, converted to UTC).
fn rfc3339<'de, D: serde::Deserializer<'de>>(d: D) -> Result<GoTime, D::Error> {
    let text = String::deserialize(d)?;
    parse_rfc3339(&text).ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text:?}")))
}

pub fn parse_rfc3339(s: &str) -> Option<GoTime> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let t = s.get(from..from + len)?;
        t.bytes().all(|c| c.is_ascii_digit()).then(|| t.parse().ok())?
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, min, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let digits = &s[start..i];
        let padded = format!("{:0<9}", &digits[..digits.len().min(9)]);
        nanos = padded.parse().ok()?;
    }
    let offset = match s.get(i..)? {
        "Z" | "z" => 0,
        tz if tz.len() == 6 && (tz.starts_with('+') || tz.starts_with('-')) => {
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            sign * (num(i + 1, 2)? * 3600 + num(i + 4, 2)? * 60)
        }
        _ => return None,
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    Some(GoTime {
        secs: days_from_civil(year, month, day) * 86_400 + hour * 3600 + min * 60 + sec - offset,
        nanos,
    })
}

fn pairs_of(v: &Value) -> Vec<(Rc<str>, Value)> {
    match v {
        Value::Map(m) => m.entries.clone(),
        _ => Vec::new(),
    }
}

/// `KV.SortedPairs`: `alertname` first, then the other names in order.
fn sorted_pairs(v: &Value) -> Value {
    let mut entries = pairs_of(v);
    if let Some(i) = entries.iter().position(|(k, _)| &**k == "alertname") {
        let first = entries.remove(i);
        entries.insert(0, first);
    }
    let items = entries
        .into_iter()
        .map(|(k, v)| {
            Value::Struct(Rc::new(Struct {
                type_name: "template.Pair",
                pointer: false,
                fields: vec![("Name", Value::Str(k)), ("Value", v)],
            }))
        })
        .collect();
    Value::List(Rc::new(List { type_name: PAIRS, items }))
}

fn pair_fields(v: &Value, field: &str) -> Value {
    let items = match v {
        Value::List(l) => l.items.clone(),
        _ => Vec::new(),
    };
    string_slice(items.iter().map(|p| match p {
        Value::Struct(s) => s.field(field).and_then(Value::as_str).unwrap_or("").to_string(),
        _ => String::new(),
    }))
}

fn alerts_with_status(v: &Value, status: &str) -> Value {
    let items = match v {
        Value::List(l) => l
            .items
            .iter()
            .filter(|a| matches!(a, Value::Struct(s) if s.field("Status").and_then(Value::as_str) == Some(status)))
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    Value::List(Rc::new(List { type_name: "[]template.Alert", items }))
}

fn strs(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l.items.iter().map(|i| i.as_str().unwrap_or("").to_string()).collect(),
        _ => Vec::new(),
    }
}

/// Alertmanager's functions and methods, on top of Go's builtins.
pub fn registry() -> Arc<Registry> {
    static REGISTRY: OnceLock<Arc<Registry>> = OnceLock::new();
    REGISTRY
        .get_or_init(|| {
            let mut r = builtins::registry();
            textfuncs::register(&mut r, |s| strings::cases_title(s, true));
            r.func("join", &[STRING, STRING_SLICE], None, |a, _| {
                Ok(Value::str(&strs(&a[1]).join(a[0].as_str().unwrap_or(""))))
            });
            r.func("stringSlice", &[], Some(STRING), |a, _| {
                Ok(string_slice(a.iter().map(|s| s.as_str().unwrap_or("").to_string())))
            });
            r.method(KV, "SortedPairs", &[], |a, _| Ok(sorted_pairs(&a[0])));
            r.method(KV, "Names", &[], |a, _| Ok(pair_fields(&sorted_pairs(&a[0]), "Name")));
            r.method(KV, "Values", &[], |a, _| Ok(pair_fields(&sorted_pairs(&a[0]), "Value")));
            r.method(KV, "Remove", &[STRING_SLICE], |a, _| {
                let drop = strs(&a[1]);
                let kept =
                    pairs_of(&a[0]).into_iter().filter(|(k, _)| !drop.iter().any(|d| **d == **k)).collect();
                Ok(Value::Map(Rc::new(Map::new(KV, Value::str(""), kept))))
            });
            r.method(PAIRS, "Names", &[], |a, _| Ok(pair_fields(&a[0], "Name")));
            r.method(PAIRS, "Values", &[], |a, _| Ok(pair_fields(&a[0], "Value")));
            r.method(ALERTS, "Firing", &[], |a, _| Ok(alerts_with_status(&a[0], "firing")));
            r.method(ALERTS, "Resolved", &[], |a, _| Ok(alerts_with_status(&a[0], "resolved")));
            Arc::new(r)
        })
        .clone()
}

/// Parses a notification template text (named "" as Alertmanager names it).
pub fn parse(text: &str) -> Result<Template, String> {
    let options = Options { missing_key: MissingKey::Zero, ..Options::default() };
    Ok(Template::parse("", text, registry())?.with_options(options))
}

/// `ExecuteTextString`: an empty text is empty; otherwise parsed and run on `data`.
pub fn execute_text(text: &str, data: &Data) -> Result<String, String> {
    if text.is_empty() {
        return Ok(String::new());
    }
    parse(text)?.execute(&data.to_value(), &NoHost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_webhook_json_and_renders() {
        let data = Data::from_json(
            r#"{"receiver":"r","status":"firing","alerts":[
                {"status":"firing","labels":{"alertname":"A","b":"2","a":"1"},"annotations":{"d":"x"},
                 "startsAt":"2026-01-06T10:00:00.5Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f"},
                {"status":"resolved","labels":{"alertname":"A"},"startsAt":"2026-01-06T11:00:00+01:00"}],
               "groupLabels":{"alertname":"A"},"commonLabels":{"alertname":"A"},"externalURL":"http://am"}"#,
        )
        .expect("data");
        let render = |t: &str| execute_text(t, &data);
        assert_eq!(
            render("{{ range .Alerts.Firing }}{{ .Labels.SortedPairs }}{{ end }}").as_deref(),
            Ok("[{alertname A} {a 1} {b 2}]")
        );
        assert_eq!(
            render("{{ (index .Alerts 0).StartsAt }}|{{ (index .Alerts 1).StartsAt }}").as_deref(),
            Ok("2026-01-06 10:00:00.5 +0000 UTC|2026-01-06 10:00:00 +0000 UTC")
        );
        assert_eq!(render("{{ (index .Alerts 0).EndsAt }}").as_deref(), Ok("0001-01-01 00:00:00 +0000 UTC"));
        assert_eq!(render("{{ join \", \" (index .Alerts 0).Labels.Names }}|{{ ((index .Alerts 0).Labels.Remove (stringSlice \"a\")).Values }}").as_deref(), Ok("alertname, a, b|[A 2]"));
        assert_eq!(
            render(
                "{{ title \"aa bb CC\" }}|{{ .Alerts.Resolved | len }}|{{ printf \"%T\" .Alerts.Firing }}"
            )
            .as_deref(),
            Ok("Aa Bb Cc|1|[]template.Alert")
        );
        assert_eq!(render("").as_deref(), Ok(""));
        let err = render("{{ .Foo }}").unwrap_err();
        assert_eq!(
            err,
            "template: :1:3: executing \"\" at <.Foo>: can't evaluate field Foo in type template.Data"
        );
    }
}
