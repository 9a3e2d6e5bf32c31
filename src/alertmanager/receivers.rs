//! Receivers as the simulation needs them: a name and its integrations (`webhook_configs`,
//! `slack_configs`, ...), each with its kind, index and `send_resolved`, plus the plain text
//! fields a notification is rendered from (`title`, `text`). Every field Alertmanager 0.25
//! knows is decoded and checked the way it checks them (unknown fields, bad URLs, the
//! required keys and the global defaults), but secrets and URLs are never kept: only whether
//! they were given.

use super::yaml_v2::{node_is_null, Decoder};
use crate::rules::yaml::Node;

/// The integration kinds, in the order Alertmanager builds a receiver's integrations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    Webhook,
    Email,
    Pagerduty,
    OpsGenie,
    Wechat,
    Slack,
    VictorOps,
    Pushover,
    Sns,
    Telegram,
    Discord,
    Webex,
}

impl Kind {
    /// The integration's name in Alertmanager (`slack`), as the notification log keys it.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    fn spec(self) -> &'static Spec {
        SPECS.iter().find(|s| s.kind == self).unwrap_or(&SPECS[0])
    }
}

/// How a field's value is decoded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Value {
    /// Plain text, kept (templates such as `title`, `text`, `channel`).
    Text,
    /// A secret or a file name: checked as a string, never kept.
    Secret,
    Bool,
    /// `*URL`: must be http(s) with a host.
    Url,
    /// `*SecretURL`: a URL, or the literal `<secret>`.
    SecretUrl,
    /// `map[string]string`.
    Map,
    /// An integer (`max_alerts`, `chat_id`).
    Int,
    /// `host:port`.
    HostPort,
    /// Nested structures checked no further (`http_config`, `tls_config`, `fields`).
    Opaque,
}

use Value::*;

/// What Alertmanager 0.25 accepts under one `*_configs` key.
struct Spec {
    kind: Kind,
    key: &'static str,
    name: &'static str,
    go_type: &'static str,
    send_resolved: bool,
    fields: &'static [(&'static str, Value)],
}

const HTTP: (&str, Value) = ("http_config", Opaque);
const RESOLVED: (&str, Value) = ("send_resolved", Bool);

const SPECS: &[Spec] = &[
    Spec {
        kind: Kind::Webhook,
        key: "webhook_configs",
        name: "webhook",
        go_type: "[]*config.WebhookConfig",
        send_resolved: true,
        fields: &[RESOLVED, HTTP, ("url", Url), ("max_alerts", Int)],
    },
    Spec {
        kind: Kind::Email,
        key: "email_configs",
        name: "email",
        go_type: "[]*config.EmailConfig",
        send_resolved: false,
        fields: &[
            RESOLVED,
            ("to", Text),
            ("from", Text),
            ("hello", Text),
            ("smarthost", HostPort),
            ("auth_username", Secret),
            ("auth_password", Secret),
            ("auth_password_file", Secret),
            ("auth_secret", Secret),
            ("auth_identity", Secret),
            ("headers", Map),
            ("html", Text),
            ("text", Text),
            ("require_tls", Bool),
            ("tls_config", Opaque),
        ],
    },
    Spec {
        kind: Kind::Pagerduty,
        key: "pagerduty_configs",
        name: "pagerduty",
        go_type: "[]*config.PagerdutyConfig",
        send_resolved: true,
        fields: &[
            RESOLVED,
            HTTP,
            ("service_key", Secret),
            ("service_key_file", Secret),
            ("routing_key", Secret),
            ("routing_key_file", Secret),
            ("url", Url),
            ("client", Text),
            ("client_url", Text),
            ("description", Text),
            ("details", Map),
            ("images", Opaque),
            ("links", Opaque),
            ("source", Text),
            ("severity", Text),
            ("class", Text),
            ("component", Text),
            ("group", Text),
        ],
    },
    Spec {
        kind: Kind::OpsGenie,
        key: "opsgenie_configs",
        name: "opsgenie",
        go_type: "[]*config.OpsGenieConfig",
        send_resolved: true,
        fields: &[
            RESOLVED,
            HTTP,
            ("api_key", Secret),
            ("api_key_file", Secret),
            ("api_url", Url),
            ("message", Text),
            ("description", Text),
            ("source", Text),
            ("details", Map),
            ("entity", Text),
            ("responders", Opaque),
            ("actions", Text),
            ("tags", Text),
            ("note", Text),
            ("priority", Text),
            ("update_alerts", Bool),
        ],
    },
    Spec {
        kind: Kind::Wechat,
        key: "wechat_configs",
        name: "wechat",
        go_type: "[]*config.WechatConfig",
        send_resolved: false,
        fields: &[
            RESOLVED,
            HTTP,
            ("api_secret", Secret),
            ("corp_id", Secret),
            ("message", Text),
            ("api_url", Url),
            ("to_user", Text),
            ("to_party", Text),
            ("to_tag", Text),
            ("agent_id", Text),
            ("message_type", Text),
        ],
    },
    Spec {
        kind: Kind::Slack,
        key: "slack_configs",
        name: "slack",
        go_type: "[]*config.SlackConfig",
        send_resolved: false,
        fields: &[
            RESOLVED,
            HTTP,
            ("api_url", SecretUrl),
            ("api_url_file", Secret),
            ("channel", Text),
            ("username", Text),
            ("color", Text),
            ("title", Text),
            ("title_link", Text),
            ("pretext", Text),
            ("text", Text),
            ("fields", Opaque),
            ("short_fields", Bool),
            ("footer", Text),
            ("fallback", Text),
            ("callback_id", Text),
            ("icon_emoji", Text),
            ("icon_url", Text),
            ("image_url", Text),
            ("thumb_url", Text),
            ("link_names", Bool),
            ("mrkdwn_in", Opaque),
            ("actions", Opaque),
        ],
    },
    Spec {
        kind: Kind::VictorOps,
        key: "victorops_configs",
        name: "victorops",
        go_type: "[]*config.VictorOpsConfig",
        send_resolved: true,
        fields: &[
            RESOLVED,
            HTTP,
            ("api_key", Secret),
            ("api_key_file", Secret),
            ("api_url", Url),
            ("routing_key", Text),
            ("message_type", Text),
            ("state_message", Text),
            ("entity_display_name", Text),
            ("monitoring_tool", Text),
            ("custom_fields", Map),
        ],
    },
    Spec {
        kind: Kind::Pushover,
        key: "pushover_configs",
        name: "pushover",
        go_type: "[]*config.PushoverConfig",
        send_resolved: true,
        fields: &[
            RESOLVED,
            HTTP,
            ("user_key", Secret),
            ("token", Secret),
            ("title", Text),
            ("message", Text),
            ("url", Text),
            ("url_title", Text),
            ("sound", Text),
            ("priority", Text),
            ("retry", Opaque),
            ("expire", Opaque),
            ("html", Bool),
        ],
    },
    Spec {
        kind: Kind::Sns,
        key: "sns_configs",
        name: "sns",
        go_type: "[]*config.SNSConfig",
        send_resolved: true,
        fields: &[
            RESOLVED,
            HTTP,
            ("api_url", Text),
            ("sigv4", Opaque),
            ("topic_arn", Text),
            ("phone_number", Secret),
            ("target_arn", Text),
            ("subject", Text),
            ("message", Text),
            ("attributes", Map),
        ],
    },
    Spec {
        kind: Kind::Telegram,
        key: "telegram_configs",
        name: "telegram",
        go_type: "[]*config.TelegramConfig",
        send_resolved: true,
        fields: &[
            RESOLVED,
            HTTP,
            ("api_url", Url),
            ("bot_token", Secret),
            ("chat_id", Int),
            ("message", Text),
            ("disable_notifications", Bool),
            ("parse_mode", Text),
        ],
    },
    Spec {
        kind: Kind::Discord,
        key: "discord_configs",
        name: "discord",
        go_type: "[]*config.DiscordConfig",
        send_resolved: true,
        fields: &[RESOLVED, HTTP, ("webhook_url", SecretUrl), ("title", Text), ("message", Text)],
    },
    Spec {
        kind: Kind::Webex,
        key: "webex_configs",
        name: "webex",
        go_type: "[]*config.WebexConfig",
        send_resolved: true,
        fields: &[RESOLVED, HTTP, ("api_url", Url), ("message", Text), ("room_id", Text)],
    },
];

/// One integration of a receiver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Integration {
    pub kind: Kind,
    /// Its position among the receiver's integrations of the same kind.
    pub index: usize,
    pub send_resolved: bool,
    /// The plain text fields as written (`title`, `text`, ...); secrets and URLs are left out.
    pub text: Vec<(String, String)>,
    /// The fields that were given, by name (secrets and URLs included, values not kept).
    given: Vec<&'static str>,
}

impl Integration {
    /// A plain text field as written.
    pub fn text_field(&self, name: &str) -> Option<&str> {
        self.text.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn has(&self, name: &str) -> bool {
        self.given.contains(&name)
    }
}

/// A receiver: its name and integrations, in Alertmanager's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receiver {
    pub name: String,
    pub integrations: Vec<Integration>,
    pub line: usize,
}

impl Receiver {
    /// `slack`, `webhook ×2`: the kinds of the integrations, for display.
    pub fn kinds(&self) -> Vec<Kind> {
        let mut kinds: Vec<Kind> = self.integrations.iter().map(|i| i.kind).collect();
        kinds.dedup();
        kinds
    }
}

/// The global settings receivers fall back on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GlobalDefaults {
    pub smtp_smarthost: bool,
    pub smtp_from: bool,
    pub slack_api_url: bool,
    pub opsgenie_api_key: bool,
    pub wechat_api_secret: bool,
    pub wechat_api_corp_id: bool,
    pub victorops_api_key: bool,
}

/// Decodes one `receivers:` entry (`config.Receiver`).
pub fn decode(d: &mut Decoder, node: &Node) -> Receiver {
    let before = d.checkpoint();
    let mut known = vec!["name"];
    known.extend(SPECS.iter().map(|s| s.key));
    let mut receiver = Receiver { name: String::new(), integrations: Vec::new(), line: node.line };
    for (key, value) in d.fields(node, "config.plain", &known) {
        if d.failed() {
            return receiver;
        }
        if key == "name" {
            receiver.name = d.string(value);
            continue;
        }
        let Some(spec) = SPECS.iter().find(|s| s.key == key) else { continue };
        let items = d.seq(value, spec.go_type);
        for (index, item) in items.iter().enumerate() {
            if d.failed() {
                return receiver;
            }
            if let Some(integration) = integration(d, spec, index, item) {
                receiver.integrations.push(integration);
            }
        }
    }
    // Alertmanager builds integrations kind by kind in this order.
    receiver.integrations.sort_by_key(|i| (i.kind, i.index));
    if d.clean_since(before) && receiver.name.is_empty() {
        d.fail(node, "missing name in receiver");
    }
    receiver
}

fn integration(d: &mut Decoder, spec: &Spec, index: usize, node: &Node) -> Option<Integration> {
    let before = d.checkpoint();
    let names: Vec<&str> = spec.fields.iter().map(|(n, _)| *n).collect();
    let mut out = Integration {
        kind: spec.kind,
        index,
        send_resolved: spec.send_resolved,
        text: Vec::new(),
        given: Vec::new(),
    };
    for (key, value) in d.fields(node, "config.plain", &names) {
        if d.failed() {
            return None;
        }
        let Some(&(name, kind)) = spec.fields.iter().find(|(n, _)| *n == key) else { continue };
        if node_is_null(value) {
            continue;
        }
        if field(d, kind, value, &mut out, name) {
            out.given.push(name);
        }
    }
    if !d.clean_since(before) {
        return None;
    }
    if let Some(message) = own_check(&out) {
        d.fail(node, message);
        return None;
    }
    Some(out)
}

/// Decodes one field; false when it turned out empty (an empty string is as good as absent).
fn field(d: &mut Decoder, kind: Value, value: &Node, out: &mut Integration, name: &'static str) -> bool {
    match kind {
        Text => {
            let text = d.string(value);
            let given = !text.is_empty();
            out.text.push((name.to_string(), text));
            given
        }
        Secret => !d.string(value).is_empty(),
        Bool => {
            let b = d.bool(value);
            if name == "send_resolved" {
                out.send_resolved = b;
            }
            true
        }
        Url | SecretUrl => {
            let text = d.string(value);
            if !(kind == SecretUrl && text == "<secret>") {
                d.url(value, &text, check_url);
            }
            true
        }
        Map => !d.string_map(value).is_empty(),
        Int => d.int(value, if name == "chat_id" { "int64" } else { "uint64" }) != 0,
        HostPort => {
            let text = d.string(value);
            if let Err(e) = check_host_port(&text) {
                d.fail(value, e);
            }
            !text.is_empty()
        }
        Opaque => true,
    }
}

/// The integration's own `UnmarshalYAML` checks.
fn own_check(i: &Integration) -> Option<String> {
    let text = |n: &str| i.text_field(n).unwrap_or("");
    let msg = match i.kind {
        Kind::Webhook if !i.has("url") => "missing URL in webhook config",
        Kind::Email if !i.has("to") => "missing to address in email config",
        Kind::Pagerduty => {
            let keys = ["routing_key", "service_key", "routing_key_file", "service_key_file"];
            if !keys.iter().any(|k| i.has(k)) {
                "missing service or routing key in PagerDuty config"
            } else if i.has("routing_key") && i.has("routing_key_file") {
                "at most one of routing_key & routing_key_file must be configured"
            } else if i.has("service_key") && i.has("service_key_file") {
                "at most one of service_key & service_key_file must be configured"
            } else {
                return None;
            }
        }
        Kind::Slack if i.has("api_url") && i.has("api_url_file") => {
            "at most one of api_url & api_url_file must be configured"
        }
        Kind::OpsGenie if i.has("api_key") && i.has("api_key_file") => {
            "at most one of api_key & api_key_file must be configured"
        }
        Kind::Wechat if !matches!(text("message_type"), "" | "text" | "markdown") => {
            return Some(format!(
                "weChat message type {:?} does not match valid options ^(text|markdown)$",
                text("message_type")
            ))
        }
        Kind::VictorOps if !i.has("routing_key") => "missing Routing key in VictorOps config",
        Kind::VictorOps if i.has("api_key") && i.has("api_key_file") => {
            "at most one of api_key & api_key_file must be configured"
        }
        Kind::Pushover if !i.has("user_key") => "missing user key in Pushover config",
        Kind::Pushover if !i.has("token") => "missing token in Pushover config",
        Kind::Sns => {
            let (t, topic, p) = (!i.has("target_arn"), !i.has("topic_arn"), !i.has("phone_number"));
            if (t != topic) != p {
                "must provide either a Target ARN, Topic ARN, or Phone Number for SNS config"
            } else {
                return None;
            }
        }
        Kind::Telegram if !i.has("bot_token") => "missing bot_token on telegram_config",
        Kind::Telegram if !i.has("chat_id") => "missing chat_id on telegram_config",
        Kind::Telegram if !matches!(text("parse_mode"), "" | "Markdown" | "MarkdownV2" | "HTML") => {
            "unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string"
        }
        Kind::Webex if !i.has("room_id") => "missing room_id on webex_config",
        Kind::Webex if !i.has("http_config") => "missing webex_configs.http_config.authorization",
        _ => return None,
    };
    Some(msg.to_string())
}

/// The configuration-level checks of a receiver's integrations against the global defaults
/// (`no global SMTP smarthost set`, ...), in Alertmanager's order.
pub fn check_against_globals(r: &Receiver, g: &GlobalDefaults) -> Option<&'static str> {
    // Config.UnmarshalYAML's order, which differs from the order integrations are built in.
    let order = [
        Kind::Webhook,
        Kind::Email,
        Kind::Slack,
        Kind::Pushover,
        Kind::Pagerduty,
        Kind::OpsGenie,
        Kind::Wechat,
        Kind::VictorOps,
        Kind::Sns,
        Kind::Telegram,
        Kind::Discord,
        Kind::Webex,
    ];
    let in_order = order.iter().flat_map(|k| r.integrations.iter().filter(move |i| i.kind == *k));
    for i in in_order {
        let msg = match i.kind {
            Kind::Email if !i.has("smarthost") && !g.smtp_smarthost => "no global SMTP smarthost set",
            Kind::Email if !i.has("from") && !g.smtp_from => "no global SMTP from set",
            Kind::Slack if !i.has("api_url") && !i.has("api_url_file") && !g.slack_api_url => {
                "no global Slack API URL set either inline or in a file"
            }
            Kind::OpsGenie if !i.has("api_key") && !i.has("api_key_file") && !g.opsgenie_api_key => {
                "no global OpsGenie API Key set either inline or in a file"
            }
            Kind::Wechat if !i.has("api_secret") && !g.wechat_api_secret => "no global Wechat ApiSecret set",
            Kind::Wechat if !i.has("corp_id") && !g.wechat_api_corp_id => "no global Wechat CorpID set",
            Kind::VictorOps if !i.has("api_key") && !i.has("api_key_file") && !g.victorops_api_key => {
                "no global VictorOps API Key set"
            }
            Kind::Discord if !i.has("webhook_url") => "no discord webhook URL provided",
            _ => continue,
        };
        return Some(msg);
    }
    None
}

/// Alertmanager's `parseURL`: an `http` or `https` scheme and a host.
pub fn check_url(s: &str) -> Result<(), String> {
    let scheme = match s.split_once(':') {
        Some((scheme, _))
            if scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            scheme.to_ascii_lowercase()
        }
        _ => String::new(),
    };
    if scheme != "http" && scheme != "https" {
        return Err(format!("unsupported scheme {scheme:?} for URL"));
    }
    let rest = &s[scheme.len() + 1..];
    let host = rest.strip_prefix("//").map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    let host = host.map(|h| h.rsplit('@').next().unwrap_or(""));
    if host.is_none_or(|h| h.is_empty()) {
        return Err("missing host for URL".into());
    }
    Ok(())
}

/// Go's `net.SplitHostPort` as the SMTP smarthost is read.
fn check_host_port(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Ok(());
    }
    match s.rsplit_once(':') {
        None => Err(format!("address {s}: missing port in address")),
        Some((_, "")) => Err(format!("address {s:?}: port cannot be empty")),
        Some((host, _)) if host.contains(':') && !host.starts_with('[') => {
            Err(format!("address {s}: too many colons in address"))
        }
        Some(_) => Ok(()),
    }
}

/// The global keys a `global:` block may hold (`config.GlobalConfig`), and which of them are
/// receiver defaults worth remembering.
pub const GLOBAL_FIELDS: &[&str] = &[
    "resolve_timeout",
    "http_config",
    "smtp_from",
    "smtp_hello",
    "smtp_smarthost",
    "smtp_auth_username",
    "smtp_auth_password",
    "smtp_auth_password_file",
    "smtp_auth_secret",
    "smtp_auth_identity",
    "smtp_require_tls",
    "slack_api_url",
    "slack_api_url_file",
    "pagerduty_url",
    "opsgenie_api_url",
    "opsgenie_api_key",
    "opsgenie_api_key_file",
    "wechat_api_url",
    "wechat_api_secret",
    "wechat_api_corp_id",
    "victorops_api_url",
    "victorops_api_key",
    "victorops_api_key_file",
    "telegram_api_url",
    "webex_api_url",
];

/// Decodes one global field other than `resolve_timeout` into `g` (values are checked and
/// dropped; only whether a default was given is kept).
pub fn decode_global_field(d: &mut Decoder, key: &str, value: &Node, g: &mut GlobalDefaults) {
    if node_is_null(value) {
        return;
    }
    match key {
        "http_config" => {}
        "smtp_require_tls" => {
            d.bool(value);
        }
        "smtp_smarthost" => {
            let text = d.string(value);
            if let Err(e) = check_host_port(&text) {
                d.fail(value, e);
            }
            g.smtp_smarthost = !text.is_empty();
        }
        "slack_api_url" | "pagerduty_url" | "opsgenie_api_url" | "wechat_api_url" | "victorops_api_url"
        | "telegram_api_url" | "webex_api_url" => {
            let text = d.string(value);
            if !(key == "slack_api_url" && text == "<secret>") {
                d.url(value, &text, check_url);
            }
            g.slack_api_url |= key == "slack_api_url";
        }
        _ => {
            let given = !d.string(value).is_empty();
            match key {
                "smtp_from" => g.smtp_from = given,
                "slack_api_url_file" => g.slack_api_url |= given,
                "opsgenie_api_key" | "opsgenie_api_key_file" => g.opsgenie_api_key |= given,
                "wechat_api_secret" => g.wechat_api_secret = given,
                "wechat_api_corp_id" => g.wechat_api_corp_id = given,
                "victorops_api_key" | "victorops_api_key_file" => g.victorops_api_key |= given,
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::yaml_v2::Offset;
    use super::*;
    use crate::rules::yaml::parse;

    fn receiver(text: &str) -> Result<Receiver, String> {
        let node = parse(text).unwrap().unwrap();
        let mut d = Decoder::new(Offset::default());
        let r = decode(&mut d, &node);
        match d.finish() {
            Some(e) => Err(e.message()),
            None => Ok(r),
        }
    }

    #[test]
    fn kinds_defaults_and_texts() {
        let r = receiver(
            "name: mixed\nslack_configs:\n- api_url: https://hooks.slack.com/x\n  text: '{{ .Status }}'\nwebhook_configs:\n- url: http://127.0.0.1:9/\n  send_resolved: false\n",
        )
        .unwrap();
        assert_eq!(r.kinds(), [Kind::Webhook, Kind::Slack]);
        assert!(!r.integrations[0].send_resolved);
        assert!(!r.integrations[1].send_resolved, "slack defaults to false");
        assert_eq!(r.integrations[1].text_field("text"), Some("{{ .Status }}"));
        assert!(r.integrations[1].text.iter().all(|(k, _)| k != "api_url"), "URLs are not kept");
    }

    #[test]
    fn checks_read_like_alertmanager() {
        for (text, want) in [
            (
                "name: s\nslack_configs:\n- api_url: '<slack-webhook-url>'\n",
                "unsupported scheme \"\" for URL",
            ),
            ("name: w\nwebhook_configs:\n- send_resolved: true\n", "missing URL in webhook config"),
            ("name: w\nwebhook_configs:\n- url: 'http:///x'\n", "missing host for URL"),
            (
                "name: p\npagerduty_configs:\n- client: x\n",
                "missing service or routing key in PagerDuty config",
            ),
            ("name: e\nemail_configs:\n- from: a@b\n", "missing to address in email config"),
            ("name: ''\n", "missing name in receiver"),
            (
                "name: w\nwebhook_configs:\n- url: http://x/\n  bogus: 1\n",
                "yaml: unmarshal errors:\n  line 4: field bogus not found in type config.plain",
            ),
        ] {
            assert_eq!(receiver(text).unwrap_err(), want, "{text}");
        }
    }

    #[test]
    fn globals_fill_in_required_settings() {
        let r = receiver("name: e\nemail_configs:\n- to: a@b\n").unwrap();
        let g = GlobalDefaults::default();
        assert_eq!(check_against_globals(&r, &g), Some("no global SMTP smarthost set"));
        let g = GlobalDefaults { smtp_smarthost: true, smtp_from: true, ..g };
        assert_eq!(check_against_globals(&r, &g), None);
    }
}
