//! The model's saved policy (the `podium.policy` tag): saved only if nobody else saved since
//! it was read.

use super::client::Client;
use super::error::ApiError;
use super::POLICY_TAG;

/// What saving a policy came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    /// MLflow holds the new policy.
    Saved,
    /// The tag changed since it was read (someone else saved): nothing was written.
    SomeoneElseSaved,
    /// Nothing was saved, or whether it was is unknown: why, in words.
    Failed(String),
}

impl Client {
    /// The model's saved policy tag, as text (`None`: no policy is saved).
    pub async fn policy_tag(&self, name: &str) -> Result<Option<String>, ApiError> {
        let model = self.get_registered_model(name).await?;
        Ok(model.tag(POLICY_TAG).map(str::to_owned))
    }

    /// Writes `json` as model `name`'s policy tag, unless the tag differs from `seen` (what it
    /// was when the policy was edited: someone else saved since). An answer that is lost is
    /// settled by reading the tag again.
    pub async fn save_policy(&self, name: &str, seen: Option<&str>, json: &str) -> SaveOutcome {
        match self.policy_tag(name).await {
            Err(e) => {
                return SaveOutcome::Failed(format!(
                    "Nothing was saved: could not re-read the model first: {e}"
                ))
            }
            Ok(tag) if tag.as_deref() != seen => return SaveOutcome::SomeoneElseSaved,
            Ok(_) => {}
        }
        match self.set_registered_model_tag(name, POLICY_TAG, json).await {
            Ok(()) => SaveOutcome::Saved,
            Err(e) if e.outcome_unknown() => match self.policy_tag(name).await {
                Ok(Some(tag)) if tag == json => SaveOutcome::Saved,
                Ok(_) => SaveOutcome::Failed(format!("Not saved: {e}")),
                Err(_) => SaveOutcome::Failed(format!(
                    "No answer from MLflow ({e}), and it could not be re-read: reload to see \
                     whether the policy was saved."
                )),
            },
            Err(e) => SaveOutcome::Failed(format!("Not saved: {e}")),
        }
    }
}
