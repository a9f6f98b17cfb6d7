//! Sign-offs in MLflow: a reviewer's approval of the decision on screen, written as its own tag
//! on the candidate only if nothing the decision read has changed; withdrawn by rewriting it.

use super::client::Client;
use super::error::ApiError;
use super::ApplyReport;
use crate::policy::{Proposal, SignOff};

/// What signing off came to.
#[derive(Debug, Clone, PartialEq)]
pub enum SignOffOutcome {
    /// MLflow holds the sign-off under this tag key.
    Signed(String),
    /// What the decision read changed since (in words): nothing was written.
    Changed(String),
    /// Nothing was written, or whether it was is unknown.
    Failed(ApiError),
}

impl Client {
    /// Writes `sign_off` of `proposal` (model `name`) as a tag on its candidate — after
    /// re-reading the aliases, the saved policy and the evidence the decision read, and writing
    /// nothing if any of it changed. `nonce` keeps two sign-offs of one millisecond apart.
    pub async fn sign_off(
        &self,
        name: &str,
        proposal: &Proposal,
        sign_off: &SignOff,
        nonce: u32,
    ) -> SignOffOutcome {
        let Some(first) = proposal.plan.moves.first() else {
            return SignOffOutcome::Changed("no move is proposed".to_owned());
        };
        let model = match self.get_registered_model(name).await {
            Ok(model) => model,
            Err(e) => return SignOffOutcome::Failed(e),
        };
        let mut report = ApplyReport::default();
        // The sign-offs themselves are not re-counted: signing does not need them.
        let seen = crate::policy::Seen {
            sign_offs: None,
            ..proposal.seen.clone()
        };
        if let Err(stop) = self
            .guard(&model, &seen, first, sign_off.at, &mut report)
            .await
        {
            return SignOffOutcome::Failed(
                stop.error
                    .unwrap_or(ApiError::Inconsistent { detail: stop.what }),
            );
        }
        if report.is_conflict() {
            return SignOffOutcome::Changed(report.conflict_text());
        }
        let key = sign_off.tag_key(nonce);
        let version = &sign_off.approved.candidate;
        match self
            .set_model_version_tag(name, version, &key, &sign_off.to_tag_value())
            .await
        {
            Ok(()) => SignOffOutcome::Signed(key),
            Err(e) => SignOffOutcome::Failed(e),
        }
    }

    /// Withdraws `user`'s sign-off under tag `key` of version `version` of model `name` at `at`
    /// (ms): read again first, and rewritten as withdrawn only if it is there and names `user`.
    pub async fn withdraw_sign_off(
        &self,
        name: &str,
        version: &str,
        key: &str,
        user: &str,
        at: i64,
    ) -> WithdrawOutcome {
        let found = match self.get_model_version(name, version).await {
            Ok(found) => found,
            Err(e) => return WithdrawOutcome::Failed(e),
        };
        let Some(tag) = found.tags.iter().find(|t| t.key == key) else {
            return WithdrawOutcome::Gone;
        };
        let withdrawn = match serde_json::from_str::<SignOff>(&tag.value) {
            Ok(s) if s.user != user => return WithdrawOutcome::NotYours(s.user),
            Ok(s) if s.withdrawn.is_some() => return WithdrawOutcome::Gone,
            Ok(s) => SignOff {
                withdrawn: Some(at),
                ..s
            },
            Err(_) => return WithdrawOutcome::NotYours(String::new()),
        };
        match self
            .set_model_version_tag(name, version, key, &withdrawn.to_tag_value())
            .await
        {
            Ok(()) => WithdrawOutcome::Withdrawn,
            Err(e) => WithdrawOutcome::Failed(e),
        }
    }
}

/// What withdrawing a sign-off came to.
#[derive(Debug, Clone, PartialEq)]
pub enum WithdrawOutcome {
    /// MLflow holds it as withdrawn.
    Withdrawn,
    /// It is not there, or already withdrawn.
    Gone,
    /// It names another user (empty: it names nobody readable): nothing was written.
    NotYours(String),
    /// MLflow refused or did not answer.
    Failed(ApiError),
}
