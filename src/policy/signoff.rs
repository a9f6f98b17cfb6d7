//! Four-eyes sign-offs: a reviewer approves the exact decision — the policy, the evidence, the
//! aliases and the moves — and a move of an alias the policy guards needs enough sign-offs from
//! users other than the one who applies it. Each sign-off is its own model-version tag on the
//! candidate (`podium.signoff.<ms>.<nonce>`), like the audit records: never a shared value, and
//! readable by any MLflow client.
//!
//! A sign-off counts only while what it approved is still what would be applied: its
//! fingerprint covers every part of [`Approved`], and a part that changed voids it, named. A tag
//! is a claim, not a proof: anyone with EDIT on the model can write one with any user name
//! (docs/DEPLOY.md says what MLflow's permissions can and cannot enforce).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::audit::{fnv1a_hex, tag_time};
use super::metrics::MetricSet;
use super::parse::valid_alias;
use super::plan::{AliasMove, Refusal};
use super::proposal::Proposal;
use super::rules::Policy;

/// Every sign-off tag's key starts with this.
pub const SIGNOFF_TAG_PREFIX: &str = "podium.signoff.";

/// This build writes sign-offs in this format.
pub const SIGNOFF_FORMAT: u32 = 1;

/// What a sign-off approves: the decision as it was shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approved {
    /// The fingerprint of the policy decided under ([`PolicyUsed::hash`](super::PolicyUsed)).
    pub policy: String,
    /// The candidate version.
    pub candidate: String,
    /// The candidate's metrics the decision used.
    pub candidate_metrics: MetricSet,
    /// The champion it was compared with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub champion: Option<String>,
    /// The champion's metrics the decision used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub champion_metrics: Option<MetricSet>,
    /// Who held the policy's production and champion aliases (alias → version).
    pub aliases: BTreeMap<String, String>,
    /// The moves approved, in order.
    pub moves: Vec<AliasMove>,
}

impl Approved {
    /// What approving `proposal` (a promotion under `policy`) approves; `None` for a proposal
    /// that is not a promotion (nothing was decided).
    pub fn of(proposal: &Proposal, policy: &Policy) -> Option<Approved> {
        let used = proposal.policy.as_ref()?;
        let (candidate, candidate_metrics) = proposal.candidate.clone()?;
        let roles = [&policy.aliases.production, &policy.aliases.champion];
        Some(Approved {
            policy: used.hash.clone(),
            candidate,
            candidate_metrics,
            champion: proposal.champion.as_ref().map(|(v, _)| v.clone()),
            champion_metrics: proposal.champion.as_ref().map(|(_, m)| m.clone()),
            aliases: proposal
                .seen
                .aliases
                .iter()
                .filter(|(alias, _)| roles.contains(alias))
                .map(|(a, v)| (a.clone(), v.clone()))
                .collect(),
            moves: proposal.plan.moves.clone(),
        })
    }

    /// FNV-1a 64 of the compact JSON: the same decision always has the same fingerprint.
    pub fn fingerprint(&self) -> String {
        fnv1a_hex(&serde_json::to_string(self).unwrap_or_default())
    }

    /// What differs between this (approved then) and `now`, in words; empty when equal.
    pub fn changes_to(&self, now: &Approved) -> Vec<String> {
        let name = |v: Option<&String>| v.map_or("none".to_owned(), |v| format!("v{v}"));
        let mut out = Vec::new();
        if self.candidate != now.candidate {
            out.push(format!(
                "another version is proposed (v{}, was v{})",
                now.candidate, self.candidate
            ));
            return out;
        }
        if self.policy != now.policy {
            out.push(format!(
                "the policy changed (fingerprint {} → {})",
                self.policy, now.policy
            ));
        }
        for change in now.candidate_metrics.changes_from(&self.candidate_metrics) {
            out.push(format!("v{}: {change}", self.candidate));
        }
        if self.champion != now.champion {
            out.push(format!(
                "the champion compared is {} (was {})",
                name(now.champion.as_ref()),
                name(self.champion.as_ref())
            ));
        } else if let (Some(v), Some(then), Some(after)) = (
            &self.champion,
            &self.champion_metrics,
            &now.champion_metrics,
        ) {
            for change in after.changes_from(then) {
                out.push(format!("v{v}: {change}"));
            }
        }
        let aliases: BTreeSet<&String> = self.aliases.keys().chain(now.aliases.keys()).collect();
        for alias in aliases {
            let (then, after) = (self.aliases.get(alias), now.aliases.get(alias));
            if then != after {
                out.push(format!(
                    "{alias} is on {} (was {})",
                    name(after),
                    name(then)
                ));
            }
        }
        if out.is_empty() && self.moves != now.moves {
            out.push("the moves differ".to_owned());
        }
        out
    }
}

/// One sign-off, as written to its tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignOff {
    /// [`SIGNOFF_FORMAT`].
    pub format: u32,
    /// The MLflow user who signed (as MLflow named them when they signed).
    pub user: String,
    /// When, in milliseconds since the epoch.
    pub at: i64,
    /// What was approved.
    pub approved: Approved,
    /// [`Approved::fingerprint`] of `approved`.
    pub fingerprint: String,
    /// When the signer withdrew it (ms since the epoch). A withdrawal rewrites the tag rather
    /// than deleting it: it needs only the permission signing needed (deleting a version tag
    /// needs MANAGE in MLflow), and the trail stays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<i64>,
}

impl SignOff {
    /// `user`'s sign-off of `approved` at `at`.
    pub fn new(user: &str, at: i64, approved: Approved) -> SignOff {
        SignOff {
            format: SIGNOFF_FORMAT,
            user: user.to_owned(),
            at,
            fingerprint: approved.fingerprint(),
            approved,
            withdrawn: None,
        }
    }

    /// The tag key: time first, `nonce` (random) keeps two of one millisecond apart.
    pub fn tag_key(&self, nonce: u32) -> String {
        format!("{SIGNOFF_TAG_PREFIX}{:013}.{nonce:08x}", self.at.max(0))
    }

    /// The tag value: compact JSON.
    pub fn to_tag_value(&self) -> String {
        serde_json::to_value(self).unwrap_or_default().to_string()
    }
}

/// Why a sign-off tag is ignored: it is not one Podium wrote as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Malformed {
    /// Not a sign-off at all: why.
    Unreadable(String),
    /// A format this build does not know.
    UnknownFormat(u32),
    /// The key is not `podium.signoff.<ms>.<nonce>` or names another time than the sign-off.
    TimeDisagrees,
    /// Dated after the moment it was read.
    InTheFuture,
    /// Kept on another version than the one it approves.
    OnAnotherVersion,
    /// No user named.
    NoUser,
    /// The fingerprint is not that of what it says it approves (edited after signing).
    FingerprintMismatch,
    /// A move that is not one to this candidate under a valid alias.
    BadMove,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::Unreadable(why) => write!(f, "unreadable: {why}"),
            Malformed::UnknownFormat(n) => write!(f, "format {n} is unknown to this Podium"),
            Malformed::TimeDisagrees => f.write_str("its key's time is not its own"),
            Malformed::InTheFuture => f.write_str("dated in the future"),
            Malformed::OnAnotherVersion => {
                f.write_str("kept on another version than the one it approves")
            }
            Malformed::NoUser => f.write_str("it names no user"),
            Malformed::FingerprintMismatch => {
                f.write_str("its fingerprint does not match what it says it approves")
            }
            Malformed::BadMove => f.write_str("it approves a move Podium would never propose"),
        }
    }
}

/// Where a sign-off stands against the decision proposed now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// It approves exactly what would be applied.
    Counts,
    /// Its signer withdrew it (when, ms since the epoch).
    Withdrawn(i64),
    /// It approved something else: what changed since.
    Void(Vec<String>),
    /// It is ignored: why.
    Ignored(Vec<Malformed>),
}

/// One sign-off tag of the candidate, judged.
#[derive(Debug, Clone, PartialEq)]
pub struct SignOffEntry {
    /// The tag key (what a withdrawal deletes).
    pub key: String,
    /// The sign-off, when it could be read.
    pub sign_off: Option<SignOff>,
    /// Where it stands.
    pub standing: Standing,
}

impl SignOffEntry {
    /// The user it names, when readable.
    pub fn user(&self) -> Option<&str> {
        self.sign_off.as_ref().map(|s| s.user.as_str())
    }
}

/// The sign-off tags among `tags` (key, value) of version `version`, read at `now` (ms), judged
/// against `approved`, what would be applied now (`None`: nothing is proposed). Oldest first.
pub fn sign_offs<'a>(
    version: &str,
    tags: impl IntoIterator<Item = (&'a str, &'a str)>,
    approved: Option<&Approved>,
    now: i64,
) -> Vec<SignOffEntry> {
    const SKEW_MS: i64 = 5 * 60 * 1000;
    let mut entries: Vec<SignOffEntry> = tags
        .into_iter()
        .filter(|(key, _)| key.starts_with(SIGNOFF_TAG_PREFIX))
        .map(|(key, value)| {
            let sign_off = serde_json::from_str::<SignOff>(value);
            let mut wrong = Vec::new();
            match &sign_off {
                Err(e) => wrong.push(Malformed::Unreadable(e.to_string())),
                Ok(s) => {
                    if s.format != SIGNOFF_FORMAT {
                        wrong.push(Malformed::UnknownFormat(s.format));
                    }
                    if tag_time(SIGNOFF_TAG_PREFIX, key) != Some(s.at) {
                        wrong.push(Malformed::TimeDisagrees);
                    }
                    if s.at > now + SKEW_MS {
                        wrong.push(Malformed::InTheFuture);
                    }
                    if s.approved.candidate != version {
                        wrong.push(Malformed::OnAnotherVersion);
                    }
                    if s.user.trim().is_empty() {
                        wrong.push(Malformed::NoUser);
                    }
                    if s.fingerprint != s.approved.fingerprint() {
                        wrong.push(Malformed::FingerprintMismatch);
                    }
                    let bad = |m: &AliasMove| {
                        !valid_alias(&m.alias) || m.to.as_deref() != Some(version) || m.from == m.to
                    };
                    if s.approved.moves.is_empty() || s.approved.moves.iter().any(bad) {
                        wrong.push(Malformed::BadMove);
                    }
                }
            }
            let standing = match (&sign_off, approved) {
                _ if !wrong.is_empty() => Standing::Ignored(wrong),
                (
                    Ok(SignOff {
                        withdrawn: Some(at),
                        ..
                    }),
                    _,
                ) => Standing::Withdrawn(*at),
                (Ok(s), Some(now)) => match s.approved.changes_to(now) {
                    changes if changes.is_empty() => Standing::Counts,
                    changes => Standing::Void(changes),
                },
                _ => Standing::Void(vec!["no move is proposed now".to_owned()]),
            };
            SignOffEntry {
                key: key.to_owned(),
                sign_off: sign_off.ok(),
                standing,
            }
        })
        .collect();
    entries.sort_by(|a, b| a.key.cmp(&b.key));
    entries
}

/// Sign-offs a move still lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// The move.
    pub change: AliasMove,
    /// How many the policy requires.
    pub needed: u32,
    /// The users whose sign-offs count for it (the applier's excluded).
    pub signed: Vec<String>,
    /// Whether the applier signed it too (theirs never counts).
    pub applier_signed: bool,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let have = self.signed.len() as u32;
        write!(
            f,
            "{} needs {} sign-off(s) from someone other than the one who applies it; {} of {} \
             so far ({})",
            self.change,
            self.needed,
            have.min(self.needed),
            self.needed,
            if self.signed.is_empty() {
                "nobody else has signed".to_owned()
            } else {
                format!("signed by {}", self.signed.join(", "))
            }
        )?;
        if self.applier_signed {
            f.write_str("; your own sign-off does not count")?;
        }
        Ok(())
    }
}

/// What a proposal under `policy` still needs before `applier` may apply it, given its
/// candidate's judged sign-off `entries`: the distinct users whose sign-offs count for every
/// guarded move (the approvers, for the audit record), or the refusal.
pub fn approvers(
    policy: &Policy,
    moves: &[AliasMove],
    entries: &[SignOffEntry],
    applier: Option<&str>,
) -> Result<Vec<String>, Refusal> {
    let guarded: Vec<(&AliasMove, u32)> = moves
        .iter()
        .map(|m| (m, policy.approvals_for(&m.alias)))
        .filter(|(_, n)| *n > 0)
        .collect();
    if guarded.is_empty() {
        return Ok(Vec::new());
    }
    let Some(applier) = applier else {
        return Err(Refusal::NoSigner);
    };
    let mut approvers = BTreeSet::new();
    let mut missing = Vec::new();
    for (change, needed) in guarded {
        let signers: BTreeSet<&str> = entries
            .iter()
            .filter(|e| e.standing == Standing::Counts)
            .filter_map(|e| e.sign_off.as_ref())
            .filter(|s| s.approved.moves.contains(change))
            .map(|s| s.user.as_str())
            .collect();
        let applier_signed = signers.contains(applier);
        let signed: Vec<String> = signers
            .into_iter()
            .filter(|u| *u != applier)
            .map(str::to_owned)
            .collect();
        if (signed.len() as u32) < needed {
            missing.push(Missing {
                change: change.clone(),
                needed,
                signed,
                applier_signed,
            });
        } else {
            approvers.extend(signed);
        }
    }
    if missing.is_empty() {
        Ok(approvers.into_iter().collect())
    } else {
        Err(Refusal::SignOffs(missing))
    }
}
