//! The review data for one model: every version, the aliases it holds, and its evaluation
//! metrics with provenance. Assembled from MLflow's answers without I/O, so it is tested natively.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::logged_model::{logged_model_id, LoggedModel};
use super::model_version::ModelVersion;
use super::registered_model::RegisteredModel;
use super::run::{Metric, Run};
use crate::policy::{
    decide, decide_with_rows, failed_briefly, headline, number, Attention, Candidate, CheckReport,
    CriteriaError, Decision, MetricSet, MetricTable, Policy, PolicyReport, PolicySource, Promotion,
    Proposal, Protection, QualityCriteria, Refusal, RowComparisons, Seen, SignOffEntry,
    QUALITY_CRITERIA_TAG,
};

/// One metric value and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricEvidence {
    /// The value.
    #[serde(serialize_with = "number::serialize")]
    pub value: f64,
    /// The run that logged it.
    pub run_id: Option<String>,
    /// The evaluation dataset, when MLflow knows it.
    pub dataset: Option<String>,
    /// When it was logged (milliseconds since the epoch).
    pub timestamp: Option<i64>,
}

/// Where a version's evaluation metrics were found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evaluation {
    /// The metrics of the version's run.
    Run {
        /// The run.
        run_id: String,
    },
    /// The metrics logged against the version's logged model (`source = models:/m-…`).
    LoggedModel {
        /// The logged model.
        model_id: String,
    },
    /// No evaluation: the reason says what is missing.
    NotFound {
        /// e.g. "run 12ab… logged no metrics".
        reason: String,
    },
}

/// One version under review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionReview {
    /// The version as MLflow describes it.
    pub version: ModelVersion,
    /// The aliases that point at it (from `registered-models/get`).
    pub aliases: Vec<String>,
    /// Where its metrics came from.
    pub evaluation: Evaluation,
    /// Metric key → value with provenance.
    pub metrics: BTreeMap<String, MetricEvidence>,
    /// The experiment of the version's run, when the run was found (for links to the MLflow UI).
    pub experiment_id: Option<String>,
    /// MLflow's quality criteria on the evaluation run (`mlflow.genaiEvaluate.qualityCriteria`,
    /// MLflow ≥ 3.18), or why the tag could not be read; `None`: the run has none.
    #[serde(skip)]
    pub quality_criteria: Option<Result<QualityCriteria, CriteriaError>>,
}

impl VersionReview {
    /// The metrics as the decision engine takes them.
    pub fn metric_set(&self) -> MetricSet {
        self.metrics
            .iter()
            .map(|(k, e)| (k.as_str(), e.value))
            .collect()
    }

    /// Whether any evaluation metric was found.
    pub fn has_evaluation(&self) -> bool {
        !self.metrics.is_empty()
    }
}

/// The MLflow UI page of a run, on the tracking server at `base_url` (empty: same origin).
pub fn run_ui_url(base_url: &str, experiment_id: &str, run_id: &str) -> String {
    format!("{base_url}/#/experiments/{experiment_id}/runs/{run_id}")
}

/// Everything the review screen and the decision engine need about one model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewData {
    /// The model, with its aliases, tags and description.
    pub model: RegisteredModel,
    /// Every version, newest first.
    pub versions: Vec<VersionReview>,
    /// Whether `versions` holds every version of the model (false: the review's first screen,
    /// the newest versions and the alias holders).
    pub all_versions: bool,
}

impl ReviewData {
    /// Puts MLflow's answers together. `dataset` pins logged-model metrics to one evaluation
    /// dataset; otherwise the latest value per key is used.
    pub fn assemble(
        model: RegisteredModel,
        mut versions: Vec<ModelVersion>,
        runs: &[Run],
        logged_models: &[LoggedModel],
        dataset: Option<&str>,
    ) -> ReviewData {
        let runs: HashMap<&str, &Run> = runs.iter().map(|r| (r.info.run_id.as_str(), r)).collect();
        let logged: HashMap<&str, &LoggedModel> = logged_models
            .iter()
            .map(|m| (m.info.model_id.as_str(), m))
            .collect();
        let mut aliases: HashMap<&str, Vec<String>> = HashMap::new();
        for a in &model.aliases {
            aliases
                .entry(a.version.as_str())
                .or_default()
                .push(a.alias.clone());
        }
        versions.sort_unstable_by_key(|v| std::cmp::Reverse(v.number()));
        let versions = versions
            .into_iter()
            .map(|version| {
                let (evaluation, metrics) = evidence(&version, &runs, &logged, dataset);
                let experiment_id = version
                    .run_id
                    .as_deref()
                    .and_then(|id| runs.get(id))
                    .map(|r| r.info.experiment_id.clone());
                // The run the metrics came from: the version's own, or the one that logged
                // them against its logged model.
                let run_id = match &evaluation {
                    Evaluation::Run { run_id } => Some(run_id.as_str()),
                    _ => metrics.values().find_map(|m| m.run_id.as_deref()),
                };
                let quality_criteria = run_id
                    .and_then(|id| runs.get(id))
                    .and_then(|r| r.data.tags.iter().find(|t| t.key == QUALITY_CRITERIA_TAG))
                    .map(|t| QualityCriteria::from_tag(&t.value));
                VersionReview {
                    experiment_id,
                    quality_criteria,
                    aliases: aliases
                        .get(version.version.as_str())
                        .cloned()
                        .unwrap_or_default(),
                    version,
                    evaluation,
                    metrics,
                }
            })
            .collect();
        ReviewData {
            model,
            versions,
            all_versions: true,
        }
    }

    /// Alias → version number, as the registry has them now.
    pub fn aliases(&self) -> BTreeMap<String, String> {
        self.model.alias_map()
    }

    /// The version numbered `number`.
    pub fn version(&self, number: &str) -> Option<&VersionReview> {
        self.versions.iter().find(|v| v.version.version == number)
    }

    /// A first policy from the model's own evaluation metrics (`Policy::from_metrics`), its
    /// thresholds at the production version's values (else the champion's, else the newest
    /// evaluated version's) under `policy`'s alias names.
    pub fn policy_from_metrics(&self, policy: &Policy) -> Policy {
        let reference = [&policy.aliases.production, &policy.aliases.champion]
            .into_iter()
            .filter_map(|alias| self.index_of_alias(alias))
            .map(|i| &self.versions[i])
            .find(|v| v.has_evaluation())
            .or_else(|| self.versions.iter().find(|v| v.has_evaluation()))
            .map(VersionReview::metric_set)
            .unwrap_or_default();
        let keys: Vec<&str> = self
            .versions
            .iter()
            .flat_map(|v| v.metrics.keys().map(String::as_str))
            .collect();
        Policy {
            aliases: policy.aliases.clone(),
            protected_aliases: policy.protected_aliases.clone(),
            ..Policy::from_metrics(keys, &reference)
        }
    }

    /// The version holding `policy`'s champion alias.
    pub fn champion(&self, policy: &Policy) -> Option<&VersionReview> {
        self.index_of_alias(&policy.aliases.champion)
            .map(|i| &self.versions[i])
    }

    /// The decision for version `candidate` under `policy`, against the champion; `rows`: the
    /// per-row comparisons of the two, when read (the noise-aware rule waits for them). `None`
    /// when there is no such version.
    pub fn decide(
        &self,
        candidate: &str,
        policy: &Policy,
        rows: Option<&RowComparisons>,
    ) -> Option<Decision> {
        let metrics = self.version(candidate)?.metric_set();
        let champion = self.champion(policy);
        let champion_metrics = champion.map(VersionReview::metric_set);
        Some(match champion {
            Some(c) if c.version.version != candidate => {
                decide_with_rows(policy, &metrics, champion_metrics.as_ref(), rows)
            }
            // No champion, or the candidate is it: nothing to compare row by row.
            _ => decide(policy, &metrics, champion_metrics.as_ref()),
        })
    }

    /// What the model needs under `policy` (`default_policy`: the deployment's, none being
    /// saved), from its newest version and the one in production, as the models list says it.
    pub fn attention(&self, policy: &Policy, default_policy: bool) -> Attention {
        if !self.versions.iter().any(VersionReview::has_evaluation) {
            return Attention::NoEvaluatedVersions;
        }
        // The list speaks of production only: the champion's per-row comparison is not read.
        let policy = Policy {
            noise_aware_champion: false,
            ..policy.clone()
        };
        let aliases = self.aliases();
        let production = aliases.get(&policy.aliases.production).cloned();
        if let Some(holder) = &production {
            if let Some(decision) = self.decide(holder, &policy, None) {
                let why = match decision.failures().next() {
                    Some(check) => Some(failed_briefly(check)),
                    None if decision.rules_checked == 0 => {
                        Some("none of its rules could be checked".to_owned())
                    }
                    None => None,
                };
                if let Some(why) = why {
                    return Attention::ProductionFails {
                        version: holder.clone(),
                        why,
                        default_policy,
                    };
                }
            }
        }
        let Some(newest) = self.versions.first().map(|v| v.version.version.clone()) else {
            return Attention::UpToDate;
        };
        if production.as_ref() != Some(&newest) {
            let protection = Protection {
                saved: &policy,
                in_effect: &policy,
                deployment: &[],
            };
            let tag = self.model.tag(super::POLICY_TAG);
            if let Ok(proposal) = self.propose(&newest, &policy, None, tag, protection) {
                if proposal
                    .plan
                    .moves
                    .iter()
                    .any(|m| m.alias == policy.aliases.production)
                {
                    return Attention::NewerPasses {
                        version: newest,
                        production,
                    };
                }
            }
        }
        Attention::UpToDate
    }

    /// Version `candidate` decided under `policy` (from `source`; `rows`: the per-row
    /// comparison, when read), with the moves Podium would apply: what the dashboard decides
    /// and `podium check` prints. `None` when there is no such version.
    pub fn check(
        &self,
        candidate: &str,
        policy: &Policy,
        source: PolicySource,
        rows: Option<&RowComparisons>,
    ) -> Option<CheckReport> {
        // The policy decided under is taken as it is: nothing to protect against itself.
        let protection = Protection {
            saved: policy,
            in_effect: policy,
            deployment: &[],
        };
        let decision = self.decide(candidate, policy, rows)?;
        let tag = self.model.tag(super::POLICY_TAG);
        let proposal = self.propose(candidate, policy, rows, tag, protection);
        let aliases = self.aliases();
        let holds_production =
            aliases.get(&policy.aliases.production).map(String::as_str) == Some(candidate);
        let production = match &proposal {
            Ok(p) => {
                holds_production
                    || p.plan
                        .moves
                        .iter()
                        .any(|m| m.alias == policy.aliases.production)
            }
            Err(Refusal::NothingToMove) => holds_production,
            Err(_) => false,
        };
        let plan = headline(
            policy,
            &decision,
            candidate,
            &aliases,
            proposal.as_ref().err(),
        );
        let (moves, refusal) = match proposal {
            Ok(p) => (p.plan.moves, None),
            Err(r) => (Vec::new(), Some(r.to_string())),
        };
        Some(CheckReport {
            model: self.model.name.clone(),
            version: candidate.to_owned(),
            production,
            plan,
            moves,
            refusal,
            decision,
            policy: PolicyReport::new(policy, source),
        })
    }

    /// The promotion of version `candidate` under `policy` ([`ReviewData::decide`]), planned
    /// against this registry (and `policy_tag`, the saved policy's text as last read), or why
    /// there is none.
    pub fn propose(
        &self,
        candidate: &str,
        policy: &Policy,
        rows: Option<&RowComparisons>,
        policy_tag: Option<&str>,
        protection: Protection,
    ) -> Result<Proposal, Refusal> {
        let (Some(version), Some(decision)) = (
            self.version(candidate),
            self.decide(candidate, policy, rows),
        ) else {
            return Err(Refusal::NoSuchVersion(candidate.to_owned()));
        };
        let missing_evaluation = match &version.evaluation {
            Evaluation::NotFound { reason } => Some(reason.as_str()),
            _ => None,
        };
        let champion = self.champion(policy);
        let champion_metrics = champion.map(VersionReview::metric_set);
        let mut evidence = vec![(candidate.to_owned(), version.metric_set())];
        if let (Some(c), Some(m)) = (champion, &champion_metrics) {
            if c.version.version != candidate {
                evidence.push((c.version.version.clone(), m.clone()));
            }
        }
        let seen = Seen {
            aliases: self.aliases(),
            policy_tag: policy_tag.map(str::to_owned),
            evidence,
            sign_offs: None,
        };
        Proposal::promotion(Promotion {
            policy,
            decision: &decision,
            candidate: Candidate {
                version: candidate,
                missing_evaluation,
            },
            candidate_metrics: &version.metric_set(),
            champion: champion
                .map(|c| c.version.version.as_str())
                .zip(champion_metrics.as_ref()),
            seen: &seen,
            protection,
        })
    }

    /// Version `version`'s sign-off tags, judged against `approved` (what would be applied
    /// now; `None`: nothing is proposed), read at `now` (ms since the epoch).
    pub fn sign_offs(
        &self,
        version: &str,
        approved: Option<&crate::policy::Approved>,
        now: i64,
    ) -> Vec<SignOffEntry> {
        let tags = self
            .version(version)
            .map(|v| v.version.tags.as_slice())
            .unwrap_or_default();
        let tags = tags.iter().map(|t| (t.key.as_str(), t.value.as_str()));
        crate::policy::sign_offs(version, tags, approved, now)
    }

    /// The index of the version holding `alias`.
    pub fn index_of_alias(&self, alias: &str) -> Option<usize> {
        let version = self.model.aliases.iter().find(|a| a.alias == alias)?;
        self.versions
            .iter()
            .position(|v| v.version.version == version.version)
    }

    /// Every version's metrics as one table, in `versions` order, for the whole-model preview.
    pub fn metric_table(&self) -> MetricTable {
        let sets: Vec<MetricSet> = self
            .versions
            .iter()
            .map(VersionReview::metric_set)
            .collect();
        MetricTable::new(&sets)
    }

    /// Aliases of `model` that name a version missing from `versions` (as `alias → v7`): the
    /// version list is incomplete (or truncated) and must not be decided on.
    pub fn dangling_aliases(model: &RegisteredModel, versions: &[ModelVersion]) -> Vec<String> {
        model
            .aliases
            .iter()
            .filter(|a| !versions.iter().any(|v| v.version == a.version))
            .map(|a| format!("{} → v{}", a.alias, a.version))
            .collect()
    }

    /// Distinct run ids of the versions, for batched metric fetches.
    pub fn run_ids(versions: &[ModelVersion]) -> Vec<String> {
        let mut ids: Vec<String> = versions
            .iter()
            .filter_map(|v| v.run_id.clone())
            .filter(|id| !id.is_empty())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Distinct logged-model ids among the versions' sources.
    pub fn logged_model_ids(versions: &[ModelVersion]) -> Vec<String> {
        let mut ids: Vec<String> = versions
            .iter()
            .filter_map(|v| v.source.as_deref().and_then(logged_model_id))
            .map(str::to_owned)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

type Evidence = (Evaluation, BTreeMap<String, MetricEvidence>);

fn evidence(
    version: &ModelVersion,
    runs: &HashMap<&str, &Run>,
    logged: &HashMap<&str, &LoggedModel>,
    dataset: Option<&str>,
) -> Evidence {
    let model_id = version.source.as_deref().and_then(logged_model_id);
    if let Some(model) = model_id.and_then(|id| logged.get(id)) {
        let metrics = latest_per_key(
            model
                .data
                .metrics
                .iter()
                .filter(|m| dataset.is_none() || m.dataset_name.as_deref() == dataset),
        );
        if !metrics.is_empty() {
            let model_id = model.info.model_id.clone();
            return (Evaluation::LoggedModel { model_id }, metrics);
        }
    }
    let Some(run_id) = version.run_id.as_deref().filter(|id| !id.is_empty()) else {
        let reason = "the version has no run and no evaluated logged model".to_owned();
        return (Evaluation::NotFound { reason }, BTreeMap::new());
    };
    let Some(run) = runs.get(run_id) else {
        let reason =
            format!("run {run_id} was not found (deleted, or in an experiment you cannot read)");
        return (Evaluation::NotFound { reason }, BTreeMap::new());
    };
    // A run that used exactly one dataset was evaluated on it.
    let run_dataset = match run.inputs.dataset_inputs.as_slice() {
        [only] => Some(only.dataset.name.clone()),
        _ => None,
    };
    let mut metrics = BTreeMap::new();
    for m in &run.data.metrics {
        let evidence = MetricEvidence {
            value: m.value,
            run_id: Some(run_id.to_owned()),
            dataset: run_dataset.clone(),
            timestamp: m.timestamp,
        };
        metrics.insert(m.key.clone(), evidence);
    }
    if metrics.is_empty() {
        let reason = format!("run {run_id} logged no metrics");
        return (Evaluation::NotFound { reason }, metrics);
    }
    (
        Evaluation::Run {
            run_id: run_id.to_owned(),
        },
        metrics,
    )
}

/// The latest value of each key (by timestamp, then step).
fn latest_per_key<'a>(
    metrics: impl Iterator<Item = &'a Metric>,
) -> BTreeMap<String, MetricEvidence> {
    let mut latest: BTreeMap<String, (&Metric, (i64, i64))> = BTreeMap::new();
    for m in metrics {
        let at = (m.timestamp.unwrap_or(0), m.step.unwrap_or(0));
        match latest.get(&m.key) {
            Some((_, seen)) if *seen > at => {}
            _ => {
                latest.insert(m.key.clone(), (m, at));
            }
        }
    }
    let mut out = BTreeMap::new();
    for (k, (m, _)) in latest {
        let evidence = MetricEvidence {
            value: m.value,
            run_id: m.run_id.clone(),
            dataset: m.dataset_name.clone(),
            timestamp: m.timestamp,
        };
        out.insert(k, evidence);
    }
    out
}
