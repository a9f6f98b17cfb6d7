//! `traces/search` (REST API 3.0): the rows behind an evaluation run's aggregate metrics.
//!
//! `mlflow.genai.evaluate` writes one trace per dataset row, tagged with its run
//! (`mlflow.sourceRun`), its evaluation request (`mlflow.eval.requestId`) and its inputs
//! (`mlflow.traceInputs`), and each scorer's feedback on that row as an assessment. Rows are
//! read and paired as MLflow 3.18's `mlflow.genai.compare_evaluations` does: only valid
//! feedback without an error and written by this run counts, same-name feedback on one row is
//! averaged, and rows pair on their request id, then on their inputs, a key shared by two
//! rows of one run pairing neither. (MLflow hashes the root span's inputs with sorted keys;
//! Podium compares the inputs as recorded on the trace, which the same code writes the same
//! way.) `policy::stats` then says whether a gain is more than noise.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The path of MLflow's trace search, under the tracking server's base URL.
pub const SEARCH_TRACES: &str = "/api/3.0/mlflow/traces/search";

/// Traces per `traces/search` page.
pub const TRACES_PAGE: u32 = 500;

/// `POST /api/3.0/mlflow/traces/search`: one experiment's traces of one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchTraces {
    /// Where to look: the run's experiment.
    pub locations: Vec<TraceLocation>,
    /// `metadata.\`mlflow.sourceRun\` = '<run id>'`.
    pub filter: String,
    /// Page size.
    pub max_results: u32,
    /// The next page's token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

/// A trace location: an MLflow experiment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceLocation {
    /// Always `MLFLOW_EXPERIMENT`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The experiment.
    pub mlflow_experiment: ExperimentLocation,
}

/// An experiment as a trace location.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExperimentLocation {
    /// Its id.
    pub experiment_id: String,
}

impl SearchTraces {
    /// The first page of run `run_id`'s traces in experiment `experiment_id`; `None` if the run
    /// id is not one MLflow makes (hex digits), so nothing odd reaches the filter.
    pub fn of_run(experiment_id: &str, run_id: &str) -> Option<SearchTraces> {
        if run_id.is_empty() || !run_id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(SearchTraces {
            locations: vec![TraceLocation {
                kind: "MLFLOW_EXPERIMENT",
                mlflow_experiment: ExperimentLocation {
                    experiment_id: experiment_id.to_owned(),
                },
            }],
            filter: format!("metadata.`mlflow.sourceRun` = '{run_id}'"),
            max_results: TRACES_PAGE,
            page_token: None,
        })
    }
}

/// One page of traces.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SearchTracesResponse {
    /// The traces (absent when there are none).
    #[serde(default)]
    pub traces: Vec<TraceInfo>,
    /// The next page's token, if any.
    #[serde(default)]
    pub next_page_token: Option<String>,
}

/// A trace's info: its metadata, tags and the assessments written on it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TraceInfo {
    /// The trace id.
    pub trace_id: String,
    /// `mlflow.sourceRun`, `mlflow.traceInputs`, …
    #[serde(default)]
    pub trace_metadata: BTreeMap<String, String>,
    /// `mlflow.eval.requestId`, …
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Feedback and expectations on this trace.
    #[serde(default)]
    pub assessments: Vec<Assessment>,
}

/// One assessment: a scorer's feedback (or a human's expectation) on a trace.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Assessment {
    /// The scorer's name, e.g. `exact_match`.
    pub assessment_name: String,
    /// The feedback (absent for expectations).
    #[serde(default)]
    pub feedback: Option<Feedback>,
    /// False once another assessment overrides it.
    #[serde(default = "valid_by_default")]
    pub valid: bool,
    /// `mlflow.assessment.sourceRunId`: the evaluation run that wrote it.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

fn valid_by_default() -> bool {
    true
}

/// A feedback's value, or the error the scorer met on the row.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Feedback {
    /// `true`/`false`, a number, or a judge's `"yes"`/`"no"`.
    #[serde(default)]
    pub value: Option<serde_json::Value>,
    /// Set when the scorer failed on the row.
    #[serde(default)]
    pub error: Option<serde_json::Value>,
}

/// One evaluated row: what identifies it across evaluations, and each scorer's score on it.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluatedRow {
    /// The evaluation request (a managed dataset's record keeps it across runs).
    pub request_id: Option<String>,
    /// The row's inputs as MLflow recorded them.
    pub inputs: Option<String>,
    /// Scorer name → score: pass/fail as 1 or 0, numbers as they are; several feedbacks of
    /// one name averaged.
    pub scores: BTreeMap<String, f64>,
}

impl TraceInfo {
    /// The trace as a row of evaluation run `run_id`: the valid, error-free feedback that run
    /// (or no run) wrote, with a usable value.
    pub fn row(&self, run_id: &str) -> EvaluatedRow {
        let mut sums: BTreeMap<&str, (f64, u32)> = BTreeMap::new();
        for a in &self.assessments {
            let by = a.metadata.get("mlflow.assessment.sourceRunId");
            let Some(feedback) = &a.feedback else {
                continue;
            };
            if !a.valid || feedback.error.is_some() || by.is_some_and(|r| r != run_id) {
                continue;
            }
            if let Some(value) = feedback.value.as_ref().and_then(score) {
                let sum = sums.entry(&a.assessment_name).or_default();
                *sum = (sum.0 + value, sum.1 + 1);
            }
        }
        EvaluatedRow {
            request_id: self.tags.get("mlflow.eval.requestId").cloned(),
            inputs: self.trace_metadata.get("mlflow.traceInputs").cloned(),
            scores: sums
                .into_iter()
                .map(|(name, (sum, n))| (name.to_owned(), sum / f64::from(n)))
                .collect(),
        }
    }
}

/// A feedback value as a number: pass/fail and yes/no as 1 or 0.
fn score(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Bool(pass) => Some(if *pass { 1.0 } else { 0.0 }),
        serde_json::Value::Number(n) => n.as_f64().filter(|v| v.is_finite()),
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("yes") => Some(1.0),
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("no") => Some(0.0),
        _ => None,
    }
}

/// One scorer's scores of two evaluations, paired by row where that is possible.
#[derive(Debug, Clone, PartialEq)]
pub enum Pairing {
    /// `candidate[i]` and `baseline[i]` scored the same row; `unmatched` rows (of either side)
    /// had no partner and are left out.
    Paired {
        candidate: Vec<f64>,
        baseline: Vec<f64>,
        unmatched: usize,
    },
    /// No row pairs, for the reason given: every score of each side.
    Unpaired {
        candidate: Vec<f64>,
        baseline: Vec<f64>,
        why: &'static str,
    },
}

/// Pairs two evaluations' rows (on the request id, then on the inputs) and takes `scorer`'s
/// scores of the pairs where both rows have one.
pub fn pair_scores(candidate: &[EvaluatedRow], baseline: &[EvaluatedRow], scorer: &str) -> Pairing {
    let (pairs, duplicates) = pair_rows(candidate, baseline);
    let (cand, base): (Vec<f64>, Vec<f64>) = pairs
        .iter()
        .filter_map(|&(c, b)| {
            Some((
                *candidate[c].scores.get(scorer)?,
                *baseline[b].scores.get(scorer)?,
            ))
        })
        .unzip();
    let all = |rows: &[EvaluatedRow]| -> Vec<f64> {
        rows.iter()
            .filter_map(|r| r.scores.get(scorer).copied())
            .collect()
    };
    if cand.is_empty() {
        return Pairing::Unpaired {
            candidate: all(candidate),
            baseline: all(baseline),
            why: if duplicates {
                "the same inputs were evaluated more than once"
            } else {
                "the two evaluations share no rows"
            },
        };
    }
    let scored = all(candidate).len() + all(baseline).len();
    Pairing::Paired {
        unmatched: scored - 2 * cand.len(),
        candidate: cand,
        baseline: base,
    }
}

/// The pairs of row indices `(candidate, baseline)`, and whether a key was shared by two rows
/// of one run (those rows are left unpaired on that key).
fn pair_rows(candidate: &[EvaluatedRow], baseline: &[EvaluatedRow]) -> (Vec<(usize, usize)>, bool) {
    let mut pairs = Vec::new();
    let mut duplicates = false;
    let mut left: [Vec<usize>; 2] = [
        (0..candidate.len()).collect(),
        (0..baseline.len()).collect(),
    ];
    let keys: [fn(&EvaluatedRow) -> Option<&str>; 2] =
        [|r| r.request_id.as_deref(), |r| r.inputs.as_deref()];
    for key in keys {
        let cand_by = unique(candidate, &left[0], key);
        let base_by = unique(baseline, &left[1], key);
        duplicates |= cand_by
            .values()
            .chain(base_by.values())
            .any(Option::is_none);
        for (k, c) in cand_by {
            if let (Some(c), Some(Some(b))) = (c, base_by.get(k)) {
                pairs.push((c, *b));
            }
        }
        left[0].retain(|i| !pairs.iter().any(|p| p.0 == *i));
        left[1].retain(|i| !pairs.iter().any(|p| p.1 == *i));
    }
    (pairs, duplicates)
}

/// Key → the one row of `left` that has it (`None` when several do).
fn unique<'a>(
    rows: &'a [EvaluatedRow],
    left: &[usize],
    key: fn(&EvaluatedRow) -> Option<&str>,
) -> BTreeMap<&'a str, Option<usize>> {
    let mut by: BTreeMap<&str, Option<usize>> = BTreeMap::new();
    for &i in left {
        if let Some(k) = key(&rows[i]) {
            by.entry(k).and_modify(|e| *e = None).or_insert(Some(i));
        }
    }
    by
}
