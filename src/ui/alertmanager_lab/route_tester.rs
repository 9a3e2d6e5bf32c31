//! "Test a label set": labels typed the way `amtool config routes test` takes them, answered
//! with exactly what it prints (the matching tree, then the receivers), the aggregation group
//! each receiver would put the alert in, and the path lit up in the drawn tree.

use leptos::prelude::*;

use crate::link::alertmanager::{RouteTest, TestRoute};

use super::super::engine_link;

/// Example labels: the seed's critical error-rate alert.
pub const EXAMPLE_LABELS: &str =
    "alertname=ModelCriticalErrorRate severity=critical component=model-serving page=true model=fraud-detector version=v2";

/// The box.
#[component]
pub fn RouteTester(
    /// The configuration text (plain or ConfigMap).
    #[prop(into)]
    config: Signal<String>,
    /// Whether the engine module is there.
    #[prop(into)]
    ready: Signal<bool>,
    /// Set to the path of the tested labels, for the tree.
    path: RwSignal<Vec<(usize, bool)>>,
) -> impl IntoView {
    let labels = RwSignal::new(EXAMPLE_LABELS.to_string());
    let answer: RwSignal<Option<Result<RouteTest, String>>> = RwSignal::new(None);
    // Answer on every edit of the labels or the configuration: routing is instant.
    let asked = engine_link::Latest::new();
    Effect::new(move |_| {
        let (config, labels) = (config.get(), labels.get());
        if !ready.get() {
            return;
        }
        asked.send(TestRoute { config, labels }, move |result| {
            if let Ok(t) = &result {
                path.set(t.path.clone());
            }
            answer.set(Some(result));
        });
    });
    let output = move || {
        answer.get().map(|a| match a {
            Ok(t) => {
                let keys = (!t.error).then(|| {
                    t.receivers
                        .iter()
                        .zip(&t.group_keys)
                        .map(|(r, k)| view! { <li><strong>{r.clone()}</strong>" groups it under "<code>{k.clone()}</code></li> })
                        .collect_view()
                });
                let class = if t.error { "amtool-output bad" } else { "amtool-output" };
                view! {
                    <pre class=class data-testid="route-test-output">{t.output.clone()}</pre>
                    <ul class="group-keys small">{keys}</ul>
                }
                .into_any()
            }
            Err(e) => view! { <p class="error-box" role="alert">{e}</p> }.into_any(),
        })
    };
    view! {
        <div class="route-tester" data-testid="route-tester">
            <label class="field-label" for="am-labels">"Labels (as for "<code>"amtool config routes test --tree"</code>")"</label>
            <input id="am-labels" class="text-input mono" type="text" data-testid="route-test-labels"
                spellcheck="false" autocomplete="off" autocapitalize="off"
                prop:value=move || labels.get()
                on:input=move |ev| labels.set(event_target_value(&ev)) />
            {output}
        </div>
    }
}
