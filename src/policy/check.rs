//! Checking one rule: the seed's threshold test and `MetricThreshold`'s change criteria.
//!
//! [`evaluate_rule`] works on numbers only, so the whole-model preview can run it for thousands
//! of versions without allocating; [`Check`] adds the words for the one decision on screen.

use serde::Serialize;

use super::number;
use super::rules::{MissingMetric, Rule};

/// What was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// The value against the rule's threshold.
    Threshold,
    /// The value against the champion's value plus `min_absolute_change`.
    AbsoluteChange,
    /// The change relative to the champion's value against `min_relative_change`.
    RelativeChange,
}

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Met.
    Pass,
    /// Not checked: the metric is missing and the policy's missing-metric mode is `skip`.
    Skipped,
    /// Not met, or impossible to check in a way that must count against the version.
    Fail,
}

impl Verdict {
    /// `✓`, `✗` or `–`: the mark shown with it (colour never carries meaning alone).
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Pass => "✓",
            Verdict::Fail => "✗",
            Verdict::Skipped => "–",
        }
    }

    /// `pass`, `fail` or `skipped`.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Skipped => "skipped",
        }
    }
}

/// Why a check came out as it did; the numbers are in the check itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cause {
    Met,
    NotMet,
    Missing,
    NonFinite,
    MissingBaseline,
    NonFiniteBaseline,
    /// `MetricThreshold`'s fallback when the champion's value is 0.
    ZeroBaseline,
}

/// One check's result in numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Outcome {
    pub kind: CheckKind,
    pub verdict: Verdict,
    pub cause: Cause,
    /// What the value (or the relative change) was compared with.
    pub bound: Option<f64>,
    /// Signed headroom: positive passes, negative fails (relative change: in its own units).
    pub margin: Option<f64>,
    /// The champion's value the change was measured against.
    pub baseline: Option<f64>,
}

/// `MetricThreshold`'s epsilon for a zero baseline.
const ZERO_BASELINE_EPSILON: f64 = 1e-10;

/// Runs every criterion of `rule` for a candidate value and the champion's value.
///
/// `value` is the candidate's value under the key found by the metric lookup (or none);
/// `baseline` is the champion's, found the same way. Calls `out` once per criterion, threshold
/// first, in `MetricThreshold`'s order.
pub(crate) fn evaluate_rule(
    rule: &Rule,
    value: Option<f64>,
    baseline: Option<f64>,
    mode: MissingMetric,
    mut out: impl FnMut(Outcome),
) {
    let kinds = [
        (CheckKind::Threshold, rule.threshold),
        (CheckKind::AbsoluteChange, rule.min_absolute_change),
        (CheckKind::RelativeChange, rule.min_relative_change),
    ];
    let gib = rule.greater_is_better;
    for (kind, param) in kinds {
        let Some(param) = param else { continue };
        let outcome = match value {
            None => {
                let verdict = match mode {
                    MissingMetric::Skip => Verdict::Skipped,
                    MissingMetric::Fail => Verdict::Fail,
                };
                Outcome::new(kind, verdict, Cause::Missing, None, None)
            }
            Some(v) if !v.is_finite() => {
                Outcome::new(kind, Verdict::Fail, Cause::NonFinite, None, None)
            }
            Some(v) => match kind {
                CheckKind::Threshold => at_least(kind, gib, v, param, Cause::NotMet),
                _ => change(kind, gib, v, param, baseline),
            },
        };
        out(Outcome {
            baseline,
            ..outcome
        });
    }
}

impl Outcome {
    fn new(
        kind: CheckKind,
        verdict: Verdict,
        cause: Cause,
        bound: Option<f64>,
        margin: Option<f64>,
    ) -> Self {
        Outcome {
            kind,
            verdict,
            cause,
            bound,
            margin,
            baseline: None,
        }
    }
}

/// `value >= bound` when higher is better, `value <= bound` otherwise; equality passes.
fn at_least(kind: CheckKind, gib: bool, value: f64, bound: f64, fail_cause: Cause) -> Outcome {
    let margin = if gib { value - bound } else { bound - value };
    let met = if gib { value >= bound } else { value <= bound };
    let (verdict, cause) = if met {
        (Verdict::Pass, Cause::Met)
    } else {
        (Verdict::Fail, fail_cause)
    };
    Outcome::new(kind, verdict, cause, Some(bound), Some(margin))
}

/// `MetricThreshold`'s `min_absolute_change` / `min_relative_change` against the champion.
fn change(kind: CheckKind, gib: bool, value: f64, param: f64, baseline: Option<f64>) -> Outcome {
    let Some(base) = baseline else {
        return Outcome::new(kind, Verdict::Fail, Cause::MissingBaseline, None, None);
    };
    if !base.is_finite() {
        return Outcome::new(kind, Verdict::Fail, Cause::NonFiniteBaseline, None, None);
    }
    match kind {
        CheckKind::AbsoluteChange => {
            let bound = if gib { base + param } else { base - param };
            at_least(kind, gib, value, bound, Cause::NotMet)
        }
        _ if base == 0.0 => {
            let bound = if gib {
                base + ZERO_BASELINE_EPSILON
            } else {
                base - ZERO_BASELINE_EPSILON
            };
            let o = at_least(kind, gib, value, bound, Cause::ZeroBaseline);
            let cause = Cause::ZeroBaseline;
            Outcome { cause, ..o }
        }
        _ => {
            let relative = if gib {
                (value - base) / base.abs()
            } else {
                (base - value) / base.abs()
            };
            // MLflow fails iff relative < r, so equality passes.
            let met = relative >= param;
            let (verdict, cause) = if met {
                (Verdict::Pass, Cause::Met)
            } else {
                (Verdict::Fail, Cause::NotMet)
            };
            Outcome::new(kind, verdict, cause, Some(param), Some(relative - param))
        }
    }
}

/// One check of one rule, with the key actually used and a reason in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// The rule's metric name.
    pub metric: String,
    /// The key the value was found under (the metric or one of its aliases), if found.
    pub key: Option<String>,
    /// What was checked.
    pub kind: CheckKind,
    /// The candidate's value.
    #[serde(serialize_with = "number::serialize_opt")]
    pub value: Option<f64>,
    /// What the value (threshold, champion ± change) or the relative change was compared with.
    #[serde(serialize_with = "number::serialize_opt")]
    pub threshold: Option<f64>,
    /// The champion's value, for change checks.
    #[serde(serialize_with = "number::serialize_opt")]
    pub baseline: Option<f64>,
    /// Pass, fail or skipped.
    pub verdict: Verdict,
    /// Whether the check passed (`verdict == Pass`).
    pub passed: bool,
    /// Signed headroom: positive passes, negative fails, 0 is exactly on the threshold.
    #[serde(serialize_with = "number::serialize_opt")]
    pub margin: Option<f64>,
    /// Why, in words.
    pub reason: String,
}

impl Check {
    pub(crate) fn from_outcome(
        rule: &Rule,
        key: Option<&str>,
        value: Option<f64>,
        o: Outcome,
    ) -> Self {
        Check {
            metric: rule.metric.clone(),
            key: key.map(str::to_owned),
            kind: o.kind,
            value,
            threshold: o.bound,
            baseline: o.baseline,
            verdict: o.verdict,
            passed: o.verdict == Verdict::Pass,
            margin: o.margin,
            reason: reason(rule, key, value, &o),
        }
    }
}

fn reason(rule: &Rule, key: Option<&str>, value: Option<f64>, o: &Outcome) -> String {
    let name = match key {
        Some(k) if k != rule.metric => format!("{} (logged as {k})", rule.metric),
        _ => rule.metric.clone(),
    };
    let (cmp_ok, cmp_bad) = if rule.greater_is_better {
        (">=", "<")
    } else {
        ("<=", ">")
    };
    let v = value.map(number::display).unwrap_or_default();
    let b = o.bound.map(number::display).unwrap_or_default();
    let base = o.baseline.map(number::display).unwrap_or_default();
    match (o.cause, o.kind) {
        (Cause::Missing, _) => match o.verdict {
            Verdict::Skipped => format!("{name} not found; skipped (missing metrics do not fail)"),
            _ => format!("{name} not found; a missing metric fails"),
        },
        (Cause::NonFinite, _) => format!("{name} is {v}; a non-finite value never passes"),
        (Cause::MissingBaseline, _) => {
            format!("{name}: the champion has no value to compare with; change checks fail")
        }
        (Cause::NonFiniteBaseline, _) => {
            format!("{name}: the champion's value is {base}; change checks fail")
        }
        (Cause::ZeroBaseline, _) => {
            let op = if o.verdict == Verdict::Pass {
                cmp_ok
            } else {
                cmp_bad
            };
            format!("{name} = {v} {op} champion 0 ± 1e-10 (relative change undefined at 0)")
        }
        (cause, CheckKind::Threshold) => {
            let op = if cause == Cause::Met { cmp_ok } else { cmp_bad };
            format!("{name} = {v} {op} threshold {b}")
        }
        (cause, CheckKind::AbsoluteChange) => {
            let op = if cause == Cause::Met { cmp_ok } else { cmp_bad };
            let d = rule
                .min_absolute_change
                .map(number::display)
                .unwrap_or_default();
            format!("{name} = {v} {op} champion {base} ± {d} = {b}")
        }
        (cause, CheckKind::RelativeChange) => {
            let op = if cause == Cause::Met { ">=" } else { "<" };
            let rel = o
                .margin
                .zip(o.bound)
                .map(|(m, r)| m + r)
                .unwrap_or(f64::NAN);
            format!(
                "{name} = {v}: change vs champion {base} is {} {op} required {}",
                percent(rel),
                percent(o.bound.unwrap_or(f64::NAN))
            )
        }
    }
}

fn percent(x: f64) -> String {
    format!("{}%", number::display(x * 100.0))
}
