//! Sharing a what-if: the link, and the policy as JSON, the seed's THRESHOLDS or Python.

use leptos::prelude::*;

use super::editor::PolicyDraft;
use crate::policy::Policy;

/// Copy link, export in three forms, import from JSON (policy document or flat dict).
#[component]
pub fn SharePanel(
    /// The policy the preview uses.
    policy: Memo<Policy>,
    /// The editor state an import replaces.
    draft: RwSignal<PolicyDraft>,
    /// This preview's path and query (the address bar follows it a moment later).
    link: Memo<String>,
) -> impl IntoView {
    let (copied, set_copied) = signal(false);
    let origin = window().location().origin().unwrap_or_default();
    let link = move || format!("{origin}{}", link.get());
    let copy = {
        let link = link.clone();
        move |_| {
            let href = link();
            let clipboard = window().navigator().clipboard();
            let promise = clipboard.write_text(&href);
            leptos::task::spawn_local(async move {
                set_copied.set(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
            });
        }
    };
    let (format, set_format) = signal("json".to_owned());
    let exported = move || {
        let p = policy.get();
        match format.get().as_str() {
            "flat" => p.to_flat_json().unwrap_or_else(|| {
                "This policy uses more than the seed's THRESHOLDS dict can say \
                 (direction, change vs champion, missing-metric mode or alias names): \
                 export it as JSON or Python instead."
                    .to_owned()
            }),
            "python" => p.to_python(),
            _ => p.to_pretty_json(),
        }
    };
    let (import_text, set_import_text) = signal(String::new());
    let (import_result, set_import_result) = signal(None::<Result<(), Vec<String>>>);
    let import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match Policy::from_json(&import_text.get()) {
            Ok(p) => {
                draft.set(PolicyDraft::from_policy(&p));
                set_import_result.set(Some(Ok(())));
            }
            Err(e) => set_import_result.set(Some(Err(e.problems()))),
        }
    };
    view! {
        <section class="share" aria-labelledby="share-heading">
            <h2 id="share-heading">"Share and export"</h2>
            <label for="share-link">"Link to this preview"</label>
            <div class="share-link">
                <input id="share-link" readonly prop:value=link />
                <button type="button" on:click=copy>"Copy link"</button>
            </div>
            {move || copied.get().then(|| view! { <p role="status" class="ok">"Link copied."</p> })}
            <label for="export-format">"Export as"</label>
            <select id="export-format" on:change=move |ev| set_format.set(event_target_value(&ev))>
                <option value="json">"Policy JSON"</option>
                <option value="flat">"The seed's THRESHOLDS dict"</option>
                <option value="python">"Python snippet for the pipeline"</option>
            </select>
            <label for="export-text" class="sr-only">"Exported policy"</label>
            <textarea id="export-text" readonly rows="8" prop:value=exported></textarea>
            <form on:submit=import>
                <label for="import-text">"Import a policy (JSON document or THRESHOLDS dict)"</label>
                <textarea
                    id="import-text"
                    rows="4"
                    prop:value=move || import_text.get()
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
