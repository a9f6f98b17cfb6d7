//! The whole-model preview measured inside headless Chromium (release wasm): a benchmark run by
//! hand, not by CI, and not a timed test — it prints its figures and asserts only correctness.
//!
//! `scripts/bench_wasm` — figures recorded in docs/benchmarks.md.
#![cfg(target_arch = "wasm32")]

#[path = "../benches/support/preview_data.rs"]
mod preview_data;

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
