//! A submission as one `.zip` (deflate, through the `zip` crate) and read back from a `.zip`
//! or a folder's files (on disk, or picked in the browser) with caps that make hostile input harmless: at most [`MAX_ENTRIES`]
//! files, [`MAX_FILE_BYTES`] per file and [`MAX_TOTAL_BYTES`] in all *as actually
//! decompressed* (a zip bomb's declared sizes are not trusted), names that stay inside the
//! submission (no `..`, no absolute paths), and text that is UTF-8.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// Most files a submission may hold.
pub const MAX_ENTRIES: usize = 256;
/// Largest file read (uncompressed).
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;
/// Most bytes read from all files together (uncompressed).
pub const MAX_TOTAL_BYTES: u64 = 16 * 1024 * 1024;
/// Largest archive accepted (compressed).
pub const MAX_ARCHIVE_BYTES: usize = 16 * 1024 * 1024;

/// The files of a submission, by path relative to its root, plus what was skipped and why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bundle {
    pub files: BTreeMap<String, String>,
    /// Files left out (`name: why`): not UTF-8, a folder, ...
    pub skipped: Vec<String>,
}

/// Writes `files` (path, text) as a `.zip`, each file deflated.
pub fn write_zip(files: &[(String, String)]) -> Result<Vec<u8>, String> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, text) in files {
        check_name(name)?;
        zip.start_file(name.as_str(), options).map_err(|e| format!("{name}: {e}"))?;
        zip.write_all(text.as_bytes()).map_err(|e| format!("{name}: {e}"))?;
    }
    zip.finish().map(Cursor::into_inner).map_err(|e| format!("cannot finish the archive: {e}"))
}

/// A path inside the submission: relative, `/`-separated, no `..`, no empty or `.` parts,
/// no drive letters or backslashes, printable.
pub fn check_name(name: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("{name:?}: {why}"));
    if name.is_empty() || name.len() > 255 {
        return bad("a file name must have 1 to 255 bytes");
    }
    if name.starts_with('/') || name.contains('\\') || name.contains(':') {
        return bad("absolute paths and drive letters are refused");
    }
    if name.chars().any(char::is_control) {
        return bad("control characters are refused in file names");
    }
    if name.split('/').any(|p| p.is_empty() || p == "." || p == "..") {
        return bad("a path may not leave the submission's folder (`..`, `.`, empty parts)");
    }
    Ok(())
}

/// Reads a `.zip`'s files. Entries with unsafe names or over the caps fail the whole read
/// (a submission that tries is not one to grade); non-UTF-8 files are skipped with a note.
/// When the archive holds one top folder (a repository downloaded as a zip), names are
/// relative to it.
pub fn read_zip(bytes: &[u8]) -> Result<Bundle, String> {
    if bytes.len() > MAX_ARCHIVE_BYTES {
        return Err(format!("the archive has {} bytes, more than {MAX_ARCHIVE_BYTES}", bytes.len()));
    }
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a readable .zip: {e}"))?;
    if zip.len() > MAX_ENTRIES {
        return Err(format!("the archive has {} entries, more than {MAX_ENTRIES}", zip.len()));
    }
    let mut raw = Vec::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| format!("entry {}: {e}", i + 1))?;
        let name = entry.name().to_string();
        if entry.is_dir() {
            continue;
        }
        check_name(&name)?;
        // Read one byte past the cap: what the entry really inflates to, not what it says.
        let mut data = Vec::new();
        let limit = MAX_FILE_BYTES.min(MAX_TOTAL_BYTES - total) + 1;
        entry.by_ref().take(limit).read_to_end(&mut data).map_err(|e| format!("{name}: {e}"))?;
        if data.len() as u64 > MAX_FILE_BYTES {
            return Err(format!("{name}: larger than {MAX_FILE_BYTES} bytes uncompressed"));
        }
        total += data.len() as u64;
        if total > MAX_TOTAL_BYTES {
            return Err(format!("the files add up to more than {MAX_TOTAL_BYTES} bytes uncompressed"));
        }
        raw.push((name, data));
    }
    Ok(from_raw(raw))
}

/// Reads files handed over one by one (a folder the reviewer picked in the browser: each
/// file's path below the folder and its bytes) under the same rules as a `.zip`: safe names,
/// at most [`MAX_ENTRIES`] files and [`MAX_TOTAL_BYTES`] in all; a file over
/// [`MAX_FILE_BYTES`] is skipped with a note.
pub fn read_files(files: Vec<(String, Vec<u8>)>) -> Result<Bundle, String> {
    if files.len() > MAX_ENTRIES {
        return Err(format!("the folder has {} files, more than {MAX_ENTRIES}", files.len()));
    }
    let mut raw = Vec::new();
    let mut skipped = Vec::new();
    let mut total = 0u64;
    for (name, data) in files {
        check_name(&name)?;
        let len = data.len() as u64;
        if len > MAX_FILE_BYTES {
            skipped.push(format!("{name}: {len} bytes, more than {MAX_FILE_BYTES}"));
            continue;
        }
        total += len;
        if total > MAX_TOTAL_BYTES {
            return Err(format!("the files add up to more than {MAX_TOTAL_BYTES} bytes"));
        }
        raw.push((name, data));
    }
    raw.sort();
    let mut bundle = from_raw(raw);
    bundle.skipped.extend(skipped);
    Ok(bundle)
}

/// Builds a bundle from (name, bytes) already within the caps (a folder read by the CLI, a
/// zip's entries): strips a common top folder and keeps UTF-8 texts.
pub fn from_raw(raw: Vec<(String, Vec<u8>)>) -> Bundle {
    let root = common_root(raw.iter().map(|(n, _)| n.as_str()));
    let mut bundle = Bundle::default();
    for (name, data) in raw {
        let rel = name.strip_prefix(root.as_str()).unwrap_or(&name).to_string();
        match String::from_utf8(data) {
            Ok(text) => {
                bundle.files.insert(rel, text);
            }
            Err(_) => bundle.skipped.push(format!("{rel}: not UTF-8 text")),
        }
    }
    bundle
}

/// `top/` when every name is inside the same top folder, else empty.
fn common_root<'a>(mut names: impl Iterator<Item = &'a str>) -> String {
    let Some(first) = names.next() else { return String::new() };
    let Some((top, _)) = first.split_once('/') else { return String::new() };
    let prefix = format!("{top}/");
    if names.all(|n| n.starts_with(&prefix)) {
        prefix
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_leave_the_folder_are_refused() {
        for bad in ["../x", "/etc/passwd", "a/../../b", "C:/x", "a\\b", "", "a//b", "./a", "a\n"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        for good in ["answers.json", "rules/recording_rules.yml", "a..b"] {
            assert!(check_name(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn round_trips_and_strips_one_top_folder() {
        let files = vec![("answers.json".to_string(), "{}".to_string()), ("a/b.md".into(), "é".into())];
        let bundle = read_zip(&write_zip(&files).expect("writes")).expect("reads");
        assert_eq!(bundle.files.len(), 2);
        assert_eq!(bundle.files["a/b.md"], "é");
        let nested =
            vec![("repo/answers.json".to_string(), "{}".to_string()), ("repo/x.md".into(), "".into())];
        let bundle = read_zip(&write_zip(&nested).expect("writes")).expect("reads");
        assert!(bundle.files.contains_key("answers.json"));
    }

    #[test]
    fn picked_folders_follow_the_zip_rules() {
        let folder = vec![
            ("sub/answers.json".to_string(), b"{}".to_vec()),
            ("sub/big.md".to_string(), vec![b'x'; MAX_FILE_BYTES as usize + 1]),
        ];
        let bundle = read_files(folder).expect("reads");
        assert_eq!(bundle.files.keys().collect::<Vec<_>>(), vec!["answers.json"]);
        assert!(bundle.skipped[0].starts_with("big.md: ") || bundle.skipped[0].starts_with("sub/big.md: "));
        assert!(read_files(vec![("../x".into(), Vec::new())]).unwrap_err().contains("leave"));
        let many: Vec<(String, Vec<u8>)> = (0..=MAX_ENTRIES).map(|i| (format!("f{i}"), Vec::new())).collect();
        assert!(read_files(many).unwrap_err().contains("more than"));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(read_zip(b"PK\x03\x04 not really").is_err());
        assert!(read_zip(&[]).is_err());
    }
}
