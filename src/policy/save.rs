//! What saving a policy changes, and whether it lowers the bar. Saving is a write that can lift
//! protection as surely as an alias move can: a save that removes or loosens a rule, or changes
//! which aliases are the roles or which are protected, needs the model's name typed to confirm.

use super::rules::{MissingMetric, Policy};

/// A policy about to replace the saved one, as its confirmation shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveReview {
    /// Every difference from the saved policy, one per line.
    pub differences: Vec<String>,
    /// The differences that lower the bar or move protection, one per line; empty when the
    /// save only adds or tightens.
    pub lowers: Vec<String>,
}

impl SaveReview {
    /// What saving `policy` over `saved` (the model's saved policy, or the default one) does.
    pub fn new(policy: &Policy, saved: &Policy) -> SaveReview {
        SaveReview {
            differences: policy.differences(saved),
            lowers: lowers(policy, saved),
        }
    }

    /// Whether confirming needs the model's name typed.
    pub fn needs_name(&self) -> bool {
        !self.lowers.is_empty()
    }
}

/// How `policy` lowers the bar `saved` sets, or moves protection, in words.
fn lowers(policy: &Policy, saved: &Policy) -> Vec<String> {
    use super::number::display;
    let mut out = Vec::new();
    for old in &saved.rules {
        let metric = &old.metric;
        let Some(new) = policy.rule(metric) else {
            out.push(format!("{metric}: rule removed"));
            continue;
        };
        if new.greater_is_better != old.greater_is_better {
            out.push(format!("{metric}: direction reversed"));
            continue;
        }
        // Each criterion: its name, then, now, and whether a larger number is stricter (a
        // threshold on a lower-is-better metric is the one where it is not).
        let criteria = [
            (
                "threshold",
                old.threshold,
                new.threshold,
                old.greater_is_better,
            ),
            (
                "min_absolute_change",
                old.min_absolute_change,
                new.min_absolute_change,
                true,
            ),
            (
                "min_relative_change",
                old.min_relative_change,
                new.min_relative_change,
                true,
            ),
        ];
        for (name, a, b, larger_is_stricter) in criteria {
            match (a, b) {
                (Some(a), None) => out.push(format!("{metric}: {name} {} removed", display(a))),
                (Some(a), Some(b)) if a != b && (b < a) == larger_is_stricter => out.push(format!(
                    "{metric}: {name} loosened {} → {}",
                    display(a),
                    display(b)
                )),
                _ => {}
            }
        }
    }
    if saved.missing_metric == MissingMetric::Fail && policy.missing_metric == MissingMetric::Skip {
        out.push("missing metrics: fail → skip (a version lacking one no longer fails)".into());
    }
    if saved.noise_aware_champion && !policy.noise_aware_champion {
        out.push("champion rule: noise-aware → means (a gain within noise now counts)".into());
    }
    if policy.metric_aliases != saved.metric_aliases {
        out.push("metric aliases changed (a rule may now read another metric)".into());
    }
    if policy.aliases != saved.aliases {
        out.push(format!(
            "roles moved: production {} → {}, champion {} → {}",
            saved.aliases.production,
            policy.aliases.production,
            saved.aliases.champion,
            policy.aliases.champion
        ));
    }
    if policy.protected_aliases != saved.protected_aliases {
        out.push("protected aliases changed".into());
    }
    for (alias, &before) in &saved.approvals {
        let after = policy.approvals_for(alias);
        if after < before {
            out.push(format!("sign-offs to move {alias}: {before} → {after}"));
        }
    }
    out
}
