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

/// A sub-millisecond clock.
fn now() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
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
    use podium::mlflow::{Client, Credentials, Fetch};
    use podium::ui::{provide_client, ReviewPanel};
    use wasm_bindgen::JsCast;
    use web_sys::{HtmlElement, HtmlInputElement};

    for n in [100, 1_000, 10_000] {
        let document = document();
        let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
        document.body().unwrap().append_child(&root).unwrap();
        let data = synthetic_review::synthetic_review(n);
        let started = now_ms();
        let handle = leptos::mount::mount_to(root.clone(), move || {
            provide_client(Client::new("", &Credentials::None, Fetch::new()));
            view! { <ReviewPanel review=data.clone() shared=None /> }
        });
        leptos::task::tick().await;
        let mount_ms = now_ms() - started;
        let rows = dom::by_name(&root, "table", "Versions and their verdicts")
            .query_selector_all("tbody tr:not([aria-hidden])")
            .unwrap()
            .length();
        // A window of rows is drawn (the spacers stand in for the others); every version is
        // decided.
        assert_eq!(rows as usize, n.min(40));
        let field: HtmlInputElement = dom::field(&root, "Threshold for safety/mean");
        // Let the mount finish (its last effects, the address bar's debounced write) before
        // timing edits: a reviewer does not type within a frame of the screen appearing.
        gloo_timers::future::TimeoutFuture::new(400).await;
        // When the DOM last changed: a MutationObserver over the whole screen notes the time
        // of every batch of changes it is told about.
        let last_change = std::rc::Rc::new(std::cell::Cell::new(0.0));
        let noted = last_change.clone();
        let on_change = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || noted.set(now()));
        let observer = web_sys::MutationObserver::new(on_change.as_ref().unchecked_ref()).unwrap();
        let options = web_sys::MutationObserverInit::new();
        options.set_subtree(true);
        options.set_child_list(true);
        options.set_attributes(true);
        options.set_character_data(true);
        observer.observe_with_options(&root, &options).unwrap();
        let rounds = 20;
        let mut dom_ms = Vec::new();
        let mut tick_ms = Vec::new();
        let mut task_ms = Vec::new();
        for round in 0..rounds {
            let value = if round % 2 == 0 { "0.5" } else { "0.9" };
            let started = now();
            field.set_value(value);
            field
                .dispatch_event(&web_sys::Event::new("input").unwrap())
                .unwrap();
            // "tick": the effects the edit queued have run (how it was measured before).
            leptos::task::tick().await;
            tick_ms.push(now() - started);
            // Every effect those effects queued has run too once the next task starts; the
            // browser may paint a frame in between, so this is an upper bound.
            dom::next_task().await;
            task_ms.push(now() - started);
            // The figure: when the DOM stopped changing.
            dom_ms.push(last_change.get() - started);
        }
        observer.disconnect();
        drop(on_change);
        // The last edit (0.9) reached the chart as well as the table.
        assert!(dom::has(
            &root,
            "[role=slider]",
            "Threshold for safety/mean: 0.9. Use the up and down arrow keys to change it."
        ));
        let plan = root
            .query_selector("[data-testid=plan]")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap();
        assert!(!plan.is_empty());
        let stats = |v: &[f64]| {
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            let worst = v.iter().copied().fold(0.0, f64::max);
            format!("{mean:.1} ms mean, {worst:.1} ms worst")
        };
        console_log!(
            "review screen, {n} versions x 4 rules ({rows} drawn, charts shown): mount {mount_ms:.0} ms; threshold edit ({rounds} edits) to the last DOM change {}; to the first tick {}; to the next task {}",
            stats(&dom_ms),
            stats(&tick_ms),
            stats(&task_ms)
        );
        drop(handle);
        root.remove();
    }
}
