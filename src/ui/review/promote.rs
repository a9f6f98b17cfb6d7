//! Promotion: the plan on screen → a confirmation listing every move, the policy and the
//! evidence (`confirm.rs`) → the writes (`mlflow::Client::apply_alias_writes`: re-read, guard,
//! write in order, record) → what MLflow holds afterwards, with retry or restore when only part
//! was applied (`report.rs`). The same path serves rollbacks and a reviewer's own alias
//! actions (history.rs). What to move is decided in `policy::Proposal`; this file only wires it.

use leptos::prelude::*;

use super::state::{use_review, Notice, ReviewState};
use crate::policy::Proposal;

/// Writes `moves` (after the reviewer confirmed them) to the server the screen's data came
/// from, then reloads the screen — or shows exactly what was and was not applied.
pub fn apply(state: ReviewState, moves: Proposal) {
    let writes = state.writes;
    if writes.busy().get_untracked() {
        return;
    }
    writes.set_busy(true);
    let client = writes.client();
    let name = state.versions.data().model.name.clone();
    let user = writes.user().get_untracked();
    leptos::task::spawn_local(async move {
        let planned = moves.writes(user.as_deref(), js_sys::Date::now() as i64);
        let nonce = || (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
        let report = client
            .apply_alias_writes(&name, &planned, &moves.seen, nonce)
            .await;
        writes.set_busy(false);
        let notice = if report.is_conflict() {
            Some(Notice {
                ok: false,
                text: report.conflict_text(),
            })
        } else if report.is_clean(planned.len()) {
            Some(Notice {
                ok: true,
                text: report.applied_text(),
            })
        } else {
            None
        };
        if notice.is_some_and(|n| state.reload(n)) {
            writes.cancel();
        } else {
            writes.show_report(moves, report);
        }
    });
}

/// Under the plan line: Apply, or why there is nothing to apply.
#[component]
pub fn PromoteBar() -> impl IntoView {
    let state = use_review();
    let writes = state.writes;
    // Recomputed on each change it depends on (a fraction of a millisecond): no memo needed.
    let proposal = move || state.promotion();
    let blocked = move || {
        writes.busy().get() || writes.pending().with(Option::is_some) || proposal().is_err()
    };
    let open = move |_| {
        if let Ok(moves) = untrack(proposal) {
            writes.ask_to_confirm(moves);
        }
    };
    view! {
        <div class="promote">
            <button
                type="button"
                class="apply"
                disabled=blocked
                aria-describedby="apply-reason"
                on:click=open
            >
                "Apply…"
            </button>
            <p id="apply-reason" class="muted">
                {move || match proposal() {
                    Ok(p) => {
                        let moves: Vec<String> = p.plan.moves.iter().map(ToString::to_string).collect();
                        format!("Applying moves {}; you confirm first.", moves.join(" and "))
                    }
                    Err(reason) => reason,
                }}
            </p>
            <WhoWhere />
        </div>
    }
}

/// Where writes go and as whom.
#[component]
fn WhoWhere() -> impl IntoView {
    let writes = use_review().writes;
    let server = match writes.client().base_url() {
        "" => "this page's MLflow (same origin)".to_owned(),
        base => base.to_owned(),
    };
    view! {
        <p class="muted who">
            "Writes go to " {server} ", "
            {move || match writes.user().get() {
                Some(user) => format!("as MLflow user {user}."),
                None => "without a signed-in MLflow user.".to_owned(),
            }}
        </p>
    }
}
