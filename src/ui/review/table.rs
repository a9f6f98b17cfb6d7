//! The versions table: every version's verdict under the policy in effect; pick the candidate.
//!
//! Compact so that version, aliases, verdict and ten rules fit 1 280 px without scrolling
//! sideways: a rule's cell shows its mark and a rounded value; the exact value and margin are in
//! its tooltip and for screen readers, and the candidate's details in the decision panel.

use leptos::prelude::*;

use super::state::{use_review, WINDOW};
use crate::mlflow::{run_ui_url, Evaluation};
use crate::policy::{number, RuleId};
use crate::ui::verdict::{look, version_look, Look};
use crate::ui::{breakable, use_client, use_deployment};

/// A row's height in CSS pixels (style/main.css: `.versions tbody tr`).
const ROW_PX: usize = 30;

/// Every version with its verdict. Only [`WINDOW`] rows around the ones in view are drawn (a
/// model may have thousands); scrolling the table draws the others.
#[component]
pub fn VersionsTable() -> impl IntoView {
    let state = use_review();
    let total = state.versions.data().versions.len();
    // The rule columns: rebuilt only when rules are added, removed or renamed, so a threshold
    // edit updates cells in place.
    let columns = state.edit.rules();
    let header = move || {
        columns
            .get()
            .into_iter()
            .map(|(_, metric)| {
                view! {
                    <th scope="col" class="rule-col" title=metric.clone()>
                        {breakable(&metric)}
                    </th>
                }
            })
            .collect_view()
    };
    let drawn = move || {
        let first = state.versions.first_row().get().min(total);
        first..(first + WINDOW).min(total)
    };
    let rows = move || {
        let rules: Vec<RuleId> = columns.with(|c| c.iter().map(|(id, _)| *id).collect());
        drawn()
            .map(|row| view! { <VersionRow row rules=rules.clone() /> })
            .collect_view()
    };
    // Rows not drawn are stood in for by two spacers of their height (rows are one line:
    // style/main.css), above (`true`) or below the drawn ones. (`style:` sets the height
    // through the CSSOM, which the Content-Security-Policy allows; a `style` attribute it would
    // refuse.)
    let spacer = move |above: bool| {
        let height = move || {
            let drawn = drawn();
            let rows = if above {
                drawn.start
            } else {
                total - drawn.end
            };
            format!("{}px", rows * ROW_PX)
        };
        view! {
            <tr aria-hidden="true">
                <td style:height=height></td>
            </tr>
        }
    };
    let on_scroll = move |ev: leptos::ev::Event| {
        let scroller: web_sys::Element = event_target(&ev);
        state
            .versions
            .scroll_to(scroller.scroll_top().max(0) as usize / ROW_PX);
    };
    let status = move || {
        state
            .versions
            .older()
            .get()
            .map(|text| view! { <p class="muted" role="status">{text}</p> })
    };
    view! {
        {status}
        <div
            class="table-scroll rows"
            role="region"
            aria-label="Versions, newest first (scroll for older)"
            on:scroll=on_scroll
        >
            <table class="versions" aria-label="Versions and their verdicts">
                <thead>
                    <tr>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Aliases"</th>
                        <th scope="col">"Verdict"</th>
                        {header}
                        <th scope="col">"Evidence"</th>
                    </tr>
                </thead>
                <tbody>
                    {spacer(true)}
                    {rows}
                    {spacer(false)}
                </tbody>
            </table>
        </div>
    }
}

/// One version: pick it as the candidate, its aliases, verdict, a cell per rule and evidence.
#[component]
fn VersionRow(
    /// The version's row (newest first).
    row: usize,
    /// The rules shown as columns.
    rules: Vec<RuleId>,
) -> impl IntoView {
    let state = use_review();
    let data = state.versions.data();
    let version = &data.versions[row];
    let number = version.version.version.clone();
    let created = version
        .version
        .creation_timestamp
        .map(|ms| format!("created {}", crate::ui::format_time(ms)))
        .unwrap_or_default();
    let passes = Memo::new(move |_| {
        state
            .versions
            .verdicts()
            .with(|p| p.rows.get(row).map(|r| (r.passes, r.rules_checked)))
    });
    // The seed passes a version whose every rule was skipped; say that nothing was checked.
    let verdict = move || {
        passes
            .get()
            .map(|(passes, checked)| match (passes, checked) {
                (true, 0) => Look {
                    mark: "–",
                    word: "unchecked",
                    class: "skipped",
                },
                _ => version_look(passes),
            })
    };
    let selected = move || state.versions.candidate_row().get() == row;
    let aliases = version
        .aliases
        .iter()
        .map(|a| view! { <li class="chip">{a.clone()}</li> })
        .collect_view();
    let cells = rules
        .into_iter()
        .map(|id| view! { <RuleCell row id /> })
        .collect_view();
    view! {
        <tr class=move || if selected() { "selected" } else { "" }>
            <th scope="row" title=created>
                <label class="pick">
                    <input
                        type="radio"
                        name="candidate"
                        aria-label=format!("Candidate v{number}")
                        prop:checked=selected
                        on:change=move |_| state.versions.choose_candidate(row)
                    />
                    {format!("v{number}")}
                </label>
            </th>
            <td>
                <ul class="chips">{aliases}</ul>
            </td>
            <td
                class=move || format!("verdict {}", verdict().map(|l| l.class).unwrap_or_default())
                title=move || {
                    (passes.get().map(|(_, checked)| checked) == Some(0))
                        .then_some("No rule of the policy could be checked: never promoted")
                }
            >
                {move || verdict().map(|l| format!("{} {}", l.mark, l.word))}
            </td>
            {cells}
            <td>
                <Evidence row />
            </td>
        </tr>
    }
}

/// One rule on one version: the mark and a rounded value; exact value and margin in the
/// tooltip (and for screen readers). Updates in place when only this cell's outcome changes.
#[component]
fn RuleCell(row: usize, id: RuleId) -> impl IntoView {
    let state = use_review();
    let cell = Memo::new(move |_| {
        let index = state.edit.in_effect().with(|e| e.index_of(id))?;
        state
            .versions
            .verdicts()
            .with(|p| p.cells(row).get(index).copied())
    });
    let class = move || {
        let class = cell
            .get()
            .map(|c| look(c.verdict).class)
            .unwrap_or_default();
        format!("cell {class}")
    };
    let shown = move || {
        cell.get().map(|c| {
            let value = c.value.map(number::compact);
            format!(
                "{} {}",
                look(c.verdict).mark,
                value.as_deref().unwrap_or("n/a")
            )
        })
    };
    let detail = move || {
        cell.get().map(|c| {
            let value = c
                .value
                .map(number::display)
                .unwrap_or_else(|| "missing".into());
            let margin = c
                .margin
                .map(|m| format!(" ({})", signed(m)))
                .unwrap_or_default();
            format!("{value}: {}{margin}", look(c.verdict).word)
        })
    };
    view! {
        <td class=class title=detail>
            {shown}
            <span class="sr-only">{move || detail().map(|d| format!(" — {d}"))}</span>
        </td>
    }
}

/// Where a version's metrics came from: a link to its run in the MLflow UI, its logged model,
/// or "none" with the reason.
#[component]
fn Evidence(row: usize) -> impl IntoView {
    let state = use_review();
    let data = state.versions.data();
    let version = &data.versions[row];
    match (&version.evaluation, &version.experiment_id) {
        (Evaluation::NotFound { reason }, _) => view! {
            <span class="muted" title=reason.clone()>
                "none"
                <span class="sr-only">" (no evaluation found: " {reason.clone()} ")"</span>
            </span>
        }
        .into_any(),
        (Evaluation::LoggedModel { model_id }, _) => {
            view! { <span title=format!("logged model {model_id}")>"model"</span> }.into_any()
        }
        (Evaluation::Run { run_id }, Some(experiment)) => {
            let tracking = use_client().get_untracked().base_url().to_owned();
            let href = run_ui_url(use_deployment().ui_url(&tracking), experiment, run_id);
            view! {
                <a href=href target="_blank" rel="noopener" title=format!("run {run_id}")>
                    "run"
                </a>
            }
            .into_any()
        }
        (Evaluation::Run { run_id }, None) => {
            view! { <span title=format!("run {run_id}")>"run"</span> }.into_any()
        }
    }
}

/// `+0.12`, `-0.04`, `0`.
pub fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", number::display(x))
    } else {
        number::display(x)
    }
}
