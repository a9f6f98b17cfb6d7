//! `traces/search` (REST API 3.0): the rows behind an evaluation run's aggregate metrics.
//!
//! `mlflow.genai.evaluate` writes one trace per dataset row, tagged with its run
//! (`mlflow.sourceRun`) and carrying its inputs (`mlflow.traceInputs`), and each scorer's
//! feedback on that row as an assessment. Two evaluations of the same data are paired by the
//! rows' inputs; `policy::stats` then says whether a gain is more than noise.

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

/// A trace's info: its metadata and the assessments written on it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TraceInfo {
    /// The trace id.
    pub trace_id: String,
    /// `mlflow.sourceRun`, `mlflow.traceInputs`, …
    #[serde(default)]
    pub trace_metadata: BTreeMap<String, String>,
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
}

fn valid_by_default() -> bool {
    true
}

/// A feedback's value; absent when the scorer failed on the row.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Feedback {
    /// `true`/`false`, a number, or a judge's `"yes"`/`"no"`.
    #[serde(default)]
    pub value: Option<serde_json::Value>,
}

/// One evaluated row: what identifies it across evaluations, and each scorer's score on it.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluatedRow {
    /// The row's inputs as MLflow recorded them (the trace id when it recorded none).
    pub record: String,
    /// Scorer name → score: pass/fail as 1 or 0, numbers as they are.
    pub scores: BTreeMap<String, f64>,
}

impl TraceInfo {
    /// The trace as an evaluated row: its valid feedback with a usable value.
    pub fn row(&self) -> EvaluatedRow {
        let record = self
            .trace_metadata
            .get("mlflow.traceInputs")
            .cloned()
            .unwrap_or_else(|| self.trace_id.clone());
        let scores = self
            .assessments
            .iter()
            .filter(|a| a.valid)
            .filter_map(|a| {
                let value = a.feedback.as_ref()?.value.as_ref()?;
                Some((a.assessment_name.clone(), score(value)?))
            })
            .collect();
        EvaluatedRow { record, scores }
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
    /// The rows could not be paired, for the reason given: every score of each side.
    Unpaired {
        candidate: Vec<f64>,
        baseline: Vec<f64>,
        why: &'static str,
    },
}

/// Pairs `scorer`'s scores of two evaluations by their rows' inputs.
pub fn pair_scores(candidate: &[EvaluatedRow], baseline: &[EvaluatedRow], scorer: &str) -> Pairing {
    let scored = |rows: &[EvaluatedRow]| -> Vec<(String, f64)> {
        rows.iter()
            .filter_map(|r| Some((r.record.clone(), *r.scores.get(scorer)?)))
            .collect()
    };
    let (cand, base) = (scored(candidate), scored(baseline));
    let unpaired = |why| Pairing::Unpaired {
        candidate: cand.iter().map(|(_, s)| *s).collect(),
        baseline: base.iter().map(|(_, s)| *s).collect(),
        why,
    };
    let by_record = |rows: &[(String, f64)]| -> Option<BTreeMap<String, f64>> {
        let map: BTreeMap<String, f64> = rows.iter().cloned().collect();
        (map.len() == rows.len()).then_some(map)
    };
    let (Some(cand_by), Some(base_by)) = (by_record(&cand), by_record(&base)) else {
        return unpaired("the same inputs were evaluated more than once");
    };
    let (candidate, baseline): (Vec<f64>, Vec<f64>) = cand_by
        .iter()
        .filter_map(|(record, c)| Some((*c, *base_by.get(record)?)))
        .unzip();
    if candidate.is_empty() {
        return unpaired("the two evaluations share no inputs");
    }
    Pairing::Paired {
        unmatched: cand.len() + base.len() - 2 * candidate.len(),
        candidate,
        baseline,
    }
}
