//! The confirmation of a policy save: every difference from the saved policy on its own line,
//! what lowers the bar or moves protection (then the model's name must be typed), and whether
//! the policy came from a link. Nothing is written before "Save the policy".

use leptos::prelude::*;

use super::dialog::ConfirmDialogShell;
use super::state::use_review;
use crate::policy::{visible, Policy, SaveReview};

/// Confirms saving `policy` as the model's policy.
#[component]
pub fn SaveConfirm(
    /// The policy to save.
    policy: Policy,
    /// What it changes from the saved one.
    review: SaveReview,
    /// Whether the screen's policy came from a link.
    from_link: bool,
    /// Saves it.
    on_save: Callback<Policy>,
    /// Closes without saving.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let state = use_review();
    let name = visible(&state.versions.data().model.name).into_owned();
    let first = state.edit.saved_tag().with_untracked(Option::is_none);
    let lines = |lines: &[String]| {
        lines
            .iter()
            .map(|d| view! { <li>{visible(d).into_owned()}</li> })
            .collect_view()
    };
    let differences = if review.differences.is_empty() {
        view! { <p>"It is the same as the policy saved now."</p> }.into_any()
    } else {
        let intro = if first {
            "No policy is saved on this model yet. This one differs from the default in:"
        } else {
            "It replaces the saved policy. What changes:"
        };
        view! {
            <p>{intro}</p>
            <ul class="differences">{lines(&review.differences)}</ul>
        }
        .into_any()
    };
    let lowers = review.needs_name().then(|| {
        view! {
            <h3>"This save lowers the bar or moves protection"</h3>
            <ul class="warning">{lines(&review.lowers)}</ul>
        }
    });
    let link = from_link.then(|| {
        view! {
            <p class="warning">
                "This policy came from a link, not from the model: whoever wrote the link chose it."
            </p>
        }
    });
    let because = review
        .needs_name()
        .then(|| "This save lowers the bar or moves protection".to_owned());
    view! {
        <ConfirmDialogShell
            title=format!("Save the policy of {name}")
            name_needed_because=because
            confirm_label="Save the policy".to_owned()
            on_confirm=Callback::new(move |()| on_save.run(policy.clone()))
            on_cancel
        >
            {link}
            {differences}
            {lowers}
            <p class="muted">
                "Saved as the model's podium.policy tag. MLflow is re-read first: if someone else \
                 saved since this screen loaded, nothing is written."
            </p>
        </ConfirmDialogShell>
    }
}
