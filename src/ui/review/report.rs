//! What an apply did that was not a clean success: each move's state in MLflow now, why it
//! stopped, and the way on — retry the rest, or restore what was applied.

use leptos::prelude::*;

use super::state::{use_review, Notice};
use crate::mlflow::ApplyReport;
use crate::policy::{visible, MoveState, Proposal, Seen};

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
            ..Seen::default()
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
        if report.applied.iter().any(|s| s.overwritten_by.is_some()) {
            "Written, then overwritten by a concurrent change"
        } else if report.applied.iter().any(|s| !s.verified) {
            "Written, but MLflow could not be read back"
        } else if report.applied.iter().all(|s| s.record.is_ok()) {
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
                    MoveState::Elsewhere(v) if step.is_some() => format!(
                        "written, then overwritten by a concurrent change (now {})",
                        v.map_or("unset".to_owned(), |v| format!("v{v}"))
                    ),
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
                view! { <li>{format!("{} — {state_text}", visible(&m.to_string()))}</li> }
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
    let retry = now
        .as_ref()
        .and_then(|n| state.retry_rest(&moves, &report, n));
    let undo = now.as_ref().and_then(|n| state.restore(&moves, &report, n));
    // Moves left undone that cannot simply be tried again: MLflow changed otherwise since the
    // decision, which must be made again on fresh data.
    let unfinished = report.refused.is_none()
        && !report.is_conflict()
        && report.applied.len() < moves.plan.moves.len();
    let decide_again = (now.is_some() && retry.is_none() && unfinished).then(|| {
        let reload = move |_| {
            let notice = Notice {
                ok: false,
                text: "Reloaded after a partial apply: MLflow had changed since the decision. \
                       Check the decision again."
                    .to_owned(),
            };
            state.reload(notice);
        };
        view! {
            <p>
                "MLflow changed otherwise since the decision, so the rest cannot simply be tried \
                 again: reload and decide again. "
                <button type="button" disabled=move || writes.busy().get() on:click=reload>
                    "Reload and decide again"
                </button>
            </p>
        }
    });
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
            {decide_again}
            <div class="actions">{retry} {undo}</div>
        </section>
    }
}
