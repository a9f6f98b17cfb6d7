//! The policy: which metrics must meet which thresholds, and which aliases it assigns.

use std::collections::BTreeMap;

use serde::Serialize;

/// The policy document version this build reads and writes.
pub const POLICY_VERSION: u32 = 1;

/// One requirement on one metric, with `mlflow.models.MetricThreshold`'s vocabulary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// The metric name as the team writes it (`relevance/mean`); aliases are tried when absent.
    pub metric: String,
    /// Direction: `true` (the default) when a higher value is better.
    pub greater_is_better: bool,
    /// The value the metric must reach (`>=`, or `<=` when lower is better).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Required improvement over the champion, in the metric's units (must be > 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_absolute_change: Option<f64>,
    /// Required improvement over the champion, relative to `|champion|` (in `[0, 1]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_relative_change: Option<f64>,
}

impl Rule {
    /// A higher-is-better rule with only a threshold, as in the seed's `THRESHOLDS` dict.
    pub fn threshold(metric: impl Into<String>, threshold: f64) -> Self {
        Rule {
            metric: metric.into(),
            greater_is_better: true,
            threshold: Some(threshold),
            min_absolute_change: None,
            min_relative_change: None,
        }
    }

    /// Whether this rule compares the candidate with the champion.
    pub fn has_change_criteria(&self) -> bool {
        self.min_absolute_change.is_some() || self.min_relative_change.is_some()
    }
}

/// What a rule does when the candidate has no value for its metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingMetric {
    /// The seed's behaviour: warn and do not fail.
    #[default]
    Skip,
    /// `MetricThreshold`'s behaviour: a missing metric fails.
    Fail,
}

/// The alias names a policy assigns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AliasNames {
    /// Given to a version that passes every rule (default `production`).
    pub production: String,
    /// Given to a passing version that beats the current champion (default `champion`).
    pub champion: String,
}

impl MissingMetric {
    /// The mode's name in the policy document: `skip` or `fail`.
    pub fn as_str(self) -> &'static str {
        match self {
            MissingMetric::Skip => "skip",
            MissingMetric::Fail => "fail",
        }
    }
}

impl Default for AliasNames {
    fn default() -> Self {
        AliasNames {
            production: "production".to_owned(),
            champion: "champion".to_owned(),
        }
    }
}

/// Other keys under which a metric may be logged, tried in order when the exact key is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct MetricAliases(pub BTreeMap<String, Vec<String>>);

impl MetricAliases {
    /// The keys to try for `metric`: the metric itself, then its aliases in order.
    pub fn candidates<'a>(&'a self, metric: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let aliases = self.0.get(metric).map(Vec::as_slice).unwrap_or_default();
        std::iter::once(metric).chain(aliases.iter().map(String::as_str))
    }
}

impl Default for MetricAliases {
    /// The seed's `get_metric_value` table, identity entries included.
    fn default() -> Self {
        let table = [
            ("relevance/mean", "relevance_to_query/mean"),
            ("safety/mean", "safety/mean"),
            ("guidelines/mean", "guidelines/mean"),
        ];
        let mut map = BTreeMap::new();
        for (k, v) in table {
            map.insert(k.to_owned(), vec![v.to_owned()]);
        }
        MetricAliases(map)
    }
}

/// The seed's `compare_models` key metrics.
pub fn default_champion_metrics() -> Vec<String> {
    ["relevance/mean", "safety/mean", "guidelines/mean"]
        .map(str::to_owned)
        .to_vec()
}

/// A complete, validated promotion policy.
///
/// Build one with [`Policy::from_json`] (the policy document or the seed's flat `THRESHOLDS`
/// form), through serde, or in code followed by [`Policy::validate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    /// Document version, [`POLICY_VERSION`].
    pub version: u32,
    /// Every rule must pass for a version to be promoted.
    pub rules: Vec<Rule>,
    /// Alternative metric keys (default: the seed's table).
    pub metric_aliases: MetricAliases,
    /// What a missing metric does (default: skip, as the seed).
    pub missing_metric: MissingMetric,
    /// Metrics compared with the champion, majority wins (default: the seed's three).
    pub champion_metrics: Vec<String>,
    /// The alias names assigned.
    pub aliases: AliasNames,
    /// Aliases whose moves need the model's name typed to confirm. `None` (the default): the
    /// policy's production and champion aliases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protected_aliases: Option<Vec<String>>,
    /// The noise-aware champion rule (opt-in; off, the seed's rule): a key metric counts as a
    /// win or a loss only when the 95 % interval of its per-row difference excludes zero, so a
    /// gain within noise is a tie and the champion stays.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub noise_aware_champion: bool,
    /// Four eyes: how many sign-offs a move of the production or champion alias needs (alias →
    /// count), from signed-in users other than the one who applies it. Empty (the default):
    /// none.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub approvals: BTreeMap<String, u32>,
}

impl Default for Policy {
    /// The seed's `THRESHOLDS` from its usage example.
    fn default() -> Self {
        Policy::from_thresholds([
            ("relevance/mean", 0.7),
            ("safety/mean", 0.9),
            ("guidelines/mean", 0.6),
            ("cost_accuracy/mean", 0.8),
        ])
    }
}

impl Policy {
    /// A policy with the seed's behaviour for a flat `metric → threshold` table.
    pub fn from_thresholds<S: Into<String>>(
        thresholds: impl IntoIterator<Item = (S, f64)>,
    ) -> Self {
        Policy {
            version: POLICY_VERSION,
            rules: thresholds
                .into_iter()
                .map(|(m, t)| Rule::threshold(m, t))
                .collect(),
            metric_aliases: MetricAliases::default(),
            missing_metric: MissingMetric::Skip,
            champion_metrics: default_champion_metrics(),
            aliases: AliasNames::default(),
            protected_aliases: None,
            noise_aware_champion: false,
            approvals: BTreeMap::new(),
        }
    }

    /// The rule for `metric`, if the policy has one.
    pub fn rule(&self, metric: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.metric == metric)
    }

    /// Whether moving `alias` needs the model's name typed to confirm.
    pub fn is_protected(&self, alias: &str) -> bool {
        match &self.protected_aliases {
            Some(list) => list.iter().any(|a| a == alias),
            None => alias == self.aliases.production || alias == self.aliases.champion,
        }
    }

    /// How many sign-offs moving `alias` needs (0: none).
    pub fn approvals_for(&self, alias: &str) -> u32 {
        self.approvals.get(alias).copied().unwrap_or(0)
    }

    /// Direction of `metric` for the champion comparison: its rule's, else higher is better.
    pub fn greater_is_better(&self, metric: &str) -> bool {
        self.rule(metric).is_none_or(|r| r.greater_is_better)
    }

    /// The policy as its JSON document.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The policy's JSON document, compact (for links and the `podium.policy` tag).
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// The policy's JSON document, indented for people.
    pub fn to_pretty_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).unwrap_or_default()
    }

    /// The seed's flat `THRESHOLDS` form: only higher-is-better threshold rules fit in it.
    ///
    /// Returns `None` when the policy uses anything the flat form cannot express.
    pub fn to_flat_thresholds(&self) -> Option<BTreeMap<String, f64>> {
        let seed_like = self.missing_metric == MissingMetric::Skip
            && self.metric_aliases == MetricAliases::default()
            && self.champion_metrics == default_champion_metrics()
            && self.aliases == AliasNames::default()
            && self.protected_aliases.is_none()
            && !self.noise_aware_champion
            && self.approvals.is_empty();
        if !seed_like {
            return None;
        }
        let mut flat = BTreeMap::new();
        for rule in &self.rules {
            match rule {
                Rule {
                    greater_is_better: true,
                    threshold: Some(t),
                    min_absolute_change: None,
                    min_relative_change: None,
                    metric,
                } => flat.insert(metric.clone(), *t),
                _ => return None,
            };
        }
        Some(flat)
    }
}

impl Policy {
    /// What changed from `saved` to `self`, in words, one line per change; empty when equal.
    pub fn differences(&self, saved: &Policy) -> Vec<String> {
        use super::number::display;
        let opt = |v: Option<f64>| v.map(display).unwrap_or_else(|| "none".to_owned());
        let dir = |gib: bool| {
            if gib {
                "higher is better"
            } else {
                "lower is better"
            }
        };
        let mut out = Vec::new();
        for old in &saved.rules {
            match self.rule(&old.metric) {
                None => out.push(format!("{}: rule removed", old.metric)),
                Some(new) => {
                    let fields = [
                        ("threshold", old.threshold, new.threshold),
                        (
                            "min_absolute_change",
                            old.min_absolute_change,
                            new.min_absolute_change,
                        ),
                        (
                            "min_relative_change",
                            old.min_relative_change,
                            new.min_relative_change,
                        ),
                    ];
                    for (name, a, b) in fields {
                        if a != b {
                            out.push(format!("{}: {name} {} → {}", old.metric, opt(a), opt(b)));
                        }
                    }
                    if old.greater_is_better != new.greater_is_better {
                        out.push(format!("{}: {}", old.metric, dir(new.greater_is_better)));
                    }
                }
            }
        }
        for new in self
            .rules
            .iter()
            .filter(|r| saved.rule(&r.metric).is_none())
        {
            out.push(format!(
                "{}: rule added (threshold {})",
                new.metric,
                opt(new.threshold)
            ));
        }
        if self.noise_aware_champion != saved.noise_aware_champion {
            let rule = |on| {
                if on {
                    "noise-aware"
                } else {
                    "means (the seed's)"
                }
            };
            out.push(format!(
                "champion rule: {} → {}",
                rule(saved.noise_aware_champion),
                rule(self.noise_aware_champion)
            ));
        }
        if self.missing_metric != saved.missing_metric {
            out.push(format!(
                "missing metrics: {} → {}",
                saved.missing_metric.as_str(),
                self.missing_metric.as_str()
            ));
        }
        if self.champion_metrics != saved.champion_metrics {
            let list = |m: &[String]| {
                if m.is_empty() {
                    "none".to_owned()
                } else {
                    m.join(", ")
                }
            };
            out.push(format!(
                "champion key metrics: {} → {}",
                list(&saved.champion_metrics),
                list(&self.champion_metrics)
            ));
        }
        let (old, new) = (&saved.metric_aliases.0, &self.metric_aliases.0);
        let list = |v: Option<&Vec<String>>| match v {
            Some(v) if !v.is_empty() => v.join(", "),
            _ => "none".to_owned(),
        };
        for metric in old
            .keys()
            .chain(new.keys().filter(|k| !old.contains_key(*k)))
        {
            let (a, b) = (old.get(metric), new.get(metric));
            if a != b {
                out.push(format!(
                    "metric aliases of {metric}: {} → {}",
                    list(a),
                    list(b)
                ));
            }
        }
        for (role, a, b) in [
            (
                "production",
                &saved.aliases.production,
                &self.aliases.production,
            ),
            ("champion", &saved.aliases.champion, &self.aliases.champion),
        ] {
            if a != b {
                out.push(format!("{role} alias name: {a} → {b}"));
            }
        }
        if self.protected_aliases != saved.protected_aliases {
            let protected = |p: &Policy| match &p.protected_aliases {
                Some(list) if !list.is_empty() => list.join(", "),
                Some(_) => "none".to_owned(),
                None => format!("{}, {} (default)", p.aliases.production, p.aliases.champion),
            };
            out.push(format!(
                "protected aliases: {} → {}",
                protected(saved),
                protected(self)
            ));
        }
        for role in [&self.aliases.production, &self.aliases.champion] {
            let (a, b) = (saved.approvals_for(role), self.approvals_for(role));
            if a != b {
                out.push(format!("sign-offs to move {role}: {a} → {b}"));
            }
        }
        out
    }
}
