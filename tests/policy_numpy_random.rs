//! NumPy's `default_rng(0)` stream, draw for draw: the state it starts from, its 64-bit outputs
//! and `integers(0, n)` as a bootstrap draws them (NumPy's own values, captured by
//! scripts/capture_stats_cases.py into tests/fixtures/stats_cases.json).

use podium::policy::numpy_random::DefaultRng;
use serde_json::Value;

fn draws() -> Value {
    let all: Value = serde_json::from_str(include_str!("fixtures/stats_cases.json")).unwrap();
    all["numpy_draws"].clone()
}

fn big(v: &Value) -> u128 {
    v.as_str().unwrap().parse().unwrap()
}

#[test]
fn the_first_64_bit_outputs_are_numpys() {
    let want = draws();
    let mut rng = DefaultRng::new(0);
    let first: Vec<u128> = want["first_u64"]
        .as_array()
        .unwrap()
        .iter()
        .map(big)
        .collect();
    let got: Vec<u128> = (0..first.len())
        .map(|_| u128::from(rng.next_u64()))
        .collect();
    assert_eq!(got, first);
}

#[test]
fn bounded_draws_are_numpys_across_calls_and_sizes() {
    // One stream, 11 draws per size: an odd count leaves half a 64-bit output buffered for
    // the next size, as NumPy's generator does between calls.
    let mut rng = DefaultRng::new(0);
    for case in draws()["integers"].as_array().unwrap() {
        let n = case["n"].as_u64().unwrap() as usize;
        let want: Vec<usize> = case["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        let got: Vec<usize> = (0..want.len()).map(|_| rng.below(n)).collect();
        assert_eq!(got, want, "integers(0, {n})");
    }
}

#[test]
fn other_seeds_give_other_streams() {
    let mut zero = DefaultRng::new(0);
    let mut one = DefaultRng::new(1);
    let a: Vec<u64> = (0..4).map(|_| zero.next_u64()).collect();
    let b: Vec<u64> = (0..4).map(|_| one.next_u64()).collect();
    assert_ne!(a, b);
}
