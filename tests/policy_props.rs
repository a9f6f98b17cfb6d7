//! Properties of the decision engine that must hold for any data.
#![cfg(not(target_arch = "wasm32"))]

use podium::policy::{decide, preview, MetricSet, MetricTable, MissingMetric, Policy, Rule};
use proptest::prelude::*;

const KEYS: [&str; 5] = [
    "relevance/mean",
    "relevance_to_query/mean",
    "safety/mean",
    "guidelines/mean",
    "cost/mean",
];

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => -1.0..2.0f64,
        1 => Just(0.0),
        1 => prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)],
    ]
}

fn metric_set() -> impl Strategy<Value = MetricSet> {
    proptest::collection::vec(proptest::option::of(value()), KEYS.len()).prop_map(|vals| {
        KEYS.iter()
            .zip(vals)
            .filter_map(|(k, v)| v.map(|v| (*k, v)))
            .collect()
    })
}

fn rule_for(metric: &'static str) -> impl Strategy<Value = Rule> {
    (
        any::<bool>(),
        proptest::option::of(-1.0..2.0f64),
        proptest::option::of(0.001..0.5f64),
        proptest::option::of(0.0..=1.0f64),
    )
        .prop_map(move |(gib, t, abs, rel)| Rule {
            metric: metric.to_owned(),
            greater_is_better: gib,
            threshold: t.or(if abs.is_none() && rel.is_none() {
                Some(0.5)
            } else {
                None
            }),
            min_absolute_change: abs,
            min_relative_change: rel,
        })
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        rule_for("relevance/mean"),
        rule_for("safety/mean"),
        rule_for("cost/mean"),
        any::<bool>(),
    )
        .prop_map(|(a, b, c, fail)| Policy {
            rules: vec![a, b, c],
            missing_metric: if fail {
                MissingMetric::Fail
            } else {
                MissingMetric::Skip
            },
            ..Policy::default()
        })
}

proptest! {
    #[test]
    fn stricter_threshold_never_turns_fail_into_pass(
        p in policy(), cand in metric_set(), champ in proptest::option::of(metric_set()),
        which in 0usize..3, by in 0.0..1.0f64,
    ) {
        prop_assume!(p.validate().is_ok());
        let before = decide(&p, &cand, champ.as_ref());
        let mut stricter = p.clone();
        let rule = &mut stricter.rules[which];
        if let Some(t) = rule.threshold.as_mut() {
            *t = if rule.greater_is_better { *t + by } else { *t - by };
        }
        let after = decide(&stricter, &cand, champ.as_ref());
        prop_assert!(before.passes || !after.passes);
    }

    #[test]
    fn fail_mode_never_passes_what_skip_mode_fails(
        p in policy(), cand in metric_set(), champ in proptest::option::of(metric_set()),
    ) {
        let skip = Policy { missing_metric: MissingMetric::Skip, ..p.clone() };
        let fail = Policy { missing_metric: MissingMetric::Fail, ..p };
        let s = decide(&skip, &cand, champ.as_ref());
        let f = decide(&fail, &cand, champ.as_ref());
        prop_assert!(s.passes || !f.passes);
        prop_assert!(s.promote_champion || !f.promote_champion);
    }

    #[test]
    fn promotions_follow_passes(p in policy(), cand in metric_set(), champ in proptest::option::of(metric_set())) {
        let d = decide(&p, &cand, champ.as_ref());
        prop_assert_eq!(d.promote_production, d.passes);
        prop_assert!(!d.promote_champion || d.passes);
        if champ.is_none() {
            prop_assert_eq!(d.promote_champion, d.passes, "no champion: a passing candidate is the first");
        }
    }

    #[test]
    fn swapping_candidate_and_champion_swaps_the_wins(a in metric_set(), b in metric_set()) {
        let p = Policy::default();
        let ab = decide(&p, &a, Some(&b)).champion_comparison.unwrap().tally;
        let ba = decide(&p, &b, Some(&a)).champion_comparison.unwrap().tally;
        prop_assert_eq!(ab.candidate_wins, ba.champion_wins);
        prop_assert_eq!(ab.ties, ba.ties);
        prop_assert!(!(ab.candidate_better() && ba.candidate_better()));
    }

    #[test]
    fn whole_model_preview_agrees_with_decide(
        p in policy(), sets in proptest::collection::vec(metric_set(), 1..12), champ in any::<prop::sample::Index>(),
        has_champion in any::<bool>(),
    ) {
        let table = MetricTable::new(&sets);
        let champion = has_champion.then(|| champ.index(sets.len()));
        let pv = preview(&p, &table, champion);
        for (row, set) in sets.iter().enumerate() {
            let d = decide(&p, set, champion.map(|c| &sets[c]));
            let r = pv.rows[row];
            prop_assert_eq!(r.passes, d.passes);
            prop_assert_eq!(r.promote_champion, d.promote_champion);
            prop_assert_eq!(r.tally, d.champion_comparison.map(|c| c.tally));
            prop_assert_eq!(r.rules_checked, d.rules_checked);
            for (i, rule) in p.rules.iter().enumerate() {
                let worst = d.checks.iter().filter(|c| c.metric == rule.metric).map(|c| c.verdict).max();
                prop_assert_eq!(Some(pv.cells(row)[i].verdict), worst);
            }
        }
    }
}
