//! What `check` and `promote` share: one version read, its policy, and the decision.

use std::path::Path;

use podium::mlflow::{Client, Pick, ReviewData};
use podium::policy::{CheckReport, Policy, PolicySource, RowComparisons, QUALITY_CRITERIA_TAG};

use crate::connect::explain;
use crate::policy_file::{read, saved};
use crate::Failure;

/// `--policy mlflow-criteria`: decide under MLflow's quality criteria on the version's
/// evaluation run.
pub const MLFLOW_CRITERIA: &str = "mlflow-criteria";

/// The policy MLflow's quality criteria on `candidate`'s evaluation run make, or why none.
fn criteria(review: &ReviewData, candidate: &str) -> Result<Policy, Failure> {
    let found = review
        .version(candidate)
        .and_then(|v| v.quality_criteria.clone());
    match found {
        Some(Ok(criteria)) => Ok(criteria.to_policy()),
        Some(Err(why)) => Err(Failure(format!(
            "v{candidate}'s evaluation run has a {QUALITY_CRITERIA_TAG} tag that cannot be \
             read: {why}"
        ))),
        None => Err(Failure(format!(
            "v{candidate}'s evaluation run has no {QUALITY_CRITERIA_TAG} tag (MLflow 3.18's \
             evaluate(..., quality_criteria=...) writes it): pass a policy file instead"
        ))),
    }
}

/// One version decided.
pub struct Decided {
    /// What it was decided on: the version, the alias holders, their evidence.
    pub review: ReviewData,
    /// The version's number.
    pub candidate: String,
    /// The policy.
    pub policy: Policy,
    /// The per-row comparison, when the policy's noise-aware rule needed it.
    pub rows: Option<RowComparisons>,
    /// The decision and the moves it implies.
    pub report: CheckReport,
}

/// Version `pick` of `model` decided under `policy_file`'s policy, or the model's saved one.
pub async fn decide(
    client: &Client,
    model: &str,
    pick: Pick<'_>,
    policy_file: Option<&Path>,
) -> Result<Decided, Failure> {
    eprintln!("podium: reading {model} from {}…", client.base_url());
    let (review, candidate) = client.load_candidate(model, pick).await.map_err(explain)?;
    let (policy, source) = match policy_file {
        Some(path) if path == Path::new(MLFLOW_CRITERIA) => {
            (criteria(&review, &candidate)?, PolicySource::Criteria)
        }
        Some(path) => (read(path)?, PolicySource::File),
        None => (saved(&review)?, PolicySource::Saved),
    };
    if policy.noise_aware_champion {
        eprintln!("podium: reading the evaluations' rows for the noise-aware champion rule…");
    }
    let rows = client
        .rows_for_decision(&review, &candidate, &policy)
        .await
        .map_err(explain)?;
    let report = review
        .check(&candidate, &policy, source, rows.as_ref())
        .ok_or_else(|| Failure(format!("{model} has no version {candidate}")))?;
    Ok(Decided {
        review,
        candidate,
        policy,
        rows,
        report,
    })
}
