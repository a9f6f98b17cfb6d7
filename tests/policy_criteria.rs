//! MLflow's quality criteria (issue 28), against tags MLflow 3.18 itself wrote in real
//! `mlflow.genai.evaluate` runs (tests/fixtures/quality_criteria.json, captured by
//! scripts/capture_quality_criteria): the strict reader, "meets", the policy draft, and the
//! export back to a `quality_criteria` string MLflow 3.18's own parser accepted.
#![cfg(not(target_arch = "wasm32"))]

use podium::policy::{
    Comparator, CriteriaError, MetricSet, MissingMetric, Policy, QualityCriteria, MAX_TAG_VALUE,
};
use serde_json::Value;

fn fixture() -> Value {
    serde_json::from_str(include_str!("fixtures/quality_criteria.json")).unwrap()
}

#[test]
fn tags_mlflow_wrote_are_read_and_judged_as_mlflow_judges_them() {
    let fixture = fixture();
    assert_eq!(fixture["mlflow"], "3.18.0");
    // Per case, in MLflow's order: met, or not (None: not measured).
    let expected: [&[Option<bool>]; 4] = [
        &[Some(false)],                        // exact_match/mean 0.667 >= 0.7
        &[Some(false), Some(true)],            // … >= 0.9; token_overlap/mean 0.833 >= 0.8
        &[Some(true), Some(true)],             // token_overlap/p90 1.0 >= 0.95; 128.5 <= 140
        &[Some(true), Some(true), Some(true)], // 0.833 >= 0.75; max 136 <= 150; min 0 >= 0
    ];
    let evaluations = fixture["evaluations"].as_array().unwrap();
    assert_eq!(evaluations.len(), expected.len());
    for (case, want) in evaluations.iter().zip(expected) {
        let criteria = QualityCriteria::from_tag(case["tag"].as_str().unwrap()).unwrap();
        assert!(criteria.revision.is_some());
        let metrics: MetricSet = serde_json::from_value(case["metrics"].clone()).unwrap();
        let met: Vec<Option<bool>> = criteria.meets(&metrics).into_iter().map(|m| m.2).collect();
        assert_eq!(met, want, "{}", case["criteria"]);
    }
    // The `<=` of a name with a space, and the aggregation MLflow logged for it.
    let third = QualityCriteria::from_tag(evaluations[2]["tag"].as_str().unwrap()).unwrap();
    assert_eq!(third.criteria[0].metric_key, "token_overlap/p90");
    assert_eq!(third.criteria[1].metric_key, "latency ms/mean");
    assert_eq!(third.criteria[1].comparator, Comparator::AtMost);
    assert_eq!(third.criteria[1].to_string(), "latency ms/mean <= 140");
    // Not measured: "can't be checked", never met.
    let none = third.meets(&MetricSet::new());
    assert!(none
        .iter()
        .all(|(_, value, met)| value.is_none() && met.is_none()));
    let nan: MetricSet = [("token_overlap/p90", f64::NAN)].into_iter().collect();
    assert_eq!(third.meets(&nan)[0].2, Some(false));
}

#[test]
fn criteria_become_a_policy_and_a_policy_becomes_criteria_mlflow_accepts() {
    for case in fixture()["accepted"].as_array().unwrap() {
        let criteria = QualityCriteria::from_tag(case["tag"].as_str().unwrap()).unwrap();
        let policy = criteria.to_policy();
        // As written: the metric key, its direction, no aliases, unmeasured fails.
        assert!(policy.metric_aliases.0.is_empty());
        assert_eq!(policy.missing_metric, MissingMetric::Fail);
        for (rule, c) in policy.rules.iter().zip(&criteria.criteria) {
            assert_eq!(rule.metric, c.metric_key);
            assert_eq!(rule.greater_is_better, c.comparator == Comparator::AtLeast);
            assert_eq!(rule.threshold, Some(c.threshold));
        }
        assert!(policy.validate().is_ok());
        // Back to the string MLflow 3.18's parser accepted (and built this very tag from).
        let export = policy.to_quality_criteria();
        assert_eq!(export.criteria, case["criteria"].as_str().unwrap());
        assert_eq!(
            export.left_out.len(),
            1,
            "only the champion comparison: {:?}",
            export.left_out
        );
        assert!(export.left_out[0].starts_with("the champion comparison on "));
    }
}

#[test]
fn what_criteria_cannot_say_is_named_not_dropped() {
    let policy = Policy::from_json(
        r#"{"rules": [
              {"metric": "relevance/mean", "threshold": 0.7},
              {"metric": "latency_ms/p95", "greater_is_better": false, "threshold": 900},
              {"metric": "safety/mean", "threshold": 0.9, "min_absolute_change": 0.01},
              {"metric": "guidelines/median", "min_relative_change": 0.05}],
            "champion_metrics": ["relevance/mean"],
            "approvals": {"production": 1}}"#,
    )
    .unwrap();
    let export = policy.to_quality_criteria();
    assert_eq!(
        export.criteria,
        "`relevance/mean` >= 0.7 AND `safety/mean` >= 0.9"
    );
    let said = export.left_out.join("\n");
    for line in [
        "relevance/mean: also read as relevance_to_query/mean (metric aliases); criteria read \
         relevance/mean only",
        "latency_ms/p95: criteria name <scorer>/<aggregation> keys (min, max, mean, median, \
         variance, p90) only",
        "safety/mean: min_absolute_change 0.01 against the champion",
        "guidelines/median: no threshold",
        "guidelines/median: min_relative_change 0.05 against the champion",
        "missing metrics skip the rule here; MLflow marks such a criterion unchecked",
        "the champion comparison on relevance/mean (criteria judge one evaluation alone)",
        "sign-offs (approvals)",
    ] {
        assert!(said.contains(line), "{line:?} not in:\n{said}");
    }
}

#[test]
fn a_malformed_or_unknown_criteria_tag_is_named_and_ignored() {
    let rule = r#"{"metricKey": "correctness/mean", "comparator": "GTE", "threshold": 0.9}"#;
    let tag =
        |rules: &str| format!(r#"{{"schemaVersion": 1, "revision": "r", "rules": [{rules}]}}"#);
    assert!(QualityCriteria::from_tag(&tag(rule)).is_ok());
    let err = |value: &str| QualityCriteria::from_tag(value).unwrap_err();
    assert_eq!(
        err(r#"{"schemaVersion": 2, "rules": []}"#),
        CriteriaError::Schema("2".into())
    );
    assert_eq!(
        err(&tag(&rule.replace("GTE", "GT"))).to_string(),
        "rules[0]: comparator \"GT\" is unknown (Podium reads GTE and LTE)"
    );
    assert!(matches!(
        err("{\"schemaVersion\": 1, "),
        CriteriaError::NotJson(_)
    ));
    let long = tag(&vec![rule; 200].join(","));
    assert!(long.len() > MAX_TAG_VALUE);
    assert_eq!(
        err(&long),
        CriteriaError::TooLong {
            chars: long.chars().count()
        }
    );
    for (value, says) in [
        (
            tag(&format!("{rule},{rule}")),
            "rules[1]: a second rule on \"correctness/mean\"",
        ),
        (
            tag(&rule.replace("0.9", "\"NaN\"")),
            "rules[0]: threshold is not a finite number",
        ),
        (
            tag(&rule.replace("\"threshold\"", "\"bar\"")),
            "rules[0]: unknown field \"bar\"",
        ),
        (tag(""), "the list of rules is empty"),
        (
            r#"{"schemaVersion": 1, "rules": [], "extra": 1}"#.into(),
            "unknown field \"extra\"",
        ),
        ("[1]".into(), "the tag is not a JSON object"),
    ] {
        assert_eq!(err(&value).to_string(), says, "{value}");
    }
}

#[test]
fn the_export_is_python_that_stays_what_it_says() {
    use podium::policy::ExportFormat;
    let policy = Policy::from_json(
        r#"{"rules": [{"metric": "safety/mean", "threshold": 0.9},
                      {"metric": "x\nimport os", "threshold": 1}]}"#,
    )
    .unwrap();
    let text = ExportFormat::QualityCriteria.render(&policy);
    assert!(
        text.contains("QUALITY_CRITERIA = \"`safety/mean` >= 0.9\"\n"),
        "{text}"
    );
    // Every line is code or a comment: the name's line break is spelled out.
    assert!(
        text.contains("#   x⟨U+000A⟩import os: criteria name"),
        "{text}"
    );
    assert!(text
        .lines()
        .all(|l| l.starts_with('#') || l.starts_with("QUALITY_CRITERIA = ")));
}
