//! Hostile or unusual input from MLflow and from users: clear messages, nothing frozen, nothing
//! false on screen.

use serde_json::json;

use crate::harness::{mlflow_call, text_of, until, with_browser, App, Mlflow, MODELS_TABLE, PLAN};

/// A model, one version evaluated by its own run, and an alias — through MLflow's REST API.
fn create_model(url: &str, name: &str, metrics: &[(&str, f64)]) {
    let experiment = mlflow_call(
        url,
        "POST",
        "experiments/create",
        Some(&json!({"name": format!("{name} evaluation")})),
        None,
    );
    let experiment_id = experiment["experiment_id"].as_str().unwrap();
    let run = mlflow_call(
        url,
        "POST",
        "runs/create",
        Some(&json!({"experiment_id": experiment_id})),
        None,
    );
    let run_id = run["run"]["info"]["run_id"].as_str().unwrap();
    let metrics: Vec<_> = metrics
        .iter()
        .map(|(k, v)| json!({"key": k, "value": v, "timestamp": 0, "step": 0}))
        .collect();
    mlflow_call(
        url,
        "POST",
        "runs/log-batch",
        Some(&json!({"run_id": run_id, "metrics": metrics})),
        None,
    );
    mlflow_call(
        url,
        "POST",
        "registered-models/create",
        Some(&json!({"name": name})),
        None,
    );
    mlflow_call(
        url,
        "POST",
        "model-versions/create",
        Some(&json!({"name": name, "source": format!("runs:/{run_id}/model"), "run_id": run_id})),
        None,
    );
    mlflow_call(
        url,
        "POST",
        "registered-models/alias",
        Some(&json!({"name": name, "alias": "production", "version": "1"})),
        None,
    );
}

/// Regression: a model named with a quote showed "This model has no versions" (the filter
/// doubled the quote, which MLflow does not undo).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_name_with_a_quote_shows_its_versions() {
    let mlflow = Mlflow::start_seeded("quote");
    let name = "bob's_model";
    create_model(
        &mlflow.url,
        name,
        &[("relevance_to_query/mean", 0.81), ("safety/mean", 0.97)],
    );
    let app = App::serve(&mlflow.url);
    with_browser(|browser| async move {
        browser
            .goto(&format!("{}/models/bob%27s_model", app.url))
            .await
            .unwrap();
        let plan = until("the plan", || text_of(&browser, "//p[@data-testid='plan']")).await;
        assert_eq!(
            plan,
            "production stays v1 (the candidate) · champion: none → v1 (first champion)"
        );
        let table = text_of(
            &browser,
            "//table[@aria-label='Versions and their verdicts']",
        )
        .await
        .unwrap();
        assert!(
            table.contains("production") && table.contains("✓ 0.81"),
            "{table}"
        );
    })
    .await;
}

const ERROR_PANEL: &str = "//section[@role='alert' and h2]";

/// Opens the demo model's review through a proxy that injects `faults`.
async fn open_health(browser: &fantoccini::Client, app: &App) {
    browser
        .goto(&format!("{}/models/health_monitor_agent", app.url))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_body_is_retried_and_the_retry_is_shown() {
    let mlflow = Mlflow::start_seeded("stall");
    // The first runs/search sends headers and half its body, then nothing.
    let app = App::serve_with(&mlflow.url, &["--fault", "runs/search=stall-bodyx1"]);
    with_browser(|browser| async move {
        open_health(&browser, &app).await;
        let retrying = until("the retry to be shown", || async {
            text_of(&browser, "//p[@role='status']")
                .await
                .filter(|t| t.contains("trying again (2 of 3)"))
        })
        .await;
        assert!(retrying.contains("did not answer"), "{retrying}");
        let plan = until("the plan after the retry", || text_of(&browser, PLAN)).await;
        assert!(plan.starts_with("production: v4 → v6"), "{plan}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_server_gives_a_clear_message_and_no_half_decision() {
    let mlflow = Mlflow::start_seeded("failing");
    let app = App::serve_with(
        &mlflow.url,
        &["--fault", "model-versions/search=status:503"],
    );
    with_browser(|browser| async move {
        let started = std::time::Instant::now();
        open_health(&browser, &app).await;
        let panel = until("the error panel", || text_of(&browser, ERROR_PANEL)).await;
        assert!(
            started.elapsed().as_secs() < 20,
            "bounded: {:?}",
            started.elapsed()
        );
        assert!(
            panel.contains("Could not load model health_monitor_agent"),
            "{panel}"
        );
        assert!(panel.contains("HTTP 503"), "{panel}");
    })
    .await;
    // Nothing decided on part of the data: the model was read, its versions' evidence never.
    let log = mlflow.log();
    assert!(
        log.contains("GET /api/2.0/mlflow/registered-models/get"),
        "{log}"
    );
    assert!(
        !log.contains("runs/search"),
        "evidence read after a failed load: {log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_page_token_ends_the_load_with_an_error() {
    let mlflow = Mlflow::start_seeded("repeat-token");
    let app = App::serve_with(
        &mlflow.url,
        &["--fault", "model-versions/search=repeat-token"],
    );
    with_browser(|browser| async move {
        open_health(&browser, &app).await;
        // The first screen is one page (its versions and their evidence are all there, so it
        // is decided); reading every version then stops at the repeated token, and says so
        // instead of paging forever.
        let status = until("the failed load of the older versions", || async {
            text_of(
                &browser,
                "//p[@role='status'][contains(., 'Older versions not loaded')]",
            )
            .await
        })
        .await;
        assert!(
            status.contains("MLflow sent the same page token twice"),
            "{status}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_json_and_dropped_connections() {
    let mlflow = Mlflow::start_seeded("truncate");
    // The model's JSON cut in half (not retried: MLflow did answer), while the experiment list's
    // first connection is dropped (retried).
    let app = App::serve_with(
        &mlflow.url,
        &[
            "--fault",
            "registered-models/get=truncate",
            "--fault",
            "experiments/search=dropx1",
        ],
    );
    with_browser(|browser| async move {
        open_health(&browser, &app).await;
        let panel = until("the error panel", || text_of(&browser, ERROR_PANEL)).await;
        assert!(panel.contains("Unexpected answer from MLflow"), "{panel}");
        assert!(panel.contains("registered-models/get"), "{panel}");
        assert!(text_of(&browser, PLAN).await.is_none());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searching_models_for_a_backslash_or_a_wildcard_finds_them_literally() {
    let mlflow = Mlflow::start_seeded("search-backslash");
    for name in ["back\\slash", "100%_sure"] {
        mlflow_call(
            &mlflow.url,
            "POST",
            "registered-models/create",
            Some(&json!({"name": name})),
            None,
        );
    }
    let app = App::serve(&mlflow.url);
    with_browser(|browser| async move {
        browser.goto(&app.url).await.unwrap();
        let search = crate::harness::find(
            &browser,
            "//input[@id=//label[normalize-space()='Search models by name']/@for]",
        )
        .await;
        for (typed, expect) in [
            ("\\", "back\\slash"),
            ("%", "100%_sure"),
            ("0%_", "100%_sure"),
        ] {
            search.clear().await.unwrap();
            search.send_keys(typed).await.unwrap();
            let rows = until(&format!("results for {typed:?}"), || async {
                text_of(&browser, &format!("{MODELS_TABLE}/tbody"))
                    .await
                    .filter(|t| t.contains(expect) && !t.contains("health_monitor_agent"))
            })
            .await;
            assert!(
                text_of(&browser, ERROR_PANEL).await.is_none(),
                "{typed:?}: {rows}"
            );
        }
        // A wildcard character matches only itself: "_" finds names with "_", not every name.
        search.clear().await.unwrap();
        search.send_keys("%_s").await.unwrap();
        let rows = until("results for %_s", || async {
            text_of(&browser, &format!("{MODELS_TABLE}/tbody"))
                .await
                .filter(|t| !t.contains("health_monitor_agent"))
        })
        .await;
        assert!(
            rows.contains("100%_sure") && !rows.contains("back\\slash"),
            "{rows}"
        );
    })
    .await;
}

/// Regression: an error thrown through Podium's code (a panic, or a browser API throwing, as
/// `toISOString` did on a bad timestamp) left the page frozen on whatever it showed last.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_thrown_through_podium_shows_a_panel_not_a_frozen_page() {
    let mlflow = Mlflow::start_seeded("crash");
    let app = App::serve(&mlflow.url);
    with_browser(|browser| async move {
        browser.goto(&app.url).await.unwrap();
        until("the models", || text_of(&browser, MODELS_TABLE)).await;
        // From now on the browser refuses to tell the time, which the review's history asks.
        browser
            .execute(
                "Date.now = function () { throw new RangeError('simulated: no clock today'); };",
                vec![],
            )
            .await
            .unwrap();
        let link =
            crate::harness::find(&browser, "//a[normalize-space()='health_monitor_agent']").await;
        link.click().await.unwrap();
        let panel = until("the crash panel", || {
            text_of(&browser, "//section[@role='alert' and @id='podium-crash']")
        })
        .await;
        assert!(panel.contains("Podium stopped working"), "{panel}");
        // The browser hides the message of an error from a script injected by the test
        // ("Script error."); errors of Podium's own code come with theirs.
        assert!(panel.contains("Reload the page"), "{panel}");
    })
    .await;
}
