//! Four eyes: what the policy requires before a guarded alias moves, the candidate's sign-offs
//! (each counted, void with what changed, withdrawn, or ignored with why), "Sign off" for the
//! decision on screen and "Withdraw" for one's own. Signing moves nothing; Apply counts the
//! sign-offs (`ReviewState::promotion`, and again right before writing).

use leptos::prelude::*;

use super::state::{use_review, Notice};
use crate::mlflow::{SignOffOutcome, WithdrawOutcome};
use crate::policy::{visible, Approved, SignOff, SignOffEntry, Standing};
use crate::ui::format_time;

/// The sign-off panel: shown when the policy requires sign-offs or the candidate has some.
#[component]
pub fn SignOffPanel() -> impl IntoView {
    let state = use_review();
    let entries = Memo::new(move |_| state.sign_offs());
    let required = Memo::new(move |_| {
        state.edit.in_effect().with(|e| {
            e.policy
                .approvals
                .iter()
                .map(|(alias, n)| format!("{n} to move {}", visible(alias)))
                .collect::<Vec<_>>()
        })
    });
    let shown = move || !required.with(Vec::is_empty) || !entries.with(Vec::is_empty);
    let (error, set_error) = signal(None::<String>);
    let writes = state.writes;

    // Why "Sign off" is not offered, if it is not.
    let blocked = move || -> Option<String> {
        if writes.user().with(Option::is_none) {
            return Some(
                "Sign-offs cannot be recorded here: MLflow names no signed-in user (sign in with \
                 MLflow's basic auth)."
                    .into(),
            );
        }
        if state.edit.is_invalid() {
            return Some("An edit is invalid: there is no decision to sign.".into());
        }
        if let Err(refusal) = state.approvable() {
            return Some(format!("Nothing to sign off: {refusal}"));
        }
        let me = writes.user().get();
        let signed = entries.with(|list| {
            list.iter()
                .any(|e| e.standing == Standing::Counts && e.user() == me.as_deref())
        });
        signed.then(|| "You have signed this decision.".into())
    };
    let sign = move |_| {
        let (Some(user), Ok(proposal)) = (writes.user().get_untracked(), state.approvable()) else {
            return;
        };
        let approved = state
            .edit
            .in_effect()
            .with_untracked(|e| Approved::of(&proposal, &e.policy));
        let Some(approved) = approved else { return };
        let sign_off = SignOff::new(&user, js_sys::Date::now() as i64, approved);
        let name = state.versions.data().model.name.clone();
        let client = writes.client();
        writes.set_busy(true);
        set_error.set(None);
        leptos::task::spawn_local(async move {
            let nonce = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
            let outcome = client.sign_off(&name, &proposal, &sign_off, nonce).await;
            writes.set_busy(false);
            let notice = match outcome {
                SignOffOutcome::Signed(key) => Notice {
                    ok: true,
                    text: format!(
                        "Signed off as {}: {} ({key}). It counts while the policy, the evidence \
                         and the aliases stay as they are.",
                        visible(&user),
                        moves_text(&sign_off)
                    ),
                },
                SignOffOutcome::Changed(why) => Notice {
                    ok: false,
                    text: why,
                },
                SignOffOutcome::Failed(e) => {
                    set_error.set(Some(format!("Nothing was signed: {e}")));
                    return;
                }
            };
            if !state.reload(notice.clone()) {
                set_error.set(Some(notice.text));
            }
        });
    };
    let withdraw = move |key: String| {
        let Some(user) = writes.user().get_untracked() else {
            return;
        };
        let name = state.versions.data().model.name.clone();
        let version = state.versions.candidate().get_untracked();
        let client = writes.client();
        writes.set_busy(true);
        leptos::task::spawn_local(async move {
            let outcome = client
                .withdraw_sign_off(&name, &version, &key, &user, js_sys::Date::now() as i64)
                .await;
            writes.set_busy(false);
            let text = match outcome {
                WithdrawOutcome::Withdrawn => format!("Your sign-off {key} is withdrawn."),
                WithdrawOutcome::Gone => format!("{key} was already withdrawn."),
                WithdrawOutcome::NotYours(owner) => {
                    set_error.set(Some(format!(
                        "{key} names {}, not you: nothing was changed.",
                        visible(&owner)
                    )));
                    return;
                }
                WithdrawOutcome::Failed(e) => {
                    set_error.set(Some(format!("Not withdrawn: {e}")));
                    return;
                }
            };
            if !state.reload(Notice { ok: true, text }) {
                set_error.set(Some("Withdrawn: reload to see it.".into()));
            }
        });
    };
    let list = move || {
        let me = writes.user().get();
        entries
            .get()
            .into_iter()
            .map(|entry| {
                let own = entry.user().is_some() && entry.user() == me.as_deref();
                let undo = (own && !matches!(entry.standing, Standing::Withdrawn(_))).then(|| {
                    let key = entry.key.clone();
                    view! {
                        <button
                            type="button"
                            disabled=move || writes.busy().get()
                            on:click=move |_| withdraw(key.clone())
                        >
                            "Withdraw my sign-off"
                        </button>
                    }
                });
                view! { <li>{line(&entry)} " " {undo}</li> }
            })
            .collect_view()
    };
    move || {
        shown().then(|| {
            view! {
                <section class="sign-offs" aria-labelledby="sign-offs-heading">
                    <h3 id="sign-offs-heading">"Sign-offs"</h3>
                    <p>
                        {move || {
                            let required = required.get();
                            if required.is_empty() {
                                "The policy in effect requires no sign-off.".to_owned()
                            } else {
                                format!(
                                    "The policy requires sign-offs ({}) from signed-in users other \
                                     than the one who applies. A sign-off counts while the policy, \
                                     the evidence and the aliases stay as they were signed.",
                                    required.join(", ")
                                )
                            }
                        }}
                    </p>
                    <ul class="sign-off-list" aria-label="Sign-offs of this version">{list}</ul>
                    <button
                        type="button"
                        aria-describedby="sign-off-reason"
                        disabled=move || writes.busy().get() || blocked().is_some()
                        on:click=sign
                    >
                        "Sign off this decision"
                    </button>
                    <p id="sign-off-reason" class="muted">{blocked}</p>
                    <p class="field-error" role="alert">{error}</p>
                </section>
            }
        })
    }
}

/// `production: v4 → v6 and champion: v3 → v6`.
fn moves_text(sign_off: &SignOff) -> String {
    let moves: Vec<String> = sign_off
        .approved
        .moves
        .iter()
        .map(ToString::to_string)
        .collect();
    moves.join(" and ")
}

/// `editor signed production: v4 → v6 (2026-12-06 10:40) — counts`, names made visible.
fn line(entry: &SignOffEntry) -> String {
    let Some(sign_off) = &entry.sign_off else {
        return format!("{} — {}", visible(&entry.key), standing(&entry.standing));
    };
    format!(
        "{} signed {} ({}) — {}",
        visible(&sign_off.user),
        visible(&moves_text(sign_off)),
        format_time(sign_off.at),
        standing(&entry.standing)
    )
}

fn standing(standing: &Standing) -> String {
    match standing {
        Standing::Counts => "counts".to_owned(),
        Standing::Withdrawn(at) => format!("withdrawn {}", format_time(*at)),
        Standing::Void(why) => format!("void: {}", why.join("; ")),
        Standing::Ignored(why) => {
            let why: Vec<String> = why.iter().map(ToString::to_string).collect();
            format!("ignored, not to be trusted: {}", why.join("; "))
        }
    }
}
