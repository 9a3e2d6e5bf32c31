//! The playground's "Data source" choice: the built-in and pack datasets, or a
//! Prometheus-compatible URL with optional credentials and a Connect button that shows the
//! server's version or exactly why it cannot be used.

use leptos::prelude::*;

use super::auth::Auth;
use super::{RemoteState, Status};

/// The picker. `link_source` is the `source` parameter of the link the page opened with
/// (untrusted text: it is only ever checked by `remote::Source` and shown back).
#[component]
pub fn SourcePicker(state: RemoteState, link_source: Option<String>) -> impl IntoView {
    let url = RwSignal::new(link_source.clone().unwrap_or_default());
    let remote_mode = state.url_mode;
    remote_mode.set(link_source.is_some());
    let saved = Auth::load();
    let bearer = RwSignal::new(saved.bearer);
    let user = RwSignal::new(saved.user);
    let password = RwSignal::new(saved.password);
    let org = RwSignal::new(saved.org);
    let connect = move || {
        let auth = Auth { bearer: bearer.get_untracked(), user: user.get_untracked(), password: password.get_untracked(), org: org.get_untracked() };
        state.connect(url.get_untracked(), auth);
    };
    // A link naming a source connects to it at once (with this tab's saved credentials).
    if link_source.is_some() {
        connect();
    }
    let on_mode = move |ev| {
        if event_target_value(&ev) == "url" {
            remote_mode.set(true);
        } else {
            state.disconnect();
        }
    };
    let field = |label: &'static str, value: RwSignal<String>, kind: &'static str, id: &'static str| {
        view! {
            <label class="remote-auth-field">
                <span class="muted small">{label}</span>
                <input type=kind data-testid=id autocomplete="off" prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <div class="source-picker">
            <label class="dataset-picker">
                <span class="muted small">"Data source"</span>
                <select data-testid="source-mode" on:change=on_mode
                    prop:value=move || if remote_mode.get() { "url" } else { "builtin" }>
                    <option value="builtin">"Built-in / pack dataset"</option>
                    <option value="url">"Prometheus-compatible URL"</option>
                </select>
            </label>
            <Show when=move || remote_mode.get()>
                <form class="remote-connect" on:submit=move |ev| { ev.prevent_default(); connect(); }>
                    <input type="url" class="remote-url" data-testid="source-url" placeholder="http://localhost:9090"
                        aria-label="Prometheus-compatible API address" prop:value=move || url.get()
                        on:input=move |ev| url.set(event_target_value(&ev)) />
                    <button type="submit" class="button primary" data-testid="source-connect"
                        disabled=move || state.status.get() == Status::Connecting>
                        {move || if state.status.get() == Status::Connecting { "Connecting\u{2026}" } else { "Connect" }}
                    </button>
                    <details class="remote-auth">
                        <summary class="small">"Credentials"</summary>
                        <p class="muted small">"Kept in this tab's session storage only: never in links or local storage."</p>
                        {field("Bearer token", bearer, "password", "auth-bearer")}
                        {field("Basic auth user", user, "text", "auth-user")}
                        {field("Basic auth password", password, "password", "auth-password")}
                        {field("X-Scope-OrgID (Mimir tenant)", org, "text", "auth-org")}
                    </details>
                </form>
                {move || match state.status.get() {
                    Status::Failed(e) => Some(view! { <p class="error-box" role="alert" data-testid="source-error">{e}</p> }.into_any()),
                    _ => state.active.get().map(|c| view! {
                        <p class="notice" role="status" data-testid="source-status">
                            {format!("Connected to {} \u{b7} Prometheus API, version {}", c.source.base(), c.version)}
                        </p>
                    }.into_any()),
                }}
            </Show>
        </div>
    }
}
