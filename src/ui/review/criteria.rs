//! MLflow's own quality criteria (MLflow ≥ 3.18) on the candidate's evaluation run: each
//! criterion met or not, beside Podium's checks, and "Use these criteria" to start a what-if
//! from them. A tag that cannot be read is named and ignored.

use leptos::prelude::*;

use super::state::use_review;
use crate::policy::{number, QUALITY_CRITERIA_TAG};

/// The criteria panel: shown when the candidate's evaluation run has criteria.
#[component]
pub fn CriteriaPanel() -> impl IntoView {
    let state = use_review();
    move || {
        let candidate = state.versions.candidate().get();
        let data = state.versions.data();
        let version = data.version(&candidate)?;
        let found = version.quality_criteria.clone()?;
        let criteria = match found {
            Err(why) => return Some(
                view! {
                    <section class="criteria" aria-labelledby="criteria-heading">
                        <h3 id="criteria-heading">"MLflow's quality criteria"</h3>
                        <p class="warning">
                            {format!(
                                "v{candidate}'s evaluation run has a {QUALITY_CRITERIA_TAG} tag \
                                 Podium cannot read ({why}): it is ignored."
                            )}
                        </p>
                    </section>
                }
                .into_any(),
            ),
            Ok(criteria) => criteria,
        };
        let judged = criteria.meets(&version.metric_set());
        let met = judged.iter().filter(|j| j.2 == Some(true)).count();
        let unchecked = judged.iter().filter(|j| j.2.is_none()).count();
        let summary = format!(
            "v{candidate} meets {met} of {} (set with mlflow.genai.evaluate on its evaluation \
             run){}.",
            judged.len(),
            if unchecked > 0 {
                format!("; {unchecked} can't be checked: the run has no such metric")
            } else {
                String::new()
            }
        );
        let items = judged
            .into_iter()
            .map(|(criterion, value, met)| {
                let (mark, class) = match met {
                    Some(true) => ("✓", "pass"),
                    Some(false) => ("✗", "fail"),
                    None => ("–", "skipped"),
                };
                let value = value.map_or("not measured".to_owned(), number::display);
                view! { <li class=class>{format!("{mark} {criterion} ({value})")}</li> }
            })
            .collect_view();
        let use_them = move |_| {
            let policy = state
                .edit
                .in_effect()
                .with_untracked(|e| criteria.to_policy_keeping(&e.policy));
            state.edit.import(&policy);
        };
        Some(
            view! {
                <section class="criteria" aria-labelledby="criteria-heading">
                    <h3 id="criteria-heading">"MLflow's quality criteria"</h3>
                    <p>{summary}</p>
                    <ul aria-label="MLflow's quality criteria">{items}</ul>
                    <button type="button" on:click=use_them>
                        "Use these criteria"
                    </button>
                    " (a what-if: one rule per criterion; nothing is saved until you save)"
                </section>
            }
            .into_any(),
        )
    }
}
