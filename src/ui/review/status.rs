//! Which policy the preview uses (saved, or an unsaved what-if and how it differs), whether an
//! edit is invalid, and saving or resetting it.

use leptos::prelude::*;

use super::save::SaveConfirm;
use super::state::{use_review, Notice, Origin};
use crate::mlflow::{SaveOutcome, POLICY_TAG};
use crate::policy::{Policy, SaveReview};
use crate::ui::{default_policy_name, use_deployment};

/// The policy status bar: saved or what-if, save, reset.
#[component]
pub fn PolicyStatus() -> impl IntoView {
    let state = use_review();
    let deployment = use_deployment();
    let differences = Memo::new(move |_| state.edit.differences());
    let invalid = Memo::new(move |_| state.edit.is_invalid());
    let (save_state, set_save_state) = signal(None::<Result<(), String>>);
    // Saving is a write that can lift protection: it is confirmed first (save.rs).
    let (asking, set_asking) = signal(None::<(Policy, SaveReview)>);
    let ask = move |_| {
        if invalid.get_untracked() || state.writes.busy().get_untracked() {
            return;
        }
        let policy = state.edit.in_effect().with_untracked(|e| e.policy.clone());
        let review = state
            .edit
            .saved()
            .with_untracked(|saved| SaveReview::new(&policy, saved));
        set_save_state.set(None);
        set_asking.set(Some((policy, review)));
    };
    // Confirmed: re-read the tag first and write nothing if someone else saved since.
    let save = move |policy: Policy| {
        let json = policy.to_json();
        let name = state.versions.data().model.name.clone();
        let seen = state.edit.saved_tag().get_untracked();
        let client = state.writes.client();
        state.writes.set_busy(true);
        leptos::task::spawn_local(async move {
            let outcome = client.save_policy(&name, seen.as_deref(), &json).await;
            state.writes.set_busy(false);
            set_asking.set(None);
            match outcome {
                SaveOutcome::Saved => {
                    state.edit.mark_saved(policy, json);
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
        state.edit.reset();
        set_save_state.set(None);
    };
    let from_link = (state.edit.origin() == Origin::Link).then(|| {
        view! {
            <p class="warning">
                "This screen's policy came from a link, not from the model: read it in the editor \
                 before you save or apply anything."
            </p>
        }
    });
    // A metric that matches nothing is skipped by every version: say so, with its look-alike.
    let unmatched = Memo::new(move |_| {
        let table = state.versions.table();
        let found = state.edit.in_effect().with(|e| table.unmatched(&e.policy));
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
    // A policy that checks nothing here (another team's metrics): offer one from this model's.
    let checks_nothing = Memo::new(move |_| {
        let table = state.versions.table();
        state
            .edit
            .in_effect()
            .with(|e| table.checks_nothing(&e.policy))
    });
    let start = move |_| {
        let policy = state.edit.in_effect().with_untracked(|e| e.policy.clone());
        let started = state.versions.data().policy_from_metrics(&policy);
        state.edit.import(&started);
    };
    let start_from_metrics = move || {
        checks_nothing.get().then(|| {
            view! {
                <p class="warning">
                    "The policy checks none of this model's metrics. "
                    <button type="button" on:click=start>
                        "Start from this model's metrics"
                    </button>
                    " (a rule per metric at production's values; nothing is saved until you save)"
                </p>
            }
        })
    };
    view! {
        {from_link}
        <ul class="warning unmatched" role="note">{unmatched}</ul>
        {start_from_metrics}
        <div class="policy-status" role="status">
            {move || {
                let differences = differences.get();
                if differences.is_empty() {
                    let text = if state.edit.saved_tag().with(Option::is_some) {
                        "The preview uses the saved policy.".to_owned()
                    } else {
                        format!(
                            "The preview uses {} (none is saved on this model).",
                            default_policy_name(&deployment)
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
                <button type="button" on:click=ask disabled=move || invalid.get() || state.writes.busy().get()>
                    "Save policy to MLflow…"
                </button>
                <button type="button" on:click=reset>
                    "Reset to saved"
                </button>
            </div>
            {move || {
                asking
                    .get()
                    .map(|(policy, review)| {
                        view! {
                            <SaveConfirm
                                policy
                                review
                                from_link=state.edit.origin() == Origin::Link
                                on_save=Callback::new(save)
                                on_cancel=Callback::new(move |()| set_asking.set(None))
                            />
                        }
                    })
            }}
            {move || match save_state.get() {
                Some(Ok(())) => view! { <p class="ok">"Saved as tag " {POLICY_TAG} " on the model."</p> }.into_any(),
                Some(Err(e)) => view! { <p class="field-error" role="alert">{e}</p> }.into_any(),
                None => ().into_any(),
            }}
        </div>
    }
}
