//! The review screen's state: one `Copy` handle over its signals and memos, built once from
//! the loaded data, the saved policy and a shared link, and provided through context.
//!
//! Children read what they need through the accessors (read-only memos and signals) and change
//! things only through the named methods below; every writer addresses a rule by its `RuleId`.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use super::promote::Pending;
use crate::mlflow::{
    row_comparisons, runs_to_read, ApplyReport, Client, EvaluatedRow, ReviewData, Scope,
    VersionReview, POLICY_TAG,
};
use crate::policy::{
    decide, decide_with_rows, preview, Decision, MetricAliases, MetricTable, MissingMetric,
    NumberField, Policy, PolicyDraft, Preview, Problem, RowComparisons, RuleId,
};
use crate::ui::deployment;
use crate::ui::route::Route;

/// Rows the versions table (and each chart) draws at once: the ones in view and some above
/// and below. A long model's table draws only these (windowing).
pub const WINDOW: usize = 40;
/// The drawn rows move by this many at a time while scrolling.
pub const WINDOW_STEP: usize = 10;

/// The policy the preview uses — the draft's when it is valid, else the last valid one — and
/// the draft row each of its rules came from.
#[derive(Debug, Clone, PartialEq)]
pub struct InEffect {
    /// The policy.
    pub policy: Policy,
    /// `rules[i]` came from draft row `rule_ids[i]`.
    pub rule_ids: Vec<RuleId>,
}

impl InEffect {
    /// The position of row `id`'s rule in the policy.
    pub fn index_of(&self, id: RuleId) -> Option<usize> {
        self.rule_ids.iter().position(|r| *r == id)
    }
}

/// What a per-row comparison is of: the candidate and the champion (version numbers), the key
/// metrics and their aliases, and which attempt (a retry reads again).
#[derive(Debug, Clone, PartialEq)]
pub struct RowsKey {
    candidate: String,
    champion: String,
    metrics: Vec<String>,
    aliases: MetricAliases,
    attempt: u32,
}

impl RowsKey {
    /// The key for the candidate at row `candidate` against the champion at row `champion`;
    /// `None` without a champion (or when the candidate is the champion).
    fn of(
        data: &ReviewData,
        candidate: usize,
        champion: Option<usize>,
        policy: &Policy,
        attempt: u32,
    ) -> Option<RowsKey> {
        let number = |row: usize| Some(data.versions.get(row)?.version.version.clone());
        let (candidate, champion) = (number(candidate)?, number(champion?)?);
        (candidate != champion).then(|| RowsKey {
            candidate,
            champion,
            metrics: policy.champion_metrics.clone(),
            aliases: policy.metric_aliases.clone(),
            attempt,
        })
    }

    /// The comparison the screen shows now (read tracked): `None` without a champion.
    fn now(
        data: StoredValue<Arc<ReviewData>>,
        in_effect: Memo<InEffect>,
        candidate: RwSignal<usize>,
        champion: Memo<Option<usize>>,
        attempt: RwSignal<u32>,
    ) -> Option<RowsKey> {
        data.with_value(|d| {
            in_effect
                .with(|e| RowsKey::of(d, candidate.get(), champion.get(), &e.policy, attempt.get()))
        })
    }

    /// The candidate's and the champion's evidence.
    fn versions<'a>(&self, data: &'a ReviewData) -> Option<(&'a VersionReview, &'a VersionReview)> {
        let find = |n: &str| data.versions.iter().find(|v| v.version.version == n);
        Some((find(&self.candidate)?, find(&self.champion)?))
    }
}

/// The per-row comparison of the candidate with the champion, key metric by key metric, and
/// which comparison it is (the screen may have moved on since).
#[derive(Debug, Clone, PartialEq)]
pub enum RowLoad {
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

/// Where the screen's first policy came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The model's saved `podium.policy` tag.
    Saved,
    /// The default policy (podium.json's, else the seed's): the model has no saved policy (or
    /// an invalid one).
    Defaults,
    /// A shared link's `?policy=`.
    Link,
}

/// Every signal and memo of one model's review. `Copy`: pass it, or one piece of it, anywhere.
#[derive(Clone, Copy)]
pub struct ReviewState {
    /// The first screen's data, then (once) every version's: read through `rest`, which
    /// changes when it is replaced.
    data: StoredValue<Arc<ReviewData>>,
    table: StoredValue<Arc<MetricTable>>,
    /// While the older versions load (or after they failed to): what the screen says about it.
    rest: RwSignal<Option<String>>,
    notices: StoredValue<Vec<String>>,
    origin: Origin,
    draft: RwSignal<PolicyDraft>,
    saved: RwSignal<Policy>,
    checked: Memo<Result<Policy, Vec<Problem>>>,
    in_effect: Memo<InEffect>,
    candidate: RwSignal<usize>,
    first_row: RwSignal<usize>,
    champion_row: Memo<Option<usize>>,
    verdicts: Memo<Preview>,
    decision: Memo<Option<Decision>>,
    rows: RwSignal<RowLoad>,
    attempt: RwSignal<u32>,
    rules: Memo<Vec<(RuleId, String)>>,
    ranges: Memo<Vec<(RuleId, (f64, f64))>>,
    link: Memo<String>,
    client: StoredValue<Client>,
    reload: StoredValue<Option<Reload>>,
    saved_tag: RwSignal<Option<String>>,
    user: RwSignal<Option<String>>,
    pending: RwSignal<Option<Pending>>,
    busy: RwSignal<bool>,
    report: RwSignal<Option<(Pending, ApplyReport)>>,
}

/// Reloading the review from MLflow (after a write, or when MLflow changed under the screen),
/// keeping the reviewer's what-if and a message for the fresh screen. Provided by the screen
/// that loads the data.
#[derive(Clone, Copy)]
pub struct Reload {
    generation: RwSignal<u32>,
    carry: StoredValue<(Option<String>, Option<Notice>)>,
}

/// A message for the fresh screen after a reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Good news (applied) rather than a warning (nothing written).
    pub ok: bool,
    /// The message.
    pub text: String,
}

impl Reload {
    /// A reloader; `generation` keys the screen's data resource.
    pub fn new() -> Reload {
        Reload {
            generation: RwSignal::new(0),
            carry: StoredValue::new((None, None)),
        }
    }

    /// Read by the data resource: a new generation loads again.
    pub fn generation(&self) -> u32 {
        self.generation.get()
    }

    /// Loads again; the fresh screen starts from `what_if` (if any) and shows `notice`.
    pub fn reload(&self, what_if: Option<String>, notice: Option<Notice>) {
        self.carry.set_value((what_if, notice));
        self.generation.update(|g| *g += 1);
    }

    /// What the last reload carried (once).
    pub fn take_carry(&self) -> (Option<String>, Option<Notice>) {
        let mut carried = (None, None);
        self.carry.update_value(|c| carried = std::mem::take(c));
        carried
    }
}

impl Default for Reload {
    fn default() -> Self {
        Reload::new()
    }
}

/// The saved policy in the model's `podium.policy` tag, else the default one (podium.json's or
/// the seed's; with a notice when the tag is there but invalid).
fn saved_policy(review: &ReviewData) -> (Policy, Option<String>) {
    match review.model.tag(POLICY_TAG) {
        None => (deployment().default_policy(), None),
        Some(json) => match Policy::from_json(json) {
            Ok(p) => (p, None),
            Err(e) => (
                deployment().default_policy(),
                Some(format!(
                    "The saved policy tag is invalid and was not used: {e}"
                )),
            ),
        },
    }
}

impl ReviewState {
    /// The state for `review`, starting from the shared link's policy (`shared`) if it is
    /// valid, else the saved one. Call inside the component that owns the screen.
    pub fn new(
        review: Arc<ReviewData>,
        shared: Option<&str>,
        client: Client,
        reload: Option<Reload>,
    ) -> ReviewState {
        let (saved, saved_notice) = saved_policy(&review);
        let mut origin = if saved_notice.is_none() && review.model.tag(POLICY_TAG).is_some() {
            Origin::Saved
        } else {
            Origin::Defaults
        };
        let mut start = saved.clone();
        let mut notices: Vec<String> = saved_notice.into_iter().collect();
        match shared.map(Policy::from_json) {
            Some(Ok(p)) => {
                start = p;
                origin = Origin::Link;
            }
            Some(Err(e)) => notices.push(format!(
                "The policy in the link is invalid and was ignored: {e}"
            )),
            None => {}
        }

        let draft = RwSignal::new(PolicyDraft::from_policy(&start));
        let saved = RwSignal::new(saved);
        let checked = Memo::new(move |_| draft.with(PolicyDraft::to_policy));
        // The preview keeps the last valid policy while an edit is invalid. The ids are read
        // from the draft itself: a reset to an equal policy gives the rows new ids.
        let in_effect = Memo::new(move |last: Option<&InEffect>| match checked.get() {
            Ok(policy) => InEffect {
                policy,
                rule_ids: draft.with(PolicyDraft::rule_ids),
            },
            Err(_) => last.cloned().unwrap_or_else(|| InEffect {
                rule_ids: (0..start.rules.len() as u32).map(RuleId).collect(),
                policy: start.clone(),
            }),
        });

        // Keys are interned once per load; an edit only re-runs the preview.
        let table = StoredValue::new(Arc::new(review.metric_table()));
        let link_name = review.model.name.clone();
        let saved_tag = RwSignal::new(review.model.tag(POLICY_TAG).map(str::to_owned));
        // Replaced once when the older versions arrive (`load_older`).
        let data = StoredValue::new(review);
        let rest = RwSignal::new(None::<String>);
        let champion_row = Memo::new(move |_| {
            rest.track();
            data.with_value(|d| in_effect.with(|e| d.index_of_alias(&e.policy.aliases.champion)))
        });
        let verdicts = Memo::new(move |_| {
            rest.track();
            let table = table.get_value();
            in_effect.with(|e| preview(&e.policy, &table, champion_row.get()))
        });
        let candidate = RwSignal::new(0usize);
        // Every version is decided on each edit, but only a window of rows is drawn: drawing a
        // thousand rows and chart points takes most of a second.
        let first_row = RwSignal::new(0usize);
        // The per-row comparison the decision panel shows (and the noise-aware rule needs).
        let attempt = RwSignal::new(0u32);
        let rows = RwSignal::new(RowLoad::Idle);
        let decision = Memo::new(move |_| {
            rest.track();
            data.with_value(|d| {
                let versions = &d.versions;
                let (row, champion_row) = (candidate.get(), champion_row.get());
                let candidate = versions.get(row)?.metric_set();
                let champion = champion_row.map(|i| versions[i].metric_set());
                let champion = champion.as_ref();
                Some(in_effect.with(|e| {
                    let policy = &e.policy;
                    // No comparison to read (no champion, or it is the candidate): the
                    // seed's rule and the noise-aware one agree.
                    let Some(key) = RowsKey::of(d, row, champion_row, policy, attempt.get()) else {
                        return decide(policy, &candidate, champion);
                    };
                    rows.with(|r| {
                        let loaded = match r {
                            RowLoad::Loaded(k, c) if *k == key => Some(&**c),
                            _ => None,
                        };
                        decide_with_rows(policy, &candidate, champion, loaded)
                    })
                }))
            })
        });
        // The rules' ids and metrics: unchanged by a threshold edit, so what is built from
        // it (table columns, charts, slider ranges) is not rebuilt while typing.
        let rules = Memo::new(move |_| {
            in_effect.with(|e| {
                e.rule_ids
                    .iter()
                    .zip(&e.policy.rules)
                    .map(|(id, r)| (*id, r.metric.clone()))
                    .collect::<Vec<_>>()
            })
        });
        // The observed range of each rule's metric (for sliders) depends on the rules' metrics
        // and the metric aliases only, so it is computed once per load and when rules change.
        // The aliases are read untracked: they change only by an import or a reset, which give
        // every rule a new id, so `rules` changes then too.
        let ranges = Memo::new(move |_| {
            rest.track();
            let table = table.get_value();
            let aliases = in_effect.with_untracked(|e| e.policy.metric_aliases.clone());
            rules.with(|rules| {
                rules
                    .iter()
                    .filter_map(|(id, m)| Some((*id, table.range(m, &aliases)?)))
                    .collect()
            })
        });
        // A link reproduces the preview: the model, and the policy when it is not the saved one.
        let link = {
            let name = link_name;
            Memo::new(move |_| {
                let policy = in_effect
                    .with(|e| saved.with(|s| (e.policy != *s).then(|| e.policy.to_json())));
                Route::Model {
                    name: name.clone(),
                    policy,
                }
                .href()
            })
        };
        let user = RwSignal::new(None);
        let pending = RwSignal::new(None);
        let busy = RwSignal::new(false);
        let report = RwSignal::new(None);
        let client = StoredValue::new(client);
        let rows_cache: RowsCache = Rc::default();
        Effect::new(move |_| {
            rest.track();
            let key = RowsKey::now(data, in_effect, candidate, champion_row, attempt);
            // A threshold edit changes the policy but not this comparison.
            if rows.with_untracked(|r| r.key() != key.as_ref()) {
                untrack(|| load_rows(key, data, client, &rows_cache, rows));
            }
        });
        ReviewState {
            data,
            table,
            rest,
            notices: StoredValue::new(notices),
            origin,
            draft,
            saved,
            checked,
            in_effect,
            candidate,
            first_row,
            champion_row,
            verdicts,
            decision,
            rows,
            attempt,
            rules,
            ranges,
            link,
            client,
            reload: StoredValue::new(reload),
            saved_tag,
            user,
            pending,
            busy,
            report,
        }
    }

    // Reads.

    /// The loaded model, versions and evidence: the first screen's, then (once) all of them.
    pub fn data(&self) -> Arc<ReviewData> {
        self.rest.track();
        self.data.get_value()
    }

    /// Every loaded version's metrics as one table.
    pub fn table(&self) -> Arc<MetricTable> {
        self.rest.track();
        self.table.get_value()
    }

    /// While the older versions load, or after they failed to: what to say about it.
    pub fn rest(&self) -> ReadSignal<Option<String>> {
        self.rest.read_only()
    }

    /// Warnings about where the policy came from (an invalid saved tag or link).
    pub fn notices(&self) -> Vec<String> {
        self.notices.get_value()
    }

    /// Where the screen's first policy came from.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The editor's text, valid or not.
    pub fn draft(&self) -> ReadSignal<PolicyDraft> {
        self.draft.read_only()
    }

    /// The draft as a policy, or every problem with it.
    pub fn checked(&self) -> Memo<Result<Policy, Vec<Problem>>> {
        self.checked
    }

    /// Whether the draft has problems (the preview then keeps the last valid policy).
    pub fn is_invalid(&self) -> bool {
        self.checked.with(Result::is_err)
    }

    /// The policy the preview uses, with the draft row of each rule.
    pub fn in_effect(&self) -> Memo<InEffect> {
        self.in_effect
    }

    /// The policy saved on the model (or the defaults).
    pub fn saved(&self) -> ReadSignal<Policy> {
        self.saved.read_only()
    }

    /// What the policy in effect changes from the saved one, one line per change.
    pub fn differences(&self) -> Vec<String> {
        self.in_effect
            .with(|e| self.saved.with(|s| e.policy.differences(s)))
    }

    /// The candidate's row (versions are newest first).
    pub fn candidate(&self) -> ReadSignal<usize> {
        self.candidate.read_only()
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

    /// The decision for the candidate (`None`: the model has no versions).
    pub fn decision(&self) -> Memo<Option<Decision>> {
        self.decision
    }

    /// The per-row comparison of the candidate with the champion (while it is for them).
    pub fn rows(&self) -> Option<Arc<RowComparisons>> {
        let key = self.rows_key()?;
        self.rows.with(|r| match r {
            RowLoad::Loaded(k, c) if *k == key => Some(c.clone()),
            _ => None,
        })
    }

    /// What the screen says about the per-row comparison while it is not there: loading, or
    /// why it failed (`(text, failed)`).
    pub fn rows_status(&self) -> Option<(String, bool)> {
        let key = self.rows_key()?;
        self.rows.with(|r| match r {
            RowLoad::Loading(k, text) if *k == key => Some((text.clone(), false)),
            RowLoad::Failed(k, text) if *k == key => Some((text.clone(), true)),
            _ => None,
        })
    }

    fn rows_key(&self) -> Option<RowsKey> {
        RowsKey::now(
            self.data,
            self.in_effect,
            self.candidate,
            self.champion_row,
            self.attempt,
        )
    }

    /// Why Apply must wait: the decision's noise-aware rule waits for per-row data that is not
    /// loaded (yet), or could not be read.
    pub fn rows_block(&self) -> Option<String> {
        let pending = self.decision.with(|d| {
            d.as_ref()
                .and_then(|d| d.champion_comparison.as_ref())
                .is_some_and(|c| c.rows_pending)
        });
        if !pending {
            return None;
        }
        Some(match self.rows_status() {
            Some((why, true)) => format!("{why} The noise-aware champion rule cannot decide."),
            _ => ROWS_PENDING.to_owned(),
        })
    }

    /// The rules of the policy in effect: draft row id and metric, in order.
    pub fn rules(&self) -> Memo<Vec<(RuleId, String)>> {
        self.rules
    }

    /// The observed (min, max) of each rule's metric.
    pub fn ranges(&self) -> Memo<Vec<(RuleId, (f64, f64))>> {
        self.ranges
    }

    /// This preview's path and query.
    pub fn link(&self) -> Memo<String> {
        self.link
    }

    /// The client the data was loaded with: every write goes to that server, whatever the
    /// settings say by the time of the click.
    pub fn client(&self) -> Client {
        self.client.get_value()
    }

    /// The model's `podium.policy` tag as last read or written.
    pub fn saved_tag(&self) -> ReadSignal<Option<String>> {
        self.saved_tag.read_only()
    }

    /// The MLflow user the writes are made as, when the server says (basic auth).
    pub fn user(&self) -> ReadSignal<Option<String>> {
        self.user.read_only()
    }

    /// Moves waiting for the reviewer's confirmation.
    pub fn pending(&self) -> ReadSignal<Option<Pending>> {
        self.pending.read_only()
    }

    /// Whether a write to MLflow is in flight (every write button is disabled meanwhile).
    pub fn busy(&self) -> ReadSignal<bool> {
        self.busy.read_only()
    }

    /// What the last apply did, with the moves it was asked to make.
    pub fn report(&self) -> ReadSignal<Option<(Pending, ApplyReport)>> {
        self.report.read_only()
    }

    // Writes: the only ways the screen changes.

    /// Sets the text of a numeric field of rule `id`.
    pub fn set_number(&self, id: RuleId, field: NumberField, text: String) {
        self.draft.update(|d| {
            d.set_number(id, field, &text);
        });
    }

    /// Sets rule `id`'s threshold as typed.
    pub fn set_threshold(&self, id: RuleId, text: String) {
        self.set_number(id, NumberField::Threshold, text);
    }

    /// Sets rule `id`'s threshold from a slider or chart (rounded to 4 decimals).
    pub fn set_threshold_value(&self, id: RuleId, value: f64) {
        self.set_threshold(id, crate::policy::number::display(value));
    }

    /// Sets rule `id`'s direction.
    pub fn set_direction(&self, id: RuleId, greater_is_better: bool) {
        self.draft.update(|d| {
            d.set_direction(id, greater_is_better);
        });
    }

    /// Adds a rule for `metric` (invalid until it has a criterion).
    pub fn add_rule(&self, metric: &str) {
        self.draft.update(|d| {
            d.add_rule(metric);
        });
    }

    /// Removes rule `id`.
    pub fn remove_rule(&self, id: RuleId) {
        self.draft.update(|d| {
            d.remove_rule(id);
        });
    }

    /// Makes `metric` a champion key metric, or not.
    pub fn set_key_metric(&self, metric: &str, on: bool) {
        self.draft.update(|d| d.set_key_metric(metric, on));
    }

    /// Turns the noise-aware champion rule on or off.
    pub fn set_noise_aware_champion(&self, on: bool) {
        self.draft.update(|d| d.set_noise_aware_champion(on));
    }

    /// Sets what a missing metric does.
    pub fn set_missing_metric(&self, mode: MissingMetric) {
        self.draft.update(|d| d.set_missing_metric(mode));
    }

    /// Replaces the what-if with an imported policy.
    pub fn import(&self, policy: &Policy) {
        self.draft.update(|d| d.replace(policy));
    }

    /// Goes back to the saved policy.
    pub fn reset(&self) {
        let saved = self.saved.get_untracked();
        self.draft.update(|d| d.replace(&saved));
    }

    /// Records that `policy` is now the model's saved policy, written as `tag`.
    pub fn mark_saved(&self, policy: Policy, tag: String) {
        self.saved.set(policy);
        self.saved_tag.set(Some(tag));
    }

    /// Records who MLflow says the user is.
    pub fn set_user(&self, user: Option<String>) {
        self.user.set(user);
    }

    /// Shows `moves` for confirmation; nothing is written yet.
    pub fn ask_to_confirm(&self, moves: Pending) {
        self.report.set(None);
        self.pending.set(Some(moves));
    }

    /// Closes the confirmation without writing.
    pub fn cancel(&self) {
        self.pending.set(None);
    }

    /// Marks a write as started (`true`) or finished.
    pub fn set_busy(&self, busy: bool) {
        self.busy.set(busy);
    }

    /// Shows what an apply did.
    pub fn show_report(&self, moves: Pending, report: ApplyReport) {
        self.pending.set(None);
        self.report.set(Some((moves, report)));
    }

    /// Loads the review again from MLflow, keeping the what-if, with `notice` on the fresh
    /// screen. False when this screen cannot reload itself (mounted without a loader).
    pub fn reload(&self, notice: Notice) -> bool {
        let what_if = self.in_effect.with_untracked(|e| {
            self.saved
                .with_untracked(|s| (e.policy != *s).then(|| e.policy.to_json()))
        });
        match self.reload.get_value() {
            Some(reload) => {
                // This screen shows stale data until the fresh one replaces it: no more writes.
                self.busy.set(true);
                reload.reload(what_if, Some(notice));
                true
            }
            None => false,
        }
    }

    /// Reads the per-row scores again (after a failure).
    pub fn retry_rows(&self) {
        self.attempt.update(|a| *a += 1);
    }

    /// Makes the version at `row` the candidate.
    pub fn choose_candidate(&self, row: usize) {
        self.candidate.set(row);
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
        let state = *self;
        let name = self.data.with_value(|d| d.model.name.clone());
        let loading = "The newest versions and the alias holders are decided; loading the others…";
        self.rest.set(Some(loading.to_owned()));
        leptos::task::spawn_local(async move {
            let loaded = client.load_review(&name, Scope::All).await;
            // The screen may be gone by now (`try_`: nothing to update then).
            let rest = match loaded {
                Ok((all, _)) => {
                    let chosen = state.data.try_with_value(|d| {
                        let row = state.candidate.get_untracked();
                        d.versions.get(row).map(|v| v.version.version.clone())
                    });
                    let row = chosen
                        .flatten()
                        .and_then(|n| all.versions.iter().position(|v| v.version.version == n));
                    state.table.try_set_value(Arc::new(all.metric_table()));
                    state.data.try_set_value(Arc::new(all));
                    state.candidate.try_set(row.unwrap_or(0));
                    None
                }
                Err(e) => Some(format!(
                    "Older versions not loaded ({e}): only the newest and the alias holders are \
                     decided. Reload to try again."
                )),
            };
            // Last: what reads the data is redrawn from here.
            state.rest.try_set(rest);
        });
    }
}

/// Each evaluation run's rows (`(run id, rows)`), read once per screen.
type RowsCache = Rc<RefCell<Vec<(String, Vec<EvaluatedRow>)>>>;

const ROWS_PENDING: &str =
    "The per-row comparison with the champion is loading: the noise-aware champion rule waits for it.";

/// Reads the evaluation rows the comparison `key` needs (each run once per screen: `cache`),
/// then compares them into `rows`, unless the candidate, the champion or the key metrics have
/// changed by then (`rows` is then for another key).
fn load_rows(
    key: Option<RowsKey>,
    data: StoredValue<Arc<ReviewData>>,
    client: StoredValue<Client>,
    cache: &RowsCache,
    rows: RwSignal<RowLoad>,
) {
    let Some(key) = key else {
        rows.set(RowLoad::Idle);
        return;
    };
    let Some(runs) = data.with_value(|d| {
        let (candidate, champion) = key.versions(d)?;
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
    rows.set(RowLoad::Loading(key.clone(), text));
    let current =
        move |key: &RowsKey| rows.try_with_untracked(|r| r.key() == Some(key)) == Some(true);
    let client = client.get_value();
    let cache = cache.clone();
    leptos::task::spawn_local(async move {
        for (experiment, run) in missing {
            match client.evaluation_rows(&experiment, &run).await {
                Ok(read) => cache.borrow_mut().push((run, read)),
                Err(e) => {
                    if current(&key) {
                        let why = format!("Per-row scores not read: {e}.");
                        rows.try_set(RowLoad::Failed(key, why));
                    }
                    return;
                }
            };
        }
        // The screen may be gone, or the reviewer may have moved on.
        if !current(&key) {
            return;
        }
        let compared = data.try_with_value(|d| {
            let (candidate, champion) = key.versions(d)?;
            Some(row_comparisons(
                &key.metrics,
                &key.aliases,
                candidate,
                champion,
                &cache.borrow(),
            ))
        });
        if let Some(compared) = compared.flatten() {
            rows.try_set(RowLoad::Loaded(key, Arc::new(compared)));
        }
    });
}

/// Makes `state` the review state of every component below.
pub fn provide_review(state: ReviewState) -> ReviewState {
    provide_context(state);
    state
}

/// The review state provided by the screen ([`provide_review`]).
pub fn use_review() -> ReviewState {
    expect_context::<ReviewState>()
}
