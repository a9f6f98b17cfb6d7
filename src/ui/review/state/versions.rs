//! The model's versions: the loaded data (the first screen's, then every version's), each
//! version's verdict under the policy in effect, the candidate, and the rows drawn.

use std::sync::Arc;

use leptos::prelude::*;

use super::edit::PolicyEdit;
use crate::mlflow::{Client, ReviewData, Scope};
use crate::policy::{preview, MetricTable, Preview, RuleId};

/// Rows the versions table (and each chart) draws at once: the ones in view and some above
/// and below. A long model's table draws only these (windowing).
pub const WINDOW: usize = 40;
/// The drawn rows move by this many at a time while scrolling.
pub const WINDOW_STEP: usize = 10;

/// The versions and their verdicts. `Copy`; changed only through its named methods.
#[derive(Clone, Copy)]
pub struct Versions {
    data: RwSignal<Arc<ReviewData>>,
    table: Memo<Arc<MetricTable>>,
    older: RwSignal<Option<String>>,
    /// The candidate's version number.
    candidate: RwSignal<String>,
    candidate_row: Memo<usize>,
    first_row: RwSignal<usize>,
    champion_row: Memo<Option<usize>>,
    verdicts: Memo<Preview>,
    ranges: Memo<Vec<(RuleId, (f64, f64))>>,
}

impl Versions {
    /// The versions of `review`, decided under `edit`'s policy in effect; the newest is the
    /// candidate.
    pub fn new(review: Arc<ReviewData>, edit: PolicyEdit) -> Versions {
        let newest = review
            .versions
            .first()
            .map(|v| v.version.version.clone())
            .unwrap_or_default();
        let data = RwSignal::new(review);
        // Keys are interned once per load; an edit only re-runs the preview.
        let table = Memo::new(move |_| data.with(|d| Arc::new(d.metric_table())));
        let in_effect = edit.in_effect();
        let champion_row = Memo::new(move |_| {
            data.with(|d| in_effect.with(|e| d.index_of_alias(&e.policy.aliases.champion)))
        });
        let verdicts = Memo::new(move |_| {
            table.with(|table| in_effect.with(|e| preview(&e.policy, table, champion_row.get())))
        });
        let candidate = RwSignal::new(newest);
        let candidate_row = Memo::new(move |_| {
            candidate.with(|c| {
                data.with(|d| d.versions.iter().position(|v| v.version.version == *c))
                    .unwrap_or(0)
            })
        });
        // The observed range of each rule's metric (for sliders) depends on the rules' metrics
        // and the metric aliases only, so it is computed once per load and when rules change.
        // The aliases are read untracked: they change only by an import or a reset, which give
        // every rule a new id, so `rules` changes then too.
        let rules = edit.rules();
        let ranges = Memo::new(move |_| {
            let aliases = in_effect.with_untracked(|e| e.policy.metric_aliases.clone());
            table.with(|table| {
                rules.with(|rules| {
                    rules
                        .iter()
                        .filter_map(|(id, m)| Some((*id, table.range(m, &aliases)?)))
                        .collect()
                })
            })
        });
        Versions {
            data,
            table,
            older: RwSignal::new(None),
            candidate,
            candidate_row,
            // Every version is decided on each edit, but only a window of rows is drawn:
            // drawing a thousand rows and chart points takes most of a second.
            first_row: RwSignal::new(0),
            champion_row,
            verdicts,
            ranges,
        }
    }

    // Reads.

    /// The loaded model, versions and evidence: the first screen's, then (once) all of them.
    pub fn data(&self) -> Arc<ReviewData> {
        self.data.get()
    }

    /// The data signal, for memos that read part of it.
    pub fn data_signal(&self) -> ReadSignal<Arc<ReviewData>> {
        self.data.read_only()
    }

    /// Every loaded version's metrics as one table.
    pub fn table(&self) -> Arc<MetricTable> {
        self.table.get()
    }

    /// While the older versions load, or after they failed to: what to say about it.
    pub fn older(&self) -> ReadSignal<Option<String>> {
        self.older.read_only()
    }

    /// The candidate's version number.
    pub fn candidate(&self) -> ReadSignal<String> {
        self.candidate.read_only()
    }

    /// The candidate's row (versions are newest first).
    pub fn candidate_row(&self) -> Memo<usize> {
        self.candidate_row
    }

    /// The first of the [`WINDOW`] rows drawn.
    pub fn first_row(&self) -> ReadSignal<usize> {
        self.first_row.read_only()
    }

    /// The row of the version holding the policy's champion alias.
    pub fn champion_row(&self) -> Memo<Option<usize>> {
        self.champion_row
    }

    /// Every version decided under the policy in effect.
    pub fn verdicts(&self) -> Memo<Preview> {
        self.verdicts
    }

    /// The observed (min, max) of each rule's metric.
    pub fn ranges(&self) -> Memo<Vec<(RuleId, (f64, f64))>> {
        self.ranges
    }

    // Writes.

    /// Makes the version at `row` the candidate.
    pub fn choose_candidate(&self, row: usize) {
        let number = self
            .data
            .with_untracked(|d| d.versions.get(row).map(|v| v.version.version.clone()));
        if let Some(number) = number {
            self.candidate.set(number);
        }
    }

    /// Draws the rows around `visible`, the first row in view, in steps of [`WINDOW_STEP`].
    pub fn scroll_to(&self, visible: usize) {
        let first = (visible / WINDOW_STEP).saturating_sub(1) * WINDOW_STEP;
        if self.first_row.get_untracked() != first {
            self.first_row.set(first);
        }
    }

    /// Loads every version with `client`, the first screen staying decided meanwhile; then
    /// shows them all (the candidate stays the same version).
    pub fn load_older(&self, client: Client) {
        let versions = *self;
        let name = self.data.with_untracked(|d| d.model.name.clone());
        let loading = "The newest versions and the alias holders are decided; loading the others…";
        self.older.set(Some(loading.to_owned()));
        leptos::task::spawn_local(async move {
            // The screen may be gone by the time the answer comes (`try_`: nothing to do then).
            match client.load_review(&name, Scope::All).await {
                Ok(all) => {
                    versions.data.try_set(Arc::new(all));
                    versions.older.try_set(None);
                }
                Err(e) => {
                    versions.older.try_set(Some(format!(
                        "Older versions not loaded ({e}): only the newest and the alias holders \
                         are decided. Reload to try again."
                    )));
                }
            }
        });
    }
}
