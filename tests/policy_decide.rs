//! The decision engine against the seed's promotion script and `MetricThreshold`, branch by branch.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use podium::policy::{
    decide, preview, AliasMove, CheckKind, MetricOutcome, MetricSet, MetricTable, MissingMetric,
    Plan, Policy, Rule, Verdict,
};

fn metrics(pairs: &[(&str, f64)]) -> MetricSet {
    pairs.iter().map(|(k, v)| (*k, *v)).collect()
}

fn seed() -> Policy {
    Policy::from_json(
        r#"{"relevance/mean": 0.7, "safety/mean": 0.9, "guidelines/mean": 0.6,
            "cost_accuracy/mean": 0.8}"#,
    )
    .unwrap()
}

fn one_rule(rule: Rule, mode: MissingMetric) -> Policy {
    Policy {
        rules: vec![rule],
        missing_metric: mode,
        ..Policy::default()
    }
}

fn rule(
    metric: &str,
    gib: bool,
    threshold: Option<f64>,
    abs: Option<f64>,
    rel: Option<f64>,
) -> Rule {
    Rule {
        metric: metric.to_owned(),
        greater_is_better: gib,
        threshold,
        min_absolute_change: abs,
        min_relative_change: rel,
    }
}

#[test]
fn threshold_checks_follow_the_seed() {
    // (value, threshold, greater_is_better, passes)
    let cases = [
        (0.71, 0.7, true, true),
        (0.7, 0.7, true, true), // equality passes: the seed fails only on value < threshold
        (0.69, 0.7, true, false),
        (-1.0, 0.0, true, false),
        (120.0, 150.0, false, true),
        (150.0, 150.0, false, true), // lower-is-better mirrors: fails only on value > threshold
        (150.5, 150.0, false, false),
    ];
    for (value, threshold, gib, passes) in cases {
        let policy = one_rule(
            rule("m", gib, Some(threshold), None, None),
            MissingMetric::Skip,
        );
        let d = decide(&policy, &metrics(&[("m", value)]), None);
        assert_eq!(
            d.passes, passes,
            "value {value} threshold {threshold} gib {gib}"
        );
        let check = &d.checks[0];
        assert_eq!(check.passed, passes);
        assert_eq!(check.threshold, Some(threshold));
        let margin = if gib {
            value - threshold
        } else {
            threshold - value
        };
        assert_eq!(
            check.margin,
            Some(margin),
            "signed margin, positive = headroom"
        );
        assert_eq!(check.margin.unwrap() >= 0.0, passes);
    }
}

#[test]
fn exact_key_wins_over_its_alias() {
    let policy = seed();
    let both = metrics(&[("relevance/mean", 0.5), ("relevance_to_query/mean", 0.99)]);
    let d = decide(&policy, &both, None);
    let check = d
        .checks
        .iter()
        .find(|c| c.metric == "relevance/mean")
        .unwrap();
    assert_eq!(check.key.as_deref(), Some("relevance/mean"));
    assert_eq!(check.value, Some(0.5));
    assert!(!check.passed);
}

#[test]
fn alias_is_used_when_exact_key_is_absent() {
    let d = decide(
        &seed(),
        &metrics(&[("relevance_to_query/mean", 0.75)]),
        None,
    );
    let check = d
        .checks
        .iter()
        .find(|c| c.metric == "relevance/mean")
        .unwrap();
    assert_eq!(check.key.as_deref(), Some("relevance_to_query/mean"));
    assert_eq!(check.value, Some(0.75));
    assert!(check.passed);
    assert!(
        check.reason.contains("logged as relevance_to_query/mean"),
        "{}",
        check.reason
    );
}

#[test]
fn aliases_are_tried_in_order() {
    let mut policy = one_rule(rule("q", true, Some(0.5), None, None), MissingMetric::Fail);
    policy
        .metric_aliases
        .0
        .insert("q".into(), vec!["q_a".into(), "q_b".into()]);
    let d = decide(&policy, &metrics(&[("q_b", 0.9), ("q_a", 0.1)]), None);
    assert_eq!(d.checks[0].key.as_deref(), Some("q_a"));
    assert!(!d.passes);
}

#[test]
fn missing_metric_skips_with_a_warning_in_skip_mode() {
    let d = decide(
        &seed(),
        &metrics(&[("relevance/mean", 0.9), ("safety/mean", 0.95)]),
        None,
    );
    assert!(d.passes, "the seed only warns about missing metrics");
    let skipped: Vec<_> = d
        .checks
        .iter()
        .filter(|c| c.verdict == Verdict::Skipped)
        .collect();
    assert_eq!(skipped.len(), 2);
    assert_eq!(
        d.warnings.len(),
        2,
        "a skipped rule is never silent: {:?}",
        d.warnings
    );
    assert!(d.warnings[0].contains("guidelines/mean not found"));
}

#[test]
fn missing_metric_fails_in_fail_mode() {
    let policy = Policy {
        missing_metric: MissingMetric::Fail,
        ..seed()
    };
    let d = decide(
        &policy,
        &metrics(&[("relevance/mean", 0.9), ("safety/mean", 0.95)]),
        None,
    );
    assert!(!d.passes);
    assert!(!d.promote_production && !d.promote_champion);
    assert_eq!(d.failures().count(), 2);
}

#[test]
fn non_finite_values_never_pass_in_either_mode() {
    for mode in [MissingMetric::Skip, MissingMetric::Fail] {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            for gib in [true, false] {
                let policy = one_rule(rule("m", gib, Some(0.5), None, None), mode);
                let d = decide(&policy, &metrics(&[("m", bad)]), None);
                assert!(!d.passes, "{bad} must not pass (mode {mode:?}, gib {gib})");
                assert_eq!(d.checks[0].verdict, Verdict::Fail);
                assert!(
                    d.checks[0].reason.contains("non-finite"),
                    "{}",
                    d.checks[0].reason
                );
            }
        }
    }
}

#[test]
fn all_rules_must_pass() {
    let d = decide(
        &seed(),
        &metrics(&[
            ("relevance/mean", 0.9),
            ("safety/mean", 0.89),
            ("guidelines/mean", 0.9),
            ("cost_accuracy/mean", 0.9),
        ]),
        None,
    );
    assert!(!d.passes);
    let failed: Vec<_> = d.failures().map(|c| c.metric.as_str()).collect();
    assert_eq!(failed, ["safety/mean"]);
}

#[test]
fn no_champion_makes_a_passing_candidate_the_first_champion() {
    let d = decide(&seed(), &metrics(&[("relevance/mean", 0.8)]), None);
    assert!(d.promote_production);
    assert!(d.promote_champion);
    assert!(d.champion_comparison.is_none());
}

#[test]
fn champion_comparison_counts_strict_majority() {
    let policy = seed();
    let champion = metrics(&[
        ("relevance/mean", 0.8),
        ("safety/mean", 0.95),
        ("guidelines/mean", 0.7),
    ]);
    // (candidate relevance, safety, guidelines, candidate wins?)
    let cases = [
        (0.9, 0.96, 0.6, true),   // 2 wins, 1 loss
        (0.9, 0.94, 0.6, false),  // 1 win, 2 losses
        (0.9, 0.95, 0.65, false), // 1 win, 1 tie, 1 loss: tie keeps the champion
        (0.8, 0.95, 0.7, false),  // all ties keep the champion
        (0.81, 0.95, 0.7, true),  // 1 win, 2 ties
    ];
    for (r, s, g, wins) in cases {
        let cand = metrics(&[
            ("relevance/mean", r),
            ("safety/mean", s),
            ("guidelines/mean", g),
        ]);
        let d = decide(&policy, &cand, Some(&champion));
        let cmp = d.champion_comparison.as_ref().unwrap();
        assert_eq!(cmp.candidate_better, wins, "{r} {s} {g}: {cmp:?}");
        assert_eq!(cmp.metrics.len(), 3);
        assert_eq!(d.promote_champion, d.passes && wins);
    }
}

#[test]
fn champion_comparison_skips_metrics_missing_on_either_side() {
    let policy = seed();
    let champion = metrics(&[("relevance/mean", 0.8), ("safety/mean", 0.95)]);
    let cand = metrics(&[
        ("relevance_to_query/mean", 0.85),
        ("guidelines/mean", 0.9),
        ("safety/mean", 0.91),
    ]);
    let d = decide(&policy, &cand, Some(&champion));
    let cmp = d.champion_comparison.unwrap();
    let outcomes: Vec<_> = cmp.metrics.iter().map(|m| m.outcome).collect();
    assert_eq!(
        outcomes,
        [
            MetricOutcome::CandidateWins,
            MetricOutcome::ChampionWins,
            MetricOutcome::Skipped
        ]
    );
    assert!(!cmp.candidate_better, "1 win vs 1 loss is a tie");
    assert!(d
        .warnings
        .iter()
        .any(|w| w.contains("skipped guidelines/mean: missing on the champion")));
}

#[test]
fn champion_comparison_respects_lower_is_better() {
    let policy = Policy::from_json(
        r#"{"rules": [{"metric": "latency_ms/p95", "greater_is_better": false, "threshold": 500}],
            "champion_metrics": ["latency_ms/p95"]}"#,
    )
    .unwrap();
    let champion = metrics(&[("latency_ms/p95", 300.0)]);
    let faster = decide(
        &policy,
        &metrics(&[("latency_ms/p95", 250.0)]),
        Some(&champion),
    );
    let slower = decide(
        &policy,
        &metrics(&[("latency_ms/p95", 350.0)]),
        Some(&champion),
    );
    assert!(faster.promote_champion);
    assert!(slower.passes && !slower.promote_champion);
}

#[test]
fn failing_candidate_is_never_champion_even_if_it_wins() {
    let champion = metrics(&[
        ("relevance/mean", 0.1),
        ("safety/mean", 0.1),
        ("guidelines/mean", 0.1),
    ]);
    let cand = metrics(&[
        ("relevance/mean", 0.9),
        ("safety/mean", 0.5),
        ("guidelines/mean", 0.9),
    ]);
    let d = decide(&seed(), &cand, Some(&champion));
    assert!(d.champion_comparison.as_ref().unwrap().candidate_better);
    assert!(!d.passes && !d.promote_champion && !d.promote_production);
}

#[test]
fn min_absolute_change_follows_metric_threshold() {
    // (gib, candidate, champion, delta, passes)
    let cases = [
        (true, 1.0, 0.75, 0.25, true),  // equality passes
        (true, 0.85, 0.8, 0.05, false), // 0.8 + 0.05 is 0.8500000000000001 in f64, as in MLflow
        (true, 0.86, 0.8, 0.05, true),
        (true, 0.84, 0.8, 0.05, false),
        (false, 250.0, 300.0, 50.0, true), // lower is better: cand <= base - delta
        (false, 251.0, 300.0, 50.0, false),
    ];
    for (gib, cand, base, delta, passes) in cases {
        let policy = one_rule(rule("m", gib, None, Some(delta), None), MissingMetric::Fail);
        let d = decide(
            &policy,
            &metrics(&[("m", cand)]),
            Some(&metrics(&[("m", base)])),
        );
        let bound = if gib { base + delta } else { base - delta };
        assert_eq!(d.passes, if gib { cand >= bound } else { cand <= bound });
        assert_eq!(d.passes, passes, "{gib} {cand} {base} {delta}");
        assert_eq!(d.checks[0].kind, CheckKind::AbsoluteChange);
        assert_eq!(d.checks[0].threshold, Some(bound));
        assert_eq!(d.checks[0].baseline, Some(base));
    }
}

#[test]
fn min_relative_change_divides_by_the_baseline_magnitude() {
    // (gib, candidate, champion, r, passes)
    let cases = [
        (true, 1.5, 1.0, 0.5, true),   // +50% exactly: equality passes
        (true, 0.88, 0.8, 0.1, false), // (0.88 - 0.8) / 0.8 is 0.09999999999999998 in f64
        (true, 0.87, 0.8, 0.1, false),
        (true, -0.5, -1.0, 0.5, true), // negative baseline: |base| keeps the sign meaningful
        (true, -1.1, -1.0, 0.05, false), // signed division would have passed this
        (false, 90.0, 100.0, 0.1, true), // lower is better: (base - cand) / |base|
        (false, 95.0, 100.0, 0.1, false),
        (true, 0.8, 0.8, 0.0, true), // r = 0: no worse than the champion
    ];
    for (gib, cand, base, r, passes) in cases {
        let policy = one_rule(rule("m", gib, None, None, Some(r)), MissingMetric::Fail);
        let d = decide(
            &policy,
            &metrics(&[("m", cand)]),
            Some(&metrics(&[("m", base)])),
        );
        let rel: f64 = if gib {
            (cand - base) / f64::abs(base)
        } else {
            (base - cand) / f64::abs(base)
        };
        assert_eq!(d.passes, rel >= r, "the test's own oracle");
        assert_eq!(d.passes, passes, "{gib} {cand} {base} {r}");
        assert_eq!(d.checks[0].kind, CheckKind::RelativeChange);
    }
}

#[test]
fn zero_baseline_falls_back_to_a_tiny_improvement() {
    let cases = [
        (true, 1e-9, true),
        (true, 1e-11, false),
        (true, 0.0, false),
        (false, -1e-9, true),
        (false, 0.0, false),
    ];
    for (gib, cand, passes) in cases {
        let policy = one_rule(rule("m", gib, None, None, Some(0.5)), MissingMetric::Fail);
        let d = decide(
            &policy,
            &metrics(&[("m", cand)]),
            Some(&metrics(&[("m", 0.0)])),
        );
        assert_eq!(d.passes, passes, "gib {gib} cand {cand}");
        assert!(
            d.checks[0].reason.contains("1e-10"),
            "{}",
            d.checks[0].reason
        );
    }
}

#[test]
fn missing_baseline_fails_change_checks() {
    for champion in [None, Some(metrics(&[("other", 1.0)]))] {
        let policy = one_rule(
            rule("m", true, Some(0.5), Some(0.01), Some(0.1)),
            MissingMetric::Skip,
        );
        let d = decide(&policy, &metrics(&[("m", 0.9)]), champion.as_ref());
        let verdicts: Vec<_> = d.checks.iter().map(|c| (c.kind, c.verdict)).collect();
        assert_eq!(
            verdicts,
            [
                (CheckKind::Threshold, Verdict::Pass),
                (CheckKind::AbsoluteChange, Verdict::Fail),
                (CheckKind::RelativeChange, Verdict::Fail),
            ]
        );
        assert!(d.checks[1].reason.contains("champion has no value"));
    }
}

#[test]
fn current_champion_as_candidate_keeps_its_alias() {
    let champ = metrics(&[
        ("relevance/mean", 0.8),
        ("safety/mean", 0.95),
        ("guidelines/mean", 0.7),
    ]);
    let d = decide(&seed(), &champ, Some(&champ));
    assert!(
        d.passes && !d.promote_champion,
        "all ties: a tie keeps the champion"
    );
}

#[test]
fn plan_lists_production_then_champion_and_skips_no_op_moves() {
    let policy = seed();
    let passing = metrics(&[
        ("relevance/mean", 0.9),
        ("safety/mean", 0.99),
        ("guidelines/mean", 0.9),
        ("cost_accuracy/mean", 0.9),
    ]);
    let d = decide(&policy, &passing, None);
    let current: BTreeMap<String, String> = [
        ("production".to_owned(), "4".to_owned()),
        ("staging".to_owned(), "6".to_owned()),
    ]
    .into();
    let plan = Plan::for_decision(&policy, &d, "6", &current);
    assert_eq!(
        plan.moves,
        [
            AliasMove {
                alias: "production".into(),
                from: Some("4".into()),
                to: Some("6".into())
            },
            AliasMove {
                alias: "champion".into(),
                from: None,
                to: Some("6".into())
            },
        ]
    );
    let already: BTreeMap<String, String> = [
        ("production".to_owned(), "6".to_owned()),
        ("champion".to_owned(), "6".to_owned()),
    ]
    .into();
    assert!(Plan::for_decision(&policy, &d, "6", &already).is_empty());
    let failing = decide(&policy, &metrics(&[("safety/mean", 0.1)]), None);
    assert!(Plan::for_decision(&policy, &failing, "7", &current).is_empty());
}

#[test]
fn plan_uses_the_policys_alias_names() {
    let policy = Policy::from_json(
        r#"{"rules": [{"metric": "m", "threshold": 1}], "aliases": {"production": "prod", "champion": "best"}}"#,
    )
    .unwrap();
    let d = decide(&policy, &metrics(&[("m", 2.0)]), None);
    let plan = Plan::for_decision(&policy, &d, "2", &BTreeMap::new());
    let names: Vec<_> = plan.moves.iter().map(|m| m.alias.as_str()).collect();
    assert_eq!(names, ["prod", "best"]);
}

#[test]
fn decision_serialises_with_the_documented_fields() {
    let d = decide(&seed(), &metrics(&[("relevance/mean", f64::NAN)]), None);
    let json = serde_json::to_value(&d).unwrap();
    for field in [
        "passes",
        "promote_production",
        "promote_champion",
        "checks",
        "warnings",
    ] {
        assert!(json.get(field).is_some(), "missing {field} in {json}");
    }
    assert_eq!(
        json["checks"][0]["value"], "NaN",
        "non-finite values stay visible in JSON"
    );
    assert_eq!(json["passes"], false);
}

#[test]
fn metric_set_reads_protobuf_non_finite_spellings() {
    let set: MetricSet =
        serde_json::from_str(r#"{"a": 1.5, "b": "NaN", "c": "Infinity", "d": "-Infinity"}"#)
            .unwrap();
    assert_eq!(set.get("a"), Some(1.5));
    assert!(set.get("b").unwrap().is_nan());
    assert_eq!(set.get("c"), Some(f64::INFINITY));
    assert_eq!(set.get("d"), Some(f64::NEG_INFINITY));
    let err = serde_json::from_str::<MetricSet>(r#"{"a": "high"}"#).unwrap_err();
    assert!(
        err.to_string().contains("metric \"a\": expected a number"),
        "{err}"
    );
}

#[test]
fn preview_matches_decide_for_every_version() {
    let policy = Policy {
        missing_metric: MissingMetric::Skip,
        ..seed()
    };
    let versions = [
        metrics(&[
            ("relevance_to_query/mean", 0.8),
            ("safety/mean", 0.95),
            ("guidelines/mean", 0.7),
            ("cost_accuracy/mean", 0.85),
        ]),
        metrics(&[("relevance/mean", 0.6), ("safety/mean", 0.99)]),
        metrics(&[]),
        metrics(&[
            ("relevance/mean", 0.9),
            ("safety/mean", 0.97),
            ("guidelines/mean", 0.75),
            ("cost_accuracy/mean", 0.9),
        ]),
    ];
    let table = MetricTable::new(&versions);
    let p = preview(&policy, &table, Some(0));
    for (row, set) in versions.iter().enumerate() {
        let d = decide(&policy, set, Some(&versions[0]));
        let r = p.rows[row];
        assert_eq!(
            (r.passes, r.promote_production, r.promote_champion),
            (d.passes, d.promote_production, d.promote_champion),
            "row {row}"
        );
        assert_eq!(r.tally, d.champion_comparison.map(|c| c.tally));
    }
    assert!(p.rows[3].promote_champion);
    assert!(!p.rows[1].passes);
    assert_eq!(p.cells(1)[0].verdict, Verdict::Fail);
    assert_eq!(p.cells(2)[0].verdict, Verdict::Skipped);
    assert_eq!(
        table.range("relevance/mean", &policy.metric_aliases),
        Some((0.6, 0.9))
    );
}

#[test]
fn plan_summary_reads_like_the_review_panel() {
    let policy = seed();
    let champion = metrics(&[
        ("relevance/mean", 0.78),
        ("safety/mean", 0.95),
        ("guidelines/mean", 0.71),
    ]);
    let current: BTreeMap<String, String> = [
        ("champion".to_owned(), "3".to_owned()),
        ("production".to_owned(), "4".to_owned()),
    ]
    .into();
    let v6 = metrics(&[
        ("relevance/mean", 0.82),
        ("safety/mean", 0.94),
        ("guidelines/mean", 0.69),
        ("cost_accuracy/mean", 0.88),
    ]);
    let d = decide(&policy, &v6, Some(&champion));
    assert_eq!(
        podium::policy::summary(&policy, &d, "6", &current),
        "production: v4 → v6 · champion stays v3: v6 wins 1 of 3 key metrics"
    );
    let better = metrics(&[
        ("relevance/mean", 0.9),
        ("safety/mean", 0.96),
        ("guidelines/mean", 0.7),
        ("cost_accuracy/mean", 0.9),
    ]);
    let d = decide(&policy, &better, Some(&champion));
    assert_eq!(
        podium::policy::summary(&policy, &d, "7", &current),
        "production: v4 → v7 · champion: v3 → v7: v7 wins 2 of 3 key metrics"
    );
    let failing = metrics(&[("safety/mean", 0.5)]);
    let d = decide(&policy, &failing, Some(&champion));
    assert_eq!(
        podium::policy::summary(&policy, &d, "8", &current),
        "production stays v4: v8 fails the policy · champion stays v3: v8 fails the policy"
    );
    let d = decide(&policy, &better, None);
    assert_eq!(
        podium::policy::summary(&policy, &d, "2", &BTreeMap::new()),
        "production: none → v2 · champion: none → v2 (first champion)"
    );
}
