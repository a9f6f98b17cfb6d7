//! Whole-model preview: re-deciding every version after a threshold edit.
//!
//! `cargo bench --bench preview` — figures recorded in docs/benchmarks.md.

// The benchmark is native; on wasm32 (clippy --all-targets) it compiles to nothing.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, BenchmarkId, Criterion};
    use podium::policy::{preview, MetricSet, MetricTable, Policy, Rule};

    const RULES: usize = 10;

    /// Ten metrics per version, two of them logged under their alias, a few missing.
    fn versions(n: usize) -> Vec<MetricSet> {
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

    fn policy() -> Policy {
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

    fn bench(c: &mut Criterion) {
        let mut group = c.benchmark_group("preview");
        for n in [1_000, 10_000] {
            let sets = versions(n);
            let table = MetricTable::new(&sets);
            let mut p = policy();
            group.bench_with_input(BenchmarkId::new("threshold_edit", n), &n, |b, _| {
                let mut t = 0.0;
                b.iter(|| {
                    // A threshold edit: new policy value, same table, no key resolution per version.
                    t = (t + 0.01) % 1.0;
                    p.rules[3].threshold = Some(t);
                    preview(&p, &table, Some(0))
                })
            });
            group.bench_with_input(BenchmarkId::new("data_load", n), &n, |b, _| {
                b.iter(|| MetricTable::new(&sets))
            });
        }
        group.finish();
    }

    criterion_group!(benches, bench);
}
