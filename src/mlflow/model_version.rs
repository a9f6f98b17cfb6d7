//! `model-versions/*`.

use serde::{Deserialize, Serialize};

use super::client::{Client, Request};
use super::error::ApiError;
use super::paging::all_pages;
use super::registered_model::Tag;

/// Page size for model-version search: one page for most models, and a page that a
/// one-worker server answers in well under the time limit.
const VERSIONS_PAGE: u32 = 5_000;

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

impl Client {
    /// Every version of model `name`.
    pub async fn all_model_versions(&self, name: &str) -> Result<Vec<ModelVersion>, ApiError> {
        let filter = versions_filter(name);
        let mut versions = all_pages(|token| {
            let mut request = Request::get("model-versions/search")
                .query("filter", &filter)
                .query("max_results", VERSIONS_PAGE.to_string());
            if let Some(token) = token {
                request = request.query("page_token", token);
            }
            async move {
                let page: SearchModelVersionsResponse = self.read(request).await?;
                Ok((page.model_versions, page.next_page_token))
            }
        })
        .await?;
        // A LIKE filter may match other models too.
        versions.retain(|v| v.name == name);
        Ok(versions)
    }

    /// The newest `count` versions of model `name` whose number matches `number` (any, when
    /// `None`), and whether there are no more.
    pub async fn newest_model_versions(
        &self,
        name: &str,
        number: Option<&str>,
        count: u32,
    ) -> Result<(Vec<ModelVersion>, bool), ApiError> {
        let mut filter = versions_filter(name);
        if let Some(number) = number {
            // Version numbers are MLflow's own digits; anything else matches no version.
            let number = if number.bytes().all(|b| b.is_ascii_digit()) && !number.is_empty() {
                number
            } else {
                "-1"
            };
            filter.push_str(&format!(" AND version_number = {number}"));
        }
        let request = Request::get("model-versions/search")
            .query("filter", filter)
            .query("max_results", count.to_string())
            .query("order_by", "version_number DESC");
        let page: SearchModelVersionsResponse = self.read(request).await?;
        let mut versions = page.model_versions;
        // A LIKE filter may match other models too.
        versions.retain(|v| v.name == name);
        Ok((versions, page.next_page_token.is_none_or(|t| t.is_empty())))
    }

    /// One model version.
    pub async fn get_model_version(
        &self,
        name: &str,
        version: &str,
    ) -> Result<ModelVersion, ApiError> {
        let request = Request::get("model-versions/get")
            .query("name", name)
            .query("version", version);
        let got: GetModelVersionResponse = self.read(request).await?;
        Ok(got.model_version)
    }

    /// The version `alias` points at (MLflow answers 400 `INVALID_PARAMETER_VALUE` if none).
    pub async fn get_model_version_by_alias(
        &self,
        name: &str,
        alias: &str,
    ) -> Result<ModelVersion, ApiError> {
        let request = Request::get("registered-models/alias")
            .query("name", name)
            .query("alias", alias);
        let got: GetModelVersionResponse = self.read(request).await?;
        Ok(got.model_version)
    }

    /// Sets tag `key` on version `version` of model `name` (needs EDIT).
    pub async fn set_model_version_tag(
        &self,
        name: &str,
        version: &str,
        key: &str,
        value: &str,
    ) -> Result<(), ApiError> {
        let body =
            serde_json::json!({"name": name, "version": version, "key": key, "value": value});
        let request = Request::post("model-versions/set-tag", &body);
        self.write(request, || {
            format!("edit version {version} of model {name} (needs EDIT)")
        })
        .await
    }

    /// Deletes tag `key` from version `version` of model `name` (needs EDIT).
    pub async fn delete_model_version_tag(
        &self,
        name: &str,
        version: &str,
        key: &str,
    ) -> Result<(), ApiError> {
        let body = serde_json::json!({"name": name, "version": version, "key": key});
        let request = Request::delete("model-versions/delete-tag", &body);
        self.write(request, || {
            format!("edit version {version} of model {name} (needs EDIT)")
        })
        .await
    }
}
