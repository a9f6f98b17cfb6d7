//! What needs attention across a page of the models list, read in a few batched requests for the
//! whole page — never one per model — and decided by the same engine as the review.

use std::collections::BTreeMap;

use super::client::{Client, Request};
use super::error::ApiError;
use super::model_version::{ModelVersion, SearchModelVersionsResponse};
use super::paging::all_pages;
use super::registered_model::RegisteredModel;
use super::review::ReviewData;
use super::POLICY_TAG;
use crate::policy::{Attention, Policy};

/// Versions per `model-versions/search` page for the attention read.
const PAGE: u32 = 5_000;

/// One model's row: what it needs, or why that could not be told.
pub type AttentionRow = (String, Result<Attention, String>);

impl Client {
    /// What each of `models` (a page of the models list, as `registered-models/search` returned
    /// them: aliases and tags included) needs, decided under its saved policy, else `default`
    /// (the deployment's). Requests for the whole page: one `model-versions/search` for every
    /// version of its models (paged), `experiments/search`, one `runs/search` for the versions
    /// that matter (each model's newest and its production and champion), logged models in
    /// batches. A model whose name has a quote or a backslash is searched on its own (MLflow's
    /// filter cannot list it). A failure of these reads fails the page; what cannot be decided
    /// for one model is said in its row.
    pub async fn attention(
        &self,
        models: &[RegisteredModel],
        default: Option<&Policy>,
    ) -> Result<Vec<AttentionRow>, ApiError> {
        let mut versions = self.versions_of(models).await?;
        // Each model's policy, and the versions its row is decided from.
        let mut needed: Vec<ModelVersion> = Vec::new();
        let mut plans = Vec::with_capacity(models.len());
        for model in models {
            let policy = match model.tag(POLICY_TAG).map(Policy::from_json) {
                Some(Ok(policy)) => Ok((policy, false)),
                Some(Err(_)) => Err(Attention::InvalidPolicy),
                None => default
                    .cloned()
                    .map(|p| (p, true))
                    .ok_or(Attention::NoPolicy),
            };
            let mut own = versions.remove(&model.name).unwrap_or_default();
            own.sort_unstable_by_key(|v| std::cmp::Reverse(v.number()));
            if let Ok((policy, _)) = &policy {
                let aliases = model.alias_map();
                let holders = [&policy.aliases.production, &policy.aliases.champion]
                    .into_iter()
                    .filter_map(|alias| aliases.get(alias.as_str()));
                let mut keep: Vec<&str> = holders.map(String::as_str).collect();
                keep.extend(own.first().map(|v| v.version.as_str()));
                needed.extend(
                    own.iter()
                        .filter(|v| keep.contains(&v.version.as_str()))
                        .cloned(),
                );
            }
            plans.push((model, policy));
        }
        let experiments = self.all_experiment_ids().await?;
        let runs = self
            .runs_by_id(&ReviewData::run_ids(&needed), &experiments)
            .await?;
        let logged = self
            .logged_models(&ReviewData::logged_model_ids(&needed), &experiments)
            .await?;
        let rows = plans
            .into_iter()
            .map(|(model, policy)| {
                let name = model.name.clone();
                let (policy, default_policy) = match policy {
                    Ok(p) => p,
                    Err(attention) => return (name, Ok(attention)),
                };
                let own: Vec<ModelVersion> =
                    needed.iter().filter(|v| v.name == name).cloned().collect();
                let review = ReviewData::assemble(model.clone(), own, &runs, &logged, None);
                let missing: Vec<String> = review
                    .model
                    .aliases
                    .iter()
                    .filter(|a| review.version(&a.version).is_none())
                    .filter(|a| {
                        a.alias == policy.aliases.production || a.alias == policy.aliases.champion
                    })
                    .map(|a| format!("{} → v{}", a.alias, a.version))
                    .collect();
                if !missing.is_empty() {
                    let why = format!(
                        "its aliases name versions MLflow does not list ({})",
                        missing.join(", ")
                    );
                    return (name, Err(why));
                }
                (name, Ok(review.attention(&policy, default_policy)))
            })
            .collect();
        Ok(rows)
    }

    /// Every version of `models`, by model name: one paged search for the ones MLflow's `IN`
    /// filter can list, one search each for the others. MLflow 2.x filters versions by one
    /// name only (it refuses `name IN`): there, one paged search of every version in the
    /// registry, kept for these models — still a few requests, never one per model.
    async fn versions_of(
        &self,
        models: &[RegisteredModel],
    ) -> Result<BTreeMap<String, Vec<ModelVersion>>, ApiError> {
        let (listable, odd): (Vec<&RegisteredModel>, Vec<&RegisteredModel>) =
            models.iter().partition(|m| !m.name.contains(['\'', '\\']));
        let mut found: Vec<ModelVersion> = Vec::new();
        if !listable.is_empty() {
            let names: Vec<String> = listable.iter().map(|m| format!("'{}'", m.name)).collect();
            let filter = format!("name IN ({})", names.join(", "));
            match self.search_versions(Some(&filter)).await {
                Ok(versions) => found = versions,
                Err(e) if refuses_name_lists(&e) => {
                    let mut all = self.search_versions(None).await?;
                    all.retain(|v| models.iter().any(|m| m.name == v.name));
                    return Ok(by_model(all));
                }
                Err(e) => return Err(e),
            }
        }
        for model in odd {
            found.extend(self.all_model_versions(&model.name).await?);
        }
        Ok(by_model(found))
    }

    /// Every model version `filter` selects (all of them without one), page by page.
    async fn search_versions(&self, filter: Option<&str>) -> Result<Vec<ModelVersion>, ApiError> {
        all_pages(|token| {
            let mut request =
                Request::get("model-versions/search").query("max_results", PAGE.to_string());
            if let Some(filter) = filter {
                request = request.query("filter", filter);
            }
            if let Some(token) = token {
                request = request.query("page_token", token);
            }
            async move {
                let page: SearchModelVersionsResponse = self.read(request).await?;
                Ok((page.model_versions, page.next_page_token))
            }
        })
        .await
    }
}

/// MLflow 2.x's answer to `name IN (…)` in a version search: INVALID_PARAMETER_VALUE ("Only
/// the 'run_id' attribute supports comparison with a list of quoted string values."). Told by
/// its code, not its words; whatever else made the filter invalid, searching every version
/// instead gives the same versions.
fn refuses_name_lists(e: &ApiError) -> bool {
    e.status() == Some(400) && e.error_code() == Some("INVALID_PARAMETER_VALUE")
}

/// Versions grouped by their model's name.
fn by_model(found: Vec<ModelVersion>) -> BTreeMap<String, Vec<ModelVersion>> {
    let mut by_model: BTreeMap<String, Vec<ModelVersion>> = BTreeMap::new();
    for version in found {
        by_model
            .entry(version.name.clone())
            .or_default()
            .push(version);
    }
    by_model
}
