//! The review's load sequence: a model's versions, aliases and evaluation metrics, read in a
//! few batched requests (never one per version), the first screen first.

use super::client::Client;
use super::error::ApiError;
use super::model_version::ModelVersion;
use super::registered_model::RegisteredModel;
use super::review::ReviewData;

/// Versions on the review's first screen, decided before the older ones have loaded.
pub const FIRST_SCREEN: u32 = 25;

/// Which version [`Client::load_candidate`] decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick<'a> {
    /// The newest version.
    Newest,
    /// The version with this number.
    Version(&'a str),
    /// The version this alias points to.
    Alias(&'a str),
}

/// Which versions [`Client::load_review`] loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The newest [`FIRST_SCREEN`] and those holding an alias: the review's first screen.
    FirstScreen,
    /// Every version.
    All,
}

impl Client {
    /// What is needed to review model `name`: its versions (`scope`), aliases and evaluation
    /// metrics with provenance ([`ReviewData::all_versions`] says whether these are all of its
    /// versions). Requests: 3 listing calls (model, versions, experiments), one `runs/search`
    /// per 1 000 runs, one `logged-models/search` per 100 logged-model sources, and for the
    /// first screen one `model-versions/search` per alias holder outside the newest page. Any
    /// failure fails the whole load: a decision is never made on part of the data.
    pub async fn load_review(&self, name: &str, scope: Scope) -> Result<ReviewData, ApiError> {
        // The three listing calls do not depend on each other.
        let (model, (mut versions, all_versions), experiments) = futures::future::try_join3(
            self.get_registered_model(name),
            self.versions_in(name, scope),
            self.all_experiment_ids(),
        )
        .await?;
        if !all_versions {
            // The versions holding an alias, when not among the newest: few (usually production
            // and champion). One that is not there is reported below, as a dangling alias.
            for alias in &model.aliases {
                if !versions.iter().any(|v| v.version == alias.version) {
                    let (holder, _) = self
                        .newest_model_versions(name, Some(&alias.version), 1)
                        .await?;
                    versions.extend(holder);
                }
            }
        }
        let review = self.with_evidence(model, versions, &experiments).await?;
        Ok(ReviewData {
            all_versions,
            ..review
        })
    }

    /// What deciding one version of model `name` needs: the version `pick` names and every
    /// alias holder, with their evidence (a handful of requests, whatever the model's size),
    /// and the picked version's number.
    pub async fn load_candidate(
        &self,
        name: &str,
        pick: Pick<'_>,
    ) -> Result<(ReviewData, String), ApiError> {
        let model = self.get_registered_model(name).await?;
        let candidate = match pick {
            Pick::Version(number) => number.to_owned(),
            Pick::Alias(alias) => {
                model
                    .alias_map()
                    .get(alias)
                    .cloned()
                    .ok_or_else(|| ApiError::Missing {
                        what: format!("Model {name} has no alias {alias}."),
                    })?
            }
            Pick::Newest => {
                let (newest, _) = self.newest_model_versions(name, None, 1).await?;
                newest
                    .first()
                    .map(|v| v.version.clone())
                    .ok_or_else(|| ApiError::Missing {
                        what: format!("Model {name} has no versions."),
                    })?
            }
        };
        let mut numbers = vec![candidate.clone()];
        for alias in &model.aliases {
            if !numbers.contains(&alias.version) {
                numbers.push(alias.version.clone());
            }
        }
        let review = self.load_versions(model, &numbers).await?;
        if review.version(&candidate).is_none() {
            return Err(ApiError::Missing {
                what: format!("Model {name} has no version {candidate}."),
            });
        }
        // An alias naming a version MLflow does not list: nothing is decided on that.
        let missing: Vec<String> = review
            .model
            .aliases
            .iter()
            .filter(|a| review.version(&a.version).is_none())
            .map(|a| format!("{} → v{}", a.alias, a.version))
            .collect();
        if !missing.is_empty() {
            return Err(ApiError::Inconsistent {
                detail: format!(
                    "the model's aliases name versions MLflow does not list ({})",
                    missing.join(", ")
                ),
            });
        }
        Ok((review, candidate))
    }

    /// Versions `numbers` of `model` with their evidence, as a review of only those versions
    /// (the guard's re-read of what a decision compared). A version that no longer exists is
    /// left out.
    pub async fn load_versions(
        &self,
        model: RegisteredModel,
        numbers: &[String],
    ) -> Result<ReviewData, ApiError> {
        let mut versions = Vec::with_capacity(numbers.len());
        for number in numbers {
            let (found, _) = self
                .newest_model_versions(&model.name, Some(number), 1)
                .await?;
            versions.extend(found);
        }
        let experiments = self.all_experiment_ids().await?;
        let runs = self
            .runs_by_id(&ReviewData::run_ids(&versions), &experiments)
            .await?;
        let logged = self
            .logged_models(&ReviewData::logged_model_ids(&versions), &experiments)
            .await?;
        Ok(ReviewData {
            all_versions: false,
            ..ReviewData::assemble(model, versions, &runs, &logged, None)
        })
    }

    /// The versions of model `name` in `scope`, and whether they are all of them.
    async fn versions_in(
        &self,
        name: &str,
        scope: Scope,
    ) -> Result<(Vec<ModelVersion>, bool), ApiError> {
        match scope {
            Scope::All => Ok((self.all_model_versions(name).await?, true)),
            Scope::FirstScreen => self.newest_model_versions(name, None, FIRST_SCREEN).await,
        }
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
        let runs = self
            .runs_by_id(&ReviewData::run_ids(&versions), experiments)
            .await?;
        let logged = self
            .logged_models(&ReviewData::logged_model_ids(&versions), experiments)
            .await?;
        Ok(ReviewData::assemble(model, versions, &runs, &logged, None))
    }
}
