//! The decision for one candidate: the seed's `evaluate_and_promote`, without side effects.

use serde::Serialize;

use super::champion::{
    compare, compare_rows, row_comparison, ChampionComparison, MetricComparison, MetricOutcome,
    RowComparisons, Tally,
};
use super::check::{evaluate_rule, Check, Verdict};
use super::metrics::MetricSet;
use super::number;
use super::rules::Policy;

/// Everything the policy concluded about one candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// Every rule's checks passed (skipped ones do not fail).
    pub passes: bool,
    /// The candidate may take the production alias (iff it passes).
    pub promote_production: bool,
    /// The candidate may take the champion alias: it passes and there is no champion or it
    /// beats the champion on a majority of key metrics.
    pub promote_champion: bool,
    /// Each criterion of each rule, in the policy's order.
    pub checks: Vec<Check>,
    /// Rules with at least one check that was not skipped. The seed passes a version whose
    /// every rule was skipped; a plan refuses it (`Refusal::NothingChecked`).
    pub rules_checked: usize,
    /// Things a reviewer must know: skipped rules, missing or non-finite key metrics.
    pub warnings: Vec<String>,
    /// The comparison with the current champion, when there is one.
    pub champion_comparison: Option<ChampionComparison>,
}

impl Decision {
    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.verdict == Verdict::Fail)
    }

    /// `Passes the policy: 4 checks passed, 0 failed; 4 of 4 rules checked.` for a policy of
    /// `rules` rules.
    pub fn tally(&self, rules: usize) -> String {
        let passed = self
            .checks
            .iter()
            .filter(|c| c.verdict == Verdict::Pass)
            .count();
        let verdict = if self.passes {
            "Passes the policy"
        } else {
            "Fails the policy"
        };
        format!(
            "{verdict}: {passed} checks passed, {} failed; {} of {rules} rules checked.",
            self.failures().count(),
            self.rules_checked
        )
    }
}

/// Decides one candidate against the current champion's metrics (`None`: no champion yet).
///
/// The policy is assumed valid (every constructor but a struct literal validates it; call
/// [`Policy::validate`] on one built by hand).
pub fn decide(policy: &Policy, candidate: &MetricSet, champion: Option<&MetricSet>) -> Decision {
    let aliases = &policy.metric_aliases;
    let mut checks = Vec::new();
    let mut warnings = Vec::new();
    let mut rules_checked = 0;
    for rule in &policy.rules {
        let found = candidate.lookup(&rule.metric, aliases);
        let baseline = champion
            .and_then(|c| c.lookup(&rule.metric, aliases))
            .map(|(_, v)| v);
        let (key, value) = found.unzip();
        let mut checked = false;
        evaluate_rule(rule, value, baseline, policy.missing_metric, |o| {
            let check = Check::from_outcome(rule, key, value, o);
            if check.verdict == Verdict::Skipped {
                warnings.push(format!("Warning: {}", check.reason));
            } else {
                checked = true;
            }
            checks.push(check);
        });
        rules_checked += usize::from(checked);
    }
    let passes = checks.iter().all(|c| c.verdict != Verdict::Fail);

    let champion_comparison = champion.map(|champion| {
        let mut tally = Tally::default();
        let metrics = policy
            .champion_metrics
            .iter()
            .map(|metric| {
                let gib = policy.greater_is_better(metric);
                let cand = candidate.lookup(metric, aliases).map(|(_, v)| v);
                let champ = champion.lookup(metric, aliases).map(|(_, v)| v);
                let outcome = compare(cand, champ, gib);
                tally.add(outcome);
                if outcome == MetricOutcome::Skipped {
                    warnings.push(skip_warning(metric, cand, champ));
                }
                MetricComparison {
                    metric: metric.clone(),
                    greater_is_better: gib,
                    candidate: cand,
                    champion: champ,
                    outcome,
                }
            })
            .collect();
        ChampionComparison {
            metrics,
            tally,
            candidate_better: tally.candidate_better(),
            rows_pending: false,
        }
    });
    let beats_champion = champion_comparison
        .as_ref()
        .is_none_or(|c| c.candidate_better);
    Decision {
        passes,
        promote_production: passes,
        promote_champion: passes && beats_champion,
        checks,
        rules_checked,
        warnings,
        champion_comparison,
    }
}

/// [`decide`], with the noise-aware champion rule when the policy asks for it
/// (`noise_aware_champion`): given the per-row comparisons of the candidate's and the
/// champion's evaluations, a key metric counts as a win or a loss only when the 95 % interval
/// of its per-row difference excludes zero, so a gain within noise is a tie and the champion
/// stays; a key metric without per-row data is compared by its means, with a warning. While
/// the comparisons are not there (`None`: loading, or unreadable) the rule cannot count, so the
/// champion stays and the comparison says it waits for them (`rows_pending`).
pub fn decide_with_rows(
    policy: &Policy,
    candidate: &MetricSet,
    champion: Option<&MetricSet>,
    rows: Option<&RowComparisons>,
) -> Decision {
    let mut decision = decide(policy, candidate, champion);
    let Some(comparison) = decision
        .champion_comparison
        .as_mut()
        .filter(|_| policy.noise_aware_champion)
    else {
        return decision;
    };
    let Some(rows) = rows else {
        comparison.rows_pending = true;
        decision.promote_champion = false;
        return decision;
    };
    let mut tally = Tally::default();
    for m in &mut comparison.metrics {
        if m.outcome != MetricOutcome::Skipped {
            match row_comparison(rows, &m.metric) {
                Some(r) => m.outcome = compare_rows(r, m.greater_is_better),
                None => decision.warnings.push(format!(
                    "No per-row data for {}: compared by its means (the seed's rule)",
                    m.metric
                )),
            }
        }
        tally.add(m.outcome);
    }
    comparison.tally = tally;
    comparison.candidate_better = tally.candidate_better();
    decision.promote_champion = decision.passes && comparison.candidate_better;
    decision
}

fn skip_warning(metric: &str, cand: Option<f64>, champ: Option<f64>) -> String {
    let side = |v: Option<f64>, who: &str| match v {
        None => Some(format!("missing on the {who}")),
        Some(x) if !x.is_finite() => Some(format!("{} on the {who}", number::display(x))),
        Some(_) => None,
    };
    let why: Vec<String> = [side(cand, "candidate"), side(champ, "champion")]
        .into_iter()
        .flatten()
        .collect();
    format!(
        "Champion comparison skipped {metric}: {}",
        why.join(" and ")
    )
}
