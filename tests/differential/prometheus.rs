//! A real Prometheus (Debian's 2.42) serving a backfilled dataset on 127.0.0.1: promtool turns
//! OpenMetrics into TSDB blocks, the server starts with no scrape targets, and the guard kills
//! it and removes its directory when dropped (also while a failing test unwinds).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use promql_playground::remote::api::url_encode;

/// A running Prometheus; dropping it stops the process and deletes its data.
pub struct Prometheus {
    child: Child,
    port: u16,
    dir: PathBuf,
}

/// Finds an executable: an override from the environment, else the first match on PATH.
fn find_binary(name: &str, env: &str) -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os(env) {
        return Ok(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file()).ok_or_else(|| {
        format!(
            "`{name}` not found on PATH (set {env}, or install Debian's prometheus package: \
             apt-get install -y prometheus; scripts/test.sh does this)"
        )
    })
}

/// A port that was free a moment ago on 127.0.0.1.
fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

impl Prometheus {
    /// Backfills `openmetrics` (text with timestamps) into a fresh TSDB under a directory named
    /// after `tag`, then starts Prometheus on it and waits until it is ready.
    pub fn start(tag: &str, openmetrics: &Path) -> Result<Prometheus, String> {
        let promtool = find_binary("promtool", "PROMTOOL_BIN")?;
        let prometheus = find_binary("prometheus", "PROMETHEUS_BIN")?;
        let dir = std::env::temp_dir().join(format!("promplay-differential-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let data = dir.join("data");
        std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
        let out = Command::new(&promtool)
            .args(["tsdb", "create-blocks-from", "openmetrics", "--quiet"])
            .arg(openmetrics)
            .arg(&data)
            .output()
            .map_err(|e| format!("running promtool: {e}"))?;
        if !out.status.success() {
            return Err(format!("promtool backfill failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        // No scrape targets: the server only serves the backfilled blocks.
        let config = dir.join("prometheus.yml");
        std::fs::write(&config, "global:\n  scrape_interval: 1h\n").map_err(|e| e.to_string())?;
        let port = free_port()?;
        let log = std::fs::File::create(dir.join("prometheus.log")).map_err(|e| e.to_string())?;
        let child = Command::new(&prometheus)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            // Backfilled data is old relative to the clock; keep retention from deleting it.
            .arg("--storage.tsdb.retention.time=100y")
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("starting prometheus: {e}"))?;
        let mut prom = Prometheus { child, port, dir };
        prom.wait_ready()?;
        Ok(prom)
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(90);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("prometheus exited ({status}):\n{}", self.log_tail()));
            }
            if matches!(http_get(self.port, "/-/ready"), Ok((200, _))) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!("prometheus not ready after 90 s:\n{}", self.log_tail()))
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("prometheus.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// The server's base address.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// GET `/api/v1/<endpoint>?<params>` and the response body (JSON, also on HTTP errors).
    pub fn api(&self, endpoint: &str, params: &[(&str, String)]) -> Result<String, String> {
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", url_encode(v))).collect();
        let (_, body) = http_get(self.port, &format!("/api/v1/{endpoint}?{}", query.join("&")))?;
        Ok(body)
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A minimal HTTP/1.0 GET (so the reply is never chunked): status code and body.
fn http_get(port: u16, path: &str) -> Result<(u16, String), String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(120))).map_err(|e| e.to_string())?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("malformed HTTP reply")?;
    let code = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).ok_or("no HTTP status")?;
    Ok((code, body.to_string()))
}
