//! The threshold editor: rules as the user types them, valid or not.
//!
//! A [`PolicyDraft`] keeps the text of every field, so an invalid edit can be shown at its field
//! while the preview keeps the last valid policy. Validation itself is `Policy::validate`.

use leptos::prelude::*;

use crate::policy::{number, MissingMetric, Policy, PolicyError, Rule};

/// One rule as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDraft {
    /// Stable id for the row (labels and keys).
    pub id: u32,
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

/// The whole editor state.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDraft {
    /// Rule rows in order.
    pub rules: Vec<RuleDraft>,
    /// Missing-metric mode.
    pub missing_metric: MissingMetric,
    /// Everything the editor does not edit (aliases, key metrics, alias table).
    pub base: Policy,
    next_id: u32,
}

/// Problems found in a draft: per rule row (by id) and for the whole policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftProblems {
    /// Rule id → messages.
    pub rules: Vec<(u32, String)>,
    /// Messages that belong to no single rule.
    pub policy: Vec<String>,
}

impl DraftProblems {
    /// The messages for rule row `id`.
    pub fn for_rule(&self, id: u32) -> Vec<String> {
        self.rules
            .iter()
            .filter(|(r, _)| *r == id)
            .map(|(_, m)| m.clone())
            .collect()
    }
}

/// A number as the text field shows it: exact, so an untouched draft gives back the same policy.
fn text(v: Option<f64>) -> String {
    v.map(number::shortest).unwrap_or_default()
}

impl PolicyDraft {
    /// The draft of a valid policy.
    pub fn from_policy(policy: &Policy) -> Self {
        let rules: Vec<RuleDraft> = policy
            .rules
            .iter()
            .zip(0..)
            .map(|(r, id)| RuleDraft {
                id,
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
            missing_metric: policy.missing_metric,
            base: policy.clone(),
        }
    }

    /// Adds an empty rule row for `metric`; returns its id.
    pub fn add_rule(&mut self, metric: String) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        self.rules.push(RuleDraft {
            id,
            metric,
            greater_is_better: true,
            threshold: String::new(),
            min_absolute_change: String::new(),
            min_relative_change: String::new(),
        });
        id
    }

    /// The policy this draft describes, or every problem with it.
    pub fn to_policy(&self) -> Result<Policy, DraftProblems> {
        let mut problems = DraftProblems::default();
        let mut number = |id: u32, label: &str, raw: &str| -> Option<f64> {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            match parse_number(raw) {
                Ok(v) if v.is_finite() => Some(v),
                Ok(_) => {
                    problems
                        .rules
                        .push((id, format!("{label}: \"{raw}\" is not a finite number")));
                    None
                }
                Err(_) => {
                    problems
                        .rules
                        .push((id, format!("{label}: \"{raw}\" is not a number")));
                    None
                }
            }
        };
        let rules: Vec<Rule> = self
            .rules
            .iter()
            .map(|r| Rule {
                metric: r.metric.trim().to_owned(),
                greater_is_better: r.greater_is_better,
                threshold: number(r.id, "Threshold", &r.threshold),
                min_absolute_change: number(r.id, "Min. absolute change", &r.min_absolute_change),
                min_relative_change: number(r.id, "Min. relative change", &r.min_relative_change),
            })
            .collect();
        let policy = Policy {
            rules,
            missing_metric: self.missing_metric,
            ..self.base.clone()
        };
        if let Err(PolicyError::Invalid(found)) = policy.validate() {
            for message in found {
                match rule_index(&message).and_then(|i| self.rules.get(i)) {
                    Some(rule) => problems.rules.push((rule.id, strip_location(&message))),
                    None => problems.policy.push(message),
                }
            }
        }
        if problems == DraftProblems::default() {
            Ok(policy)
        } else {
            Err(problems)
        }
    }
}

/// `rules[3] (x).threshold: ...` → 3.
fn rule_index(message: &str) -> Option<usize> {
    message
        .strip_prefix("rules[")?
        .split(']')
        .next()?
        .parse()
        .ok()
}

/// Drops the `rules[3] (x)` prefix: the message is shown at that rule already.
fn strip_location(message: &str) -> String {
    let rest = message.split_once(']').map_or(message, |(_, r)| r);
    let rest = match rest.strip_prefix(" (") {
        Some(r) => r.split_once(')').map_or(r, |(_, r)| r),
        None => rest,
    };
    rest.trim_start_matches(['.', ':', ' ']).to_owned()
}

/// The editor: one row per rule, the missing-metric mode, add and remove.
#[component]
pub fn PolicyEditor(
    /// The draft being edited.
    draft: RwSignal<PolicyDraft>,
    /// Problems of the current draft (empty when valid).
    #[prop(into)]
    problems: Signal<DraftProblems>,
    /// Metric keys seen on this model's versions, offered when adding a rule.
    #[prop(into)]
    metric_keys: Vec<String>,
    /// Observed (min, max) of each rule's metric, for the sliders.
    #[prop(into)]
    ranges: Signal<Vec<(String, (f64, f64))>>,
) -> impl IntoView {
    let key_metric_choices = move || {
        draft.with(|d| {
            let mut names: Vec<String> = d.rules.iter().map(|r| r.metric.clone()).collect();
            for m in &d.base.champion_metrics {
                if !names.contains(m) {
                    names.push(m.clone());
                }
            }
            names
        })
    };
    let rule_ids =
        Memo::new(move |_| draft.with(|d| d.rules.iter().map(|r| r.id).collect::<Vec<_>>()));
    let (new_metric, set_new_metric) = signal(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let metric = new_metric.get().trim().to_owned();
        if !metric.is_empty() {
            draft.update(|d| {
                d.add_rule(metric);
            });
            set_new_metric.set(String::new());
        }
    };
    view! {
        <section class="editor" aria-labelledby="editor-heading">
            <h2 id="editor-heading">"Thresholds"</h2>
            // Rows are rebuilt only when rules are added or removed, so typing keeps its focus.
            {move || {
                rule_ids
                    .get()
                    .into_iter()
                    .map(|id| view! { <RuleRow id draft problems ranges /> })
                    .collect_view()
            }}
            <fieldset class="key-metrics">
                <legend>"Champion key metrics (majority of wins)"</legend>
                {move || {
                    key_metric_choices()
                        .into_iter()
                        .enumerate()
                        .map(|(i, metric)| {
                            let id = format!("key-metric-{i}");
                            let label_for = id.clone();
                            let m = metric.clone();
                            let checked = move || draft.with(|d| d.base.champion_metrics.contains(&m));
                            let m = metric.clone();
                            let toggle = move |ev| {
                                let on = event_target_checked(&ev);
                                draft.update(|d| {
                                    let keys = &mut d.base.champion_metrics;
                                    keys.retain(|k| k != &m);
                                    if on {
                                        keys.push(m.clone());
                                    }
                                });
                            };
                            view! {
                                <label for=label_for class="checkbox">
                                    <input type="checkbox" id=id prop:checked=checked on:change=toggle />
                                    {metric}
                                </label>
                            }
                        })
                        .collect_view()
                }}
            </fieldset>
            <label for="missing-metric">"When a version lacks a metric"</label>
            <select
                id="missing-metric"
                on:change=move |ev| {
                    let fail = event_target_value(&ev) == "fail";
                    draft.update(|d| d.missing_metric = if fail { MissingMetric::Fail } else { MissingMetric::Skip });
                }
            >
                <option value="skip" selected=move || draft.with(|d| d.missing_metric == MissingMetric::Skip)>
                    "skip the rule and warn (the seed)"
                </option>
                <option value="fail" selected=move || draft.with(|d| d.missing_metric == MissingMetric::Fail)>
                    "fail the version (MLflow MetricThreshold)"
                </option>
            </select>
            <ul class="field-error" role="alert">
                {move || problems.get().policy.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
            </ul>
            <form class="add-rule" on:submit=add>
                <label for="new-metric">"Add a rule for metric"</label>
                <input
                    id="new-metric"
                    list="metric-keys"
                    prop:value=move || new_metric.get()
                    on:input=move |ev| set_new_metric.set(event_target_value(&ev))
                />
                <datalist id="metric-keys">
                    {metric_keys.into_iter().map(|k| view! { <option value=k /> }).collect_view()}
                </datalist>
                <button type="submit">"Add rule"</button>
            </form>
        </section>
    }
}

/// One rule's fields.
#[component]
fn RuleRow(
    id: u32,
    draft: RwSignal<PolicyDraft>,
    problems: Signal<DraftProblems>,
    ranges: Signal<Vec<(String, (f64, f64))>>,
) -> impl IntoView {
    let get = move |f: fn(&RuleDraft) -> String| {
        move || {
            draft.with(|d| {
                d.rules
                    .iter()
                    .find(|r| r.id == id)
                    .map(f)
                    .unwrap_or_default()
            })
        }
    };
    let set = move |f: fn(&mut RuleDraft, String)| {
        move |ev| {
            let value = event_target_value(&ev);
            draft.update(|d| {
                if let Some(r) = d.rules.iter_mut().find(|r| r.id == id) {
                    f(r, value);
                }
            });
        }
    };
    let errors = move || problems.get().for_rule(id);
    let invalid = move || if errors().is_empty() { "false" } else { "true" };
    let field_id = move |name: &str| format!("rule-{id}-{name}");
    let error_id = field_id("error");
    let metric = get(|r| r.metric.clone());
    let range = move || {
        let metric = get(|r| r.metric.clone())();
        ranges.with(|all| all.iter().find(|(m, _)| *m == metric).map(|(_, r)| *r))
    };
    let slider = move || {
        range().map(|(lo, hi)| {
            let (lo, hi) = if hi > lo {
                (lo, hi)
            } else {
                (lo - 1.0, hi + 1.0)
            };
            let pad = (hi - lo) * 0.1;
            let (min, max) = (lo - pad, hi + pad);
            let step = (max - min) / 200.0;
            let label = format!(
                "Threshold slider, observed {} to {}",
                number::display(lo),
                number::display(hi)
            );
            view! {
                <input
                    type="range"
                    class="slider"
                    aria-label=label
                    min=min
                    max=max
                    step=step
                    prop:value=get(|r| r.threshold.clone())
                    on:input=set(|r, v| r.threshold = round_like_step(&v))
                />
            }
        })
    };
    view! {
        <fieldset class="rule">
            <legend>{metric}</legend>
            <div class="rule-fields">
                <label for=field_id("threshold")>"Threshold"</label>
                <input
                    id=field_id("threshold")
                    inputmode="decimal"
                    aria-invalid=invalid
                    aria-describedby=error_id.clone()
                    prop:value=get(|r| r.threshold.clone())
                    on:input=set(|r, v| r.threshold = v)
                />
                <span></span>
                {slider}
                <label for=field_id("direction")>"Better when"</label>
                <select
                    id=field_id("direction")
                    on:change=set(|r, v| r.greater_is_better = v != "lower")
                >
                    <option value="higher" selected=move || draft.with(|d| d.rules.iter().any(|r| r.id == id && r.greater_is_better))>
                        "higher"
                    </option>
                    <option value="lower" selected=move || draft.with(|d| d.rules.iter().any(|r| r.id == id && !r.greater_is_better))>
                        "lower"
                    </option>
                </select>
                <label for=field_id("abs")>"Min. gain over champion"</label>
                <input
                    id=field_id("abs")
                    inputmode="decimal"
                    placeholder="none"
                    prop:value=get(|r| r.min_absolute_change.clone())
                    on:input=set(|r, v| r.min_absolute_change = v)
                />
                <label for=field_id("rel")>"Min. relative gain (0–1)"</label>
                <input
                    id=field_id("rel")
                    inputmode="decimal"
                    placeholder="none"
                    prop:value=get(|r| r.min_relative_change.clone())
                    on:input=set(|r, v| r.min_relative_change = v)
                />
                <button
                    type="button"
                    class="remove"
                    aria-label=move || format!("Remove the rule for {}", get(|r| r.metric.clone())())
                    on:click=move |_| draft.update(|d| d.rules.retain(|r| r.id != id))
                >
                    "Remove"
                </button>
            </div>
            <p id=error_id class="field-error">
                {move || errors().join("; ")}
            </p>
        </fieldset>
    }
}

/// Slider values carry float noise (0.7000000000000001): keep 4 significant decimals.
fn round_like_step(raw: &str) -> String {
    parse_number(raw)
        .map(number::display)
        .unwrap_or_else(|_| raw.to_owned())
}

/// Reads a decimal number as typed: `0.85`, `.5`, `-2`, `+1e-3`; `NaN` and `inf` read as
/// non-finite (the caller rejects them). Anything else is not a number.
///
/// The browser does the conversion (`parseFloat`, correctly rounded) after a strict syntax
/// check: Rust's own float parser would add its 10 KB power-of-five table to the bundle.
fn parse_number(raw: &str) -> Result<f64, ()> {
    let unsigned = raw.strip_prefix(['+', '-']).unwrap_or(raw);
    let lower = unsigned.to_ascii_lowercase();
    if matches!(lower.as_str(), "nan" | "inf" | "infinity") {
        return Ok(match lower.as_str() {
            "nan" => f64::NAN,
            _ if raw.starts_with('-') => f64::NEG_INFINITY,
            _ => f64::INFINITY,
        });
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
    let dots = mantissa.bytes().filter(|&b| b == b'.').count();
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    if digits > 0 && dots <= 1 && digits + dots == mantissa.len() && exponent_ok {
        Ok(js_sys::parse_float(raw))
    } else {
        Err(())
    }
}
