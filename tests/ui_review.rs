//! The review panel mounted in headless Chromium, on review data assembled from captured JSON.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use leptos::prelude::*;
use podium::mlflow::{
    Client, GetLoggedModelResponse, GetRegisteredModelResponse, ReviewData,
    SearchModelVersionsResponse, SearchRunsResponse,
};
use podium::ui::{provide_client, ReviewPanel};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn review() -> Arc<ReviewData> {
    let model: GetRegisteredModelResponse =
        serde_json::from_str(include_str!("fixtures/registered_model_get.json")).unwrap();
    let versions: SearchModelVersionsResponse =
        serde_json::from_str(include_str!("fixtures/model_versions_search.json")).unwrap();
    let runs: SearchRunsResponse =
        serde_json::from_str(include_str!("fixtures/runs_search.json")).unwrap();
    let logged: GetLoggedModelResponse =
        serde_json::from_str(include_str!("fixtures/logged_model_get.json")).unwrap();
    Arc::new(ReviewData::assemble(
        model.registered_model,
        versions.model_versions,
        &runs.runs,
        &[logged.model],
        None,
    ))
}

fn mount(shared: Option<String>) -> (HtmlElement, impl Drop) {
    mount_review(review(), shared)
}

fn mount_review(data: Arc<ReviewData>, shared: Option<String>) -> (HtmlElement, impl Drop) {
    let document = document();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_client(Client::same_origin());
        view! { <ReviewPanel review=data.clone() shared=shared.clone() /> }
    });
    (root, handle)
}

fn text(root: &HtmlElement, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .text_content()
        .unwrap()
}

/// The table row of version `v`, as a user reads it.
fn row(root: &HtmlElement, v: &str) -> String {
    let rows = root.query_selector_all("table.versions tbody tr").unwrap();
    (0..rows.length())
        .map(|i| rows.item(i).unwrap().text_content().unwrap())
        .find(|t| t.contains(&format!("v{v}")))
        .unwrap_or_else(|| panic!("no row for v{v}"))
}

/// The threshold field of the rule for `metric`, found by its fieldset legend and label.
fn threshold_field(root: &HtmlElement, metric: &str) -> HtmlInputElement {
    let sets = root.query_selector_all("fieldset.rule").unwrap();
    for i in 0..sets.length() {
        let set: web_sys::Element = sets.item(i).unwrap().unchecked_into();
        if set
            .query_selector("legend")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
            == metric
        {
            return set
                .query_selector("input")
                .unwrap()
                .unwrap()
                .unchecked_into();
        }
    }
    panic!("no rule for {metric}")
}

fn type_into(input: &HtmlInputElement, value: &str) {
    input.set_value(value);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn table_shows_each_versions_verdict_with_margins() {
    let (root, _handle) = mount(None);
    leptos::task::tick().await;
    let v2 = row(&root, "2");
    assert!(
        v2.contains("0.66 ✗ fail (-0.04)") && v2.contains("fails"),
        "{v2}"
    );
    let v6 = row(&root, "6");
    assert!(
        v6.contains("0.82 ✓ pass (+0.12)") && v6.contains("passes"),
        "{v6}"
    );
    let v1 = row(&root, "1");
    assert!(v1.contains("no evaluation found"), "{v1}");
    assert!(text(&root, ".policy-status").contains("uses the saved policy"));
}

#[wasm_bindgen_test]
async fn plan_text_for_the_newest_candidate() {
    let (root, _handle) = mount(None);
    leptos::task::tick().await;
    assert_eq!(
        text(&root, "[data-testid=plan]"),
        "production: v4 → v6 · champion stays v3: v6 wins 1 of 3 key metrics"
    );
    assert!(text(&root, ".decision").contains("Champion keeps it (1 to 2"));
}

#[wasm_bindgen_test]
async fn raising_a_threshold_re_decides_every_version_without_refetching() {
    let (root, _handle) = mount(None);
    leptos::task::tick().await;
    type_into(&threshold_field(&root, "safety/mean"), "0.95");
    leptos::task::tick().await;
    assert!(
        row(&root, "6").contains("0.94 ✗ fail (-0.01)"),
        "{}",
        row(&root, "6")
    );
    assert!(
        row(&root, "4").contains("0.96 ✓ pass (+0.01)"),
        "{}",
        row(&root, "4")
    );
    assert_eq!(
        text(&root, "[data-testid=plan]"),
        "production stays v4: v6 fails the policy · champion stays v3: v6 fails the policy"
    );
    let status = text(&root, ".policy-status");
    assert!(
        status.contains("Unsaved what-if") && status.contains("safety/mean: threshold 0.9 → 0.95"),
        "{status}"
    );
}

#[wasm_bindgen_test]
async fn choosing_another_candidate_updates_the_decision() {
    let (root, _handle) = mount(None);
    leptos::task::tick().await;
    let radio: HtmlInputElement = root
        .query_selector("#candidate-4")
        .unwrap()
        .unwrap()
        .unchecked_into();
    radio.click(); // row 4 is v2 (newest first)
    leptos::task::tick().await;
    assert!(text(&root, ".decision h2").contains("Decision for v2"));
    assert!(
        text(&root, "[data-testid=plan]").starts_with("production stays v4: v2 fails the policy")
    );
}

#[wasm_bindgen_test]
async fn invalid_threshold_is_marked_and_the_preview_keeps_the_last_valid_policy() {
    let (root, _handle) = mount(None);
    leptos::task::tick().await;
    let field = threshold_field(&root, "relevance/mean");
    for bad in ["abc", "NaN", "inf"] {
        type_into(&field, bad);
        leptos::task::tick().await;
        assert_eq!(
            field.get_attribute("aria-invalid").as_deref(),
            Some("true"),
            "{bad}"
        );
        let errors = text(&root, "fieldset.rule .field-error");
        assert!(
            errors.contains("Threshold:") && errors.contains(bad),
            "{bad}: {errors}"
        );
        assert!(text(&root, ".policy-status").contains("keeps the last valid policy"));
        // Still the saved policy's verdicts.
        assert!(row(&root, "2").contains("0.66 ✗ fail (-0.04)"));
    }
    let save: HtmlElement = root
        .query_selector(".actions button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert!(
        save.has_attribute("disabled"),
        "an invalid policy cannot be saved"
    );
    type_into(&field, "0.6");
    leptos::task::tick().await;
    assert_eq!(
        field.get_attribute("aria-invalid").as_deref(),
        Some("false")
    );
    assert!(
        row(&root, "2").contains("0.66 ✓ pass (+0.06)"),
        "{}",
        row(&root, "2")
    );
}

#[wasm_bindgen_test]
async fn reset_to_saved_undoes_the_what_if() {
    let (root, _handle) = mount(None);
    leptos::task::tick().await;
    type_into(&threshold_field(&root, "safety/mean"), "0.99");
    leptos::task::tick().await;
    let reset: HtmlElement = root
        .query_selector(".actions button + button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(reset.text_content().unwrap(), "Reset to saved");
    reset.click();
    leptos::task::tick().await;
    let status = text(&root, ".policy-status");
    assert!(status.contains("uses the saved policy"), "{status}");
    // Property updates land a little after the signal change: wait up to 2 s.
    for _ in 0..40 {
        if threshold_field(&root, "safety/mean").value() == "0.9" {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    assert_eq!(threshold_field(&root, "safety/mean").value(), "0.9");
    assert!(text(&root, ".policy-status").contains("uses the saved policy"));
}

#[wasm_bindgen_test]
async fn a_shared_policy_reproduces_the_preview() {
    let shared =
        r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.85}], "missing_metric": "fail"}"#;
    let (root, _handle) = mount(Some(shared.to_owned()));
    leptos::task::tick().await;
    assert_eq!(threshold_field(&root, "relevance/mean").value(), "0.85");
    assert!(row(&root, "6").contains("0.82 ✗ fail (-0.03)"));
    assert!(text(&root, ".policy-status").contains("Unsaved what-if"));
    let (bad, _bad_handle) = mount(Some("{\"rules\": 3}".to_owned()));
    leptos::task::tick().await;
    assert!(text(&bad, ".warning").contains("The policy in the link is invalid and was ignored"));
}

#[wasm_bindgen_test]
async fn charts_mark_verdicts_and_the_threshold_line_edits_the_threshold() {
    let (root, _handle) = mount(None);
    leptos::task::tick().await;
    let figures = root.query_selector_all("figure.chart").unwrap();
    assert_eq!(figures.length(), 4, "one chart per rule");
    let relevance: web_sys::Element = figures.item(0).unwrap().unchecked_into();
    assert_eq!(
        relevance
            .query_selector("figcaption")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "relevance/mean"
    );
    // v1 has no relevance; v2 fails it; the rest pass.
    assert_eq!(
        relevance
            .query_selector_all(".point.fail")
            .unwrap()
            .length(),
        1
    );
    assert_eq!(
        relevance
            .query_selector_all(".point.pass")
            .unwrap()
            .length(),
        4
    );
    let titles: Vec<String> = {
        let t = relevance.query_selector_all("title").unwrap();
        (0..t.length())
            .map(|i| t.item(i).unwrap().text_content().unwrap())
            .collect()
    };
    assert!(
        titles.contains(&"v2: 0.66 (fails)".to_owned()),
        "{titles:?}"
    );
    assert_eq!(
        relevance
            .query_selector_all(".candidate-ring")
            .unwrap()
            .length(),
        1
    );
    assert_eq!(
        relevance
            .query_selector_all(".champion-mark")
            .unwrap()
            .length(),
        1
    );

    // Keyboard on the threshold line: the same as typing a new threshold.
    let handle: HtmlElement = relevance
        .query_selector("[role=slider]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("ArrowDown");
    init.set_bubbles(true);
    for _ in 0..10 {
        let ev =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        handle.dispatch_event(&ev).unwrap();
        leptos::task::tick().await;
    }
    let field = threshold_field(&root, "relevance/mean");
    let lowered: f64 = field.value().parse().unwrap();
    assert!(lowered < 0.7, "threshold went down: {lowered}");
    assert!(text(&root, ".policy-status").contains("relevance/mean: threshold 0.7 →"));
    if lowered <= 0.66 {
        assert!(row(&root, "2").contains("✓ pass"), "{}", row(&root, "2"));
    }
}

#[wasm_bindgen_test]
async fn importing_the_seeds_flat_dict_replaces_the_what_if() {
    let (root, _handle) = mount(None);
    leptos::task::tick().await;
    let area: web_sys::HtmlTextAreaElement = root
        .query_selector("#import-text")
        .unwrap()
        .unwrap()
        .unchecked_into();
    area.set_value(r#"{"relevance/mean": 0.85, "safety/mean": 0.9}"#);
    area.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    let import: HtmlElement = root
        .query_selector(".share form button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    import.click();
    leptos::task::tick().await;
    assert_eq!(
        root.query_selector_all("fieldset.rule").unwrap().length(),
        2
    );
    assert!(
        row(&root, "6").contains("0.82 ✗ fail (-0.03)"),
        "{}",
        row(&root, "6")
    );
    // A broken import changes nothing and says why.
    area.set_value(r#"{"relevance/mean": "high"}"#);
    area.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    import.click();
    leptos::task::tick().await;
    assert!(text(&root, ".share .field-error").contains("the threshold must be a number"));
    assert_eq!(
        root.query_selector_all("fieldset.rule").unwrap().length(),
        2
    );
}

#[path = "support/synthetic_review.rs"]
mod synthetic_review;

#[wasm_bindgen_test]
async fn large_models_draw_the_newest_versions_first_and_show_more_on_request() {
    let (root, _handle) = mount_review(synthetic_review::synthetic_review(30), None);
    leptos::task::tick().await;
    let rows = || {
        root.query_selector_all("table.versions tbody tr")
            .unwrap()
            .length()
    };
    assert_eq!(rows(), 25);
    let note = text(&root, ".shown-note");
    assert!(note.contains("Newest 25 of 30 versions shown"), "{note}");
    let last_version = || {
        let rows = root
            .query_selector_all("table.versions tbody tr th")
            .unwrap();
        rows.item(rows.length() - 1)
            .unwrap()
            .text_content()
            .unwrap()
    };
    assert_eq!(last_version(), "v6", "newest first: v30 … v6");
    let more: HtmlElement = root
        .query_selector(".shown-note button")
        .unwrap()
        .expect("a Show more button")
        .unchecked_into();
    assert_eq!(more.text_content().unwrap(), "Show 5 more");
    more.click();
    leptos::task::tick().await;
    assert_eq!(rows(), 30);
    assert!(row(&root, "1").contains("v1"));
    assert!(root
        .query_selector(".review-main p.muted button")
        .unwrap()
        .is_none());
    root.remove();
}

/// The element matching `selector` whose accessible name (aria-label, else text) starts with
/// `name`, as a screen reader user would find it.
fn by_name(root: &HtmlElement, selector: &str, name: &str) -> HtmlElement {
    let found = root.query_selector_all(selector).unwrap();
    (0..found.length())
        .map(|i| found.item(i).unwrap().unchecked_into::<HtmlElement>())
        .find(|e| {
            e.get_attribute("aria-label")
                .or_else(|| e.text_content())
                .is_some_and(|n| n.trim().starts_with(name))
        })
        .unwrap_or_else(|| panic!("no {selector} named {name:?}"))
}

fn press(target: &HtmlElement, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&ev).unwrap();
}

/// Regression: with an invalid draft, removing a rule and then moving a chart's threshold line
/// wrote the threshold into the neighbouring rule (charts addressed rules by their position in
/// the last valid policy, the editor by id).
#[wasm_bindgen_test]
async fn a_chart_edits_its_own_rule_after_a_rule_is_removed_from_an_invalid_draft() {
    let (root, _handle) = mount(None);
    leptos::task::tick().await;
    type_into(&threshold_field(&root, "relevance/mean"), "abc");
    leptos::task::tick().await;
    by_name(&root, "button", "Remove the rule for safety/mean").click();
    leptos::task::tick().await;
    let handle = by_name(&root, "[role=slider]", "Threshold for guidelines/mean");
    press(&handle, "ArrowDown");
    leptos::task::tick().await;
    let guidelines = threshold_field(&root, "guidelines/mean").value();
    assert_ne!(guidelines, "0.6", "the guidelines chart moved its own threshold");
    assert_eq!(
        threshold_field(&root, "cost_accuracy/mean").value(),
        "0.8",
        "the neighbouring rule is untouched"
    );
    root.remove();
}
