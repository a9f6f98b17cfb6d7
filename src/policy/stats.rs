//! Is a candidate's gain over the champion more than noise? Per-row scores of two evaluations
//! compared with the usual tests: pure, deterministic (a fixed bootstrap seed).
//!
//! - Paired rows (both versions scored the same rows): as MLflow 3.18's
//!   `mlflow.genai.compare_evaluations` computes them (its `paired_comparison.py` and
//!   `significance_tests.py`): the mean difference; a 95 % BCa bootstrap interval of it (10 000
//!   resamples); McNemar's test when every score is 0 or 1 (exact below 25 discordant pairs,
//!   else χ² with continuity correction), otherwise Wilcoxon's signed-rank test on the non-zero
//!   differences (exact up to 50 of them, rounding a tied statistic the conservative way as
//!   SciPy does, else the normal approximation with the tie correction); Cohen's d_z as the
//!   effect size; at least 6 pairs, the fewest with which a result can be significant at 0.05.
//!   The bootstrap draws what MLflow's draws (NumPy's `default_rng(0)`: [`DefaultRng`]), sums
//!   as NumPy sums and takes SciPy's quantiles, so its bounds are MLflow's, not near them.
//!   Checked against MLflow's own functions (`tests/policy_stats.rs`,
//!   `scripts/capture_stats_cases.py`).
//! - Unpaired rows (no common rows; MLflow compares none): the difference of means, a 95 %
//!   percentile bootstrap interval resampling each side on its own (SciPy's `bootstrap` of two
//!   samples, same generator), the Mann–Whitney U test (its normal approximation, SciPy's
//!   `method="asymptotic"`), and the rank-biserial correlation.
//!
//! "Within noise" means the interval contains zero.

use super::numpy_random::DefaultRng;

/// Bootstrap resamples for an interval (MLflow's `_BOOTSTRAP_RESAMPLES`).
pub const RESAMPLES: usize = 10_000;

/// Fewer pairs than this give no comparison: with 5 no two-sided test can reach p < 0.05.
pub const MIN_PAIRS: usize = 6;

/// McNemar's test is exact below this many discordant pairs (MLflow's threshold).
const MCNEMAR_EXACT_BELOW: usize = 25;
/// Wilcoxon's test is exact up to this many non-zero differences (MLflow's threshold).
const WILCOXON_EXACT_UP_TO: usize = 50;

/// The bootstrap's seed (MLflow's `_BOOTSTRAP_SEED`): the same rows always give the same
/// interval, and MLflow's.
const SEED: u64 = 0;

/// Which test gave the p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    /// McNemar's test on the discordant pairs of pass/fail scores.
    McNemar,
    /// Wilcoxon's signed-rank test on the non-zero paired differences.
    Wilcoxon,
    /// The Mann–Whitney U test, for rows that could not be paired.
    MannWhitney,
}

/// What the comparison says about the candidate against the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Significance {
    /// The interval lies wholly on the better side of zero.
    Win,
    /// The interval lies wholly on the worse side of zero.
    Loss,
    /// The interval contains zero.
    WithinNoise,
}

/// The comparison of one metric's per-row scores: candidate against baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct RowComparison {
    /// Whether the rows were paired record by record.
    pub paired: bool,
    /// Pairs compared (paired), or the candidate's rows (unpaired).
    pub n: usize,
    /// The baseline's rows (equal to `n` when paired).
    pub n_baseline: usize,
    /// The candidate's mean score.
    pub candidate_mean: f64,
    /// The baseline's mean score.
    pub baseline_mean: f64,
    /// `candidate_mean − baseline_mean`.
    pub difference: f64,
    /// The 95 % bootstrap interval of the difference, `(low, high)`.
    pub interval: (f64, f64),
    /// The test's two-sided p-value.
    pub p_value: f64,
    /// Which test.
    pub test: Test,
    /// Paired: Cohen's d_z (mean difference over its standard deviation; NaN when every
    /// difference is the same). Unpaired: the rank-biserial correlation in [-1, 1]. Positive
    /// when the candidate scores higher.
    pub effect_size: f64,
}

impl RowComparison {
    /// Win, loss or within noise, for a metric where higher is better (or lower, if not).
    pub fn significance(&self, greater_is_better: bool) -> Significance {
        let (low, high) = self.interval;
        let (better, worse) = if greater_is_better {
            (low > 0.0, high < 0.0)
        } else {
            (high < 0.0, low > 0.0)
        };
        match (better, worse) {
            (true, _) => Significance::Win,
            (_, true) => Significance::Loss,
            _ => Significance::WithinNoise,
        }
    }
}

/// Compares paired scores: `candidate[i]` and `baseline[i]` are the same row. `None` with fewer
/// than [`MIN_PAIRS`] pairs, unequal lengths, or a non-finite score.
pub fn compare_paired(candidate: &[f64], baseline: &[f64]) -> Option<RowComparison> {
    if candidate.len() != baseline.len()
        || candidate.len() < MIN_PAIRS
        || !all_finite(candidate, baseline)
    {
        return None;
    }
    let n = candidate.len();
    let differences: Vec<f64> = candidate.iter().zip(baseline).map(|(c, b)| c - b).collect();
    let difference = mean(&differences);
    let (p_value, test) = if is_pass_fail(candidate) && is_pass_fail(baseline) {
        let better = differences.iter().filter(|d| **d > 0.0).count();
        let worse = differences.iter().filter(|d| **d < 0.0).count();
        (mcnemar(better, worse), Test::McNemar)
    } else {
        (wilcoxon(&differences), Test::Wilcoxon)
    };
    // Differences equal up to rounding have no spread: resampling can only return them (and
    // the BCa acceleration is undefined), and d_z is undefined.
    let first = differences[0];
    let constant = differences
        .iter()
        .all(|d| (d - first).abs() <= 1e-12 + 1e-9 * first.abs());
    let (interval, effect_size) = if constant {
        ((difference, difference), f64::NAN)
    } else {
        let variance = differences
            .iter()
            .map(|d| (d - difference).powi(2))
            .sum::<f64>()
            / (n - 1) as f64;
        (
            bca_interval(&differences, difference),
            difference / variance.sqrt(),
        )
    };
    Some(RowComparison {
        paired: true,
        n,
        n_baseline: n,
        candidate_mean: mean(candidate),
        baseline_mean: mean(baseline),
        difference,
        interval,
        p_value,
        test,
        effect_size,
    })
}

/// The 95 % bias-corrected and accelerated bootstrap interval of the mean of `differences`
/// (SciPy's `bootstrap(method="BCa")`, as MLflow calls it), or the percentile interval when
/// BCa's is not finite.
fn bca_interval(differences: &[f64], mean: f64) -> (f64, f64) {
    let mut rng = DefaultRng::new(SEED);
    let mut means = resampled_means(differences, &mut rng);
    // Bias: where the sample's mean falls among the resampled ones (ties count half).
    let below = means.iter().filter(|m| **m < mean).count();
    let at_most = means.iter().filter(|m| **m <= mean).count();
    let z0 = normal_quantile((below + at_most) as f64 / (2 * RESAMPLES) as f64);
    // Acceleration, from the jackknife: for the mean, the rows' skewness over six.
    let (cubes, squares) = differences.iter().fold((0.0, 0.0), |(c, s), d| {
        let e = d - mean;
        (c + e * e * e, s + e * e)
    });
    let a = cubes / (6.0 * squares * squares.sqrt());
    let level = |z: f64| {
        let shifted = z0 + z;
        1.0 - normal_upper(z0 + shifted / (1.0 - a * shifted))
    };
    let z = normal_quantile(0.025);
    let (low, high) = (level(z), level(-z));
    if !(low.is_finite() && high.is_finite()) {
        return percentile_interval(&mut means, 0.025, 0.975);
    }
    percentile_interval(&mut means, low, high)
}

/// Compares scores that could not be paired (no common records). `None` without at least two
/// scores on each side or with a non-finite score.
pub fn compare_unpaired(candidate: &[f64], baseline: &[f64]) -> Option<RowComparison> {
    if candidate.len() < 2 || baseline.len() < 2 || !all_finite(candidate, baseline) {
        return None;
    }
    let (n, m) = (candidate.len(), baseline.len());
    let (p_value, effect_size) = mann_whitney(candidate, baseline);
    // SciPy resamples the first sample all through, then the second.
    let mut rng = DefaultRng::new(SEED);
    let candidates = resampled_means(candidate, &mut rng);
    let baselines = resampled_means(baseline, &mut rng);
    let mut differences: Vec<f64> = candidates
        .iter()
        .zip(&baselines)
        .map(|(c, b)| c - b)
        .collect();
    let interval = percentile_interval(&mut differences, 0.025, 0.975);
    Some(RowComparison {
        paired: false,
        n,
        n_baseline: m,
        candidate_mean: mean(candidate),
        baseline_mean: mean(baseline),
        difference: mean(candidate) - mean(baseline),
        interval,
        p_value,
        test: Test::MannWhitney,
        effect_size,
    })
}

fn all_finite(a: &[f64], b: &[f64]) -> bool {
    a.iter().chain(b).all(|x| x.is_finite())
}

fn is_pass_fail(scores: &[f64]) -> bool {
    scores.iter().all(|&x| x == 0.0 || x == 1.0)
}

/// NumPy's mean: its pairwise sum over the length.
fn mean(xs: &[f64]) -> f64 {
    numpy_sum(xs) / xs.len() as f64
}

/// NumPy's sum of contiguous doubles (`pairwise_sum`): straight below 8 values, eight running
/// sums up to 128, halves (at a multiple of 8) above. Summed in another order, a resample's
/// mean can miss the sample's by one ulp, and BCa's bias counts exact ties.
fn numpy_sum(xs: &[f64]) -> f64 {
    let n = xs.len();
    if n < 8 {
        return xs.iter().fold(0.0, |sum, x| sum + x);
    }
    if n <= 128 {
        let mut r: [f64; 8] = std::array::from_fn(|j| xs[j]);
        let whole = n - n % 8;
        for chunk in xs[8..whole].chunks_exact(8) {
            for (sum, x) in r.iter_mut().zip(chunk) {
                *sum += x;
            }
        }
        let head = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        return xs[whole..].iter().fold(head, |sum, x| sum + x);
    }
    let half = n / 2;
    let half = half - half % 8;
    numpy_sum(&xs[..half]) + numpy_sum(&xs[half..])
}

/// The means of [`RESAMPLES`] resamples of `xs` with replacement, drawn as SciPy's
/// `bootstrap` draws them (`rng.integers(0, n, (resamples, n))`, row by row).
fn resampled_means(xs: &[f64], rng: &mut DefaultRng) -> Vec<f64> {
    let n = xs.len();
    let mut resample = vec![0.0; n];
    (0..RESAMPLES)
        .map(|_| {
            for x in resample.iter_mut() {
                *x = xs[rng.below(n)];
            }
            mean(&resample)
        })
        .collect()
}

/// McNemar's test on `b` pairs that got better and `c` that got worse, two-sided, as MLflow
/// 3.18 decides: the exact binomial test below 25 discordant pairs, else the χ² test with
/// continuity correction.
pub fn mcnemar(b: usize, c: usize) -> f64 {
    let n = b + c;
    if n < MCNEMAR_EXACT_BELOW {
        return mcnemar_exact(b, c);
    }
    let statistic = (b.abs_diff(c) as f64 - 1.0).powi(2) / n as f64;
    // The χ²(1) upper tail: P(|Z| > √x).
    (2.0 * normal_upper(statistic.sqrt())).min(1.0)
}

/// McNemar's exact test: two-sided binomial test of `b` against `b + c` trials at 1/2
/// (statsmodels' `mcnemar(exact=True)`, SciPy's `binomtest`).
pub fn mcnemar_exact(b: usize, c: usize) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    // P(X ≤ min(b, c)) for X ~ Binomial(n, 1/2), summed in logs to stay finite for large n.
    let k = b.min(c);
    let ln_half_n = n as f64 * 0.5f64.ln();
    let mut ln_choose = 0.0; // ln C(n, 0)
    let mut tail = 0.0;
    for i in 0..=k {
        if i > 0 {
            ln_choose += ((n - i + 1) as f64).ln() - (i as f64).ln();
        }
        tail += (ln_choose + ln_half_n).exp();
    }
    (2.0 * tail).min(1.0)
}

/// Average ranks (1-based) of `values`, ties sharing the mean of their positions; and the
/// tie-correction term Σ(t³ − t) over groups of t equal values.
///
/// Ranks are found in a sorted copy by binary search.
fn ranks(values: &[f64]) -> (Vec<f64>, f64) {
    let mut sorted = values.to_vec();
    sort(&mut sorted);
    // Positions `start..end` of the values equal to `x` in `sorted`.
    let span = |x: f64| {
        let start = sorted.partition_point(|v| *v < x);
        let end = sorted.partition_point(|v| *v <= x);
        (start, end)
    };
    let ranks = values
        .iter()
        .map(|&x| {
            let (start, end) = span(x);
            (start + end + 1) as f64 / 2.0
        })
        .collect();
    let mut ties = 0.0;
    let mut start = 0;
    while start < sorted.len() {
        let end = span(sorted[start]).1;
        let t = (end - start) as f64;
        ties += t * t * t - t;
        start = end;
    }
    (ranks, ties)
}

/// Sorts floats in IEEE total order (`-0.0` before `0.0`; never NaN here).
fn sort(values: &mut [f64]) {
    values.sort_unstable_by(f64::total_cmp);
}

/// Wilcoxon's signed-rank test, two-sided, on the non-zero differences, as MLflow 3.18 runs
/// SciPy's: the exact distribution up to 50 of them (with tied ranks, the statistic rounded
/// down for the upper tail and up for the lower one), else the normal approximation with the
/// tie correction and no continuity correction. No non-zero difference: p = 1.
fn wilcoxon(differences: &[f64]) -> f64 {
    let nonzero: Vec<f64> = differences.iter().copied().filter(|d| *d != 0.0).collect();
    let n = nonzero.len();
    if n == 0 {
        return 1.0;
    }
    let magnitudes: Vec<f64> = nonzero.iter().map(|d| d.abs()).collect();
    let (ranks, ties) = ranks(&magnitudes);
    let plus: f64 = nonzero
        .iter()
        .zip(&ranks)
        .filter(|(d, _)| **d > 0.0)
        .map(|(_, r)| r)
        .sum();
    if n <= WILCOXON_EXACT_UP_TO {
        return signed_rank_exact(n, plus);
    }
    let mean = (n * (n + 1)) as f64 / 4.0;
    let variance = (n * (n + 1) * (2 * n + 1)) as f64 / 24.0 - ties / 48.0;
    if variance <= 0.0 {
        return 1.0;
    }
    let z = (plus - mean) / variance.sqrt();
    (2.0 * normal_upper(z.abs())).min(1.0)
}

/// Two-sided exact p-value of the signed-rank statistic `t_plus` with `n` ranks 1..=n:
/// `2 · min(P(T ≥ ⌊t⌋), P(T ≤ ⌈t⌉))` over the 2ⁿ sign assignments (SciPy's rule for a
/// statistic made fractional by tied ranks).
fn signed_rank_exact(n: usize, t_plus: f64) -> f64 {
    let max = n * (n + 1) / 2;
    // counts[s]: subsets of {1..n} summing to s (exact in f64 up to 2⁵³).
    let mut counts = vec![0.0f64; max + 1];
    counts[0] = 1.0;
    for k in 1..=n {
        for s in (k..=max).rev() {
            counts[s] += counts[s - k];
        }
    }
    let total = 2f64.powi(n as i32);
    let (floor, ceil) = (t_plus.floor() as usize, t_plus.ceil() as usize);
    let upper: f64 = counts[floor.min(max)..].iter().sum::<f64>() / total;
    let lower: f64 = counts[..=ceil.min(max)].iter().sum::<f64>() / total;
    (2.0 * lower.min(upper)).min(1.0)
}

/// The Mann–Whitney U test, two-sided, by the normal approximation with tie and continuity
/// corrections (SciPy's `mannwhitneyu(method="asymptotic")`; unpaired rows come from
/// evaluations of dozens of rows or more, where SciPy's default agrees). Returns the p-value
/// and the rank-biserial correlation `2U / (n·m) − 1` (positive when `a` tends to be larger).
fn mann_whitney(a: &[f64], b: &[f64]) -> (f64, f64) {
    let (n, m) = (a.len() as f64, b.len() as f64);
    let all: Vec<f64> = a.iter().chain(b).copied().collect();
    let (ranks, ties) = ranks(&all);
    let rank_sum_a: f64 = ranks[..a.len()].iter().sum();
    let u = rank_sum_a - n * (n + 1.0) / 2.0;
    let effect = 2.0 * u / (n * m) - 1.0;
    let mean = n * m / 2.0;
    let total = n + m;
    let variance = n * m / 12.0 * ((total + 1.0) - ties / (total * (total - 1.0)));
    if variance <= 0.0 {
        return (1.0, effect);
    }
    let z = ((u - mean).abs() - 0.5).max(0.0) / variance.sqrt();
    ((2.0 * normal_upper(z)).min(1.0), effect)
}

/// The standard normal quantile: z with P(Z ≤ z) = `p` (Acklam's rational approximation and
/// one Halley step on [`normal_upper`]); ±∞ at 0 and 1, NaN outside [0, 1].
pub fn normal_quantile(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let horner = |c: &[f64], x: f64| c.iter().fold(0.0, |acc, &k| acc * x + k);
    let tail = |q: f64| horner(&QUANTILE_C, q) / (horner(&QUANTILE_D, q) * q + 1.0);
    let x = if p < 0.024_25 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.024_25 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        horner(&QUANTILE_A, r) * q / (horner(&QUANTILE_B, r) * r + 1.0)
    };
    // Halley's step on e = Φ(x) − p (Φ(x) from the tail on its side, to keep its digits).
    let phi = if x < 0.0 {
        normal_upper(-x)
    } else {
        1.0 - normal_upper(x)
    };
    let e = phi - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

// P. J. Acklam's coefficients (2003), highest power first.
const QUANTILE_A: [f64; 6] = [
    -3.969_683_028_665_376e1,
    2.209_460_984_245_205e2,
    -2.759_285_104_469_687e2,
    1.383_577_518_672_69e2,
    -3.066_479_806_614_716e1,
    2.506_628_277_459_239,
];
const QUANTILE_B: [f64; 5] = [
    -5.447_609_879_822_406e1,
    1.615_858_368_580_409e2,
    -1.556_989_798_598_866e2,
    6.680_131_188_771_972e1,
    -1.328_068_155_288_572e1,
];
const QUANTILE_C: [f64; 6] = [
    -7.784_894_002_430_293e-3,
    -3.223_964_580_411_365e-1,
    -2.400_758_277_161_838,
    -2.549_732_539_343_734,
    4.374_664_141_464_968,
    2.938_163_982_698_783,
];
const QUANTILE_D: [f64; 4] = [
    7.784_695_709_041_462e-3,
    3.224_671_290_700_398e-1,
    2.445_134_137_142_996,
    3.754_408_661_907_416,
];

/// P(Z > z) for a standard normal Z.
pub fn normal_upper(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// The complementary error function for x ≥ 0 (W. J. Cody's rational Chebyshev
/// approximations, relative error below 1e-15).
fn erfc(x: f64) -> f64 {
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x <= 0.468_75 {
        return 1.0 - erf_small(x);
    }
    if x > 27.0 {
        return 0.0;
    }
    let (p, q): (&[f64], &[f64]) = if x < 4.0 {
        (&ERFC_MID_P, &ERFC_MID_Q)
    } else {
        (&ERFC_LARGE_P, &ERFC_LARGE_Q)
    };
    let ratio = if x < 4.0 {
        rational(x, p, q)
    } else {
        let z = 1.0 / (x * x);
        (FRAC_1_SQRT_PI - z * rational(z, p, q)) / x
    };
    // exp(-x²) split to keep precision: x² = xs² + (x − xs)(x + xs), xs = x rounded to 1/16.
    let xs = (x * 16.0).trunc() / 16.0;
    let del = (x - xs) * (x + xs);
    (-xs * xs).exp() * (-del).exp() * ratio
}

/// 1/√π.
const FRAC_1_SQRT_PI: f64 = std::f64::consts::FRAC_2_SQRT_PI / 2.0;

/// erf(x) for |x| ≤ 0.46875.
fn erf_small(x: f64) -> f64 {
    let z = x * x;
    x * rational(z, &ERF_SMALL_P, &ERF_SMALL_Q)
}

/// Σ p[i] xⁱ / Σ q[i] xⁱ (coefficients from the highest power down).
fn rational(x: f64, p: &[f64], q: &[f64]) -> f64 {
    let horner = |c: &[f64]| c.iter().fold(0.0, |acc, &k| acc * x + k);
    horner(p) / horner(q)
}

// Cody (1969), "Rational Chebyshev approximations for the error function", as in his CALERF
// (the digits as published, more than an f64 keeps).
#[allow(clippy::excessive_precision)]
const ERF_SMALL_P: [f64; 5] = [
    1.857_777_061_846_031_5e-1,
    3.161_123_743_870_565_6,
    1.138_641_541_510_501_6e2,
    3.774_852_376_853_020_2e2,
    3.209_377_589_138_469_5e3,
];
#[allow(clippy::excessive_precision)]
const ERF_SMALL_Q: [f64; 5] = [
    1.0,
    2.360_129_095_234_412_1e1,
    2.440_246_379_344_441_7e2,
    1.282_616_526_077_372_3e3,
    2.844_236_833_439_170_6e3,
];
#[allow(clippy::excessive_precision)]
const ERFC_MID_P: [f64; 9] = [
    2.153_115_354_744_038_5e-8,
    5.641_884_969_886_700_9e-1,
    8.883_149_794_388_375_9,
    6.611_919_063_714_163e1,
    2.986_351_381_974_001_3e2,
    8.819_522_212_417_690_9e2,
    1.712_047_612_634_070_7e3,
    2.051_078_377_826_071_6e3,
    1.230_339_354_797_997_2e3,
];
#[allow(clippy::excessive_precision)]
const ERFC_MID_Q: [f64; 9] = [
    1.0,
    1.574_492_611_070_983_5e1,
    1.176_939_508_913_125e2,
    5.371_811_018_620_098_6e2,
    1.621_389_574_566_690_3e3,
    3.290_799_235_733_459_7e3,
    4.362_619_090_143_247e3,
    3.439_367_674_143_721_6e3,
    1.230_339_354_803_749_4e3,
];
#[allow(clippy::excessive_precision)]
const ERFC_LARGE_P: [f64; 6] = [
    1.631_538_713_730_209_8e-2,
    3.053_266_349_612_323_4e-1,
    3.603_448_999_498_044_4e-1,
    1.257_817_261_112_292_5e-1,
    1.608_378_514_874_227_7e-2,
    6.587_491_615_298_378_5e-4,
];
#[allow(clippy::excessive_precision)]
const ERFC_LARGE_Q: [f64; 6] = [
    1.0,
    2.568_520_192_289_822_4,
    1.872_952_849_923_460_4,
    5.279_051_029_514_284_6e-1,
    6.051_834_131_244_131_9e-2,
    2.335_204_976_268_691_8e-3,
];

/// The `low` and `high` quantiles (fractions), interpolated linearly as SciPy's
/// `stats.quantile(method="linear")` does (Hyndman and Fan's 7th definition, in its form).
fn percentile_interval(values: &mut [f64], low: f64, high: f64) -> (f64, f64) {
    sort(values);
    let n = values.len() as f64;
    let at = |p: f64| {
        let jg = p * n + (1.0 - p);
        let j = jg.floor() - 1.0;
        let g = if j < 0.0 { 0.0 } else { jg % 1.0 };
        let index = |i: f64| i.clamp(0.0, n - 1.0) as usize;
        (1.0 - g) * values[index(j)] + g * values[index(j + 1.0)]
    };
    (at(low), at(high))
}
