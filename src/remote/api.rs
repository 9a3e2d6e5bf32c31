//! The remote API's addresses: a checked base URL, optional headers (bearer tokens, basic
//! auth, Mimir's `X-Scope-OrgID`), and the URL of each endpoint with its parameters.

use crate::engine::Millis;

use super::error::RemoteError;

/// A remote data source: where its API lives and the headers every request carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    base: String,
    pub headers: Vec<(String, String)>,
}

impl Source {
    /// Checks `url` (http or https, no query or fragment; a pasted `/api/v1` suffix and trailing
    /// slashes are dropped, so `http://host:9090/`, `…/prometheus` for Mimir and
    /// `…/api/v1` all work).
    pub fn new(url: &str, headers: Vec<(String, String)>) -> Result<Source, RemoteError> {
        let url = url.trim();
        let bad = |why: &str| RemoteError::BadUrl(format!("{url:?}: {why}"));
        let rest = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
            .ok_or_else(|| bad("give an http:// or https:// address"))?;
        if rest.is_empty() || rest.starts_with('/') {
            return Err(bad("the address has no host"));
        }
        if url.contains(['?', '#']) || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("give the API's base address only (no query, fragment or spaces)"));
        }
        let mut base = url.trim_end_matches('/');
        base = base.strip_suffix("/api/v1").unwrap_or(base).trim_end_matches('/');
        Ok(Source { base: base.to_string(), headers })
    }

    /// The base address (without `/api/v1`).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `<base>/api/v1/<endpoint>?<params>`, the parameters percent-encoded.
    pub fn url(&self, endpoint: &str, params: &[(&str, String)]) -> String {
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", url_encode(v))).collect();
        if query.is_empty() {
            format!("{}/api/v1/{endpoint}", self.base)
        } else {
            format!("{}/api/v1/{endpoint}?{}", self.base, query.join("&"))
        }
    }
}

/// Reads a `Name: value` header as given on a command line (`--header`). Names must be HTTP
/// tokens and values single lines, so a header can never smuggle another one in.
pub fn parse_header(text: &str) -> Result<(String, String), String> {
    let (name, value) =
        text.split_once(':').ok_or_else(|| format!("header {text:?}: write it as Name: value"))?;
    let name = name.trim();
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(token) {
        return Err(format!("header name {name:?} is not a valid HTTP header name"));
    }
    let value = value.trim();
    if value.chars().any(|c| c.is_control()) {
        return Err(format!("header {name}: the value must be one line of text"));
    }
    Ok((name.to_string(), value.to_string()))
}

/// Milliseconds as the API's decimal seconds (`1767571267.500`).
pub fn secs(ms: Millis) -> String {
    format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000))
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A query as the API takes it: the endpoint and its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryCall {
    Instant { query: String, time: Millis },
    Range { query: String, start: Millis, end: Millis, step: Millis },
}

impl QueryCall {
    /// `query` or `query_range`, with its parameters.
    pub fn endpoint(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            QueryCall::Instant { query, time } => {
                ("query", vec![("query", query.clone()), ("time", secs(*time))])
            }
            QueryCall::Range { query, start, end, step } => (
                "query_range",
                vec![
                    ("query", query.clone()),
                    ("start", secs(*start)),
                    ("end", secs(*end)),
                    ("step", secs(*step)),
                ],
            ),
        }
    }

    /// The URL of this query on `source`.
    pub fn url(&self, source: &Source) -> String {
        let (endpoint, params) = self.endpoint();
        source.url(endpoint, &params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_addresses_are_checked_and_normalised() {
        let base = |u: &str| Source::new(u, vec![]).map(|s| s.base().to_string());
        assert_eq!(base("http://127.0.0.1:9090/").as_deref(), Ok("http://127.0.0.1:9090"));
        assert_eq!(
            base("https://mimir.example/prometheus").as_deref(),
            Ok("https://mimir.example/prometheus")
        );
        assert_eq!(base("http://h:9090/api/v1/").as_deref(), Ok("http://h:9090"));
        for bad in ["ftp://h", "h:9090", "http://", "http:///x", "http://h/?q=1", "http://h/#x", "http://h /"]
        {
            assert!(base(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_encode_their_parameters() {
        let s = Source::new("http://h:9090", vec![]).unwrap();
        let call = QueryCall::Instant { query: "sum(rate(x{a=\"b c\"}[5m]))".into(), time: 1_500 };
        assert_eq!(
            call.url(&s),
            "http://h:9090/api/v1/query?query=sum%28rate%28x%7Ba%3D%22b%20c%22%7D%5B5m%5D%29%29&time=1.500"
        );
        assert_eq!(s.url("labels", &[]), "http://h:9090/api/v1/labels");
        assert_eq!(secs(-1), "-1.999");
    }

    #[test]
    fn headers_cannot_smuggle_lines() {
        assert_eq!(parse_header("X-Scope-OrgID: team-a"), Ok(("X-Scope-OrgID".into(), "team-a".into())));
        assert_eq!(parse_header("Authorization:Bearer t"), Ok(("Authorization".into(), "Bearer t".into())));
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("Bad Name: x").is_err());
        assert!(parse_header("X: a\r\nY: b").is_err());
    }
}
