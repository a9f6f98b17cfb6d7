//! Logged models (MLflow 3): models with their own evaluation metrics, read in batches with
//! `logged-models/search`.

use serde::{Deserialize, Serialize};

use super::capability::Capability;
use super::client::{encode_component, Client, Request};
use super::error::ApiError;
use super::paging::all_pages;
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

impl Client {
    /// The logged models with these ids (one that no longer exists is left out), in batches of
    /// at most [`LOGGED_MODELS_PER_SEARCH`] ids per `logged-models/search` call. The search
    /// leaves out models the user may not read as well as deleted ones, so each id it does not
    /// return is asked for alone (rare): a deleted model is left out, one the user may not read
    /// fails the read, as deciding without it would decide on part of the evidence.
    pub async fn logged_models(
        &self,
        model_ids: &[String],
        experiment_ids: &[String],
    ) -> Result<Vec<LoggedModel>, ApiError> {
        let mut models = Vec::with_capacity(model_ids.len());
        for filter in logged_model_filters(model_ids) {
            let batch = all_pages(|page_token| {
                let search = SearchLoggedModels {
                    experiment_ids: experiment_ids.to_vec(),
                    filter: filter.clone(),
                    max_results: LOGGED_MODELS_PER_SEARCH as u32,
                    page_token,
                };
                async move {
                    let request = Request::post("logged-models/search", &search);
                    let page: SearchLoggedModelsResponse = self
                        .read(request)
                        .await
                        .map_err(|e| e.lacking(Capability::LoggedModels))?;
                    Ok((page.models, page.next_page_token))
                }
            })
            .await?;
            models.extend(batch);
        }
        for id in model_ids {
            if !models.iter().any(|m| m.info.model_id == *id) {
                models.extend(self.get_logged_model(id).await?);
            }
        }
        Ok(models)
    }

    /// A logged model with its metrics; `None` if it no longer exists.
    pub async fn get_logged_model(&self, model_id: &str) -> Result<Option<LoggedModel>, ApiError> {
        let request = Request::get(format!("logged-models/{}", encode_component(model_id)));
        match self.read::<GetLoggedModelResponse>(request).await {
            Ok(got) => Ok(Some(got.model)),
            // MLflow's own "not found" (JSON); a bare 404 is a server without logged models.
            Err(e) if e.status() == Some(404) && e.error_code().is_some() => Ok(None),
            Err(e) => Err(e.lacking(Capability::LoggedModels)),
        }
    }
}
