//! Reading and validating policies: every problem is reported at once, nothing is half-applied.
//!
//! Each problem is a [`Problem`]: the rule and field it belongs to travel as data, so the editor
//! can show it at its field without reading the message.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::number;
use super::rules::{
    default_champion_metrics, AliasNames, MetricAliases, MissingMetric, Policy, Rule,
    POLICY_VERSION,
};

/// A rule's identity. In a [`PolicyDraft`](super::PolicyDraft) it is the row's stable id, kept
/// while other rows are added or removed; for a policy on its own it is the rule's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId(pub u32);

/// The largest policy text read (from a link, an import or the saved tag).
pub const MAX_POLICY_TEXT: usize = 64 * 1024;
/// The most rules a policy may have.
pub const MAX_RULES: usize = 100;
/// The most champion key metrics a policy may have.
pub const MAX_KEY_METRICS: usize = 100;
/// The most metrics a policy may give aliases to.
pub const MAX_ALIASED_METRICS: usize = 200;

/// Which part of a policy a [`Problem`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The document as a whole: its shape, or a field this version does not know.
    Document,
    /// `version`.
    Version,
    /// The `rules` list itself.
    Rules,
    /// One rule as a whole (not an object, an unknown field, nothing to check).
    Rule,
    /// A rule's `metric` (empty, or a second rule for the same metric).
    Metric,
    /// A rule's `greater_is_better`.
    GreaterIsBetter,
    /// A rule's `threshold`.
    Threshold,
    /// A rule's `min_absolute_change`.
    MinAbsoluteChange,
    /// A rule's `min_relative_change`.
    MinRelativeChange,
    /// `metric_aliases`.
    MetricAliases,
    /// `missing_metric`.
    MissingMetric,
    /// `champion_metrics`.
    ChampionMetrics,
    /// `aliases`.
    Aliases,
    /// `protected_aliases`.
    ProtectedAliases,
    /// `noise_aware_champion`.
    NoiseAwareChampion,
    /// `approvals`.
    Approvals,
}

impl Field {
    /// Whether it is one of a rule's numbers (threshold and change criteria).
    pub fn is_number(self) -> bool {
        matches!(
            self,
            Field::Threshold | Field::MinAbsoluteChange | Field::MinRelativeChange
        )
    }

    /// The field's name in the policy document.
    pub fn key(self) -> &'static str {
        match self {
            Field::Document | Field::Rule => "",
            Field::Version => "version",
            Field::Rules => "rules",
            Field::Metric => "metric",
            Field::GreaterIsBetter => "greater_is_better",
            Field::Threshold => "threshold",
            Field::MinAbsoluteChange => "min_absolute_change",
            Field::MinRelativeChange => "min_relative_change",
            Field::MetricAliases => "metric_aliases",
            Field::MissingMetric => "missing_metric",
            Field::ChampionMetrics => "champion_metrics",
            Field::Aliases => "aliases",
            Field::ProtectedAliases => "protected_aliases",
            Field::NoiseAwareChampion => "noise_aware_champion",
            Field::Approvals => "approvals",
        }
    }
}

/// One thing wrong with a policy, addressed to the rule and field it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The rule it is about; `None` for the policy as a whole.
    pub rule: Option<RuleId>,
    /// The field it is about.
    pub field: Field,
    /// What is wrong, in words, without the location (shown next to the field).
    pub message: String,
    /// Where, for a list shown away from the fields: `rules[4] (c).min_absolute_change`.
    pub location: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Why a policy was rejected. Holds every problem found, each naming where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The text is not JSON at all.
    #[error("the policy is not valid JSON: {0}")]
    Syntax(String),
    /// The JSON is a policy with problems; none of it was applied.
    #[error("the policy has {} problem(s): {}", .0.len(), Problems(.0))]
    Invalid(Vec<Problem>),
}

impl PolicyError {
    /// Each problem on its own, with its location, for a list shown away from the fields.
    pub fn messages(&self) -> Vec<String> {
        match self {
            PolicyError::Syntax(e) => vec![e.clone()],
            PolicyError::Invalid(p) => p.iter().map(Problem::to_string).collect(),
        }
    }

    /// The typed problems (none for a syntax error).
    pub fn problems(&self) -> &[Problem] {
        match self {
            PolicyError::Syntax(_) => &[],
            PolicyError::Invalid(p) => p,
        }
    }
}

struct Problems<'a>(&'a [Problem]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Collects problems while a policy is read or checked.
#[derive(Default)]
struct Found(Vec<Problem>);

impl Found {
    /// A problem with the policy as a whole, at `location`.
    fn policy(&mut self, field: Field, location: &str, message: String) {
        self.0.push(Problem {
            rule: None,
            field,
            message,
            location: location.to_owned(),
        });
    }

    /// A problem with rule `index` (identified as `id`), whose metric is `metric`.
    fn rule(&mut self, id: RuleId, index: usize, metric: &str, field: Field, message: String) {
        self.0.push(Problem {
            rule: Some(id),
            field,
            message,
            location: rule_location(index, metric, field),
        });
    }
}

/// `rules[4] (c).min_absolute_change`, `rules[1].threshold`, `rules[6] (e)`.
fn rule_location(index: usize, metric: &str, field: Field) -> String {
    let metric = metric.trim();
    let mut at = format!("rules[{index}]");
    if !metric.is_empty() && field != Field::Metric {
        at.push_str(&format!(" ({metric})"));
    }
    if !field.key().is_empty() {
        at.push('.');
        at.push_str(field.key());
    }
    at
}

/// The keys of the policy document; a top-level object with any of them is a document.
const DOCUMENT_KEYS: [&str; 9] = [
    "version",
    "rules",
    "metric_aliases",
    "missing_metric",
    "champion_metrics",
    "aliases",
    "protected_aliases",
    "noise_aware_champion",
    "approvals",
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
    ///
    /// Text over [`MAX_POLICY_TEXT`] bytes, and an object with the same key twice (which JSON
    /// readers disagree on), are refused.
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        if text.len() > MAX_POLICY_TEXT {
            return Err(PolicyError::Syntax(format!(
                "the policy is {} KB of text; at most {} KB is read",
                text.len() / 1024,
                MAX_POLICY_TEXT / 1024
            )));
        }
        let value = parse_unique(text).map_err(|e| PolicyError::Syntax(e.to_string()))?;
        Policy::from_value(&value)
    }

    /// Like [`Policy::from_json`], from parsed JSON.
    pub fn from_value(value: &Value) -> Result<Policy, PolicyError> {
        let mut found = Found::default();
        // Where the policy's rules stand in the document's `rules`, when not at their own index
        // (a rule that could not be read is left out of the policy).
        let (policy, positions) = match value {
            Value::Object(map) if DOCUMENT_KEYS.iter().any(|k| map.contains_key(*k)) => {
                let (policy, positions) = read_document(map, &mut found);
                (policy, Some(positions))
            }
            Value::Object(map) => (read_flat(map, &mut found), None),
            other => {
                found.policy(
                    Field::Document,
                    "policy",
                    format!(
                        "expected a JSON object (a policy or a metric → threshold table), got {}",
                        kind(other)
                    ),
                );
                (Policy::default(), None)
            }
        };
        // Shape problems and rule problems together. A number that did not read leaves its
        // field empty: "nothing to check" would then repeat, in other words, what it says.
        let unread: HashSet<RuleId> = found
            .0
            .iter()
            .filter(|p| p.field.is_number())
            .filter_map(|p| p.rule)
            .collect();
        let at = |i: usize| positions.as_ref().map_or(i, |p| p[i]);
        for p in policy.problems_at(|i| RuleId(at(i) as u32), at) {
            let repeats = p.field == Field::Rule && p.rule.is_some_and(|r| unread.contains(&r));
            if !repeats && !found.0.contains(&p) {
                found.0.push(p);
            }
        }
        if found.0.is_empty() {
            Ok(policy)
        } else {
            Err(PolicyError::Invalid(found.0))
        }
    }

    /// Checks a policy built in code; returns every problem at once.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let problems = self.problems(|i| RuleId(i as u32));
        if problems.is_empty() {
            Ok(())
        } else {
            Err(PolicyError::Invalid(problems))
        }
    }

    /// Every problem with this policy; rule `i` is named `id(i)` (a draft passes its row ids).
    pub fn problems(&self, id: impl Fn(usize) -> RuleId) -> Vec<Problem> {
        self.problems_at(id, |i| i)
    }

    /// [`Policy::problems`], rule `i` located at `rules[position(i)]` of the text it was read
    /// from.
    fn problems_at(
        &self,
        id: impl Fn(usize) -> RuleId,
        position: impl Fn(usize) -> usize,
    ) -> Vec<Problem> {
        let mut found = Found::default();
        if self.version != POLICY_VERSION {
            found.policy(
                Field::Version,
                "version",
                format!(
                    "{} is not supported (this Podium reads version {POLICY_VERSION})",
                    self.version
                ),
            );
        }
        // Past the limits nothing more is checked: a hostile link gets one clear answer fast.
        for (field, count, limit) in [
            (Field::Rules, self.rules.len(), MAX_RULES),
            (
                Field::ChampionMetrics,
                self.champion_metrics.len(),
                MAX_KEY_METRICS,
            ),
            (
                Field::MetricAliases,
                self.metric_aliases.0.len(),
                MAX_ALIASED_METRICS,
            ),
        ] {
            if count > limit {
                let message = format!("{count} entries; a policy has at most {limit}");
                found.policy(field, field.key(), message);
            }
        }
        if !found.0.is_empty() {
            return found.0;
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, rule) in self.rules.iter().enumerate() {
            validate_rule(id(i), position(i), rule, &mut found);
            let name = rule.metric.trim();
            if name.is_empty() {
                continue;
            }
            if let Some(&first) = seen.get(name) {
                found.rule(
                    id(i),
                    position(i),
                    name,
                    Field::Metric,
                    format!(
                        "a second rule for metric \"{name}\" (first at rules[{first}]); merge \
                         them into one"
                    ),
                );
            } else {
                seen.insert(name, position(i));
            }
        }
        for (metric, aliases) in &self.metric_aliases.0 {
            if metric.trim().is_empty() {
                found.policy(
                    Field::MetricAliases,
                    "metric_aliases",
                    "a metric name is empty".to_owned(),
                );
            }
            if aliases.iter().any(|a| a.trim().is_empty()) {
                found.policy(
                    Field::MetricAliases,
                    &format!("metric_aliases[\"{metric}\"]"),
                    "an alias is empty".to_owned(),
                );
            }
        }
        let mut keys = HashSet::new();
        for (i, m) in self.champion_metrics.iter().enumerate() {
            let at = format!("champion_metrics[{i}]");
            if m.trim().is_empty() {
                found.policy(
                    Field::ChampionMetrics,
                    &at,
                    "the metric name is empty".to_owned(),
                );
            } else if !keys.insert(m.as_str()) {
                found.policy(
                    Field::ChampionMetrics,
                    &at,
                    format!("\"{m}\" is listed twice"),
                );
            }
        }
        let AliasNames {
            production,
            champion,
        } = &self.aliases;
        for (field, name) in [("production", production), ("champion", champion)] {
            if !valid_alias(name) {
                found.policy(
                    Field::Aliases,
                    &format!("aliases.{field}"),
                    format!(
                        "\"{name}\" is not a valid MLflow alias (letters, digits, '_' and '-', \
                         not empty, not 'latest' or v<number>)"
                    ),
                );
            }
        }
        for (i, name) in self.protected_aliases.iter().flatten().enumerate() {
            if !valid_alias(name) {
                found.policy(
                    Field::ProtectedAliases,
                    &format!("protected_aliases[{i}]"),
                    format!("\"{name}\" is not a valid MLflow alias"),
                );
            }
        }
        if production == champion {
            found.policy(
                Field::Aliases,
                "aliases",
                format!("production and champion are both \"{production}\"; they must differ"),
            );
        }
        for (alias, &count) in &self.approvals {
            let at = format!("approvals[\"{alias}\"]");
            if alias != production && alias != champion {
                found.policy(
                    Field::Approvals,
                    &at,
                    format!(
                        "sign-offs can be required to move the policy's production or champion \
                         alias (\"{production}\", \"{champion}\"), not \"{alias}\""
                    ),
                );
            }
            if !(1..=MAX_APPROVALS).contains(&count) {
                found.policy(
                    Field::Approvals,
                    &at,
                    format!("expected 1 to {MAX_APPROVALS} sign-offs, got {count}"),
                );
            }
        }
        found.0
    }
}

impl<'de> Deserialize<'de> for Policy {
    /// Accepts the policy document and the seed's flat form; see [`Policy::from_json`].
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Policy::from_value(&value).map_err(serde::de::Error::custom)
    }
}

fn validate_rule(id: RuleId, i: usize, rule: &Rule, found: &mut Found) {
    let metric = rule.metric.as_str();
    if metric.trim().is_empty() {
        found.rule(
            id,
            i,
            metric,
            Field::Metric,
            "the metric name is empty".to_owned(),
        );
    }
    if let Some(t) = rule.threshold {
        if !t.is_finite() {
            let message = format!("{} is not a finite number", number::display(t));
            found.rule(id, i, metric, Field::Threshold, message);
        }
    }
    if let Some(d) = rule.min_absolute_change {
        if !(d.is_finite() && d > 0.0) {
            let message = format!("must be a positive number, got {}", number::display(d));
            found.rule(id, i, metric, Field::MinAbsoluteChange, message);
        }
    }
    if let Some(r) = rule.min_relative_change {
        if !(0.0..=1.0).contains(&r) {
            let message = format!("must be between 0 and 1, got {}", number::display(r));
            found.rule(id, i, metric, Field::MinRelativeChange, message);
        }
    }
    if rule.threshold.is_none() && !rule.has_change_criteria() {
        let message =
            "nothing to check; give a threshold, min_absolute_change or min_relative_change";
        found.rule(id, i, metric, Field::Rule, message.to_owned());
    }
}

/// MLflow's alias rule (`^[\w\-]*$`, not `latest` or `v<digits>`), not empty, and ASCII only:
/// MLflow's `\w` also takes other Unicode letters, which lets a look-alike (`prоduction` with
/// a Cyrillic `о`) pass for a real alias; such a name is refused here with a clear message,
/// never sent to MLflow.
pub(crate) fn valid_alias(name: &str) -> bool {
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

fn read_flat(map: &Map<String, Value>, found: &mut Found) -> Policy {
    let mut thresholds = Vec::new();
    for (metric, value) in map {
        match value {
            Value::Number(n) => {
                thresholds.push((metric.clone(), number::of(n).unwrap_or(f64::NAN)))
            }
            other => found.policy(
                Field::Threshold,
                &format!("\"{metric}\""),
                format!("the threshold must be a number, got {}", kind(other)),
            ),
        }
    }
    Policy::from_thresholds(thresholds)
}

/// The policy in a document, and each of its rules' position in the document's `rules`.
fn read_document(map: &Map<String, Value>, found: &mut Found) -> (Policy, Vec<usize>) {
    unknown_fields(None, "policy", map, &DOCUMENT_KEYS, found);
    let version = match map.get("version") {
        None => POLICY_VERSION,
        Some(v) => match v.as_u64().and_then(|v| u32::try_from(v).ok()) {
            Some(v) => v,
            None => {
                let message = format!("expected a whole number, got {}", kind(v));
                found.policy(Field::Version, "version", message);
                POLICY_VERSION
            }
        },
    };
    let (rules, positions) = match map.get("rules") {
        None => (Vec::new(), Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| Some((read_rule(i, item, found)?, i)))
            .unzip(),
        Some(other) => {
            let message = format!("expected a list of rules, got {}", kind(other));
            found.policy(Field::Rules, "rules", message);
            (Vec::new(), Vec::new())
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
                    None => found.policy(
                        Field::MetricAliases,
                        &format!("metric_aliases[\"{metric}\"]"),
                        format!("expected a list of metric names, got {}", kind(aliases)),
                    ),
                }
            }
            MetricAliases(out)
        }
        Some(other) => {
            let message = format!(
                "expected an object of metric → [aliases], got {}",
                kind(other)
            );
            found.policy(Field::MetricAliases, "metric_aliases", message);
            MetricAliases::default()
        }
    };
    let missing_metric = match map.get("missing_metric") {
        None => MissingMetric::Skip,
        Some(Value::String(s)) if s == "skip" => MissingMetric::Skip,
        Some(Value::String(s)) if s == "fail" => MissingMetric::Fail,
        Some(other) => {
            let message = format!("expected \"skip\" or \"fail\", got {other}");
            found.policy(Field::MissingMetric, "missing_metric", message);
            MissingMetric::Skip
        }
    };
    let champion_metrics = match map.get("champion_metrics") {
        None => default_champion_metrics(),
        Some(v) => string_list(v).unwrap_or_else(|| {
            let message = format!("expected a list of metric names, got {}", kind(v));
            found.policy(Field::ChampionMetrics, "champion_metrics", message);
            default_champion_metrics()
        }),
    };
    let aliases = match map.get("aliases") {
        None => AliasNames::default(),
        Some(Value::Object(names)) => {
            unknown_fields(None, "aliases", names, &["production", "champion"], found);
            let mut aliases = AliasNames::default();
            for (field, slot) in [
                ("production", &mut aliases.production),
                ("champion", &mut aliases.champion),
            ] {
                match names.get(field) {
                    None => {}
                    Some(Value::String(s)) => *slot = s.clone(),
                    Some(other) => found.policy(
                        Field::Aliases,
                        &format!("aliases.{field}"),
                        format!("expected an alias name, got {}", kind(other)),
                    ),
                }
            }
            aliases
        }
        Some(other) => {
            let message = format!(
                "expected {{\"production\": ..., \"champion\": ...}}, got {}",
                kind(other)
            );
            found.policy(Field::Aliases, "aliases", message);
            AliasNames::default()
        }
    };
    let protected_aliases = match map.get("protected_aliases") {
        None | Some(Value::Null) => None,
        Some(v) => match string_list(v) {
            Some(list) => Some(list),
            None => {
                let message = format!("expected a list of alias names, got {}", kind(v));
                found.policy(Field::ProtectedAliases, "protected_aliases", message);
                None
            }
        },
    };
    let noise_aware_champion = match map.get("noise_aware_champion") {
        None => false,
        Some(Value::Bool(on)) => *on,
        Some(other) => {
            let message = format!("expected true or false, got {}", kind(other));
            found.policy(Field::NoiseAwareChampion, "noise_aware_champion", message);
            false
        }
    };
    let approvals = read_approvals(map.get("approvals"), found);
    let policy = Policy {
        version,
        rules,
        metric_aliases,
        missing_metric,
        champion_metrics,
        aliases,
        protected_aliases,
        noise_aware_champion,
        approvals,
    };
    (policy, positions)
}

/// The most sign-offs a policy may require for one alias.
pub const MAX_APPROVALS: u32 = 10;

/// `approvals`: alias → how many sign-offs. A count of 0 means none and is dropped, so a policy
/// has one JSON form whatever way "none" was written.
fn read_approvals(value: Option<&Value>, found: &mut Found) -> BTreeMap<String, u32> {
    let mut approvals = BTreeMap::new();
    let entries = match value {
        None | Some(Value::Null) => return approvals,
        Some(Value::Object(entries)) => entries,
        Some(other) => {
            let message = format!(
                "expected an object of alias → number of sign-offs, got {}",
                kind(other)
            );
            found.policy(Field::Approvals, "approvals", message);
            return approvals;
        }
    };
    for (alias, count) in entries {
        match count.as_u64() {
            Some(0) => {}
            Some(n) => {
                approvals.insert(alias.clone(), u32::try_from(n).unwrap_or(u32::MAX));
            }
            None => found.policy(
                Field::Approvals,
                &format!("approvals[\"{alias}\"]"),
                format!("expected a whole number of sign-offs, got {count}"),
            ),
        }
    }
    approvals
}

fn read_rule(i: usize, item: &Value, found: &mut Found) -> Option<Rule> {
    let Value::Object(map) = item else {
        let message = format!("expected a rule object, got {}", kind(item));
        found.rule(RuleId(i as u32), i, "", Field::Rule, message);
        return None;
    };
    let id = RuleId(i as u32);
    unknown_fields(Some(id), &format!("rules[{i}]"), map, &RULE_KEYS, found);
    let metric = match map.get("metric") {
        Some(Value::String(s)) => s.clone(),
        None => String::new(),
        Some(other) => {
            let message = format!("expected a metric name, got {}", kind(other));
            found.rule(id, i, "", Field::Metric, message);
            return None;
        }
    };
    let greater_is_better = match map.get("greater_is_better") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            let message = format!("expected true or false, got {}", kind(other));
            found.rule(id, i, "", Field::GreaterIsBetter, message);
            true
        }
    };
    let mut number_field = |field: Field| match map.get(field.key()) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => number::of(n),
        Some(other) => {
            let message = format!("expected a number, got {}", kind(other));
            found.rule(id, i, "", field, message);
            None
        }
    };
    let threshold = number_field(Field::Threshold);
    let min_absolute_change = number_field(Field::MinAbsoluteChange);
    let min_relative_change = number_field(Field::MinRelativeChange);
    Some(Rule {
        metric,
        greater_is_better,
        threshold,
        min_absolute_change,
        min_relative_change,
    })
}

/// Fields a document or rule has that this version does not know (`rule`: whose they are).
fn unknown_fields(
    rule: Option<RuleId>,
    at: &str,
    map: &Map<String, Value>,
    known: &[&str],
    found: &mut Found,
) {
    for key in map.keys().filter(|k| !known.contains(&k.as_str())) {
        let field = if rule.is_some() {
            Field::Rule
        } else {
            Field::Document
        };
        found.0.push(Problem {
            rule,
            field,
            message: format!(
                "unknown field \"{key}\" (expected one of: {})",
                known.join(", ")
            ),
            location: at.to_owned(),
        });
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

/// JSON text as a value, refusing an object with the same key twice.
pub(crate) fn parse_unique(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str::<NoDuplicateKeys>(text)?;
    serde_json::from_str(text)
}

/// Walks JSON only to find an object with the same key twice (serde_json keeps the last one
/// silently; another reader may keep the first), without building anything.
struct NoDuplicateKeys;

impl<'de> Deserialize<'de> for NoDuplicateKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NoDuplicateKeys)
    }
}

impl<'de> Visitor<'de> for NoDuplicateKeys {
    type Value = NoDuplicateKeys;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_unit<E>(self) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<NoDuplicateKeys>()?.is_some() {}
        Ok(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self, A::Error> {
        let mut keys = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !keys.insert(key.clone()) {
                return Err(de::Error::custom(format!(
                    "the key \"{key}\" appears twice in one object"
                )));
            }
            map.next_value::<NoDuplicateKeys>()?;
        }
        Ok(self)
    }
}
