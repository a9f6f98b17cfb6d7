//! The audit trail: one record per applied alias move, written to MLflow as a model-version tag
//! (`podium.audit.<ms>.<nonce>`) on the version that received the alias — or, for a removal,
//! the version that lost it. Each record is its own tag: two promoters never overwrite each
//! other's records, and any MLflow client (or MLflow's UI) can read them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::metrics::MetricSet;
use super::parse::valid_alias;
use super::plan::{AliasMove, Plan};
use super::rules::Policy;

/// Every audit tag's key starts with this.
pub const AUDIT_TAG_PREFIX: &str = "podium.audit.";

/// The largest record written, in characters: the tag value bound that holds on every
/// database MLflow supports (PostgreSQL and MySQL stores cap tag values at 5 000).
pub const RECORD_LIMIT: usize = 5_000;

/// This build writes records in this format.
pub const RECORD_FORMAT: u32 = 1;

/// Why a move was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveKind {
    /// From a policy decision on the review screen.
    Promotion,
    /// Undoing an earlier recorded move.
    Rollback,
    /// A reviewer's own alias action (set or remove).
    Manual,
    /// Undoing the first part of a promotion whose later part failed.
    Restore,
    /// From a policy decision by the `podium` command (a pipeline step).
    Pipeline,
}

impl MoveKind {
    /// The word shown in the history.
    pub fn label(self) -> &'static str {
        match self {
            MoveKind::Promotion => "promotion",
            MoveKind::Rollback => "rollback",
            MoveKind::Manual => "manual",
            MoveKind::Restore => "restore",
            MoveKind::Pipeline => "pipeline",
        }
    }
}

/// Where the policy of a decision came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicySource {
    /// The model's saved `podium.policy` tag.
    Saved,
    /// The seed's defaults: no policy is saved on the model.
    Defaults,
    /// An unsaved what-if.
    WhatIf,
    /// A policy file given to the `podium` command.
    File,
    /// MLflow's quality criteria on the candidate's evaluation run (`--policy mlflow-criteria`).
    Criteria,
}

/// The policy a promotion was decided under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyUsed {
    /// The policy document, compact JSON.
    pub json: String,
    /// FNV-1a 64 of `json`, hex: the same policy always has the same hash.
    pub hash: String,
    /// Saved on the model, the defaults, or a what-if.
    pub source: PolicySource,
}

impl PolicyUsed {
    /// `policy`, from `source`.
    pub fn new(policy: &Policy, source: PolicySource) -> PolicyUsed {
        let json = policy.to_json();
        PolicyUsed {
            hash: fnv1a_hex(&json),
            json,
            source,
        }
    }
}

/// One applied alias move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// [`RECORD_FORMAT`].
    pub format: u32,
    /// Why.
    pub kind: MoveKind,
    /// The alias moved.
    pub alias: String,
    /// The version that held it (none: it was unset).
    pub from: Option<String>,
    /// The version that received it (none: it was removed).
    pub to: Option<String>,
    /// When it was applied, in milliseconds since the epoch.
    pub at: i64,
    /// The MLflow user who applied it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The decision or reason in words (the plan line, "rollback of …").
    pub summary: String,
    /// The policy, for a promotion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyUsed>,
    /// The candidate's metrics the decision used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate_metrics: Option<MetricSet>,
    /// The champion compared against, and its metrics the decision used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub champion: Option<String>,
    /// The champion's metrics the decision used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub champion_metrics: Option<MetricSet>,
    /// For a rollback or restore, the tag key of the record it undoes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<String>,
    /// The users whose sign-offs allowed the move (the policy's `approvals`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvers: Vec<String>,
    /// When MLflow, read right after the write, held something else: who had it then (`v7`,
    /// or `unset`) — another write landed between this one and the read (MLflow has no
    /// compare-and-set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overwritten_by: Option<String>,
}

/// A record too large for a tag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the audit record would be {chars} characters, over MLflow's safe tag limit of {limit}: the \
     policy is too large to record. Nothing was written; use a smaller policy (fewer rules, \
     shorter names)."
)]
pub struct RecordTooLarge {
    /// The record's size.
    pub chars: usize,
    /// [`RECORD_LIMIT`].
    pub limit: usize,
}

impl AuditRecord {
    /// The tag value: compact JSON, refused over [`RECORD_LIMIT`] characters.
    pub fn to_tag_value(&self) -> Result<String, RecordTooLarge> {
        let value = serde_json::to_value(self).unwrap_or_default().to_string();
        let chars = value.chars().count();
        if chars > RECORD_LIMIT {
            return Err(RecordTooLarge {
                chars,
                limit: RECORD_LIMIT,
            });
        }
        Ok(value)
    }

    /// The tag key: time first, so keys sort by time; `nonce` (random) keeps two records of
    /// the same millisecond apart.
    pub fn tag_key(&self, nonce: u32) -> String {
        format!("{AUDIT_TAG_PREFIX}{:013}.{nonce:08x}", self.at.max(0))
    }

    /// The version the record is kept on: the one that received the alias, or lost it.
    pub fn version(&self) -> Option<&str> {
        self.to.as_deref().or(self.from.as_deref())
    }

    /// The move it records.
    pub fn change(&self) -> AliasMove {
        AliasMove {
            alias: self.alias.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }
}

/// The metrics of `set` that `policy`'s rules and key metrics read (under the key found).
pub fn used_metrics(policy: &Policy, set: &MetricSet) -> MetricSet {
    let names = policy
        .rules
        .iter()
        .map(|r| &r.metric)
        .chain(&policy.champion_metrics);
    let mut used = MetricSet::new();
    for name in names {
        if let Some((key, value)) = set.lookup(name, &policy.metric_aliases) {
            used.insert(key, value);
        }
    }
    used
}

/// What the history shows of a record: who moved which alias where, when and why. Read
/// without the policy and metrics the record also carries (serde skips them): the history
/// never shows them, and reading them would cost the bundle their readers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RecordSummary {
    /// Why.
    pub kind: MoveKind,
    /// The alias moved.
    pub alias: String,
    /// The version that held it.
    pub from: Option<String>,
    /// The version that received it.
    pub to: Option<String>,
    /// When, in milliseconds since the epoch.
    pub at: i64,
    /// Who, when known.
    #[serde(default)]
    pub user: Option<String>,
    /// The decision or reason in words.
    pub summary: String,
    /// For a rollback or restore, the record it undoes.
    #[serde(default)]
    pub undoes: Option<String>,
    /// Who signed off the move.
    #[serde(default)]
    pub approvers: Vec<String>,
    /// Who held the alias right after the write, when it was not the move's target.
    #[serde(default)]
    pub overwritten_by: Option<String>,
}

impl RecordSummary {
    /// The move it records.
    pub fn change(&self) -> AliasMove {
        AliasMove {
            alias: self.alias.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }
}

/// Why a history entry is not taken at its word. An audit record is an ordinary version tag:
/// anyone with EDIT on the model can write one, with any user, time or alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Doubt {
    /// The record could not be read: why.
    Unreadable(String),
    /// The tag's key is not `podium.audit.<ms>.<nonce>`, or names another time than the record's
    /// own `at` (Podium writes both from one clock reading).
    TimeDisagrees {
        /// The key's time, if it has one.
        key_ms: Option<i64>,
        /// The record's `at`.
        at: i64,
    },
    /// Dated after the moment the history was read.
    InTheFuture {
        /// The record's time.
        at: i64,
    },
    /// It sits on a version that neither received nor lost the alias.
    OnAnotherVersion,
    /// Its alias is not one MLflow or Podium would move (a look-alike letter, a hidden
    /// character).
    BadAlias,
    /// It moves an alias to where it already was.
    NoMove,
}

impl fmt::Display for Doubt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Doubt::Unreadable(why) => write!(f, "unreadable record: {why}"),
            Doubt::TimeDisagrees {
                key_ms: Some(k),
                at,
            } => {
                write!(f, "its tag's time ({k}) is not its own ({at})")
            }
            Doubt::TimeDisagrees { key_ms: None, .. } => {
                f.write_str("its tag's key is not podium.audit.<time>.<nonce>")
            }
            Doubt::InTheFuture { .. } => f.write_str("dated in the future"),
            Doubt::OnAnotherVersion => {
                f.write_str("kept on a version that neither received nor lost the alias")
            }
            Doubt::BadAlias => f.write_str("its alias is not a valid alias name"),
            Doubt::NoMove => f.write_str("it moves the alias to where it already was"),
        }
    }
}

/// One entry of a model's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// The tag key.
    pub key: String,
    /// The version whose tag it is.
    pub version: String,
    /// The record (`None`: unreadable; the doubt says why).
    pub record: Option<RecordSummary>,
    /// The time in the tag's key (`None`: not an audit key Podium writes).
    pub key_ms: Option<i64>,
    /// Why the record is not to be taken at its word; empty when nothing looks wrong.
    pub doubts: Vec<Doubt>,
    /// Whether "Roll back" is offered: the record passes every check, is its alias's latest
    /// entry that does, and the alias is still where it put it.
    pub can_roll_back: bool,
}

impl HistoryEntry {
    /// The move it records, when readable.
    pub fn change(&self) -> Option<AliasMove> {
        self.record.as_ref().map(RecordSummary::change)
    }
}

/// The time in an audit tag's key, `podium.audit.<ms>.<nonce>`.
pub fn key_time(key: &str) -> Option<i64> {
    tag_time(AUDIT_TAG_PREFIX, key)
}

/// The time in a tag key `<prefix><13-digit ms>.<8 hex digits>` (audit records, sign-offs).
pub(crate) fn tag_time(prefix: &str, key: &str) -> Option<i64> {
    let rest = key.strip_prefix(prefix)?;
    let (ms, nonce) = rest.split_once('.')?;
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let hex = nonce.len() == 8 && nonce.bytes().all(|b| b.is_ascii_hexdigit());
    (digits(ms, 13) && hex).then(|| ms.parse().ok()).flatten()
}

/// Every audit record among `tags` — (version, tag key, tag value) — newest first by the time in
/// its tag's key, each with what makes it doubtful, read at `now` (ms since the epoch) while
/// the model's aliases are `current`.
pub fn history<'a>(
    tags: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    current: &BTreeMap<String, String>,
    now: i64,
) -> Vec<HistoryEntry> {
    // A few minutes of clock difference between the writer and this reader are not a doubt.
    const SKEW_MS: i64 = 5 * 60 * 1000;
    let mut entries: Vec<HistoryEntry> = tags
        .into_iter()
        .filter(|(_, key, _)| key.starts_with(AUDIT_TAG_PREFIX))
        .map(|(version, key, value)| {
            let key_ms = key_time(key);
            let mut doubts = Vec::new();
            let record = match serde_json::from_str::<RecordSummary>(value) {
                Ok(r) => Some(r),
                Err(e) => {
                    doubts.push(Doubt::Unreadable(e.to_string()));
                    None
                }
            };
            if let Some(r) = &record {
                if key_ms != Some(r.at) {
                    doubts.push(Doubt::TimeDisagrees { key_ms, at: r.at });
                }
                if r.at > now + SKEW_MS {
                    doubts.push(Doubt::InTheFuture { at: r.at });
                }
                if r.to.as_deref() != Some(version) && r.from.as_deref() != Some(version) {
                    doubts.push(Doubt::OnAnotherVersion);
                }
                if !valid_alias(&r.alias) {
                    doubts.push(Doubt::BadAlias);
                }
                if r.from == r.to {
                    doubts.push(Doubt::NoMove);
                }
            }
            HistoryEntry {
                key: key.to_owned(),
                version: version.to_owned(),
                record,
                key_ms,
                doubts,
                can_roll_back: false,
            }
        })
        .collect();
    // Newest first by the key's time; keys without one last. Keys are unique.
    entries.sort_unstable_by(|a, b| b.key_ms.cmp(&a.key_ms).then_with(|| b.key.cmp(&a.key)));
    // Only an alias's latest trustworthy entry can be rolled back (a doubtful record, however
    // new, never chooses a rollback's target), and only while the alias is still where that
    // entry put it.
    let mut seen = BTreeSet::new();
    for entry in entries.iter_mut().filter(|e| e.doubts.is_empty()) {
        let Some(change) = entry.change() else {
            continue;
        };
        entry.can_roll_back =
            seen.insert(change.alias.clone()) && Plan::rollback(&change, current).is_ok();
    }
    entries
}

/// The aliases in `current` (alias → version) that no trustworthy record among `entries`
/// explains: the alias's latest such record did not put it where it is (or a concurrent write
/// overtook it) — it was moved outside Podium, or its record is on a version not read.
pub fn unexplained(entries: &[HistoryEntry], current: &BTreeMap<String, String>) -> Vec<AliasMove> {
    current
        .iter()
        .filter(|(alias, version)| {
            let latest = entries
                .iter()
                .filter(|e| e.doubts.is_empty())
                .filter_map(|e| e.record.as_ref())
                .find(|r| &r.alias == *alias);
            !latest.is_some_and(|r| r.to.as_ref() == Some(*version) && r.overwritten_by.is_none())
        })
        .map(|(alias, version)| AliasMove {
            alias: alias.clone(),
            from: None,
            to: Some(version.clone()),
        })
        .collect()
}

/// FNV-1a, 64 bits, as 16 hex digits: a short stable fingerprint (not a security hash).
pub fn fnv1a_hex(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}
