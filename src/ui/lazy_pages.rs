//! The pages whose code loads on demand: the playground's (the playground and the exercise
//! page) and the labs'. Each group is a split module of the app's wasm module: `wasm-split`
//! (scripts/wasm-link.sh) moves its code into files that the router fetches the first time
//! one of its pages opens. The start page downloads neither group, a deep link into the
//! playground downloads only its own, and a lab's first visit the labs' group.
//!
//! Two groups rather than one per page: `wasm-split` puts code shared by several split
//! modules into one chunk per combination of them, and fourteen modules made about two
//! hundred chunks, a hundred and more requests for one page.

use std::cell::Cell;

use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use leptos_router::LazyRoute;

use super::alertmanager_lab::{AlertmanagerLab, AmExercisePage};
use super::alerts_lab::{AlertExercisePage, AlertsLab};
use super::browser;
use super::cardinality::CardinalityPage;
use super::dashboard::DashboardPage;
use super::exercise::ExercisePage;
use super::library::LibraryPage;
use super::my_work::MyWorkPage;
use super::paths::labs_engine_route;
use super::playground::Playground;
use super::relabel::{RelabelExercisePage, RelabelPage};
use super::rules_lab::{RuleExercisePage, RulesLab};

/// Split module `group`, with `preload` fetching it, and for each `Route(view_fn) => Page`: a
/// route type whose view, `Page`, is built by `view_fn` once the group is loaded. Pages read
/// their parameters from the router, so a route carries no data of its own. A group that
/// cannot be fetched (offline before it was ever cached) shows [`PageNotLoaded`]: the split
/// functions are `fallible`, since a failed load would otherwise abort the app's module.
macro_rules! lazy_pages {
    ($group:ident($preload:ident): $($route:ident($view:ident) => $page:ident),* $(,)?) => {
        // Not called: it names the group for its `preload` function.
        #[allow(dead_code)]
        #[wasm_split($group, wasm_split_path = ::leptos::wasm_split, fallible, preload($preload))]
        fn $group() -> Result<(), SplitLoaderError> {
            Ok(())
        }

        $(
            #[doc = concat!("The route of `", stringify!($page), "`, loaded with the ", stringify!($group), " pages.")]
            #[derive(Debug)]
            pub struct $route;

            #[wasm_split($group, wasm_split_path = ::leptos::wasm_split, fallible)]
            fn $view() -> Result<AnyView, SplitLoaderError> {
                Ok(view! { <$page /> }.into_any())
            }

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_route: Self) -> AnyView {
                    $view().await.unwrap_or_else(|_| view! { <PageNotLoaded /> }.into_any())
                }
            }
        )*
    };
}

lazy_pages! { playground(preload_playground):
    PlaygroundRoute(playground_view) => Playground,
    ExerciseRoute(exercise_view) => ExercisePage,
}

lazy_pages! { labs(preload_labs):
    RulesLabRoute(rules_lab_view) => RulesLab,
    RuleExerciseRoute(rule_exercise_view) => RuleExercisePage,
    AlertsLabRoute(alerts_lab_view) => AlertsLab,
    AlertExerciseRoute(alert_exercise_view) => AlertExercisePage,
    CardinalityRoute(cardinality_view) => CardinalityPage,
    RelabelRoute(relabel_view) => RelabelPage,
    RelabelExerciseRoute(relabel_exercise_view) => RelabelExercisePage,
    AlertmanagerLabRoute(alertmanager_lab_view) => AlertmanagerLab,
    AmExerciseRoute(am_exercise_view) => AmExercisePage,
    MyWorkRoute(my_work_view) => MyWorkPage,
    DashboardRoute(dashboard_view) => DashboardPage,
    LibraryRoute(library_view) => LibraryPage,
}

thread_local! {
    /// Whether each group (playground, labs) was fetched or is being fetched ahead.
    static PRELOADING: Cell<[bool; 2]> = const { Cell::new([false; 2]) };
}

/// Starts fetching the code of the page at `route` (one that queries the engine: the
/// playground's group, or the labs' for a lab) ahead of a click. A failure is left to the
/// page, which says it could not load; a later intent tries again.
pub fn preload_for(route: &str) {
    let group = usize::from(labs_engine_route(route));
    if PRELOADING.with(|p| p.get()[group]) {
        return;
    }
    PRELOADING.with(|p| {
        let mut now = p.get();
        now[group] = true;
        p.set(now);
    });
    leptos::task::spawn_local(async move {
        let loaded = if group == 1 { preload_labs().await } else { preload_playground().await };
        if loaded.is_err() {
            PRELOADING.with(|p| {
                let mut now = p.get();
                now[group] = false;
                p.set(now);
            });
        }
    });
}

/// In place of a page whose code could not be fetched.
#[component]
fn PageNotLoaded() -> impl IntoView {
    view! {
        <section class="card narrow" data-testid="page-not-loaded">
            <h1>"This page could not be loaded"</h1>
            <p>
                "Its code is downloaded the first time the page is opened, and the download "
                "failed: the network may be down. Your work is kept in this browser."
            </p>
            <button type="button" class="button primary" on:click=move |_| browser::reload()>
                "Try again"
            </button>
        </section>
    }
}
