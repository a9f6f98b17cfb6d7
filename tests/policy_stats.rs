//! The noise-aware statistics against SciPy and statsmodels (values captured by
//! scripts/capture_stats_cases.py into tests/fixtures/stats_cases.json) and by hand.

use podium::policy::stats::{
    compare_paired, compare_unpaired, mcnemar_exact, normal_upper, Significance, Test,
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
fn mcnemars_exact_test_matches_statsmodels() {
    for case in fixtures()["mcnemar"].as_array().unwrap() {
        let (b, c) = (case["b"].as_u64().unwrap(), case["c"].as_u64().unwrap());
        let want = case["p_value"].as_f64().unwrap();
        let got = mcnemar_exact(b as usize, c as usize);
        assert!(close(got, want, 1e-10), "b {b}, c {c}: {got} vs {want}");
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
fn p_values_tests_and_intervals_match_scipy() {
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
            "{name}: p {} vs SciPy {want}",
            got.p_value
        );
        // Two bootstraps with different generators: their bounds differ by Monte Carlo error.
        let interval = numbers(&case["interval"]);
        let spread = (interval[1] - interval[0]).abs();
        for (bound, (ours, theirs)) in ["low", "high"]
            .iter()
            .zip([(got.interval.0, interval[0]), (got.interval.1, interval[1])])
        {
            assert!(
                (ours - theirs).abs() <= 0.02 * spread + 1e-12,
                "{name}: {bound} {ours} vs SciPy {theirs} (interval width {spread})"
            );
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
    assert!(compare_paired(&[1.0], &[0.0]).is_none());
    assert!(compare_paired(&[1.0, 0.5], &[0.0]).is_none());
    assert!(compare_paired(&[1.0, f64::NAN], &[0.0, 0.1]).is_none());
    assert!(compare_unpaired(&[1.0, 0.5], &[0.0]).is_none());
    assert!(compare_unpaired(&[1.0, f64::INFINITY], &[0.0, 0.2]).is_none());
    // Identical scores: nothing to tell apart.
    let same = compare_paired(&[0.5, 0.7, 0.9], &[0.5, 0.7, 0.9]).unwrap();
    assert_eq!((same.p_value, same.difference), (1.0, 0.0));
    assert_eq!(same.significance(true), Significance::WithinNoise);
}
