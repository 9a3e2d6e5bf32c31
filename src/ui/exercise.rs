//! The exercise route (`/exercise/:id`). The site's built-in content has no exercises to
//! play yet, so every id is answered with a clear "not available" page that leads on to the
//! playground; the exercise player renders here once exercises are embedded.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::browser::href;
use super::paths::PLAYGROUND;

/// The exercise page.
#[component]
pub fn ExercisePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    view! {
        <section class="card narrow">
            <h1>"Exercise " <code>{id}</code></h1>
            <p>"This exercise is not available in this build of the site."</p>
            <p>
                <A href=href(PLAYGROUND) attr:class="button primary">"Open the playground"</A>
            </p>
        </section>
    }
}
