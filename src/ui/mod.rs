//! The browser app (Leptos, client-side rendered): the app shell and router, the home page,
//! the playground (editor, time controls, result table and chart) and the exercise page.
//!
//! Components compile for wasm32 only. The pure view logic they rely on (formatting, time
//! controls, chart geometry, highlighting, paths) compiles everywhere so `cargo test` covers
//! it natively.

/// Declares items that exist only in the browser app (components and browser glue): each
/// gets `#[cfg(all(target_arch = "wasm32", feature = "app"))]`, so native builds, `cargo
/// test` and the engine module (built without the `app` feature) skip them.
macro_rules! wasm_only {
    ($($item:item)*) => {
        $(
            #[cfg(all(target_arch = "wasm32", feature = "app"))]
            $item
        )*
    };
}

pub mod alertmanager_lab;
pub mod alerts_lab;
pub mod cardinality;
pub mod chart_axes;
pub mod chart_model;
pub mod colour;
pub mod dashboard;
pub mod event_links;
pub mod exercise_data;
pub mod exercise_run;
pub mod format;
pub mod highlight;
pub mod library;
pub mod my_work;
pub mod notes;
pub mod packs;
pub mod paths;
pub mod query_assist;
pub mod relabel;
pub mod request;
pub mod rules_lab;
pub mod time_window;

wasm_only! {
    mod app;
    mod autocomplete;
    mod browser;
    mod catalogue;
    mod chart;
    mod chart_draw;
    mod chart_legend;
    mod data;
    mod dataset_overview;
    mod dataset_picker;
    mod editor;
    mod engine_link;
    mod exercise;
    mod exercise_feedback;
    mod exercise_player;
    mod exercise_workspace;
    mod header;
    mod home;
    mod lazy_pages;
    mod lab_exercise;
    mod limits;
    mod playground;
    mod prefetch;
    mod progress_line;
    mod progress_store;
    mod remote;
    mod result_tabs;
    mod results;
    mod stop_control;
    mod table;
    mod theme;
    mod time_controls;
}

/// Mounts the app on the page body.
#[cfg(all(target_arch = "wasm32", feature = "app"))]
pub fn mount() {
    // A panic would otherwise leave a blank page and a bare "unreachable" in the console.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
