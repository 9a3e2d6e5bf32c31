//! The engine module's entry point: the query engine, content readers and rule evaluation,
//! built as a second WebAssembly module that the app loads when a page first needs it. Its
//! one export answers the app's encoded requests (src/link) from a [`Host`] that lives as
//! long as the page. Built with the `lessons` feature for the query exercises, with neither
//! feature for the playground (src/bin/promql-engine-play.rs), and with `labs` for the labs
//! (src/bin/promql-engine-labs.rs).

#[cfg(target_arch = "wasm32")]
mod exported {
    use std::cell::RefCell;

    use promql_playground::host::Host;
    use wasm_bindgen::prelude::*;

    thread_local! {
        static HOST: RefCell<Host> = RefCell::new(Host { clock: Some(now), ..Host::new() });
    }

    #[wasm_bindgen]
    extern "C" {
        /// The page's high-resolution clock, in milliseconds (the rules lab times queries).
        #[wasm_bindgen(js_namespace = performance)]
        fn now() -> f64;
    }

    /// `promplay bench` measured in the browser: the seed's queries on built-in dataset
    /// `dataset`, `runs` times each, timed with the page's clock. Returns the table, then the
    /// tab-separated rows (e2e/bench.mjs prints both; scripts/bench-vs-prometheus.sh reads
    /// the rows).
    #[wasm_bindgen]
    pub fn bench(dataset: &str, runs: u32) -> String {
        use promql_playground::bench::{run_all, table, tsv};
        console_error_panic_hook::set_once();
        let storage = match builtin_storage(dataset) {
            Ok(s) => s,
            Err(e) => return e,
        };
        let Some((_, end)) = storage.time_bounds() else {
            return "error: the dataset holds no samples".into();
        };
        let rows = run_all(&storage, end, runs as usize, &now);
        format!("{}\n{}", table(&rows), tsv(&rows))
    }

    /// `promplay bench --rules` measured in the browser: the seed's recording and alerting
    /// rules evaluated over built-in dataset `dataset`'s whole timeline, `runs` times, timed
    /// with the page's clock (e2e/bench.mjs --rules prints the report).
    #[cfg(feature = "labs")]
    #[wasm_bindgen]
    pub fn bench_rules(dataset: &str, runs: u32) -> String {
        use promql_playground::bench_rules::{measure, seed_rule_file, table};
        console_error_panic_hook::set_once();
        let storage = match builtin_storage(dataset) {
            Ok(s) => s,
            Err(e) => return e,
        };
        match seed_rule_file() {
            Ok(file) => table(&measure(&storage, &file, runs as usize, &now)),
            Err(e) => format!("error: {e}"),
        }
    }

    /// The samples of built-in dataset `id`, or the error line the bench exports print.
    fn builtin_storage(id: &str) -> Result<promql_playground::engine::Storage, String> {
        promql_playground::content::builtin_dataset(id)
            .and_then(|d| d.storage())
            .map_err(|e| format!("error: {e}"))
    }

    /// Answers one encoded request (see `promql_playground::link`).
    #[wasm_bindgen]
    pub fn call(request: &[u8]) -> Vec<u8> {
        // A panic traps the module: the app reports it, and the console gets the message.
        console_error_panic_hook::set_once();
        HOST.with(|host| host.borrow_mut().handle(request))
    }
}

pub fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!(
        "This binary is the site's engine module; `trunk build` builds it. The native CLI is `promplay`."
    );
}
