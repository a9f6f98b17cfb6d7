//! The deployment's optional `podium.json`, read beside `index.html` at start: one build serves
//! many deployments. Pure parsing, native-tested; `ui` fetches the file.
//!
//! ```json
//! {
//!   "tracking_uri": "https://mlflow.example.com",
//!   "mlflow_ui_url": "https://mlflow.example.com/",
//!   "auth": "basic",
//!   "protected_aliases": ["production", "champion"],
//!   "default_policy": { "rules": [{ "metric": "relevance/mean", "threshold": 0.8 }] }
//! }
//! ```
//!
//! Every field is optional; docs/DEPLOY.md is the reference.

use serde_json::Value;

use crate::mlflow::{url_problem, AuthMode};
use crate::policy::Policy;

/// The file's name, beside `index.html`.
pub const CONFIG_FILE: &str = "podium.json";

/// What `podium.json` says; [`Deployment::default`] when there is none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deployment {
    /// The tracking server: `http(s)://…`, a path on this origin (`/mlflow`), or empty for
    /// this origin.
    pub tracking_uri: String,
    /// Where MLflow's UI is, for evidence links; `None`: the tracking server's address.
    pub mlflow_ui_url: Option<String>,
    /// The sign-in method the connection form starts with (the user still enters secrets).
    pub auth: AuthMode,
    /// Aliases whose moves always need the model's name typed, whatever the policy says.
    pub protected_aliases: Vec<String>,
    /// The policy of models with none saved, instead of the seed's defaults.
    pub default_policy: Option<Policy>,
}

/// A malformed `podium.json`: the field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ConfigError {
    /// The field (`tracking_uri`, `default_policy`, …), or `podium.json` for the whole file.
    pub field: String,
    /// What is wrong, and what to write instead.
    pub message: String,
}

fn problem(field: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        field: field.to_owned(),
        message: message.into(),
    }
}

impl Deployment {
    /// Reads `podium.json`'s text. Unknown fields are errors (a misspelt field would otherwise
    /// be silently ignored), and so is a duplicate one.
    pub fn from_json(text: &str) -> Result<Deployment, ConfigError> {
        let value = crate::policy::parse_unique(text)
            .map_err(|e| problem(CONFIG_FILE, format!("not valid JSON: {e}")))?;
        let Value::Object(map) = value else {
            return Err(problem(CONFIG_FILE, "it must be a JSON object { … }"));
        };
        let mut deployment = Deployment::default();
        for (key, value) in &map {
            match key.as_str() {
                "tracking_uri" => {
                    deployment.tracking_uri = url(key, value)?;
                }
                "mlflow_ui_url" => deployment.mlflow_ui_url = Some(url(key, value)?),
                "auth" => {
                    deployment.auth = match value.as_str() {
                        Some("none") => AuthMode::None,
                        Some("basic") => AuthMode::Basic,
                        Some("bearer") => AuthMode::Bearer,
                        _ => return Err(problem(key, "one of \"none\", \"basic\", \"bearer\"")),
                    }
                }
                "protected_aliases" => deployment.protected_aliases = aliases(key, value)?,
                "default_policy" => {
                    let policy =
                        Policy::from_value(value).map_err(|e| problem(key, e.to_string()))?;
                    deployment.default_policy = Some(policy);
                }
                _ => {
                    return Err(problem(
                        key,
                        "not a podium.json field (tracking_uri, mlflow_ui_url, auth, \
                         protected_aliases, default_policy)",
                    ))
                }
            }
        }
        Ok(deployment)
    }

    /// Reads the answer to `GET podium.json`. No file is fine (defaults): a 404 or 403 (object
    /// stores answer that for a missing file), or the page itself, which a single-page-app
    /// fallback sends for every unknown path with status 200 and `text/html`. Any other failure
    /// is an error: guessing would decide under another policy, or talk to another server.
    pub fn from_response(
        status: u16,
        content_type: &str,
        body: &str,
    ) -> Result<Deployment, ConfigError> {
        // JSON never starts with `<`; a page does.
        let page = content_type.contains("html") || body.trim_start().starts_with('<');
        match status {
            // No answer at all (the fetch failed; `body` says why).
            0 => Err(problem(
                CONFIG_FILE,
                format!("it could not be fetched: {body}"),
            )),
            403 | 404 | 410 => Ok(Deployment::default()),
            200..=299 if page => Ok(Deployment::default()),
            200..=299 => Deployment::from_json(body),
            _ => Err(problem(
                CONFIG_FILE,
                format!("the server answered HTTP {status} when asked for it"),
            )),
        }
    }

    /// The base URL of MLflow's UI for evidence links: `mlflow_ui_url`, else the tracking
    /// server in use (`tracking`; empty: this origin's root).
    pub fn ui_url<'a>(&'a self, tracking: &'a str) -> &'a str {
        self.mlflow_ui_url
            .as_deref()
            .unwrap_or(tracking)
            .trim_end_matches('/')
    }

    /// The policy of a model with none saved: the deployment's, else the seed's defaults.
    pub fn default_policy(&self) -> Policy {
        self.default_policy.clone().unwrap_or_default()
    }

    /// Whether the deployment protects `alias` whatever the policy says.
    pub fn protects(&self, alias: &str) -> bool {
        self.protected_aliases.iter().any(|a| a == alias)
    }
}

fn url(field: &str, value: &Value) -> Result<String, ConfigError> {
    let text = value
        .as_str()
        .ok_or_else(|| problem(field, "a URL as text"))?;
    match url_problem(text) {
        Some(why) => Err(problem(field, why)),
        None => Ok(text.trim().to_owned()),
    }
}

fn aliases(field: &str, value: &Value) -> Result<Vec<String>, ConfigError> {
    let list = match value {
        Value::Array(list) if list.len() <= 100 => list,
        _ => return Err(problem(field, "a list of at most 100 alias names")),
    };
    let mut names: Vec<String> = Vec::new();
    for item in list {
        let name = item
            .as_str()
            .filter(|n| crate::policy::valid_alias(n))
            .ok_or_else(|| problem(field, "alias names (letters, digits, _ and -)"))?;
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    Ok(names)
}
