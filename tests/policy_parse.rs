//! Reading policies: the document, the seed's flat form, and every problem reported at once.
#![cfg(not(target_arch = "wasm32"))]

use podium::policy::{Field, MissingMetric, Policy, PolicyError, Rule, RuleId};

#[test]
fn seed_flat_form_yields_the_seed_policy() {
    let p = Policy::from_json(
        r#"{"relevance/mean": 0.7, "safety/mean": 0.9, "guidelines/mean": 0.6, "cost_accuracy/mean": 0.8}"#,
    )
    .unwrap();
    assert_eq!(p, Policy::default());
    assert_eq!(p.missing_metric, MissingMetric::Skip);
    assert_eq!(p.rules[0], Rule::threshold("relevance/mean", 0.7));
    assert_eq!(
        p.metric_aliases.0["relevance/mean"],
        ["relevance_to_query/mean"]
    );
    assert_eq!(
        p.metric_aliases.0["safety/mean"],
        ["safety/mean"],
        "the seed's identity entries"
    );
    assert_eq!(
        p.champion_metrics,
        ["relevance/mean", "safety/mean", "guidelines/mean"]
    );
    assert_eq!(
        (p.aliases.production.as_str(), p.aliases.champion.as_str()),
        ("production", "champion")
    );
}

#[test]
fn document_round_trips_through_json() {
    let text = r#"{
        "version": 1,
        "rules": [
            {"metric": "relevance/mean", "threshold": 0.7, "min_relative_change": 0.05},
            {"metric": "latency_ms/p95", "greater_is_better": false, "threshold": 800, "min_absolute_change": 10}
        ],
        "metric_aliases": {"relevance/mean": ["relevance_to_query/mean"]},
        "missing_metric": "fail",
        "champion_metrics": ["relevance/mean", "latency_ms/p95"],
        "aliases": {"production": "prod", "champion": "best"}
    }"#;
    let p = Policy::from_json(text).unwrap();
    assert_eq!(p.missing_metric, MissingMetric::Fail);
    assert!(!p.rules[1].greater_is_better);
    assert_eq!(p.rules[1].min_absolute_change, Some(10.0));
    assert_eq!(Policy::from_json(&p.to_json()).unwrap(), p);
    let via_serde: Policy = serde_json::from_str(text).unwrap();
    assert_eq!(via_serde, p);
}

#[test]
fn flat_export_only_for_seed_expressible_policies() {
    let seed = Policy::default();
    let flat = seed.to_flat_thresholds().unwrap();
    assert_eq!(flat["safety/mean"], 0.9);
    let strict = Policy {
        missing_metric: MissingMetric::Fail,
        ..seed
    };
    assert!(strict.to_flat_thresholds().is_none());
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = r#"{
        "rules": [
            {"metric": "", "threshold": 0.5},
            {"metric": "a", "threshold": "high"},
            {"metric": "b", "threshold": 0.1},
            {"metric": "b", "threshold": 0.2},
            {"metric": "c", "min_absolute_change": 0},
            {"metric": "d", "min_relative_change": 1.5},
            {"metric": "e"},
            {"metric": "f", "treshold": 0.3}
        ],
        "missing_metric": "ignore",
        "colour": "blue"
    }"#;
    let err = Policy::from_json(text).unwrap_err();
    let problems = err.messages();
    let expect = [
        "rules[0].metric: the metric name is empty",
        "rules[1].threshold: expected a number, got the text \"high\"",
        "rules[3].metric: a second rule for metric \"b\" (first at rules[2])",
        "rules[4] (c).min_absolute_change: must be a positive number, got 0",
        "rules[5] (d).min_relative_change: must be between 0 and 1, got 1.5",
        "rules[6] (e): nothing to check",
        "rules[7]: unknown field \"treshold\"",
        "missing_metric: expected \"skip\" or \"fail\"",
        "policy: unknown field \"colour\"",
    ];
    for e in expect {
        assert!(
            problems.iter().any(|p| p.starts_with(e)),
            "no problem starting with {e:?} in {problems:#?}"
        );
    }
    assert!(
        !problems
            .iter()
            .any(|p| p.starts_with("rules[1] (a): nothing to check")),
        "an unreadable threshold is reported once: {problems:#?}"
    );
    assert!(matches!(err, PolicyError::Invalid(_)));
    // The rule and field of each problem travel as data, not in the message.
    let typed = err.problems();
    let at = |rule: u32, field: Field| {
        typed
            .iter()
            .any(|p| p.rule == Some(RuleId(rule)) && p.field == field)
    };
    assert!(at(0, Field::Metric), "{typed:#?}");
    assert!(at(1, Field::Threshold), "{typed:#?}");
    assert!(at(3, Field::Metric), "duplicate metric: {typed:#?}");
    assert!(at(4, Field::MinAbsoluteChange), "{typed:#?}");
    assert!(at(5, Field::MinRelativeChange), "{typed:#?}");
    assert!(at(6, Field::Rule), "nothing to check: {typed:#?}");
    assert!(at(7, Field::Rule), "unknown field: {typed:#?}");
    assert!(typed
        .iter()
        .any(|p| p.rule.is_none() && p.field == Field::MissingMetric));
    let positive = typed
        .iter()
        .find(|p| p.field == Field::MinAbsoluteChange)
        .unwrap();
    assert_eq!(positive.message, "must be a positive number, got 0");
}

#[test]
fn flat_form_rejects_non_numbers() {
    let err = Policy::from_json(r#"{"a/mean": 0.5, "b/mean": "NaN", "c/mean": null}"#).unwrap_err();
    let problems = err.messages();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("non-finite numbers are not allowed"));
}

#[test]
fn non_finite_thresholds_built_in_code_are_rejected() {
    for bad in [f64::NAN, f64::INFINITY] {
        let p = Policy::from_thresholds([("m", bad)]);
        let err = p.validate().unwrap_err();
        assert!(err.to_string().contains("is not a finite number"), "{err}");
    }
}

#[test]
fn bad_alias_names_are_rejected() {
    for (prod, champ, msg) in [
        ("production", "production", "they must differ"),
        ("latest", "champion", "not a valid MLflow alias"),
        ("v3", "champion", "not a valid MLflow alias"),
        ("prod ction", "champion", "not a valid MLflow alias"),
    ] {
        let text = format!(
            r#"{{"rules": [{{"metric": "m", "threshold": 1}}], "aliases": {{"production": "{prod}", "champion": "{champ}"}}}}"#
        );
        let err = Policy::from_json(&text).unwrap_err();
        assert!(err.to_string().contains(msg), "{prod}/{champ}: {err}");
    }
}

#[test]
fn syntax_errors_and_wrong_shapes_are_clear() {
    assert!(matches!(
        Policy::from_json("{"),
        Err(PolicyError::Syntax(_))
    ));
    let err = Policy::from_json("[1, 2]").unwrap_err();
    assert!(err.to_string().contains("expected a JSON object"), "{err}");
    let err = Policy::from_json(r#"{"version": 2, "rules": []}"#).unwrap_err();
    assert!(
        err.to_string().contains("version: 2 is not supported"),
        "{err}"
    );
}

#[test]
fn differences_name_each_change() {
    let saved = Policy::default();
    assert!(saved.differences(&saved).is_empty());
    let mut edited = saved.clone();
    edited.rules[0].threshold = Some(0.8);
    edited.rules[1].greater_is_better = false;
    edited.rules.remove(3);
    edited.rules.push(Rule::threshold("latency_ms/p95", 900.0));
    edited.missing_metric = MissingMetric::Fail;
    assert_eq!(
        edited.differences(&saved),
        [
            "relevance/mean: threshold 0.7 → 0.8",
            "safety/mean: lower is better",
            "cost_accuracy/mean: rule removed",
            "latency_ms/p95: rule added (threshold 900)",
            "missing metrics: skip → fail",
        ]
    );
}

#[test]
fn exports_to_the_seeds_forms() {
    let seed = Policy::default();
    let flat = seed.to_flat_json().unwrap();
    assert_eq!(
        Policy::from_json(&flat).unwrap(),
        seed,
        "the flat export reads back as the same policy"
    );
    assert!(
        flat.find("relevance/mean").unwrap() < flat.find("cost_accuracy/mean").unwrap(),
        "rule order kept"
    );
    let python = seed.to_python();
    assert!(python.starts_with("# Promotion thresholds"));
    assert!(
        python.contains("THRESHOLDS = {\n  \"relevance/mean\": 0.7,"),
        "{python}"
    );

    let strict = Policy {
        missing_metric: MissingMetric::Fail,
        ..seed
    };
    assert!(strict.to_flat_json().is_none());
    let python = strict.to_python();
    assert!(
        python.contains("PODIUM_POLICY = {") && python.contains("\"missing_metric\": \"fail\""),
        "{python}"
    );
    assert!(
        python.contains("\"greater_is_better\": True"),
        "Python literals: {python}"
    );
}

#[test]
fn hostile_policies_are_refused_with_one_clear_answer() {
    use podium::policy::{MAX_KEY_METRICS, MAX_POLICY_TEXT, MAX_RULES};
    // Duplicate keys: serde_json alone keeps the last one silently.
    let err = Policy::from_json(r#"{"rules": [], "rules": [{"metric": "m", "threshold": 1}]}"#)
        .unwrap_err();
    assert!(
        err.to_string().contains("the key \"rules\" appears twice"),
        "{err}"
    );
    let err = Policy::from_json(r#"{"relevance/mean": 0.7, "relevance/mean": 0.1}"#).unwrap_err();
    assert!(err.to_string().contains("appears twice"), "{err}");
    // Too much text: refused before it is parsed.
    let huge = format!(
        "{{\"champion_metrics\": [{}]}}",
        vec!["\"m\""; 150_000].join(",")
    );
    assert!(huge.len() > MAX_POLICY_TEXT);
    let err = Policy::from_json(&huge).unwrap_err();
    assert!(err.to_string().contains("at most 64 KB is read"), "{err}");
    // Within the text limit but over the counts: one problem each, not one per entry.
    let keys: Vec<String> = (0..MAX_KEY_METRICS + 1)
        .map(|i| format!("\"k{i}\""))
        .collect();
    let rules: Vec<String> = (0..MAX_RULES + 1)
        .map(|i| format!("{{\"metric\": \"r{i}\", \"threshold\": 0.5}}"))
        .collect();
    let text = format!(
        "{{\"rules\": [{}], \"champion_metrics\": [{}]}}",
        rules.join(","),
        keys.join(",")
    );
    let err = Policy::from_json(&text).unwrap_err();
    assert_eq!(
        err.messages(),
        [
            format!(
                "rules: {} entries; a policy has at most {MAX_RULES}",
                MAX_RULES + 1
            ),
            format!(
                "champion_metrics: {} entries; a policy has at most {MAX_KEY_METRICS}",
                MAX_KEY_METRICS + 1
            ),
        ]
    );
}

#[test]
fn metrics_that_match_nothing_are_found_with_their_look_alike() {
    use podium::policy::{MetricSet, MetricTable};
    let versions: Vec<MetricSet> = vec![
        [("relevance_to_query/mean", 0.8), ("safety/mean", 0.9)]
            .into_iter()
            .collect(),
        [("cost_accuracy/mean", 0.85)].into_iter().collect(),
    ];
    let table = MetricTable::new(&versions);
    let policy = Policy::from_json(
        r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.7},
                      {"metric": "safety/mean ", "threshold": 0.9},
                      {"metric": "cost_аccuracy/mean", "threshold": 0.8},
                      {"metric": "latency_ms/p95", "threshold": 900, "greater_is_better": false}],
            "champion_metrics": ["relevance/mean", "guidelines/mean"]}"#,
    )
    .unwrap();
    assert_eq!(
        table.unmatched(&policy),
        [
            ("safety/mean ".to_owned(), Some("safety/mean".to_owned())),
            // A Cyrillic "а" in place of the Latin "a".
            (
                "cost_аccuracy/mean".to_owned(),
                Some("cost_accuracy/mean".to_owned())
            ),
            ("latency_ms/p95".to_owned(), None),
            ("guidelines/mean".to_owned(), None),
        ],
        "relevance/mean is found through its alias"
    );
}

#[test]
fn the_noise_aware_champion_rule_is_opt_in_and_round_trips() {
    // Off by default: the seed's dict decides as the seed does, and nothing more is written.
    let seed = Policy::default();
    assert!(!seed.noise_aware_champion);
    assert!(!seed.to_json().contains("noise_aware"));
    // On: written and read back by the one serializer the share link and the saved tag use,
    // named among the differences, and not expressible as the seed's flat dict.
    let on = Policy {
        noise_aware_champion: true,
        ..Policy::default()
    };
    let json = on.to_json();
    assert!(json.contains(r#""noise_aware_champion":true"#), "{json}");
    assert_eq!(Policy::from_json(&json).unwrap(), on);
    assert!(on.to_flat_thresholds().is_none());
    assert_eq!(
        on.differences(&seed),
        ["champion rule: means (the seed's) → noise-aware"]
    );
    // The editor's draft carries it both ways.
    let mut draft = podium::policy::PolicyDraft::from_policy(&on);
    assert!(draft.noise_aware_champion());
    draft.set_noise_aware_champion(false);
    assert_eq!(draft.to_policy().unwrap(), seed);
    // Anything but true or false is refused at its field.
    let err = Policy::from_json(r#"{"rules": [], "noise_aware_champion": "yes"}"#).unwrap_err();
    let problems = err.messages();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("noise_aware_champion") && problems[0].contains("true or false"),
        "{problems:?}"
    );
}

/// Regression: a rule that could not be read was dropped and the rest renumbered from 0, so
/// every later problem named the wrong rule (`rules[0] (a): nothing to check` for rules[1]),
/// and a later rule's own problem could be taken for a repeat and lost.
#[test]
fn problems_after_an_unreadable_rule_name_their_own_position() {
    let Err(PolicyError::Invalid(problems)) =
        Policy::from_json(r#"{"rules":[5,{"metric":"a","threshold":"x"},{"metric":"b"}]}"#)
    else {
        panic!("the policy must be rejected");
    };
    let said: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        said.contains(&"rules[0]: expected a rule object, got the number 5".to_owned()),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|p| p.starts_with("rules[1].threshold: expected a number")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|p| p.starts_with("rules[2] (b): nothing to check")),
        "rule b is the document's third rule: {said:?}"
    );
    assert!(
        !said.iter().any(|p| p.starts_with("rules[0] (")),
        "no problem of a or b is filed under rules[0]: {said:?}"
    );
    let ids: Vec<Option<RuleId>> = problems.iter().map(|p| p.rule).collect();
    assert!(
        ids.contains(&Some(RuleId(2))),
        "b's problem carries its own id: {ids:?}"
    );
    assert_eq!(problems.len(), 3, "{said:?}");
}
