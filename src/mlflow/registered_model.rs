//! `registered-models/*`: models, their aliases and tags.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model_version::ModelVersion;

/// An alias and the version it points to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredModelAlias {
    /// The alias, e.g. `champion`.
    pub alias: String,
    /// The version number, as MLflow sends it (a string).
    pub version: String,
}

/// A key/value tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// The key.
    pub key: String,
    /// The value (MLflow omits empty values).
    #[serde(default)]
    pub value: String,
}

/// A registered model as MLflow's REST API returns it; empty lists are omitted by MLflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisteredModel {
    /// Unique name.
    pub name: String,
    /// Milliseconds since the epoch.
    #[serde(default)]
    pub creation_timestamp: Option<i64>,
    /// Milliseconds since the epoch.
    #[serde(default)]
    pub last_updated_timestamp: Option<i64>,
    /// Free text from MLflow users: render as text only.
    #[serde(default)]
    pub description: Option<String>,
    /// The latest version per stage (MLflow's legacy field; still sent).
    #[serde(default)]
    pub latest_versions: Vec<ModelVersion>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Aliases and their versions.
    #[serde(default)]
    pub aliases: Vec<RegisteredModelAlias>,
}

impl RegisteredModel {
    /// The highest version number MLflow reports for this model, if any.
    pub fn latest_version(&self) -> Option<u64> {
        self.latest_versions
            .iter()
            .filter_map(|v| v.version.parse().ok())
            .max()
    }

    /// Alias → version number.
    pub fn alias_map(&self) -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        for a in &self.aliases {
            map.insert(a.alias.clone(), a.version.clone());
        }
        map
    }

    /// The value of tag `key`.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.value.as_str())
    }
}

/// `GET registered-models/search` request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SearchRegisteredModels {
    /// MLflow filter, e.g. `name LIKE '%agent%'`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Page size (MLflow's limit is 1 000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<u32>,
    /// e.g. `name ASC`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub order_by: Vec<String>,
    /// From the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

impl SearchRegisteredModels {
    /// Models whose name may contain `text` (case-insensitive), by name, `page_size` per page;
    /// keep those that do with [`name_contains`].
    ///
    /// MLflow's `ILIKE` has no escape that works on every database: `%` and `_` are wildcards,
    /// a backslash escapes on PostgreSQL and not on sqlite, and a quote would end the string.
    /// Each of those characters is sent as `_` (any one character), which finds a superset.
    pub fn name_contains(text: &str, page_size: u32, page_token: Option<String>) -> Self {
        let text = text.trim();
        let pattern = text.replace(['\'', '%', '_', '\\'], "_");
        let filter = (!text.is_empty()).then(|| format!("name ILIKE '%{pattern}%'"));
        SearchRegisteredModels {
            filter,
            max_results: Some(page_size),
            order_by: vec!["name ASC".to_owned()],
            page_token,
        }
    }
}

/// Whether `name` contains `text`, ignoring ASCII case (as MLflow's `ILIKE` does): narrows what
/// [`SearchRegisteredModels::name_contains`] found to the text as typed.
pub fn name_contains(name: &str, text: &str) -> bool {
    let text = text.trim();
    name.len() >= text.len()
        && (0..=name.len() - text.len()).any(|i| {
            name.is_char_boundary(i)
                && name.is_char_boundary(i + text.len())
                && name[i..i + text.len()].eq_ignore_ascii_case(text)
        })
}

/// `registered-models/search` response.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct SearchRegisteredModelsResponse {
    /// This page's models.
    #[serde(default)]
    pub registered_models: Vec<RegisteredModel>,
    /// Present when there are more pages.
    #[serde(default)]
    pub next_page_token: Option<String>,
}

/// `registered-models/get` response.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GetRegisteredModelResponse {
    /// The model, with its aliases.
    pub registered_model: RegisteredModel,
}
