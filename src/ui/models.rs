//! The models screen: registered models with their aliases, searchable, a page at a time.

use leptos::prelude::*;

use super::{debounced, latest, use_scoped_client, AliasChips, ErrorPanel, Link, Route};
use crate::mlflow::{
    name_contains, RegisteredModel, SearchRegisteredModels, SearchRegisteredModelsResponse,
};

/// Models per page.
const PAGE: u32 = 100;

/// Searches MLflow's registered models by name and lists them.
#[component]
pub fn ModelsScreen() -> impl IntoView {
    let client = use_scoped_client();
    let (query, set_query) = signal(String::new());
    // Keyed on the client and the query: a new connection or search reloads the first page.
    let first_page = latest(move || {
        let client = client.get();
        let text = query.get();
        let request = SearchRegisteredModels::name_contains(&text, PAGE, None);
        async move {
            let mut page = client.search_registered_models(&request).await?;
            page.registered_models
                .retain(|m| name_contains(&m.name, &text));
            Ok::<_, crate::mlflow::ApiError>(page)
        }
    });
    // Searching as you type, a quarter second after the last key.
    let search = debounced(250, move |text: String| set_query.set(text));
    let on_input = move |ev| search(event_target_value(&ev));
    view! {
        <section class="models" aria-labelledby="models-heading">
            <h2 id="models-heading">"Registered models"</h2>
            <form role="search" class="model-search" on:submit=|ev| ev.prevent_default()>
                <label for="model-search">"Search models by name"</label>
                <input id="model-search" type="search" on:input=on_input />
            </form>
            // While a new search loads, the last result stays (the resource keeps its value).
            {move || {
                let Some(result) = first_page.get() else {
                    return view! { <p role="status">"Loading registered models…"</p> }.into_any();
                };
                match result {
                        Ok(page) if page.registered_models.is_empty() => {
                            let q = query.get_untracked();
                            let text = if q.trim().is_empty() {
                                "This MLflow server has no registered models yet.".to_owned()
                            } else {
                                format!("No registered model name contains \"{}\".", q.trim())
                            };
                            view! { <p class="empty">{text}</p> }.into_any()
                        }
                        Ok(page) => view! { <ModelPages first=page query=query.get_untracked() /> }.into_any(),
                        Err(error) => {
                            view! {
                                <ErrorPanel title="Could not load the registered models" error />
                            }
                                .into_any()
                        }
                    }
            }}
        </section>
    }
}

/// The first page of results and the pages loaded after it with "Show more".
#[component]
fn ModelPages(first: SearchRegisteredModelsResponse, query: String) -> impl IntoView {
    let client = use_scoped_client();
    let models = RwSignal::new(first.registered_models);
    let next = RwSignal::new(first.next_page_token.filter(|t| !t.is_empty()));
    let (loading, set_loading) = signal(false);
    let (error, set_error) = signal(None);

    let more = move |_| {
        let Some(token) = next.get() else { return };
        let request = SearchRegisteredModels::name_contains(&query, PAGE, Some(token));
        let client = client.get();
        let text = query.clone();
        set_loading.set(true);
        leptos::task::spawn_local(async move {
            match client.search_registered_models(&request).await {
                Ok(mut page) => {
                    page.registered_models
                        .retain(|m| name_contains(&m.name, &text));
                    models.update(|m| m.extend(page.registered_models));
                    next.set(page.next_page_token.filter(|t| !t.is_empty()));
                    set_error.set(None);
                }
                Err(e) => set_error.set(Some(e)),
            }
            set_loading.set(false);
        });
    };
    view! {
        <ModelTable models />
        <p class="muted" role="status">
            {move || {
                let shown = models.with(Vec::len);
                if next.with(Option::is_some) {
                    format!("{shown} models shown; more match.")
                } else {
                    format!("{shown} models.")
                }
            }}
        </p>
        {move || {
            next.with(Option::is_some)
                .then(|| {
                    view! {
                        <button type="button" on:click=more.clone() disabled=move || loading.get()>
                            {move || if loading.get() { "Loading…" } else { "Show more" }}
                        </button>
                    }
                })
        }}
        {move || error.get().map(|error| view! { <ErrorPanel title="Could not load more models" error /> })}
    }
}

/// A table of registered models: name (links to its review), aliases, latest version, last
/// update and description.
#[component]
pub fn ModelTable(
    /// The models, in display order.
    #[prop(into)]
    models: Signal<Vec<RegisteredModel>>,
) -> impl IntoView {
    view! {
        <table class="model-table">
            <thead>
                <tr>
                    <th scope="col">"Model"</th>
                    <th scope="col">"Aliases"</th>
                    <th scope="col">"Latest version"</th>
                    <th scope="col">"Last updated"</th>
                    <th scope="col">"Description"</th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    models.get().into_iter().map(|model| {
                        let latest = model
                            .latest_version()
                            .map(|v| format!("v{v}"))
                            .unwrap_or_else(|| "—".to_owned());
                        let updated = model.last_updated_timestamp.map(super::format_time).unwrap_or_default();
                        view! {
                            <tr>
                                <th scope="row" class="model-name">
                                    <Link route=Route::Model {
                                        name: model.name.clone(),
                                        policy: None,
                                    }>{model.name.clone()}</Link>
                                </th>
                                <td>
                                    <AliasChips aliases=model.aliases.clone() />
                                </td>
                                <td>{latest}</td>
                                <td class="muted">{updated}</td>
                                <td class="description">{model.description.unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()
                }}
            </tbody>
        </table>
    }
}
