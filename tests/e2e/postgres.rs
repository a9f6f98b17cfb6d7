//! Podium against MLflow on PostgreSQL instead of sqlite, so nothing assumes sqlite's behaviour
//! (PostgreSQL's 5 000-character tag values, its ordering and its types).

use crate::harness::{
    aliases_of, audit_records, click_button, confirm_and_apply, text_of, until, until_text,
    with_browser, App, Mlflow, Postgres, OUTCOME, PLAN,
};

const HEALTH: &str = "health_monitor_agent";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_and_promotion_on_an_mlflow_backed_by_postgresql() {
    let postgres = Postgres::start("store");
    let mlflow = Mlflow::start_seeded_on("postgres", &postgres.database("mlflow"));
    let app = App::serve(&mlflow.url);
    with_browser(|browser| async move {
        browser
            .goto(&format!("{}/models/{HEALTH}", app.url))
            .await
            .unwrap();
        let plan = until("the plan", || text_of(&browser, PLAN)).await;
        assert_eq!(
            plan,
            "production: v4 → v6 · champion stays v3: v6 wins 1 of 3 key metrics"
        );
        click_button(&browser, "Apply…").await;
        confirm_and_apply(&browser, HEALTH).await;
        until_text(&browser, OUTCOME, "production: v4 → v6").await;
        // The audit record is read back from PostgreSQL into the history.
        until_text(
            &browser,
            "//table[@aria-label='Recorded alias moves, newest first']",
            "production: v4 → v6",
        )
        .await;
    })
    .await;
    let aliases = aliases_of(&mlflow.url, HEALTH, None);
    assert_eq!(aliases["production"], "6", "{aliases:?}");
    let records = audit_records(&mlflow.url, HEALTH, "6", None);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["alias"], "production");
    // Written to PostgreSQL, not to some other store.
    let stored = postgres.query(
        "mlflow",
        "SELECT count(*) FROM model_version_tags WHERE key LIKE 'podium.audit.%'",
    );
    assert_eq!(stored.trim(), "1");
}
