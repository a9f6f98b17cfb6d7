//! The one HTTP client for MLflow's REST API (browser only).

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use futures::future::{select, Either};
use gloo_net::http::{Request, RequestBuilder};
use gloo_timers::future::TimeoutFuture;
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;
use serde::Serialize;
use web_sys::AbortSignal;

use super::error::ApiError;
use super::logged_model::{
    logged_model_filters, GetLoggedModelResponse, LoggedModel, SearchLoggedModels,
    SearchLoggedModelsResponse, LOGGED_MODELS_PER_SEARCH,
};
use super::model_version::{GetModelVersionResponse, ModelVersion, SearchModelVersionsResponse};
use super::registered_model::{
    GetRegisteredModelResponse, RegisteredModel, SearchRegisteredModels,
    SearchRegisteredModelsResponse,
};
use super::review::ReviewData;
use super::run::{run_id_filters, Run, SearchExperimentsResponse, SearchRuns, SearchRunsResponse};
use super::traces::{read_page, EvaluatedRow, SearchTraces, SEARCH_TRACES};
use super::API_PREFIX;

/// How long one request may take, its whole body included, before it counts as failed.
const TIMEOUT_MS: u32 = 15_000;
/// Attempts for idempotent reads (the first one included): a read fails for good within
/// 3 × 15 s plus 1.5 s of back-off.
const READ_ATTEMPTS: u32 = 3;
/// Pages followed for one listing at most (with the page sizes below, millions of items).
const MAX_PAGES: usize = 1_000;
/// MLflow's page size limit for registered-model search.
const MODELS_PAGE: u32 = 1_000;
/// Page size for model-version search: one page for most models, and a page that a
/// one-worker server answers in well under the timeout.
const VERSIONS_PAGE: u32 = 5_000;
/// Page size for experiment search.
const EXPERIMENTS_PAGE: u32 = 50_000;
/// Versions on the review's first screen, decided before the older ones have loaded.
pub const FIRST_SCREEN: u32 = 25;

/// Which versions [`Client::load_review`] loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The newest [`FIRST_SCREEN`] and those holding an alias: the review's first screen.
    FirstScreen,
    /// Every version.
    All,
}

/// A read that failed and is about to be tried again (for "retrying…" on screen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry {
    /// The attempt about to start (2 for the first retry).
    pub attempt: u32,
    /// Attempts in all.
    pub attempts: u32,
    /// Why the last attempt failed.
    pub error: ApiError,
}

impl fmt::Display for Retry {
    /// What the screen says while it waits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "MLflow did not answer properly ({}); trying again ({} of {})",
            self.error, self.attempt, self.attempts
        )
    }
}

/// Told about each retry of a read.
#[derive(Clone)]
struct RetryObserver(SendWrapper<std::rc::Rc<dyn Fn(Retry)>>);

impl fmt::Debug for RetryObserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RetryObserver")
    }
}

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
    on_retry: Option<RetryObserver>,
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
            on_retry: None,
        }
    }

    /// The same client, telling `observer` before each retry of a read.
    pub fn on_retry(&self, observer: impl Fn(Retry) + 'static) -> Client {
        let observer: std::rc::Rc<dyn Fn(Retry)> = std::rc::Rc::new(observer);
        Client {
            on_retry: Some(RetryObserver(SendWrapper::new(observer))),
            ..self.clone()
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

    /// The same client, with no abort signal: for writes, which must not be cut off half-way
    /// when the page that started them goes away.
    pub fn detached(&self) -> Client {
        Client {
            signal: None,
            on_retry: None,
            ..self.clone()
        }
    }

    /// The user name MLflow's basic-auth app knows this client as (`users/current`); `None`
    /// when the server runs without it (it answers 404 there).
    pub async fn current_user(&self) -> Result<Option<String>, ApiError> {
        // `{"user": {"username": ...}}`, read through a Value: the JSON Value reader is in the
        // bundle already, two derived DTOs for one string are not.
        match self.get::<serde_json::Value>("users/current", &[]).await {
            Ok(current) => Ok(current["user"]["username"].as_str().map(str::to_owned)),
            Err(e) if e.status() == Some(404) => Ok(None),
            Err(e) => Err(e),
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
        all_pages(|page_token| {
            let request = SearchRegisteredModels {
                filter: filter.clone(),
                max_results: Some(MODELS_PAGE),
                order_by: vec!["name ASC".to_owned()],
                page_token,
            };
            async move {
                let page = self.search_registered_models(&request).await?;
                Ok((page.registered_models, page.next_page_token))
            }
        })
        .await
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
        self.write("POST", "registered-models/alias", &body, || {
            format!("move alias {alias} of model {name} (needs EDIT)")
        })
        .await
    }

    /// Removes `alias` from model `name` (needs MANAGE permission).
    pub async fn delete_registered_model_alias(
        &self,
        name: &str,
        alias: &str,
    ) -> Result<(), ApiError> {
        let body = serde_json::json!({"name": name, "alias": alias});
        self.write("DELETE", "registered-models/alias", &body, || {
            format!("delete alias {alias} of model {name} (needs MANAGE)")
        })
        .await
    }

    /// Every version of model `name`.
    pub async fn all_model_versions(&self, name: &str) -> Result<Vec<ModelVersion>, ApiError> {
        let filter = super::versions_filter(name);
        let mut versions = all_pages(|token| {
            let mut query = vec![
                ("filter", filter.clone()),
                ("max_results", VERSIONS_PAGE.to_string()),
            ];
            query.extend(token.map(|t| ("page_token", t)));
            async move {
                let page: SearchModelVersionsResponse =
                    self.get("model-versions/search", &query).await?;
                Ok((page.model_versions, page.next_page_token))
            }
        })
        .await?;
        // A LIKE filter may match other models too.
        versions.retain(|v| v.name == name);
        Ok(versions)
    }

    /// One model version.
    pub async fn get_model_version(
        &self,
        name: &str,
        version: &str,
    ) -> Result<ModelVersion, ApiError> {
        let query = [("name", name.to_owned()), ("version", version.to_owned())];
        let got: GetModelVersionResponse = self.get("model-versions/get", &query).await?;
        Ok(got.model_version)
    }

    /// The version `alias` points at (MLflow answers 400 `INVALID_PARAMETER_VALUE` if none).
    pub async fn get_model_version_by_alias(
        &self,
        name: &str,
        alias: &str,
    ) -> Result<ModelVersion, ApiError> {
        let query = [("name", name.to_owned()), ("alias", alias.to_owned())];
        let got: GetModelVersionResponse = self.get("registered-models/alias", &query).await?;
        Ok(got.model_version)
    }

    /// The ids of every experiment, active or deleted (runs/search needs them).
    pub async fn all_experiment_ids(&self) -> Result<Vec<String>, ApiError> {
        all_pages(|token| {
            let mut query = vec![
                ("max_results", EXPERIMENTS_PAGE.to_string()),
                ("view_type", "ALL".to_owned()),
            ];
            query.extend(token.map(|t| ("page_token", t)));
            async move {
                let page: SearchExperimentsResponse =
                    self.get("experiments/search", &query).await?;
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
    pub async fn search_runs(&self, request: &SearchRuns) -> Result<SearchRunsResponse, ApiError> {
        self.post_read("runs/search", request).await
    }

    /// The runs with these ids, in batches of at most 1 000 ids per `runs/search` call.
    pub async fn runs_by_id(
        &self,
        run_ids: &[String],
        experiment_ids: &[String],
    ) -> Result<Vec<Run>, ApiError> {
        let mut runs = Vec::with_capacity(run_ids.len());
        for filter in run_id_filters(run_ids) {
            let batch = all_pages(|page_token| {
                let request = SearchRuns {
                    experiment_ids: experiment_ids.to_vec(),
                    filter: filter.clone(),
                    max_results: super::RUN_IDS_PER_SEARCH as u32,
                    run_view_type: "ALL".to_owned(),
                    page_token,
                };
                async move {
                    let page = self.search_runs(&request).await?;
                    Ok((page.runs, page.next_page_token))
                }
            })
            .await?;
            runs.extend(batch);
        }
        Ok(runs)
    }

    /// The rows an evaluation run scored (`mlflow.genai.evaluate`: one trace per row, with
    /// each scorer's feedback), every page of them. Empty for a run that left no traces.
    pub async fn evaluation_rows(
        &self,
        experiment_id: &str,
        run_id: &str,
    ) -> Result<Vec<EvaluatedRow>, ApiError> {
        let Some(search) = SearchTraces::of_run(experiment_id, run_id) else {
            return Err(ApiError::Inconsistent {
                detail: format!("{run_id:?} is not an MLflow run id"),
            });
        };
        let search = &search;
        all_pages(|page_token| async move {
            let body = search.body(page_token.as_deref());
            let page: serde_json::Value = self.post_read(SEARCH_TRACES, &body).await?;
            Ok(read_page(&page, run_id))
        })
        .await
    }

    /// What is needed to review model `name`: its versions (`scope`), aliases and evaluation
    /// metrics with provenance, and whether these are all of its versions. Requests: 3 listing
    /// calls (model, versions, experiments), one `runs/search` per 1 000 runs, one
    /// `logged-models/search` per 100 logged-model sources, and for the first screen one
    /// `model-versions/search` per alias holder outside the newest page. Any failure fails the
    /// whole load: a decision is never made on part of the data.
    pub async fn load_review(
        &self,
        name: &str,
        scope: Scope,
    ) -> Result<(ReviewData, bool), ApiError> {
        // The three listing calls do not depend on each other.
        let (model, (mut versions, complete), experiments) = futures::future::try_join3(
            self.get_registered_model(name),
            self.versions_in(name, scope),
            self.all_experiment_ids(),
        )
        .await?;
        if !complete {
            // The versions holding an alias, when not among the newest: few (usually production
            // and champion). One that is not there is reported below, as a dangling alias.
            for alias in &model.aliases {
                let version = &alias.version;
                if !versions.iter().any(|v| v.version == *version) {
                    let and = format!(" AND version_number = {version}");
                    versions.extend(self.versions_page(name, and, 1).await?.0);
                }
            }
        }
        let review = self.with_evidence(model, versions, &experiments).await?;
        Ok((review, complete))
    }

    /// The versions of model `name` in `scope`, and whether they are all of them.
    async fn versions_in(
        &self,
        name: &str,
        scope: Scope,
    ) -> Result<(Vec<ModelVersion>, bool), ApiError> {
        if scope == Scope::All {
            return Ok((self.all_model_versions(name).await?, true));
        }
        self.versions_page(name, String::new(), FIRST_SCREEN).await
    }

    /// The newest `count` versions of model `name` matching `and` (e.g. ` AND version_number
    /// = 3`), and whether there are no more.
    async fn versions_page(
        &self,
        name: &str,
        and: String,
        count: u32,
    ) -> Result<(Vec<ModelVersion>, bool), ApiError> {
        let query = [
            ("filter", format!("{}{and}", super::versions_filter(name))),
            ("max_results", count.to_string()),
            ("order_by", "version_number DESC".to_owned()),
        ];
        let page: SearchModelVersionsResponse = self.get("model-versions/search", &query).await?;
        let mut versions = page.model_versions;
        // A LIKE filter may match other models too.
        versions.retain(|v| v.name == name);
        Ok((versions, page.next_page_token.is_none_or(|t| t.is_empty())))
    }

    /// `versions` of `model` with their evaluation metrics: refused when an alias names a
    /// version that is not among them.
    async fn with_evidence(
        &self,
        model: RegisteredModel,
        versions: Vec<ModelVersion>,
        experiments: &[String],
    ) -> Result<ReviewData, ApiError> {
        let dangling = ReviewData::dangling_aliases(&model, &versions);
        if !dangling.is_empty() {
            return Err(ApiError::Inconsistent {
                detail: format!(
                    "the model's aliases name versions that the {} listed versions do not include \
                     ({})",
                    versions.len(),
                    dangling.join(", ")
                ),
            });
        }
        let run_ids = ReviewData::run_ids(&versions);
        let runs = self.runs_by_id(&run_ids, experiments).await?;
        let logged = self
            .logged_models(&ReviewData::logged_model_ids(&versions), experiments)
            .await?;
        Ok(ReviewData::assemble(model, versions, &runs, &logged, None))
    }

    /// The logged models with these ids (one that no longer exists is left out), in batches of
    /// at most 100 ids per `logged-models/search` call. The search leaves out models the user
    /// may not read as well as deleted ones, so each id it does not return is asked for alone
    /// (rare): a deleted model is left out, one the user may not read fails the read, as
    /// deciding without it would decide on part of the evidence.
    pub async fn logged_models(
        &self,
        model_ids: &[String],
        experiment_ids: &[String],
    ) -> Result<Vec<LoggedModel>, ApiError> {
        let mut models = Vec::with_capacity(model_ids.len());
        for filter in logged_model_filters(model_ids) {
            let batch = all_pages(|page_token| {
                let request = SearchLoggedModels {
                    experiment_ids: experiment_ids.to_vec(),
                    filter: filter.clone(),
                    max_results: LOGGED_MODELS_PER_SEARCH as u32,
                    page_token,
                };
                async move {
                    let page: SearchLoggedModelsResponse =
                        self.post_read("logged-models/search", &request).await?;
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
    async fn get_logged_model(&self, model_id: &str) -> Result<Option<LoggedModel>, ApiError> {
        let path = format!(
            "logged-models/{}",
            String::from(js_sys::encode_uri_component(model_id))
        );
        match self.get::<GetLoggedModelResponse>(&path, &[]).await {
            Ok(got) => Ok(Some(got.model)),
            Err(e)
                if e.error_code() == Some("RESOURCE_DOES_NOT_EXIST") || e.status() == Some(404) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Sets tag `key` on model `name` (needs EDIT).
    pub async fn set_registered_model_tag(
        &self,
        name: &str,
        key: &str,
        value: &str,
    ) -> Result<(), ApiError> {
        let body = serde_json::json!({"name": name, "key": key, "value": value});
        self.write("POST", "registered-models/set-tag", &body, || {
            format!("edit model {name} (needs EDIT)")
        })
        .await
    }

    /// Deletes tag `key` from model `name` (needs EDIT).
    pub async fn delete_registered_model_tag(&self, name: &str, key: &str) -> Result<(), ApiError> {
        let body = serde_json::json!({"name": name, "key": key});
        self.write("DELETE", "registered-models/delete-tag", &body, || {
            format!("edit model {name} (needs EDIT)")
        })
        .await
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
        self.write("POST", "model-versions/set-tag", &body, || {
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
        self.write("DELETE", "model-versions/delete-tag", &body, || {
            format!("edit version {version} of model {name} (needs EDIT)")
        })
        .await
    }

    /// A write; a 403 names `action`, so the user learns which permission is missing.
    /// Sent once, never retried blindly.
    async fn write(
        &self,
        method: &str,
        path: &str,
        body: &serde_json::Value,
        action: impl FnOnce() -> String,
    ) -> Result<(), ApiError> {
        let url = self.url(path, &[]);
        let builder = match method {
            "DELETE" => Request::delete(&url),
            _ => Request::post(&url),
        };
        let sent = match self.with_json(builder, &body.to_string()) {
            Ok(request) => self.send(&url, request).await,
            Err(e) => Err(network(&url, e)),
        };
        sent.map(drop).map_err(|e| e.for_action(action))
    }

    /// `path` under the 2.0 API (`runs/search`), or from the server's root (`/api/3.0/…`).
    fn url(&self, path: &str, query: &[(&str, String)]) -> String {
        let mut url = if path.starts_with('/') {
            format!("{}{path}", self.base)
        } else {
            format!("{}{API_PREFIX}/{path}", self.base)
        };
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

    /// A request with a JSON body: every MLflow POST needs `Content-Type: application/json`.
    fn with_json(&self, builder: RequestBuilder, json: &str) -> Result<Request, gloo_net::Error> {
        self.prepare(builder)
            .header("Content-Type", "application/json")
            .body(json)
    }

    /// An idempotent GET, retried with backoff on 429/502/503/504 and network errors.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ApiError> {
        let url = self.url(path, query);
        let body = self
            .read(&url, &|| self.prepare(Request::get(&url)).build())
            .await?;
        parse(&url, &body)
    }

    /// A search sent as POST that changes nothing: retried like a GET.
    async fn post_read<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let url = self.url(path, &[]);
        // Through a Value: its compact writer is in the bundle already (policy links, writes).
        let json = serde_json::to_value(body)
            .map_err(|e| ApiError::Decode {
                url: url.clone(),
                detail: e.to_string(),
            })?
            .to_string();
        let body = self
            .read(&url, &|| self.with_json(Request::post(&url), &json))
            .await?;
        parse(&url, &body)
    }

    // The HTTP core is not generic: one copy in the bundle, whatever the response type.
    async fn read(
        &self,
        url: &str,
        build: &dyn Fn() -> Result<Request, gloo_net::Error>,
    ) -> Result<String, ApiError> {
        let mut attempt = 1;
        loop {
            let result = match build() {
                Ok(request) => self.send(url, request).await,
                Err(e) => Err(network(url, e)),
            };
            match result {
                Err(e) if e.is_transient() && attempt < READ_ATTEMPTS => {
                    attempt += 1;
                    if let Some(RetryObserver(observe)) = &self.on_retry {
                        observe(Retry {
                            attempt,
                            attempts: READ_ATTEMPTS,
                            error: e,
                        });
                    }
                    TimeoutFuture::new(250 * 2u32.pow(attempt - 1)).await;
                }
                other => return other,
            }
        }
    }

    /// Sends one request; the body of a successful answer, or the error MLflow gave. The time
    /// limit covers the whole exchange: a server that sends headers and then stalls the body
    /// fails like one that never answers.
    async fn send(&self, url: &str, request: Request) -> Result<String, ApiError> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let exchange = async {
            let response = request.send().await.map_err(|e| network(url, e))?;
            let status = response.status();
            let body = response.text().await.map_err(|e| network(url, e))?;
            if response.ok() {
                Ok(body)
            } else {
                Err(ApiError::from_response(status, &body))
            }
        };
        match select(std::pin::pin!(exchange), TimeoutFuture::new(TIMEOUT_MS)).await {
            Either::Left((result, _)) => result,
            Either::Right(_) => Err(ApiError::Timeout {
                url: url.to_owned(),
                seconds: TIMEOUT_MS / 1000,
            }),
        }
    }
}

/// Follows MLflow's page tokens: `fetch(token)` returns one page and the next token (absent or
/// empty on the last page).
async fn all_pages<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, ApiError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), ApiError>>,
{
    let mut items = Vec::new();
    // Tokens seen so far: at most MAX_PAGES of them.
    let mut seen: Vec<String> = Vec::new();
    let mut token = None;
    for _ in 0..MAX_PAGES {
        let (page, next) = fetch(token.take()).await?;
        items.extend(page);
        match next.filter(|t| !t.is_empty()) {
            // A token seen before would page forever.
            Some(t) if seen.contains(&t) => {
                return Err(ApiError::Inconsistent {
                    detail: format!(
                        "MLflow sent the same page token twice after {} items",
                        items.len()
                    ),
                })
            }
            Some(t) => {
                seen.push(t.clone());
                token = Some(t);
            }
            None => return Ok(items),
        }
    }
    Err(ApiError::Inconsistent {
        detail: format!("MLflow was still paging after {MAX_PAGES} pages"),
    })
}

fn parse<T: DeserializeOwned>(url: &str, body: &str) -> Result<T, ApiError> {
    // MLflow answers `{}` for writes; an empty body means the same.
    let body = if body.trim().is_empty() { "{}" } else { body };
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
