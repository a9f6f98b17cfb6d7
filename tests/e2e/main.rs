//! End-to-end: the release build in headless Chromium against a real, seeded MLflow.
//!
//! Run by scripts/test (`cargo test --features e2e --test e2e`) after `trunk build --release`.
#![cfg(not(target_arch = "wasm32"))]

mod criteria;
mod first_minutes;
mod four_eyes;
mod harness;
mod hostile;
mod hosting;
mod layout;
mod noise;
mod postgres;
mod promote;
mod scale;
mod scripts;
mod trust;
mod versions;

use fantoccini::Locator;
use harness::{
    fill_rule_field, find, mlflow_get, screenshot, text_of, until, with_browser, App, Mlflow,
    RefusingPort, PLAN,
};

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
    let dead = RefusingPort::new();
    let app = App::serve(&dead.url);
    with_browser(|browser| async move {
        browser.goto(&app.url).await.unwrap();
        let panel = find(&browser, "//section[@role='alert' and h2]").await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_what_if_changes_the_verdict_travels_in_a_link_and_saves_to_mlflow() {
    let mlflow = Mlflow::start_seeded("review");
    let app = App::serve(&mlflow.url);
    let shared_link = std::sync::Mutex::new(String::new());
    let (slot, app_url) = (&shared_link, app.url.clone());
    with_browser(|browser| async move {
        browser.goto(&app_url).await.unwrap();
        find(&browser, "//a[normalize-space()='health_monitor_agent']").await.click().await.unwrap();
        let plan = until("the plan", || text_of(&browser, PLAN)).await;
        assert_eq!(plan, "production: v4 → v6 · champion stays v3: v6 wins 1 of 3 key metrics");

        // Raise safety/mean until the candidate (v6, safety 0.94) fails.
        fill_rule_field(&browser, "safety/mean", "Threshold", "0.95").await;
        let plan = until("the plan to change", || async {
            text_of(&browser, PLAN).await.filter(|p| p.contains("fails"))
        })
        .await;
        assert_eq!(plan, "production stays v4: v6 fails the policy · champion stays v3: v6 fails the policy");
        let v6 = text_of(&browser, "//table[@aria-label='Versions and their verdicts']//tr[th[normalize-space()='v6']]").await.unwrap();
        assert!(v6.contains("✗ 0.94") && v6.contains("✗ fails"), "{v6}");
        screenshot(&browser, "review-what-if").await;
        // The address bar follows the what-if (a moment later) and the share box shows the same.
        let link = until("the address bar to carry the what-if", || async {
            let url = browser.current_url().await.unwrap().to_string();
            url.contains("0.95").then_some(url)
        })
        .await;
        let shown = find(&browser, "//input[@id='share-link']").await.prop("value").await.unwrap();
        assert_eq!(shown.as_deref(), Some(link.as_str()));
        *slot.lock().unwrap() = link;

        // An invalid threshold is marked at its field and changes nothing.
        fill_rule_field(&browser, "relevance/mean", "Threshold", "0.7x").await;
        let error = until("the field error", || async {
            text_of(&browser, "//p[@id=//input[@id=//label[normalize-space()='Threshold for relevance/mean']/@for]/@aria-describedby]")
                .await
                .filter(|t| !t.is_empty())
        })
        .await;
        assert!(error.contains("\"0.7x\" is not a number"), "{error}");
        assert_eq!(
            text_of(&browser, PLAN).await.unwrap(),
            "no move: an edit is invalid (the preview keeps the last valid policy)"
        );
        let decision = text_of(&browser, "//section[@aria-labelledby='decision-heading']").await.unwrap();
        assert!(
            decision.contains("Fails the policy") && decision.contains("threshold 0.95"),
            "the preview kept the last valid policy (safety/mean 0.95): {decision}"
        );
        let save = find(&browser, "//button[normalize-space()='Save policy to MLflow…']").await;
        assert_eq!(save.attr("disabled").await.unwrap().as_deref(), Some("true"));
        fill_rule_field(&browser, "relevance/mean", "Threshold", "0.7").await;

        // Save: the tag appears in MLflow.
        until("the save button", || async { save.attr("disabled").await.unwrap().is_none().then_some(()) }).await;
        save.click().await.unwrap();
        harness::confirm(&browser, "health_monitor_agent", "Save the policy").await;
        until("the saved message", || text_of(&browser, "//p[contains(., 'Saved as tag podium.policy')]")).await;
        screenshot(&browser, "review-saved").await;
    })
    .await;

    let model = mlflow_get(
        &mlflow.url,
        "registered-models/get?name=health_monitor_agent",
    );
    let tags = model["registered_model"]["tags"].as_array().unwrap();
    let saved = tags
        .iter()
        .find(|t| t["key"] == "podium.policy")
        .expect("podium.policy tag");
    let policy = podium::policy::Policy::from_json(saved["value"].as_str().unwrap()).unwrap();
    assert_eq!(policy.rule("safety/mean").unwrap().threshold, Some(0.95));
    assert_eq!(policy.rule("relevance/mean").unwrap().threshold, Some(0.7));

    // A fresh browser session opening the shared link sees the same preview.
    let link = shared_link.into_inner().unwrap();
    assert!(link.contains("policy="), "{link}");
    with_browser(|browser| async move {
        browser.goto(&link).await.unwrap();
        let plan = until("the plan", || text_of(&browser, PLAN)).await;
        assert_eq!(
            plan,
            "production stays v4: v6 fails the policy · champion stays v3: v6 fails the policy"
        );
        let field = browser
            .find(Locator::XPath(
                "//input[@id=//label[normalize-space()='Threshold for safety/mean']/@for]",
            ))
            .await
            .unwrap();
        assert_eq!(field.prop("value").await.unwrap().as_deref(), Some("0.95"));
    })
    .await;
}
