//! Promotion: the plan on screen → a confirmation listing every move, the policy and the
//! evidence → the writes (through `mlflow::Client::apply_alias_writes`: re-read, guard, write
//! in order, record) → what MLflow holds afterwards, with retry or restore when only part was
//! applied. The same path serves rollbacks and a reviewer's own alias actions (history.rs).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::{use_review, Notice, ReviewState};
use crate::mlflow::{AliasWrite, ApplyReport, Evaluation, Seen};
use crate::policy::{
    summary, used_metrics, AliasMove, AuditRecord, Candidate, Decision, MetricSet, MoveKind,
    MoveState, Plan, PolicySource, PolicyUsed, RECORD_FORMAT,
};
use crate::ui::verdict::look;
use crate::ui::{default_policy_name, deployment};

/// Alias moves waiting for confirmation, with what the confirmation shows and the records keep.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// Why the moves are made.
    pub kind: MoveKind,
    /// The moves, in order.
    pub plan: Plan,
    /// The registry the moves were planned against (the writes re-check it).
    pub seen: Seen,
    /// The decision or reason in words.
    pub summary: String,
    /// The policy, for a promotion.
    pub policy: Option<PolicyUsed>,
    /// How that policy differs from the saved one (empty: it is the saved one).
    pub differences: Vec<String>,
    /// The decision, for a promotion.
    pub decision: Option<Decision>,
    /// The candidate and the metrics the decision used.
    pub candidate: Option<(String, MetricSet)>,
    /// The champion compared against and its metrics used.
    pub champion: Option<(String, MetricSet)>,
    /// Per move, the key of the record it undoes (rollback, restore).
    pub undoes: Vec<Option<String>>,
    /// Aliases among the moves that need the model's name typed.
    pub protected: Vec<String>,
}

impl Pending {
    fn new(kind: MoveKind, plan: Plan, seen: Seen, summary: String) -> Pending {
        Pending {
            kind,
            plan,
            seen,
            summary,
            policy: None,
            differences: Vec::new(),
            decision: None,
            candidate: None,
            champion: None,
            undoes: Vec::new(),
            protected: Vec::new(),
        }
    }

    /// Marks the moves of protected aliases: protected by the saved policy or the one in effect
    /// (a what-if cannot lift the protection).
    fn protect(mut self, state: &ReviewState) -> Pending {
        let saved = state.saved().get();
        let in_effect = state.in_effect().with(|e| e.policy.clone());
        let deployment = deployment();
        self.protected = self
            .plan
            .moves
            .iter()
            .map(|m| m.alias.clone())
            .filter(|a| {
                saved.is_protected(a) || in_effect.is_protected(a) || deployment.protects(a)
            })
            .collect();
        self
    }

    /// The writes, each with its audit record.
    pub fn writes(&self, user: Option<String>, at: i64) -> Vec<AliasWrite> {
        self.plan
            .moves
            .iter()
            .enumerate()
            .map(|(i, change)| AliasWrite {
                change: change.clone(),
                record: AuditRecord {
                    format: RECORD_FORMAT,
                    kind: self.kind,
                    alias: change.alias.clone(),
                    from: change.from.clone(),
                    to: change.to.clone(),
                    at,
                    user: user.clone(),
                    summary: self.summary.clone(),
                    policy: self.policy.clone(),
                    candidate_metrics: self.candidate.as_ref().map(|(_, m)| m.clone()),
                    champion: self.champion.as_ref().map(|(v, _)| v.clone()),
                    champion_metrics: self.champion.as_ref().map(|(_, m)| m.clone()),
                    undoes: self.undoes.get(i).cloned().flatten(),
                },
            })
            .collect()
    }
}

/// The registry as the screen loaded it (or last wrote it).
fn seen(state: &ReviewState) -> Seen {
    Seen {
        aliases: state.data().aliases(),
        policy_tag: state.saved_tag().get(),
    }
}

/// The promotion the decision for the candidate implies, or why Apply is not offered.
pub fn promotion(state: &ReviewState) -> Result<Pending, String> {
    if state.is_invalid() {
        return Err(
            "An edit is invalid: fix it, or reset to the saved policy, before applying.".into(),
        );
    }
    if let Some(why) = state.rows_block() {
        return Err(why);
    }
    let data = state.data();
    let row = state.candidate().get();
    let version = data
        .versions
        .get(row)
        .ok_or("This model has no versions.")?;
    let decision = state
        .decision()
        .get()
        .ok_or("This model has no versions.")?;
    let policy = state.in_effect().with(|e| e.policy.clone());
    let number = version.version.version.clone();
    let missing = match &version.evaluation {
        Evaluation::NotFound { reason } => Some(reason.as_str()),
        _ => None,
    };
    let candidate = Candidate {
        version: &number,
        missing_evaluation: missing,
    };
    let aliases = data.aliases();
    let plan = Plan::propose(&policy, &decision, candidate, &aliases).map_err(|r| r.to_string())?;
    let saved = state.saved().get();
    let source = if policy != saved {
        PolicySource::WhatIf
    } else if state.saved_tag().with(Option::is_some) {
        PolicySource::Saved
    } else {
        PolicySource::Defaults
    };
    let champion = state.champion_row().get().map(|i| {
        let v = &data.versions[i];
        (
            v.version.version.clone(),
            used_metrics(&policy, &v.metric_set()),
        )
    });
    let pending = Pending {
        policy: Some(PolicyUsed::new(&policy, source)),
        differences: policy.differences(&saved),
        candidate: Some((number.clone(), used_metrics(&policy, &version.metric_set()))),
        champion,
        ..Pending::new(
            MoveKind::Promotion,
            plan,
            seen(state),
            summary(&policy, &decision, &number, &aliases),
        )
    };
    Ok(Pending {
        decision: Some(decision),
        ..pending.protect(state)
    })
}

/// A reviewer's own move: `alias` to `version`, or removed (`None`).
pub fn manual(state: &ReviewState, alias: &str, version: Option<&str>) -> Result<Pending, String> {
    let aliases = state.data().aliases();
    let plan = Plan::manual(alias, version, &aliases).map_err(|r| r.to_string())?;
    let text = plan.moves[0].to_string();
    Ok(Pending::new(
        MoveKind::Manual,
        plan,
        seen(state),
        format!("manual: {text}"),
    )
    .protect(state))
}

/// Undoing the recorded move `undone` (tag `key`).
pub fn rollback(state: &ReviewState, key: &str, undone: &AliasMove) -> Result<Pending, String> {
    let aliases = state.data().aliases();
    let plan = Plan::rollback(undone, &aliases).map_err(|r| r.to_string())?;
    let summary = format!("rollback of {undone} ({key})");
    Ok(Pending {
        undoes: vec![Some(key.to_owned())],
        ..Pending::new(MoveKind::Rollback, plan, seen(state), summary).protect(state)
    })
}

/// After a partial apply: the moves not yet made, planned against the registry `now`.
fn retry_rest(state: &ReviewState, moves: &Pending, now: &Seen) -> Option<Pending> {
    let rest: Vec<AliasMove> = moves
        .plan
        .moves
        .iter()
        .filter(|m| now.aliases.get(&m.alias) != m.to.as_ref())
        .map(|m| AliasMove {
            from: now.aliases.get(&m.alias).cloned(),
            ..m.clone()
        })
        .collect();
    (!rest.is_empty()).then(|| {
        Pending {
            plan: Plan { moves: rest },
            seen: now.clone(),
            ..moves.clone()
        }
        .protect(state)
    })
}

/// After a partial apply: the applied moves undone, planned against the registry `now`.
fn restore(
    state: &ReviewState,
    moves: &Pending,
    report: &ApplyReport,
    now: &Seen,
) -> Option<Pending> {
    let mut back = Vec::new();
    let mut undoes = Vec::new();
    for step in report.applied.iter().rev() {
        let m = &step.change;
        if now.aliases.get(&m.alias) == m.to.as_ref() {
            back.push(AliasMove {
                alias: m.alias.clone(),
                from: m.to.clone(),
                to: m.from.clone(),
            });
            undoes.push(step.record.as_ref().ok().cloned());
        }
    }
    (!back.is_empty()).then(|| {
        let text: Vec<String> = back.iter().map(ToString::to_string).collect();
        Pending {
            undoes,
            ..Pending::new(
                MoveKind::Restore,
                Plan { moves: back },
                now.clone(),
                format!(
                    "restore after a partial {}: {}",
                    moves.kind.label(),
                    text.join(", ")
                ),
            )
            .protect(state)
        }
    })
}

/// Writes `moves` (after the reviewer confirmed them) to the server the screen's data came
/// from, then reloads the screen — or shows exactly what was and was not applied.
pub fn apply(state: ReviewState, moves: Pending) {
    if state.busy().get_untracked() {
        return;
    }
    state.set_busy(true);
    let client = state.client();
    let name = state.data().model.name.clone();
    let user = state.user().get_untracked();
    leptos::task::spawn_local(async move {
        let writes = moves.writes(user, js_sys::Date::now() as i64);
        let nonce = || (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
        let report = client
            .apply_alias_writes(&name, &writes, &moves.seen, nonce)
            .await;
        state.set_busy(false);
        let planned = moves.plan.moves.len();
        let recorded = report.applied.iter().all(|s| s.record.is_ok());
        let notice = if report.is_conflict() {
            Some(Notice {
                ok: false,
                text: conflict_text(&report),
            })
        } else if report.is_complete(planned) && recorded {
            let done: Vec<String> = report
                .applied
                .iter()
                .map(|s| {
                    let key = s.record.as_ref().map(String::as_str).unwrap_or_default();
                    format!("{} (recorded as {key})", s.change)
                })
                .collect();
            Some(Notice {
                ok: true,
                text: format!("Applied: {}.", done.join("; ")),
            })
        } else {
            None
        };
        let reloaded = notice.is_some_and(|n| state.reload(n));
        if reloaded {
            state.cancel();
        } else {
            state.show_report(moves, report);
        }
    });
}

fn conflict_text(report: &ApplyReport) -> String {
    let mut changed: Vec<String> = report
        .conflicts
        .iter()
        .map(|c| {
            let was = c
                .from
                .as_deref()
                .map_or("unset".to_owned(), |v| format!("v{v}"));
            let now =
                c.to.as_deref()
                    .map_or("unset".to_owned(), |v| format!("v{v}"));
            format!(
                "{} was {was} when this screen loaded and is now {now}",
                c.alias
            )
        })
        .collect();
    if report.policy_changed.is_some() {
        changed.push("the model's saved policy was changed".to_owned());
    }
    format!(
        "Nothing was written: MLflow changed since this screen loaded — {}. The screen now \
         shows fresh data; check the decision again.",
        changed.join("; ")
    )
}

/// Under the plan line: Apply, or why there is nothing to apply.
#[component]
pub fn PromoteBar() -> impl IntoView {
    let state = use_review();
    // Recomputed on each change it depends on (a fraction of a millisecond): no memo needed.
    let proposal = move || promotion(&state);
    let blocked =
        move || state.busy().get() || state.pending().with(Option::is_some) || proposal().is_err();
    let open = move |_| {
        if let Ok(moves) = untrack(proposal) {
            state.ask_to_confirm(moves);
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
    let state = use_review();
    let server = {
        let base = state.client().base_url().to_owned();
        if base.is_empty() {
            "this page's MLflow (same origin)".to_owned()
        } else {
            base
        }
    };
    view! {
        <p class="muted who">
            "Writes go to " {server} ", "
            {move || match state.user().get() {
                Some(user) => format!("as MLflow user {user}."),
                None => "without a signed-in MLflow user.".to_owned(),
            }}
        </p>
    }
}

/// The confirmation: every move, the policy used and the evidence; protected aliases need the
/// model's name typed. Nothing is written before "Apply".
#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let state = use_review();
    move || {
        state.pending().get().map(|moves| {
            view! { <Confirm moves /> }
        })
    }
}

#[component]
fn Confirm(moves: Pending) -> impl IntoView {
    let state = use_review();
    let name = state.data().model.name.clone();
    let (typed, set_typed) = signal(String::new());
    let needs_name = !moves.protected.is_empty();
    let ready = {
        let name = name.clone();
        move || !state.busy().get() && (!needs_name || typed.with(|t| t.trim() == name))
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
                default_policy_name(),
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
    // (Found by id once mounted: a `NodeRef` would add its own code to the bundle.)
    Effect::new(move |_| {
        let heading = document().get_element_by_id("confirm-heading");
        if let Some(h) = heading.and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = h.focus();
        }
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && !state.busy().get_untracked() {
            state.cancel();
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
            <h2 id="confirm-heading" tabindex="-1">{title}</h2>
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
                <button type="button" on:click=move |_| state.cancel() disabled=move || state.busy().get()>
                    "Cancel"
                </button>
            </div>
            {move || state.busy().get().then(|| view! { <p role="status">"Writing to MLflow…"</p> })}
        </div>
        </div>
    }
}

/// What an apply did that was not a clean success: each move's state in MLflow now, why it
/// stopped, and the way on — retry the rest, or restore what was applied.
#[component]
pub fn ReportPanel() -> impl IntoView {
    let state = use_review();
    move || {
        state.report().get().map(|(moves, report)| {
            view! { <Report moves report /> }
        })
    }
}

#[component]
fn Report(moves: Pending, report: ApplyReport) -> impl IntoView {
    let state = use_review();
    let now = match &report.now {
        Some(Ok(aliases)) => Some(Seen {
            aliases: aliases.clone(),
            policy_tag: state.saved_tag().get_untracked(),
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
    let retry = now.as_ref().and_then(|n| retry_rest(&state, &moves, n));
    let undo = now
        .as_ref()
        .and_then(|n| restore(&state, &moves, &report, n));
    let retry = retry.filter(|_| !report.is_conflict()).map(|p| {
        let label = if applied == 0 { "Try again…" } else { "Retry the rest…" };
        view! {
            <button type="button" disabled=move || state.busy().get() on:click=move |_| state.ask_to_confirm(p.clone())>
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
            <button type="button" disabled=move || state.busy().get() on:click=move |_| state.ask_to_confirm(p.clone())>
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
