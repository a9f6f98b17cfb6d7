//! The review screen's state: one `Copy` handle composed of parts, built once per load and
//! provided through context.
//!
//! - [`PolicyEdit`] (`edit.rs`) — the policy being edited, the saved one, the link;
//! - [`Versions`] (`versions.rs`) — the data, every version's verdict, the candidate;
//! - [`RowsLoader`] (`rows.rs`) — the per-row comparison of the candidate with the champion;
//! - [`Writes`] (`writes.rs`) — the client writes go to, confirmation, progress, the report.
//!
//! Components read what they need through the parts' accessors and change things only through
//! their named methods. What joins the parts — the decision for the candidate and the moves it
//! implies — is here, computed by `mlflow::ReviewData` and `policy::Proposal`.

mod edit;
mod rows;
mod versions;
mod writes;

use std::sync::Arc;

use leptos::prelude::*;

pub use edit::{InEffect, Origin, PolicyEdit};
pub use rows::RowsLoader;
pub use versions::{Versions, WINDOW};
pub use writes::{Notice, Reload, Writes};

use crate::deploy::Deployment;
use crate::mlflow::{ApplyReport, Client, ReviewData};
use crate::policy::{
    headline, AliasMove, Approved, Decision, Proposal, Protection, Refusal, Seen, SignOffEntry,
};

/// Every part of one model's review. `Copy`: pass it, or one part of it, anywhere.
#[derive(Clone, Copy)]
pub struct ReviewState {
    /// The policy being edited.
    pub edit: PolicyEdit,
    /// The versions, their verdicts and the candidate.
    pub versions: Versions,
    /// The per-row comparison of the candidate with the champion.
    pub rows: RowsLoader,
    /// Writes to MLflow.
    pub writes: Writes,
    decision: Memo<Option<Decision>>,
}

impl ReviewState {
    /// The state for `review` under `deployment`, starting from the shared link's policy
    /// (`shared`) if it is valid, else the saved one; reads and writes go through `client`.
    /// Call inside the component that owns the screen.
    pub fn new(
        review: Arc<ReviewData>,
        shared: Option<&str>,
        client: Client,
        reload: Option<Reload>,
        deployment: &Deployment,
    ) -> ReviewState {
        let edit = PolicyEdit::new(&review, shared, deployment.default_policy());
        let versions = Versions::new(review, edit);
        let rows = RowsLoader::new(versions, edit, client.clone());
        let protected = deployment.protected_aliases.clone();
        let writes = Writes::new(client, reload, protected);
        let data = versions.data_signal();
        let decision = Memo::new(move |_| {
            let candidate = versions.candidate().get();
            let rows = rows.loaded();
            data.with(|d| {
                edit.in_effect()
                    .with(|e| d.decide(&candidate, &e.policy, rows.as_deref()))
            })
        });
        ReviewState {
            edit,
            versions,
            rows,
            writes,
            decision,
        }
    }

    /// The decision for the candidate (`None`: the model has no versions).
    pub fn decision(&self) -> Memo<Option<Decision>> {
        self.decision
    }

    /// Why Apply must wait: the decision's noise-aware rule waits for per-row data that is not
    /// loaded (yet), or could not be read.
    pub fn rows_block(&self) -> Option<String> {
        let pending = self.decision.with(|d| {
            d.as_ref()
                .and_then(|d| d.champion_comparison.as_ref())
                .is_some_and(|c| c.rows_pending)
        });
        if !pending {
            return None;
        }
        Some(match self.rows.status() {
            Some((why, true)) => format!("{why} The noise-aware champion rule cannot decide."),
            _ => "The per-row comparison with the champion is loading: the noise-aware champion \
                  rule waits for it."
                .to_owned(),
        })
    }

    /// The registry as the screen shows it (the writes re-check it): the aliases and the saved
    /// policy; a promotion adds the evidence it compared ([`ReviewData::propose`]).
    pub fn seen(&self) -> Seen {
        Seen {
            aliases: self.versions.data().aliases(),
            policy_tag: self.edit.saved_tag().get(),
            evidence: Vec::new(),
            sign_offs: None,
        }
    }

    /// Runs `f` with the protection in force: the saved policy's, the policy in effect's (a
    /// what-if cannot lift a protection) and the deployment's.
    fn with_protection<T>(&self, f: impl FnOnce(Protection) -> T) -> T {
        let saved = self.edit.saved().get();
        let in_effect = self.edit.in_effect().with(|e| e.policy.clone());
        self.writes.protected().with_value(|deployment| {
            f(Protection {
                saved: &saved,
                in_effect: &in_effect,
                deployment,
            })
        })
    }

    /// The moves the decision for the candidate implies under the policy in effect — what a
    /// reviewer signs off — or the engine's refusal.
    pub fn approvable(&self) -> Result<Proposal, Refusal> {
        let data = self.versions.data();
        let candidate = self.versions.candidate().get();
        let rows = self.rows.loaded();
        let tag = self.edit.saved_tag().get();
        let policy = self.edit.in_effect().with(|e| e.policy.clone());
        self.with_protection(|protection| {
            data.propose(
                &candidate,
                &policy,
                rows.as_deref(),
                tag.as_deref(),
                protection,
            )
        })
    }

    /// The candidate's sign-offs, each judged against what would be applied now.
    pub fn sign_offs(&self) -> Vec<SignOffEntry> {
        self.judged(self.approvable().ok().as_ref())
    }

    /// The candidate's sign-offs judged against `approvable` (`None`: nothing is proposed).
    fn judged(&self, approvable: Option<&Proposal>) -> Vec<SignOffEntry> {
        let candidate = self.versions.candidate().get();
        let approved =
            approvable.and_then(|p| self.edit.in_effect().with(|e| Approved::of(p, &e.policy)));
        self.versions
            .data()
            .sign_offs(&candidate, approved.as_ref(), js_sys::Date::now() as i64)
    }

    /// [`ReviewState::approvable`], allowed by the sign-offs the policy requires from users
    /// other than the one signed in (who applies it).
    fn proposal(&self) -> Result<Proposal, Refusal> {
        let proposal = self.approvable()?;
        let entries = self.judged(Some(&proposal));
        let user = self.writes.user().get();
        self.edit
            .in_effect()
            .with(|e| proposal.signed_off(&e.policy, &entries, user.as_deref()))
    }

    /// The promotion the decision for the candidate implies, or why Apply is not offered.
    pub fn promotion(&self) -> Result<Proposal, String> {
        if self.edit.is_invalid() {
            return Err(
                "An edit is invalid: fix it, or reset to the saved policy, before applying.".into(),
            );
        }
        if let Some(why) = self.rows_block() {
            return Err(why);
        }
        self.proposal().map_err(|refusal| refusal.to_string())
    }

    /// The plan's headline: what Apply would do, or why it would move nothing — from the same
    /// refusal Apply gives (`None`: the model has no versions).
    pub fn headline(&self) -> Option<String> {
        let decision = self.decision.get()?;
        if self.edit.is_invalid() {
            return Some(
                "no move: an edit is invalid (the preview keeps the last valid policy)".into(),
            );
        }
        let refusal = self.proposal().err();
        let candidate = self.versions.candidate().get();
        let aliases = self.versions.data().aliases();
        Some(
            self.edit
                .in_effect()
                .with(|e| headline(&e.policy, &decision, &candidate, &aliases, refusal.as_ref())),
        )
    }

    /// A reviewer's own move: `alias` to `version`, or removed (`None`).
    pub fn manual(&self, alias: &str, version: Option<&str>) -> Result<Proposal, String> {
        let seen = self.seen();
        self.with_protection(|p| Proposal::manual(alias, version, &seen, p))
            .map_err(|r| r.to_string())
    }

    /// Undoing the recorded move `undone` (its audit tag `key`).
    pub fn rollback(&self, key: &str, undone: &AliasMove) -> Result<Proposal, String> {
        let seen = self.seen();
        self.with_protection(|p| Proposal::rollback(key, undone, &seen, p))
            .map_err(|r| r.to_string())
    }

    /// After a partial apply of `moves` (`report`): the moves neither made nor touched by
    /// anyone else, planned against the registry `now`; `None` when MLflow changed otherwise.
    pub fn retry_rest(
        &self,
        moves: &Proposal,
        report: &ApplyReport,
        now: &Seen,
    ) -> Option<Proposal> {
        let applied: Vec<AliasMove> = report.applied.iter().map(|s| s.change.clone()).collect();
        self.with_protection(|p| moves.retry_rest(&applied, now, p))
    }

    /// After a partial apply of `moves`: what `report` applied, undone where `now` shows it.
    pub fn restore(&self, moves: &Proposal, report: &ApplyReport, now: &Seen) -> Option<Proposal> {
        self.with_protection(|p| moves.restore(&report.applied_moves(), now, p))
    }

    /// Loads the review again from MLflow, keeping the what-if, with `notice` on the fresh
    /// screen. False when this screen cannot reload itself (mounted without a loader).
    pub fn reload(&self, notice: Notice) -> bool {
        self.writes.reload(self.edit.what_if(), notice)
    }
}

/// Makes `state` the review state of every component below.
pub fn provide_review(state: ReviewState) -> ReviewState {
    provide_context(state);
    state
}

/// The review state provided by the screen ([`provide_review`]).
pub fn use_review() -> ReviewState {
    expect_context::<ReviewState>()
}
