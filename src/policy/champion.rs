//! The seed's `compare_models`: majority of strict wins over the key metrics.

use serde::Serialize;

use super::number;
use super::stats::{RowComparison, Significance};

/// Per-row comparisons of the candidate's and the champion's evaluations, `(key metric as the
/// policy names it, comparison)` in the policy's order. A key metric without per-row data is
/// not in it.
pub type RowComparisons = Vec<(String, RowComparison)>;

/// Key metric `metric`'s per-row comparison in `rows`.
pub fn row_comparison<'a>(rows: &'a RowComparisons, metric: &str) -> Option<&'a RowComparison> {
    rows.iter().find(|(m, _)| m == metric).map(|(_, c)| c)
}

/// How one key metric compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricOutcome {
    /// The candidate is strictly better.
    CandidateWins,
    /// The champion is strictly better.
    ChampionWins,
    /// Equal values.
    Tie,
    /// Not compared: missing (or non-finite) on either side.
    Skipped,
}

/// Compares two values of one key metric, direction-aware.
///
/// Non-finite values are skipped like missing ones: the seed would count `inf` as a win and
/// `NaN` as a tie, but neither is evidence of a better model.
pub(crate) fn compare(candidate: Option<f64>, champion: Option<f64>, gib: bool) -> MetricOutcome {
    match (candidate, champion) {
        (Some(c), Some(h)) if c.is_finite() && h.is_finite() => {
            let (better, worse) = if gib { (c > h, h > c) } else { (c < h, h < c) };
            if better {
                MetricOutcome::CandidateWins
            } else if worse {
                MetricOutcome::ChampionWins
            } else {
                MetricOutcome::Tie
            }
        }
        _ => MetricOutcome::Skipped,
    }
}

/// The noise-aware rule for one key metric: a win or a loss only when the interval of the
/// per-row difference excludes zero; within noise, a tie.
pub(crate) fn compare_rows(rows: &RowComparison, gib: bool) -> MetricOutcome {
    match rows.significance(gib) {
        Significance::Win => MetricOutcome::CandidateWins,
        Significance::Loss => MetricOutcome::ChampionWins,
        Significance::WithinNoise => MetricOutcome::Tie,
    }
}

/// Win counts over the key metrics; the candidate wins iff its wins exceed the champion's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Key metrics where the candidate is strictly better.
    pub candidate_wins: usize,
    /// Key metrics where the champion is strictly better.
    pub champion_wins: usize,
    /// Key metrics with equal values.
    pub ties: usize,
    /// Key metrics not compared.
    pub skipped: usize,
}

impl Tally {
    pub(crate) fn add(&mut self, outcome: MetricOutcome) {
        match outcome {
            MetricOutcome::CandidateWins => self.candidate_wins += 1,
            MetricOutcome::ChampionWins => self.champion_wins += 1,
            MetricOutcome::Tie => self.ties += 1,
            MetricOutcome::Skipped => self.skipped += 1,
        }
    }

    /// The seed's majority rule: strictly more wins than the champion (a tie keeps it).
    pub fn candidate_better(&self) -> bool {
        self.candidate_wins > self.champion_wins
    }

    /// Key metrics actually compared.
    pub fn compared(&self) -> usize {
        self.candidate_wins + self.champion_wins + self.ties
    }
}

/// One key metric of the champion comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricComparison {
    /// The key metric's name.
    pub metric: String,
    /// Whether higher is better for it (from its rule; else true).
    pub greater_is_better: bool,
    /// The candidate's value.
    #[serde(serialize_with = "number::serialize_opt")]
    pub candidate: Option<f64>,
    /// The champion's value.
    #[serde(serialize_with = "number::serialize_opt")]
    pub champion: Option<f64>,
    /// Who won.
    pub outcome: MetricOutcome,
}

/// The candidate against the current champion, metric by metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChampionComparison {
    /// Each key metric, in the policy's order.
    pub metrics: Vec<MetricComparison>,
    /// The counts.
    #[serde(flatten)]
    pub tally: Tally,
    /// Whether the candidate beats the champion (`candidate_wins > champion_wins`).
    pub candidate_better: bool,
    /// The noise-aware rule waits for the per-row comparisons (the counts are the means'):
    /// the champion stays meanwhile.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub rows_pending: bool,
}

impl ChampionComparison {
    /// `the candidate wins 2 of 3 key metrics, the champion 1.`
    pub fn sentence(&self) -> String {
        format!(
            "the candidate wins {} of {} key metrics, the champion {}.",
            self.tally.candidate_wins,
            self.metrics.len(),
            self.tally.champion_wins
        )
    }
}
