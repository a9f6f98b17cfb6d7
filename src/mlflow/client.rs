//! The one HTTP client for MLflow's REST API (browser only).

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use futures::future::{select, Either};
use gloo_net::http::{Request, RequestBuilder, Response};
use gloo_timers::future::TimeoutFuture;
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;
use serde::Serialize;
use web_sys::AbortSignal;

use super::error::ApiError;
use super::registered_model::{
    GetRegisteredModelResponse, RegisteredModel, SearchRegisteredModels,
    SearchRegisteredModelsResponse,
};
use super::API_PREFIX;

/// How long one request may take before it counts as failed.
const TIMEOUT_MS: u32 = 30_000;
/// Attempts for idempotent reads (the first one included).
const READ_ATTEMPTS: u32 = 3;
/// MLflow's page size limit for registered-model search.
const MODELS_PAGE: u32 = 1_000;

/// How to authenticate to the tracking server. Never printed: `Debug` redacts secrets.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum Credentials {
    /// No authentication (the default local server).
    #[default]
    None,
    /// HTTP basic, as MLflow's `basic-auth` app expects.
    Basic {
        /// The MLflow user.
        username: String,
        /// Their password.
        password: String,
    },
    /// A bearer token (e.g. behind an authenticating proxy).
    Bearer(String),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::Basic { username, .. } => write!(f, "Basic({username}, ***)"),
            Credentials::Bearer(_) => f.write_str("Bearer(***)"),
        }
    }
}

impl Credentials {
    fn header(&self) -> Option<String> {
        match self {
            Credentials::None => None,
            Credentials::Basic { username, password } => {
                let raw = format!("{username}:{password}");
                // btoa needs Latin-1; encode UTF-8 bytes as such, like `unescape(encodeURIComponent())`.
                let latin1: String = raw.bytes().map(char::from).collect();
                let encoded = web_sys::window()?.btoa(&latin1).ok()?;
                Some(format!("Basic {encoded}"))
            }
            Credentials::Bearer(token) => Some(format!("Bearer {token}")),
        }
    }
}

/// A client for one tracking server. Cheap to clone; clones share the request counter.
#[derive(Clone, Debug)]
pub struct Client {
    base: Arc<str>,
    credentials: Credentials,
    // Browser objects are single-threaded; wasm has one thread, and Leptos context wants Send.
    signal: Option<SendWrapper<AbortSignal>>,
    requests: Arc<AtomicU32>,
}

impl Client {
    /// A client for the server this page is served from (`/api/2.0/mlflow/...`), as behind
    /// Trunk's dev proxy or a reverse proxy next to the MLflow UI.
    pub fn same_origin() -> Client {
        Client::new("", Credentials::None)
    }

    /// A client for the tracking server at `base_url` (e.g. `http://127.0.0.1:5000`).
    pub fn new(base_url: &str, credentials: Credentials) -> Client {
        Client {
            base: base_url.trim_end_matches('/').into(),
            credentials,
            signal: None,
            requests: Arc::new(AtomicU32::new(0)),
        }
    }

    /// The tracking server's base URL (empty: same origin).
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The same client, whose requests are aborted when `signal` fires.
    pub fn with_abort_signal(&self, signal: AbortSignal) -> Client {
        Client {
            signal: Some(SendWrapper::new(signal)),
            ..self.clone()
        }
    }

    /// HTTP requests sent so far by this client and its clones (retries included).
    pub fn request_count(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    /// One page of registered models.
    pub async fn search_registered_models(
        &self,
        request: &SearchRegisteredModels,
    ) -> Result<SearchRegisteredModelsResponse, ApiError> {
        let mut query = Vec::new();
        if let Some(filter) = &request.filter {
            query.push(("filter", filter.clone()));
        }
        if let Some(max) = request.max_results {
            query.push(("max_results", max.to_string()));
        }
        for order in &request.order_by {
            query.push(("order_by", order.clone()));
        }
        if let Some(token) = &request.page_token {
            query.push(("page_token", token.clone()));
        }
        self.get("registered-models/search", &query).await
    }

    /// Every registered model matching `filter`, following page tokens.
    pub async fn all_registered_models(
        &self,
        filter: Option<String>,
    ) -> Result<Vec<RegisteredModel>, ApiError> {
        let mut request = SearchRegisteredModels {
            filter,
            max_results: Some(MODELS_PAGE),
            order_by: vec!["name ASC".to_owned()],
            page_token: None,
        };
        let mut models = Vec::new();
        loop {
            let page = self.search_registered_models(&request).await?;
            models.extend(page.registered_models);
            match page.next_page_token.filter(|t| !t.is_empty()) {
                Some(token) => request.page_token = Some(token),
                None => return Ok(models),
            }
        }
    }

    /// One registered model, with its aliases, tags and description.
    pub async fn get_registered_model(&self, name: &str) -> Result<RegisteredModel, ApiError> {
        let response: GetRegisteredModelResponse = self
            .get("registered-models/get", &[("name", name.to_owned())])
            .await?;
        Ok(response.registered_model)
    }

    /// Points `alias` of model `name` at `version` (needs EDIT permission).
    pub async fn set_registered_model_alias(
        &self,
        name: &str,
        alias: &str,
        version: &str,
    ) -> Result<(), ApiError> {
        let body = serde_json::json!({"name": name, "alias": alias, "version": version});
        let _: serde_json::Value = self
            .send_json("POST", "registered-models/alias", &body)
            .await?;
        Ok(())
    }

    /// Removes `alias` from model `name` (needs MANAGE permission).
    pub async fn delete_registered_model_alias(
        &self,
        name: &str,
        alias: &str,
    ) -> Result<(), ApiError> {
        let body = serde_json::json!({"name": name, "alias": alias});
        let _: serde_json::Value = self
            .send_json("DELETE", "registered-models/alias", &body)
            .await?;
        Ok(())
    }

    fn url(&self, path: &str, query: &[(&str, String)]) -> String {
        let mut url = format!("{}{API_PREFIX}/{path}", self.base);
        for (i, (key, value)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(key);
            url.push('=');
            url.push_str(&String::from(js_sys::encode_uri_component(value)));
        }
        url
    }

    fn prepare(&self, builder: RequestBuilder) -> RequestBuilder {
        let builder = builder
            .header("Accept", "application/json")
            .abort_signal(self.signal.as_deref());
        match self.credentials.header() {
            Some(value) => builder.header("Authorization", &value),
            None => builder,
        }
    }

    /// An idempotent read, retried with backoff on 429/502/503/504 and network errors.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ApiError> {
        let url = self.url(path, query);
        let mut attempt = 1;
        loop {
            let request = self.prepare(Request::get(&url)).build();
            let result = match request {
                Ok(request) => self.send(&url, request).await,
                Err(e) => Err(network(&url, e)),
            };
            match result {
                Err(e) if e.is_transient() && attempt < READ_ATTEMPTS => {
                    TimeoutFuture::new(250 * 2u32.pow(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// A write: sent once, never retried blindly.
    pub(crate) async fn send_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let url = self.url(path, &[]);
        let builder = match method {
            "DELETE" => Request::delete(&url),
            "PATCH" => Request::patch(&url),
            _ => Request::post(&url),
        };
        // `json` sets `Content-Type: application/json`, which every MLflow POST needs.
        match self.prepare(builder).json(body) {
            Ok(request) => self.send(&url, request).await,
            Err(e) => Err(network(&url, e)),
        }
    }

    async fn send<T: DeserializeOwned>(&self, url: &str, request: Request) -> Result<T, ApiError> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let response = {
            let sent = std::pin::pin!(request.send());
            match select(sent, TimeoutFuture::new(TIMEOUT_MS)).await {
                Either::Left((result, _)) => result.map_err(|e| network(url, e))?,
                Either::Right(_) => {
                    return Err(ApiError::Timeout {
                        url: url.to_owned(),
                        seconds: TIMEOUT_MS / 1000,
                    })
                }
            }
        };
        decode(url, response).await
    }
}

async fn decode<T: DeserializeOwned>(url: &str, response: Response) -> Result<T, ApiError> {
    let status = response.status();
    let body = response.text().await.map_err(|e| network(url, e))?;
    if !response.ok() {
        return Err(ApiError::from_response(status, &body));
    }
    // MLflow answers `{}` for writes; an empty body means the same.
    let body = if body.trim().is_empty() { "{}" } else { &body };
    serde_json::from_str(body).map_err(|e| ApiError::Decode {
        url: url.to_owned(),
        detail: e.to_string(),
    })
}

fn network(url: &str, error: gloo_net::Error) -> ApiError {
    match &error {
        gloo_net::Error::JsError(js) if js.name == "AbortError" => ApiError::Aborted,
        gloo_net::Error::JsError(js) => ApiError::Network {
            url: url.to_owned(),
            detail: js.message.clone(),
        },
        other => ApiError::Network {
            url: url.to_owned(),
            detail: other.to_string(),
        },
    }
}
