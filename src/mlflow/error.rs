//! One error type for every MLflow call, with a message a user can act on.

use serde::Deserialize;

use super::capability::Capability;

/// MLflow's JSON error body: `{"error_code": "...", "message": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ErrorBody {
    /// MLflow's code, e.g. `RESOURCE_DOES_NOT_EXIST`.
    pub error_code: String,
    /// MLflow's message.
    #[serde(default)]
    pub message: String,
}

/// Why a call to MLflow failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// MLflow answered with an error status.
    #[error("{}", http_message(*status, error_code.as_deref(), message))]
    Http {
        /// The HTTP status.
        status: u16,
        /// MLflow's `error_code`, when the body was MLflow JSON.
        error_code: Option<String>,
        /// MLflow's `message`, or the plain-text body (the basic-auth app answers in text).
        message: String,
    },
    /// MLflow refused a write (403): the user lacks the permission the action needs.
    #[error("Permission denied: your MLflow user cannot {action}. MLflow says: {message}")]
    PermissionDenied {
        /// What was attempted, e.g. "move alias champion of model x (needs EDIT)".
        action: String,
        /// MLflow's message or plain-text body.
        message: String,
    },
    /// No answer: the server is down or unreachable, or the browser blocked the response.
    #[error("Cannot reach MLflow at {url}: {detail}")]
    Network {
        /// What was requested.
        url: String,
        /// What the HTTP client said, and what may cause it.
        detail: String,
    },
    /// No answer in time.
    #[error("MLflow did not answer {url} within {seconds} s")]
    Timeout {
        /// What was requested.
        url: String,
        /// The limit.
        seconds: u32,
    },
    /// What was asked for does not exist (a version, an alias).
    #[error("{what}")]
    Missing {
        /// What is missing, in words.
        what: String,
    },
    /// The answer was larger than Podium reads.
    #[error("MLflow's answer to {url} was over {limit_mb} MB, more than Podium reads")]
    TooLarge {
        /// What was requested.
        url: String,
        /// The limit.
        limit_mb: usize,
    },
    /// MLflow answered 2xx with a body that is not the expected JSON.
    #[error("Unexpected answer from MLflow for {url}: {detail}")]
    Decode {
        /// What was requested.
        url: String,
        /// The parse error.
        detail: String,
    },
    /// The request was cancelled because its page went away.
    #[error("The request was cancelled")]
    Aborted,
    /// The server has no endpoint for what was asked: an older MLflow (2.x has no 3.0 trace search and no
    /// logged models). Named, never taken for "no data".
    #[error(
        "This MLflow server has no {} endpoint (MLflow {} added it), so it cannot {}: that \
         needs MLflow {} or later.",
        capability.endpoint(), capability.since(), capability.what(), capability.since()
    )]
    Unsupported {
        /// What the server lacks.
        capability: Capability,
    },
    /// MLflow's answers do not fit together (an alias names a version the version list does not
    /// have): nothing is decided on them.
    #[error(
        "MLflow's answers do not fit together: {detail}. Nothing is decided on incomplete data: \
         reload, and if it persists, check the model in MLflow."
    )]
    Inconsistent {
        /// What did not fit.
        detail: String,
    },
}

impl ApiError {
    /// Builds the error for a non-2xx answer from its status and body text. The message is
    /// cut to [`MESSAGE_LIMIT`] characters: a server can say anything, at any length.
    pub fn from_response(status: u16, body: &str) -> ApiError {
        match serde_json::from_str::<ErrorBody>(body) {
            Ok(e) => ApiError::Http {
                status,
                error_code: Some(shortened(&e.error_code, 100)),
                message: shortened(&e.message, MESSAGE_LIMIT),
            },
            Err(_) => ApiError::Http {
                status,
                error_code: None,
                message: shortened(body.trim(), MESSAGE_LIMIT),
            },
        }
    }

    /// A 404 that is not MLflow's (no MLflow JSON error: the server's router has no such
    /// path, as MLflow 2.x answers `traces/search`) says the server lacks `capability`; other
    /// errors stay as they are.
    pub fn lacking(self, capability: Capability) -> ApiError {
        match self {
            ApiError::Http {
                status: 404,
                error_code: None,
                ..
            } => ApiError::Unsupported { capability },
            other => other,
        }
    }

    /// Names the attempted action in a 403, so the message says what the user cannot do.
    pub fn for_action(self, action: impl FnOnce() -> String) -> ApiError {
        match self {
            ApiError::Http {
                status: 403,
                message,
                ..
            } => ApiError::PermissionDenied {
                action: action(),
                message,
            },
            other => other,
        }
    }

    /// MLflow's `error_code`, if it sent one.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            ApiError::Http { error_code, .. } => error_code.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, if there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Http { status, .. } => Some(*status),
            ApiError::PermissionDenied { .. } => Some(403),
            _ => None,
        }
    }

    /// Whether a write that failed this way may still have happened: the request may have
    /// reached MLflow and only the answer was lost (no answer, a gateway error, cancelled).
    /// After such an error, re-read MLflow before saying what happened.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            ApiError::Http { status, .. } => matches!(status, 502 | 504),
            ApiError::Network { .. } | ApiError::Timeout { .. } | ApiError::Aborted => true,
            ApiError::Decode { .. }
            | ApiError::TooLarge { .. }
            | ApiError::Missing { .. }
            | ApiError::PermissionDenied { .. }
            | ApiError::Unsupported { .. }
            | ApiError::Inconsistent { .. } => false,
        }
    }

    /// Whether repeating the same idempotent request may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Http { status, .. } => matches!(status, 429 | 502 | 503 | 504),
            ApiError::Network { .. } | ApiError::Timeout { .. } => true,
            ApiError::Decode { .. }
            | ApiError::TooLarge { .. }
            | ApiError::Missing { .. }
            | ApiError::PermissionDenied { .. }
            | ApiError::Aborted
            | ApiError::Unsupported { .. }
            | ApiError::Inconsistent { .. } => false,
        }
    }
}

/// The most characters of a server's message kept in an error.
pub const MESSAGE_LIMIT: usize = 500;

/// `text`, cut to `limit` characters with `…` when longer.
fn shortened(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn http_message(status: u16, code: Option<&str>, message: &str) -> String {
    match (status, code) {
        (401, _) => format!(
            "MLflow needs you to sign in (401): check the credentials in Settings. {message}"
        ),
        (403, _) => format!("Permission denied by MLflow (403): {message}"),
        (_, Some(code)) => format!("MLflow says: {message} ({code}, HTTP {status})"),
        (_, None) if message.is_empty() => format!("MLflow answered HTTP {status}"),
        (_, None) => format!("MLflow answered HTTP {status}: {message}"),
    }
}
