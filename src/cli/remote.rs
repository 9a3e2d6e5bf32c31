//! `--remote URL [--header 'Name: value']...`: the command line's native HTTP client for a
//! Prometheus-compatible API (HTTP and HTTPS), with the failures worded by
//! [`crate::remote::RemoteError`].

use std::io::Read;
use std::time::Duration;

use crate::remote::api::{parse_header, QueryCall};
use crate::remote::error::read_envelope;
use crate::remote::outcome::{from_api_body, Outcome, RawSeries};
use crate::remote::{RemoteError, Source};

use super::{Args, CliError};

/// The flags this module reads (`header` may repeat).
pub const FLAGS: [&str; 3] = ["remote", "header*", "timeout"];

/// The usage lines of the remote flags (a macro, so that `concat!` splices it into a
/// command's usage text).
macro_rules! remote_usage {
    () => {
        "\x20 --remote URL   a Prometheus-compatible API (Prometheus, Thanos Query, Mimir's\n\
        \x20                /prometheus, VictoriaMetrics)\n\
        \x20 --header H     'Name: value' sent with every remote request (repeatable): a bearer\n\
        \x20                token, basic auth, X-Scope-OrgID\n\
        \x20 --timeout D    remote request timeout (default 2m)\n"
    };
}
pub(crate) use remote_usage;

/// Largest answer read (a raw-series fetch of a big window can be large).
const MAX_BODY: u64 = 512 << 20;

/// A remote API reached over the network.
pub struct Remote {
    pub source: Source,
    agent: ureq::Agent,
    timeout: Duration,
}

/// The remote the flags name, if any.
pub fn from_args(args: &Args) -> Result<Option<Remote>, CliError> {
    let Some(url) = args.get("remote") else {
        if !args.all("header").is_empty() {
            return Err(CliError::usage("--header needs --remote"));
        }
        return Ok(None);
    };
    let headers = args.all("header").into_iter().map(parse_header).collect::<Result<Vec<_>, _>>();
    let source =
        Source::new(url, headers.map_err(CliError::Usage)?).map_err(|e| CliError::usage(e.to_string()))?;
    let timeout = match args.get("timeout") {
        Some(t) => super::time::parse_step(t).map_err(CliError::Usage)?,
        None => 120_000,
    };
    let timeout = Duration::from_millis(timeout.max(1) as u64);
    let agent = ureq::AgentBuilder::new().timeout(timeout).build();
    Ok(Some(Remote { source, agent, timeout }))
}

impl Remote {
    /// GETs `url`: the HTTP status and body, whatever the status.
    pub fn get(&self, url: &str) -> Result<(u16, String), RemoteError> {
        let mut request = self.agent.get(url);
        for (name, value) in &self.source.headers {
            request = request.set(name, value);
        }
        let response = match request.call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => {
                let detail = t.to_string();
                // ureq names the URL itself; the message names it once.
                let detail = detail.strip_prefix(&format!("{url}: ")).unwrap_or(&detail).to_string();
                return Err(if detail.contains("timed out") || detail.contains("Timeout") {
                    RemoteError::Timeout { url: url.to_string(), seconds: self.timeout.as_secs().max(1) }
                } else {
                    RemoteError::Unreachable { url: url.to_string(), detail }
                });
            }
        };
        let status = response.status();
        let mut body = String::new();
        let read = response.into_reader().take(MAX_BODY + 1).read_to_string(&mut body);
        read.map_err(|e| RemoteError::NotPrometheus {
            url: url.to_string(),
            status,
            detail: format!("the body could not be read: {e}"),
        })?;
        if body.len() as u64 > MAX_BODY {
            return Err(RemoteError::TooLarge {
                what: format!("the answer of {url}"),
                limit: "512 MiB".into(),
            });
        }
        Ok((status, body))
    }

    /// Runs a query: its body, unchanged, when it is the API's JSON (success or a refusal);
    /// an error for anything else (unreachable, auth, not an API).
    pub fn query_body(&self, call: &QueryCall) -> Result<String, RemoteError> {
        let url = call.url(&self.source);
        let (status, body) = self.get(&url)?;
        match read_envelope(&url, status, &body) {
            Ok(_) | Err(RemoteError::Api { .. }) => Ok(body),
            Err(e) => Err(e),
        }
    }
}

impl Remote {
    /// The series a range-selector query returns (the raw samples of `query` at `time`), or
    /// why there are none: a failed request, a refusal, an answer that is not a matrix.
    pub fn fetch_matrix(&self, query: &str, time: i64) -> Result<RawSeries, String> {
        let call = QueryCall::Instant { query: query.to_string(), time };
        let body = self.query_body(&call).map_err(|e| format!("fetching {query}: {e}"))?;
        match from_api_body(&body)? {
            Outcome::Matrix(m) => Ok(m),
            Outcome::Error(t, e) => Err(format!("fetching {query}: the server refused it ({t}): {e}")),
            other => Err(format!("fetching {query}: not a matrix: {other:?}")),
        }
    }
}

/// Prints a remote query's body unchanged; exit code 0 when it succeeded, 1 when the API
/// refused it (like the local commands).
pub fn print_query(remote: &Remote, call: &QueryCall, out: &mut dyn std::io::Write) -> Result<i32, CliError> {
    let body = remote.query_body(call).map_err(|e| CliError::failed(e.to_string()))?;
    writeln!(out, "{}", body.trim_end())?;
    let failed = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|j| j.get("status").and_then(|s| s.as_str()).map(|s| s != "success"))
        .unwrap_or(true);
    Ok(i32::from(failed))
}
