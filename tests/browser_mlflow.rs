//! MLflow from the browser: the fetch transport and the screens against a real, seeded
//! `mlflow server` in headless Chromium. What needs no browser is tested natively
//! (tests/mlflow_live.rs); here is what only a browser shows: fetch's cancellation and
//! errors, credentials sent by fetch, and screens reading and writing the real server.
//!
//! scripts/test starts the servers and passes their URLs at build time (`PODIUM_TEST_MLFLOW`,
//! `PODIUM_TEST_MLFLOW_AUTH`); run with `--features e2e`.
#![cfg(all(target_arch = "wasm32", feature = "e2e"))]

use podium::mlflow::{ApiError, Client, Credentials, Fetch, ReviewData, Scope};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MLFLOW: &str = env!("PODIUM_TEST_MLFLOW");
const MLFLOW_AUTH: &str = env!("PODIUM_TEST_MLFLOW_AUTH");

fn client() -> Client {
    Client::new(MLFLOW, &Credentials::None, Fetch::new())
}

async fn review(client: &Client, name: &str) -> Result<ReviewData, ApiError> {
    client.load_review(name, Scope::All).await
}

#[wasm_bindgen_test]
async fn a_review_loads_through_fetch_in_five_requests() {
    let client = client();
    let data = review(&client, "health_monitor_agent").await.unwrap();
    assert_eq!(data.versions.len(), 6);
    assert_eq!(
        data.aliases().get("production").map(String::as_str),
        Some("4")
    );
    assert_eq!(
        data.versions[0].metrics["relevance_to_query/mean"].value,
        0.82
    );
    // model, versions, experiments, one runs/search, one logged-models/search
    assert_eq!(client.request_count(), 5);
}

#[wasm_bindgen_test]
async fn an_unreachable_server_names_the_causes_a_browser_hides() {
    let client = Client::new("http://127.0.0.1:9", &Credentials::None, Fetch::new());
    let err = client
        .get_registered_model("health_monitor_agent")
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Network { .. }), "{err:?}");
    assert!(
        err.to_string().contains("--cors-allowed-origins"),
        "the message names the likely causes, CORS among them: {err}"
    );
    assert_eq!(
        client.request_count(),
        3,
        "an idempotent read is tried three times"
    );
}

#[wasm_bindgen_test]
async fn aborted_requests_report_cancellation() {
    let controller = web_sys::AbortController::new().unwrap();
    let client = client().with_transport(Fetch::aborted_by(controller.signal()));
    controller.abort();
    let err = review(&client, "health_monitor_agent").await.unwrap_err();
    assert_eq!(err, ApiError::Aborted);
    // The three listing calls start together; each is aborted and none is retried.
    assert_eq!(client.request_count(), 3, "cancellation is not retried");
}

#[wasm_bindgen_test]
async fn basic_credentials_sent_by_fetch_read_the_registry() {
    let credentials = Credentials::Basic {
        username: "viewer".to_owned(),
        password: "viewer-password-1".to_owned(),
    };
    let viewer = Client::new(MLFLOW_AUTH, &credentials, Fetch::new());
    let models = viewer.all_registered_models(None).await.unwrap();
    assert!(
        models.iter().any(|m| m.name == "health_monitor_agent"),
        "{models:?}"
    );
    assert_eq!(
        viewer.current_user().await.unwrap().as_deref(),
        Some("viewer")
    );
    let anonymous = Client::new(MLFLOW_AUTH, &Credentials::None, Fetch::new());
    let err = anonymous.all_registered_models(None).await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err:?}");
}

#[wasm_bindgen_test]
async fn connecting_in_settings_reloads_the_models_from_that_server() {
    use leptos::prelude::*;
    use podium::ui::{provide_client, Connection, ModelsScreen, Settings};
    use wasm_bindgen::JsCast;

    let document = leptos::prelude::document();
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        // Start pointed at nothing, as a first visit with a wrong default would be.
        provide_client(Client::new(
            "http://127.0.0.1:9",
            &Credentials::None,
            Fetch::new(),
        ));
        view! {
            <Settings initial=Connection::default() />
            <ModelsScreen />
        }
    });
    let input: web_sys::HtmlInputElement = root
        .query_selector("#mlflow-url")
        .unwrap()
        .unwrap()
        .unchecked_into();
    input.set_value(MLFLOW);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    let submit: web_sys::HtmlElement = root
        .query_selector("button[type=submit]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    submit.click();
    let mut found = false;
    for _ in 0..200 {
        leptos::task::tick().await;
        if root.query_selector("th.model-name").unwrap().is_some() {
            found = true;
            break;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    let text = root.text_content().unwrap();
    assert!(found, "no models listed: {text}");
    assert!(
        text.contains("health_monitor_agent") && text.contains("champion → v3"),
        "{text}"
    );
}

#[path = "support/dom.rs"]
mod dom;

/// Writes go to the server the screen's data came from, whatever the app's settings say by the
/// time of the click (here: a server that does not exist). Leaves latency_router as it was.
#[wasm_bindgen_test]
async fn a_promotion_writes_to_the_server_the_data_came_from() {
    use leptos::prelude::*;
    use podium::ui::{provide_client, ReviewPanel};
    use wasm_bindgen::JsCast;

    let model = "latency_router";
    let loaded_from = client();
    let data = std::sync::Arc::new(review(&loaded_from, model).await.unwrap());
    assert_eq!(
        data.aliases().get("production").map(String::as_str),
        Some("2")
    );
    let policy = r#"{"rules": [{"metric": "latency_ms/p95", "greater_is_better": false, "threshold": 800}], "champion_metrics": ["latency_ms/p95"]}"#;
    let document = leptos::prelude::document();
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let writer = loaded_from.clone();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        // The settings now point somewhere else.
        provide_client(Client::new(
            "http://127.0.0.1:9",
            &Credentials::None,
            Fetch::new(),
        ));
        view! {
            <ReviewPanel review=data.clone() shared=Some(policy.to_owned()) client=Some(writer.clone()) />
        }
    });
    leptos::task::tick().await;
    assert!(
        dom::eventually(5_000, || !dom::button(&root, "Apply…")
            .has_attribute("disabled"))
        .await
    );
    dom::button(&root, "Apply…").click();
    dom::settled().await;
    let name: web_sys::HtmlInputElement = root
        .query_selector("#confirm-name")
        .unwrap()
        .expect("production and champion are protected")
        .unchecked_into();
    dom::type_into(&name, model);
    dom::settled().await;
    dom::button(&root, "Apply 2 alias moves").click();
    let shown = dom::eventually(15_000, || {
        root.query_selector("#report-heading")
            .unwrap()
            .is_some_and(|h| h.text_content().unwrap() == "Applied")
    })
    .await;
    let report = root.text_content().unwrap();
    let after = loaded_from
        .get_registered_model(model)
        .await
        .unwrap()
        .alias_map();
    // Put latency_router back as the seed left it, before asserting.
    loaded_from
        .set_registered_model_alias(model, "production", "2")
        .await
        .unwrap();
    loaded_from
        .delete_registered_model_alias(model, "champion")
        .await
        .unwrap();
    let v4 = loaded_from.get_model_version(model, "4").await.unwrap();
    for tag in v4
        .tags
        .iter()
        .filter(|t| t.key.starts_with("podium.audit."))
    {
        loaded_from
            .delete_model_version_tag(model, "4", &tag.key)
            .await
            .unwrap();
    }
    root.remove();
    assert!(shown, "{report}");
    assert_eq!(
        after.get("production").map(String::as_str),
        Some("4"),
        "{report}"
    );
    assert_eq!(
        after.get("champion").map(String::as_str),
        Some("4"),
        "{report}"
    );
    assert_eq!(
        v4.tags
            .iter()
            .filter(|t| t.key.starts_with("podium.audit."))
            .count(),
        2,
        "both moves recorded"
    );
}
