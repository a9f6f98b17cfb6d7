//! The review panel mounted in headless Chromium, on review data assembled from captured JSON.
//! Controls are found by role and accessible name, as a user finds them.
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use leptos::prelude::*;
use podium::mlflow::{
    Client, Credentials, Fetch, GetLoggedModelResponse, GetRegisteredModelResponse, ReviewData,
    SearchModelVersionsResponse, SearchRunsResponse,
};
use podium::ui::{provide_client, ReviewPanel};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

#[path = "support/dom.rs"]
mod dom;
#[path = "support/synthetic_review.rs"]
mod synthetic_review;

use dom::{button, by_name, field, has, normalize, press, row_text, type_into};

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

/// The panel mounted in its own container; the container goes when the guard drops.
struct Mounted {
    root: HtmlElement,
    /// The app's client (its clones share the request count).
    client: Client,
    _handle: Box<dyn std::any::Any>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

async fn mount(shared: Option<&str>) -> Mounted {
    mount_review(review(), shared).await
}

async fn mount_review(data: Arc<ReviewData>, shared: Option<&str>) -> Mounted {
    let document = document();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let shared = shared.map(str::to_owned);
    let client = Client::new("", &Credentials::None, Fetch::new());
    let app_client = client.clone();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_client(app_client.clone());
        view! { <ReviewPanel review=data.clone() shared=shared.clone() /> }
    });
    leptos::task::tick().await;
    Mounted {
        root,
        client,
        _handle: Box::new(handle),
    }
}

impl Mounted {
    fn el(&self) -> &Element {
        &self.root
    }

    /// Requests sent so far, once none has been sent for a fifth of a second (the screen's own
    /// reads on mounting — who the user is, the per-row scores — have ended).
    async fn requests_when_quiet(&self) -> u32 {
        loop {
            let sent = self.client.request_count();
            gloo_timers::future::TimeoutFuture::new(200).await;
            if self.client.request_count() == sent {
                return sent;
            }
        }
    }

    /// The row of version `v` in the versions table, as a user reads it.
    fn row(&self, v: &str) -> String {
        row_text(&self.table(), &format!("v{v}"))
    }

    fn table(&self) -> HtmlElement {
        by_name(self.el(), "table", "Versions and their verdicts")
    }

    fn threshold(&self, metric: &str) -> HtmlInputElement {
        field(self.el(), &format!("Threshold for {metric}"))
    }

    fn plan(&self) -> String {
        self.text("[data-testid=plan]")
    }

    fn text(&self, selector: &str) -> String {
        normalize(
            &self
                .root
                .query_selector(selector)
                .unwrap()
                .unwrap_or_else(|| panic!("no {selector}"))
                .text_content()
                .unwrap(),
        )
    }

    /// The status bar saying which policy the preview uses.
    fn status(&self) -> String {
        self.text(".policy-status")
    }

    fn chart(&self, metric: &str) -> HtmlElement {
        by_name(
            self.el(),
            "svg[role=group]",
            &format!("{metric} across versions"),
        )
    }

    /// The hover titles of a chart's points, e.g. `v2: 0.66 (fail)`.
    fn point_titles(&self, metric: &str) -> Vec<String> {
        let titles = self
            .chart(metric)
            .query_selector_all(".version-point title")
            .unwrap();
        (0..titles.length())
            .map(|i| titles.item(i).unwrap().text_content().unwrap())
            .collect()
    }
}

#[wasm_bindgen_test]
async fn table_shows_each_versions_verdict_with_margins() {
    let m = mount(None).await;
    let v2 = m.row("2");
    assert!(
        v2.contains("✗ 0.66 — 0.66: fail (-0.04)") && v2.contains("✗ fails"),
        "{v2}"
    );
    let v6 = m.row("6");
    assert!(
        v6.contains("✓ 0.82 — 0.82: pass (+0.12)") && v6.contains("✓ passes"),
        "{v6}"
    );
    let v1 = m.row("1");
    assert!(v1.contains("no evaluation found"), "{v1}");
    assert!(
        v1.contains("– unchecked"),
        "the seed passes it; the table says why: {v1}"
    );
    assert!(v1.contains("– n/a — missing: skipped"), "{v1}");
    assert!(!v1.contains("v10"), "exactly v1's row: {v1}");
    assert!(m
        .status()
        .contains("uses the seed's default policy (none is saved"));
}

#[wasm_bindgen_test]
async fn plan_text_for_the_newest_candidate() {
    let m = mount(None).await;
    assert_eq!(
        m.plan(),
        "production: v4 → v6 · champion stays v3: v6 wins 1 of 3 key metrics"
    );
    assert!(m.text(".decision").contains("Champion keeps it (1 to 2"));
}

#[wasm_bindgen_test]
async fn raising_a_threshold_re_decides_every_version_without_refetching() {
    let m = mount(None).await;
    let before = m.requests_when_quiet().await;
    assert!(m.row("6").contains("✓ 0.94"), "{}", m.row("6"));
    type_into(&m.threshold("safety/mean"), "0.95");
    leptos::task::tick().await;
    assert!(
        m.row("6").contains("✗ 0.94 — 0.94: fail (-0.01)"),
        "{}",
        m.row("6")
    );
    assert!(
        m.row("4").contains("✓ 0.96 — 0.96: pass (+0.01)"),
        "{}",
        m.row("4")
    );
    assert_eq!(
        m.plan(),
        "production stays v4: v6 fails the policy · champion stays v3: v6 fails the policy"
    );
    let status = m.status();
    assert!(
        status.contains("Unsaved what-if") && status.contains("safety/mean: threshold 0.9 → 0.95"),
        "{status}"
    );
    assert_eq!(
        m.requests_when_quiet().await,
        before,
        "an edit re-decides the loaded data: no request to MLflow"
    );
}

#[wasm_bindgen_test]
async fn choosing_another_candidate_updates_the_decision() {
    let m = mount(None).await;
    let radio: HtmlInputElement = field(m.el(), "Candidate v2");
    radio.click();
    leptos::task::tick().await;
    assert!(radio.checked());
    assert_eq!(m.text("#decision-heading"), "Decision for v2");
    assert!(m
        .plan()
        .starts_with("production stays v4: v2 fails the policy"));
}

#[wasm_bindgen_test]
async fn invalid_threshold_is_marked_and_the_preview_keeps_the_last_valid_policy() {
    let m = mount(None).await;
    let threshold = m.threshold("relevance/mean");
    for bad in ["abc", "NaN", "inf", "0.7x"] {
        type_into(&threshold, bad);
        leptos::task::tick().await;
        assert_eq!(
            threshold.get_attribute("aria-invalid").as_deref(),
            Some("true"),
            "{bad}"
        );
        // The message is the one the field points at.
        let described = threshold.get_attribute("aria-describedby").unwrap();
        let error = m.text(&format!("#{described}"));
        assert!(
            error.starts_with("Threshold: ") && error.contains(bad),
            "{bad}: {error}"
        );
        assert!(m.status().contains("keeps the last valid policy"));
        assert!(
            m.row("2").contains("✗ 0.66 — 0.66: fail (-0.04)"),
            "still the saved policy"
        );
    }
    assert!(
        button(m.el(), "Save policy to MLflow…").has_attribute("disabled"),
        "an invalid policy cannot be saved"
    );
    type_into(&threshold, "0.6");
    leptos::task::tick().await;
    assert_eq!(
        threshold.get_attribute("aria-invalid").as_deref(),
        Some("false")
    );
    assert!(
        m.row("2").contains("✓ 0.66 — 0.66: pass (+0.06)"),
        "{}",
        m.row("2")
    );
}

#[wasm_bindgen_test]
async fn a_problem_is_marked_on_the_field_it_is_about() {
    let m = mount(None).await;
    let gain: HtmlInputElement = field(m.el(), "Min. gain over champion for safety/mean");
    type_into(&gain, "-1");
    leptos::task::tick().await;
    assert_eq!(gain.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        m.threshold("safety/mean")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("false"),
        "the threshold itself is fine"
    );
    let described = gain.get_attribute("aria-describedby").unwrap();
    assert_eq!(
        m.text(&format!("#{described}")),
        "Min. gain over champion: must be a positive number, got -1"
    );
}

#[wasm_bindgen_test]
async fn reset_to_saved_undoes_the_what_if() {
    let m = mount(None).await;
    type_into(&m.threshold("safety/mean"), "0.99");
    leptos::task::tick().await;
    button(m.el(), "Reset to saved").click();
    leptos::task::tick().await;
    assert!(
        m.status().contains("uses the seed's default policy"),
        "{}",
        m.status()
    );
    assert!(
        dom::eventually(2_000, || m.threshold("safety/mean").value() == "0.9").await,
        "the field shows the saved threshold again"
    );
}

#[wasm_bindgen_test]
async fn a_shared_policy_reproduces_the_preview() {
    let shared =
        r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.85}], "missing_metric": "fail"}"#;
    let m = mount(Some(shared)).await;
    assert_eq!(m.threshold("relevance/mean").value(), "0.85");
    assert!(
        m.row("6").contains("✗ 0.82 — 0.82: fail (-0.03)"),
        "{}",
        m.row("6")
    );
    assert!(m.status().contains("Unsaved what-if"));
    assert!(m
        .text(".warning")
        .contains("This screen's policy came from a link"));
    let bad = mount(Some("{\"rules\": 3}")).await;
    assert!(bad
        .text(".warning")
        .contains("The policy in the link is invalid and was ignored"));
}

#[wasm_bindgen_test]
async fn charts_mark_verdicts_and_the_threshold_line_edits_the_threshold() {
    let m = mount(None).await;
    let charts = m.el().query_selector_all("svg[role=group]").unwrap();
    assert_eq!(charts.length(), 4, "one chart per rule");
    // v1 has no relevance; v2 fails it; the rest pass.
    let titles = m.point_titles("relevance/mean");
    assert_eq!(titles.len(), 5, "{titles:?}");
    assert!(titles.contains(&"v2: 0.66 (fail)".to_owned()), "{titles:?}");
    assert_eq!(titles.iter().filter(|t| t.ends_with("(pass)")).count(), 4);
    let chart = m.chart("relevance/mean");
    assert_eq!(
        chart
            .query_selector_all(".candidate-ring")
            .unwrap()
            .length(),
        1
    );
    assert_eq!(
        chart.query_selector_all(".champion-mark").unwrap().length(),
        1
    );

    // Keyboard on the threshold line: the same as typing a new threshold.
    let handle = by_name(
        m.el(),
        "[role=slider]",
        "Threshold for relevance/mean: 0.7. Use the up and down arrow keys to change it.",
    );
    // v2's relevance (0.66) fails the policy's 0.7 until the line goes below it.
    assert!(m.row("2").contains("✗ 0.66"), "{}", m.row("2"));
    let threshold = || -> f64 { m.threshold("relevance/mean").value().parse().unwrap() };
    let mut presses = 0;
    while threshold() > 0.66 && presses < 200 {
        press(&handle, "ArrowDown");
        leptos::task::tick().await;
        presses += 1;
    }
    let lowered = threshold();
    assert!(
        lowered <= 0.66,
        "the line went down to {lowered} in {presses} presses"
    );
    assert!(m.status().contains("relevance/mean: threshold 0.7 →"));
    assert!(
        m.row("2").contains("✓ 0.66"),
        "v2 passes now: {}",
        m.row("2")
    );
}

/// Regression: with an invalid draft, removing a rule and then moving a chart's threshold line
/// wrote the threshold into the neighbouring rule (charts addressed rules by their position in
/// the last valid policy, the editor by id).
#[wasm_bindgen_test]
async fn a_chart_edits_its_own_rule_after_a_rule_is_removed_from_an_invalid_draft() {
    let m = mount(None).await;
    type_into(&m.threshold("relevance/mean"), "abc");
    leptos::task::tick().await;
    button(m.el(), "Remove the rule for safety/mean").click();
    leptos::task::tick().await;
    let handle = by_name(
        m.el(),
        "[role=slider]",
        "Threshold for guidelines/mean: 0.6. Use the up and down arrow keys to change it.",
    );
    press(&handle, "ArrowDown");
    leptos::task::tick().await;
    assert_ne!(
        m.threshold("guidelines/mean").value(),
        "0.6",
        "the guidelines chart moved its own threshold"
    );
    assert_eq!(
        m.threshold("cost_accuracy/mean").value(),
        "0.8",
        "the neighbouring rule is untouched"
    );
}

#[wasm_bindgen_test]
async fn an_edit_redraws_only_the_edited_rules_chart() {
    let m = mount(None).await;
    // Counts the DOM changes inside a chart.
    let watch = |metric: &str| {
        let count = std::rc::Rc::new(std::cell::Cell::new(0u32));
        let seen = count.clone();
        let callback = wasm_bindgen::closure::Closure::<dyn Fn(js_sys::Array)>::new(
            move |records: js_sys::Array| seen.set(seen.get() + records.length()),
        );
        let observer = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()).unwrap();
        callback.forget();
        let options = web_sys::MutationObserverInit::new();
        options.set_subtree(true);
        options.set_child_list(true);
        options.set_attributes(true);
        options.set_character_data(true);
        observer
            .observe_with_options(&m.chart(metric), &options)
            .unwrap();
        (observer, count)
    };
    let (relevance, safety) = (watch("relevance/mean"), watch("safety/mean"));
    // Lowering relevance to 0.6 turns v2's relevance from fail to pass.
    type_into(&m.threshold("relevance/mean"), "0.6");
    dom::settled().await;
    assert!(
        m.point_titles("relevance/mean")
            .contains(&"v2: 0.66 (pass)".to_owned()),
        "{:?}",
        m.point_titles("relevance/mean")
    );
    let changes =
        |(observer, count): &(web_sys::MutationObserver, std::rc::Rc<std::cell::Cell<u32>>)| {
            count.get() + observer.take_records().length()
        };
    assert!(
        changes(&relevance) > 0,
        "the edited rule's chart was redrawn"
    );
    assert_eq!(changes(&safety), 0, "another rule's chart was left alone");
}

#[wasm_bindgen_test]
async fn importing_the_seeds_flat_dict_replaces_the_what_if() {
    let m = mount(None).await;
    let import: web_sys::HtmlTextAreaElement =
        field(m.el(), "Import a policy (JSON document or THRESHOLDS dict)");
    import.set_value(r#"{"relevance/mean": 0.85, "safety/mean": 0.9}"#);
    import
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    button(m.el(), "Import").click();
    leptos::task::tick().await;
    assert!(
        !has(m.el(), "input", "Threshold for guidelines/mean"),
        "rules replaced"
    );
    assert_eq!(m.threshold("relevance/mean").value(), "0.85");
    assert!(m.row("6").contains("✗ 0.82"), "{}", m.row("6"));
    // A broken import changes nothing and says why.
    import.set_value(r#"{"relevance/mean": "high"}"#);
    import
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    button(m.el(), "Import").click();
    leptos::task::tick().await;
    assert!(m
        .text(".share .field-error")
        .contains("the threshold must be a number"));
    assert!(has(m.el(), "input", "Threshold for safety/mean"));
}

#[wasm_bindgen_test]
async fn export_formats_follow_the_what_if() {
    let m = mount(None).await;
    let format: web_sys::HtmlSelectElement = field(m.el(), "Export as");
    let exported: web_sys::HtmlTextAreaElement = field(m.el(), "Exported policy");
    format.set_value("thresholds");
    format
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    leptos::task::tick().await;
    assert!(
        exported.value().contains("\"cost_accuracy/mean\": 0.8"),
        "{}",
        exported.value()
    );
    type_into(&m.threshold("cost_accuracy/mean"), "0.85");
    dom::settled().await;
    assert!(
        exported.value().contains("\"cost_accuracy/mean\": 0.85"),
        "{}",
        exported.value()
    );
}

/// Scrolls the versions table so that its pixel offset is `top`, and waits for the redraw.
async fn scroll_versions(m: &Mounted, top: i32) {
    let region = by_name(
        m.el(),
        "[role=region]",
        "Versions, newest first (scroll for older)",
    );
    region.set_scroll_top(top);
    region
        .dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    dom::settled().await;
}

#[wasm_bindgen_test]
async fn a_long_model_draws_only_the_rows_in_view_and_scrolling_reaches_every_version() {
    let m = mount_review(synthetic_review::synthetic_review(1000), None).await;
    let drawn = || {
        let rows = m.table().query_selector_all("tbody th[scope=row]").unwrap();
        (0..rows.length())
            .map(|i| normalize(&rows.item(i).unwrap().text_content().unwrap()))
            .collect::<Vec<_>>()
    };
    let first = drawn();
    assert_eq!(first.len(), podium::ui::WINDOW, "{first:?}");
    assert_eq!(first[0], "v1000", "newest first");
    assert!(!first.contains(&"v1".to_owned()));
    // The table is as tall as every row: the scroll bar reaches the oldest version.
    let region = by_name(
        m.el(),
        "[role=region]",
        "Versions, newest first (scroll for older)",
    );
    // As style/main.css makes it (component tests run without the stylesheet).
    let style = region.style();
    style.set_property("max-height", "600px").unwrap();
    style.set_property("overflow", "auto").unwrap();
    let full = region.scroll_height();
    assert!(full > 900 * 20, "{full} px for 1 000 rows");
    scroll_versions(&m, full).await;
    let last = drawn();
    assert!(last.len() <= podium::ui::WINDOW, "{last:?}");
    assert_eq!(last.last().map(String::as_str), Some("v1"), "{last:?}");
    // v1 is the champion: relevance 0.37 < 0.7 fails the seed's policy; its cells are its own.
    let v1 = m.row("1");
    assert!(v1.starts_with("v1 champion ✗ fails"), "{v1}");
    assert!(v1.contains("0.37") && v1.contains("0.48"), "{v1}");
    // It can be chosen from there; the charts draw the same versions.
    field::<HtmlInputElement>(m.el(), "Candidate v1").click();
    dom::settled().await;
    assert!(m.plan().contains("v1"), "{}", m.plan());
    let titles = m.point_titles("relevance/mean");
    assert!(titles.iter().any(|t| t == "v1: 0.37 (fail)"), "{titles:?}");
    assert!(
        !titles.iter().any(|t| t.starts_with("v1000:")),
        "{titles:?}"
    );
    // Half-way down, the rows around the middle are drawn, in order.
    scroll_versions(&m, full / 2).await;
    let middle = drawn();
    let numbers: Vec<usize> = middle.iter().map(|v| v[1..].parse().unwrap()).collect();
    assert!(
        numbers.iter().any(|n| (480..=520).contains(n)),
        "{numbers:?}"
    );
    assert!(numbers.windows(2).all(|w| w[0] == w[1] + 1), "{numbers:?}");
}

/// Regression: over plain http on a host other than localhost, `navigator.clipboard` does not
/// exist, and "Copy link" threw.
#[wasm_bindgen_test]
async fn copy_link_without_a_clipboard_says_how_to_copy() {
    let m = mount(None).await;
    let navigator = web_sys::window().unwrap().navigator();
    // As in an insecure context: the clipboard is not there.
    let hidden = js_sys::Object::new();
    js_sys::Reflect::set(&hidden, &"value".into(), &wasm_bindgen::JsValue::UNDEFINED).unwrap();
    js_sys::Reflect::set(&hidden, &"configurable".into(), &true.into()).unwrap();
    js_sys::Reflect::define_property(&navigator, &"clipboard".into(), &hidden).unwrap();
    button(m.el(), "Copy link").click();
    dom::settled().await;
    js_sys::Reflect::delete_property(&navigator, &"clipboard".into()).unwrap();
    assert!(
        m.text(".share [role=status]")
            .contains("select the link above and copy it"),
        "{}",
        m.text(".share")
    );
}

#[wasm_bindgen_test]
async fn a_rule_whose_metric_matches_nothing_is_flagged_with_its_look_alike() {
    let m = mount(Some(
        r#"{"rules": [{"metric": "safety/mеan", "threshold": 0.9}]}"#,
    ))
    .await;
    let flagged = m.text(".unmatched");
    assert_eq!(
        flagged,
        "\"safety/mеan\" matches no metric of this model (did you mean \"safety/mean\"?): every version skips it."
    );
}

/// Regression: the history rendered every record at once: thousands of large tags froze a
/// reviewer's page.
#[wasm_bindgen_test]
async fn the_history_shows_fifty_records_at_a_time() {
    let mut data = (*review()).clone();
    let at = 1_800_000_000_000_i64;
    let v4 = data
        .versions
        .iter_mut()
        .find(|v| v.version.version == "4")
        .unwrap();
    for i in 0..120 {
        let record = serde_json::json!({
            "format": 1, "kind": "manual", "alias": "staging", "from": "3", "to": "4",
            "at": at + i, "user": "ana", "summary": format!("move {i}"),
        });
        v4.version.tags.push(podium::mlflow::Tag {
            key: format!("podium.audit.{:013}.{:08x}", at + i, i),
            value: record.to_string(),
        });
    }
    let m = mount_review(Arc::new(data), None).await;
    let history = by_name(m.el(), "table", "Recorded alias moves, newest first");
    let rows = || history.query_selector_all("tbody tr").unwrap().length();
    assert_eq!(rows(), 50);
    assert!(
        row_text(&history, "2027-01-15 08:00").contains("move 119"),
        "newest first"
    );
    button(m.el(), "Show 50 more of 70").click();
    leptos::task::tick().await;
    assert_eq!(rows(), 100);
    button(m.el(), "Show 20 more of 20").click();
    leptos::task::tick().await;
    assert_eq!(rows(), 120);
    assert!(!has(m.el(), "button", "Show 20 more of 20"));
}

/// Regression: a model name with an invisible or direction-changing character was shown as is
/// where it is confirmed: `health⁠monitor` looked like the model it is not.
#[wasm_bindgen_test]
async fn hidden_characters_in_a_name_are_spelled_out_where_it_is_confirmed() {
    let mut data = (*review()).clone();
    data.model.name = "health\u{200b}monitor\u{202e}".to_owned();
    let m = mount_review(Arc::new(data), None).await;
    button(m.el(), "Apply…").click();
    dom::settled().await;
    let dialog = m.text("[role=dialog]");
    assert!(
        dialog.contains("Confirm the promotion of health⟨U+200B⟩monitor⟨U+202E⟩"),
        "{dialog}"
    );
    assert!(
        dialog.contains("type the model name (health⟨U+200B⟩monitor⟨U+202E⟩) to confirm"),
        "{dialog}"
    );
    assert!(
        !dialog.contains('\u{200b}') && !dialog.contains('\u{202e}'),
        "{dialog}"
    );
}

#[wasm_bindgen_test]
async fn sign_offs_round_trip_through_a_link_and_the_editor() {
    let shared = r#"{"rules": [{"metric": "relevance/mean", "threshold": 0.7}],
                     "approvals": {"production": 1}}"#;
    let m = mount(Some(shared)).await;
    let production: web_sys::HtmlSelectElement = field(m.el(), "Sign-offs to move production");
    assert_eq!(production.value(), "1");
    let champion: web_sys::HtmlSelectElement = field(m.el(), "Sign-offs to move champion");
    assert_eq!(champion.value(), "0");
    assert!(
        m.status().contains("sign-offs to move production: 0 → 1"),
        "{}",
        m.status()
    );
    // A what-if that changes sign-offs is never applied unsaved, and the headline says so.
    assert_eq!(
        m.plan(),
        "no move: this what-if changes roles, protection or sign-offs: save it first"
    );
    let panel = m.text(".sign-offs");
    assert!(
        panel.contains("The policy requires sign-offs (1 to move production)"),
        "{panel}"
    );
    // Changed in the editor: the difference follows.
    production.set_value("2");
    production
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    leptos::task::tick().await;
    assert!(
        m.status().contains("sign-offs to move production: 0 → 2"),
        "{}",
        m.status()
    );
    assert!(m.text(".sign-offs").contains("(2 to move production)"));
}
