//! The model review screen: every version's verdict under the (edited) policy, the decision for
//! one candidate, and the alias plan. Every verdict here comes from `policy::`.
//!
//! - `state/` — `ReviewState`: the screen's parts (policy edit, versions, per-row comparison,
//!   writes), each changed through named methods.
//! - `status.rs` — saved policy or what-if; save, reset.
//! - `editor.rs` — the threshold editor.
//! - `table.rs` — the versions table; pick the candidate.
//! - `decision.rs` — the candidate's checks, champion comparison and plan.
//! - `charts.rs` — a chart per rule with a draggable threshold line.
//! - `share.rs` — link, export, import.
//! - `promote.rs` — Apply and the writes; `confirm.rs` the confirmation; `report.rs` what a
//!   partial apply did, with retry or restore; `save.rs` the policy save's confirmation;
//!   `dialog.rs` the frame both confirmations share.
//! - `history.rs` — recorded alias moves, rollback, set or remove an alias.

mod charts;
mod confirm;
mod criteria;
mod decision;
mod dialog;
mod editor;
mod history;
mod promote;
mod report;
mod save;
mod share;
mod signoffs;
mod state;
mod status;
mod table;

use std::sync::Arc;

use leptos::prelude::*;

pub use state::{
    provide_review, use_review, InEffect, Notice, Origin, PolicyEdit, Reload, ReviewState,
    RowsLoader, Versions, Writes, WINDOW,
};

use super::debounce::debounced;
use super::route::{replace_url, Link, Route};
use super::{
    detached, latest, use_client, use_deployment, use_scoped_client, AliasChips, ErrorPanel,
};
use crate::mlflow::{Client, Retry, ReviewData, Scope};

/// Loads model `name` and shows its review.
#[component]
pub fn ReviewScreen(
    /// The registered model's name (a new name is a new screen: the router remounts it).
    name: String,
    /// A shared what-if policy (JSON) from the URL.
    shared_policy: Option<String>,
) -> impl IntoView {
    let client = use_scoped_client();
    let reload = Reload::new();
    let (retry, set_retry) = signal(None::<Retry>);
    // The first screen: the newest versions and the alias holders, decided at once; the panel
    // then loads the older ones. Keyed on the client (a new connection reloads) and on
    // `reload` (after a write, or when MLflow changed under the screen). While it reloads,
    // the last review stays on screen.
    let data = latest({
        let name = name.clone();
        move || {
            // Retries are shown while loading: a slow or failing server is never silent.
            let client = client
                .get()
                .on_retry(move |r| set_retry.set(Some(r.clone())));
            let _ = reload.generation();
            let name = name.clone();
            async move {
                set_retry.set(None);
                let review = client.load_review(&name, Scope::FirstScreen).await?;
                // Writes go to the server this data came from, and are never cut off half-way.
                let older = (!review.all_versions).then(|| client.clone());
                Ok::<_, crate::mlflow::ApiError>((Arc::new(review), detached(&client), older))
            }
        }
    });
    let loading = move || {
        let retrying = retry.get().map(|r| format!(" {r}…"));
        format!("Loading the model…{}", retrying.unwrap_or_default())
    };
    view! {
        <p class="breadcrumb">
            <Link route=Route::Models>"← All models"</Link>
        </p>
        {move || match data.get() {
            None => view! { <p role="status">{loading}</p> }.into_any(),
            Some(Ok((review, client, older))) => {
                let (what_if, notice) = reload.take_carry();
                let shared = what_if.or_else(|| shared_policy.clone());
                let (client, reload) = (Some(client), Some(reload));
                view! { <ReviewPanel review shared client reload notice older /> }.into_any()
            }
            Some(Err(error)) => {
                let title = format!("Could not load model {name}");
                view! { <ErrorPanel title error /> }.into_any()
            }
        }}
    }
}

/// The review of loaded data: the layout of the screen's parts around one `ReviewState`.
#[component]
pub fn ReviewPanel(
    /// The model's versions, aliases and evidence.
    review: Arc<ReviewData>,
    /// A shared what-if policy (JSON), e.g. from a link.
    shared: Option<String>,
    /// The client the data was loaded with (default: the app's client): writes go there.
    #[prop(default = None)]
    client: Option<Client>,
    /// Reloads the screen's data (absent when mounted on fixed data, as in tests).
    #[prop(default = None)]
    reload: Option<Reload>,
    /// What the last reload has to say (an apply's outcome).
    #[prop(default = None)]
    notice: Option<Notice>,
    /// When `review` is only the first screen: the client that loads every version.
    #[prop(default = None)]
    older: Option<Client>,
) -> impl IntoView {
    let client = client.unwrap_or_else(|| detached(&use_client().get_untracked()));
    let deployment = use_deployment();
    let state = provide_review(ReviewState::new(
        review.clone(),
        shared.as_deref(),
        client.clone(),
        reload,
        &deployment,
    ));
    if let Some(client) = older {
        state.versions.load_older(client);
    }
    // Who the writes are made as, when MLflow's basic-auth app says.
    leptos::task::spawn_local(async move {
        if let Ok(user) = client.current_user().await {
            state.writes.set_user(user);
        }
    });
    // The address bar follows the what-if a quarter second after the last change: browsers
    // throttle history updates (Chromium: 200 in 10 s) and a drag changes it on every move.
    let follow = debounced(250, |href: String| replace_url(&href));
    Effect::new(move |_| follow(state.edit.link().get()));
    let notices = state
        .edit
        .notices()
        .into_iter()
        .map(|w| view! { <p class="warning" role="alert">{w}</p> })
        .collect_view();
    let outcome = notice.map(|n| {
        let class = if n.ok {
            "outcome ok"
        } else {
            "outcome warning"
        };
        view! { <p class=class role="status">{n.text}</p> }
    });
    view! {
        <header class="review-header">
            <h2>{review.model.name.clone()}</h2>
            <AliasChips aliases=review.model.aliases.clone() />
            <p class="description">{review.model.description.clone().unwrap_or_default()}</p>
        </header>
        {outcome}
        {notices}
        <status::PolicyStatus />
        <div class="review-layout">
            <div class="review-side">
                <editor::PolicyEditor />
                <share::SharePanel />
            </div>
            <div class="review-main">
                // Drawn again once, when the older versions arrive.
                {move || {
                    state.versions.data();
                    view! {
                        <table::VersionsTable />
                        <decision::DecisionPanel />
                        <charts::MetricCharts />
                        <history::HistoryPanel />
                    }
                }}
            </div>
        </div>
        <confirm::ConfirmDialog />
    }
}
