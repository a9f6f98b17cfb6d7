//! Reading and validating policies: every problem is reported at once, nothing is half-applied.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::number;
use super::rules::{
    default_champion_metrics, AliasNames, MetricAliases, MissingMetric, Policy, Rule,
    POLICY_VERSION,
};

/// Why a policy was rejected. Holds every problem found, each naming where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The text is not JSON at all.
    #[error("the policy is not valid JSON: {0}")]
    Syntax(String),
    /// The JSON is a policy with problems; none of it was applied.
    #[error("the policy has {} problem(s): {}", .0.len(), Problems(.0))]
    Invalid(Vec<String>),
}

impl PolicyError {
    /// Each problem on its own, for showing next to the field it names.
    pub fn problems(&self) -> Vec<String> {
        match self {
            PolicyError::Syntax(e) => vec![e.clone()],
            PolicyError::Invalid(p) => p.clone(),
        }
    }
}

struct Problems<'a>(&'a [String]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("; "))
    }
}

/// The keys of the policy document; a top-level object with any of them is a document.
const DOCUMENT_KEYS: [&str; 6] = [
    "version",
    "rules",
    "metric_aliases",
    "missing_metric",
    "champion_metrics",
    "aliases",
];
const RULE_KEYS: [&str; 5] = [
    "metric",
    "greater_is_better",
    "threshold",
    "min_absolute_change",
    "min_relative_change",
];

impl Policy {
    /// Reads a policy from JSON: the policy document, or the seed's flat `THRESHOLDS` dict
    /// (`{"relevance/mean": 0.7, ...}`), which yields exactly the seed's behaviour.
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| PolicyError::Syntax(e.to_string()))?;
        Policy::from_value(&value)
    }

    /// Like [`Policy::from_json`], from parsed JSON.
    pub fn from_value(value: &Value) -> Result<Policy, PolicyError> {
        let mut problems = Vec::new();
        let policy = match value {
            Value::Object(map) if DOCUMENT_KEYS.iter().any(|k| map.contains_key(*k)) => {
                read_document(map, &mut problems)
            }
            Value::Object(map) => read_flat(map, &mut problems),
            other => {
                problems.push(format!(
                    "expected a JSON object (a policy or a metric → threshold table), got {}",
                    kind(other)
                ));
                Policy::default()
            }
        };
        if problems.is_empty() {
            policy.validate()?;
            Ok(policy)
        } else {
            // Report the shape problems together with the rule problems found so far.
            if let Err(PolicyError::Invalid(more)) = policy.validate() {
                for p in more {
                    if !problems.contains(&p) {
                        problems.push(p);
                    }
                }
            }
            Err(PolicyError::Invalid(problems))
        }
    }

    /// Checks a policy built in code; returns every problem at once.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let mut problems = Vec::new();
        if self.version != POLICY_VERSION {
            problems.push(format!(
                "version: {} is not supported (this Podium reads version {POLICY_VERSION})",
                self.version
            ));
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, rule) in self.rules.iter().enumerate() {
            validate_rule(i, rule, &mut problems);
            let name = rule.metric.trim();
            if name.is_empty() {
                continue;
            }
            if let Some(first) = seen.insert(name, i) {
                problems.push(format!(
                    "rules[{i}]: a second rule for metric \"{name}\" (first at rules[{first}]); \
                     merge them into one"
                ));
                seen.insert(name, first);
            }
        }
        for (metric, aliases) in &self.metric_aliases.0 {
            if metric.trim().is_empty() {
                problems.push("metric_aliases: a metric name is empty".to_owned());
            }
            if aliases.iter().any(|a| a.trim().is_empty()) {
                problems.push(format!("metric_aliases[\"{metric}\"]: an alias is empty"));
            }
        }
        let mut keys = Vec::new();
        for (i, m) in self.champion_metrics.iter().enumerate() {
            if m.trim().is_empty() {
                problems.push(format!("champion_metrics[{i}]: the metric name is empty"));
            } else if keys.contains(&m) {
                problems.push(format!("champion_metrics[{i}]: \"{m}\" is listed twice"));
            }
            keys.push(m);
        }
        let AliasNames {
            production,
            champion,
        } = &self.aliases;
        for (field, name) in [("production", production), ("champion", champion)] {
            if !valid_alias(name) {
                problems.push(format!(
                    "aliases.{field}: \"{name}\" is not a valid MLflow alias (letters, digits, \
                     '_' and '-', not empty, not 'latest' or v<number>)"
                ));
            }
        }
        if production == champion {
            problems.push(format!(
                "aliases: production and champion are both \"{production}\"; they must differ"
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(PolicyError::Invalid(problems))
        }
    }
}

impl<'de> Deserialize<'de> for Policy {
    /// Accepts the policy document and the seed's flat form; see [`Policy::from_json`].
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Policy::from_value(&value).map_err(serde::de::Error::custom)
    }
}

fn validate_rule(i: usize, rule: &Rule, problems: &mut Vec<String>) {
    let at = if rule.metric.trim().is_empty() {
        problems.push(format!("rules[{i}].metric: the metric name is empty"));
        format!("rules[{i}]")
    } else {
        format!("rules[{i}] ({})", rule.metric)
    };
    if let Some(t) = rule.threshold {
        if !t.is_finite() {
            problems.push(format!("{at}.threshold: {t} is not a finite number"));
        }
    }
    if let Some(d) = rule.min_absolute_change {
        if !(d.is_finite() && d > 0.0) {
            problems.push(format!(
                "{at}.min_absolute_change: must be a positive number, got {}",
                number::display(d)
            ));
        }
    }
    if let Some(r) = rule.min_relative_change {
        if !(0.0..=1.0).contains(&r) {
            problems.push(format!(
                "{at}.min_relative_change: must be between 0 and 1, got {}",
                number::display(r)
            ));
        }
    }
    if rule.threshold.is_none() && !rule.has_change_criteria() {
        problems.push(format!(
            "{at}: nothing to check; give a threshold, min_absolute_change or min_relative_change"
        ));
    }
}

/// MLflow's alias rule (`^[\w\-]*$`, not `latest` or `v<digits>`), not empty, and ASCII only:
/// MLflow's `\w` also takes other Unicode letters, but checking those would add Unicode tables
/// to the bundle: such a rare name is refused here with a clear message, never sent to MLflow.
fn valid_alias(name: &str) -> bool {
    let reserved = name.eq_ignore_ascii_case("latest")
        || (name.len() > 1
            && name[..1].eq_ignore_ascii_case("v")
            && name[1..].bytes().all(|b| b.is_ascii_digit()));
    !name.is_empty()
        && !reserved
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn read_flat(map: &Map<String, Value>, problems: &mut Vec<String>) -> Policy {
    let mut thresholds = Vec::new();
    for (metric, value) in map {
        match value {
            Value::Number(n) => thresholds.push((metric.clone(), n.as_f64().unwrap_or(f64::NAN))),
            other => problems.push(format!(
                "\"{metric}\": the threshold must be a number, got {}",
                kind(other)
            )),
        }
    }
    Policy::from_thresholds(thresholds)
}

fn read_document(map: &Map<String, Value>, problems: &mut Vec<String>) -> Policy {
    unknown_fields("policy", map, &DOCUMENT_KEYS, problems);
    let version = match map.get("version") {
        None => POLICY_VERSION,
        Some(v) => match v.as_u64().and_then(|v| u32::try_from(v).ok()) {
            Some(v) => v,
            None => {
                problems.push(format!("version: expected a whole number, got {}", kind(v)));
                POLICY_VERSION
            }
        },
    };
    let rules = match map.get("rules") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| read_rule(i, item, problems))
            .collect(),
        Some(other) => {
            problems.push(format!(
                "rules: expected a list of rules, got {}",
                kind(other)
            ));
            Vec::new()
        }
    };
    let metric_aliases = match map.get("metric_aliases") {
        None => MetricAliases::default(),
        Some(Value::Object(table)) => {
            let mut out = BTreeMap::new();
            for (metric, aliases) in table {
                match string_list(aliases) {
                    Some(list) => {
                        out.insert(metric.clone(), list);
                    }
                    None => problems.push(format!(
                        "metric_aliases[\"{metric}\"]: expected a list of metric names, got {}",
                        kind(aliases)
                    )),
                }
            }
            MetricAliases(out)
        }
        Some(other) => {
            problems.push(format!(
                "metric_aliases: expected an object of metric → [aliases], got {}",
                kind(other)
            ));
            MetricAliases::default()
        }
    };
    let missing_metric = match map.get("missing_metric") {
        None => MissingMetric::Skip,
        Some(Value::String(s)) if s == "skip" => MissingMetric::Skip,
        Some(Value::String(s)) if s == "fail" => MissingMetric::Fail,
        Some(other) => {
            problems.push(format!(
                "missing_metric: expected \"skip\" or \"fail\", got {other}"
            ));
            MissingMetric::Skip
        }
    };
    let champion_metrics = match map.get("champion_metrics") {
        None => default_champion_metrics(),
        Some(v) => string_list(v).unwrap_or_else(|| {
            problems.push(format!(
                "champion_metrics: expected a list of metric names, got {}",
                kind(v)
            ));
            default_champion_metrics()
        }),
    };
    let aliases = match map.get("aliases") {
        None => AliasNames::default(),
        Some(Value::Object(names)) => {
            unknown_fields("aliases", names, &["production", "champion"], problems);
            let mut aliases = AliasNames::default();
            for (field, slot) in [
                ("production", &mut aliases.production),
                ("champion", &mut aliases.champion),
            ] {
                match names.get(field) {
                    None => {}
                    Some(Value::String(s)) => *slot = s.clone(),
                    Some(other) => problems.push(format!(
                        "aliases.{field}: expected an alias name, got {}",
                        kind(other)
                    )),
                }
            }
            aliases
        }
        Some(other) => {
            problems.push(format!(
                "aliases: expected {{\"production\": ..., \"champion\": ...}}, got {}",
                kind(other)
            ));
            AliasNames::default()
        }
    };
    Policy {
        version,
        rules,
        metric_aliases,
        missing_metric,
        champion_metrics,
        aliases,
    }
}

fn read_rule(i: usize, item: &Value, problems: &mut Vec<String>) -> Option<Rule> {
    let Value::Object(map) = item else {
        problems.push(format!(
            "rules[{i}]: expected a rule object, got {}",
            kind(item)
        ));
        return None;
    };
    unknown_fields(&format!("rules[{i}]"), map, &RULE_KEYS, problems);
    let metric = match map.get("metric") {
        Some(Value::String(s)) => s.clone(),
        None => String::new(),
        Some(other) => {
            problems.push(format!(
                "rules[{i}].metric: expected a metric name, got {}",
                kind(other)
            ));
            return None;
        }
    };
    let greater_is_better = match map.get("greater_is_better") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            problems.push(format!(
                "rules[{i}].greater_is_better: expected true or false, got {}",
                kind(other)
            ));
            true
        }
    };
    let mut number_field = |field: &str| match map.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_f64(),
        Some(other) => {
            problems.push(format!(
                "rules[{i}].{field}: expected a number, got {}",
                kind(other)
            ));
            None
        }
    };
    let threshold = number_field("threshold");
    let min_absolute_change = number_field("min_absolute_change");
    let min_relative_change = number_field("min_relative_change");
    Some(Rule {
        metric,
        greater_is_better,
        threshold,
        min_absolute_change,
        min_relative_change,
    })
}

fn unknown_fields(at: &str, map: &Map<String, Value>, known: &[&str], problems: &mut Vec<String>) {
    for key in map.keys().filter(|k| !known.contains(&k.as_str())) {
        problems.push(format!(
            "{at}: unknown field \"{key}\" (expected one of: {})",
            known.join(", ")
        ));
    }
}

fn string_list(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => match number::from_json(value) {
            Some(_) => format!("the string \"{s}\" (non-finite numbers are not allowed)"),
            None => format!("the text \"{s}\""),
        },
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}
