//! Proposals: alias moves waiting for someone's confirmation, with everything the confirmation
//! shows and the audit records keep — for a promotion, a rollback, a reviewer's own move, and
//! the ways on after a partial apply (retry the rest, restore). Pure: it takes plain values (the
//! registry as read, the policies, the decision), so the dashboard and the command propose the
//! same moves, and it is tested natively.

use std::collections::BTreeMap;

use super::audit::{used_metrics, AuditRecord, MoveKind, PolicySource, PolicyUsed, RECORD_FORMAT};
use super::decision::Decision;
use super::metrics::MetricSet;
use super::plan::{summary, AliasMove, Candidate, Plan, Refusal};
use super::rules::Policy;
use super::signoff::{approvers, sign_offs, Approved, SignOffEntry};

/// What the proposal was made from: the writes re-read all of it right before the first write
/// and write nothing if any of it changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seen {
    /// Every alias of the model (alias → version): the decision may read any of them (the
    /// champion's evidence, a min-change rule against it), so all are compared.
    pub aliases: BTreeMap<String, String>,
    /// The model's saved policy tag (`podium.policy`), as text.
    pub policy_tag: Option<String>,
    /// The evaluation metrics of each version the decision compared (the candidate's and the
    /// champion's), as they were read: version → metrics.
    pub evidence: Vec<(String, MetricSet)>,
    /// The sign-offs the moves need, re-counted right before the first write.
    pub sign_offs: Option<SignOffGuard>,
}

/// What the writes re-check of a promotion's sign-offs: still enough, from users other than
/// the applier, for exactly what was approved.
#[derive(Debug, Clone, PartialEq)]
pub struct SignOffGuard {
    /// The policy (its `approvals`).
    pub policy: Policy,
    /// What is being applied.
    pub approved: Approved,
    /// Who applies it.
    pub applier: String,
}

impl SignOffGuard {
    /// The approvers, counted again from the candidate's `tags` (key, value) as read at `now`
    /// (ms), or why the moves may not be written.
    pub fn recount<'a>(
        &self,
        tags: impl IntoIterator<Item = (&'a str, &'a str)>,
        now: i64,
    ) -> Result<Vec<String>, Refusal> {
        let entries = sign_offs(&self.approved.candidate, tags, Some(&self.approved), now);
        approvers(
            &self.policy,
            &self.approved.moves,
            &entries,
            Some(&self.applier),
        )
    }
}

/// Which aliases need the model's name typed before they move: those the saved policy or the
/// policy in effect protects (a what-if cannot lift a protection), and those the deployment
/// protects whatever the policy says.
#[derive(Debug, Clone, Copy)]
pub struct Protection<'a> {
    /// The model's saved policy (or the default one).
    pub saved: &'a Policy,
    /// The policy the decision was made under.
    pub in_effect: &'a Policy,
    /// The deployment's protected aliases (`podium.json`).
    pub deployment: &'a [String],
}

impl Protection<'_> {
    /// Whether moving `alias` needs the model's name typed.
    pub fn protects(&self, alias: &str) -> bool {
        self.saved.is_protected(alias)
            || self.in_effect.is_protected(alias)
            || self.deployment.iter().any(|a| a == alias)
    }

    /// Refuses a move outside a promotion of an alias either policy requires sign-offs for.
    fn unguarded(&self, alias: &str) -> Result<(), Refusal> {
        let needed = self
            .saved
            .approvals_for(alias)
            .max(self.in_effect.approvals_for(alias));
        if needed > 0 {
            return Err(Refusal::Guarded {
                alias: alias.to_owned(),
                needed,
            });
        }
        Ok(())
    }
}

/// One alias move and the audit record to write once it is applied.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasWrite {
    /// The move.
    pub change: AliasMove,
    /// Its record (written as a tag on the version that received or lost the alias).
    pub record: AuditRecord,
}

/// What a promotion is decided from.
#[derive(Debug, Clone, Copy)]
pub struct Promotion<'a> {
    /// The policy in effect.
    pub policy: &'a Policy,
    /// The decision for the candidate under it.
    pub decision: &'a Decision,
    /// The candidate.
    pub candidate: Candidate<'a>,
    /// The candidate's metrics.
    pub candidate_metrics: &'a MetricSet,
    /// The champion compared against, and its metrics.
    pub champion: Option<(&'a str, &'a MetricSet)>,
    /// The registry the decision was made from.
    pub seen: &'a Seen,
    /// Which aliases are protected (its `saved` is the model's saved policy).
    pub protection: Protection<'a>,
}

/// Alias moves waiting for confirmation, with what the confirmation shows and the records keep.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
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
    /// The users whose sign-offs allow the moves (recorded in the audit records).
    pub approvers: Vec<String>,
}

impl Proposal {
    fn new(
        kind: MoveKind,
        plan: Plan,
        seen: Seen,
        summary: String,
        protection: Protection,
    ) -> Proposal {
        let protected = plan
            .moves
            .iter()
            .map(|m| m.alias.clone())
            .filter(|a| protection.protects(a))
            .collect();
        Proposal {
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
            protected,
            approvers: Vec::new(),
        }
    }

    /// The promotion a decision implies ([`Plan::propose`]), or why there is none. A what-if
    /// that changes the roles' aliases or which aliases are protected is refused until saved.
    pub fn promotion(p: Promotion) -> Result<Proposal, Refusal> {
        let saved = p.protection.saved;
        if p.policy.aliases != saved.aliases
            || p.policy.protected_aliases != saved.protected_aliases
            || p.policy.approvals != saved.approvals
        {
            return Err(Refusal::UnsavedRoles);
        }
        let plan = Plan::propose(p.policy, p.decision, p.candidate, &p.seen.aliases)?;
        let version = p.candidate.version;
        let source = if p.policy != saved {
            PolicySource::WhatIf
        } else if p.seen.policy_tag.is_some() {
            PolicySource::Saved
        } else {
            PolicySource::Defaults
        };
        let text = summary(p.policy, p.decision, version, &p.seen.aliases);
        let proposal = Proposal::new(
            MoveKind::Promotion,
            plan,
            p.seen.clone(),
            text,
            p.protection,
        );
        Ok(Proposal {
            policy: Some(PolicyUsed::new(p.policy, source)),
            differences: p.policy.differences(saved),
            decision: Some(p.decision.clone()),
            candidate: Some((
                version.to_owned(),
                used_metrics(p.policy, p.candidate_metrics),
            )),
            champion: p
                .champion
                .map(|(v, metrics)| (v.to_owned(), used_metrics(p.policy, metrics))),
            ..proposal
        })
    }

    /// This promotion (under `policy`) allowed to `applier` by the candidate's judged sign-off
    /// `entries`: with its approvers, and the sign-offs to re-count right before writing — or
    /// why not ([`approvers`]). A promotion no sign-off guards is returned as it is.
    pub fn signed_off(
        self,
        policy: &Policy,
        entries: &[SignOffEntry],
        applier: Option<&str>,
    ) -> Result<Proposal, Refusal> {
        let approvers = approvers(policy, &self.plan.moves, entries, applier)?;
        let guard = match (Approved::of(&self, policy), applier) {
            (Some(approved), Some(applier)) if self.needs_sign_offs(policy) => Some(SignOffGuard {
                policy: policy.clone(),
                approved,
                applier: applier.to_owned(),
            }),
            _ => None,
        };
        Ok(Proposal {
            seen: Seen {
                sign_offs: guard,
                ..self.seen.clone()
            },
            approvers,
            ..self
        })
    }

    /// Whether a move of this proposal needs sign-offs under `policy`.
    pub fn needs_sign_offs(&self, policy: &Policy) -> bool {
        self.plan
            .moves
            .iter()
            .any(|m| policy.approvals_for(&m.alias) > 0)
    }

    /// A reviewer's own move: `alias` to `version`, or removed (`None`).
    pub fn manual(
        alias: &str,
        version: Option<&str>,
        seen: &Seen,
        protection: Protection,
    ) -> Result<Proposal, Refusal> {
        protection.unguarded(alias)?;
        let plan = Plan::manual(alias, version, &seen.aliases)?;
        let text = format!("manual: {}", plan.moves[0]);
        let kind = MoveKind::Manual;
        Ok(Proposal::new(kind, plan, seen.clone(), text, protection))
    }

    /// Undoing the recorded move `undone` (audit tag `key`).
    pub fn rollback(
        key: &str,
        undone: &AliasMove,
        seen: &Seen,
        protection: Protection,
    ) -> Result<Proposal, Refusal> {
        protection.unguarded(&undone.alias)?;
        let plan = Plan::rollback(undone, &seen.aliases)?;
        let text = format!("rollback of {undone} ({key})");
        let proposal = Proposal::new(MoveKind::Rollback, plan, seen.clone(), text, protection);
        Ok(Proposal {
            undoes: vec![Some(key.to_owned())],
            ..proposal
        })
    }

    /// After a partial apply that made the `applied` moves: the moves neither made nor touched
    /// by anyone else, planned against the registry `now` — or `None` when there are none, or
    /// when anything else changed since the proposal was made (an alias someone else moved,
    /// the saved policy): then the decision is stale, and only a reload decides again.
    pub fn retry_rest(
        &self,
        applied: &[AliasMove],
        now: &Seen,
        protection: Protection,
    ) -> Option<Proposal> {
        let mut expected = self.seen.aliases.clone();
        for m in applied {
            match &m.to {
                Some(version) => expected.insert(m.alias.clone(), version.clone()),
                None => expected.remove(&m.alias),
            };
        }
        if now.aliases != expected || now.policy_tag != self.seen.policy_tag {
            return None;
        }
        let (moves, undoes): (Vec<AliasMove>, Vec<Option<String>>) = self
            .plan
            .moves
            .iter()
            .enumerate()
            .filter(|(_, m)| now.aliases.get(&m.alias) == m.from.as_ref())
            .map(|(i, m)| (m.clone(), self.undoes.get(i).cloned().flatten()))
            .unzip();
        if moves.is_empty() {
            return None;
        }
        let seen = Seen {
            evidence: self.seen.evidence.clone(),
            sign_offs: self.seen.sign_offs.clone(),
            ..now.clone()
        };
        let fresh = Proposal::new(self.kind, Plan { moves }, seen, String::new(), protection);
        Some(Proposal {
            plan: fresh.plan,
            seen: fresh.seen,
            protected: fresh.protected,
            undoes,
            ..self.clone()
        })
    }

    /// After a partial apply: the `applied` moves (each with its record's key, if written)
    /// undone, newest first, where the registry `now` still shows them.
    pub fn restore(
        &self,
        applied: &[(AliasMove, Option<String>)],
        now: &Seen,
        protection: Protection,
    ) -> Option<Proposal> {
        let mut back = Vec::new();
        let mut undoes = Vec::new();
        for (m, key) in applied.iter().rev() {
            if now.aliases.get(&m.alias) == m.to.as_ref() {
                back.push(AliasMove {
                    alias: m.alias.clone(),
                    from: m.to.clone(),
                    to: m.from.clone(),
                });
                undoes.push(key.clone());
            }
        }
        if back.is_empty() {
            return None;
        }
        let text: Vec<String> = back.iter().map(ToString::to_string).collect();
        let text = format!(
            "restore after a partial {}: {}",
            self.kind.label(),
            text.join(", ")
        );
        let plan = Plan { moves: back };
        let proposal = Proposal::new(MoveKind::Restore, plan, now.clone(), text, protection);
        Some(Proposal { undoes, ..proposal })
    }

    /// The writes, each with its audit record: made by `user` (when known) at `at` (ms).
    pub fn writes(&self, user: Option<&str>, at: i64) -> Vec<AliasWrite> {
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
                    user: user.map(str::to_owned),
                    summary: self.summary.clone(),
                    policy: self.policy.clone(),
                    candidate_metrics: self.candidate.as_ref().map(|(_, m)| m.clone()),
                    champion: self.champion.as_ref().map(|(v, _)| v.clone()),
                    champion_metrics: self.champion.as_ref().map(|(_, m)| m.clone()),
                    undoes: self.undoes.get(i).cloned().flatten(),
                    approvers: self.approvers.clone(),
                    overwritten_by: None,
                },
            })
            .collect()
    }
}
