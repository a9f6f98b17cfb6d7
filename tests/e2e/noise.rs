//! The noise-aware champion comparison end to end: judged_agent's versions were evaluated by
//! real `mlflow.genai.evaluate` runs over the same 40 questions, so the decision panel reads
//! each row's scores from MLflow's traces and says whether a gain is more than noise.

use fantoccini::Client;

use crate::harness::{
    choose, click_button, find, open_review, screenshot, text_of, until, with_browser, App, Mlflow,
    PLAN,
};

/// The policy the judged_agent team would write: both scorers gate production and decide the
/// champion.
const JUDGED_POLICY: &str = r#"{"rules": [
    {"metric": "exact_match/mean", "threshold": 0.5},
    {"metric": "token_overlap/mean", "threshold": 0.5}],
  "champion_metrics": ["exact_match/mean", "token_overlap/mean"]}"#;

/// The comparison table's row of key metric `metric`, once its per-row difference is read.
async fn per_row(browser: &Client, metric: &str) -> String {
    let row = format!(
        "//table[@aria-label='Candidate against the champion']//tr[th[normalize-space()='{metric}']]"
    );
    until(&format!("the per-row difference of {metric}"), || async {
        text_of(browser, &row)
            .await
            .filter(|t| !t.contains("loading") && t.contains("pairs"))
    })
    .await
}

/// The noise-aware rule without its per-row comparison: the headline moves nothing and Apply
/// is disabled with the reason, which is returned.
pub async fn noise_aware_rule_holds(browser: &Client) -> String {
    let plan = text_of(browser, PLAN).await.unwrap();
    assert_eq!(
        plan,
        "no move: the noise-aware champion rule waits for the per-row comparison"
    );
    let apply = find(browser, "//button[normalize-space()='Apply…']").await;
    assert!(!apply.is_enabled().await.unwrap(), "Apply is disabled");
    let why = text_of(browser, "//p[@id='apply-reason']").await.unwrap();
    assert!(
        why.contains("The noise-aware champion rule cannot decide"),
        "{why}"
    );
    why
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gain_within_noise_is_shown_as_such_and_the_opt_in_rule_keeps_the_champion() {
    let mlflow = Mlflow::start_seeded("noise");
    let app = App::serve(&mlflow.url);
    with_browser(|browser| async move {
        open_review(&browser, &app, "judged_agent", Some(JUDGED_POLICY)).await;

        // v2 answers two more of the 40 questions right than the champion v1: higher means on
        // both scorers, so the seed's rule crowns it, but the per-row difference is noise.
        choose(&browser, "2").await;
        for metric in ["exact_match/mean", "token_overlap/mean"] {
            let row = per_row(&browser, metric).await;
            assert!(
                row.contains("within noise") && row.contains("40 pairs"),
                "{row}"
            );
            assert!(row.contains("candidate wins"), "the seed's rule: {row}");
        }
        let exact = per_row(&browser, "exact_match/mean").await;
        assert!(exact.contains("McNemar"), "pass/fail scores: {exact}");
        let overlap = per_row(&browser, "token_overlap/mean").await;
        assert!(overlap.contains("Wilcoxon"), "numeric scores: {overlap}");
        let plan = text_of(&browser, PLAN).await.unwrap();
        assert!(plan.contains("champion: v1 → v2"), "{plan}");
        // The chart of each key metric draws the interval at the candidate, named in its title.
        let bar = "//figure[figcaption[normalize-space()='exact_match/mean']]\
                   //*[local-name()='line'][@class='interval']/*[local-name()='title']";
        let title = browser
            .find(fantoccini::Locator::XPath(bar))
            .await
            .unwrap()
            .prop("textContent")
            .await
            .unwrap()
            .unwrap();
        // The same figures as the table's (the bounds depend on the order MLflow returns the
        // rows in, which differs between stores: the bootstrap resamples pairs by position).
        let start = exact.find("+0.05 [-0.025, ").expect(&exact);
        let figures = &exact[start..=start + exact[start..].find(']').unwrap()];
        assert_eq!(
            title,
            format!("Per-row difference with the champion: {figures}")
        );
        browser
            .execute(
                "document.querySelector('figure.chart').scrollIntoView()",
                vec![],
            )
            .await
            .unwrap();
        screenshot(&browser, "noise-v2-chart").await;
        screenshot(&browser, "noise-v2-seed-rule").await;

        // The opt-in rule: a gain within noise is a tie, so the champion stays.
        find(
            &browser,
            "//label[contains(normalize-space(), 'Count a win or a loss only beyond noise')]",
        )
        .await
        .click()
        .await
        .unwrap();
        let plan = until("the champion to stay", || async {
            text_of(&browser, PLAN)
                .await
                .filter(|p| p.contains("champion stays v1"))
        })
        .await;
        assert!(
            plan.contains("production: v1 → v2"),
            "production is not the champion rule's: {plan}"
        );
        for metric in ["exact_match/mean", "token_overlap/mean"] {
            let row = per_row(&browser, metric).await;
            assert!(row.contains("within noise") && row.contains("tie"), "{row}");
        }
        screenshot(&browser, "noise-v2-noise-aware").await;

        // v3 answers ten more right: a win beyond noise on both, under either rule.
        choose(&browser, "3").await;
        for metric in ["exact_match/mean", "token_overlap/mean"] {
            let row = per_row(&browser, metric).await;
            assert!(
                row.contains(": win") && row.contains("candidate wins"),
                "{row}"
            );
        }
        let plan = until("v3 to take the champion", || async {
            text_of(&browser, PLAN)
                .await
                .filter(|p| p.contains("champion: v1 → v3"))
        })
        .await;
        assert!(plan.contains("production: v1 → v3"), "{plan}");

        // How long reading the rows took (Resource Timing of the trace searches), for the notes.
        let timings = browser
            .execute(
                "return performance.getEntriesByType('resource')
                   .filter(e => e.name.includes('/traces/search'))
                   .map(e => Math.round(e.duration));",
                vec![],
            )
            .await
            .unwrap();
        eprintln!("traces/search requests (ms each): {timings}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_row_scores_that_cannot_be_read_hold_the_noise_aware_rule_until_read_again() {
    let mlflow = Mlflow::start_seeded("noise-refused");
    // The first trace search is refused (not a transient error: no retry).
    let app = App::serve_with(&mlflow.url, &["--fault", "traces/search=status:403x1"]);
    let policy = JUDGED_POLICY.replace(
        r#""champion_metrics""#,
        r#""noise_aware_champion": true, "champion_metrics""#,
    );
    with_browser(|browser| async move {
        open_review(&browser, &app, "judged_agent", Some(&policy)).await;
        choose(&browser, "3").await;
        let failed = until("the failed read", || {
            text_of(
                &browser,
                "//p[@role='status'][contains(., 'Per-row scores not read')]",
            )
        })
        .await;
        assert!(failed.contains("Read again"), "{failed}");
        // No champion is decided without the rows, and neither the headline nor Apply promise
        // a move.
        noise_aware_rule_holds(&browser).await;
        let apply = find(&browser, "//button[normalize-space()='Apply…']").await;
        screenshot(&browser, "noise-refused").await;

        click_button(&browser, "Read again").await;
        let row = per_row(&browser, "exact_match/mean").await;
        assert!(row.contains(": win"), "{row}");
        until("the champion to move", || async {
            text_of(&browser, PLAN)
                .await
                .filter(|p| p.contains("champion: v1 → v3"))
        })
        .await;
        assert!(
            apply.is_enabled().await.unwrap(),
            "Apply is offered once the rows are read"
        );
    })
    .await;
}
