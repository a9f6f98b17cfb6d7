//! The models screen: registered models with their aliases, searchable, a page at a time.

use leptos::prelude::*;

use super::{
    breakable, debounced, latest, use_deployment, use_scoped_client, AliasChips, ErrorPanel, Link,
    Route,
};
use crate::mlflow::{
    name_contains, RegisteredModel, SearchRegisteredModels, SearchRegisteredModelsResponse,
};
use crate::policy::Attention;

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

/// What each model shown needs, by name: `None` while its page is read.
type Attentions = std::collections::BTreeMap<String, Result<Attention, String>>;

/// The first page of results and the pages loaded after it with "Show more"; what each model
/// needs is read after its page is shown, for the page at once.
#[component]
fn ModelPages(first: SearchRegisteredModelsResponse, query: String) -> impl IntoView {
    let client = use_scoped_client();
    let default = StoredValue::new(use_deployment().default_policy.clone());
    let attention = RwSignal::new(Attentions::new());
    // Reads what the models of one page need (the list is already on screen).
    let check = move |page: Vec<RegisteredModel>| {
        let client = client.get_untracked();
        let default = default.get_value();
        leptos::task::spawn_local(async move {
            let rows = match client.attention(&page, default.as_ref()).await {
                Ok(rows) => rows,
                Err(e) => {
                    let why = format!("could not check: {e}");
                    page.iter()
                        .map(|m| (m.name.clone(), Err(why.clone())))
                        .collect()
                }
            };
            attention.try_update(|a| a.extend(rows));
        });
    };
    check(first.registered_models.clone());
    let models = RwSignal::new(first.registered_models);
    let next = RwSignal::new(first.next_page_token.filter(|t| !t.is_empty()));
    let (loading, set_loading) = signal(false);
    let (error, set_error) = signal(None);
    let (only_attention, set_only_attention) = signal(false);

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
                    check(page.registered_models.clone());
                    models.update(|m| m.extend(page.registered_models));
                    next.set(page.next_page_token.filter(|t| !t.is_empty()));
                    set_error.set(None);
                }
                Err(e) => set_error.set(Some(e)),
            }
            set_loading.set(false);
        });
    };
    // Shown: every model, or those that need attention (and those not checked yet or whose
    // check failed: nothing is hidden on a guess).
    let shown = Signal::derive(move || {
        let all = models.get();
        if !only_attention.get() {
            return all;
        }
        attention.with(|a| {
            all.into_iter()
                .filter(|m| {
                    a.get(&m.name)
                        .is_none_or(|r| r.as_ref().map_or(true, Attention::needs_attention))
                })
                .collect()
        })
    });
    view! {
        <label for="only-attention" class="checkbox">
            <input
                id="only-attention"
                type="checkbox"
                prop:checked=only_attention
                on:change=move |ev| set_only_attention.set(event_target_checked(&ev))
            />
            "Only models that need attention"
        </label>
        <ModelTable models=shown attention=Signal::from(attention) />
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

/// A table of registered models: name (links to its review), what it needs (when told),
/// aliases, latest version, last update and description.
#[component]
pub fn ModelTable(
    /// The models, in display order.
    #[prop(into)]
    models: Signal<Vec<RegisteredModel>>,
    /// What each model needs, by name (`None`: no such column).
    #[prop(optional, into)]
    attention: Option<Signal<Attentions>>,
) -> impl IntoView {
    let needs = move |name: &str| {
        attention.map(|a| {
            let text = a.with(|a| match a.get(name) {
                None => ("checking…".to_owned(), "muted"),
                Some(Ok(attention)) if attention.needs_attention() => {
                    (attention.sentence(), "needs")
                }
                Some(Ok(attention)) => (attention.sentence(), "muted"),
                Some(Err(why)) => (why.clone(), "field-error"),
            });
            view! { <td class=text.1>{text.0}</td> }
        })
    };
    view! {
        <table class="model-table" aria-label="Registered models">
            <thead>
                <tr>
                    <th scope="col">"Model"</th>
                    {attention.map(|_| view! { <th scope="col">"Needs attention"</th> })}
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
                        let name = model.name.clone();
                        view! {
                            <tr>
                                <th scope="row" class="model-name">
                                    <Link route=Route::Model {
                                        name: model.name.clone(),
                                        policy: None,
                                    }>{breakable(&model.name)}</Link>
                                </th>
                                {move || needs(&name)}
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
