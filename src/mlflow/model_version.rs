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
    /// Where the model came from: `runs:/<run>/...` or `models:/m-<id>` (a logged model).
    #[serde(default)]
    pub source: Option<String>,
    /// The run that produced it.
    #[serde(default)]
    pub run_id: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// The logged model behind this version (MLflow 3).
    #[serde(default)]
    pub model_id: Option<String>,
}

/// `model-versions/search` response.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct SearchModelVersionsResponse {
    /// This page's versions.
    #[serde(default)]
    pub model_versions: Vec<ModelVersion>,
    /// Present when there are more pages.
    #[serde(default)]
    pub next_page_token: Option<String>,
}

/// `model-versions/get` and `registered-models/alias` (GET) response.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GetModelVersionResponse {
    /// The version.
    pub model_version: ModelVersion,
}

impl ModelVersion {
    /// The version number, for sorting (`None` if MLflow sent something else).
    pub fn number(&self) -> Option<u64> {
        self.version.parse().ok()
    }
}

/// The `model-versions/search` filter for the versions of model `name`. MLflow's filter syntax
/// has no escape for a quote inside a string (a doubled `''` is not undone), so a name with a
/// single quote is written in double quotes; a name with both kinds is matched with `LIKE`,
/// each quote as the one-character wildcard `_`, and the caller keeps the exact name only.
pub fn versions_filter(name: &str) -> String {
    match (name.contains('\''), name.contains('"')) {
        (false, _) => format!("name='{name}'"),
        (true, false) => format!("name=\"{name}\""),
        (true, true) => format!("name LIKE '{}'", name.replace(['\'', '"'], "_")),
    }
}
