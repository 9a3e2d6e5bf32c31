//! Why a remote request failed, in words that say what to do: each failure a learner meets
//! when pointing the tools at a real server (wrong address, auth, a path that is not the API,
//! a proxy's HTML page, a refused query) gets its own message.

use std::fmt;

use serde_json::Value as Json;

/// A failed remote request.
#[derive(Clone, Debug, PartialEq)]
pub enum RemoteError {
    /// The address itself is wrong.
    BadUrl(String),
    /// Nothing answered (refused connection, unknown host, TLS failure).
    Unreachable { url: String, detail: String },
    /// No answer within the time allowed.
    Timeout { url: String, seconds: u64 },
    /// The browser refused to read the answer: the server does not allow this site's origin.
    Blocked { url: String, origin: String },
    /// 401 or 403: credentials missing or refused.
    Unauthorized { url: String, status: u16 },
    /// 404: no Prometheus API at this path.
    NotFound { url: String },
    /// An answer that is not the Prometheus API's JSON (a login page, a proxy's error).
    NotPrometheus { url: String, status: u16, detail: String },
    /// The API refused the request (`"status":"error"`): its errorType and message.
    Api { error_type: String, error: String },
    /// The answer is larger than the cap the caller set.
    TooLarge { what: String, limit: String },
}

impl fmt::Display for RemoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RemoteError::BadUrl(why) => write!(f, "bad address {why}"),
            RemoteError::Unreachable { url, detail } => write!(
                f,
                "cannot reach {url} ({detail}): check the address and port, and that the server is running"
            ),
            RemoteError::Timeout { url, seconds } => write!(
                f,
                "{url} did not answer within {seconds} s: the server is busy or the query too heavy \
                 (narrow the time range or raise the timeout)"
            ),
            RemoteError::Blocked { url, origin } => write!(
                f,
                "the browser blocked the answer from {url}: the server does not allow requests from \
                 {origin} (CORS). Start Prometheus with --web.cors.origin='{}' (a regular \
                 expression); Thanos Query allows every origin unless started with --web.disable-cors; \
                 for Mimir or Cortex, have the gateway or proxy in front of it add \
                 Access-Control-Allow-Origin for this origin",
                regex_escape(origin)
            ),
            RemoteError::Unauthorized { url, status } => write!(
                f,
                "{url} answered {status} {}: add the credentials it expects (an Authorization header \
                 with a bearer token or basic auth; X-Scope-OrgID for Mimir's tenants)",
                if *status == 401 { "Unauthorized" } else { "Forbidden" }
            ),
            RemoteError::NotFound { url } => write!(
                f,
                "{url} answered 404: there is no Prometheus API at this path. Give the address the API \
                 lives under: http://host:9090 for Prometheus, http://host:10902 for Thanos Query, \
                 http://host/prometheus for Mimir"
            ),
            RemoteError::NotPrometheus { url, status, detail } => write!(
                f,
                "{url} answered {status} with something that is not Prometheus's API ({detail}): is \
                 this a login page or a proxy in front of the server?"
            ),
            RemoteError::Api { error_type, error } => {
                write!(f, "the server refused the query ({error_type}): {error}")
            }
            RemoteError::TooLarge { what, limit } => write!(f, "{what} is larger than the {limit} allowed"),
        }
    }
}

impl std::error::Error for RemoteError {}

/// `origin` as a regular expression matching only itself (for `--web.cors.origin`).
fn regex_escape(origin: &str) -> String {
    origin.chars().fold(String::new(), |mut s, c| {
        if ".+*?()[]{}|^$\\".contains(c) {
            s.push('\\');
        }
        s.push(c);
        s
    })
}

/// Reads an API answer: the JSON envelope when it is one (`status` success or error, whatever
/// the HTTP status: Prometheus answers refused queries with 400/422/503 and a JSON body), else
/// the failure its HTTP status means.
pub fn read_envelope(url: &str, status: u16, body: &str) -> Result<Json, RemoteError> {
    let json: Option<Json> = serde_json::from_str(body).ok();
    match json.as_ref().and_then(|j| j.get("status")).and_then(Json::as_str) {
        Some("success") => return Ok(json.unwrap_or(Json::Null)),
        Some("error") => {
            let field = |k: &str| {
                json.as_ref().and_then(|j| j.get(k)).and_then(Json::as_str).unwrap_or("").to_string()
            };
            return Err(RemoteError::Api { error_type: field("errorType"), error: field("error") });
        }
        _ => {}
    }
    let url = url.to_string();
    Err(match status {
        401 | 403 => RemoteError::Unauthorized { url, status },
        404 => RemoteError::NotFound { url },
        _ => {
            let detail = if json.is_some() {
                "JSON without a \"status\" field".to_string()
            } else {
                let start: String = body.trim().chars().take(60).collect();
                if start.is_empty() {
                    "an empty body".into()
                } else {
                    format!("it begins {start:?}")
                }
            };
            RemoteError::NotPrometheus { url, status, detail }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_answer_reads_as_what_it_is() {
        let ok = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert!(read_envelope("u", 200, ok).is_ok());
        let refused = r#"{"status":"error","errorType":"bad_data","error":"parse error at char 3"}"#;
        assert_eq!(
            read_envelope("u", 400, refused),
            Err(RemoteError::Api { error_type: "bad_data".into(), error: "parse error at char 3".into() })
        );
        assert!(matches!(read_envelope("u", 401, "no"), Err(RemoteError::Unauthorized { status: 401, .. })));
        assert!(matches!(read_envelope("u", 403, ""), Err(RemoteError::Unauthorized { status: 403, .. })));
        assert!(matches!(read_envelope("u", 404, "404 page not found"), Err(RemoteError::NotFound { .. })));
        let html = read_envelope("u", 200, "<!DOCTYPE html><title>Sign in</title>").unwrap_err();
        assert!(html.to_string().contains("login page"), "{html}");
        assert!(matches!(read_envelope("u", 200, "{}"), Err(RemoteError::NotPrometheus { .. })));
    }

    #[test]
    fn the_cors_message_names_the_flag_and_the_origin() {
        let e = RemoteError::Blocked { url: "http://p:9090".into(), origin: "https://a.github.io".into() };
        let text = e.to_string();
        assert!(text.contains("--web.cors.origin='https://a\\.github\\.io'"), "{text}");
    }
}
