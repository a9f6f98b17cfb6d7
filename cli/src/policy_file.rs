//! The policy a command decides under: a file's, or the model's saved one.

use std::path::Path;

use podium::mlflow::{ReviewData, POLICY_TAG};
use podium::policy::Policy;

use crate::Failure;

/// The policy in `path`: a policy document or the seed's flat THRESHOLDS dict.
pub fn read(path: &Path) -> Result<Policy, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure(format!(
            "cannot read the policy file {}: {e}",
            path.display()
        ))
    })?;
    Policy::from_json(&text)
        .map_err(|e| Failure(format!("{} is not a valid policy: {e}", path.display())))
}

/// The model's saved policy (its `podium.policy` tag): never a default, since a pipeline
/// enforces what the team saved.
pub fn saved(review: &ReviewData) -> Result<Policy, Failure> {
    let name = &review.model.name;
    let Some(json) = review.model.tag(POLICY_TAG) else {
        return Err(Failure(format!(
            "no policy is saved on {name}: save one in the dashboard (or with `podium policy save \
             {name} FILE`), or pass --policy FILE"
        )));
    };
    Policy::from_json(json)
        .map_err(|e| Failure(format!("the policy saved on {name} is invalid: {e}")))
}
