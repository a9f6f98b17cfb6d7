//! The models screen: every registered model with its aliases.

use leptos::prelude::*;

use super::{use_scoped_client, AliasChips, ErrorPanel, Link, Route};
use crate::mlflow::RegisteredModel;

/// Loads every registered model from MLflow and lists them.
#[component]
pub fn ModelsScreen() -> impl IntoView {
    let client = use_scoped_client();
    // Keyed on the client: connecting elsewhere in Settings reloads the list.
    let models = LocalResource::new(move || {
        let client = client.get();
        async move { client.all_registered_models(None).await }
    });
    view! {
        <section class="models" aria-labelledby="models-heading">
            <h2 id="models-heading">"Registered models"</h2>
            <Transition fallback=|| {
                view! { <p role="status">"Loading registered models…"</p> }
            }>
                {move || Suspend::new(async move {
                    match models.await {
                        Ok(list) if list.is_empty() => {
                            view! {
                                <p class="empty">"This MLflow server has no registered models yet."</p>
                            }
                                .into_any()
                        }
                        Ok(list) => view! { <ModelTable models=list /> }.into_any(),
                        Err(error) => {
                            view! {
                                <ErrorPanel title="Could not load the registered models" error />
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// A table of registered models: name, aliases, latest version, description.
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
                    <th scope="col">"Description"</th>
                </tr>
            </thead>
            <tbody>
                <For
                    each=move || models.get()
                    key=|m| (m.name.clone(), m.last_updated_timestamp)
                    children=|model| {
                        let route = Route::Model {
                            name: model.name.clone(),
                            policy: None,
                        };
                        let latest = model
                            .latest_version()
                            .map(|v| format!("v{v}"))
                            .unwrap_or_else(|| "—".to_owned());
                        view! {
                            <tr>
                                <th scope="row" class="model-name">
                                    <Link route>{model.name.clone()}</Link>
                                </th>
                                <td>
                                    <AliasChips aliases=model.aliases.clone() />
                                </td>
                                <td>{latest}</td>
                                <td class="description">{model.description.unwrap_or_default()}</td>
                            </tr>
                        }
                    }
                />
            </tbody>
        </table>
    }
}
