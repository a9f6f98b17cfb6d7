//! The MLflow REST layer: MLflow's JSON as typed data, one client over a transport, one error
//! type, and the sequences of reads and writes Podium makes.
//!
//! Only this module knows MLflow's URLs and JSON. Each resource's file holds its types (named as
//! MLflow names them) and its requests; `client.rs` sends them (retries, time limit) through a
//! [`Transport`]: [`Fetch`] in the browser, [`Native`] on the command line, a scripted fake in
//! tests. `paging.rs` follows page tokens; `load.rs` reads a model's review data; `apply.rs`
//! moves aliases with the stale guard; `policy_tag.rs` saves the policy with its guard;
//! `signoff.rs` writes a reviewer's sign-off with the same guard.

mod apply;
mod attention;
mod auth;
mod capability;
mod client;
mod error;
mod load;
mod logged_model;
mod model_version;
mod paging;
mod policy_tag;
mod registered_model;
mod review;
mod run;
mod signoff;
mod traces;
mod transport;
mod user;

#[cfg(target_arch = "wasm32")]
mod fetch;
#[cfg(not(target_arch = "wasm32"))]
mod native;

pub use apply::{ApplyReport, Step, Stop};
pub use attention::AttentionRow;
pub use auth::{
    basic_problem, exposed_over_http, token_problem, url_problem, AuthMode, Credentials,
};
pub use capability::Capability;
pub use client::{Client, Request, Retry, FIRST_BACKOFF_MS, READ_ATTEMPTS, TIMEOUT_MS};
pub use error::{ApiError, ErrorBody, MESSAGE_LIMIT};
#[cfg(target_arch = "wasm32")]
pub use fetch::Fetch;
pub use load::{Pick, Scope, FIRST_SCREEN};
pub use logged_model::{
    logged_model_filters, logged_model_id, GetLoggedModelResponse, LoggedModel, LoggedModelData,
    LoggedModelInfo, SearchLoggedModels, SearchLoggedModelsResponse, LOGGED_MODELS_PER_SEARCH,
};
pub use model_version::{
    versions_filter, GetModelVersionResponse, ModelVersion, SearchModelVersionsResponse,
};
#[cfg(not(target_arch = "wasm32"))]
pub use native::Native;
pub use paging::MAX_PAGES;
pub use policy_tag::SaveOutcome;
pub use registered_model::{
    name_contains, GetRegisteredModelResponse, RegisteredModel, RegisteredModelAlias,
    SearchRegisteredModels, SearchRegisteredModelsResponse, Tag,
};
pub use review::{run_ui_url, Evaluation, MetricEvidence, ReviewData, VersionReview};
pub use run::{
    run_id_filters, Dataset, DatasetInput, Experiment, Metric, Run, RunData, RunInfo, RunInputs,
    SearchExperimentsResponse, SearchRuns, SearchRunsResponse, RUN_IDS_PER_SEARCH,
};
pub use signoff::{SignOffOutcome, WithdrawOutcome};
pub use traces::{
    evaluated_row, logged_comparison, pair_scores, read_page, row_comparisons, runs_to_read,
    EvaluatedRow, Pairing, SearchTraces, SEARCH_TRACES,
};
pub use transport::{Failure, HttpRequest, HttpResponse, LocalFuture, Method, Transport, MAX_BODY};
pub use user::{CurrentUserResponse, User};

/// The REST API prefix under the tracking server's base URL.
pub const API_PREFIX: &str = "/api/2.0/mlflow";

/// The registered-model tag that holds a model's saved Podium policy (JSON).
pub const POLICY_TAG: &str = "podium.policy";
