//! One version decided under one policy, as the dashboard decides it and `podium check --json`
//! prints it: the same value on both sides, so that they can be compared byte for byte.

use serde::Serialize;

use super::audit::PolicySource;
use super::decision::Decision;
use super::plan::AliasMove;
use super::rules::Policy;

/// The decision for one version, the moves it implies, and the policy it was made under.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// The registered model.
    pub model: String,
    /// The version decided.
    pub version: String,
    /// Whether the version goes to production, or holds it already (the command's exit 0).
    pub production: bool,
    /// The plan in words, as the dashboard writes it.
    pub plan: String,
    /// The alias moves Podium would apply (empty when it would apply none).
    pub moves: Vec<AliasMove>,
    /// Why Podium would apply no move, when it would apply none.
    pub refusal: Option<String>,
    /// The engine's decision: each rule's checks, the champion comparison, the verdicts.
    pub decision: Decision,
    /// The policy decided under.
    pub policy: PolicyReport,
}

/// A policy as a report names it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyReport {
    /// Where it came from.
    pub source: PolicySource,
    /// Its fingerprint (FNV-1a 64 of its compact JSON, as audit records keep it).
    pub fingerprint: String,
    /// The policy document.
    pub document: serde_json::Value,
}

impl PolicyReport {
    /// `policy`, from `source`.
    pub fn new(policy: &Policy, source: PolicySource) -> PolicyReport {
        PolicyReport {
            source,
            fingerprint: super::audit::fnv1a_hex(&policy.to_json()),
            document: policy.to_value(),
        }
    }
}
