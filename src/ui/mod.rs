//! The browser app (Leptos, client-side rendered): the app shell and router, the home page,
//! the playground (editor, time controls, result table and chart) and the exercise page.
//!
//! Components compile for wasm32 only. The pure view logic they rely on (formatting, time
//! controls, chart geometry, highlighting, paths) compiles everywhere so `cargo test` covers
//! it natively.

pub mod chart_model;
pub mod format;
pub mod highlight;
pub mod packs;
pub mod paths;
pub mod request;
pub mod rules_lab;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod autocomplete;
#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
mod catalogue;
#[cfg(target_arch = "wasm32")]
mod chart;
#[cfg(target_arch = "wasm32")]
mod data;
#[cfg(target_arch = "wasm32")]
mod dataset_overview;
#[cfg(target_arch = "wasm32")]
mod dataset_picker;
#[cfg(target_arch = "wasm32")]
mod editor;
#[cfg(target_arch = "wasm32")]
mod exercise;
#[cfg(target_arch = "wasm32")]
mod exercise_data;
#[cfg(target_arch = "wasm32")]
mod exercise_feedback;
#[cfg(target_arch = "wasm32")]
mod exercise_player;
#[cfg(target_arch = "wasm32")]
mod header;
#[cfg(target_arch = "wasm32")]
mod home;
#[cfg(target_arch = "wasm32")]
mod playground;
#[cfg(target_arch = "wasm32")]
mod progress_store;
#[cfg(target_arch = "wasm32")]
mod results;
#[cfg(target_arch = "wasm32")]
mod table;
#[cfg(target_arch = "wasm32")]
mod theme;
#[cfg(target_arch = "wasm32")]
mod time_controls;

/// Mounts the app on the page body.
#[cfg(target_arch = "wasm32")]
pub fn mount() {
    // A panic would otherwise leave a blank page and a bare "unreachable" in the console.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
