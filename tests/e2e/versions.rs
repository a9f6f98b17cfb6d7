//! An MLflow 2.x server (2.22, the last 2.x line, from its own virtualenv): what it cannot
//! serve is named where it matters, and nothing is decided on less evidence than is shown.
//! (The core suite also runs whole against 2.22: scripts/test, "MLflow 2.22".)

use crate::first_minutes::{assert_says_what_the_seed_needs, attention};
use crate::harness::{choose, open_review, screenshot, text_of, until, with_browser, App, Mlflow};
use crate::noise::noise_aware_rule_holds;

/// judged_agent's team policy with the noise-aware champion rule on.
const NOISE_AWARE: &str = r#"{"rules": [
    {"metric": "exact_match/mean", "threshold": 0.5},
    {"metric": "token_overlap/mean", "threshold": 0.5}],
  "noise_aware_champion": true,
  "champion_metrics": ["exact_match/mean", "token_overlap/mean"]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_mlflow_2_the_per_row_comparison_is_named_missing_and_the_noise_aware_rule_refuses() {
    let mlflow = Mlflow::start_seeded_mlflow2("mlflow2-noise");
    let app = App::serve(&mlflow.url);
    with_browser(|browser| async move {
        open_review(&browser, &app, "judged_agent", Some(NOISE_AWARE)).await;
        choose(&browser, "3").await;
        let said = until("what the server lacks", || {
            text_of(
                &browser,
                "//p[@role='status'][contains(., 'No per-row comparison')]",
            )
        })
        .await;
        assert!(
            said.contains("no traces/search endpoint") && said.contains("MLflow 3.0 or later"),
            "{said}"
        );
        // Reading again cannot give what the server does not have.
        assert!(!said.contains("Read again"), "{said}");
        let row = text_of(
            &browser,
            "//table[@aria-label='Candidate against the champion']\
             //tr[th[normalize-space()='exact_match/mean']]",
        )
        .await
        .unwrap();
        assert!(row.contains("needs MLflow ≥ 3.0"), "{row}");
        // The means alone would crown v3; the noise-aware rule cannot decide, so nothing moves.
        let why = noise_aware_rule_holds(&browser).await;
        assert!(why.contains("needs MLflow 3.0 or later"), "{why}");
        screenshot(&browser, "mlflow2-noise-aware").await;
    })
    .await;
}

/// MLflow 2.x refuses `name IN (…)` in a version search: the models list reads the registry's
/// versions in one search instead and says what each model needs, as on 3.x. (2.22's server
/// logs no requests, so the request count is checked against a scripted server:
/// tests/mlflow_client.rs.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_mlflow_2_the_models_list_says_what_each_model_needs() {
    let mlflow = Mlflow::start_seeded_mlflow2("mlflow2-list");
    let app = App::serve(&mlflow.url);
    with_browser(|browser| async move {
        browser.goto(&app.url).await.unwrap();
        let said = attention(&browser).await;
        assert_says_what_the_seed_needs(&said);
        screenshot(&browser, "mlflow2-models").await;
    })
    .await;
}
