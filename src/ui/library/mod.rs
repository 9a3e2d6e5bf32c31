//! The query library page (the seed's Deliverable 1): every query of the seed grouped by task
//! and TODO, each with its explanation, lint findings, the seed's notes, "Open in playground",
//! and its cost measured live by the engine module next to the recorded series that
//! replaces it. The same content as `promplay library` (`crate::assist::library`).

wasm_only! {
    mod entry;
    mod page;
}

wasm_only! {
    pub use page::LibraryPage;
}

/// The page's address.
pub const LIBRARY_PATH: &str = "/library";

/// The CSS class of a lint severity (the playground's lint list classes).
pub fn severity_class(severity: &str) -> &'static str {
    match severity {
        "information" => "lint-info",
        "warning" => "lint-warning",
        "bug" => "lint-bug",
        _ => "lint-fatal",
    }
}
