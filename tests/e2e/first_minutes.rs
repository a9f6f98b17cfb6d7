//! The stakeholder's first minutes (issue 27), end to end: the models list says what each
//! model needs, read in a few requests per page; headlines never promise a move Apply refuses;
//! a model with unfamiliar metrics gets a policy in one click; the layout fits 1 280 × 800 and
//! 1 920 × 1 080 (screenshots kept in target/e2e/).

use fantoccini::{Client, Locator};

use crate::harness::{
    aliases_of, click_button, confirm_and_apply, find, open_review, screenshot, text_of, until,
    with_browser, App, Mlflow, MODELS_TABLE, OUTCOME, PLAN,
};

/// The "Needs attention" cell of model `name`'s row.
fn attention_cell(name: &str) -> String {
    format!("{MODELS_TABLE}//tr[th[@scope='row' and normalize-space()='{name}']]/td[1]")
}

/// Waits until no row of the models list says "checking…"; the cells' texts by model.
pub async fn attention(browser: &Client) -> Vec<(String, String)> {
    until("every model checked", || async {
        let table = text_of(browser, MODELS_TABLE).await?;
        (!table.contains("checking…")).then_some(())
    })
    .await;
    let rows = browser
        .find_all(Locator::XPath(&format!("{MODELS_TABLE}/tbody/tr")))
        .await
        .unwrap();
    let mut said = Vec::new();
    for row in rows {
        let name = row
            .find(Locator::XPath("th"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let cell = row
            .find(Locator::XPath("td[1]"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        said.push((name.trim().to_owned(), cell.trim().to_owned()));
    }
    said
}

/// What the models list must say of each seeded model (`said`: from [`attention`]).
pub fn assert_says_what_the_seed_needs(said: &[(String, String)]) {
    let expected = [
        ("draft_agent", "no evaluated versions"),
        ("health_monitor_agent", "no policy saved"),
        ("judged_agent", "no policy saved"),
        ("ranker", "up to date"),
        ("summarizer", "v3 passes — production is v2"),
        (
            "support_bot",
            "production v2 fails the saved policy (safety/mean 0.88 < 0.9)",
        ),
    ];
    for (model, sentence) in expected {
        let got = said
            .iter()
            .find(|(m, _)| m == model)
            .map(|(_, s)| s.as_str());
        assert_eq!(got, Some(sentence), "{model}: {said:#?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_models_list_says_what_each_model_needs_in_a_few_requests_per_page() {
    let mlflow = Mlflow::start_seeded("attention");
    let app = App::serve(&mlflow.url);
    let before = mlflow.log();
    let said = with_browser_returning(&app.url).await;
    assert_says_what_the_seed_needs(&said);
    // The page's reads, whatever the number of models on it (MLflow's own log).
    let log = mlflow.log();
    let new = &log[before.len()..];
    let count = |path: &str| new.matches(&format!("/api/2.0/mlflow/{path}")).count();
    assert_eq!(count("registered-models/search"), 1, "{new}");
    assert_eq!(
        count("model-versions/search"),
        1,
        "one search for the page's versions: {new}"
    );
    assert_eq!(count("experiments/search"), 1, "{new}");
    assert_eq!(
        count("runs/search"),
        1,
        "one runs search for the versions that matter: {new}"
    );
    assert_eq!(
        count("registered-models/get"),
        0,
        "no request per model: {new}"
    );
}

/// Opens the models list, checks the filter, and returns what each row says.
async fn with_browser_returning(url: &str) -> Vec<(String, String)> {
    let said = std::sync::Mutex::new(Vec::new());
    let slot = &said;
    with_browser(|browser| async move {
        browser.set_window_size(1280, 800).await.unwrap();
        browser.goto(url).await.unwrap();
        let rows = attention(&browser).await;
        screenshot(&browser, "first-minutes-models-1280x800").await;
        // "Only models that need attention" hides the ones that are up to date.
        find(
            &browser,
            "//input[@id=//label[normalize-space()='Only models that need attention']/@for]",
        )
        .await
        .click()
        .await
        .unwrap();
        until("ranker to leave the list", || async {
            let table = text_of(&browser, MODELS_TABLE).await?;
            (!table.contains("ranker")).then_some(())
        })
        .await;
        let table = text_of(&browser, MODELS_TABLE).await.unwrap();
        assert!(
            table.contains("support_bot") && table.contains("summarizer"),
            "{table}"
        );
        assert!(
            text_of(&browser, &attention_cell("support_bot"))
                .await
                .is_some(),
            "{table}"
        );
        *slot.lock().unwrap() = rows;
    })
    .await;
    said.into_inner().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_with_unfamiliar_metrics_gets_a_truthful_headline_and_a_policy_in_one_click() {
    let mlflow = Mlflow::start_seeded("first-policy");
    let app = App::serve(&mlflow.url);
    with_browser(|browser| async move {
        open_review(&browser, &app, "judged_agent", None).await;
        // The seed's default rules match none of judged_agent's metrics: no move promised.
        assert_eq!(
            text_of(&browser, PLAN).await.unwrap(),
            "no move: none of the policy's 4 rules could be checked on v3"
        );
        let apply = find(&browser, "//button[normalize-space()='Apply…']").await;
        assert!(!apply.is_enabled().await.unwrap());
        let why = text_of(&browser, "//p[@id='apply-reason']").await.unwrap();
        assert!(
            why.contains("None of the policy's 4 rule(s) could be checked"),
            "{why}"
        );

        click_button(&browser, "Start from this model's metrics").await;
        let plan = until("a plan under the model's own metrics", || async {
            text_of(&browser, PLAN)
                .await
                .filter(|p| !p.starts_with("no move"))
        })
        .await;
        assert_eq!(
            plan,
            "production: v1 → v3 · champion: v1 → v3: v3 wins 2 of 2 key metrics"
        );
        let editor = text_of(&browser, "//section[@aria-labelledby='editor-heading']")
            .await
            .unwrap();
        assert!(
            editor.contains("exact_match/mean") && editor.contains("token_overlap/mean"),
            "{editor}"
        );
        click_button(&browser, "Apply…").await;
        confirm_and_apply(&browser, "judged_agent").await;
        let done = until("the outcome", || text_of(&browser, OUTCOME)).await;
        assert!(done.starts_with("Applied: production: v1 → v3"), "{done}");
    })
    .await;
    let aliases = aliases_of(&mlflow.url, "judged_agent", None);
    assert_eq!(aliases["production"], "3");
    assert_eq!(aliases["champion"], "3");
}

/// Measures, in the page: sideways scrolling of the page and of the versions table, Apply's
/// and the decision's right edges, chips cut by their cell, and names broken inside a word
/// (a text node of a name laid out on two lines: names break only at their `<wbr>`s).
const MEASURE: &str = r#"
    const vw = window.innerWidth;
    const table = document.querySelector('table[aria-label="Versions and their verdicts"]');
    const apply = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Apply…');
    const decision = document.querySelector('section[aria-labelledby="decision-heading"]');
    const clipped = [...document.querySelectorAll('.chip')].filter(c => {
        const cell = c.closest('td, th');
        return c.scrollWidth > c.clientWidth + 1
            || (cell && c.getBoundingClientRect().right > cell.getBoundingClientRect().right + 1);
    }).map(c => c.textContent);
    const broken = [...document.querySelectorAll('.model-name a, .review-header h2')].flatMap(e =>
        [...e.childNodes].filter(n => n.nodeType === 3 && n.textContent.length > 1).filter(n => {
            const r = document.createRange(); r.selectNodeContents(n);
            const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
            return tops.size > 1;
        }).map(n => n.textContent));
    return {
        viewport: vw,
        page: document.documentElement.scrollWidth,
        table_scroll: table ? table.parentElement.scrollWidth : 0,
        table_visible: table ? table.parentElement.clientWidth : 0,
        apply_right: apply ? apply.getBoundingClientRect().right : -1,
        decision_right: decision ? decision.getBoundingClientRect().right : -1,
        clipped, broken,
    };
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_and_a_review_with_six_rules_fit_1280x800_and_1920x1080() {
    let mlflow = Mlflow::start_seeded("first-layout");
    let app = App::serve(&mlflow.url);
    let six = r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.7},
        {"metric": "safety/mean", "threshold": 0.9}, {"metric": "guidelines/mean", "threshold": 0.6},
        {"metric": "cost_accuracy/mean", "threshold": 0.8},
        {"metric": "latency_ms/p95", "greater_is_better": false, "threshold": 900},
        {"metric": "answer_correctness/mean", "threshold": 0.7}]}"#;
    with_browser(|browser| async move {
        for (width, height) in [(1280, 800), (1920, 1080)] {
            browser.set_window_size(width, height).await.unwrap();
            browser.goto(&app.url).await.unwrap();
            attention(&browser).await;
            let m = browser.execute(MEASURE, vec![]).await.unwrap();
            screenshot(&browser, &format!("first-minutes-models-{width}x{height}")).await;
            assert!(
                m["page"].as_f64() <= m["viewport"].as_f64(),
                "models at {width}: {m}"
            );
            assert_eq!(
                m["broken"],
                serde_json::json!([]),
                "names broken mid-word at {width}: {m}"
            );
            assert_eq!(
                m["clipped"],
                serde_json::json!([]),
                "chips cut at {width}: {m}"
            );

            open_review(&browser, &app, "health_monitor_agent", Some(six)).await;
            let m = browser.execute(MEASURE, vec![]).await.unwrap();
            screenshot(&browser, &format!("first-minutes-review-{width}x{height}")).await;
            let viewport = m["viewport"].as_f64().unwrap();
            assert!(
                m["page"].as_f64().unwrap() <= viewport,
                "review at {width}: {m}"
            );
            assert!(
                m["table_scroll"].as_f64() <= m["table_visible"].as_f64(),
                "the versions table scrolls sideways at {width}: {m}"
            );
            assert!(
                m["apply_right"].as_f64().unwrap() <= viewport,
                "Apply at {width}: {m}"
            );
            assert!(m["decision_right"].as_f64().unwrap() <= viewport, "{m}");
            assert_eq!(
                m["clipped"],
                serde_json::json!([]),
                "chips cut at {width}: {m}"
            );
            assert_eq!(m["broken"], serde_json::json!([]), "{m}");
        }
    })
    .await;
}
