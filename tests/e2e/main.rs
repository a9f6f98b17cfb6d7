//! End-to-end: the release build in headless Chromium against a real, seeded MLflow.
//!
//! Run by scripts/test (`cargo test --features e2e --test e2e`) after `trunk build --release`.
#![cfg(not(target_arch = "wasm32"))]

mod harness;

use harness::{find, free_port, screenshot, with_browser, App, Mlflow};

/// The table row of a registered model, found by its row header like a screen reader would.
fn model_row(name: &str) -> String {
    format!("//tr[th[@scope='row' and normalize-space()='{name}']]")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_models_and_their_aliases_appear() {
    let mlflow = Mlflow::start_seeded("models");
    let app = App::serve(&mlflow.url);
    with_browser(|browser| async move {
        browser.goto(&app.url).await.unwrap();
        let expected = [
            (
                "health_monitor_agent",
                vec!["champion → v3", "production → v4", "staging → v6"],
            ),
            ("latency_router", vec!["production → v2"]),
            ("intent_classifier", vec!["no aliases"]),
        ];
        for (model, aliases) in expected {
            let row = find(&browser, &model_row(model)).await;
            let text = row.text().await.unwrap();
            for alias in aliases {
                assert!(
                    text.contains(alias),
                    "{model}: expected {alias:?} in {text:?}"
                );
            }
        }
        let intent = find(&browser, &model_row("intent_classifier")).await;
        let text = intent.text().await.unwrap();
        assert!(
            text.contains("<b>Not bold</b>"),
            "description shown as text: {text:?}"
        );
        screenshot(&browser, "models").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_mlflow_shows_an_error_panel() {
    // Nothing listens on this port: the proxy answers 502, as a reverse proxy would.
    let app = App::serve(&format!("http://127.0.0.1:{}", free_port()));
    with_browser(|browser| async move {
        browser.goto(&app.url).await.unwrap();
        let panel = find(&browser, "//*[@role='alert']").await;
        let text = panel.text().await.unwrap();
        assert!(
            text.contains("Could not load the registered models"),
            "{text}"
        );
        assert!(text.contains("HTTP 502"), "{text}");
        screenshot(&browser, "mlflow-unreachable").await;
    })
    .await;
}
