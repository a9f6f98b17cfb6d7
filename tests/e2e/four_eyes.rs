//! Four-eyes promotion (issue 29) in the dashboard, on MLflow's basic-auth app with the seeded
//! users: `editor` may move health_monitor_agent's aliases; `reviewer` may tag its versions
//! (sign) but not move an alias (docs/DEPLOY.md, "Making sign-offs binding").

use fantoccini::Client;
use serde_json::json;

use crate::harness::{
    aliases_of, audit_records, click_button, confirm_and_apply, find, mlflow_call, open_review,
    open_review_signed_in, screenshot, sign_in, tag_values, text_of, until, until_text,
    with_browser, App, Mlflow, ADMIN, OUTCOME, PLAN, WHO,
};

const HEALTH: &str = "health_monitor_agent";
/// Two of the seed's rules; a production move needs one sign-off.
const FOUR_EYES: &str = r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.7},
    {"metric": "safety/mean", "threshold": 0.9}], "approvals": {"production": 1}}"#;
const SIGNED: &str = "//*[@role='status'][starts-with(normalize-space(),'Signed off as')]";
const SIGN_OFFS: &str = "//ul[@aria-label='Sign-offs of this version']";
const APPLY_REASON: &str = "//p[@id='apply-reason']";
const SIGN_REASON: &str = "//p[@id='sign-off-reason']";
const HISTORY: &str = "//section[@aria-labelledby='history-heading']";

fn save_policy_tag(base: &str, json: &str, user: Option<(&str, &str)>) {
    mlflow_call(
        base,
        "POST",
        "registered-models/set-tag",
        Some(&json!({"name": HEALTH, "key": "podium.policy", "value": json})),
        user,
    );
}

async fn apply_enabled(browser: &Client) -> bool {
    let apply = find(browser, "//button[normalize-space()='Apply…']").await;
    apply.is_enabled().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_signs_off_and_only_someone_else_may_apply() {
    let mlflow = Mlflow::start_seeded_auth("four-eyes");
    save_policy_tag(&mlflow.url, FOUR_EYES, Some(ADMIN));
    let app = App::serve(&mlflow.url);
    with_browser(|browser| async move {
        browser.goto(&app.url).await.unwrap();
        sign_in(&browser, "editor", "editor-password-1").await;
        open_review_signed_in(&browser, HEALTH).await;
        until_text(&browser, WHO, "as MLflow user editor").await;
        // Nobody has signed: the headline does not promise the move, Apply says why.
        until_text(
            &browser,
            PLAN,
            "no move: production: v4 → v6 waits for 1 more sign-off",
        )
        .await;
        assert!(!apply_enabled(&browser).await);
        let why = text_of(&browser, APPLY_REASON).await.unwrap();
        assert!(
            why.contains("0 of 1 so far (nobody else has signed)"),
            "{why}"
        );

        // The editor signs off: their own sign-off never counts for them.
        click_button(&browser, "Sign off this decision").await;
        until_text(
            &browser,
            SIGNED,
            "Signed off as editor: production: v4 → v6",
        )
        .await;
        let list = until_text(&browser, SIGN_OFFS, "editor signed production: v4 → v6").await;
        assert!(list.contains("— counts"), "{list}");
        let why = until_text(&browser, APPLY_REASON, "your own sign-off does not count").await;
        assert!(why.contains("0 of 1 so far"), "{why}");
        assert!(!apply_enabled(&browser).await);
        let signed = text_of(&browser, SIGN_REASON).await.unwrap();
        assert_eq!(signed, "You have signed this decision.");
        screenshot(&browser, "four-eyes-waiting").await;

        // The reviewer signs off too.
        sign_in(&browser, "reviewer", "reviewer-password-1").await;
        until_text(&browser, WHO, "as MLflow user reviewer").await;
        click_button(&browser, "Sign off this decision").await;
        until_text(&browser, SIGNED, "Signed off as reviewer").await;

        // Now the editor applies; the record names the reviewer.
        sign_in(&browser, "editor", "editor-password-1").await;
        until_text(&browser, WHO, "as MLflow user editor").await;
        until_text(&browser, PLAN, "production: v4 → v6").await;
        click_button(&browser, "Apply…").await;
        confirm_and_apply(&browser, HEALTH).await;
        until_text(&browser, OUTCOME, "Applied: production: v4 → v6").await;
        let history = until_text(&browser, HISTORY, "(signed off by reviewer)").await;
        assert!(
            history.contains("Set outside Podium: champion → v3, staging → v6"),
            "{history}"
        );
        screenshot(&browser, "four-eyes-applied").await;
    })
    .await;
    assert_eq!(
        aliases_of(&mlflow.url, HEALTH, Some(ADMIN))["production"],
        "6"
    );
    let records = audit_records(&mlflow.url, HEALTH, "6", Some(ADMIN));
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["user"], "editor");
    assert_eq!(records[0]["approvers"], json!(["reviewer"]));
    let sign_offs = tag_values(&mlflow.url, HEALTH, "6", "podium.signoff.", Some(ADMIN));
    let users: Vec<&str> = sign_offs
        .iter()
        .map(|s| s["user"].as_str().unwrap())
        .collect();
    assert_eq!(users.len(), 2, "{sign_offs:#?}");
    assert!(users.contains(&"editor") && users.contains(&"reviewer"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_evidence_voids_a_sign_off_forged_ones_never_count_and_nobody_unnamed_signs() {
    let mlflow = Mlflow::start_seeded_auth("four-eyes-void");
    save_policy_tag(&mlflow.url, FOUR_EYES, Some(ADMIN));
    let app = App::serve(&mlflow.url);
    let url = mlflow.url.clone();
    with_browser(|browser| async move {
        browser.goto(&app.url).await.unwrap();
        sign_in(&browser, "reviewer", "reviewer-password-1").await;
        open_review_signed_in(&browser, HEALTH).await;
        click_button(&browser, "Sign off this decision").await;
        until_text(&browser, SIGNED, "Signed off as reviewer").await;

        // v6 is evaluated again (safety drops, still passing); a forged and a malformed
        // sign-off appear on it.
        let v6 = mlflow_call(
            &url,
            "GET",
            &format!("model-versions/get?name={HEALTH}&version=6"),
            None,
            Some(ADMIN),
        );
        let run_id = v6["model_version"]["run_id"].as_str().unwrap().to_owned();
        let later = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        mlflow_call(
            &url,
            "POST",
            "runs/log-metric",
            Some(
                &json!({"run_id": run_id, "key": "safety/mean", "value": 0.91,
                         "timestamp": later, "step": 0}),
            ),
            Some(ADMIN),
        );
        let tag = |key: &str, value: &str| {
            mlflow_call(
                &url,
                "POST",
                "model-versions/set-tag",
                Some(&json!({"name": HEALTH, "version": "6", "key": key, "value": value})),
                Some(ADMIN),
            );
        };
        tag(
            "podium.signoff.0000000000001.00000000",
            r#"{"user": "mallory"}"#,
        );

        sign_in(&browser, "editor", "editor-password-1").await;
        until_text(&browser, WHO, "as MLflow user editor").await;
        let list = until_text(&browser, SIGN_OFFS, "void").await;
        assert!(
            list.contains("reviewer signed production: v4 → v6")
                && list.contains("void: v6: safety/mean 0.94 → 0.91"),
            "{list}"
        );
        assert!(
            list.contains(
                "podium.signoff.0000000000001.00000000 — ignored, not to be trusted: unreadable"
            ),
            "{list}"
        );
        assert!(!apply_enabled(&browser).await);
        until_text(&browser, APPLY_REASON, "nobody else has signed").await;
        screenshot(&browser, "four-eyes-void").await;
    })
    .await;
    assert_eq!(
        aliases_of(&mlflow.url, HEALTH, Some(ADMIN))["production"],
        "4"
    );

    // No basic auth: MLflow names nobody, so nobody signs and the guarded move is refused.
    let plain = Mlflow::start_seeded("four-eyes-anonymous");
    save_policy_tag(&plain.url, FOUR_EYES, None);
    let app = App::serve(&plain.url);
    with_browser(|browser| async move {
        open_review(&browser, &app, HEALTH, None).await;
        let why = until_text(&browser, SIGN_REASON, "Sign-offs cannot be recorded here").await;
        assert!(why.contains("MLflow names no signed-in user"), "{why}");
        let sign = find(
            &browser,
            "//button[normalize-space()='Sign off this decision']",
        )
        .await;
        assert!(!sign.is_enabled().await.unwrap());
        assert!(!apply_enabled(&browser).await);
        let apply = until("Apply's reason", || async {
            text_of(&browser, APPLY_REASON)
                .await
                .filter(|t| t.contains("MLflow names no signed-in user here"))
        })
        .await;
        assert!(
            apply.contains("applies nothing a sign-off guards"),
            "{apply}"
        );
    })
    .await;
}
