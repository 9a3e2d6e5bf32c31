//! Browser entry point: mounts the app. (Native builds print a pointer to the CLI.)

#[cfg(target_arch = "wasm32")]
fn main() {
    promql_playground::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("This binary is the web app's entry point; build it with `trunk build`. The native CLI is `promplay`.");
}
