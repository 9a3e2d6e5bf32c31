//! Instructor packs in the site: `?pack=<url>` at startup, a "Load a pack" control (URL or
//! files picked on this computer), loading progress and errors (file:line), the loaded
//! packs' datasets and exercises next to the built-in ones, and the pack URLs remembered in
//! local storage so a reload restores them. A pack that fails to load leaves everything else
//! as it was.
//!
//! `source` and `assemble` are plain logic (tested natively); the rest is browser code.

pub mod assemble;
pub mod source;

#[cfg(target_arch = "wasm32")]
mod fetch;
#[cfg(target_arch = "wasm32")]
mod panel;
#[cfg(target_arch = "wasm32")]
mod state;
#[cfg(target_arch = "wasm32")]
mod status;
#[cfg(target_arch = "wasm32")]
mod switch;
#[cfg(target_arch = "wasm32")]
mod sync;

#[cfg(target_arch = "wasm32")]
pub use panel::PackPanel;
#[cfg(target_arch = "wasm32")]
pub use state::{pack_exercises, provide_packs, use_packs};
#[cfg(target_arch = "wasm32")]
pub use status::PackStatus;
#[cfg(target_arch = "wasm32")]
pub use sync::PackRouteSync;
