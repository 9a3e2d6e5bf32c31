//! `promplay`: the native CLI over the same library (query, query-range, test, ...).
//! All of it lives in the library's `cli` module so it is tested like the rest.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = promql_playground::cli::main_with(
        &args,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}

// The CLI reads files and the terminal: it has no browser build. The wasm entry point is
// `src/main.rs`.
#[cfg(target_arch = "wasm32")]
fn main() {}
