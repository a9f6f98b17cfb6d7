//! The stakeholder's first minutes (issue 27), in the pure core: what a model needs in one
//! sentence, headlines that never promise a refused move, and a first policy from a model's own
//! metrics.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use podium::mlflow::{
    ModelVersion, RegisteredModel, RegisteredModelAlias, ReviewData, Run, RunData, RunInfo,
    RunInputs,
};
use podium::policy::{
    decide, headline, lower_is_better, Attention, Candidate, MetricSet, Plan, Policy, Refusal,
};

const TEAM: &str = r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.7},
                                 {"metric": "safety/mean", "threshold": 0.9}]}"#;

/// One version: its number and its evaluation's metrics (`None`: never evaluated).
type Version<'a> = (u32, Option<&'a [(&'a str, f64)]>);

/// A model with `versions` and `aliases`.
fn model(versions: &[Version], aliases: &[(&str, &str)]) -> ReviewData {
    let mut model: RegisteredModel =
        serde_json::from_value(serde_json::json!({"name": "m"})).unwrap();
    model.aliases = aliases
        .iter()
        .map(|(alias, version)| RegisteredModelAlias {
            alias: alias.to_string(),
            version: version.to_string(),
        })
        .collect();
    let mut runs = Vec::new();
    let versions = versions
        .iter()
        .map(|(n, metrics)| {
            let run_id = format!("run{n}");
            runs.push(Run {
                info: RunInfo {
                    run_id: run_id.clone(),
                    experiment_id: "0".into(),
                },
                data: RunData {
                    metrics: metrics
                        .unwrap_or_default()
                        .iter()
                        .map(|(k, v)| {
                            serde_json::from_value(serde_json::json!({"key": k, "value": v}))
                                .unwrap()
                        })
                        .collect(),
                    tags: Vec::new(),
                },
                inputs: RunInputs::default(),
            });
            serde_json::from_value::<ModelVersion>(
                serde_json::json!({"name": "m", "version": n.to_string(), "run_id": run_id}),
            )
            .unwrap()
        })
        .collect();
    ReviewData::assemble(model, versions, &runs, &[], None)
}

fn team() -> Policy {
    Policy::from_json(TEAM).unwrap()
}

#[test]
fn each_thing_a_model_can_need_is_one_sentence() {
    let passes: &[(&str, f64)] = &[("relevance_to_query/mean", 0.8), ("safety/mean", 0.95)];
    let unsafe_: &[(&str, f64)] = &[("relevance_to_query/mean", 0.8), ("safety/mean", 0.88)];
    let cases = [
        (
            model(
                &[(1, Some(passes)), (2, Some(unsafe_))],
                &[("production", "2")],
            ),
            "production v2 fails the saved policy (safety/mean 0.88 < 0.9)",
            true,
        ),
        (
            model(
                &[(1, Some(passes)), (2, Some(passes))],
                &[("production", "1")],
            ),
            "v2 passes — production is v1",
            true,
        ),
        (
            model(&[(1, Some(passes))], &[]),
            "v1 passes — nothing is in production",
            true,
        ),
        (
            model(
                &[(1, Some(unsafe_)), (2, Some(passes))],
                &[("production", "2")],
            ),
            "up to date",
            false,
        ),
        (
            // The newest fails: nothing to promote, production passes.
            model(
                &[(1, Some(passes)), (2, Some(unsafe_))],
                &[("production", "1")],
            ),
            "up to date",
            false,
        ),
        (model(&[(1, None)], &[]), "no evaluated versions", true),
        (
            // Production has none of the policy's metrics: never taken as passing.
            model(&[(1, Some(&[("accuracy", 0.9)]))], &[("production", "1")]),
            "production v1 fails the saved policy (none of its rules could be checked)",
            true,
        ),
    ];
    for (review, sentence, needs) in cases {
        let attention = review.attention(&team(), false);
        assert_eq!(attention.sentence(), sentence);
        assert_eq!(attention.needs_attention(), needs, "{sentence}");
    }
    assert_eq!(Attention::NoPolicy.sentence(), "no policy saved");
    let default = model(&[(1, Some(unsafe_))], &[("production", "1")]).attention(&team(), true);
    assert_eq!(
        default.sentence(),
        "production v1 fails the default policy (safety/mean 0.88 < 0.9)"
    );
}

/// Regression: on judged_agent with the seed's default policy (none of its metrics), the
/// headline read "production: v1 → v3 · champion stays v1" while Apply was refused because no
/// rule could be checked.
#[test]
fn the_headline_never_promises_a_move_apply_refuses() {
    let policy = Policy::default();
    let judged: MetricSet = [("exact_match/mean", 0.9)].into_iter().collect();
    let decision = decide(&policy, &judged, Some(&judged));
    let current: BTreeMap<String, String> = [("production", "1"), ("champion", "1")]
        .into_iter()
        .map(|(a, v)| (a.to_owned(), v.to_owned()))
        .collect();
    let candidate = Candidate {
        version: "3",
        missing_evaluation: None,
    };
    let refusal = Plan::propose(&policy, &decision, candidate, &current).unwrap_err();
    assert_eq!(refusal, Refusal::NothingChecked { rules: 4 });
    assert_eq!(
        headline(&policy, &decision, "3", &current, Some(&refusal)),
        "no move: none of the policy's 4 rules could be checked on v3"
    );
    // A version that fails: the plan line already says no move, and stays.
    let failing: MetricSet = [("relevance_to_query/mean", 0.5), ("safety/mean", 0.95)]
        .into_iter()
        .collect();
    let decision = decide(&policy, &failing, None);
    let refusal = Plan::propose(&policy, &decision, candidate, &current).unwrap_err();
    assert_eq!(
        headline(&policy, &decision, "3", &current, Some(&refusal)),
        "production stays v1: v3 fails the policy · champion stays v1: v3 fails the policy"
    );
}

#[test]
fn a_first_policy_comes_from_the_models_own_metrics() {
    let review = model(
        &[
            (
                1,
                Some(&[("exact_match/mean", 0.6), ("latency_ms/p95", 800.0)]),
            ),
            (
                2,
                Some(&[
                    ("exact_match/mean", 0.7),
                    ("latency_ms/p95", 700.0),
                    ("compare/abcd1234/exact_match/diff", 0.1),
                ]),
            ),
        ],
        &[("production", "1"), ("champion", "2")],
    );
    let started = review.policy_from_metrics(&Policy::default());
    let rules: Vec<(String, bool, Option<f64>)> = started
        .rules
        .iter()
        .map(|r| (r.metric.clone(), r.greater_is_better, r.threshold))
        .collect();
    assert_eq!(
        rules,
        [
            ("exact_match/mean".to_owned(), true, Some(0.6)),
            ("latency_ms/p95".to_owned(), false, Some(800.0)),
        ],
        "at production's values; MLflow's compare/ figures are not rules"
    );
    assert_eq!(
        started.champion_metrics,
        ["exact_match/mean", "latency_ms/p95"]
    );
    assert!(started.validate().is_ok());
    // It now checks this model: v2 passes production's bar.
    let v2 = &review.versions[0];
    assert!(decide(&started, &v2.metric_set(), None).passes);

    for (metric, lower) in [
        ("latency_ms/p95", true),
        ("cost/mean", true),
        ("error_rate", true),
        ("runtime_errors", true),
        ("total_tokens", true),
        ("response_time_s", true),
        ("uptime", false),
        ("exact_match/mean", false),
        ("relevance_to_query/mean", false),
    ] {
        assert_eq!(lower_is_better(metric), lower, "{metric}");
    }
}
