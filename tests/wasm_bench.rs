//! The whole-model preview measured inside headless Chromium (release wasm): a benchmark run by
//! hand, not by CI, and not a timed test — it prints its figures and asserts only correctness.
//!
//! `scripts/bench_wasm` — figures recorded in docs/benchmarks.md.
#![cfg(target_arch = "wasm32")]

#[path = "support/dom.rs"]
mod dom;
#[path = "../benches/support/preview_data.rs"]
mod preview_data;
#[path = "support/synthetic_review.rs"]
mod synthetic_review;

use podium::policy::{decide, preview, MetricTable};
use preview_data::{policy, versions};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run by hand with scripts/bench_wasm"]
fn preview_after_a_threshold_edit() {
    for n in [1_000, 10_000] {
        let sets = versions(n);
        let started = now_ms();
        let table = MetricTable::new(&sets);
        let load_ms = now_ms() - started;
        let mut p = policy();
        let rounds = 50;
        let started = now_ms();
        let mut t = 0.0;
        let mut passing = 0;
        for _ in 0..rounds {
            t = (t + 0.01) % 1.0;
            p.rules[3].threshold = Some(t);
            passing += preview(&p, &table, Some(0))
                .rows
                .iter()
                .filter(|r| r.passes)
                .count();
        }
        let edit_ms = (now_ms() - started) / f64::from(rounds);
        // The preview is the engine's decision, row by row.
        let last = preview(&p, &table, Some(0));
        for row in [1, n / 2, n - 1] {
            let d = decide(&p, &sets[row], Some(&sets[0]));
            assert_eq!(last.rows[row].passes, d.passes, "row {row}");
        }
        console_log!(
            "preview {n} versions x {} rules: threshold edit {edit_ms:.3} ms, data load {load_ms:.2} ms ({passing} passing rows over {rounds} edits)",
            preview_data::RULES
        );
    }
}

#[wasm_bindgen_test]
#[ignore = "benchmark: run by hand with scripts/bench_wasm"]
async fn review_screen_after_a_threshold_edit() {
    use leptos::prelude::*;
    use podium::mlflow::Client;
    use podium::ui::{provide_client, ReviewPanel};
    use wasm_bindgen::JsCast;
    use web_sys::{HtmlElement, HtmlInputElement};
    let _ = dom::normalize; // the module's other helpers serve the component tests

    for n in [100, 1_000] {
        let document = document();
        let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
        document.body().unwrap().append_child(&root).unwrap();
        let data = synthetic_review::synthetic_review(n);
        let started = now_ms();
        let handle = leptos::mount::mount_to(root.clone(), move || {
            provide_client(Client::same_origin());
            view! { <ReviewPanel review=data.clone() shared=None /> }
        });
        leptos::task::tick().await;
        let mount_ms = now_ms() - started;
        let rows = root
            .query_selector_all("table.versions tbody tr")
            .unwrap()
            .length();
        // The newest 25 are drawn; every version is decided.
        assert_eq!(rows as usize, n.min(25));
        let field: HtmlInputElement = dom::field(&root, "Threshold for safety/mean");
        let started = now_ms();
        leptos::task::tick().await;
        let idle_tick_ms = now_ms() - started;
        let rounds = 10;
        let mut worst: f64 = 0.0;
        let mut total = 0.0;
        for round in 0..rounds {
            let value = if round % 2 == 0 { "0.5" } else { "0.9" };
            let started = now_ms();
            field.set_value(value);
            field
                .dispatch_event(&web_sys::Event::new("input").unwrap())
                .unwrap();
            leptos::task::tick().await;
            let took = now_ms() - started;
            worst = worst.max(took);
            total += took;
        }
        // The last edit (0.9) is what the table shows.
        let plan = root
            .query_selector("[data-testid=plan]")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap();
        assert!(!plan.is_empty());
        console_log!(
            "review screen, {n} versions x 4 rules ({rows} drawn): mount {mount_ms:.0} ms; threshold edit to updated DOM {:.1} ms mean, {worst:.0} ms worst ({rounds} edits; an idle tick takes {idle_tick_ms:.0} ms)",
            total / f64::from(rounds)
        );
        drop(handle);
        root.remove();
    }
}
