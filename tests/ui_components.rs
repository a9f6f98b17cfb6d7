//! Components mounted in headless Chromium (`cargo test --target wasm32-unknown-unknown`).
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use podium::mlflow::{Client, Credentials, Fetch, SearchRegisteredModelsResponse};
use podium::ui::{provide_client, Connection, ModelTable, ModelsScreen, Settings, SESSION_KEY};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/dom.rs"]
mod dom;
use dom::eventually;

/// A fresh container in the page, so tests do not see each other's DOM.
fn container() -> HtmlElement {
    let document = document();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

/// The model table on the registered models captured from a real server.
async fn mount_model_table() -> (HtmlElement, impl Drop) {
    let page: SearchRegisteredModelsResponse =
        serde_json::from_str(include_str!("fixtures/registered_models_search.json")).unwrap();
    let root = container();
    let models = page.registered_models;
    let mounted = leptos::mount::mount_to(root.clone(), move || {
        view! { <ModelTable models=models.clone() /> }
    });
    leptos::task::tick().await;
    (root, mounted)
}

#[wasm_bindgen_test]
async fn model_table_shows_names_and_alias_chips() {
    let (root, _mounted) = mount_model_table().await;

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
    let (root, _mounted) = mount_model_table().await;
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
        provide_client(Client::new(
            "http://127.0.0.1:9",
            &Credentials::None,
            Fetch::new(),
        ));
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

fn element<T: JsCast>(root: &HtmlElement, selector: &str) -> T {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .unchecked_into()
}

/// Types into a field the way the browser reports it: value, then an `input` event.
fn type_into(root: &HtmlElement, id: &str, value: &str) {
    let input: HtmlInputElement = element(root, &format!("#{id}"));
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

fn storage_keys(storage: &web_sys::Storage) -> Vec<String> {
    (0..storage.length().unwrap())
        .filter_map(|i| storage.key(i).unwrap())
        .collect()
}

/// The settings form in a fresh container, with the client signal it replaces on save.
async fn mount_settings() -> (HtmlElement, RwSignal<Client>, impl Drop) {
    let root = container();
    let client = RwSignal::new(Client::new("", &Credentials::None, Fetch::new()));
    let mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(client);
        view! { <Settings initial=Connection::default() /> }
    });
    leptos::task::tick().await;
    (root, client, mounted)
}

#[wasm_bindgen_test]
async fn settings_keep_credentials_in_memory_unless_asked_and_never_in_local_storage() {
    let window = web_sys::window().unwrap();
    let session = window.session_storage().unwrap().unwrap();
    let local = window.local_storage().unwrap().unwrap();
    session.remove_item(SESSION_KEY).unwrap();
    let (root, client, _mounted) = mount_settings().await;

    type_into(&root, "mlflow-url", "http://127.0.0.1:5999");
    element::<HtmlElement>(&root, "#auth-basic").click();
    leptos::task::tick().await;
    type_into(&root, "mlflow-user", "alice");
    type_into(&root, "mlflow-password", "s3cret-password");
    element::<HtmlElement>(&root, "button[type=submit]").click();
    leptos::task::tick().await;

    assert_eq!(client.get_untracked().base_url(), "http://127.0.0.1:5999");
    let shown = format!("{:?}", client.get_untracked());
    assert!(
        shown.contains("alice") && !shown.contains("s3cret"),
        "{shown}"
    );
    assert_eq!(
        session.get_item(SESSION_KEY).unwrap(),
        None,
        "not remembered unless asked"
    );

    element::<HtmlElement>(&root, "#mlflow-remember").click();
    element::<HtmlElement>(&root, "button[type=submit]").click();
    leptos::task::tick().await;
    let stored = session
        .get_item(SESSION_KEY)
        .unwrap()
        .expect("remembered in sessionStorage");
    assert!(stored.contains("alice"));
    assert!(
        storage_keys(&local).iter().all(|k| !k.contains("podium")),
        "{:?}",
        storage_keys(&local)
    );
    assert!(!window.location().href().unwrap().contains("s3cret"));
    assert_eq!(Connection::load().unwrap().unwrap().username, "alice");

    // Back to no sign-in: the password typed earlier is not kept.
    element::<HtmlElement>(&root, "#auth-none").click();
    element::<HtmlElement>(&root, "button[type=submit]").click();
    leptos::task::tick().await;
    let stored = session.get_item(SESSION_KEY).unwrap().unwrap();
    assert!(
        !stored.contains("s3cret") && !stored.contains("alice"),
        "{stored}"
    );
    assert_eq!(
        Connection::load().unwrap().unwrap().base_url,
        "http://127.0.0.1:5999"
    );
    session.remove_item(SESSION_KEY).unwrap();
}

#[wasm_bindgen_test]
async fn settings_reject_credentials_in_the_url_and_change_nothing() {
    let (root, client, _mounted) = mount_settings().await;
    type_into(&root, "mlflow-url", "http://bob:pw@mlflow.example:5000");
    element::<HtmlElement>(&root, "button[type=submit]").click();
    leptos::task::tick().await;
    let alert = root
        .query_selector(".field-error")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(alert.contains("never in the URL"), "{alert}");
    assert_eq!(
        client.get_untracked().base_url(),
        "",
        "the client was not replaced"
    );
}

/// Regression: a bearer token with a non-Latin-1 character (a pasted "…") was accepted; setting
/// the header then threw inside every request and each screen stayed on "Loading…".
#[wasm_bindgen_test]
async fn a_token_the_browser_cannot_send_is_refused_with_the_character_named() {
    let (root, client, _mounted) = mount_settings().await;
    element::<HtmlElement>(&root, "#auth-bearer").click();
    leptos::task::tick().await;
    type_into(&root, "mlflow-token", "abc…def");
    element::<HtmlElement>(&root, "button[type=submit]").click();
    leptos::task::tick().await;
    let alert = root
        .query_selector(".field-error")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(alert.contains("\"…\" (U+2026)"), "{alert}");
    assert_eq!(
        client.get_untracked().base_url(),
        "",
        "the client was not replaced"
    );
    let shown = format!("{:?}", client.get_untracked());
    assert!(!shown.contains("Bearer"), "{shown}");
}

/// Regression: a remembered connection was used without validation, so a bad token kept every
/// screen on "Loading…" on each reload.
#[wasm_bindgen_test]
async fn a_remembered_connection_that_is_no_longer_valid_is_forgotten_with_the_reason() {
    let session = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    session
        .set_item(
            SESSION_KEY,
            r#"{"auth": "bearer", "token": "abc\u200bdef", "remember": true}"#,
        )
        .unwrap();
    let why = Connection::load().unwrap_err();
    assert!(why.contains("invisible character (U+200B)"), "{why}");
    assert_eq!(session.get_item(SESSION_KEY).unwrap(), None, "forgotten");
    assert_eq!(Connection::load(), Ok(None));
}

/// Regression: a timestamp out of JavaScript's date range (nanoseconds where MLflow means
/// milliseconds) made `toISOString` throw while rendering the models table.
#[wasm_bindgen_test]
async fn out_of_range_timestamps_are_shown_not_thrown() {
    let page: SearchRegisteredModelsResponse = serde_json::from_value(serde_json::json!({
        "registered_models": [
            {"name": "nanos", "last_updated_timestamp": 1_764_000_000_000_000_000_i64},
            {"name": "fine", "last_updated_timestamp": 1_764_000_000_000_i64}
        ]
    }))
    .unwrap();
    let root = container();
    let models = page.registered_models;
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! { <ModelTable models=models.clone() /> }
    });
    leptos::task::tick().await;
    let text = root.text_content().unwrap();
    assert!(text.contains("not a time (1764000000000000000)"), "{text}");
    assert!(text.contains("2025-11-24 16:00"), "{text}");
}

/// Regression: "Connected to …" appeared as soon as the form was saved, before any request.
#[wasm_bindgen_test]
async fn connected_is_said_only_after_mlflow_answered() {
    let (root, _client, _mounted) = mount_settings().await;
    type_into(&root, "mlflow-url", "http://127.0.0.1:9");
    element::<HtmlElement>(&root, "button[type=submit]").click();
    leptos::task::tick().await;
    let text = || root.text_content().unwrap();
    assert!(!text().contains("Connected to"), "{}", text());
    let failed = eventually(15_000, || text().contains("did not answer")).await;
    assert!(failed, "{}", text());
    assert!(text().contains("Saved, but MLflow at http://127.0.0.1:9 did not answer"));
    assert!(!text().contains("Connected to"));
}

#[wasm_bindgen_test]
async fn credentials_for_plain_http_to_another_host_are_warned_about() {
    let (root, _client, _mounted) = mount_settings().await;
    element::<HtmlElement>(&root, "#auth-basic").click();
    leptos::task::tick().await;
    let warning = || {
        root.query_selector("[role=note]")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
    };
    type_into(&root, "mlflow-url", "http://10.0.0.7:5000");
    leptos::task::tick().await;
    assert!(
        warning().contains("unencrypted (http) to 10.0.0.7"),
        "{}",
        warning()
    );
    type_into(&root, "mlflow-url", "https://10.0.0.7:5000");
    leptos::task::tick().await;
    assert_eq!(warning(), "");
    element::<HtmlElement>(&root, "#auth-none").click();
    type_into(&root, "mlflow-url", "http://10.0.0.7:5000");
    leptos::task::tick().await;
    assert_eq!(warning(), "", "no credentials, nothing to warn about");
}

#[wasm_bindgen_test]
fn routes_are_relative_to_the_base() {
    use podium::ui::Route;
    let review = Route::Model {
        name: "bob's model".into(),
        policy: Some("{\"a\":1}".into()),
    };
    // Relative, so the browser resolves links and history entries against <base href>.
    let href = review.href();
    assert_eq!(href, "models/bob's%20model?policy=%7B%22a%22%3A1%7D");
    let (path, query) = href.split_once('?').unwrap();
    assert_eq!(Route::parse(path, &format!("?{query}")), review);
    assert_eq!(Route::Models.href(), "./");
    assert_eq!(Route::parse("", ""), Route::Models);
    assert_eq!(Route::parse("models/", ""), Route::Models);
    assert_eq!(Route::parse("other/models/x", ""), Route::Models);
}
