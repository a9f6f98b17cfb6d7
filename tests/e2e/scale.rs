//! A model of a thousand versions (the seeded `scale_agent`): decided from its first screen
//! before the older versions have loaded, then every version reachable in the windowed table.

use fantoccini::Client;

use crate::harness::{screenshot, text_of, until, until_text, with_browser, App, Mlflow, PLAN};

const TABLE: &str = "//table[@aria-label='Versions and their verdicts']";
const LOADING: &str = "//p[@role='status'][contains(., 'loading the others')]";

/// The drawn row of version `v`, as a user reads it.
async fn row(browser: &Client, v: u32) -> Option<String> {
    text_of(
        browser,
        &format!("{TABLE}//tr[th[normalize-space()='v{v}']]"),
    )
    .await
}

/// Scrolls the versions table to `fraction` of its height (1.0: the bottom).
async fn scroll_versions(browser: &Client, fraction: f64) {
    let script =
        "const r = document.querySelector('[role=region][aria-label^=\"Versions, newest first\"]');
                  r.scrollTop = (r.scrollHeight - r.clientHeight) * arguments[0];";
    browser
        .execute(script, vec![serde_json::json!(fraction)])
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_model_is_decided_from_its_first_screen_and_every_version_is_reachable() {
    let mlflow = Mlflow::start_seeded_scale("scale");
    // The listing of every version answers 3 s late (once): the first screen is shown and
    // decided meanwhile.
    let app = App::serve_with(&mlflow.url, &["--fault", "max_results=5000=delay:3x1"]);
    with_browser(|browser| async move {
        browser
            .goto(&format!("{}/models/scale_agent", app.url))
            .await
            .unwrap();
        // The newest version (v1000: relevance 0.5, under 0.7) and the alias holders are
        // decided while the others load; Apply waits for them.
        until_text(&browser, LOADING, "are decided").await;
        let plan = until("the plan", || text_of(&browser, PLAN)).await;
        assert!(plan.contains("v1000 fails the policy"), "{plan}");
        let newest = row(&browser, 1000).await.unwrap();
        assert!(
            newest.starts_with("v1000") && newest.contains("✗ fails"),
            "{newest}"
        );
        let champion = row(&browser, 1)
            .await
            .expect("the champion's row on the first screen");
        assert!(
            champion.contains("champion") && champion.contains("✗ fails"),
            "{champion}"
        );
        screenshot(&browser, "scale-first-screen").await;

        // Then every version is decided; the table draws only the rows in view.
        until("every version", || async {
            text_of(&browser, LOADING).await.is_none().then_some(())
        })
        .await;
        screenshot(&browser, "scale-loaded").await;
        let drawn = browser
            .find_all(fantoccini::Locator::XPath(&format!("{TABLE}/tbody/tr[th]")))
            .await
            .unwrap()
            .len();
        assert!(drawn <= 40, "{drawn} rows drawn of 1 000");
        // The spacers stand in for rows of 30 px (ROW_PX in src/ui/review/table.rs): drawn
        // rows must be that high, or scrolling lands away from the rows it asked for.
        let heights = browser
            .execute(
                "return [...document.querySelectorAll('table.versions tbody tr:not([aria-hidden])')]
                    .map(r => Math.round(r.getBoundingClientRect().height))",
                vec![],
            )
            .await
            .unwrap();
        let heights: Vec<u64> = serde_json::from_value(heights).unwrap();
        assert!(heights.iter().all(|h| *h == 30), "row heights {heights:?}");
        assert!(
            row(&browser, 1).await.is_none(),
            "v1 is far down, not drawn"
        );
        // v500 half-way down (relevance 0.5: fails), v1 at the bottom (guidelines 0.53 fails).
        scroll_versions(&browser, 0.5).await;
        let middle = until("v500 drawn", || row(&browser, 500)).await;
        assert!(
            middle.contains("✗ fails") && middle.contains("✗ 0.5"),
            "{middle}"
        );
        scroll_versions(&browser, 1.0).await;
        let oldest = until("v1 drawn", || row(&browser, 1)).await;
        assert!(
            oldest.contains("champion") && oldest.contains("✗ fails"),
            "{oldest}"
        );
        assert!(oldest.contains("✗ 0.53"), "{oldest}");
        screenshot(&browser, "scale-bottom").await;
    })
    .await;
}
