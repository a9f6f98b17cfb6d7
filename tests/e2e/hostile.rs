//! Hostile or unusual input from MLflow and from users: clear messages, nothing frozen, nothing
//! false on screen.

use serde_json::json;

use crate::harness::{mlflow_call, text_of, until, with_browser, App, Mlflow};

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
