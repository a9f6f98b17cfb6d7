//! What a model needs from a stakeholder, in one sentence for the models list: a newer version
//! that passes and is not in production, a production version that fails the policy, no policy,
//! no evaluated version — or nothing. Decided by the same engine as the review's plan.

use super::check::{Check, CheckKind};
use super::number;

/// What a model needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attention {
    /// No policy is saved on the model, and the deployment gives no default.
    NoPolicy,
    /// The saved policy cannot be read.
    InvalidPolicy,
    /// No version has an evaluation.
    NoEvaluatedVersions,
    /// The version in production fails the policy.
    ProductionFails {
        /// The production version.
        version: String,
        /// The first check it fails, in short (`safety/mean 0.88 < 0.9`).
        why: String,
        /// Whether the policy is the deployment's default rather than the model's own.
        default_policy: bool,
    },
    /// The newest version passes and would be promoted: production is elsewhere.
    NewerPasses {
        /// The newest version.
        version: String,
        /// Where production is now, if anywhere.
        production: Option<String>,
    },
    /// Nothing waits for a decision.
    UpToDate,
}

impl Attention {
    /// Whether a stakeholder should look at the model.
    pub fn needs_attention(&self) -> bool {
        *self != Attention::UpToDate
    }

    /// The models list's sentence: `v8 passes — production is v6`, `production v6 fails the
    /// saved policy (safety/mean 0.88 < 0.9)`, `no policy saved`, `no evaluated versions`,
    /// `up to date`.
    pub fn sentence(&self) -> String {
        match self {
            Attention::NoPolicy => "no policy saved".to_owned(),
            Attention::InvalidPolicy => "the saved policy is invalid".to_owned(),
            Attention::NoEvaluatedVersions => "no evaluated versions".to_owned(),
            Attention::ProductionFails {
                version,
                why,
                default_policy,
            } => {
                let policy = if *default_policy {
                    "the default policy"
                } else {
                    "the saved policy"
                };
                format!("production v{version} fails {policy} ({why})")
            }
            Attention::NewerPasses {
                version,
                production: Some(production),
            } => format!("v{version} passes — production is v{production}"),
            Attention::NewerPasses {
                version,
                production: None,
            } => format!("v{version} passes — nothing is in production"),
            Attention::UpToDate => "up to date".to_owned(),
        }
    }
}

/// A failed check in short: `safety/mean 0.88 < 0.9`, `latency_ms/p95 910 > 800`, `toxicity
/// missing`; a change against the champion in the engine's own words.
pub fn failed_briefly(check: &Check) -> String {
    match (check.kind, check.value, check.threshold) {
        (CheckKind::Threshold, Some(value), Some(threshold)) if value.is_finite() => {
            let op = if value < threshold { "<" } else { ">" };
            format!(
                "{} {} {op} {}",
                check.metric,
                number::display(value),
                number::display(threshold)
            )
        }
        (_, None, _) => format!("{} missing", check.metric),
        (_, Some(value), _) if !value.is_finite() => {
            format!("{} {}", check.metric, number::display(value))
        }
        _ => check.reason.clone(),
    }
}
