//! The threshold editor's state as typed: every field's text, valid or not, and the policy it
//! describes — or every problem with it, each addressed to its rule (by [`RuleId`]) and field.
//!
//! Pure, so the text → policy path is tested natively; the UI only wires it to signals.

use super::number::{self, NumberError};
use super::parse::{Field, Problem, RuleId};
use super::rules::{MissingMetric, Policy, Rule};

/// A rule's numeric fields, as the editor types them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberField {
    /// The threshold the value must reach.
    Threshold,
    /// Required gain over the champion, in the metric's units.
    MinAbsoluteChange,
    /// Required gain over the champion, relative to it.
    MinRelativeChange,
}

impl NumberField {
    /// The policy field it edits.
    pub fn field(self) -> Field {
        match self {
            NumberField::Threshold => Field::Threshold,
            NumberField::MinAbsoluteChange => Field::MinAbsoluteChange,
            NumberField::MinRelativeChange => Field::MinRelativeChange,
        }
    }
}

/// One rule as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDraft {
    /// Stable for the life of the draft: every writer addresses the rule by it.
    pub id: RuleId,
    /// Metric name.
    pub metric: String,
    /// Direction.
    pub greater_is_better: bool,
    /// Threshold text; empty means none.
    pub threshold: String,
    /// `min_absolute_change` text; empty means none.
    pub min_absolute_change: String,
    /// `min_relative_change` text; empty means none.
    pub min_relative_change: String,
}

impl RuleDraft {
    /// The text of a numeric field.
    pub fn text(&self, field: NumberField) -> &str {
        match field {
            NumberField::Threshold => &self.threshold,
            NumberField::MinAbsoluteChange => &self.min_absolute_change,
            NumberField::MinRelativeChange => &self.min_relative_change,
        }
    }

    fn text_mut(&mut self, field: NumberField) -> &mut String {
        match field {
            NumberField::Threshold => &mut self.threshold,
            NumberField::MinAbsoluteChange => &mut self.min_absolute_change,
            NumberField::MinRelativeChange => &mut self.min_relative_change,
        }
    }
}

/// The whole editor state: rule rows, the missing-metric mode, the champion key metrics, and
/// what the editor does not edit (metric aliases, alias names), kept from the policy it started
/// from.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDraft {
    rules: Vec<RuleDraft>,
    base: Policy,
    next_id: u32,
}

/// A number as a text field shows it: exact, so an untouched draft gives back the same policy.
fn text(v: Option<f64>) -> String {
    v.map(number::shortest).unwrap_or_default()
}

impl PolicyDraft {
    /// The draft of a valid policy; rule ids are the rules' positions.
    pub fn from_policy(policy: &Policy) -> Self {
        let rules: Vec<RuleDraft> = policy
            .rules
            .iter()
            .zip(0..)
            .map(|(r, id)| RuleDraft {
                id: RuleId(id),
                metric: r.metric.clone(),
                greater_is_better: r.greater_is_better,
                threshold: text(r.threshold),
                min_absolute_change: text(r.min_absolute_change),
                min_relative_change: text(r.min_relative_change),
            })
            .collect();
        PolicyDraft {
            next_id: rules.len() as u32,
            rules,
            base: policy.clone(),
        }
    }

    /// Replaces the whole draft with `policy` (an import, a reset). The new rows get new ids,
    /// so nothing that addressed an old row can write to a new one.
    pub fn replace(&mut self, policy: &Policy) {
        let first = self.next_id;
        let mut fresh = PolicyDraft::from_policy(policy);
        for rule in &mut fresh.rules {
            rule.id = RuleId(rule.id.0 + first);
        }
        fresh.next_id += first;
        *self = fresh;
    }

    /// The rule rows, in order.
    pub fn rules(&self) -> &[RuleDraft] {
        &self.rules
    }

    /// The row `id`, if it is still in the draft.
    pub fn rule(&self, id: RuleId) -> Option<&RuleDraft> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The rows' ids, in order.
    pub fn rule_ids(&self) -> Vec<RuleId> {
        self.rules.iter().map(|r| r.id).collect()
    }

    /// Adds a rule row for `metric` with no criteria yet (invalid until one is typed).
    pub fn add_rule(&mut self, metric: &str) -> RuleId {
        let id = RuleId(self.next_id);
        self.next_id += 1;
        self.rules.push(RuleDraft {
            id,
            metric: metric.trim().to_owned(),
            greater_is_better: true,
            threshold: String::new(),
            min_absolute_change: String::new(),
            min_relative_change: String::new(),
        });
        id
    }

    /// Removes row `id`; false if there is no such row.
    pub fn remove_rule(&mut self, id: RuleId) -> bool {
        let before = self.rules.len();
        self.rules.retain(|r| r.id != id);
        self.rules.len() != before
    }

    /// Sets the text of a numeric field of row `id`; false if there is no such row.
    pub fn set_number(&mut self, id: RuleId, field: NumberField, text: &str) -> bool {
        self.edit(id, |r| *r.text_mut(field) = text.to_owned())
    }

    /// Sets the direction of row `id`; false if there is no such row.
    pub fn set_direction(&mut self, id: RuleId, greater_is_better: bool) -> bool {
        self.edit(id, |r| r.greater_is_better = greater_is_better)
    }

    fn edit(&mut self, id: RuleId, f: impl FnOnce(&mut RuleDraft)) -> bool {
        match self.rules.iter_mut().find(|r| r.id == id) {
            Some(rule) => {
                f(rule);
                true
            }
            None => false,
        }
    }

    /// What a missing metric does.
    pub fn missing_metric(&self) -> MissingMetric {
        self.base.missing_metric
    }

    /// Sets what a missing metric does.
    pub fn set_missing_metric(&mut self, mode: MissingMetric) {
        self.base.missing_metric = mode;
    }

    /// Whether the champion rule is the noise-aware one.
    pub fn noise_aware_champion(&self) -> bool {
        self.base.noise_aware_champion
    }

    /// Turns the noise-aware champion rule on or off.
    pub fn set_noise_aware_champion(&mut self, on: bool) {
        self.base.noise_aware_champion = on;
    }

    /// The policy's production and champion alias names, in that order.
    pub fn roles(&self) -> [String; 2] {
        [
            self.base.aliases.production.clone(),
            self.base.aliases.champion.clone(),
        ]
    }

    /// How many sign-offs moving `alias` needs.
    pub fn approvals_for(&self, alias: &str) -> u32 {
        self.base.approvals_for(alias)
    }

    /// Sets how many sign-offs moving `alias` needs (0: none).
    pub fn set_approvals(&mut self, alias: &str, count: u32) {
        if count == 0 {
            self.base.approvals.remove(alias);
        } else {
            self.base.approvals.insert(alias.to_owned(), count);
        }
    }

    /// The champion comparison's key metrics, in order.
    pub fn champion_metrics(&self) -> &[String] {
        &self.base.champion_metrics
    }

    /// Makes `metric` a key metric (appended) or not.
    pub fn set_key_metric(&mut self, metric: &str, on: bool) {
        let keys = &mut self.base.champion_metrics;
        keys.retain(|k| k != metric);
        if on {
            keys.push(metric.to_owned());
        }
    }

    /// Metrics offered as key metrics: the rules' metrics, then other key metrics, once each.
    pub fn key_metric_choices(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        let rules = self.rules.iter().map(|r| &r.metric);
        rules
            .chain(&self.base.champion_metrics)
            .filter(|m| !m.trim().is_empty() && seen.insert(m.as_str()))
            .cloned()
            .collect()
    }

    /// The policy this draft describes, or every problem with it (numbers that do not read,
    /// then everything `Policy::problems` finds), each addressed to its row.
    pub fn to_policy(&self) -> Result<Policy, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut read = |index: usize, rule: &RuleDraft, field: NumberField| {
            let raw = rule.text(field).trim();
            if raw.is_empty() {
                return None;
            }
            let message = match number::parse_decimal(raw) {
                Ok(v) => return Some(v),
                Err(NumberError::NotANumber) => format!("\"{raw}\" is not a number"),
                Err(NumberError::NotFinite) => format!("\"{raw}\" is not a finite number"),
            };
            problems.push(Problem {
                rule: Some(rule.id),
                field: field.field(),
                message,
                location: format!("rules[{index}] ({}).{}", rule.metric, field.field().key()),
            });
            None
        };
        let rules: Vec<Rule> = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| Rule {
                metric: r.metric.trim().to_owned(),
                greater_is_better: r.greater_is_better,
                threshold: read(i, r, NumberField::Threshold),
                min_absolute_change: read(i, r, NumberField::MinAbsoluteChange),
                min_relative_change: read(i, r, NumberField::MinRelativeChange),
            })
            .collect();
        let policy = Policy {
            rules,
            ..self.base.clone()
        };
        // A number that did not read leaves its field empty: "nothing to check" would then
        // repeat, in other words, what the number's own problem says.
        let unread: Vec<RuleId> = problems.iter().filter_map(|p| p.rule).collect();
        for p in policy.problems(|i| self.rules[i].id) {
            if !(p.field == Field::Rule && p.rule.is_some_and(|r| unread.contains(&r))) {
                problems.push(p);
            }
        }
        if problems.is_empty() {
            Ok(policy)
        } else {
            Err(problems)
        }
    }
}
