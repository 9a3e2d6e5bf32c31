//! Shared by the tests that backfill a dataset with the real `promtool`: a scratch directory
//! that is removed when the test passes (a backfilled TSDB is hundreds of MB; CI disks are
//! finite) and kept for inspection when it fails, and a `promtool` runner that fails loudly.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh directory under the target directory, deleted on drop unless the test panicked.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept for inspection: {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Runs Debian's promtool and returns stdout and stderr together; panics when it fails.
pub fn promtool(args: &[&str]) -> String {
    let out = Command::new("promtool").args(args).output().unwrap_or_else(|e| {
        panic!("cannot run promtool ({e}): install Debian's prometheus package (scripts/test.sh promtool_backfill does)")
    });
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "promtool {args:?} failed:\n{text}");
    text
}
