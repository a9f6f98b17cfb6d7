//! The synthetic model of the preview benchmarks (native: benches/preview.rs; in Chromium:
//! tests/wasm_bench.rs): ten rules, metrics partly logged under an alias, a few missing.

use podium::policy::{MetricSet, Policy, Rule};

pub const RULES: usize = 10;

/// Ten metrics per version, two of them logged under their alias, a few missing.
pub fn versions(n: usize) -> Vec<MetricSet> {
    (0..n)
        .map(|v| {
            (0..RULES)
                .filter(|m| (v + m) % 17 != 0)
                .map(|m| {
                    let key = match m {
                        0 => "relevance_to_query/mean".to_owned(),
                        _ => format!("metric_{m}/mean"),
                    };
                    (key, ((v * 31 + m * 7) % 100) as f64 / 100.0)
                })
                .collect()
        })
        .collect()
}

pub fn policy() -> Policy {
    let mut p = Policy::from_thresholds((0..RULES).map(|m| match m {
        0 => ("relevance/mean".to_owned(), 0.3),
        _ => (format!("metric_{m}/mean"), 0.2),
    }));
    p.rules[1] = Rule {
        min_relative_change: Some(0.01),
        ..p.rules[1].clone()
    };
    p.validate().expect("benchmark policy is valid");
    p
}
