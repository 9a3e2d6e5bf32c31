//! The app shell: router (under the site's base path), header, pages and footer, plus the
//! theme and dataset every page shares.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, Lazy};

use super::browser::{base, href};
use super::data::provide_data;
use super::header::Header;
use super::home::Home;
use super::alerts_lab::provide_alerts_state;
use super::lazy_pages::*;
use super::packs::{provide_packs, PackRouteSync, PackStatus};
use super::progress_store::provide_progress;
use super::rules_lab::recorded::provide_lab_state;
use super::stop_control::StopControl;
use super::theme::provide_theme;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    provide_theme();
    provide_data();
    provide_packs();
    provide_progress();
    provide_lab_state();
    provide_alerts_state();
    super::prefetch::on_link_intent();
    super::prefetch::for_current_page();
    // True while the router waits for a page's code (a group of src/ui/lazy_pages.rs).
    let (routing, set_routing) = signal(false);
    view! {
        <Router base=base() set_is_routing=set_routing>
            <Show when=move || routing.get()>
                <div class="route-loading" role="progressbar" aria-label="Loading the page" data-testid="route-loading"></div>
            </Show>
            <Header />
            <PackStatus />
            <PackRouteSync />
            <StopControl />
            <main class="page">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/play") view={Lazy::<PlaygroundRoute>::new()} />
                    <Route path=path!("/exercise/:id") view={Lazy::<ExerciseRoute>::new()} />
                    <Route path=path!("/rules") view={Lazy::<RulesLabRoute>::new()} />
                    <Route path=path!("/rules/exercise/:id") view={Lazy::<RuleExerciseRoute>::new()} />
                    <Route path=path!("/alerts") view={Lazy::<AlertsLabRoute>::new()} />
                    <Route path=path!("/alerts/exercise/:id") view={Lazy::<AlertExerciseRoute>::new()} />
                    <Route path=path!("/cardinality") view={Lazy::<CardinalityRoute>::new()} />
                    <Route path=path!("/relabel") view={Lazy::<RelabelRoute>::new()} />
                    <Route path=path!("/relabel/exercise/:id") view={Lazy::<RelabelExerciseRoute>::new()} />
                    <Route path=path!("/alertmanager") view={Lazy::<AlertmanagerLabRoute>::new()} />
                    <Route path=path!("/alertmanager/exercise/:id") view={Lazy::<AmExerciseRoute>::new()} />
                    <Route path=path!("/my-work") view={Lazy::<MyWorkRoute>::new()} />
                    <Route path=path!("/dashboard") view={Lazy::<DashboardRoute>::new()} />
                    <Route path=path!("/library") view={Lazy::<LibraryRoute>::new()} />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>
                    "PromQL Playground runs a PromQL engine written in Rust, compiled to "
                    "WebAssembly: every query is evaluated in your browser, on canned metrics "
                    "of an ML serving platform."
                </p>
            </footer>
        </Router>
    }
}

/// Shown for any path the app does not know.
#[component]
fn NotFound() -> impl IntoView {
    view! {
        <section class="card narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <p>
                <A href=href("/")>"Back to the start page"</A>
            </p>
        </section>
    }
}
