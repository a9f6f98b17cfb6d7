//! Every write earns its trust (issue 30), end to end: each scenario of the security read,
//! reproduced as written against the release build and a real MLflow, whose state is checked
//! through its REST API afterwards.

use std::time::{SystemTime, UNIX_EPOCH};

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::harness::{
    aliases_of, audit_records, click_button, confirm, confirm_and_apply, find, mlflow_call,
    open_review, set_alias_form, text_of, until, with_browser, App, Mlflow, OUTCOME, PLAN, REPORT,
};

const HEALTH: &str = "health_monitor_agent";

fn policy_tag(url: &str) -> Option<String> {
    let got = mlflow_call(
        url,
        "GET",
        &format!("registered-models/get?name={HEALTH}"),
        None,
        None,
    );
    got["registered_model"]["tags"]
        .as_array()?
        .iter()
        .find(|t| t["key"] == "podium.policy")
        .map(|t| t["value"].as_str().unwrap().to_owned())
}

fn set_alias(url: &str, alias: &str, version: &str) {
    mlflow_call(
        url,
        "POST",
        "registered-models/alias",
        Some(&json!({"name": HEALTH, "alias": alias, "version": version})),
        None,
    );
}

/// Whether a button named `name` is on the page.
async fn has_button(browser: &Client, name: &str) -> bool {
    browser
        .find(Locator::XPath(&format!(
            "//button[normalize-space()='{name}']"
        )))
        .await
        .is_ok()
}

/// 1. A crafted link (no protected aliases, no real threshold) and one click of Save.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crafted_links_policy_is_saved_only_with_the_model_name_typed() {
    let mlflow = Mlflow::start_seeded("trust-save");
    let app = App::serve(&mlflow.url);
    let link = r#"{"protected_aliases":[],"rules":[{"metric":"relevance/mean","threshold":0}]}"#;
    let url = mlflow.url.clone();
    with_browser(|browser| async move {
        open_review(&browser, &app, HEALTH, Some(link)).await;
        click_button(&browser, "Save policy to MLflow…").await;
        let dialog = until("the save dialog", || {
            text_of(&browser, "//div[@role='dialog']")
        })
        .await;
        for line in [
            "This policy came from a link, not from the model",
            "relevance/mean: threshold 0.7 → 0",
            "safety/mean: rule removed",
            "This save lowers the bar or moves protection",
            "relevance/mean: threshold loosened 0.7 → 0",
            "protected aliases changed",
            "type the model name (health_monitor_agent) to confirm",
        ] {
            assert!(dialog.contains(line), "{line:?} not in: {dialog}");
        }
        // Each difference is a line of its own.
        let items = browser
            .find_all(Locator::XPath(
                "//div[@role='dialog']//ul[@class='differences']/li",
            ))
            .await
            .unwrap();
        assert_eq!(
            items.len(),
            5,
            "four rules and the protection, one per line"
        );
        let save = find(
            &browser,
            "//div[@role='dialog']//button[normalize-space()='Save the policy']",
        )
        .await;
        assert!(!save.is_enabled().await.unwrap(), "not without the name");
        click_button(&browser, "Cancel").await;
        assert_eq!(policy_tag(&url), None, "nothing written");

        // With the name typed, it saves.
        click_button(&browser, "Save policy to MLflow…").await;
        confirm(&browser, HEALTH, "Save the policy").await;
        until("the saved message", || {
            text_of(&browser, "//p[contains(., 'Saved as tag podium.policy')]")
        })
        .await;
    })
    .await;
    let saved = policy_tag(&mlflow.url).expect("saved");
    assert!(saved.contains("\"protected_aliases\":[]"), "{saved}");
}

/// 2. The champion moves during the confirmation, with a min-change rule: the production
/// decision depended on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_champion_moved_during_confirmation_stops_a_min_change_promotion() {
    let mlflow = Mlflow::start_seeded("trust-champion");
    let app = App::serve(&mlflow.url);
    // v6's relevance 0.82 beats champion v3's 0.78 by more than 0.03; v5's 0.80 it would not.
    let policy = r#"{"rules":[{"metric":"relevance/mean","threshold":0.7,"min_absolute_change":0.03},
                              {"metric":"safety/mean","threshold":0.9}]}"#;
    let url = mlflow.url.clone();
    with_browser(|browser| async move {
        open_review(&browser, &app, HEALTH, Some(policy)).await;
        let plan = text_of(&browser, PLAN).await.unwrap();
        assert!(plan.starts_with("production: v4 → v6"), "{plan}");
        click_button(&browser, "Apply…").await;
        find(&browser, "//div[@role='dialog']").await;
        // A colleague crowns v5 while the dialog is open.
        set_alias(&url, "champion", "5");
        confirm_and_apply(&browser, HEALTH).await;
        let said = until("the outcome", || text_of(&browser, OUTCOME)).await;
        assert!(
            said.starts_with("Nothing was written")
                && said.contains("champion was v3 when the decision was made and is now v5"),
            "{said}"
        );
    })
    .await;
    let aliases = aliases_of(&mlflow.url, HEALTH, None);
    assert_eq!(aliases["production"], "4", "production did not move");
    assert!(audit_records(&mlflow.url, HEALTH, "6", None).is_empty());
}

/// 3. Production v4 → v6 is applied, then champion stops because a colleague set it
/// meanwhile: "Retry the rest" must not offer to override them on the old decision.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_the_rest_is_not_offered_over_a_colleagues_move() {
    let mlflow = Mlflow::start_seeded("trust-retry");
    // Right after the page moves production, another client sets champion to v2.
    let app = App::serve_with(&mlflow.url, &["--after-alias", "production:champion=2"]);
    let policy = json!({
        "rules": [{"metric": "relevance/mean", "threshold": 0.7}, {"metric": "safety/mean", "threshold": 0.9},
                  {"metric": "guidelines/mean", "threshold": 0.6}, {"metric": "cost_accuracy/mean", "threshold": 0.8}],
        "champion_metrics": ["relevance/mean", "cost_accuracy/mean"],
    })
    .to_string();
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
            report.contains("champion changed while the moves were being written (it is now v2)"),
            "{report}"
        );
        assert!(report.contains("reload and decide again"), "{report}");
        assert!(!has_button(&browser, "Retry the rest…").await, "{report}");
        assert!(!has_button(&browser, "Try again…").await, "{report}");
    })
    .await;
    let aliases = aliases_of(&mlflow.url, HEALTH, None);
    assert_eq!(aliases["champion"], "2", "the colleague's move stands");
    assert_eq!(aliases["production"], "6");
}

/// 4. A what-if that redirects production to an unprotected alias.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_what_if_that_moves_a_role_cannot_be_applied_unsaved() {
    let mlflow = Mlflow::start_seeded("trust-roles");
    let app = App::serve(&mlflow.url);
    let link = r#"{"rules":[{"metric":"relevance/mean","threshold":0.7},{"metric":"safety/mean","threshold":0.9}],
                   "aliases":{"production":"prod-eu","champion":"champion"},"protected_aliases":[]}"#;
    let before = aliases_of(&mlflow.url, HEALTH, None);
    with_browser(|browser| async move {
        open_review(&browser, &app, HEALTH, Some(link)).await;
        let apply = find(&browser, "//button[normalize-space()='Apply…']").await;
        assert!(!apply.is_enabled().await.unwrap());
        let why = text_of(&browser, "//p[@id='apply-reason']").await.unwrap();
        assert!(
            why.contains("changes which aliases are production and champion")
                && why.contains("save it to the model first"),
            "{why}"
        );
    })
    .await;
    assert_eq!(
        aliases_of(&mlflow.url, HEALTH, None),
        before,
        "nothing moved"
    );
}

/// 5. Two browsers move the same alias at once. MLflow has no compare-and-set; the one whose
/// write was overtaken reads it back and says so, in its report and its audit record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_browsers_applying_at_once_never_both_say_applied() {
    let mlflow = Mlflow::start_seeded("trust-concurrent");
    // Each move of staging waits 2 s before reaching MLflow and 2 s before its answer: both
    // pages pass their re-read, and the first reads back after the second has written.
    let app = App::serve_with(&mlflow.url, &["--slow-alias", "staging=2"]);
    let app = &app;
    with_browser(|first| async move {
        with_browser(|second| async move {
            for (browser, version) in [(&first, "5"), (&second, "4")] {
                open_review(browser, app, HEALTH, None).await;
                set_alias_form(browser, "staging", version).await;
                find(browser, "//div[@role='dialog']").await;
            }
            let apply = |browser: &Client| {
                let browser = browser.clone();
                async move {
                    let button = find(
                        &browser,
                        "//div[@role='dialog']//button[normalize-space()='Apply 1 alias move']",
                    )
                    .await;
                    button.click().await.unwrap();
                }
            };
            tokio::join!(apply(&first), async {
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                apply(&second).await
            });
            let report = until("the first page's report", || text_of(&first, REPORT)).await;
            assert!(
                report.contains("Written, then overwritten by a concurrent change"),
                "{report}"
            );
            assert!(
                report.contains(
                    "staging: v6 → v5 — written, then overwritten by a concurrent change (now v4)"
                ),
                "{report}"
            );
            let said = until("the second page's outcome", || text_of(&second, OUTCOME)).await;
            assert!(said.starts_with("Applied: staging: v6 → v4"), "{said}");
        })
        .await;
    })
    .await;
    assert_eq!(aliases_of(&mlflow.url, HEALTH, None)["staging"], "4");
    let first = audit_records(&mlflow.url, HEALTH, "5", None);
    assert_eq!(first.len(), 1, "{first:#?}");
    assert_eq!(first[0]["overwritten_by"], "v4", "recorded as overwritten");
}

/// 6. Forged records: one dated in the future (its key agreeing), one for a look-alike alias
/// (`prоduction`, a Cyrillic о). Neither is offered for a rollback.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_records_are_shown_for_what_they_are_and_never_rolled_back() {
    let mlflow = Mlflow::start_seeded("trust-forged");
    let app = App::serve(&mlflow.url);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let future = now + 24 * 3600 * 1000;
    let record = |alias: &str, from: &str, at: i64| {
        json!({"format": 1, "kind": "promotion", "alias": alias, "from": from, "to": "4",
               "at": at, "user": "admin", "summary": "forged"})
        .to_string()
    };
    for (key, value) in [
        (
            format!("podium.audit.{future:013}.deadbeef"),
            record("production", "2", future),
        ),
        (
            format!("podium.audit.{now:013}.0badf00d"),
            record("pr\u{043e}duction", "3", now),
        ),
    ] {
        mlflow_call(
            &mlflow.url,
            "POST",
            "model-versions/set-tag",
            Some(&json!({"name": HEALTH, "version": "4", "key": key, "value": value})),
            None,
        );
    }
    with_browser(|browser| async move {
        open_review(&browser, &app, HEALTH, None).await;
        let history = until("the history", || {
            text_of(
                &browser,
                "//table[@aria-label='Recorded alias moves, newest first']",
            )
        })
        .await;
        assert!(history.contains("dated in the future"), "{history}");
        assert!(
            history.contains("its alias is not a valid alias name"),
            "{history}"
        );
        let section = text_of(&browser, "//section[@aria-labelledby='history-heading']")
            .await
            .unwrap();
        assert!(section.contains("not verified by MLflow"), "{section}");
        let rollbacks = browser
            .find_all(Locator::XPath(
                "//button[starts-with(normalize-space(), 'Roll back')]",
            ))
            .await
            .unwrap();
        assert!(
            rollbacks.is_empty(),
            "no rollback is offered on a forged record"
        );
    })
    .await;
}

/// Smaller: MLflow's API never redirects, and a redirect is never followed (with the
/// credentials) to where it points; an answer too large to read is refused, not read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_is_not_followed_and_a_huge_answer_is_not_read() {
    let mlflow = Mlflow::start_seeded("trust-transport");
    // Where the redirect points: a listener that counts the connections it gets.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let target = format!("http://{}/stolen", listener.local_addr().unwrap());
    let reached = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = reached.clone();
    let accepting = tokio::spawn(async move {
        while listener.accept().await.is_ok() {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let redirect = format!("registered-models/search=redirect:{target}");
    let app = App::serve_with(&mlflow.url, &["--fault", &redirect]);
    with_browser(|browser| async move {
        browser.goto(&app.url).await.unwrap();
        let error = until("the error panel", || {
            text_of(&browser, "//section[@role='alert' and h2]")
        })
        .await;
        assert!(
            error.contains("Could not load the registered models"),
            "{error}"
        );
    })
    .await;
    assert_eq!(
        reached.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the redirect was followed"
    );
    accepting.abort();

    let app = App::serve_with(&mlflow.url, &["--fault", "registered-models/search=huge"]);
    with_browser(|browser| async move {
        browser.goto(&app.url).await.unwrap();
        let error = until("the error panel", || {
            text_of(&browser, "//section[@role='alert' and h2]")
        })
        .await;
        assert!(
            error.contains("was over 64 MB, more than Podium reads"),
            "{error}"
        );
    })
    .await;
}
