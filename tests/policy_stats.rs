//! The noise-aware statistics against MLflow 3.18's `compare_evaluations` statistics and SciPy,
//! to the digit
//! (values captured by scripts/capture_stats_cases.py into tests/fixtures/stats_cases.json)
//! and by hand.

use podium::policy::number::display;
use podium::policy::stats::{
    compare_paired, compare_unpaired, mcnemar, mcnemar_exact, normal_quantile, normal_upper,
    Significance, Test, MIN_PAIRS,
};
use serde_json::Value;

fn fixtures() -> Value {
    serde_json::from_str(include_str!("fixtures/stats_cases.json")).unwrap()
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn close(got: f64, want: f64, relative: f64) -> bool {
    (got - want).abs() <= relative * want.abs().max(1e-300)
}

#[test]
fn the_normal_tail_matches_scipy() {
    for case in fixtures()["normal"].as_array().unwrap() {
        let z = case["z"].as_f64().unwrap();
        let want = case["upper"].as_f64().unwrap();
        let got = normal_upper(z);
        assert!(close(got, want, 1e-12), "z = {z}: {got} vs SciPy {want}");
    }
}

#[test]
fn the_normal_quantile_matches_scipy() {
    for case in fixtures()["quantile"].as_array().unwrap() {
        let p = case["p"].as_f64().unwrap();
        let want = case["z"].as_f64().unwrap();
        let got = normal_quantile(p);
        assert!(close(got, want, 1e-9), "p = {p}: {got} vs SciPy {want}");
    }
    assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
    assert_eq!(normal_quantile(1.0), f64::INFINITY);
    assert!(normal_quantile(1.5).is_nan());
}

#[test]
fn mcnemars_test_matches_mlflow() {
    for case in fixtures()["mcnemar"].as_array().unwrap() {
        let (b, c) = (case["b"].as_u64().unwrap(), case["c"].as_u64().unwrap());
        let want = case["p_value"].as_f64().unwrap();
        let got = mcnemar(b as usize, c as usize);
        let method = case["method"].as_str().unwrap();
        assert!(
            close(got, want, 1e-10),
            "b {b}, c {c} ({method}): {got} vs {want}"
        );
    }
}

#[test]
fn mcnemar_by_hand() {
    // 0 against 5 discordant pairs: 2 · (1/2)⁵.
    assert_eq!(mcnemar_exact(0, 5), 0.0625);
    assert_eq!(mcnemar_exact(4, 4), 1.0);
    assert_eq!(mcnemar_exact(0, 0), 1.0);
}

#[test]
fn p_values_tests_intervals_and_effects_match_mlflow_and_scipy() {
    for case in fixtures()["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (candidate, baseline) = (numbers(&case["candidate"]), numbers(&case["baseline"]));
        let got = match case["kind"].as_str().unwrap() {
            "paired" => compare_paired(&candidate, &baseline),
            _ => compare_unpaired(&candidate, &baseline),
        }
        .unwrap();
        let test = match got.test {
            Test::McNemar => "McNemar",
            Test::Wilcoxon => "Wilcoxon",
            Test::MannWhitney => "MannWhitney",
        };
        assert_eq!(test, case["test"].as_str().unwrap(), "{name}");
        let want = case["p_value"].as_f64().unwrap();
        assert!(
            close(got.p_value, want, 1e-9),
            "{name}: p {} vs {want}",
            got.p_value
        );
        let difference = case["difference"].as_f64().unwrap();
        assert!(close(got.difference, difference, 1e-12), "{name}");
        match case.get("effect_size") {
            Some(Value::Null) => assert!(got.effect_size.is_nan(), "{name}"),
            Some(effect) => assert!(
                close(got.effect_size, effect.as_f64().unwrap(), 1e-9),
                "{name}: effect {} vs {effect}",
                got.effect_size
            ),
            None => {}
        }
        // The same draws, sums and quantiles as MLflow's: the bounds are MLflow's to the last
        // bits, and so to every digit shown.
        let interval = numbers(&case["interval"]);
        for (bound, ours, theirs) in [
            ("low", got.interval.0, interval[0]),
            ("high", got.interval.1, interval[1]),
        ] {
            assert!(
                (ours - theirs).abs() <= 1e-12 * theirs.abs().max(1e-3),
                "{name}: {bound} {ours} vs MLflow's {theirs}"
            );
        }
        for (what, ours, theirs) in [
            ("difference", got.difference, difference),
            ("low", got.interval.0, interval[0]),
            ("high", got.interval.1, interval[1]),
            ("p", got.p_value, want),
        ] {
            assert_eq!(display(ours), display(theirs), "{name}: {what} as shown");
        }
        if let Some(pairs) = case.get("n_paired") {
            assert_eq!(got.n as u64, pairs.as_u64().unwrap(), "{name}: pairs");
        }
        let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
        assert!(
            close(got.difference, mean(&candidate) - mean(&baseline), 1e-9),
            "{name}"
        );
    }
}

#[test]
fn win_loss_and_within_noise_follow_the_interval_and_the_direction() {
    // 40 records; the candidate is 0.1 better on each, give or take a little.
    let baseline: Vec<f64> = (0..40).map(|i| 0.5 + f64::from(i % 7) * 0.05).collect();
    let better: Vec<f64> = baseline
        .iter()
        .enumerate()
        .map(|(i, b)| b + 0.1 + if i % 2 == 0 { 0.01 } else { -0.01 })
        .collect();
    let clear = compare_paired(&better, &baseline).unwrap();
    assert!(clear.interval.0 > 0.0, "{clear:?}");
    assert_eq!(clear.significance(true), Significance::Win);
    assert_eq!(
        clear.significance(false),
        Significance::Loss,
        "lower is better: a loss"
    );
    assert!(clear.effect_size > 0.99, "every pair favours the candidate");
    // ±0.01 around the baseline: the interval straddles zero.
    let noisy: Vec<f64> = baseline
        .iter()
        .enumerate()
        .map(|(i, b)| b + if i % 2 == 0 { 0.01 } else { -0.01 })
        .collect();
    let noise = compare_paired(&noisy, &baseline).unwrap();
    assert_eq!(
        noise.significance(true),
        Significance::WithinNoise,
        "{noise:?}"
    );
    assert_eq!(noise.significance(false), Significance::WithinNoise);
}

#[test]
fn the_same_rows_always_give_the_same_interval() {
    let baseline: Vec<f64> = (0..100).map(|i| f64::from(i % 10) / 10.0).collect();
    let candidate: Vec<f64> = (0..100).map(|i| f64::from((i * 7) % 10) / 10.0).collect();
    let first = compare_paired(&candidate, &baseline).unwrap();
    let again = compare_paired(&candidate, &baseline).unwrap();
    assert_eq!(first, again);
}

#[test]
fn too_few_unequal_or_non_finite_rows_give_no_comparison() {
    // Five pairs: no two-sided test could reach p < 0.05 (MLflow: "insufficient_pairs").
    let five = [1.0, 0.9, 0.8, 0.7, 0.6];
    assert!(compare_paired(&five, &[0.0; 5]).is_none());
    assert_eq!(MIN_PAIRS, 6);
    assert!(compare_paired(&[1.0, 0.5], &[0.0]).is_none());
    let mut with_nan = [0.5; 6];
    with_nan[3] = f64::NAN;
    assert!(compare_paired(&with_nan, &[0.1; 6]).is_none());
    assert!(compare_unpaired(&[1.0, 0.5], &[0.0]).is_none());
    assert!(compare_unpaired(&[1.0, f64::INFINITY], &[0.0, 0.2]).is_none());
    // Identical scores: nothing to tell apart.
    let scores = [0.5, 0.7, 0.9, 0.2, 0.4, 0.6];
    let same = compare_paired(&scores, &scores).unwrap();
    assert_eq!((same.p_value, same.difference), (1.0, 0.0));
    assert_eq!(same.interval, (0.0, 0.0));
    assert_eq!(same.significance(true), Significance::WithinNoise);
    // No spread in the differences: no effect size (MLflow reports NaN too).
    assert!(same.effect_size.is_nan());
}
