//! Applying alias moves: re-read, guard, write in order, record, and re-read what happened.
//! The caller decides and confirms ([`Proposal`](crate::policy::Proposal)); this module only
//! writes what it is given, never retries a write blindly, and reports exactly what MLflow
//! holds afterwards.

use std::collections::BTreeMap;

use super::client::Client;
use super::error::ApiError;
use super::POLICY_TAG;
use crate::policy::{AliasMove, AliasWrite, Plan, Seen};

/// One write that was attempted.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The move.
    pub change: AliasMove,
    /// MLflow's answer was lost; a re-read showed the move applied.
    pub answer_lost: bool,
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
    /// Aliases someone else moved since the plan was made: nothing was written.
    pub conflicts: Vec<AliasMove>,
    /// The saved policy changed since the plan was made (then nothing was written).
    pub policy_changed: Option<(Option<String>, Option<String>)>,
    /// The moves applied, in order, with their records.
    pub applied: Vec<Step>,
    /// Why it stopped early, if it did.
    pub stopped: Option<Stop>,
    /// The model's aliases afterwards, re-read from MLflow (`Err`: the re-read failed).
    pub now: Option<Result<BTreeMap<String, String>, ApiError>>,
    /// A record too large for a tag: nothing was written.
    pub refused: Option<String>,
}

impl ApplyReport {
    /// Why nothing was written when the registry changed under the plan, in one paragraph.
    pub fn conflict_text(&self) -> String {
        let mut changed: Vec<String> = self
            .conflicts
            .iter()
            .map(|c| {
                let name = |v: Option<&str>| v.map_or("unset".to_owned(), |v| format!("v{v}"));
                format!(
                    "{} was {} when this screen loaded and is now {}",
                    c.alias,
                    name(c.from.as_deref()),
                    name(c.to.as_deref())
                )
            })
            .collect();
        if self.policy_changed.is_some() {
            changed.push("the model's saved policy was changed".to_owned());
        }
        format!(
            "Nothing was written: MLflow changed since this screen loaded — {}. The screen now \
             shows fresh data; check the decision again.",
            changed.join("; ")
        )
    }

    /// The applied moves with their records' keys (where written), for
    /// [`Proposal::restore`](crate::policy::Proposal::restore).
    pub fn applied_moves(&self) -> Vec<(AliasMove, Option<String>)> {
        self.applied
            .iter()
            .map(|s| (s.change.clone(), s.record.as_ref().ok().cloned()))
            .collect()
    }

    /// Whether nothing was written because the registry changed under the plan.
    pub fn is_conflict(&self) -> bool {
        !self.conflicts.is_empty() || self.policy_changed.is_some()
    }

    /// Whether every move was applied.
    pub fn is_complete(&self, planned: usize) -> bool {
        self.stopped.is_none() && self.refused.is_none() && self.applied.len() == planned
    }

    /// Whether every one of the `planned` moves was applied and recorded.
    pub fn is_clean(&self, planned: usize) -> bool {
        self.is_complete(planned) && self.applied.iter().all(|s| s.record.is_ok())
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
}

impl Client {
    /// Applies `writes` in order to model `name`. Before the first write the model is re-read:
    /// if an alias the writes touch, or the saved policy, differs from `seen`, nothing is
    /// written. Before each later write the alias is re-read again. A write whose answer is
    /// lost is settled by re-reading; a failed write stops the rest. Each applied move gets its
    /// audit record. Every record is checked for size before anything is written.
    pub async fn apply_alias_writes(
        &self,
        name: &str,
        writes: &[AliasWrite],
        seen: &Seen,
        nonce: impl Fn() -> u32,
    ) -> ApplyReport {
        let mut report = ApplyReport::default();
        let mut values = Vec::with_capacity(writes.len());
        for w in writes {
            match w.record.to_tag_value() {
                Ok(v) => values.push(v),
                Err(e) => {
                    report.refused = Some(e.to_string());
                    return report;
                }
            }
        }
        for (i, (w, value)) in writes.iter().zip(&values).enumerate() {
            let change = &w.change;
            let stop = |what: String, error: Option<ApiError>| Stop {
                change: change.clone(),
                what,
                error,
            };
            // Re-read right before the write.
            let model = match self.get_registered_model(name).await {
                Ok(model) => model,
                Err(e) => {
                    let what =
                        format!("could not re-read the model before moving {}", change.alias);
                    report.stopped = Some(stop(what, Some(e)));
                    break;
                }
            };
            let now = model.alias_map();
            if i == 0 {
                let moves: Vec<AliasMove> = writes.iter().map(|w| w.change.clone()).collect();
                let plan = Plan { moves };
                report.conflicts = plan.conflicts(&seen.aliases, &now);
                let tag = model.tag(POLICY_TAG).map(str::to_owned);
                if tag != seen.policy_tag {
                    report.policy_changed = Some((seen.policy_tag.clone(), tag));
                }
                if report.is_conflict() {
                    report.now = Some(Ok(now));
                    return report;
                }
            } else if now.get(&change.alias) != change.from.as_ref() {
                let holder = now
                    .get(&change.alias)
                    .map_or("unset".to_owned(), |v| format!("v{v}"));
                let what = format!(
                    "{} changed while the moves were being written (it is now {holder})",
                    change.alias
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
            let answer_lost = match written {
                Ok(()) => false,
                Err(e) if e.outcome_unknown() => {
                    // The request may have reached MLflow: ask it what happened.
                    match self.get_registered_model(name).await {
                        Ok(model) if model.alias_map().get(&change.alias) == change.to.as_ref() => {
                            true
                        }
                        Ok(_) => {
                            let what = format!("{change} was not applied");
                            report.stopped = Some(stop(what, Some(e)));
                            break;
                        }
                        Err(_) => {
                            let what = format!(
                                "no answer for {change}, and MLflow could not be re-read: whether \
                                 it was applied is unknown"
                            );
                            report.stopped = Some(stop(what, Some(e)));
                            break;
                        }
                    }
                }
                Err(e) => {
                    let what = format!("{change} was refused");
                    report.stopped = Some(stop(what, Some(e)));
                    break;
                }
            };
            let key = w.record.tag_key(nonce());
            let record = match w.record.version() {
                Some(version) => self
                    .set_model_version_tag(name, version, &key, value)
                    .await
                    .map(|()| key),
                None => Ok(key),
            };
            report.applied.push(Step {
                change: change.clone(),
                answer_lost,
                record,
            });
        }
        // What MLflow holds now, whatever happened above.
        report.now = Some(self.get_registered_model(name).await.map(|m| m.alias_map()));
        report
    }
}
