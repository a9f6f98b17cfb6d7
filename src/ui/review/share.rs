//! Sharing a what-if: the link, the policy exported as JSON, the seed's THRESHOLDS or Python,
//! and importing either JSON form.

use leptos::prelude::*;

use super::state::use_review;
use crate::policy::{ExportFormat, Policy};

/// Copy link, export, import.
#[component]
pub fn SharePanel() -> impl IntoView {
    let state = use_review();
    // The link is relative to the page's <base href> (Podium may live under a sub-path).
    let base = document().base_uri().ok().flatten().unwrap_or_default();
    let link = move || format!("{base}{}", state.edit.link().get());
    let (copied, set_copied) = signal(None::<&'static str>);
    let copy = {
        let link = link.clone();
        move |_| {
            let href = link();
            // `navigator.clipboard` exists only in secure contexts (https, localhost).
            let navigator = window().navigator();
            let available = js_sys::Reflect::get(&navigator, &"clipboard".into())
                .is_ok_and(|c| !c.is_undefined());
            if !available {
                set_copied.set(Some(
                    "This page is not served over https, so the browser does not allow copying: \
                     select the link above and copy it.",
                ));
                return;
            }
            let promise = navigator.clipboard().write_text(&href);
            leptos::task::spawn_local(async move {
                let done = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                set_copied.set(Some(if done {
                    "Link copied."
                } else {
                    "The browser refused to copy: select the link above and copy it."
                }));
            });
        }
    };
    let (format, set_format) = signal(ExportFormat::default());
    let exported = move || {
        state
            .edit
            .in_effect()
            .with(|e| format.get().render(&e.policy))
    };
    let (import_text, set_import_text) = signal(String::new());
    let (import_result, set_import_result) = signal(None::<Result<(), Vec<String>>>);
    let import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match Policy::from_json(&import_text.get()) {
            Ok(p) => {
                state.edit.import(&p);
                set_import_result.set(Some(Ok(())));
            }
            Err(e) => set_import_result.set(Some(Err(e.messages()))),
        }
    };
    let options = ExportFormat::ALL
        .map(|f| view! { <option value=f.key()>{f.label()}</option> })
        .collect_view();
    view! {
        <section class="share" aria-labelledby="share-heading">
            <h2 id="share-heading">"Share and export"</h2>
            <label for="share-link">"Link to this preview"</label>
            <div class="share-link">
                <input id="share-link" readonly prop:value=link />
                <button type="button" on:click=copy>"Copy link"</button>
            </div>
            {move || copied.get().map(|m| view! { <p role="status" class="ok">{m}</p> })}
            <label for="export-format">"Export as"</label>
            <select
                id="export-format"
                on:change=move |ev| {
                    set_format.set(ExportFormat::from_key(&event_target_value(&ev)).unwrap_or_default())
                }
            >
                {options}
            </select>
            <label for="export-text" class="sr-only">"Exported policy"</label>
            <textarea id="export-text" readonly rows="8" prop:value=exported></textarea>
            <form on:submit=import>
                <label for="import-text">"Import a policy (JSON document or THRESHOLDS dict)"</label>
                <textarea
                    id="import-text"
                    rows="4"
                    prop:value=import_text
                    on:input=move |ev| set_import_text.set(event_target_value(&ev))
                ></textarea>
                <button type="submit">"Import"</button>
            </form>
            {move || match import_result.get() {
                Some(Ok(())) => view! { <p role="status" class="ok">"Imported: the preview uses it."</p> }.into_any(),
                Some(Err(problems)) => {
                    view! {
                        <ul class="field-error" role="alert">
                            {problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }
                None => ().into_any(),
            }}
        </section>
    }
}
