//! `logged-models/<id>` (MLflow 3): a model with its own evaluation metrics.

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

/// The logged-model id in a model version's `source` (`models:/m-<hex>`), if it is one.
pub fn logged_model_id(source: &str) -> Option<&str> {
    let id = source.strip_prefix("models:/")?;
    (id.starts_with("m-") && !id.contains('/')).then_some(id)
}
