//! The per-row comparison of the candidate with the champion: read when the candidate, the
//! champion or the key metrics change, and compared key metric by key metric. The noise-aware
//! champion rule needs it.

use std::sync::Arc;

use leptos::prelude::*;

use super::edit::PolicyEdit;
use super::versions::Versions;
use crate::mlflow::{ApiError, Client, ReviewData};
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
    /// The server cannot give rows at all (MLflow 2.x has no `traces/search`): why. Reading again
    /// cannot help.
    Unavailable(RowsKey, String),
    /// Compared (a key metric without per-row data is not in it).
    Loaded(RowsKey, Arc<RowComparisons>),
}

impl RowLoad {
    fn key(&self) -> Option<&RowsKey> {
        match self {
            RowLoad::Idle => None,
            RowLoad::Loading(k, _)
            | RowLoad::Failed(k, _)
            | RowLoad::Unavailable(k, _)
            | RowLoad::Loaded(k, _) => Some(k),
        }
    }
}

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
        // A threshold edit changes the policy but not the key: nothing is read again then.
        Effect::new(move |_| {
            let key = key.get();
            untrack(|| read(key, data, edit, &client, load));
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
            RowLoad::Failed(k, text) | RowLoad::Unavailable(k, text) if *k == key => {
                Some((text.clone(), true))
            }
            _ => None,
        })
    }

    /// Whether this server cannot give per-row scores at all (a retry cannot help).
    pub fn unavailable(&self) -> bool {
        let Some(key) = self.key.get() else {
            return false;
        };
        self.load
            .with(|r| matches!(r, RowLoad::Unavailable(k, _) if *k == key))
    }

    /// Reads the per-row scores again (after a failure).
    pub fn retry(&self) {
        self.attempt.update(|a| *a += 1);
    }
}

/// Reads and compares the evaluation rows the comparison `key` needs
/// (`Client::compare_rows`, as the `podium` command does) into `load`, unless the screen needs
/// another comparison by then.
fn read(
    key: Option<RowsKey>,
    data: ReadSignal<Arc<ReviewData>>,
    edit: PolicyEdit,
    client: &Client,
    load: RwSignal<RowLoad>,
) {
    let Some(key) = key else {
        load.set(RowLoad::Idle);
        return;
    };
    let text = "Reading the per-row scores of the candidate's and the champion's evaluations…";
    load.set(RowLoad::Loading(key.clone(), text.to_owned()));
    let current =
        move |key: &RowsKey| load.try_with_untracked(|r| r.key() == Some(key)) == Some(true);
    let (review, policy) = (
        data.get_untracked(),
        edit.in_effect().with_untracked(|e| e.policy.clone()),
    );
    let client = client.clone();
    leptos::task::spawn_local(async move {
        let compared = client.compare_rows(&review, &key.candidate, &policy).await;
        // The screen may be gone, or the reviewer may have moved on.
        if !current(&key) {
            return;
        }
        let state = match compared {
            Ok(rows) => RowLoad::Loaded(key, Arc::new(rows.unwrap_or_default())),
            Err(e @ ApiError::Unsupported { .. }) => {
                RowLoad::Unavailable(key, format!("No per-row comparison: {e}"))
            }
            Err(e) => RowLoad::Failed(key, format!("Per-row scores not read: {e}.")),
        };
        load.try_set(state);
    });
}
