//! The threshold editor: one fieldset per rule, the champion key metrics, the missing-metric
//! mode, and adding a rule. Every field writes through `ReviewState` by rule id; each row reads
//! only its own rule and its own problems, so typing in one row redraws nothing else.

use leptos::prelude::*;

use super::state::use_review;
use crate::policy::{number, Field, MissingMetric, NumberField, Problem, RuleId, MAX_APPROVALS};

/// The editor.
#[component]
pub fn PolicyEditor() -> impl IntoView {
    let state = use_review();
    // Rows are rebuilt only when rules are added or removed, so typing keeps its focus.
    let rule_ids = Memo::new(move |_| state.edit.draft().with(|d| d.rule_ids()));
    let policy_problems = Memo::new(move |_| {
        state.edit.checked().with(|c| match c {
            Err(problems) => problems
                .iter()
                .filter(|p| p.rule.is_none())
                .map(Problem::to_string)
                .collect(),
            Ok(_) => Vec::new(),
        })
    });
    view! {
        <section class="editor" aria-labelledby="editor-heading">
            <h2 id="editor-heading">"Thresholds"</h2>
            {move || rule_ids.get().into_iter().map(|id| view! { <RuleRow id /> }).collect_view()}
            <KeyMetrics />
            <MissingMetricChoice />
            <Approvals />
            <ul class="field-error" role="alert">
                {move || policy_problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
            </ul>
            <AddRule />
        </section>
    }
}

/// What a person calls a field, in front of its problem.
fn label(field: Field) -> &'static str {
    match field {
        Field::Threshold => "Threshold: ",
        Field::MinAbsoluteChange => "Min. gain over champion: ",
        Field::MinRelativeChange => "Min. relative gain: ",
        Field::Metric => "Metric: ",
        _ => "",
    }
}

/// One rule's fields and its problems.
#[component]
fn RuleRow(id: RuleId) -> impl IntoView {
    let state = use_review();
    let rule = Memo::new(move |_| state.edit.draft().with(|d| d.rule(id).cloned()));
    let problems = Memo::new(move |_| {
        state.edit.checked().with(|c| match c {
            Err(all) => all
                .iter()
                .filter(|p| p.rule == Some(id))
                .cloned()
                .collect::<Vec<_>>(),
            Ok(_) => Vec::new(),
        })
    });
    let metric = move || rule.with(|r| r.as_ref().map(|r| r.metric.clone()).unwrap_or_default());
    let text = move |field: NumberField| {
        move || {
            rule.with(|r| {
                r.as_ref()
                    .map(|r| r.text(field).to_owned())
                    .unwrap_or_default()
            })
        }
    };
    // A rule with nothing to check is fixed by typing a threshold: mark that field.
    let invalid = move |field: NumberField| {
        move || {
            problems.with(|ps| {
                ps.iter().any(|p| {
                    p.field == field.field()
                        || (field == NumberField::Threshold && p.field == Field::Rule)
                })
            })
        }
    };
    let set = move |field: NumberField| {
        move |ev| state.edit.set_number(id, field, event_target_value(&ev))
    };
    let field_id = move |name: &str| format!("rule-{}-{name}", id.0);
    let error_id = field_id("error");
    let number_input = move |field: NumberField, name: &str, label: &'static str| {
        view! {
            <label for=field_id(name)>
                {label}
                <span class="sr-only">" for " {metric}</span>
            </label>
            <input
                id=field_id(name)
                inputmode="decimal"
                placeholder=if field == NumberField::Threshold { "" } else { "none" }
                aria-invalid=move || invalid(field)().to_string()
                aria-describedby=field_id("error")
                prop:value=text(field)
                on:input=set(field)
            />
        }
    };
    let greater = move || rule.with(|r| r.as_ref().is_none_or(|r| r.greater_is_better));
    view! {
        <fieldset class="rule">
            <legend>{metric}</legend>
            <div class="rule-fields">
                {number_input(NumberField::Threshold, "threshold", "Threshold")}
                <ThresholdSlider
                    id
                    value=Signal::derive(text(NumberField::Threshold))
                    metric=Signal::derive(metric)
                />
                <label for=field_id("direction")>
                    "Better when"
                    <span class="sr-only">" for " {metric}</span>
                </label>
                <select
                    id=field_id("direction")
                    on:change=move |ev| state.edit.set_direction(id, event_target_value(&ev) != "lower")
                >
                    <option value="higher" selected=greater>
                        "higher"
                    </option>
                    <option value="lower" selected=move || !greater()>
                        "lower"
                    </option>
                </select>
                {number_input(NumberField::MinAbsoluteChange, "abs", "Min. gain over champion")}
                {number_input(NumberField::MinRelativeChange, "rel", "Min. relative gain (0–1)")}
                <button
                    type="button"
                    class="remove"
                    aria-label=move || format!("Remove the rule for {}", metric())
                    on:click=move |_| state.edit.remove_rule(id)
                >
                    "Remove"
                </button>
            </div>
            <p id=error_id class="field-error">
                {move || {
                    problems.with(|ps| {
                        ps.iter()
                            .map(|p| format!("{}{}", label(p.field), p.message))
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                }}
            </p>
        </fieldset>
    }
}

/// A slider over the metric's observed range (padded by a tenth), when it has values.
#[component]
fn ThresholdSlider(
    /// The rule.
    id: RuleId,
    /// The threshold's text.
    value: Signal<String>,
    /// The rule's metric, for the slider's name.
    metric: Signal<String>,
) -> impl IntoView {
    let state = use_review();
    // The ranges change only when the rules do: a closure, no memo of its own.
    let range = move || {
        state
            .versions
            .ranges()
            .with(|all| all.iter().find(|(r, _)| *r == id).map(|(_, range)| *range))
    };
    move || {
        range().map(|(lo, hi)| {
            let (lo, hi) = if hi > lo {
                (lo, hi)
            } else {
                (lo - 1.0, hi + 1.0)
            };
            let pad = (hi - lo) * 0.1;
            let (min, max) = (lo - pad, hi + pad);
            let label = format!(
                "Threshold slider for {}, observed {} to {}",
                metric.get_untracked(),
                number::display(lo),
                number::display(hi)
            );
            view! {
                <input
                    type="range"
                    class="slider"
                    aria-label=label
                    // Attributes as text through `number::shortest`: an f64 attribute would
                    // bring `Display for f64` (~4 KB brotli) into the bundle.
                    min=number::shortest(min)
                    max=number::shortest(max)
                    step=number::shortest((max - min) / 200.0)
                    prop:value=value
                    on:input=move |ev| {
                        if let Ok(v) = number::parse_decimal(&event_target_value(&ev)) {
                            state.edit.set_threshold_value(id, v);
                        }
                    }
                />
            }
        })
    }
}

/// The champion comparison's key metrics: a checkbox per rule metric (and other key metrics).
#[component]
fn KeyMetrics() -> impl IntoView {
    let state = use_review();
    let choices = Memo::new(move |_| state.edit.draft().with(|d| d.key_metric_choices()));
    let choice = move |(i, metric): (usize, String)| {
        let id = format!("key-metric-{i}");
        let label_for = id.clone();
        let checked = {
            let m = metric.clone();
            move || {
                state
                    .edit
                    .draft()
                    .with(|d| d.champion_metrics().contains(&m))
            }
        };
        let toggle = {
            let m = metric.clone();
            move |ev| state.edit.set_key_metric(&m, event_target_checked(&ev))
        };
        view! {
            <label for=label_for class="checkbox">
                <input type="checkbox" id=id prop:checked=checked on:change=toggle />
                {metric}
            </label>
        }
    };
    view! {
        <fieldset class="key-metrics">
            <legend>"Champion key metrics (majority of wins)"</legend>
            {move || choices.get().into_iter().enumerate().map(choice).collect_view()}
            <label for="noise-aware" class="checkbox">
                <input
                    type="checkbox"
                    id="noise-aware"
                    prop:checked=move || state.edit.draft().with(|d| d.noise_aware_champion())
                    on:change=move |ev| state.edit.set_noise_aware_champion(event_target_checked(&ev))
                />
                "Count a win or a loss only beyond noise (95 % interval of the per-row difference)"
            </label>
        </fieldset>
    }
}

/// Four eyes: how many sign-offs a move of the production or champion alias needs.
#[component]
fn Approvals() -> impl IntoView {
    let state = use_review();
    // Redrawn only when the roles' names change (an imported policy), not on every edit.
    let roles = Memo::new(move |_| state.edit.draft().with(|d| d.roles()));
    let role = move |(i, alias): (usize, String)| {
        let id = format!("approvals-{i}");
        let current = {
            let alias = alias.clone();
            move || state.edit.draft().with(|d| d.approvals_for(&alias))
        };
        let options = (0..=MAX_APPROVALS)
            .map(|n| {
                let is = current.clone();
                let text = if n == 0 {
                    "none".to_owned()
                } else {
                    n.to_string()
                };
                view! { <option value=n.to_string() selected=move || is() == n>{text}</option> }
            })
            .collect_view();
        let change = {
            let alias = alias.clone();
            move |ev| {
                if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                    state.edit.set_approvals(&alias, n);
                }
            }
        };
        view! {
            <label for=id.clone()>{format!("Sign-offs to move {alias}")}</label>
            <select id=id on:change=change>{options}</select>
        }
    };
    view! {
        <fieldset class="approvals">
            <legend>"Four eyes (from users other than the one who applies)"</legend>
            {move || roles.get().into_iter().enumerate().map(role).collect_view()}
        </fieldset>
    }
}

/// What a missing metric does: skip (the seed) or fail (MLflow's MetricThreshold).
#[component]
fn MissingMetricChoice() -> impl IntoView {
    let state = use_review();
    let is =
        move |mode: MissingMetric| move || state.edit.draft().with(|d| d.missing_metric() == mode);
    view! {
        <label for="missing-metric">"When a version lacks a metric"</label>
        <select
            id="missing-metric"
            on:change=move |ev| {
                let mode = if event_target_value(&ev) == "fail" {
                    MissingMetric::Fail
                } else {
                    MissingMetric::Skip
                };
                state.edit.set_missing_metric(mode);
            }
        >
            <option value="skip" selected=is(MissingMetric::Skip)>
                "skip the rule and warn (the seed)"
            </option>
            <option value="fail" selected=is(MissingMetric::Fail)>
                "fail the version (MLflow MetricThreshold)"
            </option>
        </select>
    }
}

/// Adds a rule for a metric: the model's metric keys are offered, any name is accepted.
#[component]
fn AddRule() -> impl IntoView {
    let state = use_review();
    let (metric, set_metric) = signal(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = metric.get();
        if !name.trim().is_empty() {
            state.edit.add_rule(&name);
            set_metric.set(String::new());
        }
    };
    let keys = state.versions.table().keys().to_vec();
    view! {
        <form class="add-rule" on:submit=add>
            <label for="new-metric">"Add a rule for metric"</label>
            <input
                id="new-metric"
                list="metric-keys"
                prop:value=metric
                on:input=move |ev| set_metric.set(event_target_value(&ev))
            />
            <datalist id="metric-keys">
                {keys.into_iter().map(|k| view! { <option value=k /> }).collect_view()}
            </datalist>
            <button type="submit">"Add rule"</button>
        </form>
    }
}
