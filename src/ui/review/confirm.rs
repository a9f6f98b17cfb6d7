//! The confirmation of alias moves: every move, the policy used and the evidence; protected
//! aliases need the model's name typed. Nothing is written before "Apply".

use leptos::prelude::*;

use super::promote::apply;
use super::state::use_review;
use crate::policy::{MoveKind, PolicySource, Proposal};
use crate::ui::verdict::look;
use crate::ui::{default_policy_name, use_deployment};

/// The confirmation: every move, the policy used and the evidence; protected aliases need the
/// model's name typed. Nothing is written before "Apply".
#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let state = use_review();
    move || {
        state.writes.pending().get().map(|moves| {
            view! { <Confirm moves /> }
        })
    }
}

#[component]
fn Confirm(moves: Proposal) -> impl IntoView {
    let state = use_review();
    let writes = state.writes;
    let deployment = use_deployment();
    let name = state.versions.data().model.name.clone();
    let (typed, set_typed) = signal(String::new());
    let needs_name = !moves.protected.is_empty();
    let ready = {
        let name = name.clone();
        move || !writes.busy().get() && (!needs_name || typed.with(|t| t.trim() == name))
    };
    let count = moves.plan.moves.len();
    let title = match moves.kind {
        MoveKind::Promotion => format!("Confirm the promotion of {name}"),
        MoveKind::Rollback => format!("Confirm the rollback on {name}"),
        MoveKind::Manual => format!("Confirm the alias change on {name}"),
        MoveKind::Restore => format!("Confirm the restore on {name}"),
    };
    let list = moves
        .plan
        .moves
        .iter()
        .map(|m| view! { <li>{m.to_string()}</li> })
        .collect_view();
    let policy = moves.policy.as_ref().map(|p| {
        let which = match p.source {
            PolicySource::Saved => format!("the saved policy (fingerprint {}).", p.hash),
            PolicySource::Defaults => format!(
                "{}: none is saved on this model (fingerprint {}).",
                default_policy_name(&deployment),
                p.hash
            ),
            PolicySource::WhatIf => format!(
                "an unsaved what-if (fingerprint {}), which differs from the saved policy in:",
                p.hash
            ),
        };
        let differences = moves
            .differences
            .iter()
            .map(|d| view! { <li>{d.clone()}</li> })
            .collect_view();
        view! {
            <h3>"Policy"</h3>
            <p>"Decided under " {which}</p>
            <ul class="differences">{differences}</ul>
        }
    });
    let evidence = moves.decision.as_ref().map(|d| {
        let checks = d
            .checks
            .iter()
            .map(|c| view! { <li>{look(c.verdict).word} ": " {c.reason.clone()}</li> })
            .collect_view();
        let comparison = d.champion_comparison.as_ref().map(|c| {
            format!(
                "Against the champion: the candidate wins {} of {} key metrics, the champion {}.",
                c.tally.candidate_wins,
                c.metrics.len(),
                c.tally.champion_wins
            )
        });
        view! {
            <h3>"Evidence"</h3>
            <p>{format!("{} of the policy's rules checked; {}", d.rules_checked, moves.summary)}</p>
            <ul class="checks">{checks}</ul>
            <p>{comparison.unwrap_or_else(|| "There is no champion yet.".to_owned())}</p>
        }
    });
    let protected = needs_name.then(|| {
        let aliases = moves.protected.join(", ");
        view! {
            <label for="confirm-name">
                {format!("{aliases} protected: type the model name ({name}) to confirm")}
            </label>
            <input
                id="confirm-name"
                autocomplete="off"
                prop:value=typed
                on:input=move |ev| set_typed.set(event_target_value(&ev))
            />
        }
    });
    let confirm = {
        let moves = moves.clone();
        move |_| apply(state, moves.clone())
    };
    // The dialog takes the focus; Escape cancels it (unless a write is in flight).
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && !writes.busy().get_untracked() {
            writes.cancel();
        }
    };
    let button = if count == 1 {
        "Apply 1 alias move".to_owned()
    } else {
        format!("Apply {count} alias moves")
    };
    view! {
        <div class="backdrop">
        <div class="confirm" role="dialog" aria-modal="true" aria-labelledby="confirm-heading" on:keydown=on_key>
            <h2 id="confirm-heading" tabindex="-1" node_ref=heading>{title}</h2>
            <ul class="moves">{list}</ul>
            {policy}
            {evidence}
            <p class="muted">
                "Each move is recorded on its version (tag podium.audit.<time>: who, when, policy, \
                 metrics). MLflow is re-read before writing: if anything changed, nothing is written."
            </p>
            {protected}
            <div class="actions">
                <button type="button" disabled=move || !ready() on:click=confirm>
                    {button}
                </button>
                <button type="button" on:click=move |_| writes.cancel() disabled=move || writes.busy().get()>
                    "Cancel"
                </button>
            </div>
            {move || writes.busy().get().then(|| view! { <p role="status">"Writing to MLflow…"</p> })}
        </div>
        </div>
    }
}
