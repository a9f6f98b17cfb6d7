//! A first policy from a model's own metrics, for a model the policy in effect checks nothing
//! on: one rule per evaluation metric, thresholds at a reference version's values, the same
//! metrics as champion key metrics. The user edits it from there; nothing is saved by it.

use super::metrics::MetricSet;
use super::rules::{Policy, Rule};

/// Words in a metric's name that MLflow's and its evaluators' conventions use for quantities
/// where lower is better (`latency_ms/p95`, `cost/mean`, `error_rate`, `loss`, `toxicity/mean`).
const LOWER_IS_BETTER: [&str; 9] = [
    "latency",
    "cost",
    "error",
    "loss",
    "duration",
    "time",
    "toxicity",
    "tokens",
    "perplexity",
];

/// Whether lower values of `metric` are better, guessed from its name; otherwise higher.
pub fn lower_is_better(metric: &str) -> bool {
    let name = metric.to_ascii_lowercase();
    // The name's words (split on anything not a letter), so `runtime_errors` and `error_rate`
    // match while `uptime` matches "time" only as a whole word.
    name.split(|c: char| !c.is_ascii_alphabetic()).any(|word| {
        LOWER_IS_BETTER
            .iter()
            .any(|w| word == *w || word == format!("{w}s"))
    })
}

/// Whether `key` is an evaluation metric a policy would gate on: not one of the figures MLflow's
/// `compare_evaluations` logs about another run (`compare/<run>/…`).
fn is_evaluation_metric(key: &str) -> bool {
    !key.starts_with("compare/")
}

impl Policy {
    /// A policy with one rule per evaluation metric in `keys` (every key the model's versions
    /// have), each at `reference`'s value (the production version's, else the champion's),
    /// direction guessed from the name, and the same metrics as champion key metrics. A metric
    /// the reference lacks (or holds as NaN) gets no threshold yet: the draft then asks for one.
    pub fn from_metrics<'a>(
        keys: impl IntoIterator<Item = &'a str>,
        reference: &MetricSet,
    ) -> Policy {
        let mut metrics: Vec<&str> = keys
            .into_iter()
            .filter(|k| is_evaluation_metric(k))
            .collect();
        metrics.sort_unstable();
        metrics.dedup();
        let rules = metrics
            .iter()
            .map(|metric| Rule {
                metric: (*metric).to_owned(),
                greater_is_better: !lower_is_better(metric),
                threshold: reference.get(metric).filter(|v| v.is_finite()),
                min_absolute_change: None,
                min_relative_change: None,
            })
            .collect();
        Policy {
            rules,
            champion_metrics: metrics.iter().map(|m| (*m).to_owned()).collect(),
            ..Policy::default()
        }
    }
}
