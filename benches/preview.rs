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
#[path = "support/preview_data.rs"]
mod preview_data;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, BenchmarkId, Criterion};
    use podium::policy::{preview, MetricTable};

    use super::preview_data::{policy, versions};

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
