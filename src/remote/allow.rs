//! The allow-list of explained disagreements: each entry names one dataset, one exact query and
//! the documented 2.42-vs-3.x difference that explains it. Reasons must be documented in
//! docs/differential.md (a `### \`reason\`` heading); an entry that no longer matches any
//! disagreement is reported so the list never outlives the difference it explains.

use std::collections::BTreeMap;

/// One allow-list entry.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The datasets (comparison runs) it applies to: a comma-separated list.
    pub dataset: String,
    pub reason: String,
    pub query: String,
    pub line: usize,
}

impl Entry {
    fn applies_to(&self, dataset: &str) -> bool {
        self.dataset.split(',').any(|d| d.trim() == dataset)
    }
}

/// The parsed list.
pub struct AllowList {
    pub entries: Vec<Entry>,
}

/// The project's list (tests/differential/allowlist.tsv).
const BUILTIN: &str = include_str!("../../tests/differential/allowlist.tsv");

impl AllowList {
    /// The differences the project has documented (`promplay diff` reports them as such).
    pub fn builtin() -> AllowList {
        // Read without its document of reasons, which would add 19 KB to the engine module:
        // a test below and the differential test check this text against that document, so
        // it cannot fail here without failing there first.
        AllowList::parse_entries(BUILTIN).unwrap_or(AllowList { entries: Vec::new() })
    }

    /// The entry explaining a disagreement on `query`: over `dataset` when one is named, over
    /// any dataset otherwise (the difference lies in the query's semantics).
    pub fn explain(&self, dataset: Option<&str>, query: &str) -> Option<&Entry> {
        match dataset {
            Some(d) => self.find(d, query),
            None => self.entries.iter().find(|e| e.query == query),
        }
    }

    /// Parses `dataset<TAB>reason<TAB>query` lines (`#` comments) and checks every reason is
    /// documented in `doc`.
    pub fn parse(text: &str, doc: &str) -> Result<AllowList, String> {
        let list = AllowList::parse_entries(text)?;
        match list.entries.iter().find(|e| !doc.contains(&format!("### `{}`", e.reason))) {
            Some(e) => Err(format!("allowlist line {}: reason `{}` is not documented", e.line, e.reason)),
            None => Ok(list),
        }
    }

    /// Parses the lines as [`AllowList::parse`] does, without checking the reasons.
    fn parse_entries(text: &str) -> Result<AllowList, String> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim_end();
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cols = line.splitn(3, '\t');
            let (Some(dataset), Some(reason), Some(query)) = (cols.next(), cols.next(), cols.next()) else {
                return Err(format!("allowlist line {}: want dataset<TAB>reason<TAB>query", i + 1));
            };
            entries.push(Entry {
                dataset: dataset.to_string(),
                reason: reason.to_string(),
                query: query.to_string(),
                line: i + 1,
            });
        }
        Ok(AllowList { entries })
    }

    /// The entry explaining a disagreement on `query` over `dataset`, if any.
    pub fn find(&self, dataset: &str, query: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.applies_to(dataset) && e.query == query)
    }

    /// Entries for `dataset` whose query is not in `used` (it agrees now, or is gone).
    pub fn unused<'a>(&'a self, dataset: &str, used: &BTreeMap<String, usize>) -> Vec<&'a Entry> {
        self.entries.iter().filter(|e| e.applies_to(dataset) && !used.contains_key(&e.query)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_must_be_documented() {
        let doc = "### `kahan-sum`\n";
        assert!(AllowList::parse("fixture\tkahan-sum\tsum(x)\n", doc).is_ok());
        assert!(AllowList::parse("fixture\tnot-documented\tsum(x)\n", doc).is_err());
        assert!(AllowList::parse("fixture sum(x)\n", doc).is_err());
        let l = AllowList::parse("# c\nfixture\tkahan-sum\tsum(x)\n", doc).unwrap();
        assert_eq!(l.find("fixture", "sum(x)").map(|e| e.line), Some(2));
        assert!(l.find("ml-platform", "sum(x)").is_none());
        assert!(l.explain(None, "sum(x)").is_some() && l.explain(Some("ml-platform"), "sum(x)").is_none());
        let l = AllowList::parse("fixture,cli\tkahan-sum\tsum(x)\n", doc).unwrap();
        assert!(l.find("cli", "sum(x)").is_some() && l.find("fixture", "sum(x)").is_some());
    }
}

#[cfg(test)]
mod builtin_tests {
    use super::*;

    #[test]
    fn the_builtin_list_parses_and_is_not_empty() {
        let doc = include_str!("../../docs/differential.md");
        assert!(AllowList::parse(BUILTIN, doc).is_ok());
        assert!(!AllowList::builtin().entries.is_empty());
    }
}
