//! MLflow's quality criteria (issue 28) in the dashboard: read from the candidate's evaluation
//! run (the seed writes judged_agent's as MLflow 3.18's evaluate does), met or not beside
//! Podium's checks, turned into a what-if in one click and applied, and a policy exported as
//! MLflow's `quality_criteria`.

use fantoccini::Locator;

use crate::harness::{
    aliases_of, click_button, confirm_and_apply, find, open_review, text_of, until, until_text,
    with_browser, App, Mlflow, OUTCOME, PLAN,
};

const CRITERIA: &str = "//section[@aria-labelledby='criteria-heading']";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mlflows_quality_criteria_are_shown_used_as_a_policy_and_exported() {
    let mlflow = Mlflow::start_seeded("criteria");
    let app = App::serve(&mlflow.url);
    with_browser(|browser| async move {
        open_review(&browser, &app, "judged_agent", None).await;
        let panel = until_text(&browser, CRITERIA, "v3 meets 2 of 2").await;
        assert!(
            panel.contains("✓ exact_match/mean >= 0.9 (0.95)")
                && panel.contains("✓ token_overlap/mean >= 0.9"),
            "{panel}"
        );
        // Under the seed's defaults nothing could be checked; the criteria make a policy.
        assert!(text_of(&browser, PLAN)
            .await
            .unwrap()
            .starts_with("no move"));
        click_button(&browser, "Use these criteria").await;
        until_text(
            &browser,
            PLAN,
            "production: v1 → v3 · champion: v1 → v3: v3 wins 2 of 2 key metrics",
        )
        .await;

        // Exported back as MLflow's quality_criteria.
        let select = find(
            &browser,
            "//select[@id=//label[normalize-space()='Export as']/@for]",
        )
        .await;
        select
            .select_by(Locator::XPath(
                "option[normalize-space()='MLflow quality_criteria (mlflow.genai.evaluate)']",
            ))
            .await
            .unwrap();
        let exported = until("the export", || async {
            let field = browser
                .find(Locator::XPath("//textarea[@id='export-text']"))
                .await
                .ok()?;
            let text = field.prop("value").await.ok()??;
            text.contains("QUALITY_CRITERIA").then_some(text)
        })
        .await;
        assert!(
            exported.contains(
                "QUALITY_CRITERIA = \"`exact_match/mean` >= 0.9 AND `token_overlap/mean` >= 0.9\""
            ),
            "{exported}"
        );
        assert!(
            exported.contains("#   the champion comparison on"),
            "{exported}"
        );

        click_button(&browser, "Apply…").await;
        confirm_and_apply(&browser, "judged_agent").await;
        until_text(&browser, OUTCOME, "Applied: production: v1 → v3").await;
    })
    .await;
    let aliases = aliases_of(&mlflow.url, "judged_agent", None);
    assert_eq!(aliases["production"], "3");
}
