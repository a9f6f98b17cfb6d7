//! Deciding every version of a model at once, fast enough to re-run on every threshold edit.
//!
//! [`MetricTable`] interns metric keys once per data load; [`preview`] then resolves each rule
//! to a few column indices and runs the same numeric checks as [`decide`](super::decide), with
//! no string work per version. The property tests pin that both agree.

use std::collections::HashMap;

use super::champion::{compare, Tally};
use super::check::{evaluate_rule, Verdict};
use super::metrics::MetricSet;
use super::rules::{MetricAliases, Policy};

/// Every version's metrics as a dense table: one row per version, one column per metric key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricTable {
    keys: Vec<String>,
    index: HashMap<String, usize>,
    rows: usize,
    values: Vec<Option<f64>>,
}

impl MetricTable {
    /// Builds the table from each version's metrics, in row order.
    pub fn new<'a>(sets: impl IntoIterator<Item = &'a MetricSet>) -> Self {
        let sets: Vec<&MetricSet> = sets.into_iter().collect();
        let mut keys: Vec<String> = Vec::new();
        let mut index = HashMap::new();
        for set in &sets {
            for (key, _) in set.iter() {
                if !index.contains_key(key) {
                    index.insert(key.to_owned(), keys.len());
                    keys.push(key.to_owned());
                }
            }
        }
        let width = keys.len();
        let mut values = vec![None; sets.len() * width];
        for (row, set) in sets.iter().enumerate() {
            for (key, value) in set.iter() {
                values[row * width + index[key]] = Some(value);
            }
        }
        MetricTable {
            keys,
            index,
            rows: sets.len(),
            values,
        }
    }

    /// Number of versions.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Every metric key seen on any version, in first-seen order.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// The value of `key` on version `row`.
    pub fn get(&self, row: usize, key: &str) -> Option<f64> {
        self.index.get(key).and_then(|&col| self.at(row, col))
    }

    /// The seed's lookup (exact key, then aliases) on version `row`.
    pub fn lookup(&self, row: usize, metric: &str, aliases: &MetricAliases) -> Option<f64> {
        self.column(metric, aliases).value(self, row)
    }

    /// Smallest and largest finite value of `metric` (with aliases) over all versions.
    pub fn range(&self, metric: &str, aliases: &MetricAliases) -> Option<(f64, f64)> {
        let column = self.column(metric, aliases);
        (0..self.rows)
            .filter_map(|row| column.value(self, row))
            .filter(|v| v.is_finite())
            .fold(None, |acc, v| match acc {
                None => Some((v, v)),
                Some((lo, hi)) => Some((f64::min(lo, v), f64::max(hi, v))),
            })
    }

    /// The metrics `policy` reads (rules, then key metrics) that no version has under any of
    /// their keys — every version skips them — each with the key it most likely means (one a
    /// trailing space or a look-alike letter away: at most two edits), if there is one.
    pub fn unmatched(&self, policy: &Policy) -> Vec<(String, Option<String>)> {
        let mut seen = std::collections::HashSet::new();
        let names = policy.rules.iter().map(|r| &r.metric);
        names
            .chain(&policy.champion_metrics)
            .filter(|m| seen.insert(m.as_str()))
            .filter(|m| self.column(m, &policy.metric_aliases).0.is_empty())
            .map(|m| {
                let near = self.keys.iter().find(|k| edits_within(m, k, 2)).cloned();
                (m.clone(), near)
            })
            .collect()
    }

    /// Whether `policy` has rules and none of them finds a metric on any version: it checks
    /// nothing on this model.
    pub fn checks_nothing(&self, policy: &Policy) -> bool {
        !policy.rules.is_empty()
            && policy
                .rules
                .iter()
                .all(|r| self.column(&r.metric, &policy.metric_aliases).0.is_empty())
    }

    fn at(&self, row: usize, col: usize) -> Option<f64> {
        self.values[row * self.keys.len() + col]
    }

    fn column(&self, metric: &str, aliases: &MetricAliases) -> Column {
        Column(
            aliases
                .candidates(metric)
                .filter_map(|key| self.index.get(key).copied())
                .collect(),
        )
    }
}

/// A metric resolved to the columns to try, in lookup order.
struct Column(Vec<usize>);

impl Column {
    fn value(&self, table: &MetricTable, row: usize) -> Option<f64> {
        self.0.iter().find_map(|&col| table.at(row, col))
    }
}

/// One rule on one version.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// The value found (exact key or alias).
    pub value: Option<f64>,
    /// The worst verdict of the rule's checks (fail over skipped over pass).
    pub verdict: Verdict,
    /// Headroom of the rule's first check that has one (the threshold, when set).
    pub margin: Option<f64>,
}

/// One version's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowVerdict {
    /// Every rule passed (skips do not fail).
    pub passes: bool,
    /// Same as [`Decision::promote_production`](super::Decision::promote_production).
    pub promote_production: bool,
    /// Same as [`Decision::promote_champion`](super::Decision::promote_champion).
    pub promote_champion: bool,
    /// The comparison with the champion, when there is one.
    pub tally: Option<Tally>,
    /// Rules actually checked (not skipped), as [`Decision::rules_checked`](super::Decision).
    pub rules_checked: usize,
}

/// Verdicts for every version, and a cell per rule per version.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Preview {
    /// One per table row.
    pub rows: Vec<RowVerdict>,
    cells: Vec<Cell>,
    rules: usize,
}

impl Preview {
    /// The cells of version `row`, one per rule in the policy's order.
    pub fn cells(&self, row: usize) -> &[Cell] {
        &self.cells[row * self.rules..(row + 1) * self.rules]
    }
}

/// Decides every row of `table` as a candidate against the champion's row (if any), exactly
/// as [`decide`](super::decide) would one by one.
pub fn preview(policy: &Policy, table: &MetricTable, champion: Option<usize>) -> Preview {
    let aliases = &policy.metric_aliases;
    let rule_columns: Vec<Column> = policy
        .rules
        .iter()
        .map(|r| table.column(&r.metric, aliases))
        .collect();
    let key_columns: Vec<(Column, bool)> = policy
        .champion_metrics
        .iter()
        .map(|m| (table.column(m, aliases), policy.greater_is_better(m)))
        .collect();
    let champion_values: Vec<Option<f64>> = champion
        .map(|row| rule_columns.iter().map(|c| c.value(table, row)).collect())
        .unwrap_or_default();
    let champion_keys: Vec<Option<f64>> = champion
        .map(|row| {
            key_columns
                .iter()
                .map(|(c, _)| c.value(table, row))
                .collect()
        })
        .unwrap_or_default();

    let mut rows = Vec::with_capacity(table.rows);
    let mut cells = Vec::with_capacity(table.rows * policy.rules.len());
    for row in 0..table.rows {
        let mut passes = true;
        let mut rules_checked = 0;
        for (i, (rule, column)) in policy.rules.iter().zip(&rule_columns).enumerate() {
            let value = column.value(table, row);
            let baseline = champion_values.get(i).copied().flatten();
            let mut cell = Cell {
                value,
                verdict: Verdict::Pass,
                margin: None,
            };
            evaluate_rule(rule, value, baseline, policy.missing_metric, |o| {
                cell.verdict = cell.verdict.max(o.verdict);
                cell.margin = cell.margin.or(o.margin);
            });
            passes &= cell.verdict != Verdict::Fail;
            rules_checked += usize::from(cell.verdict != Verdict::Skipped);
            cells.push(cell);
        }
        let tally = champion.map(|_| {
            let mut tally = Tally::default();
            for ((column, gib), champ) in key_columns.iter().zip(&champion_keys) {
                tally.add(compare(column.value(table, row), *champ, *gib));
            }
            tally
        });
        rows.push(RowVerdict {
            passes,
            promote_production: passes,
            promote_champion: passes && tally.is_none_or(|t| t.candidate_better()),
            tally,
            rules_checked,
        });
    }
    Preview {
        rows,
        cells,
        rules: policy.rules.len(),
    }
}

/// Whether `a` becomes `b` in at most `limit` single-character edits (Levenshtein, by char).
fn edits_within(a: &str, b: &str, limit: usize) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > limit {
        return false;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()] <= limit
}
