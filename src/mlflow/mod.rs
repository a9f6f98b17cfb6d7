//! The MLflow REST layer: MLflow's JSON as typed data, one client, one error type.
//!
//! Only this module knows MLflow's URLs and JSON. The DTOs mirror MLflow's names and compile
//! everywhere (their tests run natively against captured JSON); the HTTP [`Client`] is wasm-only.

mod error;
mod model_version;
mod registered_model;

#[cfg(target_arch = "wasm32")]
mod client;

#[cfg(target_arch = "wasm32")]
pub use client::{Client, Credentials};
pub use error::{ApiError, ErrorBody};
pub use model_version::ModelVersion;
pub use registered_model::{
    GetRegisteredModelResponse, RegisteredModel, RegisteredModelAlias, SearchRegisteredModels,
    SearchRegisteredModelsResponse, Tag,
};

/// The REST API prefix under the tracking server's base URL.
pub const API_PREFIX: &str = "/api/2.0/mlflow";
