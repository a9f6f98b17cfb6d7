//! The frame every confirmation shares: a modal dialog that takes the focus, its heading, what
//! is confirmed, the model's name to type when the write could lift a protection, and the
//! confirm and cancel buttons. Escape cancels unless a write is in flight.

use leptos::prelude::*;

use super::state::use_review;
use crate::policy::visible;

/// Whether `typed` is the model's name `name` (as written, or as shown with its hidden
/// characters spelled out).
fn names_the_model(typed: &str, name: &str) -> bool {
    let typed = typed.trim();
    typed == name || typed == visible(name)
}

/// A confirmation dialog.
#[component]
pub fn ConfirmDialogShell(
    /// The heading.
    title: String,
    /// Why the model's name must be typed to confirm (`None`: it need not be).
    name_needed_because: Option<String>,
    /// The confirm button's label.
    confirm_label: String,
    /// Confirms: the write starts.
    on_confirm: Callback<()>,
    /// Closes without writing.
    on_cancel: Callback<()>,
    /// What is confirmed.
    children: Children,
) -> impl IntoView {
    let state = use_review();
    let busy = state.writes.busy();
    let name = state.versions.data().model.name.clone();
    let (typed, set_typed) = signal(String::new());
    let needs_name = name_needed_because.is_some();
    let ready = {
        let name = name.clone();
        move || !busy.get() && (!needs_name || typed.with(|t| names_the_model(t, &name)))
    };
    let name_field = name_needed_because.map(|why| {
        view! {
            <label for="confirm-name">
                {format!("{why}: type the model name ({}) to confirm", visible(&name))}
            </label>
            <input
                id="confirm-name"
                autocomplete="off"
                prop:value=typed
                on:input=move |ev| set_typed.set(event_target_value(&ev))
            />
        }
    });
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && !busy.get_untracked() {
            on_cancel.run(());
        }
    };
    view! {
        <div class="backdrop">
            <div class="confirm" role="dialog" aria-modal="true" aria-labelledby="confirm-heading" on:keydown=on_key>
                <h2 id="confirm-heading" tabindex="-1" node_ref=heading>{title}</h2>
                {children()}
                {name_field}
                <div class="actions">
                    <button type="button" disabled=move || !ready() on:click=move |_| on_confirm.run(())>
                        {confirm_label}
                    </button>
                    <button type="button" on:click=move |_| on_cancel.run(()) disabled=move || busy.get()>
                        "Cancel"
                    </button>
                </div>
                {move || busy.get().then(|| view! { <p role="status">"Writing to MLflow…"</p> })}
            </div>
        </div>
    }
}
