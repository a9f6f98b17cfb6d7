//! Promotion end to end: the release build in headless Chromium moves aliases of a real,
//! seeded MLflow, and each test checks MLflow's real state through its REST API afterwards.

use std::collections::BTreeMap;

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::harness::{
    aliases_of, audit_records, choose, click_button, confirm_and_apply, find, mlflow_call,
    open_review, open_review_signed_in, save_policy, screenshot, set_alias_form, sign_in, text_of,
    until, until_text, with_browser, App, Mlflow, ADMIN, DECISION, OUTCOME, PLAN, POLICY_STATUS,
    REPORT, WHO,
};

const HEALTH: &str = "health_monitor_agent";
const APPLY: &str = "//button[normalize-space()='Apply…']";

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(a, v)| (a.to_string(), v.to_string()))
        .collect()
}

/// Why Apply is not offered (the text it points to), asserting it is disabled.
async fn apply_refusal(browser: &Client) -> String {
    let apply = find(browser, APPLY).await;
    assert!(!apply.is_enabled().await.unwrap(), "Apply is disabled");
    text_of(browser, "//p[@id='apply-reason']").await.unwrap()
}

/// The outcome the fresh screen shows after a write.
async fn outcome(browser: &Client) -> String {
    until("the outcome of the writes", || text_of(browser, OUTCOME)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_evidence_and_failing_candidates_are_refused_and_nothing_is_written() {
    let mlflow = Mlflow::start_seeded("refusals");
    let app = App::serve(&mlflow.url);
    let before = aliases_of(&mlflow.url, HEALTH, None);
    with_browser(|browser| async move {
        open_review(&browser, &app, HEALTH, None).await;
        // v1 has no evaluation: the seed would pass it (every rule skipped); Podium refuses.
        choose(&browser, "1").await;
        // The headline never promises a move Apply refuses (the seed would move production).
        let plan = text_of(&browser, PLAN).await.unwrap();
        assert_eq!(plan, "no move: no evaluation was found for v1");
        let why = apply_refusal(&browser).await;
        assert!(
            why.contains("No evaluation was found for this version")
                && why.contains("logged no metrics"),
            "{why}"
        );
        let decision = text_of(&browser, DECISION).await.unwrap();
        assert!(decision.contains("0 of 4 rules checked"), "{decision}");
        // v2 fails relevance.
        choose(&browser, "2").await;
        let why = apply_refusal(&browser).await;
        assert!(
            why.contains("fails the policy (1 check(s) failed)"),
            "{why}"
        );
        // A policy with no rules passes anything: refused.
        open_review(&browser, &app, HEALTH, Some(r#"{"rules": []}"#)).await;
        let why = apply_refusal(&browser).await;
        assert!(why.contains("The policy has no rules"), "{why}");
        // An invalid edit: no Apply.
        open_review(&browser, &app, HEALTH, None).await;
        let field = find(
            &browser,
            "//input[@id=//label[normalize-space()='Threshold for safety/mean']/@for]",
        )
        .await;
        field.clear().await.unwrap();
        field.send_keys("abc").await.unwrap();
        until_text(&browser, "//p[@id='apply-reason']", "An edit is invalid").await;
        screenshot(&browser, "promote-refused").await;
    })
    .await;
    assert_eq!(
        aliases_of(&mlflow.url, HEALTH, None),
        before,
        "nothing was written"
    );
    for v in ["1", "2", "6"] {
        assert!(audit_records(&mlflow.url, HEALTH, v, None).is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_champion_takes_both_aliases_and_both_moves_are_recorded() {
    let mlflow = Mlflow::start_seeded("first-champion");
    let app = App::serve(&mlflow.url);
    let policy = r#"{"rules": [{"metric": "accuracy/mean", "threshold": 0.8}, {"metric": "safety/mean", "threshold": 0.95}], "champion_metrics": ["accuracy/mean"]}"#;
    with_browser(|browser| async move {
        open_review(&browser, &app, "intent_classifier", Some(policy)).await;
        choose(&browser, "2").await;
        assert_eq!(
            text_of(&browser, PLAN).await.unwrap(),
            "production: none → v2 · champion: none → v2 (first champion)"
        );
        click_button(&browser, "Apply…").await;
        let dialog = find(&browser, "//div[@role='dialog']")
            .await
            .text()
            .await
            .unwrap();
        for expected in [
            "production: none → v2",
            "champion: none → v2",
            "an unsaved what-if",
            "accuracy/mean: rule added (threshold 0.8)",
            "There is no champion yet.",
            "type the model name (intent_classifier)",
        ] {
            assert!(dialog.contains(expected), "{expected:?} in {dialog}");
        }
        screenshot(&browser, "promote-confirm").await;
        confirm_and_apply(&browser, "intent_classifier").await;
        let done = outcome(&browser).await;
        assert!(done.starts_with("Applied: production: none → v2"), "{done}");
        // The fresh screen shows the new aliases and the history.
        until("the history", || async {
            text_of(
                &browser,
                "//table[@aria-label='Recorded alias moves, newest first']",
            )
            .await
            .filter(|t| t.contains("champion: none → v2") && t.contains("production: none → v2"))
        })
        .await;
        screenshot(&browser, "promote-first-champion").await;
    })
    .await;
    assert_eq!(
        aliases_of(&mlflow.url, "intent_classifier", None),
        map(&[("champion", "2"), ("production", "2")])
    );
    let records = audit_records(&mlflow.url, "intent_classifier", "2", None);
    assert_eq!(records.len(), 2, "{records:#?}");
    let production = records.iter().find(|r| r["alias"] == "production").unwrap();
    assert_eq!(production["kind"], "promotion");
    assert_eq!(production["to"], "2");
    assert!(production["from"].is_null());
    assert_eq!(production["policy"]["source"], "what_if");
    assert!(production["policy"]["json"]
        .as_str()
        .unwrap()
        .contains("accuracy/mean"));
    assert_eq!(production["candidate_metrics"]["accuracy/mean"], 0.84);
    assert!(
        production.get("champion").is_none(),
        "no champion to compare with"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_that_loses_moves_only_production_and_a_rollback_restores_it() {
    let mlflow = Mlflow::start_seeded("promote-rollback");
    let app = App::serve(&mlflow.url);
    with_browser(|browser| async move {
        open_review(&browser, &app, HEALTH, None).await;
        assert_eq!(
            text_of(&browser, PLAN).await.unwrap(),
            "production: v4 → v6 · champion stays v3: v6 wins 1 of 3 key metrics"
        );
        click_button(&browser, "Apply…").await;
        let dialog = find(&browser, "//div[@role='dialog']")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            dialog.contains("the seed's default policy: none is saved"),
            "{dialog}"
        );
        assert!(
            !dialog.contains("champion: v3"),
            "only production moves: {dialog}"
        );
        // Cancel writes nothing.
        click_button(&browser, "Cancel").await;
        assert!(browser
            .find(Locator::XPath("//div[@role='dialog']"))
            .await
            .is_err());
        click_button(&browser, "Apply…").await;
        confirm_and_apply(&browser, HEALTH).await;
        let done = outcome(&browser).await;
        assert!(done.starts_with("Applied: production: v4 → v6"), "{done}");
        // Roll back from the history.
        click_button(&browser, "Roll back production to v4…").await;
        let dialog = find(&browser, "//div[@role='dialog']")
            .await
            .text()
            .await
            .unwrap();
        assert!(dialog.contains("production: v6 → v4"), "{dialog}");
        confirm_and_apply(&browser, HEALTH).await;
        until_text(&browser, OUTCOME, "production: v6 → v4").await;
        let history = text_of(
            &browser,
            "//table[@aria-label='Recorded alias moves, newest first']",
        )
        .await
        .unwrap();
        let rollback = history.find("production: v6 → v4").unwrap();
        let promotion = history.find("production: v4 → v6").unwrap();
        assert!(rollback < promotion, "newest first: {history}");
        assert!(history.contains("rollback"), "{history}");
        screenshot(&browser, "promote-history").await;
    })
    .await;
    assert_eq!(
        aliases_of(&mlflow.url, HEALTH, None),
        map(&[("champion", "3"), ("production", "4"), ("staging", "6")])
    );
    let promoted = audit_records(&mlflow.url, HEALTH, "6", None);
    assert_eq!(promoted.len(), 1);
    assert_eq!(promoted[0]["alias"], "production");
    assert_eq!(
        promoted[0]["policy"]["source"], "defaults",
        "no policy is saved on the model"
    );
    assert_eq!(promoted[0]["champion"], "3");
    let rolled = audit_records(&mlflow.url, HEALTH, "4", None);
    assert_eq!(rolled.len(), 1);
    assert_eq!(rolled[0]["kind"], "rollback");
    assert!(rolled[0]["undoes"]
        .as_str()
        .unwrap()
        .starts_with("podium.audit."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_another_client_moves_production_first_nothing_is_written() {
    let mlflow = Mlflow::start_seeded("conflict");
    let app = App::serve(&mlflow.url);
    let url = mlflow.url.clone();
    with_browser(|browser| async move {
        open_review(&browser, &app, HEALTH, None).await;
        click_button(&browser, "Apply…").await;
        // Someone else promotes v5 while the dialog is open.
        mlflow_call(
            &url,
            "POST",
            "registered-models/alias",
            Some(&json!({"name": HEALTH, "alias": "production", "version": "5"})),
            None,
        );
        confirm_and_apply(&browser, HEALTH).await;
        let said = outcome(&browser).await;
        assert!(
            said.contains("Nothing was written")
                && said.contains("production was v4 when the decision was made and is now v5"),
            "{said}"
        );
        // Re-decided on fresh data.
        until("the fresh plan", || async {
            text_of(&browser, PLAN)
                .await
                .filter(|p| p.starts_with("production: v5 → v6"))
        })
        .await;
        screenshot(&browser, "promote-conflict").await;
    })
    .await;
    assert_eq!(aliases_of(&mlflow.url, HEALTH, None)["production"], "5");
    assert!(audit_records(&mlflow.url, HEALTH, "6", None).is_empty());
}

/// Champion v3 loses to v6 on relevance and cost accuracy: with those as key metrics, v6 takes
/// both aliases.
const BOTH: &str = r#"{"relevance/mean": 0.7, "safety/mean": 0.9, "guidelines/mean": 0.6, "cost_accuracy/mean": 0.8}"#;

fn both_aliases_policy() -> String {
    let mut p: serde_json::Value =
        json!({"rules": [], "champion_metrics": ["relevance/mean", "cost_accuracy/mean"]});
    let flat: serde_json::Map<String, serde_json::Value> = serde_json::from_str(BOTH).unwrap();
    p["rules"] = flat
        .into_iter()
        .map(|(m, t)| json!({"metric": m, "threshold": t}))
        .collect();
    p.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_second_write_is_reported_and_the_first_can_be_restored() {
    let mlflow = Mlflow::start_seeded("partial");
    // The proxy refuses any move of `champion`, as MLflow would refuse a user it does not allow.
    let app = App::serve_with(&mlflow.url, &["--refuse-alias", "champion"]);
    let policy = both_aliases_policy();
    with_browser(|browser| async move {
        open_review(&browser, &app, HEALTH, Some(&policy)).await;
        assert_eq!(
            text_of(&browser, PLAN).await.unwrap(),
            "production: v4 → v6 · champion: v3 → v6: v6 wins 2 of 2 key metrics"
        );
        click_button(&browser, "Apply…").await;
        confirm_and_apply(&browser, HEALTH).await;
        let report = until("the report", || text_of(&browser, REPORT)).await;
        assert!(report.contains("Only part of it was applied"), "{report}");
        assert!(
            report.contains("production: v4 → v6 — applied (recorded as podium.audit."),
            "{report}"
        );
        assert!(
            report.contains("champion: v3 → v6 — not applied"),
            "{report}"
        );
        assert!(
            report.contains("Permission denied to move champion"),
            "{report}"
        );
        screenshot(&browser, "promote-partial").await;
        click_button(&browser, "Restore production to v4…").await;
        confirm_and_apply(&browser, HEALTH).await;
        let done = outcome(&browser).await;
        assert!(done.starts_with("Applied: production: v6 → v4"), "{done}");
    })
    .await;
    assert_eq!(
        aliases_of(&mlflow.url, HEALTH, None),
        map(&[("champion", "3"), ("production", "4"), ("staging", "6")])
    );
    let applied = audit_records(&mlflow.url, HEALTH, "6", None);
    assert_eq!(
        applied.len(),
        1,
        "only the applied move is recorded: {applied:#?}"
    );
    let restored = audit_records(&mlflow.url, HEALTH, "4", None);
    assert_eq!(restored.len(), 1);
    assert_eq!(restored[0]["kind"], "restore");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_whose_answer_is_lost_is_settled_by_reading_mlflow() {
    let mlflow = Mlflow::start_seeded("lost-answer");
    // MLflow moves production, but the browser never hears back.
    let app = App::serve_with(&mlflow.url, &["--lose-answer-alias", "production"]);
    with_browser(|browser| async move {
        open_review(&browser, &app, HEALTH, None).await;
        click_button(&browser, "Apply…").await;
        confirm_and_apply(&browser, HEALTH).await;
        let done = outcome(&browser).await;
        assert!(done.starts_with("Applied: production: v4 → v6"), "{done}");
    })
    .await;
    assert_eq!(aliases_of(&mlflow.url, HEALTH, None)["production"], "6");
    assert_eq!(
        audit_records(&mlflow.url, HEALTH, "6", None).len(),
        1,
        "recorded once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_basic_auth_each_user_is_recorded_and_a_read_only_user_is_refused() {
    let mlflow = Mlflow::start_seeded_auth("auth-promote");
    let app = App::serve(&mlflow.url);
    let admin = Some(ADMIN);
    // The admin promotes v6 to production.
    with_browser(|browser| async move {
        browser.goto(&app.url).await.unwrap();
        sign_in(&browser, ADMIN.0, ADMIN.1).await;
        open_review_signed_in(&browser, HEALTH).await;
        until_text(&browser, WHO, "as MLflow user admin").await;
        click_button(&browser, "Apply…").await;
        confirm_and_apply(&browser, HEALTH).await;
        outcome(&browser).await;

        // The editor (EDIT on the model) sets staging on v5.
        sign_in(&browser, "editor", "editor-password-1").await;
        until_text(&browser, WHO, "as MLflow user editor").await;
        set_alias_form(&browser, "staging", "5").await;
        confirm_and_apply(&browser, HEALTH).await;
        until_text(&browser, OUTCOME, "staging: v6 → v5").await;
        let history = text_of(&browser, "//table[@aria-label='Recorded alias moves, newest first']")
            .await
            .unwrap();
        assert!(history.contains("editor") && history.contains("admin"), "{history}");
        screenshot(&browser, "promote-two-users").await;

        // The viewer (READ only) is refused, with the reason, and nothing is half-applied.
        sign_in(&browser, "viewer", "viewer-password-1").await;
        until_text(&browser, WHO, "as MLflow user viewer").await;
        click_button(&browser, "Remove staging (v5)…").await;
        confirm_and_apply(&browser, HEALTH).await;
        let report = until("the refusal", || {
            text_of(&browser, REPORT)
        })
        .await;
        assert!(report.contains("Nothing was applied"), "{report}");
        assert!(
            report.contains("Permission denied: your MLflow user cannot delete alias staging of model health_monitor_agent (needs MANAGE)"),
            "{report}"
        );
        screenshot(&browser, "promote-refused-viewer").await;
    })
    .await;
    assert_eq!(
        aliases_of(&mlflow.url, HEALTH, admin),
        map(&[("champion", "3"), ("production", "6"), ("staging", "5")])
    );
    let v6 = audit_records(&mlflow.url, HEALTH, "6", admin);
    assert_eq!(v6[0]["user"], "admin");
    let v5 = audit_records(&mlflow.url, HEALTH, "5", admin);
    assert_eq!(v5.len(), 1);
    assert_eq!(v5[0]["user"], "editor");
    assert_eq!(v5[0]["kind"], "manual");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saving_a_policy_writes_nothing_when_someone_else_saved_first() {
    let mlflow = Mlflow::start_seeded("save-conflict");
    let app = App::serve(&mlflow.url);
    let url = mlflow.url.clone();
    let theirs = r#"{"relevance/mean": 0.75}"#;
    with_browser(|browser| async move {
        open_review(&browser, &app, HEALTH, None).await;
        crate::harness::fill_rule_field(&browser, "safety/mean", "Threshold", "0.95").await;
        // Another tab saves its own policy first.
        mlflow_call(
            &url,
            "POST",
            "registered-models/set-tag",
            Some(&json!({"name": HEALTH, "key": "podium.policy", "value": theirs})),
            None,
        );
        save_policy(&browser, HEALTH).await;
        let said = outcome(&browser).await;
        assert!(
            said.contains("Nothing was saved: someone else saved a policy on this model"),
            "{said}"
        );
        // The fresh screen compares the kept what-if with their policy.
        let status = until("the status against their policy", || async {
            text_of(&browser, POLICY_STATUS)
                .await
                .filter(|t| t.contains("Unsaved what-if") && t.contains("rule added"))
        })
        .await;
        assert!(status.contains("safety/mean: rule added"), "{status}");
    })
    .await;
    let model = mlflow_call(
        &mlflow.url,
        "GET",
        &format!("registered-models/get?name={HEALTH}"),
        None,
        None,
    );
    let tag = model["registered_model"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "podium.policy")
        .unwrap();
    assert_eq!(tag["value"], theirs, "their policy was not overwritten");
}
