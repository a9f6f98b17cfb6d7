//! The review screen's layout as a reviewer sees it, at desktop and phone widths.

use serde_json::json;

use crate::harness::{screenshot, text_of, until, with_browser, App, Mlflow};

/// Ten rules: the demo model's five metrics and five it was never evaluated on.
fn ten_rules() -> String {
    let metrics = [
        ("relevance/mean", 0.7),
        ("safety/mean", 0.9),
        ("guidelines/mean", 0.6),
        ("cost_accuracy/mean", 0.8),
        ("latency_ms/p95", 900.0),
        ("answer_correctness/mean", 0.7),
        ("retrieval_groundedness/mean", 0.7),
        ("toxicity_rate/mean", 0.1),
        ("hallucination_rate/mean", 0.1),
        ("tokens_per_answer/p50", 400.0),
    ];
    let rules: Vec<_> = metrics
        .iter()
        .map(|(m, t)| {
            let lower = m.contains("rate") || m.contains("latency") || m.contains("tokens");
            json!({"metric": m, "threshold": t, "greater_is_better": !lower})
        })
        .collect();
    json!({ "rules": rules }).to_string()
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Measures, in the page: the viewport width, the page's own width, the versions table's
/// scroll and visible widths, and the right edge of its rightmost verdict and rule headers.
const MEASURE: &str = r#"
    const table = document.querySelector('table[aria-label="Versions and their verdicts"]');
    const scroller = table.parentElement;
    const heads = [...table.querySelectorAll('thead th')];
    const right = (name) => {
        const th = heads.find(h => h.textContent.trim() === name);
        return th ? th.getBoundingClientRect().right : -1;
    };
    const rules = heads.filter(h => h.classList.contains('rule-col'));
    // Elements sticking out of the viewport whose parent does not (the ones to fix).
    const out = (e) => e.getBoundingClientRect().right > window.innerWidth + 1;
    const offenders = [...document.querySelectorAll('body *')]
        .filter(e => out(e) && e.parentElement && !out(e.parentElement))
        .filter(e => !e.parentElement.closest('.table-scroll'))
        .slice(0, 5)
        .map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
    return {
        offenders,
        viewport: window.innerWidth,
        page: document.documentElement.scrollWidth,
        table_scroll: scroller.scrollWidth,
        table_visible: scroller.clientWidth,
        verdict_right: right('Verdict'),
        last_rule_right: rules.length ? rules[rules.length - 1].getBoundingClientRect().right : -1,
        rules: rules.length,
    };
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_rules_fit_1280_px_without_scrolling_sideways_and_360_px_stays_usable() {
    let mlflow = Mlflow::start_seeded("layout");
    let app = App::serve(&mlflow.url);
    let url = format!(
        "{}/models/health_monitor_agent?policy={}",
        app.url,
        encode(&ten_rules())
    );
    with_browser(|browser| async move {
        browser.set_window_size(1280, 1000).await.unwrap();
        browser.goto(&url).await.unwrap();
        until("the plan", || text_of(&browser, "//p[@data-testid='plan']")).await;
        let m = browser.execute(MEASURE, vec![]).await.unwrap();
        screenshot(&browser, "layout-1280-ten-rules").await;
        assert_eq!(m["rules"], 10, "{m}");
        let viewport = m["viewport"].as_f64().unwrap();
        assert!(viewport >= 1200.0, "a desktop window: {m}");
        assert!(
            m["table_scroll"].as_f64() <= m["table_visible"].as_f64(),
            "the versions table scrolls sideways: {m}"
        );
        assert!(m["verdict_right"].as_f64().unwrap() <= viewport, "{m}");
        assert!(m["last_rule_right"].as_f64().unwrap() <= viewport, "{m}");
        assert!(m["page"].as_f64().unwrap() <= viewport, "the page scrolls sideways: {m}");

        browser.set_window_size(360, 780).await.unwrap();
        let m = browser.execute(MEASURE, vec![]).await.unwrap();
        screenshot(&browser, "layout-360").await;
        assert!(
            m["page"].as_f64() <= m["viewport"].as_f64(),
            "the page itself never scrolls sideways on a phone: {m}"
        );
        // The decision and its Apply come first on a phone, before the editor.
        let order = browser
            .execute(
                r#"const plan = document.querySelector('[data-testid=plan]').getBoundingClientRect().top;
                   const editor = document.querySelector('#editor-heading').getBoundingClientRect().top;
                   const apply = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Apply…');
                   return {plan, editor, apply_width: apply.getBoundingClientRect().width};"#,
                vec![],
            )
            .await
            .unwrap();
        assert!(order["plan"].as_f64() < order["editor"].as_f64(), "{order}");
        assert!(order["apply_width"].as_f64().unwrap() > 0.0, "{order}");
    })
    .await;
}
