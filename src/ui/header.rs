//! The top bar: the product name, the main navigation and the theme switch.

use leptos::prelude::*;
use leptos_router::components::A;

use super::browser::href;
use super::paths::PLAYGROUND;
use super::theme::ThemeToggle;

/// The site header shown on every page.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="header-inner">
                <A href=href("/") exact=true attr:class="brand">
                    <img src=href("/icons/logo.svg") alt="" width="28" height="28" />
                    <span>"PromQL Playground"</span>
                </A>
                <nav class="main-nav" aria-label="Main">
                    <A href=href("/") exact=true>"Learn"</A>
                    <A href=href(PLAYGROUND)>"Playground"</A>
                    <A href=href(super::library::LIBRARY_PATH)>"Library"</A>
                    <A href=href(super::rules_lab::LAB_PATH)>"Rules lab"</A>
                    <A href=href(super::alerts_lab::LAB_PATH)>"Alerting lab"</A>
                    <A href=href(super::cardinality::CARDINALITY_PATH)>"Cardinality"</A>
                    <A href=href(super::relabel::RELABEL_PATH)>"Relabel"</A>
                    <A href=href(super::alertmanager_lab::LAB_PATH)>"Alertmanager"</A>
                    <A href=href(super::my_work::MY_WORK_PATH)>"My work"</A>
                </nav>
                <ThemeToggle />
            </div>
        </header>
    }
}
