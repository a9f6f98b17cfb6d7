//! The rows behind an evaluation: `traces/search` answers captured from a real MLflow seeded
//! with `mlflow.genai.evaluate` runs (scripts/capture_traces), read, paired and compared.
#![cfg(not(target_arch = "wasm32"))]

use podium::mlflow::{
    evaluated_row, logged_comparison, pair_scores, read_page, row_comparisons, runs_to_read,
    EvaluatedRow, Evaluation, MetricEvidence, ModelVersion, Pairing, SearchTraces, VersionReview,
};
use podium::policy::stats::{compare_paired, Significance, Test};
use podium::policy::{
    decide, decide_with_rows, row_comparison, summary, MetricOutcome, Policy, RowComparisons, Rule,
};
use serde_json::json;

/// The captured `traces/search` answer for judged_agent's version `v`, with the run's logged
/// metrics under `podium_run_metrics`.
fn fixture(v: u32) -> serde_json::Value {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/traces_search_judged_v{v}.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The run a captured answer's traces belong to.
fn source_run(raw: &serde_json::Value) -> &str {
    raw["traces"][0]["trace_metadata"]["mlflow.sourceRun"]
        .as_str()
        .unwrap()
}

/// judged_agent's version `v`: its rows, and the run's aggregate metrics as MLflow logged them.
fn judged(v: u32) -> (Vec<EvaluatedRow>, serde_json::Value) {
    let raw = fixture(v);
    let (rows, next) = read_page(&raw, source_run(&raw));
    assert_eq!(next, None);
    (rows, raw["podium_run_metrics"].clone())
}

/// A metric value logged by `run`.
fn evidence(value: f64, run: Option<String>) -> MetricEvidence {
    MetricEvidence {
        value,
        run_id: run,
        dataset: None,
        timestamp: None,
    }
}

fn logged(metrics: &serde_json::Value, key: &str) -> f64 {
    metrics
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == key)
        .unwrap()["value"]
        .as_f64()
        .unwrap()
}

fn paired(candidate: u32, baseline: u32, scorer: &str) -> (Vec<f64>, Vec<f64>) {
    match pair_scores(&judged(candidate).0, &judged(baseline).0, scorer) {
        Pairing::Paired {
            candidate,
            baseline,
            unmatched,
        } => {
            assert_eq!(unmatched, 0);
            (candidate, baseline)
        }
        other => panic!("not paired: {other:?}"),
    }
}

#[test]
fn every_row_of_an_evaluation_is_read_with_each_scorers_feedback() {
    for v in 1..=3 {
        let (rows, metrics) = judged(v);
        assert_eq!(rows.len(), 40, "v{v}");
        for row in &rows {
            // The expectation ("answer") is not a score; the two scorers are.
            let mut names: Vec<&str> = row.scores.iter().map(|(s, _)| s.as_str()).collect();
            names.sort_unstable();
            assert_eq!(names, ["exact_match", "token_overlap"], "v{v}");
            let inputs = row.inputs.as_deref().unwrap();
            assert!(inputs.starts_with(r#"{"question": "question "#), "{inputs}");
            // A list of dicts gets a fresh request id per run: rows pair on their inputs.
            assert!(row.request_id.is_some());
        }
        // The rows' means are the aggregate metrics MLflow logged on the run.
        for scorer in ["exact_match", "token_overlap"] {
            let mean =
                rows.iter().map(|r| r.score(scorer).unwrap()).sum::<f64>() / rows.len() as f64;
            let want = logged(&metrics, &format!("{scorer}/mean"));
            assert!(
                (mean - want).abs() < 1e-12,
                "v{v} {scorer}: {mean} vs {want}"
            );
        }
    }
}

#[test]
fn a_clear_gain_is_a_win_and_a_small_one_is_within_noise() {
    // v3 answers 11 questions v1 missed and misses 1 v1 answered: McNemar's exact p-value is
    // 2 · (C(12,0) + C(12,1)) / 2^12.
    let (v3, v1) = paired(3, 1, "exact_match");
    assert_eq!(v3.len(), 40);
    let clear = compare_paired(&v3, &v1).unwrap();
    assert_eq!(clear.test, Test::McNemar);
    assert!((clear.difference - 10.0 / 40.0).abs() < 1e-12);
    assert!(
        (clear.p_value - 26.0 / 4096.0).abs() < 1e-12,
        "{}",
        clear.p_value
    );
    assert_eq!(clear.significance(true), Significance::Win);

    // v2: 3 more right, 1 more wrong: p = 2 · (1 + 4) / 16.
    let (v2, v1) = paired(2, 1, "exact_match");
    let close = compare_paired(&v2, &v1).unwrap();
    assert!((close.difference - 2.0 / 40.0).abs() < 1e-12);
    assert!(
        (close.p_value - 10.0 / 16.0).abs() < 1e-12,
        "{}",
        close.p_value
    );
    assert_eq!(close.significance(true), Significance::WithinNoise);
    assert!(close.interval.0 < 0.0 && close.interval.1 > 0.0);

    // The numeric scorer is compared by Wilcoxon's test, the same way round.
    let (v3, v1) = paired(3, 1, "token_overlap");
    let numeric = compare_paired(&v3, &v1).unwrap();
    assert_eq!(numeric.test, Test::Wilcoxon);
    assert_eq!(numeric.significance(true), Significance::Win);
}

fn row(inputs: &str, score: f64) -> EvaluatedRow {
    EvaluatedRow {
        request_id: None,
        inputs: Some(inputs.to_owned()),
        scores: [("s".to_owned(), score)].into(),
    }
}

fn with_request(request: &str, inputs: &str, score: f64) -> EvaluatedRow {
    EvaluatedRow {
        request_id: Some(request.to_owned()),
        ..row(inputs, score)
    }
}

#[test]
fn rows_pair_by_their_inputs_whatever_their_order() {
    let candidate = [row("b", 1.0), row("a", 0.0), row("only here", 1.0)];
    let baseline = [row("a", 1.0), row("b", 0.0)];
    // In the candidate's row order, as MLflow's pairing (a dict of the candidate's rows) does.
    assert_eq!(
        pair_scores(&candidate, &baseline, "s"),
        Pairing::Paired {
            candidate: vec![1.0, 0.0],
            baseline: vec![0.0, 1.0],
            unmatched: 1,
        }
    );
}

#[test]
fn rows_pair_on_their_request_first_then_on_their_inputs_as_mlflow_does() {
    // r1 pairs on its request although its inputs were recorded differently; "x" has no
    // request in common and pairs on its inputs; r9 has no partner at all.
    let candidate = [
        with_request("r1", "inputs as run A saw them", 1.0),
        with_request("r2", "x", 1.0),
        with_request("r9", "only here", 0.0),
    ];
    let baseline = [
        with_request("r1", "inputs as run B saw them", 0.0),
        with_request("r3", "x", 0.0),
    ];
    assert_eq!(
        pair_scores(&candidate, &baseline, "s"),
        Pairing::Paired {
            candidate: vec![1.0, 1.0],
            baseline: vec![0.0, 0.0],
            unmatched: 1,
        }
    );
    // A request id shared by two rows of one run pairs neither on it; their inputs still pair.
    let candidate = [with_request("r1", "a", 1.0), with_request("r1", "b", 0.0)];
    let baseline = [with_request("r1", "a", 0.0), with_request("r2", "b", 1.0)];
    assert_eq!(
        pair_scores(&candidate, &baseline, "s"),
        Pairing::Paired {
            candidate: vec![1.0, 0.0],
            baseline: vec![0.0, 1.0],
            unmatched: 0,
        }
    );
}

#[test]
fn rows_that_cannot_be_paired_are_compared_unpaired_and_say_why() {
    let twice = [row("a", 1.0), row("a", 0.0)];
    let once = [row("a", 1.0), row("b", 1.0)];
    // Rows sharing inputs within a run pair with nothing.
    assert!(matches!(
        pair_scores(&twice, &once, "s"),
        Pairing::Unpaired { why, ref candidate, .. }
            if why.contains("more than once") && candidate.len() == 2
    ));
    let other = [row("c", 1.0), row("d", 0.0)];
    assert!(matches!(
        pair_scores(&other, &once, "s"),
        Pairing::Unpaired { why, .. } if why.contains("share no rows")
    ));
}

#[test]
fn only_valid_feedback_of_this_run_with_a_score_counts_and_repeats_are_averaged() {
    let mine = json!({"mlflow.assessment.sourceRunId": "run1"});
    let theirs = json!({"mlflow.assessment.sourceRunId": "run2"});
    let trace = json!({
        "trace_id": "tr-1",
        "assessments": [
            {"assessment_name": "judge", "feedback": {"value": "Yes"}, "metadata": mine},
            {"assessment_name": "strict", "feedback": {"value": "no"}},
            {"assessment_name": "chunks", "feedback": {"value": 0.5}, "metadata": mine},
            {"assessment_name": "chunks", "feedback": {"value": true}, "metadata": mine},
            {"assessment_name": "other", "feedback": {"value": 1.0}, "metadata": theirs},
            {"assessment_name": "old", "feedback": {"value": 1.0}, "valid": false},
            {"assessment_name": "failed", "feedback": {"error": {"error_message": "timeout"}}},
            {"assessment_name": "half", "feedback": {"value": 1.0, "error": {"error_code": "X"}}},
            {"assessment_name": "odd", "feedback": {"value": "maybe"}},
            {"assessment_name": "answer", "expectation": {"value": "42"}}
        ]
    });
    let row = evaluated_row(&trace, "run1");
    // Nothing recorded to pair it by.
    assert_eq!((row.request_id, row.inputs), (None, None));
    let mut scores = row.scores;
    scores.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        scores,
        [
            ("chunks".to_owned(), 0.75),
            ("judge".to_owned(), 1.0),
            ("strict".to_owned(), 0.0)
        ]
    );
    // No traces at all (a run that left none): an empty page.
    assert_eq!(read_page(&json!({}), "run1"), (vec![], None));
}

#[test]
fn the_search_asks_for_one_runs_traces_and_refuses_odd_run_ids() {
    let search = SearchTraces::of_run("7", "0a1B9f").unwrap();
    assert_eq!(
        search.body(None),
        json!({
            "locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "7"}}],
            "filter": "metadata.`mlflow.sourceRun` = '0a1B9f'",
            "max_results": 500
        })
    );
    assert_eq!(search.body(Some("t2"))["page_token"], "t2");
    for odd in ["", "abc' OR '1'='1", "r-1"] {
        assert_eq!(SearchTraces::of_run("7", odd), None, "{odd:?}");
    }
}

/// judged_agent's version `v` as the review holds it (its run's logged metrics, with the run),
/// and that run's rows.
fn judged_version(v: u32) -> (VersionReview, (String, Vec<EvaluatedRow>)) {
    let (rows, logged) = judged(v);
    let raw = fixture(v);
    let run = source_run(&raw).to_owned();
    let experiment = raw["traces"][0]["trace_location"]["mlflow_experiment"]["experiment_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let metrics = logged
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let logged = evidence(m["value"].as_f64().unwrap(), Some(run.clone()));
            (m["key"].as_str().unwrap().to_owned(), logged)
        })
        .collect();
    let version = VersionReview {
        version: ModelVersion {
            name: "judged_agent".to_owned(),
            version: v.to_string(),
            creation_timestamp: None,
            source: None,
            run_id: Some(run.clone()),
            tags: vec![],
            model_id: None,
        },
        aliases: vec![],
        evaluation: Evaluation::Run {
            run_id: run.clone(),
        },
        metrics,
        experiment_id: Some(experiment),
        quality_criteria: None,
    };
    (version, (run, rows))
}

fn scorers_policy() -> Policy {
    Policy::from_json(
        r#"{"rules": [{"metric": "exact_match/mean", "threshold": 0.5},
                      {"metric": "token_overlap/mean", "threshold": 0.5}],
            "champion_metrics": ["exact_match/mean", "token_overlap/mean"]}"#,
    )
    .unwrap()
}

/// Candidate `v` against champion v1: what the comparison reads, and its per-row comparisons.
fn against_v1(
    v: u32,
) -> (
    Vec<(String, String)>,
    RowComparisons,
    VersionReview,
    VersionReview,
) {
    let policy = scorers_policy();
    let (cand, cand_rows) = judged_version(v);
    let (champ, champ_rows) = judged_version(1);
    let (metrics, aliases) = (&policy.champion_metrics, &policy.metric_aliases);
    let runs = runs_to_read(metrics, aliases, &cand, &champ);
    let read = [cand_rows, champ_rows];
    let compared = row_comparisons(metrics, aliases, &cand, &champ, &read);
    (runs, compared, cand, champ)
}

#[test]
fn each_key_metric_is_compared_on_the_rows_of_the_runs_that_logged_it() {
    let (runs, compared, cand, champ) = against_v1(2);
    // One read per run: the candidate's, then the champion's, in the runs' experiment.
    let run = |v: &VersionReview| {
        (
            v.experiment_id.clone().unwrap(),
            v.version.run_id.clone().unwrap(),
        )
    };
    assert_eq!(runs, [run(&cand), run(&champ)]);
    assert_eq!(
        compared.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>(),
        ["exact_match/mean", "token_overlap/mean"]
    );
    for (metric, c) in &compared {
        assert!(c.paired, "{metric}");
        assert_eq!(c.n, 40, "{metric}");
        // The per-row means are the logged aggregates.
        let logged = |v: &VersionReview| v.metrics[metric].value;
        assert!((c.candidate_mean - logged(&cand)).abs() < 1e-12, "{metric}");
        assert!((c.baseline_mean - logged(&champ)).abs() < 1e-12, "{metric}");
    }
    // Without the champion's rows there is nothing to compare.
    let policy = scorers_policy();
    let (metrics, aliases) = (&policy.champion_metrics, &policy.metric_aliases);
    let only_candidate = [judged_version(2).1];
    assert!(row_comparisons(metrics, aliases, &cand, &champ, &only_candidate).is_empty());
}

#[test]
fn the_noise_aware_rule_keeps_the_champion_for_a_gain_within_noise_and_not_for_a_clear_one() {
    let mut policy = scorers_policy();
    policy.noise_aware_champion = true;
    // v2: higher means on both key metrics, so the seed's rule crowns it; its per-row gain is
    // within noise on both, so the noise-aware rule counts two ties and the champion stays.
    let (_, compared, cand, champ) = against_v1(2);
    for (_, c) in &compared {
        assert_eq!(c.significance(true), Significance::WithinNoise);
    }
    let seed = decide(&policy, &cand.metric_set(), Some(&champ.metric_set()));
    assert!(seed.promote_champion);
    let aware = decide_with_rows(
        &policy,
        &cand.metric_set(),
        Some(&champ.metric_set()),
        Some(&compared),
    );
    let tally = aware.champion_comparison.as_ref().unwrap().tally;
    assert_eq!(
        (tally.candidate_wins, tally.champion_wins, tally.ties),
        (0, 0, 2)
    );
    assert!(aware.passes && aware.promote_production && !aware.promote_champion);
    assert!(aware.warnings.is_empty(), "{:?}", aware.warnings);
    // v3: a clear win on both.
    let (_, compared, cand, champ) = against_v1(3);
    for (_, c) in &compared {
        assert_eq!(c.significance(true), Significance::Win);
    }
    let aware = decide_with_rows(
        &policy,
        &cand.metric_set(),
        Some(&champ.metric_set()),
        Some(&compared),
    );
    assert_eq!(aware.champion_comparison.unwrap().tally.candidate_wins, 2);
    assert!(aware.promote_champion);
}

#[test]
fn the_rows_count_only_under_the_opt_in_rule_and_the_champion_waits_for_them() {
    let mut policy = scorers_policy();
    let (_, compared, cand, champ) = against_v1(2);
    let (cand, champ) = (cand.metric_set(), champ.metric_set());
    // Off (the seed's dict): the rows change nothing.
    let seed = decide(&policy, &cand, Some(&champ));
    assert_eq!(
        decide_with_rows(&policy, &cand, Some(&champ), Some(&compared)),
        seed
    );
    assert_eq!(decide_with_rows(&policy, &cand, Some(&champ), None), seed);
    // On, before the rows are read: production as the seed decides, the champion stays and
    // the plan says why.
    policy.noise_aware_champion = true;
    let waiting = decide_with_rows(&policy, &cand, Some(&champ), None);
    assert!(waiting.promote_production && !waiting.promote_champion);
    assert!(waiting.champion_comparison.as_ref().unwrap().rows_pending);
    let holders = [("champion", "1"), ("production", "1")]
        .map(|(a, v)| (a.to_owned(), v.to_owned()))
        .into();
    assert_eq!(
        summary(&policy, &waiting, "2", &holders),
        "production: v1 → v2 · champion stays v1: the noise-aware rule waits for the per-row \
         comparison"
    );
}

#[test]
fn a_key_metric_without_rows_falls_back_to_its_means_and_says_so() {
    let mut policy = scorers_policy();
    policy.noise_aware_champion = true;
    policy.champion_metrics.push("latency_ms".to_owned());
    policy.rules.push(Rule {
        greater_is_better: false,
        ..Rule::threshold("latency_ms", 900.0)
    });
    let (_, compared, mut cand, mut champ) = against_v1(2);
    for (v, latency) in [(&mut cand, 700.0), (&mut champ, 800.0)] {
        let logged = evidence(latency, v.version.run_id.clone());
        v.metrics.insert("latency_ms".to_owned(), logged);
    }
    let aware = decide_with_rows(
        &policy,
        &cand.metric_set(),
        Some(&champ.metric_set()),
        Some(&compared),
    );
    let cmp = aware.champion_comparison.unwrap();
    // Two ties within noise, and a win by the means of the metric with no rows: 1 to 0.
    assert_eq!(cmp.metrics[2].outcome, MetricOutcome::CandidateWins);
    assert_eq!((cmp.tally.candidate_wins, cmp.tally.ties), (1, 2));
    assert!(cmp.candidate_better);
    assert_eq!(
        aware.warnings,
        ["No per-row data for latency_ms: compared by its means (the seed's rule)"]
    );
}

/// What MLflow 3.18's own `compare_evaluations` returned and logged for judged_agent's `pair`
/// (`v2_vs_v1`, `v3_vs_v1`), captured by scripts/capture_compare.py from the same runs as the
/// rows.
fn mlflow_compared(pair: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/compare_evaluations_judged.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()[pair].clone()
}

#[test]
fn podiums_comparison_agrees_with_mlflows_compare_evaluations_on_the_same_runs() {
    for (v, pair) in [(2, "v2_vs_v1"), (3, "v3_vs_v1")] {
        let mlflow = mlflow_compared(pair);
        let (_, compared, cand, champ) = against_v1(v);
        // The same runs.
        assert_eq!(
            mlflow["candidate_run_id"],
            cand.version.run_id.clone().unwrap()
        );
        assert_eq!(
            mlflow["baseline_run_id"],
            champ.version.run_id.clone().unwrap()
        );
        for (scorer, theirs) in mlflow["scorers"].as_object().unwrap() {
            let ours = row_comparison(&compared, &format!("{scorer}/mean")).unwrap();
            let at = format!("{pair} {scorer}");
            let num = |k: &str| theirs[k].as_f64().unwrap();
            assert_eq!(ours.n as u64, theirs["n_paired"].as_u64().unwrap(), "{at}");
            let test = match ours.test {
                Test::McNemar => "mcnemar_exact",
                Test::Wilcoxon => "wilcoxon_exact",
                Test::MannWhitney => "mann_whitney",
            };
            assert_eq!(test, theirs["method"], "{at}");
            for (what, mine, expected) in [
                ("diff", ours.difference, num("diff")),
                ("p", ours.p_value, num("p_value")),
                ("d_z", ours.effect_size, num("effect_size")),
            ] {
                assert!(
                    (mine - expected).abs() <= 1e-9 * expected.abs().max(1e-12),
                    "{at} {what}: Podium {mine}, MLflow {expected}"
                );
            }
            // The same draws (NumPy's default_rng(0)) of the same pairs in the same order: the
            // bounds are MLflow's, to every digit shown.
            let (low, high) = ours.interval;
            for (what, mine, expected) in
                [("low", low, num("ci_low")), ("high", high, num("ci_high"))]
            {
                assert!(
                    (mine - expected).abs() <= 1e-12,
                    "{at} {what}: Podium {mine}, MLflow {expected}"
                );
            }
            // And they say the same: within noise for v2, a win for v3.
            let mlflow_says = if num("ci_low") > 0.0 {
                Significance::Win
            } else {
                Significance::WithinNoise
            };
            assert_eq!(ours.significance(true), mlflow_says, "{at}");
        }
    }
}

#[test]
fn mlflows_own_comparison_is_read_from_the_candidates_run_when_it_logged_one() {
    let policy = scorers_policy();
    let aliases = &policy.metric_aliases;
    let (_, _, mut cand, champ) = against_v1(3);
    assert_eq!(
        logged_comparison(aliases, &cand, &champ, "exact_match/mean"),
        None
    );
    // The metrics compare_evaluations(log_results=True) wrote on v3's run:
    // compare/<v1's run id[:8]>/<scorer>/{diff,ci_low,ci_high,p_value,effect_size,n_paired}.
    let mlflow = mlflow_compared("v3_vs_v1");
    for (key, value) in mlflow["logged_metrics"].as_object().unwrap() {
        let logged = evidence(value.as_f64().unwrap(), cand.version.run_id.clone());
        cand.metrics.insert(key.clone(), logged);
    }
    let theirs = &mlflow["scorers"]["exact_match"];
    let num = |k: &str| theirs[k].as_f64().unwrap();
    assert_eq!(
        logged_comparison(aliases, &cand, &champ, "exact_match/mean"),
        Some((num("diff"), (num("ci_low"), num("ci_high")), num("p_value")))
    );
    assert!(logged_comparison(aliases, &cand, &champ, "token_overlap/mean").is_some());
    // Logged against another baseline: not this comparison.
    assert_eq!(
        logged_comparison(aliases, &cand, &cand, "exact_match/mean"),
        None
    );
}
