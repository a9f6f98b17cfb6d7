//! Podium decides exactly as MLflow's own model validation (`MetricThreshold`) on values that
//! sit on a bound, as Python writes them (`scripts/capture_threshold_cases.py` captured the
//! cases and MLflow's verdicts). Every number is read from that JSON text, as Podium reads
//! MLflow's answers and policies: a parser one ULP off flips some of these verdicts.

use podium::policy::{decide, MetricSet, MissingMetric, Policy, Rule};
use serde_json::Value;

#[test]
fn decisions_on_the_bound_match_mlflows_metric_threshold() {
    let fixture: Value =
        serde_json::from_str(include_str!("fixtures/metric_threshold_cases.json")).unwrap();
    let cases = fixture["cases"].as_array().unwrap();
    assert!(cases.len() > 500);
    let mut disagreements = Vec::new();
    for case in cases {
        let t = &case["threshold"];
        let rule = Rule {
            metric: "m".into(),
            greater_is_better: t["greater_is_better"].as_bool().unwrap(),
            threshold: t["threshold"].as_f64(),
            min_absolute_change: t["min_absolute_change"].as_f64(),
            min_relative_change: t["min_relative_change"].as_f64(),
        };
        let policy = Policy {
            rules: vec![rule],
            missing_metric: MissingMetric::Fail,
            ..Policy::default()
        };
        // Through the policy's own JSON too: a saved tag or a link must decide the same.
        let policy = Policy::from_json(&policy.to_json()).unwrap();
        let set = |v: &Value| -> MetricSet {
            serde_json::from_value(serde_json::json!({ "m": v })).unwrap()
        };
        let candidate = set(&case["candidate"]);
        let baseline = (!case["baseline"].is_null()).then(|| set(&case["baseline"]));
        let podium = decide(&policy, &candidate, baseline.as_ref()).passes;
        if podium != case["mlflow_passes"].as_bool().unwrap() {
            disagreements.push(case.clone());
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} cases decided differently from MLflow, e.g. {}",
        disagreements.len(),
        cases.len(),
        disagreements[0]
    );
}

#[test]
fn numbers_that_plain_parsers_read_one_ulp_off_are_read_exactly() {
    for text in [
        "0.9823000000000001",
        "398.86039999999997",
        "0.30000000000000004",
    ] {
        let exact: f64 = text.parse().unwrap();
        let from_json: f64 = serde_json::from_str(text).unwrap();
        assert_eq!(from_json.to_bits(), exact.to_bits(), "{text}");
        let set: MetricSet = serde_json::from_str(&format!("{{\"m\": {text}}}")).unwrap();
        assert_eq!(set.get("m").unwrap().to_bits(), exact.to_bits(), "{text}");
        let policy = Policy::from_json(&format!("{{\"m\": {text}}}")).unwrap();
        assert_eq!(
            policy.rules[0].threshold.unwrap().to_bits(),
            exact.to_bits(),
            "{text}"
        );
    }
}
