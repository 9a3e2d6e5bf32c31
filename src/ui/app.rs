//! The app shell: router (under the site's base path), header, pages and footer, plus the
//! theme and dataset every page shares.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use super::alertmanager_lab::{AlertmanagerLab, AmExercisePage};
use super::browser::{base, href};
use super::data::provide_data;
use super::exercise::ExercisePage;
use super::header::Header;
use super::home::Home;
use super::packs::{provide_packs, PackRouteSync, PackStatus};
use super::playground::Playground;
use super::progress_store::provide_progress;
use super::alerts_lab::{provide_alerts_state, AlertExercisePage, AlertsLab};
use super::rules_lab::recorded::provide_lab_state;
use super::rules_lab::{RuleExercisePage, RulesLab};
use super::cardinality::CardinalityPage;
use super::relabel::{RelabelExercisePage, RelabelPage};
use super::stop_control::StopControl;
use super::theme::provide_theme;
use super::my_work::MyWorkPage;
use super::library::LibraryPage;

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
    view! {
        <Router base=base()>
            <Header />
            <PackStatus />
            <PackRouteSync />
            <StopControl />
            <main class="page">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/play") view=Playground />
                    <Route path=path!("/exercise/:id") view=ExercisePage />
                    <Route path=path!("/rules") view=RulesLab />
                    <Route path=path!("/rules/exercise/:id") view=RuleExercisePage />
                    <Route path=path!("/alerts") view=AlertsLab />
                    <Route path=path!("/alerts/exercise/:id") view=AlertExercisePage />
                    <Route path=path!("/cardinality") view=CardinalityPage />
                    <Route path=path!("/relabel") view=RelabelPage />
                    <Route path=path!("/relabel/exercise/:id") view=RelabelExercisePage />
                    <Route path=path!("/alertmanager") view=AlertmanagerLab />
                    <Route path=path!("/alertmanager/exercise/:id") view=AmExercisePage />
                    <Route path=path!("/my-work") view=MyWorkPage />
                    <Route path=path!("/library") view=LibraryPage />
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
