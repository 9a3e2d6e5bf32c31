//! The engine module's entry point: the query engine, content readers and rule evaluation,
//! built as a second WebAssembly module that the app loads when a page first needs it. Its
//! one export answers the app's encoded requests (src/link) from a [`Host`] that lives as
//! long as the page.

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

    /// Answers one encoded request (see `promql_playground::link`).
    #[wasm_bindgen]
    pub fn call(request: &[u8]) -> Vec<u8> {
        // A panic traps the module: the app reports it, and the console gets the message.
        console_error_panic_hook::set_once();
        HOST.with(|host| host.borrow_mut().handle(request))
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!(
        "This binary is the site's engine module; `trunk build` builds it. The native CLI is `promplay`."
    );
}
