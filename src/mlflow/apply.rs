//! Applying alias moves: check them, re-read everything the decision read, write in order,
//! read back, record, and report what MLflow holds. The caller decides and confirms
//! ([`Proposal`](crate::policy::Proposal)); this module only writes what it is given, never
//! retries a write blindly, and reports exactly what MLflow held afterwards.

use std::collections::BTreeMap;

use super::client::Client;
use super::error::ApiError;
use super::registered_model::RegisteredModel;
use super::POLICY_TAG;
use crate::policy::{AliasMove, AliasWrite, Plan, Seen};

/// One write that was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The move.
    pub change: AliasMove,
    /// MLflow's answer was lost; a re-read showed the move applied.
    pub answer_lost: bool,
    /// Who held the alias when it was read back right after the write, if not the move's
    /// target (`v7`, `unset`): a concurrent write landed in between. `None` also when the read
    /// back failed (then `verified` is false).
    pub overwritten_by: Option<String>,
    /// Whether MLflow could be read back after the write.
    pub verified: bool,
    /// The audit tag's key, or why it could not be written.
    pub record: Result<String, ApiError>,
}

/// Why the writes stopped before the end.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    /// The move that was not made.
    pub change: AliasMove,
    /// What happened, in words.
    pub what: String,
    /// MLflow's error, if it gave one.
    pub error: Option<ApiError>,
}

/// Everything that happened, from MLflow's point of view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApplyReport {
    /// Aliases that differ from what the decision read (`from`: then, `to`: now): nothing was
    /// written.
    pub conflicts: Vec<AliasMove>,
    /// The saved policy changed since the decision (then nothing was written).
    pub policy_changed: Option<(Option<String>, Option<String>)>,
    /// Evidence that changed since the decision (`v6: safety/mean 0.91 → 0.88`): nothing was
    /// written.
    pub evidence_changed: Vec<String>,
    /// The sign-offs counted again no longer allow the moves (one was withdrawn, or voided):
    /// why. Nothing was written.
    pub sign_offs_changed: Option<String>,
    /// The moves applied, in order, with their records.
    pub applied: Vec<Step>,
    /// Why it stopped early, if it did.
    pub stopped: Option<Stop>,
    /// The model's aliases afterwards, as read from MLflow (`Err`: the read failed).
    pub now: Option<Result<BTreeMap<String, String>, ApiError>>,
    /// Why nothing was written before anything was read (an invalid move, a record too large).
    pub refused: Option<String>,
}

impl ApplyReport {
    /// Whether nothing was written because what the decision read has changed.
    pub fn is_conflict(&self) -> bool {
        !self.conflicts.is_empty()
            || self.policy_changed.is_some()
            || !self.evidence_changed.is_empty()
            || self.sign_offs_changed.is_some()
    }

    /// Whether every move was written.
    pub fn is_complete(&self, planned: usize) -> bool {
        self.stopped.is_none() && self.refused.is_none() && self.applied.len() == planned
    }

    /// Whether every one of the `planned` moves was written, read back in place, and recorded.
    pub fn is_clean(&self, planned: usize) -> bool {
        self.is_complete(planned)
            && self
                .applied
                .iter()
                .all(|s| s.record.is_ok() && s.verified && s.overwritten_by.is_none())
    }

    /// Why nothing was written when what the decision read had changed, in one paragraph.
    pub fn conflict_text(&self) -> String {
        let name = |v: Option<&str>| v.map_or("unset".to_owned(), |v| format!("v{v}"));
        let mut changed: Vec<String> = self
            .conflicts
            .iter()
            .map(|c| {
                format!(
                    "{} was {} when the decision was made and is now {}",
                    c.alias,
                    name(c.from.as_deref()),
                    name(c.to.as_deref())
                )
            })
            .collect();
        if self.policy_changed.is_some() {
            changed.push("the model's saved policy was changed".to_owned());
        }
        changed.extend(
            self.evidence_changed
                .iter()
                .map(|e| format!("the evidence changed: {e}")),
        );
        if let Some(why) = &self.sign_offs_changed {
            changed.push(format!("the sign-offs no longer allow it: {why}"));
        }
        format!(
            "Nothing was written: MLflow changed since this screen loaded — {}. The screen now \
             shows fresh data; check the decision again.",
            changed.join("; ")
        )
    }

    /// `Applied: production: v4 → v6 (recorded as podium.audit.…); …`.
    pub fn applied_text(&self) -> String {
        let done: Vec<String> = self
            .applied
            .iter()
            .map(|s| match &s.record {
                Ok(key) => format!("{} (recorded as {key})", s.change),
                Err(e) => format!("{} (not recorded: {e})", s.change),
            })
            .collect();
        format!("Applied: {}.", done.join("; "))
    }

    /// The applied moves with their records' keys (where written), for
    /// [`Proposal::restore`](crate::policy::Proposal::restore).
    pub fn applied_moves(&self) -> Vec<(AliasMove, Option<String>)> {
        self.applied
            .iter()
            .map(|s| (s.change.clone(), s.record.as_ref().ok().cloned()))
            .collect()
    }
}

/// `v7`, or `unset`.
fn holder(version: Option<&String>) -> String {
    version.map_or("unset".to_owned(), |v| format!("v{v}"))
}

/// Every alias whose version differs between `seen` and `now`.
fn alias_changes(
    seen: &BTreeMap<String, String>,
    now: &BTreeMap<String, String>,
) -> Vec<AliasMove> {
    let mut names: Vec<&String> = seen.keys().chain(now.keys()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .filter(|a| seen.get(*a) != now.get(*a))
        .map(|a| AliasMove {
            alias: a.clone(),
            from: seen.get(a).cloned(),
            to: now.get(a).cloned(),
        })
        .collect()
}

impl Client {
    /// Applies `writes` in order to model `name`, planned against `seen`.
    ///
    /// Nothing is written if a move is invalid (its alias, or `from = to`) or a record is too
    /// large for a tag. Right before the first write the model is re-read, and nothing is
    /// written if any alias, the saved policy, or the evidence of a version the decision
    /// compared differs from `seen`. Each write is read back right after it: a move someone
    /// else's write overtook is reported as such (and so recorded), and the read also guards
    /// the next write. A write whose answer is lost is settled by that read; a failed write
    /// stops the rest. Each written move gets its audit record.
    pub async fn apply_alias_writes(
        &self,
        name: &str,
        writes: &[AliasWrite],
        seen: &Seen,
        nonce: impl Fn() -> u32,
    ) -> ApplyReport {
        let mut report = ApplyReport::default();
        let plan = Plan {
            moves: writes.iter().map(|w| w.change.clone()).collect(),
        };
        if let Err(refusal) = plan.check() {
            report.refused = Some(refusal.to_string());
            return report;
        }
        for w in writes {
            if let Err(e) = w.record.to_tag_value() {
                report.refused = Some(e.to_string());
                return report;
            }
        }
        let Some(first) = writes.first() else {
            return report;
        };
        let model = match self.get_registered_model(name).await {
            Ok(model) => model,
            Err(e) => {
                let what = format!(
                    "could not re-read the model before moving {}",
                    first.change.alias
                );
                report.stopped = Some(Stop {
                    change: first.change.clone(),
                    what,
                    error: Some(e),
                });
                return report;
            }
        };
        let at = first.record.at;
        if let Err(stop) = self
            .guard(&model, seen, &first.change, at, &mut report)
            .await
        {
            report.stopped = Some(stop);
            return report;
        }
        if report.is_conflict() {
            report.now = Some(Ok(model.alias_map()));
            return report;
        }
        let mut now = model.alias_map();
        for w in writes {
            let change = &w.change;
            let stop = |what: String, error: Option<ApiError>| Stop {
                change: change.clone(),
                what,
                error,
            };
            // The last read (the guard, or the previous move's read back) guards this write.
            if now.get(&change.alias) != change.from.as_ref() {
                let what = format!(
                    "{} changed while the moves were being written (it is now {})",
                    change.alias,
                    holder(now.get(&change.alias))
                );
                report.stopped = Some(stop(what, None));
                break;
            }
            let written = match &change.to {
                Some(version) => {
                    self.set_registered_model_alias(name, &change.alias, version)
                        .await
                }
                None => {
                    self.delete_registered_model_alias(name, &change.alias)
                        .await
                }
            };
            let error = match written {
                Ok(()) => None,
                Err(e) if e.outcome_unknown() => Some(e),
                Err(e) => {
                    report.stopped = Some(stop(format!("{change} was refused"), Some(e)));
                    break;
                }
            };
            // Read back what MLflow holds now.
            let read_back = self.get_registered_model(name).await.map(|m| m.alias_map());
            let answer_lost = error.is_some();
            if let Some(e) = error {
                // The request may have reached MLflow: the read back says what happened.
                let applied =
                    matches!(&read_back, Ok(held) if held.get(&change.alias) == change.to.as_ref());
                if !applied {
                    let what = match &read_back {
                        Ok(_) => format!("{change} was not applied"),
                        Err(_) => format!(
                            "no answer for {change}, and MLflow could not be re-read: whether \
                             it was applied is unknown"
                        ),
                    };
                    report.stopped = Some(stop(what, Some(e)));
                    report.now = Some(read_back);
                    return report;
                }
            }
            let (verified, overwritten_by) = match &read_back {
                Ok(held) if held.get(&change.alias) == change.to.as_ref() => (true, None),
                Ok(held) => (true, Some(holder(held.get(&change.alias)))),
                Err(_) => (false, None),
            };
            let mut record = w.record.clone();
            record.overwritten_by = overwritten_by.clone();
            let key = record.tag_key(nonce());
            let record = match (record.version(), record.to_tag_value()) {
                (Some(version), Ok(value)) => self
                    .set_model_version_tag(name, version, &key, &value)
                    .await
                    .map(|()| key),
                (None, _) => Ok(key),
                // The verdict adds a few characters; a record at the limit may not take them.
                (Some(_), Err(e)) => Err(ApiError::Inconsistent {
                    detail: e.to_string(),
                }),
            };
            report.applied.push(Step {
                change: change.clone(),
                answer_lost,
                overwritten_by,
                verified,
                record,
            });
            match read_back {
                Ok(held) => now = held,
                Err(e) => {
                    let what = format!("MLflow could not be read back after {change}");
                    if let Some(next) = writes.get(report.applied.len()) {
                        report.stopped = Some(Stop {
                            change: next.change.clone(),
                            what,
                            error: Some(e),
                        });
                    }
                    report.now = Some(self.get_registered_model(name).await.map(|m| m.alias_map()));
                    return report;
                }
            }
        }
        report.now = Some(Ok(now));
        report
    }

    /// Compares what the decision read (`seen`) with MLflow now (`model`, and the evidence of
    /// the versions it compared and the candidate's sign-offs, read again at `at`) into
    /// `report`.
    pub(super) async fn guard(
        &self,
        model: &RegisteredModel,
        seen: &Seen,
        first: &AliasMove,
        at: i64,
        report: &mut ApplyReport,
    ) -> Result<(), Stop> {
        report.conflicts = alias_changes(&seen.aliases, &model.alias_map());
        let tag = model.tag(POLICY_TAG).map(str::to_owned);
        if tag != seen.policy_tag {
            report.policy_changed = Some((seen.policy_tag.clone(), tag));
        }
        if seen.evidence.is_empty() || report.is_conflict() {
            return Ok(());
        }
        let versions: Vec<String> = seen.evidence.iter().map(|(v, _)| v.clone()).collect();
        let now = self
            .load_versions(model.clone(), &versions)
            .await
            .map_err(|e| Stop {
                change: first.clone(),
                what: "could not re-read the evidence before the first write".to_owned(),
                error: Some(e),
            })?;
        for (version, before) in &seen.evidence {
            let after = now
                .version(version)
                .map(|v| v.metric_set())
                .unwrap_or_default();
            if after.is_empty() && !before.is_empty() {
                report
                    .evidence_changed
                    .push(format!("v{version} has no evaluation now"));
                continue;
            }
            for change in after.changes_from(before) {
                report
                    .evidence_changed
                    .push(format!("v{version}: {change}"));
            }
        }
        if let Some(guard) = seen.sign_offs.as_ref().filter(|_| !report.is_conflict()) {
            let tags = now
                .version(&guard.approved.candidate)
                .map(|v| v.version.tags.as_slice())
                .unwrap_or_default();
            let tags = tags.iter().map(|t| (t.key.as_str(), t.value.as_str()));
            if let Err(refusal) = guard.recount(tags, at) {
                report.sign_offs_changed = Some(refusal.to_string());
            }
        }
        Ok(())
    }
}
