//! The model review screen: every version's verdict under the (edited) policy, the decision for
//! one candidate, and the alias plan. Every verdict here comes from `policy::`.

use std::sync::Arc;

use leptos::prelude::*;

use super::charts::MetricCharts;
use super::editor::{PolicyDraft, PolicyEditor};
use super::route::{replace_url, Link, Route};
use super::share::SharePanel;
use super::{use_client, use_scoped_client, AliasChips, ErrorPanel};
use crate::mlflow::{run_ui_url, ApiError, Evaluation, Progress, ReviewData, POLICY_TAG};
use crate::policy::{
    decide, number, preview, summary, Cell, CheckKind, Decision, MetricOutcome, Policy, Verdict,
};

/// Loads model `name` and shows its review.
#[component]
pub fn ReviewScreen(
    /// The registered model's name (a new name is a new screen: the router remounts it).
    name: String,
    /// A shared what-if policy (JSON) from the URL.
    shared_policy: Option<String>,
) -> impl IntoView {
    let client = use_scoped_client();
    let (progress, set_progress) = signal(None::<Progress>);
    let data = LocalResource::new({
        let name = name.clone();
        move || {
            let client = client.get();
            let name = name.clone();
            async move {
                client
                    .load_review(&name, None, move |p| set_progress.set(Some(p)))
                    .await
                    .map(Arc::new)
            }
        }
    });
    let loading = move || match progress.get() {
        Some(Progress { loaded, total }) => {
            format!("Loading evaluations… {loaded} of {total} versions")
        }
        None => "Loading the model…".to_owned(),
    };
    view! {
        <p class="breadcrumb">
            <Link route=Route::Models>"← All models"</Link>
        </p>
        {move || match data.get() {
            None => view! { <p role="status">{loading}</p> }.into_any(),
            Some(Ok(review)) => {
                let shared = shared_policy.clone();
                view! { <ReviewPanel review shared /> }.into_any()
            }
            Some(Err(error)) => {
                let title = format!("Could not load model {name}");
                view! { <ErrorPanel title error /> }.into_any()
            }
        }}
    }
}

/// The saved policy in the model's `podium.policy` tag, else the seed's defaults.
fn saved_policy(review: &ReviewData) -> (Policy, Option<String>) {
    match review.model.tag(POLICY_TAG) {
        None => (Policy::default(), None),
        Some(json) => match Policy::from_json(json) {
            Ok(p) => (p, None),
            Err(e) => (
                Policy::default(),
                Some(format!(
                    "The saved policy tag is invalid and was not used: {e}"
                )),
            ),
        },
    }
}

/// The review of loaded data: editor, versions table and decision panel.
#[component]
pub fn ReviewPanel(
    /// The model's versions, aliases and evidence.
    review: Arc<ReviewData>,
    /// A shared what-if policy (JSON), e.g. from a link.
    shared: Option<String>,
) -> impl IntoView {
    let (saved_initial, saved_warning) = saved_policy(&review);
    let saved = RwSignal::new(saved_initial.clone());
    let (start, link_warning) = match shared.as_deref().map(Policy::from_json) {
        Some(Ok(p)) => (p, None),
        Some(Err(e)) => (
            saved_initial,
            Some(format!(
                "The policy in the link is invalid and was ignored: {e}"
            )),
        ),
        None => (saved_initial, None),
    };
    let draft = RwSignal::new(PolicyDraft::from_policy(&start));
    let checked = Memo::new(move |_| draft.with(PolicyDraft::to_policy));
    // The preview keeps the last valid policy while an edit is invalid.
    let policy = Memo::new(move |last: Option<&Policy>| match checked.get() {
        Ok(p) => p,
        Err(_) => last.cloned().unwrap_or_else(|| start.clone()),
    });
    let problems = Signal::derive(move || checked.get().err().unwrap_or_default());
    let invalid = move || checked.with(Result::is_err);

    // Keys are interned once per load; edits only re-run the preview.
    let table = Arc::new(review.metric_table());
    let metric_keys = table.keys().to_vec();
    let champion_row = {
        let review = review.clone();
        Memo::new(move |_| policy.with(|p| review.index_of_alias(&p.aliases.champion)))
    };
    let verdicts = {
        let table = table.clone();
        Memo::new(move |_| policy.with(|p| preview(p, &table, champion_row.get())))
    };
    // Observed range of each rule's metric, for the threshold sliders.
    let ranges = {
        let table = table.clone();
        Signal::derive(move || {
            policy.with(|p| {
                p.rules
                    .iter()
                    .filter_map(|r| {
                        Some((r.metric.clone(), table.range(&r.metric, &p.metric_aliases)?))
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let candidate = RwSignal::new(0usize);
    // Only the newest versions are drawn at first: every version is decided on each edit, but
    // re-rendering a thousand rows and chart points takes most of a second (docs/benchmarks.md).
    let shown = RwSignal::new(review.versions.len().min(SHOWN_STEP));
    let decision = {
        let review = review.clone();
        Memo::new(move |_| {
            let versions = &review.versions;
            let cand = versions.get(candidate.get())?;
            let champion = champion_row.get().map(|i| versions[i].metric_set());
            Some(policy.with(|p| decide(p, &cand.metric_set(), champion.as_ref())))
        })
    };

    // The what-if lives in the URL, so a link reproduces the preview. The link is derived from
    // the policy; the address bar follows a quarter second after the last change, because
    // browsers throttle history updates (Chromium: 200 in 10 s) and a threshold drag changes the
    // policy on every pointer move.
    let name = review.model.name.clone();
    let link = Memo::new({
        let name = name.clone();
        move |_| {
            let current = policy.get();
            let shared = (current != saved.get()).then(|| current.to_json());
            Route::Model {
                name: name.clone(),
                policy: shared,
            }
            .href()
        }
    });
    let pending_url = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    Effect::new(move |_| {
        let href = link.get();
        let write = gloo_timers::callback::Timeout::new(250, move || replace_url(&href));
        pending_url.set_value(Some(write));
    });

    let client = use_client();
    let (save_state, set_save_state) = signal(None::<Result<(), ApiError>>);
    let save = {
        let name = name.clone();
        move |_| {
            if invalid() {
                return;
            }
            let p = policy.get();
            let client = client.get();
            let name = name.clone();
            leptos::task::spawn_local(async move {
                let result = client
                    .set_registered_model_tag(&name, POLICY_TAG, &p.to_json())
                    .await;
                if result.is_ok() {
                    saved.set(p);
                }
                set_save_state.set(Some(result));
            });
        }
    };
    let reset = move |_| {
        draft.set(PolicyDraft::from_policy(&saved.get()));
        set_save_state.set(None);
    };
    let differences = move || policy.with(|p| saved.with(|s| p.differences(s)));

    let warnings: Vec<String> = saved_warning.into_iter().chain(link_warning).collect();
    let review_for_table = review.clone();
    let review_for_decision = review.clone();
    let review_for_charts = review.clone();
    view! {
        <header class="review-header">
            <h2>{review.model.name.clone()}</h2>
            <AliasChips aliases=review.model.aliases.clone() />
            <p class="description">{review.model.description.clone().unwrap_or_default()}</p>
        </header>
        {warnings.into_iter().map(|w| view! { <p class="warning" role="alert">{w}</p> }).collect_view()}
        <div class="policy-status" role="status">
            {move || {
                let differences = differences();
                if differences.is_empty() {
                    view! { <p>"The preview uses the saved policy."</p> }.into_any()
                } else {
                    view! {
                        <p>
                            <strong>"Unsaved what-if"</strong>
                            " — differs from the saved policy in: "
                            {differences.join("; ")}
                        </p>
                    }
                        .into_any()
                }
            }}
            {move || {
                invalid()
                    .then(|| {
                        view! {
                            <p class="field-error">
                                "An edit is invalid: the preview keeps the last valid policy."
                            </p>
                        }
                    })
            }}
            <div class="actions">
                <button type="button" on:click=save disabled=invalid>
                    "Save policy to MLflow"
                </button>
                <button type="button" on:click=reset>"Reset to saved"</button>
            </div>
            {move || match save_state.get() {
                Some(Ok(())) => view! { <p class="ok">"Saved as tag " {POLICY_TAG} " on the model."</p> }.into_any(),
                Some(Err(e)) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                None => ().into_any(),
            }}
        </div>
        <div class="review-layout">
            <div class="review-side">
                <PolicyEditor draft problems metric_keys ranges />
                <SharePanel policy draft link />
            </div>
            <div class="review-main">
                <VersionsTable review=review_for_table policy verdicts candidate shown />
                <DecisionPanel review=review_for_decision policy decision candidate />
                <MetricCharts review=review_for_charts policy verdicts candidate champion_row draft shown />
            </div>
        </div>
    }
}

/// Versions drawn at first, and added by "Show more versions".
const SHOWN_STEP: usize = 25;

fn mark(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "✓ pass",
        Verdict::Fail => "✗ fail",
        Verdict::Skipped => "– skipped",
    }
}

fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", number::display(x))
    } else {
        number::display(x)
    }
}

fn cell_view(cell: Cell) -> impl IntoView {
    let class = match cell.verdict {
        Verdict::Pass => "cell pass",
        Verdict::Fail => "cell fail",
        Verdict::Skipped => "cell skipped",
    };
    view! {
        <td class=class>
            <span class="value">{cell.value.map(number::display).unwrap_or_else(|| "—".to_owned())}</span>
            " "
            <span class="mark">{mark(cell.verdict)}</span>
            {cell.margin.map(|m| view! { <span class="margin">" (" {signed(m)} ")"</span> })}
        </td>
    }
}

/// Every version with its verdict under the policy; choose the candidate here.
#[component]
fn VersionsTable(
    review: Arc<ReviewData>,
    policy: Memo<Policy>,
    verdicts: Memo<crate::policy::Preview>,
    candidate: RwSignal<usize>,
    shown: RwSignal<usize>,
) -> impl IntoView {
    let base_url = use_client().get_untracked().base_url().to_owned();
    let total = review.versions.len();
    let rows = {
        let review = review.clone();
        move || {
            let preview = verdicts.get();
            review
                .versions
                .iter()
                .take(shown.get())
                .enumerate()
                .map(|(row, v)| {
                    let verdict = preview.rows.get(row).copied();
                    let cells = preview.cells(row).to_vec();
                    let number = v.version.version.clone();
                    let created = v
                        .version
                        .creation_timestamp
                        .map(super::format_time)
                        .unwrap_or_default();
                    let evidence = match (&v.evaluation, &v.experiment_id) {
                        (Evaluation::NotFound { reason }, _) => {
                            view! { <span class="muted" title=reason.clone()>"no evaluation found"</span> }.into_any()
                        }
                        (Evaluation::LoggedModel { model_id }, _) => {
                            view! { <span>"logged model " <code>{model_id.clone()}</code></span> }.into_any()
                        }
                        (Evaluation::Run { run_id }, Some(exp)) => {
                            let href = run_ui_url(&base_url, exp, run_id);
                            view! { <a href=href target="_blank" rel="noopener">"run"</a> }.into_any()
                        }
                        (Evaluation::Run { .. }, None) => view! { <span>"run"</span> }.into_any(),
                    };
                    let verdict_text = match verdict {
                        Some(r) if r.passes => "passes",
                        Some(_) => "fails",
                        None => "",
                    };
                    let id = format!("candidate-{row}");
                    view! {
                        <tr class:selected=move || candidate.get() == row>
                            <td>
                                <input
                                    type="radio"
                                    name="candidate"
                                    id=id.clone()
                                    prop:checked=move || candidate.get() == row
                                    on:change=move |_| candidate.set(row)
                                />
                                <label for=id class="sr-only">{format!("Candidate v{number}")}</label>
                            </td>
                            <th scope="row">{format!("v{}", v.version.version)}</th>
                            <td class="muted">{created}</td>
                            <td>
                                <ul class="chips">
                                    {v.aliases.iter().map(|a| view! { <li class="chip">{a.clone()}</li> }).collect_view()}
                                </ul>
                            </td>
                            {cells.into_iter().map(cell_view).collect_view()}
                            <td class=if verdict_text == "passes" { "verdict pass" } else { "verdict fail" }>
                                {verdict_text}
                            </td>
                            <td>{evidence}</td>
                        </tr>
                    }
                })
                .collect_view()
        }
    };
    view! {
        <div class="table-scroll">
            <table class="versions" aria-label="Versions and their verdicts">
                <thead>
                    <tr>
                        <th scope="col">"Candidate"</th>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Aliases"</th>
                        {move || {
                            policy
                                .get()
                                .rules
                                .into_iter()
                                .map(|r| view! { <th scope="col">{r.metric}</th> })
                                .collect_view()
                        }}
                        <th scope="col">"Verdict"</th>
                        <th scope="col">"Evidence"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {move || {
            let hidden = total - shown.get().min(total);
            (hidden > 0)
                .then(|| {
                    view! {
                        <p class="muted shown-note">
                            {format!("Newest {} of {total} versions shown (all are decided). ", total - hidden)}
                            <button
                                type="button"
                                on:click=move |_| shown.update(|s| *s = (*s + SHOWN_STEP).min(total))
                            >
                                {format!("Show {} more", hidden.min(SHOWN_STEP))}
                            </button>
                        </p>
                    }
                })
        }}
    }
}

/// The decision for the candidate: checks, champion comparison and plan.
#[component]
fn DecisionPanel(
    review: Arc<ReviewData>,
    policy: Memo<Policy>,
    decision: Memo<Option<Decision>>,
    candidate: RwSignal<usize>,
) -> impl IntoView {
    let content = move || {
        let Some(d) = decision.get() else {
            return view! { <p>"This model has no versions."</p> }.into_any();
        };
        let version = review.versions[candidate.get()].version.version.clone();
        let plan = policy.with(|p| summary(p, &d, &version, &review.aliases()));
        let checks = d
            .checks
            .iter()
            .map(|c| {
                let kind = match c.kind {
                    CheckKind::Threshold => "",
                    CheckKind::AbsoluteChange => " (gain over champion)",
                    CheckKind::RelativeChange => " (relative gain over champion)",
                };
                let class = match c.verdict {
                    Verdict::Pass => "pass",
                    Verdict::Fail => "fail",
                    Verdict::Skipped => "skipped",
                };
                view! {
                    <li class=class>
                        <span class="mark">{mark(c.verdict)}</span>
                        " "
                        {c.reason.clone()}
                        {kind}
                        {c.margin.map(|m| format!(" ({})", signed(m)))}
                    </li>
                }
            })
            .collect_view();
        let comparison = match &d.champion_comparison {
            None => view! { <p>"No current champion: a passing candidate becomes the first."</p> }
                .into_any(),
            Some(cmp) => {
                let rows = cmp
                    .metrics
                    .iter()
                    .map(|m| {
                        let outcome = match m.outcome {
                            MetricOutcome::CandidateWins => "candidate wins",
                            MetricOutcome::ChampionWins => "champion wins",
                            MetricOutcome::Tie => "tie",
                            MetricOutcome::Skipped => "skipped (missing)",
                        };
                        let show = |v: Option<f64>| {
                            v.map(number::display).unwrap_or_else(|| "—".to_owned())
                        };
                        view! {
                            <tr>
                                <th scope="row">{m.metric.clone()}</th>
                                <td>{show(m.candidate)}</td>
                                <td>{show(m.champion)}</td>
                                <td>{outcome}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let majority = if cmp.candidate_better {
                    format!(
                        "Candidate wins the majority ({} to {}).",
                        cmp.tally.candidate_wins, cmp.tally.champion_wins
                    )
                } else {
                    format!(
                        "Champion keeps it ({} to {}; a tie keeps the champion).",
                        cmp.tally.candidate_wins, cmp.tally.champion_wins
                    )
                };
                view! {
                    <table class="comparison" aria-label="Candidate against the champion">
                        <thead>
                            <tr>
                                <th scope="col">"Key metric"</th>
                                <th scope="col">"Candidate"</th>
                                <th scope="col">"Champion"</th>
                                <th scope="col">"Result"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                    <p>{majority}</p>
                }
                .into_any()
            }
        };
        let passed = d
            .checks
            .iter()
            .filter(|c| c.verdict == Verdict::Pass)
            .count();
        let failed = d.failures().count();
        view! {
            <h2>{format!("Decision for v{version}")}</h2>
            <p class="plan" data-testid="plan">{plan}</p>
            <p>
                {if d.passes { "Passes the policy" } else { "Fails the policy" }}
                {format!(": {passed} checks passed, {failed} failed.")}
            </p>
            <ul class="checks">{checks}</ul>
            <h3>"Against the champion"</h3>
            {comparison}
            <ul class="warnings">
                {d.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! { <section class="decision" aria-live="polite">{content}</section> }
}
