//! The credentials a remote source takes (a bearer token, basic auth, Mimir's
//! `X-Scope-OrgID`), as the headers every request carries, kept in this tab's session
//! storage only: they leave with the tab, and never enter the URL or local storage.

use crate::remote::api::parse_header;

/// The session-storage entry.
const KEY: &str = "promplay-remote-auth";

/// The credential fields as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Auth {
    pub bearer: String,
    pub user: String,
    pub password: String,
    pub org: String,
}

impl Auth {
    /// The headers these credentials make (checked: one line each, nothing smuggled).
    pub fn headers(&self) -> Result<Vec<(String, String)>, String> {
        let mut lines = Vec::new();
        match (self.bearer.trim(), self.user.trim()) {
            ("", "") => {}
            (token, "") => lines.push(format!("Authorization: Bearer {token}")),
            ("", user) => {
                let pair = format!("{user}:{}", self.password);
                let encoded = web_sys::window()
                    .and_then(|w| w.btoa(&pair).ok())
                    .ok_or("basic auth: the user name and password must be plain ASCII text")?;
                lines.push(format!("Authorization: Basic {encoded}"));
            }
            _ => return Err("give a bearer token or a user name for basic auth, not both".into()),
        }
        if !self.org.trim().is_empty() {
            lines.push(format!("X-Scope-OrgID: {}", self.org.trim()));
        }
        lines.iter().map(|l| parse_header(l)).collect()
    }

    /// The fields this tab saved, if any.
    pub fn load() -> Auth {
        let text = storage().and_then(|s| s.get_item(KEY).ok().flatten()).unwrap_or_default();
        let mut fields = text.split('\n').map(str::to_string);
        let mut next = || fields.next().unwrap_or_default();
        Auth { bearer: next(), user: next(), password: next(), org: next() }
    }

    /// Keeps the fields for this tab (or forgets them when all are empty).
    pub fn save(&self) {
        let Some(s) = storage() else { return };
        if *self == Auth::default() {
            let _ = s.remove_item(KEY);
        } else {
            let text = [&self.bearer, &self.user, &self.password, &self.org].map(|f| f.replace('\n', "")).join("\n");
            let _ = s.set_item(KEY, &text);
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}
