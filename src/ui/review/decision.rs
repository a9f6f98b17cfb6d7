//! The decision for the candidate: the plan in words, every check, the champion comparison.
//!
//! Each part reads its own memo of the decision, so a threshold edit redraws the checks and
//! leaves the comparison (which thresholds do not change) alone.

use leptos::prelude::*;

use super::state::use_review;
use super::table::signed;
use crate::mlflow::{logged_comparison, Capability};
use crate::policy::stats::{RowComparison, Significance, Test};
use crate::policy::{number, row_comparison, ChampionComparison, Check, CheckKind, MetricOutcome};
use crate::ui::verdict::look;

/// The decision panel.
#[component]
pub fn DecisionPanel() -> impl IntoView {
    let state = use_review();
    let data = state.versions.data();
    if data.versions.is_empty() {
        return view! {
            <section class="decision">
                <p>"This model has no versions."</p>
            </section>
        }
        .into_any();
    }
    // Text parts are plain closures (a text node is only written when its text changes); the
    // lists below are memos, so an unchanged list is not redrawn.
    let version = move || state.versions.candidate().get();
    let plan = move || state.headline();
    let tally = move || {
        let rules = state.edit.in_effect().with(|e| e.policy.rules.len());
        state.decision().with(|d| Some(d.as_ref()?.tally(rules)))
    };
    let checks = Memo::new(move |_| {
        state
            .decision()
            .with(|d| d.as_ref().map(|d| d.checks.clone()).unwrap_or_default())
    });
    let comparison = Memo::new(move |_| {
        state
            .decision()
            .with(|d| d.as_ref()?.champion_comparison.clone())
    });
    let warnings = Memo::new(move |_| {
        state
            .decision()
            .with(|d| d.as_ref().map(|d| d.warnings.clone()).unwrap_or_default())
    });
    view! {
        <section class="decision" aria-labelledby="decision-heading">
            <h2 id="decision-heading">{move || format!("Decision for v{}", version())}</h2>
            <p class="plan" data-testid="plan" aria-live="polite">{plan}</p>
            <super::promote::PromoteBar />
            <super::signoffs::SignOffPanel />
            <super::report::ReportPanel />
            <p>{tally}</p>
            <CheckList checks />
            <super::criteria::CriteriaPanel />
            <h3>"Against the champion"</h3>
            <ComparisonTable comparison />
            <ul class="warnings">
                {move || warnings.get().into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

/// Every check of every rule, with its verdict, reason and margin.
#[component]
fn CheckList(
    /// The candidate's checks.
    #[prop(into)]
    checks: Signal<Vec<Check>>,
) -> impl IntoView {
    let item = |c: Check| {
        let kind = match c.kind {
            CheckKind::Threshold => "",
            CheckKind::AbsoluteChange => " (gain over champion)",
            CheckKind::RelativeChange => " (relative gain over champion)",
        };
        let look = look(c.verdict);
        view! {
            <li class=look.class>
                <span class="mark">{format!("{} {}", look.mark, look.word)}</span>
                " "
                {c.reason}
                {kind}
                {c.margin.map(|m| format!(" ({})", signed(m)))}
            </li>
        }
    };
    view! { <ul class="checks">{move || checks.get().into_iter().map(item).collect_view()}</ul> }
}

/// The candidate against the current champion, key metric by key metric, and the majority.
#[component]
fn ComparisonTable(
    /// The comparison; `None` when there is no champion yet.
    #[prop(into)]
    comparison: Signal<Option<ChampionComparison>>,
) -> impl IntoView {
    let state = use_review();
    move || {
        let Some(cmp) = comparison.get() else {
            return view! { <p>"No current champion: a passing candidate becomes the first."</p> }
                .into_any();
        };
        let show = |v: Option<f64>| v.map(number::display).unwrap_or_else(|| "—".to_owned());
        let per_row = state.rows.loaded();
        let status = state.rows.status();
        let unavailable = state.rows.unavailable();
        let data = state.versions.data();
        let versions = state.versions.champion_row().get().and_then(|h| {
            Some((
                data.versions.get(state.versions.candidate_row().get())?,
                &data.versions[h],
            ))
        });
        let aliases = state
            .edit
            .in_effect()
            .with(|e| e.policy.metric_aliases.clone());
        let rows = cmp
            .metrics
            .iter()
            .map(|m| {
                let differs = match (&per_row, &status) {
                    (Some(c), _) => match row_comparison(c, &m.metric) {
                        Some(r) => row_difference(r, m.greater_is_better),
                        None => "no per-row data".to_owned(),
                    },
                    (None, Some(_)) if unavailable => {
                        format!("needs MLflow ≥ {}", Capability::Traces.since())
                    }
                    (None, Some((_, true))) => "not read".to_owned(),
                    (None, _) => "loading…".to_owned(),
                };
                let logged = versions
                    .and_then(|(c, h)| logged_comparison(&aliases, c, h, &m.metric))
                    .map(|(diff, (lo, hi), p)| {
                        format!(
                            " MLflow: {} [{}, {}], p = {}",
                            signed(diff),
                            number::display(lo),
                            number::display(hi),
                            number::display(p)
                        )
                    });
                let outcome = match m.outcome {
                    MetricOutcome::CandidateWins => "candidate wins",
                    MetricOutcome::ChampionWins => "champion wins",
                    MetricOutcome::Tie => "tie",
                    MetricOutcome::Skipped => "skipped (missing)",
                };
                view! {
                    <tr>
                        <th scope="row">{m.metric.clone()}</th>
                        <td>{show(m.candidate)}</td>
                        <td>{show(m.champion)}</td>
                        <td>{differs}{logged}</td>
                        <td>{outcome}</td>
                    </tr>
                }
            })
            .collect_view();
        let (wins, losses) = (cmp.tally.candidate_wins, cmp.tally.champion_wins);
        let majority = if cmp.rows_pending {
            "The noise-aware rule counts once the per-row comparison is read.".to_owned()
        } else if cmp.candidate_better {
            format!("Candidate wins the majority ({wins} to {losses}).")
        } else {
            format!("Champion keeps it ({wins} to {losses}; a tie keeps the champion).")
        };
        view! {
            <div class="table-scroll">
            <table class="comparison" aria-label="Candidate against the champion">
                <thead>
                    <tr>
                        <th scope="col">"Key metric"</th>
                        <th scope="col">"Candidate"</th>
                        <th scope="col">"Champion"</th>
                        <th scope="col">"Per-row difference (95 % interval)"</th>
                        <th scope="col">"Result"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            </div>
            <p>{majority}</p>
            {status.map(|(text, failed)| {
                view! {
                    <p role="status">
                        {text}
                        {(failed && !unavailable).then(|| view! {
                            " "
                            <button on:click=move |_| state.rows.retry()>"Read again"</button>
                        })}
                    </p>
                }
            })}
        }
        .into_any()
    }
}

/// "+0.05 [-0.025, 0.15]: within noise (40 pairs, McNemar p = 0.625)".
fn row_difference(r: &RowComparison, greater_is_better: bool) -> String {
    let word = match r.significance(greater_is_better) {
        Significance::Win => "win",
        Significance::Loss => "loss",
        Significance::WithinNoise => "within noise",
    };
    let test = match r.test {
        Test::McNemar => "McNemar",
        Test::Wilcoxon => "Wilcoxon",
        Test::MannWhitney => "Mann–Whitney",
    };
    let rows = if r.paired {
        format!("{} pairs", r.n)
    } else {
        format!("unpaired: {} and {} rows", r.n, r.n_baseline)
    };
    format!(
        "{} [{}, {}]: {word} ({rows}, {test} p = {})",
        signed(r.difference),
        number::display(r.interval.0),
        number::display(r.interval.1),
        number::display(r.p_value)
    )
}
