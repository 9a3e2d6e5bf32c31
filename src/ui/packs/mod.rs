//! Instructor packs in the site: `?pack=<url>` at startup, a "Load a pack" control (URL or
//! files picked on this computer), loading progress and errors (file:line), the loaded
//! packs' datasets and exercises next to the built-in ones, and the pack URLs remembered in
//! local storage so a reload restores them. A pack that fails to load leaves everything else
//! as it was.
//!
//! The app fetches a pack's files; the engine module reads and checks them (`link::packs`),
//! and is loaded only when there is a pack to read. `source` is plain logic (tested
//! natively); the rest is browser code.

pub mod source;

wasm_only! {
    mod fetch;
    mod load;
    mod panel;
    mod state;
    mod status;
    mod switch;
    mod sync;
}

wasm_only! {
    pub use panel::PackPanel;
    pub use state::{pack_exercises, provide_packs, use_packs, Packs};
    pub use status::PackStatus;
    pub use sync::PackRouteSync;
}
