//! MLflow's own quality criteria (MLflow ≥ 3.18): `mlflow.genai.evaluate(...,
//! quality_criteria="correctness >= 0.9 AND `latency/p90` <= 2")` records them on the
//! evaluation run as the tag `mlflow.genaiEvaluate.qualityCriteria`, which MLflow's evaluation
//! UI reads. Podium reads that tag strictly, says whether a version meets it, turns it into a
//! policy draft, and writes a policy back as a `quality_criteria` string — naming what a policy
//! says that criteria cannot.

use std::fmt;

use serde_json::Value;

use super::metrics::MetricSet;
use super::number;
use super::rules::{MetricAliases, MissingMetric, Policy, Rule};

/// The run tag MLflow writes the criteria to.
pub const QUALITY_CRITERIA_TAG: &str = "mlflow.genaiEvaluate.qualityCriteria";

/// The tag's schema version this build reads.
pub const CRITERIA_SCHEMA_VERSION: u64 = 1;

/// MLflow's limit on a run tag's value (`MAX_TAG_VAL_LENGTH`), in characters.
pub const MAX_TAG_VALUE: usize = 8_000;

/// The aggregations MLflow's criteria can name after a scorer (`correctness/p90`).
pub const AGGREGATIONS: [&str; 6] = ["min", "max", "mean", "median", "variance", "p90"];

/// How a criterion compares the metric with its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    /// `>=` (`GTE`): higher is better.
    AtLeast,
    /// `<=` (`LTE`): lower is better.
    AtMost,
}

impl Comparator {
    /// `>=` or `<=`.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => ">=",
            Comparator::AtMost => "<=",
        }
    }
}

/// One criterion: a metric key, a comparator, a threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    /// The metric key as MLflow logs it (`correctness/mean`).
    pub metric_key: String,
    /// `>=` or `<=`.
    pub comparator: Comparator,
    /// The bar.
    pub threshold: f64,
}

impl fmt::Display for Criterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.metric_key,
            self.comparator.symbol(),
            number::display(self.threshold)
        )
    }
}

/// The criteria of one evaluation run.
#[derive(Debug, Clone, PartialEq)]
pub struct QualityCriteria {
    /// MLflow's revision id of the criteria (a new one per `evaluate`).
    pub revision: Option<String>,
    /// Every criterion, in MLflow's order.
    pub criteria: Vec<Criterion>,
}

/// Why a criteria tag is not read (it is then ignored, and the screen says why).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CriteriaError {
    /// Over MLflow's tag limit.
    #[error("the tag is {chars} characters, over MLflow's limit of {MAX_TAG_VALUE}")]
    TooLong {
        /// Its length.
        chars: usize,
    },
    /// Not JSON.
    #[error("the tag is not JSON ({0})")]
    NotJson(String),
    /// A schema version this build does not read.
    #[error("schema version {0} is not one Podium reads (it reads {CRITERIA_SCHEMA_VERSION})")]
    Schema(String),
    /// Anything else, in words, with where.
    #[error("{0}")]
    Malformed(String),
}

impl QualityCriteria {
    /// Reads the tag's value strictly: its size, its JSON, the schema version, and each rule's
    /// metric key, comparator (`GTE`, `LTE`) and finite threshold, one rule per metric.
    pub fn from_tag(value: &str) -> Result<QualityCriteria, CriteriaError> {
        let chars = value.chars().count();
        if chars > MAX_TAG_VALUE {
            return Err(CriteriaError::TooLong { chars });
        }
        let doc: Value =
            serde_json::from_str(value).map_err(|e| CriteriaError::NotJson(e.to_string()))?;
        let bad = |what: String| CriteriaError::Malformed(what);
        let Value::Object(doc) = doc else {
            return Err(bad("the tag is not a JSON object".into()));
        };
        if let Some(key) = doc
            .keys()
            .find(|k| !["schemaVersion", "revision", "rules"].contains(&k.as_str()))
        {
            return Err(bad(format!("unknown field \"{key}\"")));
        }
        match doc.get("schemaVersion") {
            Some(v) if v.as_u64() == Some(CRITERIA_SCHEMA_VERSION) => {}
            Some(v) => return Err(CriteriaError::Schema(v.to_string())),
            None => return Err(bad("no schemaVersion".into())),
        }
        let revision = match doc.get("revision") {
            None => None,
            Some(Value::String(r)) => Some(r.clone()),
            Some(other) => return Err(bad(format!("revision is {other}, not a string"))),
        };
        let Some(Value::Array(rules)) = doc.get("rules") else {
            return Err(bad("no list of rules".into()));
        };
        if rules.is_empty() {
            return Err(bad("the list of rules is empty".into()));
        }
        let mut criteria: Vec<Criterion> = Vec::with_capacity(rules.len());
        for (i, rule) in rules.iter().enumerate() {
            let at = |what: String| bad(format!("rules[{i}]: {what}"));
            let Value::Object(rule) = rule else {
                return Err(at("not an object".into()));
            };
            if let Some(key) = rule
                .keys()
                .find(|k| !["metricKey", "comparator", "threshold"].contains(&k.as_str()))
            {
                return Err(at(format!("unknown field \"{key}\"")));
            }
            let metric_key = match rule.get("metricKey") {
                Some(Value::String(k)) if !k.trim().is_empty() => k.clone(),
                other => return Err(at(format!("metricKey is {other:?}, not a metric key"))),
            };
            let comparator = match rule.get("comparator").and_then(Value::as_str) {
                Some("GTE") => Comparator::AtLeast,
                Some("LTE") => Comparator::AtMost,
                Some(other) => {
                    return Err(at(format!(
                        "comparator \"{other}\" is unknown (Podium reads GTE and LTE)"
                    )))
                }
                None => return Err(at("no comparator".into())),
            };
            let threshold = match rule.get("threshold").and_then(Value::as_f64) {
                Some(t) if t.is_finite() => t,
                _ => return Err(at("threshold is not a finite number".into())),
            };
            if criteria.iter().any(|c| c.metric_key == metric_key) {
                return Err(at(format!("a second rule on \"{metric_key}\"")));
            }
            criteria.push(Criterion {
                metric_key,
                comparator,
                threshold,
            });
        }
        Ok(QualityCriteria { revision, criteria })
    }

    /// Whether `metrics` meet each criterion: `Some(true)`, `Some(false)`, or `None` when the
    /// metric is not there (MLflow: "can't be checked"). A non-finite value never meets one.
    pub fn meets(&self, metrics: &MetricSet) -> Vec<(Criterion, Option<f64>, Option<bool>)> {
        self.criteria
            .iter()
            .map(|c| {
                let value = metrics.get(&c.metric_key);
                let met = value.map(|v| {
                    v.is_finite()
                        && match c.comparator {
                            Comparator::AtLeast => v >= c.threshold,
                            Comparator::AtMost => v <= c.threshold,
                        }
                });
                (c.clone(), value, met)
            })
            .collect()
    }

    /// A policy draft from these criteria: one rule per criterion (`>=` higher is better, `<=`
    /// lower is better), the metric key as written and no metric aliases, the same metrics as
    /// champion key metrics; an unmeasured metric fails, as a criterion that cannot be checked
    /// is not met.
    pub fn to_policy(&self) -> Policy {
        Policy {
            rules: self
                .criteria
                .iter()
                .map(|c| Rule {
                    metric: c.metric_key.clone(),
                    greater_is_better: c.comparator == Comparator::AtLeast,
                    threshold: Some(c.threshold),
                    min_absolute_change: None,
                    min_relative_change: None,
                })
                .collect(),
            metric_aliases: MetricAliases(Default::default()),
            missing_metric: MissingMetric::Fail,
            champion_metrics: self.criteria.iter().map(|c| c.metric_key.clone()).collect(),
            ..Policy::default()
        }
    }

    /// [`QualityCriteria::to_policy`], keeping `current`'s alias names, protected aliases and
    /// sign-offs (which criteria do not speak of), so the draft decides the same roles.
    pub fn to_policy_keeping(&self, current: &Policy) -> Policy {
        Policy {
            aliases: current.aliases.clone(),
            protected_aliases: current.protected_aliases.clone(),
            approvals: current.approvals.clone(),
            ..self.to_policy()
        }
    }
}

/// A policy as MLflow's `quality_criteria`: the string, and what it leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriteriaExport {
    /// `` `correctness/mean` >= 0.9 AND `latency/p90` <= 2 `` (empty: nothing expressible).
    pub criteria: String,
    /// What the policy says that criteria cannot, one line each.
    pub left_out: Vec<String>,
}

impl Policy {
    /// This policy as MLflow's `quality_criteria` string. Criteria name a scorer's
    /// aggregation (`<scorer>/<aggregation>`) and compare it with a bar: rules on other metric
    /// keys, change criteria against the champion, metric aliases, the champion comparison,
    /// sign-offs and protected aliases are named in `left_out`, never dropped silently.
    pub fn to_quality_criteria(&self) -> CriteriaExport {
        let mut parts = Vec::new();
        let mut left_out = Vec::new();
        for rule in &self.rules {
            let metric = &rule.metric;
            let aggregation = metric.rsplit_once('/').map(|(_, a)| a);
            let nameable = !metric.contains('`')
                && metric.rsplit_once('/').is_some_and(|(s, _)| !s.is_empty())
                && aggregation.is_some_and(|a| AGGREGATIONS.contains(&a));
            if !nameable {
                left_out.push(format!(
                    "{metric}: criteria name <scorer>/<aggregation> keys ({}) only",
                    AGGREGATIONS.join(", ")
                ));
                continue;
            }
            match rule.threshold {
                Some(t) => {
                    let op = if rule.greater_is_better { ">=" } else { "<=" };
                    parts.push(format!("`{metric}` {op} {}", number::shortest(t)));
                }
                None => left_out.push(format!("{metric}: no threshold")),
            }
            if let Some(v) = rule.min_absolute_change {
                left_out.push(format!(
                    "{metric}: min_absolute_change {} against the champion",
                    number::display(v)
                ));
            }
            if let Some(v) = rule.min_relative_change {
                left_out.push(format!(
                    "{metric}: min_relative_change {} against the champion",
                    number::display(v)
                ));
            }
            let aliases: Vec<&str> = self
                .metric_aliases
                .candidates(metric)
                .skip(1)
                .filter(|a| *a != metric.as_str())
                .collect();
            if !aliases.is_empty() {
                left_out.push(format!(
                    "{metric}: also read as {} (metric aliases); criteria read {metric} only",
                    aliases.join(", ")
                ));
            }
        }
        if self.missing_metric == MissingMetric::Skip {
            left_out.push(
                "missing metrics skip the rule here; MLflow marks such a criterion unchecked"
                    .into(),
            );
        }
        if !self.champion_metrics.is_empty() {
            left_out.push(format!(
                "the champion comparison on {} (criteria judge one evaluation alone)",
                self.champion_metrics.join(", ")
            ));
        }
        if self.noise_aware_champion {
            left_out.push("the noise-aware champion rule".into());
        }
        if !self.approvals.is_empty() {
            left_out.push("sign-offs (approvals)".into());
        }
        if self.protected_aliases.is_some() {
            left_out.push("protected aliases".into());
        }
        CriteriaExport {
            criteria: parts.join(" AND "),
            left_out,
        }
    }
}
