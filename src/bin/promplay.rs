//! `promplay`: the native CLI over the same library (query, query-range, test, ...).

fn main() {
    eprintln!("promplay: not built yet");
    std::process::exit(2);
}
