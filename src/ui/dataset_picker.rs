//! Which dataset the playground queries: a picker listing the built-in datasets (as the
//! engine module lists them once it is loaded) and every loaded pack's, and the `dataset`
//! link parameter that selects one when the page opens.

use leptos::prelude::*;

use super::data::{use_data, DataState};
use super::packs::use_packs;

/// Longest dataset id quoted back from a link (the parameter is untrusted text).
const MAX_QUOTED: usize = 80;

/// A `<select>` of the datasets; choosing one switches every page to it.
#[component]
pub fn DatasetPicker() -> impl IntoView {
    let data = use_data();
    let Some(packs) = use_packs() else { return ().into_any() };
    // Asked again whenever the dataset state changes until the engine module answers (a
    // ready dataset means it is loaded); the options redraw only when the list changes.
    let builtin = Memo::new(move |_| {
        data.track();
        packs.builtin().into_iter().map(|d| (d.id, d.title)).collect::<Vec<(String, String)>>()
    });
    let groups = move || {
        let packs_groups = packs.loaded.with(|l| {
            l.iter()
                .map(|p| {
                    (p.title.clone(), p.datasets.iter().map(|d| (d.id.clone(), d.title.clone())).collect())
                })
                .collect::<Vec<(String, Vec<(String, String)>)>>()
        });
        // The relabeling simulator's copy, while it is the one open.
        let relabeled = match data.get() {
            DataState::Ready(d) if d.meta.id.ends_with("-relabeled") => {
                Some(("Relabeled".to_string(), vec![(d.meta.id.clone(), d.meta.title.clone())]))
            }
            _ => None,
        };
        std::iter::once(("Built-in".to_string(), builtin.get()))
            .chain(packs_groups)
            .chain(relabeled)
            .map(|(label, sets)| {
                let options = sets
                    .into_iter()
                    .map(|(id, title)| {
                        let selected = matches!(data.get_untracked(), DataState::Ready(d) if d.meta.id == id);
                        view! { <option value=id.clone() selected=selected>{format!("{title} \u{b7} {id}")}</option> }
                    })
                    .collect_view();
                view! { <optgroup label=label>{options}</optgroup> }
            })
            .collect_view()
    };
    let active = move || match data.get() {
        DataState::Ready(d) => d.meta.id.clone(),
        _ => String::new(),
    };
    let title = move || match data.get() {
        DataState::Ready(d) => format!("{} series, {} samples", d.info.facts.series, d.info.facts.samples),
        DataState::Loading => "Loading the dataset\u{2026}".into(),
        DataState::Failed(e) => e,
    };
    view! {
        <label class="dataset-picker">
            <span class="muted small">"Dataset"</span>
            <select data-testid="dataset-picker" title=title prop:value=active
                on:change=move |ev| packs.activate(&event_target_value(&ev))>
                {groups}
            </select>
            {move || match data.get() {
                DataState::Loading => Some(view! { <span class="badge muted">"Loading\u{2026}"</span> }.into_any()),
                DataState::Failed(_) => Some(view! { <span class="badge bad">"Failed to load"</span> }.into_any()),
                DataState::Ready(_) => None,
            }}
        </label>
    }
    .into_any()
}

/// Switches to the dataset a link names once every pack the page loads at startup is in.
/// Returns whether that is settled (the page should not run its query before), and writes a
/// notice when the dataset is unknown or fails to build.
pub fn follow_link_dataset(wanted: Option<String>, notice: RwSignal<Option<String>>) -> Signal<bool> {
    let (Some(wanted), Some(packs)) = (wanted.filter(|w| !w.trim().is_empty()), use_packs()) else {
        return Signal::derive(|| true);
    };
    let data = use_data();
    let settled = RwSignal::new(false);
    let tried = StoredValue::new(false);
    Effect::new(move |_| {
        if settled.get_untracked() || !packs.settled() {
            return;
        }
        let current = match data.get() {
            DataState::Ready(d) => d.meta.id.clone(),
            DataState::Loading => return,
            DataState::Failed(_) => String::new(),
        };
        // Wait for the built-in list unless nothing could open (then there is no list).
        let known = packs.has_dataset(&wanted);
        if known.is_none() && !current.is_empty() && current != wanted {
            return;
        }
        if current == wanted {
            settled.set(true);
        } else if !tried.get_value() && known == Some(true) {
            tried.set_value(true);
            packs.activate(&wanted);
        } else {
            notice.set(Some(unavailable(&wanted, &current, tried.get_value())));
            settled.set(true);
        }
    });
    settled.into()
}

/// Why the dataset a link names is not the one shown.
fn unavailable(wanted: &str, current: &str, tried: bool) -> String {
    let quoted: String = wanted.chars().take(MAX_QUOTED).collect();
    let ellipsis = if wanted.chars().count() > MAX_QUOTED { "\u{2026}" } else { "" };
    if tried {
        format!("The dataset \"{quoted}{ellipsis}\" of this link could not be built (see the packs on the start page); showing \"{current}\" instead.")
    } else {
        format!(
            "This link asks for the dataset \"{quoted}{ellipsis}\", which is not loaded; showing \"{current}\" instead. \
             Load the instructor pack that has it (start page, Instructor packs), then open the link again."
        )
    }
}
