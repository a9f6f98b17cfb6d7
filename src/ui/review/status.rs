//! Which policy the preview uses (saved, or an unsaved what-if and how it differs), whether an
//! edit is invalid, and saving or resetting it.

use leptos::prelude::*;

use super::state::{use_review, Notice, Origin};
use crate::mlflow::{Client, POLICY_TAG};
use crate::ui::default_policy_name;

/// The policy status bar: saved or what-if, save, reset.
#[component]
pub fn PolicyStatus() -> impl IntoView {
    let state = use_review();
    let differences = Memo::new(move |_| state.differences());
    let invalid = Memo::new(move |_| state.is_invalid());
    let (save_state, set_save_state) = signal(None::<Result<(), String>>);
    // Saving is a write: re-read the tag first and write nothing if someone else saved since.
    let save = move |_| {
        if invalid.get_untracked() || state.busy().get_untracked() {
            return;
        }
        let policy = state.in_effect().with_untracked(|e| e.policy.clone());
        let json = policy.to_json();
        let name = state.data().model.name.clone();
        let seen = state.saved_tag().get_untracked();
        let client = state.client();
        state.set_busy(true);
        leptos::task::spawn_local(async move {
            let outcome = save_guarded(&client, &name, seen, &json).await;
            state.set_busy(false);
            match outcome {
                SaveOutcome::Saved => {
                    state.mark_saved(policy, json);
                    set_save_state.set(Some(Ok(())));
                }
                SaveOutcome::SomeoneElseSaved => {
                    let text =
                        "Nothing was saved: someone else saved a policy on this model since \
                                this screen loaded. The screen now shows it; your what-if is kept."
                            .to_owned();
                    if !state.reload(Notice {
                        ok: false,
                        text: text.clone(),
                    }) {
                        set_save_state.set(Some(Err(text)));
                    }
                }
                SaveOutcome::Failed(why) => set_save_state.set(Some(Err(why))),
            }
        });
    };
    let reset = move |_| {
        state.reset();
        set_save_state.set(None);
    };
    let from_link = (state.origin() == Origin::Link).then(|| {
        view! {
            <p class="warning">
                "This screen's policy came from a link, not from the model: read it in the editor \
                 before you save or apply anything."
            </p>
        }
    });
    // A metric that matches nothing is skipped by every version: say so, with its look-alike.
    let unmatched = Memo::new(move |_| {
        let table = state.table();
        let found = state.in_effect().with(|e| table.unmatched(&e.policy));
        found
            .into_iter()
            .map(|(metric, near)| {
                let hint = near
                    .map(|n| format!(" (did you mean \"{n}\"?)"))
                    .unwrap_or_default();
                format!(
                    "\"{metric}\" matches no metric of this model{hint}: every version skips it."
                )
            })
            .collect::<Vec<_>>()
    });
    let unmatched = move || {
        unmatched
            .get()
            .into_iter()
            .map(|line| view! { <li>{line}</li> })
            .collect_view()
    };
    view! {
        {from_link}
        <ul class="warning unmatched" role="note">{unmatched}</ul>
        <div class="policy-status" role="status">
            {move || {
                let differences = differences.get();
                if differences.is_empty() {
                    let text = if state.saved_tag().with(Option::is_some) {
                        "The preview uses the saved policy.".to_owned()
                    } else {
                        format!(
                            "The preview uses {} (none is saved on this model).",
                            default_policy_name()
                        )
                    };
                    view! { <p>{text}</p> }.into_any()
                } else {
                    view! {
                        <p>
                            <strong>"Unsaved what-if"</strong>
                            " — differs from the saved policy in: "
                            {differences.join("; ")}
                        </p>
                    }
                        .into_any()
                }
            }}
            {move || {
                invalid
                    .get()
                    .then(|| {
                        view! {
                            <p class="field-error">
                                "An edit is invalid: the preview keeps the last valid policy."
                            </p>
                        }
                    })
            }}
            <div class="actions">
                <button type="button" on:click=save disabled=move || invalid.get() || state.busy().get()>
                    "Save policy to MLflow"
                </button>
                <button type="button" on:click=reset>
                    "Reset to saved"
                </button>
            </div>
            {move || match save_state.get() {
                Some(Ok(())) => view! { <p class="ok">"Saved as tag " {POLICY_TAG} " on the model."</p> }.into_any(),
                Some(Err(e)) => view! { <p class="field-error" role="alert">{e}</p> }.into_any(),
                None => ().into_any(),
            }}
        </div>
    }
}

/// What saving the policy came to.
enum SaveOutcome {
    Saved,
    /// The tag changed since `seen`: nothing was written.
    SomeoneElseSaved,
    /// Why nothing (or nothing known) was saved.
    Failed(String),
}

/// Writes `json` as the model's policy tag unless the tag differs from `seen` (someone else
/// saved); an answer that is lost is settled by reading the tag again.
async fn save_guarded(
    client: &Client,
    name: &str,
    seen: Option<String>,
    json: &str,
) -> SaveOutcome {
    let read_tag = || async {
        client
            .get_registered_model(name)
            .await
            .map(|m| m.tag(POLICY_TAG).map(str::to_owned))
    };
    match read_tag().await {
        Err(e) => {
            return SaveOutcome::Failed(format!(
                "Nothing was saved: could not re-read the model first: {e}"
            ))
        }
        Ok(tag) if tag != seen => return SaveOutcome::SomeoneElseSaved,
        Ok(_) => {}
    }
    match client
        .set_registered_model_tag(name, POLICY_TAG, json)
        .await
    {
        Ok(()) => SaveOutcome::Saved,
        Err(e) if e.outcome_unknown() => match read_tag().await {
            Ok(Some(tag)) if tag == json => SaveOutcome::Saved,
            Ok(_) => SaveOutcome::Failed(format!("Not saved: {e}")),
            Err(_) => SaveOutcome::Failed(format!(
                "No answer from MLflow ({e}), and it could not be re-read: reload the page to see \
                 whether the policy was saved."
            )),
        },
        Err(e) => SaveOutcome::Failed(format!("Not saved: {e}")),
    }
}
