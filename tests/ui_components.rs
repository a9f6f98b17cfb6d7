//! Components mounted in headless Chromium (`cargo test --target wasm32-unknown-unknown`).
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use podium::mlflow::{Client, Credentials, SearchRegisteredModelsResponse};
use podium::ui::{provide_client, ModelTable, ModelsScreen};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh container in the page, so tests do not see each other's DOM.
fn container() -> HtmlElement {
    let document = document();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

/// Waits (up to `ms`) for `done` to hold, giving Leptos and the network time to run.
async fn eventually(ms: u32, done: impl Fn() -> bool) -> bool {
    for _ in 0..ms / 50 {
        leptos::task::tick().await;
        if done() {
            return true;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    done()
}

#[wasm_bindgen_test]
async fn model_table_shows_names_and_alias_chips() {
    let page: SearchRegisteredModelsResponse =
        serde_json::from_str(include_str!("fixtures/registered_models_search.json")).unwrap();
    let root = container();
    let models = page.registered_models;
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! { <ModelTable models=models.clone() /> }
    });
    leptos::task::tick().await;

    let rows = root.query_selector_all("tbody tr").unwrap();
    assert_eq!(rows.length(), 3);
    let health = rows.item(0).unwrap().text_content().unwrap();
    assert!(health.contains("health_monitor_agent"), "{health}");
    assert!(health.contains("champion → v3"), "{health}");
    assert!(health.contains("production → v4"), "{health}");
    assert!(health.contains("v6"), "latest version: {health}");
    let intent = rows.item(1).unwrap().text_content().unwrap();
    assert!(intent.contains("no aliases"), "{intent}");
}

#[wasm_bindgen_test]
async fn model_descriptions_are_text_not_html() {
    let page: SearchRegisteredModelsResponse =
        serde_json::from_str(include_str!("fixtures/registered_models_search.json")).unwrap();
    let root = container();
    let models = page.registered_models;
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! { <ModelTable models=models.clone() /> }
    });
    leptos::task::tick().await;
    assert!(root.text_content().unwrap().contains("<b>Not bold</b>"));
    assert!(
        root.query_selector("td b").unwrap().is_none(),
        "markup from MLflow was parsed"
    );
}

#[wasm_bindgen_test]
async fn unreachable_mlflow_shows_an_error_panel() {
    let root = container();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        // Port 9 on loopback: nothing listens there, so the browser reports a network error.
        provide_client(Client::new("http://127.0.0.1:9", Credentials::None));
        view! { <ModelsScreen /> }
    });
    let shown = eventually(10_000, || {
        root.query_selector("[role=alert]").unwrap().is_some()
    })
    .await;
    assert!(
        shown,
        "no error panel; page says: {:?}",
        root.text_content()
    );
    let text = root.text_content().unwrap();
    assert!(
        text.contains("Could not load the registered models"),
        "{text}"
    );
    assert!(
        text.contains("Cannot reach MLflow at http://127.0.0.1:9"),
        "{text}"
    );
}
