//! The MLflow REST layer: MLflow's JSON as typed data, one client, one error type.
//!
//! Only this module knows MLflow's URLs and JSON. The DTOs mirror MLflow's names and compile
//! everywhere (their tests run natively against captured JSON); the HTTP [`Client`] is wasm-only.
//! They hold only the fields Podium reads (serde skips the rest): every field costs bundle bytes.

mod auth;
mod error;
mod logged_model;
mod model_version;
mod registered_model;
mod review;
mod run;
mod traces;

#[cfg(target_arch = "wasm32")]
mod apply;
#[cfg(target_arch = "wasm32")]
mod client;

#[cfg(target_arch = "wasm32")]
pub use apply::{AliasWrite, ApplyReport, Seen, Step, Stop};
pub use auth::{basic_problem, exposed_over_http, token_problem, url_problem, AuthMode};
#[cfg(target_arch = "wasm32")]
pub use client::{Client, Credentials, Retry, Scope, FIRST_SCREEN};
pub use error::{ApiError, ErrorBody};
pub use logged_model::{
    logged_model_filters, logged_model_id, GetLoggedModelResponse, LoggedModel, LoggedModelData,
    LoggedModelInfo, SearchLoggedModels, SearchLoggedModelsResponse, LOGGED_MODELS_PER_SEARCH,
};
pub use model_version::{
    versions_filter, GetModelVersionResponse, ModelVersion, SearchModelVersionsResponse,
};
pub use registered_model::{
    name_contains, GetRegisteredModelResponse, RegisteredModel, RegisteredModelAlias,
    SearchRegisteredModels, SearchRegisteredModelsResponse, Tag,
};
pub use review::{run_ui_url, Evaluation, MetricEvidence, ReviewData, VersionReview};
pub use run::{
    run_id_filters, Dataset, DatasetInput, Experiment, Metric, Run, RunData, RunInfo, RunInputs,
    SearchExperimentsResponse, SearchRuns, SearchRunsResponse, RUN_IDS_PER_SEARCH,
};
pub use traces::{
    evaluated_row, logged_comparison, pair_scores, read_page, row_comparisons, runs_to_read,
    EvaluatedRow, Pairing, SearchTraces, SEARCH_TRACES,
};

/// The REST API prefix under the tracking server's base URL.
pub const API_PREFIX: &str = "/api/2.0/mlflow";

/// The registered-model tag that holds a model's saved Podium policy (JSON).
pub const POLICY_TAG: &str = "podium.policy";
