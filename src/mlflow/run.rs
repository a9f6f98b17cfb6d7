//! `runs/search` and `experiments/search`: where evaluation metrics live.

use serde::{Deserialize, Deserializer, Serialize};

use super::client::{Client, Request};
use super::error::ApiError;
use super::paging::all_pages;
use super::registered_model::Tag;
use crate::policy::number;

/// Page size for experiment search.
const EXPERIMENTS_PAGE: u32 = 50_000;

/// A metric's latest value, as runs and logged models report it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// The metric key, e.g. `relevance_to_query/mean`.
    pub key: String,
    /// The value; NaN and the infinities arrive as protobuf JSON strings and are kept.
    #[serde(
        deserialize_with = "metric_value",
        serialize_with = "number::serialize"
    )]
    pub value: f64,
    /// Milliseconds since the epoch.
    #[serde(default)]
    pub timestamp: Option<i64>,
    /// The step.
    #[serde(default)]
    pub step: Option<i64>,
    /// The evaluation dataset (logged-model metrics).
    #[serde(default)]
    pub dataset_name: Option<String>,
    /// The run that logged it (logged-model metrics).
    #[serde(default)]
    pub run_id: Option<String>,
}

fn metric_value<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    number::from_json(&value)
        .ok_or_else(|| serde::de::Error::custom(format!("metric value {value} is not a number")))
}

/// A run's identity and state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The run id.
    pub run_id: String,
    /// The experiment it belongs to.
    pub experiment_id: String,
}

/// A run's metrics (latest value per key), params and tags.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunData {
    /// Latest value of each metric.
    #[serde(default)]
    pub metrics: Vec<Metric>,
    /// Tags, e.g. `mlflow.runType = genai_evaluate`.
    #[serde(default)]
    pub tags: Vec<Tag>,
}

/// A dataset as MLflow records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    /// Name.
    pub name: String,
}

/// One dataset a run used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetInput {
    /// The dataset.
    pub dataset: Dataset,
}

/// What a run consumed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInputs {
    /// Datasets.
    #[serde(default)]
    pub dataset_inputs: Vec<DatasetInput>,
}

/// A run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// Identity and state.
    pub info: RunInfo,
    /// Metrics and tags.
    #[serde(default)]
    pub data: RunData,
    /// Datasets used.
    #[serde(default)]
    pub inputs: RunInputs,
}

impl Run {
    /// The value of tag `key`.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.data
            .tags
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.value.as_str())
    }
}

/// `POST runs/search` request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SearchRuns {
    /// Experiments to search (MLflow requires at least one).
    pub experiment_ids: Vec<String>,
    /// e.g. `attributes.run_id IN ('a', 'b')`.
    pub filter: String,
    /// Page size (MLflow allows up to 50 000).
    pub max_results: u32,
    /// `ACTIVE_ONLY`, `DELETED_ONLY` or `ALL`.
    pub run_view_type: String,
    /// From the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

/// `runs/search` response.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct SearchRunsResponse {
    /// This page's runs.
    #[serde(default)]
    pub runs: Vec<Run>,
    /// Present when there are more pages.
    #[serde(default)]
    pub next_page_token: Option<String>,
}

/// An experiment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Experiment {
    /// Its id.
    pub experiment_id: String,
    /// Its name.
    pub name: String,
}

/// `experiments/search` response.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct SearchExperimentsResponse {
    /// This page's experiments.
    #[serde(default)]
    pub experiments: Vec<Experiment>,
    /// Present when there are more pages.
    #[serde(default)]
    pub next_page_token: Option<String>,
}

/// MLflow's limit on run ids in one `IN (...)` filter that Podium respects.
pub const RUN_IDS_PER_SEARCH: usize = 1_000;

/// The `runs/search` filters that fetch `run_ids`, at most [`RUN_IDS_PER_SEARCH`] per filter.
pub fn run_id_filters(run_ids: &[String]) -> Vec<String> {
    id_filters("attributes.run_id", run_ids, RUN_IDS_PER_SEARCH)
}

/// `<field> IN ('id', …)` filters for `ids`, `per` ids each, quotes doubled.
pub(crate) fn id_filters(field: &str, ids: &[String], per: usize) -> Vec<String> {
    ids.chunks(per)
        .map(|chunk| {
            let quoted: Vec<String> = chunk
                .iter()
                .map(|id| format!("'{}'", id.replace('\'', "''")))
                .collect();
            format!("{field} IN ({})", quoted.join(", "))
        })
        .collect()
}

impl Client {
    /// The ids of every experiment, active or deleted (`runs/search` needs them).
    pub async fn all_experiment_ids(&self) -> Result<Vec<String>, ApiError> {
        all_pages(|token| {
            let mut request = Request::get("experiments/search")
                .query("max_results", EXPERIMENTS_PAGE.to_string())
                .query("view_type", "ALL");
            if let Some(token) = token {
                request = request.query("page_token", token);
            }
            async move {
                let page: SearchExperimentsResponse = self.read(request).await?;
                let ids = page
                    .experiments
                    .into_iter()
                    .map(|e| e.experiment_id)
                    .collect();
                Ok((ids, page.next_page_token))
            }
        })
        .await
    }

    /// One page of `runs/search` (a read sent as POST: retried like a GET).
    pub async fn search_runs(&self, search: &SearchRuns) -> Result<SearchRunsResponse, ApiError> {
        self.read(Request::post("runs/search", search)).await
    }

    /// The runs with these ids, in batches of at most [`RUN_IDS_PER_SEARCH`] ids per
    /// `runs/search` call.
    pub async fn runs_by_id(
        &self,
        run_ids: &[String],
        experiment_ids: &[String],
    ) -> Result<Vec<Run>, ApiError> {
        let mut runs = Vec::with_capacity(run_ids.len());
        for filter in run_id_filters(run_ids) {
            let batch = all_pages(|page_token| {
                let search = SearchRuns {
                    experiment_ids: experiment_ids.to_vec(),
                    filter: filter.clone(),
                    max_results: RUN_IDS_PER_SEARCH as u32,
                    run_view_type: "ALL".to_owned(),
                    page_token,
                };
                async move {
                    let page = self.search_runs(&search).await?;
                    Ok((page.runs, page.next_page_token))
                }
            })
            .await?;
            runs.extend(batch);
        }
        Ok(runs)
    }
}
