//! A version's evaluation metrics and the seed's metric lookup.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::number;
use super::rules::MetricAliases;

/// Evaluation metrics of one model version: metric key → value.
///
/// Deserialises from a JSON object of numbers; NaN and the infinities may be written as
/// protobuf JSON does (`"NaN"`, `"Infinity"`, `"-Infinity"`), and are kept as such.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricSet(BTreeMap<String, f64>);

impl MetricSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value`, replacing an earlier value.
    pub fn insert(&mut self, key: impl Into<String>, value: f64) {
        self.0.insert(key.into(), value);
    }

    /// The value logged under exactly `key`.
    pub fn get(&self, key: &str) -> Option<f64> {
        self.0.get(key).copied()
    }

    /// The seed's `get_metric_value`: the exact key first; only if it is absent, the aliases
    /// of `metric` in order. Returns the key actually used and its value.
    pub fn lookup<'a>(
        &'a self,
        metric: &'a str,
        aliases: &'a MetricAliases,
    ) -> Option<(&'a str, f64)> {
        aliases
            .candidates(metric)
            .find_map(|key| self.get(key).map(|v| (key, v)))
    }

    /// Every key and value, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.0.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// Number of metrics.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no metrics at all (no evaluation found).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl MetricSet {
    /// What differs from `before` to `self`, one line per metric (`safety/mean 0.91 → 0.88`,
    /// `x added (0.5)`, `x removed`); NaN equals NaN here. Empty when the same.
    pub fn changes_from(&self, before: &MetricSet) -> Vec<String> {
        let show = number::display;
        let mut out = Vec::new();
        for (key, old) in before.iter() {
            match self.get(key) {
                None => out.push(format!("{key} removed")),
                Some(new) if new.to_bits() != old.to_bits() => {
                    out.push(format!("{key} {} → {}", show(old), show(new)))
                }
                Some(_) => {}
            }
        }
        for (key, new) in self.iter().filter(|(k, _)| before.get(k).is_none()) {
            out.push(format!("{key} added ({})", show(new)));
        }
        out
    }
}

impl<K: Into<String>> FromIterator<(K, f64)> for MetricSet {
    fn from_iter<I: IntoIterator<Item = (K, f64)>>(iter: I) -> Self {
        // Later keys win, as with a map's `collect`.
        let mut set = MetricSet::new();
        for (k, v) in iter {
            set.insert(k, v);
        }
        set
    }
}

impl Serialize for MetricSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, number::to_json(*v))))
    }
}

impl<'de> Deserialize<'de> for MetricSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = BTreeMap::<String, serde_json::Value>::deserialize(d)?;
        raw.into_iter()
            .map(|(k, v)| match number::from_json(&v) {
                Some(x) => Ok((k, x)),
                None => Err(serde::de::Error::custom(format!(
                    "metric \"{k}\": expected a number, got {v}"
                ))),
            })
            .collect()
    }
}
