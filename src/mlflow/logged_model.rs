//! Logged models (MLflow 3): models with their own evaluation metrics, read in batches with
//! `logged-models/search`.

use serde::{Deserialize, Serialize};

use super::run::Metric;

/// A logged model's identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedModelInfo {
    /// `m-<hex>`.
    pub model_id: String,
}

/// A logged model's metrics, each with the run and dataset it was measured on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoggedModelData {
    /// Every metric value logged against the model.
    #[serde(default)]
    pub metrics: Vec<Metric>,
}

/// A logged model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedModel {
    /// Identity.
    pub info: LoggedModelInfo,
    /// Metrics.
    #[serde(default)]
    pub data: LoggedModelData,
}

/// `GET logged-models/<id>` response.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GetLoggedModelResponse {
    /// The model.
    pub model: LoggedModel,
}

/// `POST logged-models/search` request (a read).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchLoggedModels {
    /// Experiments to search (MLflow requires them).
    pub experiment_ids: Vec<String>,
    /// E.g. `model_id IN ('m-1', 'm-2')`.
    pub filter: String,
    /// Page size.
    pub max_results: u32,
    /// Continuation token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

/// `logged-models/search` response.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct SearchLoggedModelsResponse {
    /// This page's models.
    #[serde(default)]
    pub models: Vec<LoggedModel>,
    /// Present when there are more pages.
    #[serde(default)]
    pub next_page_token: Option<String>,
}

/// Logged models asked for in one `logged-models/search` (MLflow's default page size).
pub const LOGGED_MODELS_PER_SEARCH: usize = 100;

/// The `logged-models/search` filters that fetch `model_ids`, at most
/// [`LOGGED_MODELS_PER_SEARCH`] per filter.
pub fn logged_model_filters(model_ids: &[String]) -> Vec<String> {
    super::run::id_filters("model_id", model_ids, LOGGED_MODELS_PER_SEARCH)
}

/// The logged-model id in a model version's `source` (`models:/m-<hex>`), if it is one.
pub fn logged_model_id(source: &str) -> Option<&str> {
    let id = source.strip_prefix("models:/")?;
    (id.starts_with("m-") && !id.contains('/')).then_some(id)
}
