//! The confirmation of alias moves: every move, the policy used and the evidence; protected
//! aliases need the model's name typed. Nothing is written before "Apply".

use leptos::prelude::*;

use super::dialog::ConfirmDialogShell;
use super::promote::apply;
use super::state::use_review;
use crate::policy::{visible, MoveKind, PolicySource, Proposal};
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
    let name = visible(&state.versions.data().model.name).into_owned();
    let count = moves.plan.moves.len();
    let title = match moves.kind {
        MoveKind::Promotion | MoveKind::Pipeline => format!("Confirm the promotion of {name}"),
        MoveKind::Rollback => format!("Confirm the rollback on {name}"),
        MoveKind::Manual => format!("Confirm the alias change on {name}"),
        MoveKind::Restore => format!("Confirm the restore on {name}"),
    };
    let list = moves
        .plan
        .moves
        .iter()
        .map(|m| view! { <li>{visible(&m.to_string()).into_owned()}</li> })
        .collect_view();
    let policy = moves.policy.as_ref().map(|p| {
        let which = match p.source {
            PolicySource::Saved => format!("the saved policy (fingerprint {}).", p.hash),
            PolicySource::Defaults => format!(
                "{}: none is saved on this model (fingerprint {}).",
                default_policy_name(&deployment),
                p.hash
            ),
            PolicySource::WhatIf | PolicySource::File | PolicySource::Criteria => format!(
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
        let comparison = d
            .champion_comparison
            .as_ref()
            .map(|c| format!("Against the champion: {}", c.sentence()));
        view! {
            <h3>"Evidence"</h3>
            <p>{format!("{} of the policy's rules checked; {}", d.rules_checked, moves.summary)}</p>
            <ul class="checks">{checks}</ul>
            <p>{comparison.unwrap_or_else(|| "There is no champion yet.".to_owned())}</p>
        }
    });
    let protected = (!moves.protected.is_empty())
        .then(|| format!("{} protected", visible(&moves.protected.join(", "))));
    let confirm = {
        let moves = moves.clone();
        Callback::new(move |()| apply(state, moves.clone()))
    };
    let confirm_label = if count == 1 {
        "Apply 1 alias move".to_owned()
    } else {
        format!("Apply {count} alias moves")
    };
    view! {
        <ConfirmDialogShell
            title
            name_needed_because=protected
            confirm_label
            on_confirm=confirm
            on_cancel=Callback::new(move |()| writes.cancel())
        >
            <ul class="moves">{list}</ul>
            {policy}
            {evidence}
            <p class="muted">
                "Each move is recorded on its version (tag podium.audit.<time>: who, when, policy, \
                 metrics). MLflow is re-read before writing: if anything changed, nothing is written."
            </p>
        </ConfirmDialogShell>
    }
}
