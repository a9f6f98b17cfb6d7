//! The per-row comparison of the candidate with the champion: read (each evaluation run's rows
//! once per screen) when the candidate, the champion or the key metrics change, and compared
//! key metric by key metric. The noise-aware champion rule needs it.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use super::edit::PolicyEdit;
use super::versions::Versions;
use crate::mlflow::{row_comparisons, runs_to_read, Client, EvaluatedRow, ReviewData};
use crate::policy::{MetricAliases, Policy, RowComparisons};

/// What a per-row comparison is of: the candidate and the champion (version numbers), the key
/// metrics and their aliases, and which attempt (a retry reads again).
#[derive(Debug, Clone, PartialEq)]
struct RowsKey {
    candidate: String,
    champion: String,
    metrics: Vec<String>,
    aliases: MetricAliases,
    attempt: u32,
}

impl RowsKey {
    /// The key for `candidate` against `policy`'s champion in `data`; `None` without a champion
    /// (or when the candidate is the champion).
    fn of(data: &ReviewData, candidate: &str, policy: &Policy, attempt: u32) -> Option<RowsKey> {
        let champion = data.champion(policy)?.version.version.clone();
        (candidate != champion).then(|| RowsKey {
            candidate: candidate.to_owned(),
            champion,
            metrics: policy.champion_metrics.clone(),
            aliases: policy.metric_aliases.clone(),
            attempt,
        })
    }
}

/// Where the comparison stands, and which comparison it is (the screen may have moved on).
#[derive(Debug, Clone, PartialEq)]
enum RowLoad {
    /// No champion to compare with.
    Idle,
    /// Reading the evaluations' rows (or comparing them): what the screen says meanwhile.
    Loading(RowsKey, String),
    /// The rows could not be read: why.
    Failed(RowsKey, String),
    /// Compared (a key metric without per-row data is not in it).
    Loaded(RowsKey, Arc<RowComparisons>),
}

impl RowLoad {
    fn key(&self) -> Option<&RowsKey> {
        match self {
            RowLoad::Idle => None,
            RowLoad::Loading(k, _) | RowLoad::Failed(k, _) | RowLoad::Loaded(k, _) => Some(k),
        }
    }
}

/// Each evaluation run's rows (`(run id, rows)`), read once per screen.
type RowsCache = Rc<RefCell<Vec<(String, Vec<EvaluatedRow>)>>>;

/// The per-row comparison. `Copy`; read again only through [`RowsLoader::retry`].
#[derive(Clone, Copy)]
pub struct RowsLoader {
    load: RwSignal<RowLoad>,
    attempt: RwSignal<u32>,
    /// The comparison the screen needs now (`None`: no champion to compare with).
    key: Memo<Option<RowsKey>>,
}

impl RowsLoader {
    /// Reads and compares, with `client`, what the candidate of `versions` against its
    /// champion under `edit`'s policy in effect needs, whenever that changes.
    pub fn new(versions: Versions, edit: PolicyEdit, client: Client) -> RowsLoader {
        let attempt = RwSignal::new(0u32);
        let data = versions.data_signal();
        let key = Memo::new(move |_| {
            let candidate = versions.candidate().get();
            data.with(|d| {
                edit.in_effect()
                    .with(|e| RowsKey::of(d, &candidate, &e.policy, attempt.get()))
            })
        });
        let load = RwSignal::new(RowLoad::Idle);
        let cache = RowsCache::default();
        // A threshold edit changes the policy but not the key: nothing is read again then.
        Effect::new(move |_| {
            let key = key.get();
            untrack(|| read(key, data, &client, &cache, load));
        });
        RowsLoader { load, attempt, key }
    }

    /// The comparison of the candidate with the champion, once read for them.
    pub fn loaded(&self) -> Option<Arc<RowComparisons>> {
        let key = self.key.get()?;
        self.load.with(|r| match r {
            RowLoad::Loaded(k, c) if *k == key => Some(c.clone()),
            _ => None,
        })
    }

    /// What the screen says while the comparison is not there: loading, or why it failed
    /// (`(text, failed)`).
    pub fn status(&self) -> Option<(String, bool)> {
        let key = self.key.get()?;
        self.load.with(|r| match r {
            RowLoad::Loading(k, text) if *k == key => Some((text.clone(), false)),
            RowLoad::Failed(k, text) if *k == key => Some((text.clone(), true)),
            _ => None,
        })
    }

    /// Reads the per-row scores again (after a failure).
    pub fn retry(&self) {
        self.attempt.update(|a| *a += 1);
    }
}

/// Reads the evaluation rows the comparison `key` needs (each run once per screen: `cache`),
/// then compares them into `load`, unless the screen needs another comparison by then.
fn read(
    key: Option<RowsKey>,
    data: ReadSignal<Arc<ReviewData>>,
    client: &Client,
    cache: &RowsCache,
    load: RwSignal<RowLoad>,
) {
    let Some(key) = key else {
        load.set(RowLoad::Idle);
        return;
    };
    let Some(runs) = data.with(|d| {
        let (candidate, champion) = (d.version(&key.candidate)?, d.version(&key.champion)?);
        Some(runs_to_read(
            &key.metrics,
            &key.aliases,
            candidate,
            champion,
        ))
    }) else {
        return;
    };
    let missing: Vec<_> = runs
        .into_iter()
        .filter(|(_, run)| !cache.borrow().iter().any(|(r, _)| r == run))
        .collect();
    let text = format!(
        "Reading the per-row scores of {} evaluation run(s)…",
        missing.len()
    );
    load.set(RowLoad::Loading(key.clone(), text));
    let current =
        move |key: &RowsKey| load.try_with_untracked(|r| r.key() == Some(key)) == Some(true);
    let (client, cache) = (client.clone(), cache.clone());
    leptos::task::spawn_local(async move {
        for (experiment, run) in missing {
            match client.evaluation_rows(&experiment, &run).await {
                Ok(rows) => cache.borrow_mut().push((run, rows)),
                Err(e) => {
                    if current(&key) {
                        let why = format!("Per-row scores not read: {e}.");
                        load.try_set(RowLoad::Failed(key, why));
                    }
                    return;
                }
            }
        }
        // The screen may be gone, or the reviewer may have moved on.
        if !current(&key) {
            return;
        }
        let compared = data.try_with_untracked(|d| {
            let (candidate, champion) = (d.version(&key.candidate)?, d.version(&key.champion)?);
            Some(row_comparisons(
                &key.metrics,
                &key.aliases,
                candidate,
                champion,
                &cache.borrow(),
            ))
        });
        if let Some(compared) = compared.flatten() {
            load.try_set(RowLoad::Loaded(key, Arc::new(compared)));
        }
    });
}
