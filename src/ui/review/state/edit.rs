//! The policy being edited: the editor's draft, the policy the preview uses, the saved one,
//! and the link that reproduces them.

use leptos::prelude::*;

use crate::mlflow::{ReviewData, POLICY_TAG};
use crate::policy::{MissingMetric, NumberField, Policy, PolicyDraft, Problem, RuleId};
use crate::ui::route::Route;

/// The policy the preview uses — the draft's when it is valid, else the last valid one — and
/// the draft row each of its rules came from.
#[derive(Debug, Clone, PartialEq)]
pub struct InEffect {
    /// The policy.
    pub policy: Policy,
    /// `rules[i]` came from draft row `rule_ids[i]`.
    pub rule_ids: Vec<RuleId>,
}

impl InEffect {
    /// The position of row `id`'s rule in the policy.
    pub fn index_of(&self, id: RuleId) -> Option<usize> {
        self.rule_ids.iter().position(|r| *r == id)
    }
}

/// Where the screen's first policy came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The model's saved `podium.policy` tag.
    Saved,
    /// The default policy (podium.json's, else the seed's): the model has no saved policy (or
    /// an invalid one).
    Defaults,
    /// A shared link's `?policy=`.
    Link,
}

/// The policy being edited. `Copy`; changed only through its named methods.
#[derive(Clone, Copy)]
pub struct PolicyEdit {
    origin: Origin,
    notices: StoredValue<Vec<String>>,
    draft: RwSignal<PolicyDraft>,
    saved: RwSignal<Policy>,
    saved_tag: RwSignal<Option<String>>,
    checked: Memo<Result<Policy, Vec<Problem>>>,
    in_effect: Memo<InEffect>,
    rules: Memo<Vec<(RuleId, String)>>,
    link: Memo<String>,
}

impl PolicyEdit {
    /// The edit of `review`'s policy: the saved one (its `podium.policy` tag, else `default`),
    /// starting from the shared link's policy (`shared`) if it is valid.
    pub fn new(review: &ReviewData, shared: Option<&str>, default: Policy) -> PolicyEdit {
        let tag = review.model.tag(POLICY_TAG);
        let (saved, mut origin, mut notices) = match tag.map(Policy::from_json) {
            None => (default, Origin::Defaults, Vec::new()),
            Some(Ok(policy)) => (policy, Origin::Saved, Vec::new()),
            Some(Err(e)) => (
                default,
                Origin::Defaults,
                vec![format!(
                    "The saved policy tag is invalid and was not used: {e}"
                )],
            ),
        };
        let mut start = saved.clone();
        match shared.map(Policy::from_json) {
            Some(Ok(p)) => {
                start = p;
                origin = Origin::Link;
            }
            Some(Err(e)) => notices.push(format!(
                "The policy in the link is invalid and was ignored: {e}"
            )),
            None => {}
        }
        let draft = RwSignal::new(PolicyDraft::from_policy(&start));
        let saved = RwSignal::new(saved);
        let checked = Memo::new(move |_| draft.with(PolicyDraft::to_policy));
        // The preview keeps the last valid policy while an edit is invalid. The ids are read
        // from the draft itself: a reset to an equal policy gives the rows new ids.
        let in_effect = Memo::new(move |last: Option<&InEffect>| match checked.get() {
            Ok(policy) => InEffect {
                policy,
                rule_ids: draft.with(PolicyDraft::rule_ids),
            },
            Err(_) => last.cloned().unwrap_or_else(|| InEffect {
                rule_ids: (0..start.rules.len() as u32).map(RuleId).collect(),
                policy: start.clone(),
            }),
        });
        // The rules' ids and metrics: unchanged by a threshold edit, so what is built from it
        // (table columns, charts, slider ranges) is not rebuilt while typing.
        let rules = Memo::new(move |_| {
            in_effect.with(|e| {
                e.rule_ids
                    .iter()
                    .zip(&e.policy.rules)
                    .map(|(id, r)| (*id, r.metric.clone()))
                    .collect()
            })
        });
        // A link reproduces the preview: the model, and the policy when it is not the saved one.
        let name = review.model.name.clone();
        let link = Memo::new(move |_| {
            let policy =
                in_effect.with(|e| saved.with(|s| (e.policy != *s).then(|| e.policy.to_json())));
            Route::Model {
                name: name.clone(),
                policy,
            }
            .href()
        });
        PolicyEdit {
            origin,
            notices: StoredValue::new(notices),
            draft,
            saved,
            saved_tag: RwSignal::new(tag.map(str::to_owned)),
            checked,
            in_effect,
            rules,
            link,
        }
    }

    // Reads.

    /// Where the screen's first policy came from.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// Warnings about where the policy came from (an invalid saved tag or link).
    pub fn notices(&self) -> Vec<String> {
        self.notices.get_value()
    }

    /// The editor's text, valid or not.
    pub fn draft(&self) -> ReadSignal<PolicyDraft> {
        self.draft.read_only()
    }

    /// The draft as a policy, or every problem with it.
    pub fn checked(&self) -> Memo<Result<Policy, Vec<Problem>>> {
        self.checked
    }

    /// Whether the draft has problems (the preview then keeps the last valid policy).
    pub fn is_invalid(&self) -> bool {
        self.checked.with(Result::is_err)
    }

    /// The policy the preview uses, with the draft row of each rule.
    pub fn in_effect(&self) -> Memo<InEffect> {
        self.in_effect
    }

    /// The policy saved on the model (or the default one).
    pub fn saved(&self) -> ReadSignal<Policy> {
        self.saved.read_only()
    }

    /// The model's `podium.policy` tag as last read or written.
    pub fn saved_tag(&self) -> ReadSignal<Option<String>> {
        self.saved_tag.read_only()
    }

    /// What the policy in effect changes from the saved one, one line per change.
    pub fn differences(&self) -> Vec<String> {
        self.in_effect
            .with(|e| self.saved.with(|s| e.policy.differences(s)))
    }

    /// The policy in effect as JSON when it is not the saved one (an unsaved what-if).
    pub fn what_if(&self) -> Option<String> {
        self.in_effect.with_untracked(|e| {
            self.saved
                .with_untracked(|s| (e.policy != *s).then(|| e.policy.to_json()))
        })
    }

    /// The rules of the policy in effect: draft row id and metric, in order.
    pub fn rules(&self) -> Memo<Vec<(RuleId, String)>> {
        self.rules
    }

    /// This preview's path and query.
    pub fn link(&self) -> Memo<String> {
        self.link
    }

    // Writes.

    /// Sets the text of a numeric field of rule `id`.
    pub fn set_number(&self, id: RuleId, field: NumberField, text: String) {
        self.draft.update(|d| {
            d.set_number(id, field, &text);
        });
    }

    /// Sets rule `id`'s threshold as typed.
    pub fn set_threshold(&self, id: RuleId, text: String) {
        self.set_number(id, NumberField::Threshold, text);
    }

    /// Sets rule `id`'s threshold from a slider or chart (rounded to 4 decimals).
    pub fn set_threshold_value(&self, id: RuleId, value: f64) {
        self.set_threshold(id, crate::policy::number::display(value));
    }

    /// Sets rule `id`'s direction.
    pub fn set_direction(&self, id: RuleId, greater_is_better: bool) {
        self.draft.update(|d| {
            d.set_direction(id, greater_is_better);
        });
    }

    /// Adds a rule for `metric` (invalid until it has a criterion).
    pub fn add_rule(&self, metric: &str) {
        self.draft.update(|d| {
            d.add_rule(metric);
        });
    }

    /// Removes rule `id`.
    pub fn remove_rule(&self, id: RuleId) {
        self.draft.update(|d| {
            d.remove_rule(id);
        });
    }

    /// Makes `metric` a champion key metric, or not.
    pub fn set_key_metric(&self, metric: &str, on: bool) {
        self.draft.update(|d| d.set_key_metric(metric, on));
    }

    /// Turns the noise-aware champion rule on or off.
    pub fn set_noise_aware_champion(&self, on: bool) {
        self.draft.update(|d| d.set_noise_aware_champion(on));
    }

    /// Sets how many sign-offs moving `alias` needs (0: none).
    pub fn set_approvals(&self, alias: &str, count: u32) {
        self.draft.update(|d| d.set_approvals(alias, count));
    }

    /// Sets what a missing metric does.
    pub fn set_missing_metric(&self, mode: MissingMetric) {
        self.draft.update(|d| d.set_missing_metric(mode));
    }

    /// Replaces the what-if with an imported policy.
    pub fn import(&self, policy: &Policy) {
        self.draft.update(|d| d.replace(policy));
    }

    /// Goes back to the saved policy.
    pub fn reset(&self) {
        let saved = self.saved.get_untracked();
        self.draft.update(|d| d.replace(&saved));
    }

    /// Records that `policy` is now the model's saved policy, written as `tag`.
    pub fn mark_saved(&self, policy: Policy, tag: String) {
        self.saved.set(policy);
        self.saved_tag.set(Some(tag));
    }
}
