//! The rows behind an evaluation: `traces/search` answers captured from a real MLflow seeded
//! with `mlflow.genai.evaluate` runs (scripts/capture_traces), read, paired and compared.
#![cfg(not(target_arch = "wasm32"))]

use podium::mlflow::{pair_scores, EvaluatedRow, Pairing, SearchTraces, SearchTracesResponse};
use podium::policy::stats::{compare_paired, Significance, Test};
use serde_json::json;

/// judged_agent's version `v`: its rows, and the run's aggregate metrics as MLflow logged them.
fn judged(v: u32) -> (Vec<EvaluatedRow>, serde_json::Value) {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/traces_search_judged_v{v}.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let page: SearchTracesResponse = serde_json::from_str(&text).unwrap();
    let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
    (
        page.traces
            .iter()
            .map(|t| t.row(&t.trace_metadata["mlflow.sourceRun"]))
            .collect(),
        raw["podium_run_metrics"].clone(),
    )
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
            let names: Vec<&str> = row.scores.keys().map(String::as_str).collect();
            assert_eq!(names, ["exact_match", "token_overlap"], "v{v}");
            let inputs = row.inputs.as_deref().unwrap();
            assert!(inputs.starts_with(r#"{"question": "question "#), "{inputs}");
            // A list of dicts gets a fresh request id per run: rows pair on their inputs.
            assert!(row.request_id.is_some());
        }
        // The rows' means are the aggregate metrics MLflow logged on the run.
        for scorer in ["exact_match", "token_overlap"] {
            let mean = rows.iter().map(|r| r.scores[scorer]).sum::<f64>() / rows.len() as f64;
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
    assert_eq!(
        pair_scores(&candidate, &baseline, "s"),
        Pairing::Paired {
            candidate: vec![0.0, 1.0],
            baseline: vec![1.0, 0.0],
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
    let page: SearchTracesResponse = serde_json::from_value(json!({"traces": [{
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
    }]}))
    .unwrap();
    let row = page.traces[0].row("run1");
    // Nothing recorded to pair it by.
    assert_eq!((row.request_id, row.inputs), (None, None));
    assert_eq!(
        row.scores.into_iter().collect::<Vec<_>>(),
        [
            ("chunks".to_owned(), 0.75),
            ("judge".to_owned(), 1.0),
            ("strict".to_owned(), 0.0)
        ]
    );
    // No traces at all (a run that left none): an empty page.
    let empty: SearchTracesResponse = serde_json::from_str("{}").unwrap();
    assert!(empty.traces.is_empty());
}

#[test]
fn the_search_asks_for_one_runs_traces_and_refuses_odd_run_ids() {
    let search = SearchTraces::of_run("7", "0a1B9f").unwrap();
    assert_eq!(
        serde_json::to_value(&search).unwrap(),
        json!({
            "locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "7"}}],
            "filter": "metadata.`mlflow.sourceRun` = '0a1B9f'",
            "max_results": 500
        })
    );
    for odd in ["", "abc' OR '1'='1", "r-1"] {
        assert_eq!(SearchTraces::of_run("7", odd), None, "{odd:?}");
    }
}
