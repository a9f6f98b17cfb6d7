//! `model-versions/*`.

use serde::{Deserialize, Serialize};

use super::registered_model::Tag;

/// A model version as MLflow's REST API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelVersion {
    /// The registered model's name.
    pub name: String,
    /// The version number, as a string.
    pub version: String,
    /// Milliseconds since the epoch.
    #[serde(default)]
    pub creation_timestamp: Option<i64>,
    /// Milliseconds since the epoch.
    #[serde(default)]
    pub last_updated_timestamp: Option<i64>,
    /// Legacy stage (`None`, `Staging`, ...).
    #[serde(default)]
    pub current_stage: Option<String>,
    /// Free text: render as text only.
    #[serde(default)]
    pub description: Option<String>,
    /// Where the model came from: `runs:/<run>/...` or `models:/m-<id>` (a logged model).
    #[serde(default)]
    pub source: Option<String>,
    /// The run that produced it.
    #[serde(default)]
    pub run_id: Option<String>,
    /// `READY`, `PENDING_REGISTRATION` or `FAILED_REGISTRATION`.
    #[serde(default)]
    pub status: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Aliases (only some endpoints fill this in; `registered-models/get` is authoritative).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The logged model behind this version (MLflow 3).
    #[serde(default)]
    pub model_id: Option<String>,
}
