//! Where a pack comes from, as plain logic the browser code calls: turning a `?pack=` value
//! or a typed URL into an absolute http(s) manifest URL (a hostile value gets a clear
//! error), the remembered pack URLs kept in local storage, and arranging locally picked files
//! into a pack's relative paths.

use crate::content::loader::MemoryFiles;
use crate::content::pack::MANIFEST_FILE;

/// The longest pack URL accepted (a longer `?pack=` value is an error, not a fetch).
pub const MAX_URL_LEN: usize = 2048;

/// How many pack URLs are remembered across visits.
pub const MAX_REMEMBERED: usize = 10;

/// The local-storage key of the remembered pack URLs (a JSON array of strings).
pub const STORAGE_KEY: &str = "promql-playground-packs";

/// The manifest URL for `raw` (absolute, or relative to the page at `page_url`), or why it
/// cannot be one. Only `http:` and `https:` are fetched.
pub fn pack_url(raw: &str, page_url: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("the pack URL is empty".into());
    }
    if raw.len() > MAX_URL_LEN {
        return Err(format!("the pack URL is longer than {MAX_URL_LEN} characters"));
    }
    if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("the pack URL contains spaces or control characters".into());
    }
    let lower = raw.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return if raw.len() > lower.find("//").unwrap_or(0) + 2 {
            Ok(raw.to_string())
        } else {
            Err(format!("{raw:?} has no host"))
        };
    }
    if let Some(scheme) = scheme_of(raw) {
        return Err(format!("only http:// and https:// pack URLs can be loaded, not {scheme}:"));
    }
    // Relative: resolve against the page, the way a link would be.
    let page = page_url.split(['?', '#']).next().unwrap_or(page_url);
    let Some(after_scheme) = page.find("://").map(|i| i + 3) else {
        return Err(format!("{raw:?} is not an absolute URL"));
    };
    let origin_end = page[after_scheme..].find('/').map_or(page.len(), |i| after_scheme + i);
    Ok(if let Some(rest) = raw.strip_prefix("//") {
        format!("{}//{rest}", &page[..after_scheme - 2])
    } else if raw.starts_with('/') {
        format!("{}{raw}", &page[..origin_end])
    } else {
        let dir_end = page.rfind('/').filter(|&i| i >= origin_end).map_or(page.len(), |i| i);
        format!("{}/{raw}", &page[..dir_end])
    })
}

/// The scheme of a URL-like string (`javascript` for `javascript:alert(1)`), if it has one.
fn scheme_of(s: &str) -> Option<&str> {
    let (scheme, _) = s.split_once(':')?;
    let ok = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then_some(scheme)
}

/// The remembered pack URLs from the stored JSON; anything unreadable counts as none.
pub fn remembered(stored: Option<&str>) -> Vec<String> {
    let list: Vec<String> = stored.and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for url in list {
        if url.len() <= MAX_URL_LEN && !out.contains(&url) && out.len() < MAX_REMEMBERED {
            out.push(url);
        }
    }
    out
}

/// `list` with `url` added at the end (once; the oldest is dropped beyond the cap).
pub fn remember(mut list: Vec<String>, url: &str) -> Vec<String> {
    list.retain(|u| u != url);
    list.push(url.to_string());
    let excess = list.len().saturating_sub(MAX_REMEMBERED);
    list.drain(..excess);
    list
}

/// The JSON stored for `list`.
pub fn to_json(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

/// Locally picked files (path as the browser gives it, text) arranged as a pack: the text
/// of the manifest and every file under the manifest's folder by its path relative to it.
pub fn arrange(picked: &[(String, String)]) -> Result<(String, MemoryFiles), String> {
    let manifest = picked
        .iter()
        .filter(|(p, _)| p == MANIFEST_FILE || p.ends_with(&format!("/{MANIFEST_FILE}")))
        .min_by_key(|(p, _)| p.len())
        .ok_or_else(|| format!("pick the pack's {MANIFEST_FILE} together with its files"))?;
    let dir = &manifest.0[..manifest.0.len() - MANIFEST_FILE.len()];
    let files = picked
        .iter()
        .filter_map(|(p, t)| p.strip_prefix(dir).map(|rel| (rel.to_string(), t.clone())))
        .collect();
    Ok((manifest.1.clone(), MemoryFiles(files)))
}

/// Files picked one by one lose their folders: each path the pack needs that `files` lacks
/// is filled from the one picked file with the same name. Returns how many were filled.
pub fn fill_by_name(needed: &[String], files: &mut MemoryFiles, picked: &[(String, String)]) -> usize {
    let mut filled = 0;
    for path in needed {
        let name = base_name(path);
        let mut same = picked.iter().filter(|(p, _)| base_name(p) == name);
        if let (Some((_, text)), None) = (same.next(), same.next()) {
            files.0.insert(path.clone(), text.clone());
            filled += 1;
        }
    }
    filled
}

/// Locally picked files arranged as a pack (see [`arrange`]), with each path the pack needs
/// that lost its folder filled by file name (see [`fill_by_name`]). `needed` says which
/// files the pack still needs given the manifest text and the files so far (the engine
/// module answers it, asynchronously); its error (the engine module could not answer) stops
/// the gathering.
pub async fn gather_picked<F, Fut>(
    picked: &[(String, String)],
    mut needed: F,
) -> Result<(String, MemoryFiles), String>
where
    F: FnMut(String, Vec<(String, String)>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<String>, String>>,
{
    let (manifest, mut files) = arrange(picked)?;
    // Two rounds suffice (dataset files, then their series files); a few more cost nothing.
    for _ in 0..4 {
        let have = files.0.iter().map(|(p, t)| (p.clone(), t.clone())).collect();
        let paths = needed(manifest.clone(), have).await?;
        if paths.is_empty() || fill_by_name(&paths, &mut files, picked) == 0 {
            break;
        }
    }
    Ok((manifest, files))
}

/// The exercise id of an exercise page's path (`/repo/exercise/x` → `x`); None for any
/// other page, the rules lab's exercises included.
pub fn exercise_page(path: &str) -> Option<&str> {
    let (before, id) = path.rsplit_once("/exercise/")?;
    (!id.is_empty() && !id.contains('/') && !before.ends_with("/rules")).then_some(id)
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "http://127.0.0.1:8080/repo/play?q=up";

    #[test]
    fn pack_urls() {
        let ok = [
            ("https://x.org/c/pack.yaml", "https://x.org/c/pack.yaml"),
            (" http://x.org/pack.yaml ", "http://x.org/pack.yaml"),
            ("packs/ok/pack.yaml", "http://127.0.0.1:8080/repo/packs/ok/pack.yaml"),
            ("/p/pack.yaml", "http://127.0.0.1:8080/p/pack.yaml"),
            ("//cdn.org/pack.yaml", "http://cdn.org/pack.yaml"),
        ];
        for (raw, want) in ok {
            assert_eq!(pack_url(raw, PAGE).as_deref(), Ok(want), "{raw}");
        }
        assert_eq!(pack_url("a.yaml", "http://h").as_deref(), Ok("http://h/a.yaml"));
        let bad = [
            ("", "empty"),
            ("javascript:alert(1)", "not javascript:"),
            ("file:///etc/passwd", "not file:"),
            ("data:text/plain,x", "not data:"),
            ("https://", "no host"),
            ("a b", "spaces"),
            ("x\u{0}", "control"),
        ];
        for (raw, why) in bad {
            let e = pack_url(raw, PAGE).unwrap_err();
            assert!(e.contains(why), "{raw}: {e}");
        }
        assert!(pack_url(&"a".repeat(MAX_URL_LEN + 1), PAGE).unwrap_err().contains("longer"));
        assert!(pack_url("a.yaml", "not a url").is_err());
    }

    #[test]
    fn exercise_pages() {
        let cases = [
            ("/exercise/a", Some("a")),
            ("/repo/exercise/a-1", Some("a-1")),
            ("/rules/exercise/a", None),
            ("/exercise/", None),
            ("/exercise/a/b", None),
            ("/play", None),
        ];
        for (path, want) in cases {
            assert_eq!(exercise_page(path), want, "{path}");
        }
    }

    #[test]
    fn remembered_urls() {
        assert_eq!(remembered(None), Vec::<String>::new());
        assert_eq!(remembered(Some("{bad json")), Vec::<String>::new());
        assert_eq!(remembered(Some(r#"[1, 2]"#)), Vec::<String>::new());
        assert_eq!(remembered(Some(r#"["a","a","b"]"#)), vec!["a", "b"]);
        let mut list = Vec::new();
        for i in 0..=MAX_REMEMBERED {
            list = remember(list, &format!("u{i}"));
        }
        assert_eq!(list.len(), MAX_REMEMBERED);
        assert_eq!(list.first().map(String::as_str), Some("u1"));
        let list = remember(list, "u1");
        assert_eq!(list.last().map(String::as_str), Some("u1"));
        assert_eq!(remembered(Some(&to_json(&list))), list);
    }

    #[test]
    fn picked_files() {
        let pick = |paths: &[&str]| -> Vec<(String, String)> {
            paths.iter().map(|p| (p.to_string(), format!("text of {p}"))).collect()
        };
        let folder = pick(&["course/pack.yaml", "course/a.yaml", "course/ex/b.yaml", "other.yaml"]);
        let (manifest, files) = arrange(&folder).unwrap();
        assert_eq!(manifest, "text of course/pack.yaml");
        assert_eq!(files.0.keys().collect::<Vec<_>>(), ["a.yaml", "ex/b.yaml", "pack.yaml"]);
        assert!(arrange(&pick(&["a.yaml"])).unwrap_err().contains("pack.yaml"));

        let flat = pick(&["pack.yaml", "b.yaml", "a.om", "dup.om", "x/dup.om"]);
        let (_, mut files) = arrange(&flat).unwrap();
        let needed = ["ex/b.yaml".to_string(), "sets/a.om".into(), "dup.om".into(), "missing.om".into()];
        assert_eq!(fill_by_name(&needed, &mut files, &flat), 2);
        assert_eq!(files.0.get("ex/b.yaml").map(String::as_str), Some("text of b.yaml"));
        assert!(files.0.contains_key("sets/a.om"));
        assert!(!files.0.contains_key("missing.om"));
    }
}
