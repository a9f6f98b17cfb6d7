//! Alias chips: `champion → v3`.

use leptos::prelude::*;

use crate::mlflow::RegisteredModelAlias;

/// The aliases of a model as chips, `alias → v<version>`; a dash when there are none.
#[component]
pub fn AliasChips(
    /// The aliases to show, in MLflow's order.
    aliases: Vec<RegisteredModelAlias>,
) -> impl IntoView {
    {
        if aliases.is_empty() {
            return view! { <span class="muted">"no aliases"</span> }.into_any();
        }
        view! {
            <ul class="chips" aria-label="aliases">
                {aliases
                    .into_iter()
                    .map(|a| {
                        let class = format!("chip chip-{}", chip_kind(&a.alias));
                        view! {
                            <li class=class>
                                <span class="chip-alias">{a.alias}</span>
                                " → v"
                                {a.version}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    }
}

fn chip_kind(alias: &str) -> &'static str {
    match alias {
        "champion" => "champion",
        "production" => "production",
        _ => "other",
    }
}
