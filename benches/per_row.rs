//! The noise-aware comparison's cost: pairing two evaluations' rows and comparing one scorer
//! (paired tests and a 10 000-resample BCa interval), at evaluation sizes from a few hundred
//! rows to several thousand.
//!
//! `cargo bench --bench per_row` — figures recorded in docs/benchmarks.md.

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
    use podium::mlflow::{pair_scores, EvaluatedRow, Pairing};
    use podium::policy::stats::compare_paired;

    /// `n` rows with unique request ids, in an order shifted by `shift`, scored 0, 0.5 or 1
    /// (ties, as a judge's scale gives them).
    fn rows(n: usize, shift: usize) -> Vec<EvaluatedRow> {
        (0..n)
            .map(|i| EvaluatedRow {
                request_id: Some(format!("req-{:06}", (i * 7 + shift) % n)),
                inputs: Some(format!("{{\"question\": \"q{i}\"}}")),
                scores: [("s".to_owned(), ((i * 31 + shift) % 3) as f64 / 2.0)].into(),
            })
            .collect()
    }

    fn bench(c: &mut Criterion) {
        let mut group = c.benchmark_group("per_row");
        group.sample_size(10);
        for n in [500, 5_000] {
            let (candidate, baseline) = (rows(n, 3), rows(n, 0));
            group.bench_with_input(BenchmarkId::new("pair", n), &n, |b, _| {
                b.iter(|| pair_scores(&candidate, &baseline, "s"))
            });
            let Pairing::Paired {
                candidate: c,
                baseline: h,
                ..
            } = pair_scores(&candidate, &baseline, "s")
            else {
                panic!("the rows pair on their request ids");
            };
            group.bench_with_input(BenchmarkId::new("compare", n), &n, |b, _| {
                b.iter(|| compare_paired(&c, &h))
            });
        }
        group.finish();
    }

    criterion_group!(benches, bench);
}
