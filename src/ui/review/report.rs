//! What an apply did that was not a clean success: each move's state in MLflow now, why it
//! stopped, and the way on — retry the rest, or restore what was applied.

use leptos::prelude::*;

use super::state::use_review;
use crate::mlflow::ApplyReport;
use crate::policy::{MoveState, Proposal, Seen};

/// What an apply did that was not a clean success: each move's state in MLflow now, why it
/// stopped, and the way on — retry the rest, or restore what was applied.
#[component]
pub fn ReportPanel() -> impl IntoView {
    let state = use_review();
    move || {
        state.writes.report().get().map(|(moves, report)| {
            view! { <Report moves report /> }
        })
    }
}

#[component]
fn Report(moves: Proposal, report: ApplyReport) -> impl IntoView {
    let state = use_review();
    let writes = state.writes;
    let now = match &report.now {
        Some(Ok(aliases)) => Some(Seen {
            aliases: aliases.clone(),
            policy_tag: state.edit.saved_tag().get_untracked(),
        }),
        _ => None,
    };
    let applied = report.applied.len();
    let title = if report.is_conflict() {
        "Nothing was written: MLflow changed since this screen loaded"
    } else if report.refused.is_some() {
        "Nothing was written"
    } else if applied == 0 {
        "Nothing was applied"
    } else if report.is_complete(moves.plan.moves.len()) {
        if report.applied.iter().all(|s| s.record.is_ok()) {
            "Applied"
        } else {
            "Applied, but not every move was recorded"
        }
    } else {
        "Only part of it was applied"
    };
    let rows = match &now {
        Some(now) => moves
            .plan
            .progress(&now.aliases)
            .into_iter()
            .map(|(m, st)| {
                let step = report.applied.iter().find(|s| s.change == m);
                let state_text = match st {
                    MoveState::Applied => match step.map(|s| &s.record) {
                        Some(Ok(key)) => format!("applied (recorded as {key})"),
                        Some(Err(e)) => format!("applied, but its record could not be written: {e}"),
                        None => "applied".to_owned(),
                    },
                    MoveState::NotApplied => "not applied".to_owned(),
                    MoveState::Elsewhere(v) => format!(
                        "not applied: someone else moved it (now {})",
                        v.map_or("unset".to_owned(), |v| format!("v{v}"))
                    ),
                };
                view! { <li>{format!("{m} — {state_text}")}</li> }
            })
            .collect_view()
            .into_any(),
        None => view! {
            <li>
                "MLflow could not be re-read after the writes, so what was applied is unknown: reload \
                 the page before doing anything else."
            </li>
        }
        .into_any(),
    };
    let why = report
        .stopped
        .as_ref()
        .map(|s| match &s.error {
            Some(e) => format!("Stopped: {} — {e}", s.what),
            None => format!("Stopped: {}.", s.what),
        })
        .or(report.refused.clone())
        .map(|w| view! { <p class="field-error">{w}</p> });
    let retry = now.as_ref().and_then(|n| state.retry_rest(&moves, n));
    let undo = now.as_ref().and_then(|n| state.restore(&moves, &report, n));
    let retry = retry.filter(|_| !report.is_conflict()).map(|p| {
        let label = if applied == 0 { "Try again…" } else { "Retry the rest…" };
        view! {
            <button type="button" disabled=move || writes.busy().get() on:click=move |_| writes.ask_to_confirm(p.clone())>
                {label}
            </button>
        }
    });
    let undo = undo.map(|p| {
        let label = {
            let moves: Vec<String> = p
                .plan
                .moves
                .iter()
                .map(|m| {
                    let to = m.to.as_deref().map_or("unset".to_owned(), |v| format!("v{v}"));
                    format!("{} to {to}", m.alias)
                })
                .collect();
            format!("Restore {}…", moves.join(", "))
        };
        view! {
            <button type="button" disabled=move || writes.busy().get() on:click=move |_| writes.ask_to_confirm(p.clone())>
                {label}
            </button>
        }
    });
    view! {
        <section class="report" role="alert" aria-labelledby="report-heading">
            <h2 id="report-heading">{title}</h2>
            <ul>{rows}</ul>
            {why}
            <div class="actions">{retry} {undo}</div>
        </section>
    }
}
