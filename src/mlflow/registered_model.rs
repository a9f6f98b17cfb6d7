//! `registered-models/*`: models, their aliases and tags.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::client::{Client, Request};
use super::error::ApiError;
use super::model_version::ModelVersion;
use super::paging::all_pages;

/// MLflow's page size limit for registered-model search.
const MODELS_PAGE: u32 = 1_000;

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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchRegisteredModels {
    /// MLflow filter, e.g. `name LIKE '%agent%'`.
    pub filter: Option<String>,
    /// Page size (MLflow's limit is 1 000).
    pub max_results: Option<u32>,
    /// e.g. `name ASC`.
    pub order_by: Vec<String>,
    /// From the previous page.
    pub page_token: Option<String>,
}

impl SearchRegisteredModels {
    fn request(&self) -> Request {
        let mut request = Request::get("registered-models/search");
        if let Some(filter) = &self.filter {
            request = request.query("filter", filter);
        }
        if let Some(max) = self.max_results {
            request = request.query("max_results", max.to_string());
        }
        for order in &self.order_by {
            request = request.query("order_by", order);
        }
        if let Some(token) = &self.page_token {
            request = request.query("page_token", token);
        }
        request
    }

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

impl Client {
    /// One page of registered models.
    pub async fn search_registered_models(
        &self,
        search: &SearchRegisteredModels,
    ) -> Result<SearchRegisteredModelsResponse, ApiError> {
        self.read(search.request()).await
    }

    /// Every registered model matching `filter`, by name, following page tokens.
    pub async fn all_registered_models(
        &self,
        filter: Option<String>,
    ) -> Result<Vec<RegisteredModel>, ApiError> {
        all_pages(|page_token| {
            let search = SearchRegisteredModels {
                filter: filter.clone(),
                max_results: Some(MODELS_PAGE),
                order_by: vec!["name ASC".to_owned()],
                page_token,
            };
            async move {
                let page = self.search_registered_models(&search).await?;
                Ok((page.registered_models, page.next_page_token))
            }
        })
        .await
    }

    /// One registered model, with its aliases, tags and description.
    pub async fn get_registered_model(&self, name: &str) -> Result<RegisteredModel, ApiError> {
        let request = Request::get("registered-models/get").query("name", name);
        let got: GetRegisteredModelResponse = self.read(request).await?;
        Ok(got.registered_model)
    }

    /// Points `alias` of model `name` at `version` (needs EDIT).
    pub async fn set_registered_model_alias(
        &self,
        name: &str,
        alias: &str,
        version: &str,
    ) -> Result<(), ApiError> {
        let body = serde_json::json!({"name": name, "alias": alias, "version": version});
        let request = Request::post("registered-models/alias", &body);
        self.write(request, || {
            format!("move alias {alias} of model {name} (needs EDIT)")
        })
        .await
    }

    /// Removes `alias` from model `name` (needs MANAGE).
    pub async fn delete_registered_model_alias(
        &self,
        name: &str,
        alias: &str,
    ) -> Result<(), ApiError> {
        let body = serde_json::json!({"name": name, "alias": alias});
        let request = Request::delete("registered-models/alias", &body);
        self.write(request, || {
            format!("delete alias {alias} of model {name} (needs MANAGE)")
        })
        .await
    }

    /// Sets tag `key` on model `name` (needs EDIT).
    pub async fn set_registered_model_tag(
        &self,
        name: &str,
        key: &str,
        value: &str,
    ) -> Result<(), ApiError> {
        let body = serde_json::json!({"name": name, "key": key, "value": value});
        let request = Request::post("registered-models/set-tag", &body);
        self.write(request, || format!("edit model {name} (needs EDIT)"))
            .await
    }

    /// Deletes tag `key` from model `name` (needs EDIT).
    pub async fn delete_registered_model_tag(&self, name: &str, key: &str) -> Result<(), ApiError> {
        let body = serde_json::json!({"name": name, "key": key});
        let request = Request::delete("registered-models/delete-tag", &body);
        self.write(request, || format!("edit model {name} (needs EDIT)"))
            .await
    }
}
