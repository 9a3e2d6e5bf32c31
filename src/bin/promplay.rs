//! `promplay`: the native CLI over the same library (query, query-range, test, ...).
//! All of it lives in the library's `cli` module so it is tested like the rest.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = promql_playground::cli::main_with(
        &args,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
