//! The decision engine: which version may take the `production` and `champion` aliases, and why.
//!
//! Pure Rust with no I/O, so the same code runs natively (tests, CI gates) and in the browser.
//! It implements the team's promotion script (`check_thresholds`, `get_metric_value`,
//! `compare_models`, `promote_to_champion`) exactly, plus `mlflow.models.MetricThreshold`'s
//! change-against-baseline criteria, and one deliberate difference: non-finite values never pass.
//!
//! ```
//! use podium::policy::{decide, MetricSet, Policy};
//!
//! let policy = Policy::from_json(r#"{"relevance/mean": 0.7, "safety/mean": 0.9}"#).unwrap();
//! let candidate: MetricSet =
//!     serde_json::from_str(r#"{"relevance_to_query/mean": 0.8, "safety/mean": 0.95}"#).unwrap();
//! let decision = decide(&policy, &candidate, None);
//! assert!(decision.passes && decision.promote_production && decision.promote_champion);
//! ```

mod attention;
mod audit;
mod champion;
mod check;
mod criteria;
mod decision;
mod draft;
mod export;
mod metrics;
pub mod number;
pub mod numpy_random;
mod parse;
mod plan;
mod preview;
mod proposal;
mod report;
mod rules;
mod save;
mod signoff;
mod start;
pub mod stats;
mod text;
mod time;

pub use attention::{failed_briefly, Attention};
pub use audit::{
    fnv1a_hex, history, key_time, unexplained, used_metrics, AuditRecord, Doubt, HistoryEntry,
    MoveKind, PolicySource, PolicyUsed, RecordSummary, RecordTooLarge, AUDIT_TAG_PREFIX,
    RECORD_FORMAT, RECORD_LIMIT,
};
pub use champion::{
    row_comparison, ChampionComparison, MetricComparison, MetricOutcome, RowComparisons, Tally,
};
pub use check::{Check, CheckKind, Verdict};
pub use criteria::{
    Comparator, CriteriaError, CriteriaExport, Criterion, QualityCriteria, AGGREGATIONS,
    CRITERIA_SCHEMA_VERSION, MAX_TAG_VALUE, QUALITY_CRITERIA_TAG,
};
pub use decision::{decide, decide_with_rows, Decision};
pub use draft::{NumberField, PolicyDraft, RuleDraft};
pub use export::{python_literal, ExportFormat};
pub use metrics::MetricSet;
pub(crate) use parse::{parse_unique, valid_alias};
pub use parse::{
    Field, PolicyError, Problem, RuleId, MAX_ALIASED_METRICS, MAX_APPROVALS, MAX_KEY_METRICS,
    MAX_POLICY_TEXT, MAX_RULES,
};
pub use plan::{headline, summary, AliasMove, Candidate, MoveState, Plan, Refusal};
pub use preview::{preview, Cell, MetricTable, Preview, RowVerdict};
pub use proposal::{AliasWrite, Promotion, Proposal, Protection, Seen, SignOffGuard};
pub use report::{CheckReport, PolicyReport};
pub use rules::{
    default_champion_metrics, AliasNames, MetricAliases, MissingMetric, Policy, Rule,
    POLICY_VERSION,
};
pub use save::SaveReview;
pub use signoff::{
    approvers, sign_offs, Approved, Malformed, Missing, SignOff, SignOffEntry, Standing,
    SIGNOFF_FORMAT, SIGNOFF_TAG_PREFIX,
};
pub use start::lower_is_better;
pub use text::{is_hidden, visible};
pub use time::utc_minute;
