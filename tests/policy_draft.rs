//! The editor's text → policy path, natively: number syntax, typed problems, stable rule ids.

use podium::policy::number::{parse_decimal, NumberError};
use podium::policy::{ExportFormat, Field, MissingMetric, NumberField, Policy, PolicyDraft};

#[test]
fn numbers_read_as_people_type_them() {
    for (text, want) in [
        ("0.85", 0.85),
        (".5", 0.5),
        ("5.", 5.0),
        ("-2", -2.0),
        ("+1e-3", 0.001),
        ("1E3", 1000.0),
        ("007", 7.0),
        ("-.25", -0.25),
        (" 0.7 ", 0.7),
        ("1e-400", 0.0),
    ] {
        assert_eq!(parse_decimal(text), Ok(want), "{text:?}");
    }
    for text in [
        "", "abc", "0.7x", "1,5", "--1", "+-1", ".", "1.2.3", "1e", "e5", "0x10", "1 000",
    ] {
        assert_eq!(
            parse_decimal(text),
            Err(NumberError::NotANumber),
            "{text:?}"
        );
    }
    for text in ["NaN", "inf", "-Infinity", "+INF", "1e400", "-1e309"] {
        assert_eq!(parse_decimal(text), Err(NumberError::NotFinite), "{text:?}");
    }
}

#[test]
fn typed_numbers_are_read_exactly() {
    // Correctly rounded: the nearest double, as Python and MLflow read these texts.
    for text in [
        "0.9823000000000001",
        "398.86039999999997",
        "0.30000000000000004",
        "2.2250738585072014e-308",
    ] {
        let exact: f64 = text.parse().unwrap();
        assert_eq!(
            parse_decimal(text).unwrap().to_bits(),
            exact.to_bits(),
            "{text}"
        );
    }
}

#[test]
fn an_untouched_draft_gives_back_its_policy() {
    let policy = Policy::from_json(
        r#"{"rules": [{"metric": "a", "threshold": 0.9823000000000001},
                      {"metric": "b", "greater_is_better": false, "threshold": 800, "min_relative_change": 0.05}],
            "missing_metric": "fail", "champion_metrics": ["a"],
            "metric_aliases": {"a": ["a_alias"]}, "aliases": {"production": "prod", "champion": "best"}}"#,
    )
    .unwrap();
    assert_eq!(PolicyDraft::from_policy(&policy).to_policy(), Ok(policy));
}

#[test]
fn problems_are_addressed_to_their_rule_and_field_by_id() {
    let mut draft = PolicyDraft::from_policy(&Policy::default());
    let ids = draft.rule_ids();
    // Remove the second rule: the ids of the others do not move.
    assert!(draft.remove_rule(ids[1]));
    assert!(draft.set_number(ids[3], NumberField::Threshold, "abc"));
    assert!(draft.set_number(ids[2], NumberField::MinAbsoluteChange, "-1"));
    let problems = draft.to_policy().unwrap_err();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    let threshold = problems.iter().find(|p| p.rule == Some(ids[3])).unwrap();
    assert_eq!(threshold.field, Field::Threshold);
    assert_eq!(threshold.message, "\"abc\" is not a number");
    let gain = problems.iter().find(|p| p.rule == Some(ids[2])).unwrap();
    assert_eq!(gain.field, Field::MinAbsoluteChange);
    assert_eq!(gain.message, "must be a positive number, got -1");
    assert_eq!(
        gain.location,
        "rules[1] (guidelines/mean).min_absolute_change"
    );
    // Writing to a removed row changes nothing.
    assert!(!draft.set_number(ids[1], NumberField::Threshold, "0.1"));
    assert!(draft.rule(ids[1]).is_none());
}

#[test]
fn a_new_rule_is_invalid_until_it_has_a_criterion_and_a_bad_number_is_reported_once() {
    let mut draft = PolicyDraft::from_policy(&Policy::default());
    let id = draft.add_rule(" latency_ms/p95 ");
    assert_eq!(draft.rule(id).unwrap().metric, "latency_ms/p95");
    let problems = draft.to_policy().unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(
        (problems[0].rule, problems[0].field),
        (Some(id), Field::Rule)
    );
    draft.set_number(id, NumberField::Threshold, "NaN");
    let problems = draft.to_policy().unwrap_err();
    assert_eq!(
        problems.len(),
        1,
        "only the number's own problem: {problems:#?}"
    );
    assert_eq!(problems[0].message, "\"NaN\" is not a finite number");
    draft.set_number(id, NumberField::Threshold, "800");
    draft.set_direction(id, false);
    let policy = draft.to_policy().unwrap();
    let rule = policy.rule("latency_ms/p95").unwrap();
    assert_eq!(
        (rule.threshold, rule.greater_is_better),
        (Some(800.0), false)
    );
}

#[test]
fn a_second_rule_for_a_metric_is_reported_at_the_second_row() {
    let mut draft = PolicyDraft::from_policy(&Policy::default());
    let id = draft.add_rule("safety/mean");
    draft.set_number(id, NumberField::Threshold, "0.5");
    let problems = draft.to_policy().unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(
        (problems[0].rule, problems[0].field),
        (Some(id), Field::Metric)
    );
}

#[test]
fn key_metrics_and_missing_metric_mode() {
    let mut draft = PolicyDraft::from_policy(&Policy::default());
    assert_eq!(
        draft.key_metric_choices(),
        [
            "relevance/mean",
            "safety/mean",
            "guidelines/mean",
            "cost_accuracy/mean"
        ]
    );
    draft.set_key_metric("safety/mean", false);
    draft.set_key_metric("cost_accuracy/mean", true);
    draft.set_missing_metric(MissingMetric::Fail);
    let policy = draft.to_policy().unwrap();
    assert_eq!(
        policy.champion_metrics,
        ["relevance/mean", "guidelines/mean", "cost_accuracy/mean"]
    );
    assert_eq!(policy.missing_metric, MissingMetric::Fail);
    draft.set_key_metric("relevance/mean", false);
    draft.set_key_metric("relevance/mean", false);
    assert_eq!(
        draft.champion_metrics(),
        ["guidelines/mean", "cost_accuracy/mean"]
    );
}

#[test]
fn export_formats_have_stable_keys_and_render() {
    for format in ExportFormat::ALL {
        assert_eq!(ExportFormat::from_key(format.key()), Some(format));
    }
    assert_eq!(ExportFormat::from_key("xml"), None);
    let seed = Policy::default();
    assert_eq!(
        Policy::from_json(&ExportFormat::Thresholds.render(&seed)).unwrap(),
        seed
    );
    assert_eq!(
        Policy::from_json(&ExportFormat::Json.render(&seed)).unwrap(),
        seed
    );
    assert!(ExportFormat::Python
        .render(&seed)
        .contains("THRESHOLDS = {"));
    let strict = Policy {
        missing_metric: MissingMetric::Fail,
        ..seed
    };
    assert!(ExportFormat::Thresholds
        .render(&strict)
        .contains("export it as JSON or Python"));
}

#[test]
fn replacing_a_draft_gives_its_rows_new_ids() {
    let mut draft = PolicyDraft::from_policy(&Policy::default());
    let old = draft.rule_ids();
    let imported = Policy::from_json(r#"{"relevance/mean": 0.8, "safety/mean": 0.95}"#).unwrap();
    draft.replace(&imported);
    assert_eq!(draft.to_policy(), Ok(imported));
    for id in draft.rule_ids() {
        assert!(!old.contains(&id), "{id:?} was an old row's id");
    }
    // A write addressed to an old row (a chart still on screen) changes nothing.
    assert!(!draft.set_number(old[0], NumberField::Threshold, "0.1"));
    let added = draft.add_rule("x");
    assert!(!old.contains(&added) && !draft.rule_ids()[..2].contains(&added));
}

#[test]
fn compact_numbers_for_table_cells() {
    use podium::policy::number::compact;
    assert_eq!(compact(0.82345), "0.823");
    assert_eq!(compact(0.7), "0.7");
    assert_eq!(compact(-0.0004), "0");
    assert_eq!(compact(39.94), "39.9");
    assert_eq!(compact(840.0), "840");
    assert_eq!(compact(1249.6), "1250");
    assert_eq!(compact(f64::NAN), "NaN");
    assert_eq!(compact(f64::NEG_INFINITY), "-inf");
}
