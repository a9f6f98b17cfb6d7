//! What a tracking server may lack, by MLflow version: detected from its answers (an endpoint
//! its router does not have), never guessed from a version string, and named where it matters
//! ([`ApiError::Unsupported`](super::ApiError::Unsupported)).

/// Something newer MLflow servers serve and older ones do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// `traces/search` (REST API 3.0): the rows behind an evaluation, which the per-row
    /// noise-aware comparison reads.
    Traces,
    /// `logged-models/search`: logged models and the metrics logged on them.
    LoggedModels,
}

impl Capability {
    /// The endpoint the server answers without.
    pub fn endpoint(self) -> &'static str {
        match self {
            Capability::Traces => "traces/search",
            Capability::LoggedModels => "logged-models/search",
        }
    }

    /// The MLflow release that added it.
    pub fn since(self) -> &'static str {
        match self {
            Capability::Traces | Capability::LoggedModels => "3.0",
        }
    }

    /// What cannot be done without it.
    pub fn what(self) -> &'static str {
        match self {
            Capability::Traces => {
                "give an evaluation's per-row scores (the per-row, noise-aware comparison)"
            }
            Capability::LoggedModels => "read the metrics logged on a logged model",
        }
    }
}
