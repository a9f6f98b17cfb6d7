//! Is a candidate's gain over the champion more than noise? Per-row scores of two evaluations
//! compared with the usual tests: pure, deterministic (a fixed bootstrap seed), native-tested
//! against SciPy and statsmodels (`tests/policy_stats.rs`, `scripts/capture_stats_cases.py`).
//!
//! - Paired rows (both versions scored the same dataset records): the mean difference, a
//!   95 % paired-bootstrap interval, and McNemar's exact test for pass/fail scores (every score
//!   0 or 1) or Wilcoxon's signed-rank test for numeric ones; the effect size is the
//!   matched-pairs rank-biserial correlation (for pass/fail: `(b − c) / (b + c)` over the
//!   discordant pairs).
//! - Unpaired rows (no common records): the difference of means, a 95 % bootstrap interval
//!   resampling each side on its own, the Mann–Whitney U test, and the rank-biserial
//!   correlation.
//!
//! "Within noise" means the interval contains zero.

/// Bootstrap resamples for an interval: the bounds then agree with SciPy's (another
/// generator, 50 000 resamples) within 1.5 % of the interval's width on the reference cases.
pub const RESAMPLES: usize = 10_000;

/// The bootstrap's fixed seed: the same rows always give the same interval.
const SEED: u64 = 0x005E_ED0F_90D1_0000;

/// Which test gave the p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    /// McNemar's exact (binomial) test on the discordant pairs of pass/fail scores.
    McNemar,
    /// Wilcoxon's signed-rank test on the paired differences (zero differences dropped).
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
    /// Rank-biserial correlation in [-1, 1]; positive when the candidate scores higher.
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

/// Compares paired scores: `candidate[i]` and `baseline[i]` are the same record. `None` without
/// at least two pairs, with unequal lengths, or with a non-finite score.
pub fn compare_paired(candidate: &[f64], baseline: &[f64]) -> Option<RowComparison> {
    if candidate.len() != baseline.len() || candidate.len() < 2 || !all_finite(candidate, baseline)
    {
        return None;
    }
    let n = candidate.len();
    let differences: Vec<f64> = candidate.iter().zip(baseline).map(|(c, b)| c - b).collect();
    let (p_value, test, effect_size) = if is_pass_fail(candidate) && is_pass_fail(baseline) {
        let b = candidate
            .iter()
            .zip(baseline)
            .filter(|(c, b)| **c > **b)
            .count();
        let c = candidate
            .iter()
            .zip(baseline)
            .filter(|(c, b)| **c < **b)
            .count();
        let effect = if b + c == 0 {
            0.0
        } else {
            (b as f64 - c as f64) / (b + c) as f64
        };
        (mcnemar_exact(b, c), Test::McNemar, effect)
    } else {
        let (p, effect) = wilcoxon(&differences);
        (p, Test::Wilcoxon, effect)
    };
    let mut rng = Rng(SEED);
    let mut means: Vec<f64> = (0..RESAMPLES)
        .map(|_| (0..n).map(|_| differences[rng.below(n)]).sum::<f64>() / n as f64)
        .collect();
    let interval = percentile_interval(&mut means);
    Some(RowComparison {
        paired: true,
        n,
        n_baseline: n,
        candidate_mean: mean(candidate),
        baseline_mean: mean(baseline),
        difference: mean(&differences),
        interval,
        p_value,
        test,
        effect_size,
    })
}

/// Compares scores that could not be paired (no common records). `None` without at least two
/// scores on each side or with a non-finite score.
pub fn compare_unpaired(candidate: &[f64], baseline: &[f64]) -> Option<RowComparison> {
    if candidate.len() < 2 || baseline.len() < 2 || !all_finite(candidate, baseline) {
        return None;
    }
    let (n, m) = (candidate.len(), baseline.len());
    let (p_value, effect_size) = mann_whitney(candidate, baseline);
    let mut rng = Rng(SEED);
    let mut differences: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            let c = (0..n).map(|_| candidate[rng.below(n)]).sum::<f64>() / n as f64;
            let b = (0..m).map(|_| baseline[rng.below(m)]).sum::<f64>() / m as f64;
            c - b
        })
        .collect();
    let interval = percentile_interval(&mut differences);
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

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// McNemar's exact test: two-sided binomial test of `b` against `b + c` trials at 1/2
/// (statsmodels' `mcnemar(exact=True)`).
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
fn ranks(values: &[f64]) -> (Vec<f64>, f64) {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_unstable_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut ties = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start;
        while end + 1 < order.len() && values[order[end + 1]] == values[order[start]] {
            end += 1;
        }
        let rank = (start + end) as f64 / 2.0 + 1.0;
        for &i in &order[start..=end] {
            ranks[i] = rank;
        }
        let t = (end - start + 1) as f64;
        ties += t * t * t - t;
        start = end + 1;
    }
    (ranks, ties)
}

/// Wilcoxon's signed-rank test, two-sided, zero differences dropped, as SciPy's `wilcoxon`
/// decides by default: the exact distribution for up to 50 differences without ties or zeros;
/// for up to 13 with ties or zeros, every sign assignment enumerated; else the normal
/// approximation with the tie correction. Returns the p-value and the matched-pairs
/// rank-biserial correlation `(T+ − T−) / (T+ + T−)`.
fn wilcoxon(differences: &[f64]) -> (f64, f64) {
    let nonzero: Vec<f64> = differences.iter().copied().filter(|d| *d != 0.0).collect();
    let n = nonzero.len();
    if n == 0 {
        return (1.0, 0.0);
    }
    let zeros = differences.len() - n;
    let magnitudes: Vec<f64> = nonzero.iter().map(|d| d.abs()).collect();
    let (ranks, ties) = ranks(&magnitudes);
    let plus: f64 = nonzero
        .iter()
        .zip(&ranks)
        .filter(|(d, _)| **d > 0.0)
        .map(|(_, r)| r)
        .sum();
    let total = (n * (n + 1)) as f64 / 2.0;
    let effect = (2.0 * plus - total) / total;
    let p = if differences.len() <= 50 && ties == 0.0 && zeros == 0 {
        signed_rank_exact(n, plus)
    } else if differences.len() <= 13 {
        signed_rank_enumerated(&ranks, plus)
    } else {
        let mean = total / 2.0;
        let variance = (n * (n + 1) * (2 * n + 1)) as f64 / 24.0 - ties / 48.0;
        if variance <= 0.0 {
            return (1.0, effect);
        }
        let z = (plus - mean) / variance.sqrt();
        (2.0 * normal_upper(z.abs())).min(1.0)
    };
    (p, effect)
}

/// Two-sided p-value of `t_plus` over all 2ⁿ sign assignments of `ranks` (tied ranks allowed).
fn signed_rank_enumerated(ranks: &[f64], t_plus: f64) -> f64 {
    let n = ranks.len();
    let tolerance = 1e-9 * t_plus.abs().max(1.0);
    let (mut at_least, mut at_most) = (0u32, 0u32);
    for mask in 0u32..1 << n {
        let sum: f64 = (0..n)
            .filter(|i| mask >> i & 1 == 1)
            .map(|i| ranks[i])
            .sum();
        at_least += u32::from(sum >= t_plus - tolerance);
        at_most += u32::from(sum <= t_plus + tolerance);
    }
    let all = f64::from(1u32 << n);
    (2.0 * (f64::from(at_least) / all).min(f64::from(at_most) / all)).min(1.0)
}

/// Two-sided exact p-value of the signed-rank statistic `t_plus` with `n` ranks 1..=n: the
/// number of sign assignments at least as extreme, over 2ⁿ.
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
    let t = t_plus.round() as usize;
    let lower: f64 = counts[..=t.min(max)].iter().sum::<f64>() / total;
    let upper: f64 = counts[t.min(max)..].iter().sum::<f64>() / total;
    (2.0 * lower.min(upper)).min(1.0)
}

/// The Mann–Whitney U test, two-sided, as SciPy's `mannwhitneyu` decides by default: the
/// exact distribution when both sides have fewer than 8 scores and there are no ties, else the
/// normal approximation with tie and continuity corrections. Returns the p-value and the
/// rank-biserial correlation `2U / (n·m) − 1` (positive when `a` tends to be larger).
fn mann_whitney(a: &[f64], b: &[f64]) -> (f64, f64) {
    let (n, m) = (a.len() as f64, b.len() as f64);
    let all: Vec<f64> = a.iter().chain(b).copied().collect();
    let (ranks, ties) = ranks(&all);
    let rank_sum_a: f64 = ranks[..a.len()].iter().sum();
    let u = rank_sum_a - n * (n + 1.0) / 2.0;
    let effect = 2.0 * u / (n * m) - 1.0;
    if a.len() < 8 && b.len() < 8 && ties == 0.0 {
        return (rank_sum_exact(a.len(), b.len(), u), effect);
    }
    let mean = n * m / 2.0;
    let total = n + m;
    let variance = n * m / 12.0 * ((total + 1.0) - ties / (total * (total - 1.0)));
    if variance <= 0.0 {
        return (1.0, effect);
    }
    let z = ((u - mean).abs() - 0.5).max(0.0) / variance.sqrt();
    ((2.0 * normal_upper(z)).min(1.0), effect)
}

/// Two-sided exact p-value of U for samples of `n` and `m` without ties: 2·P(U ≥ max(u, nm − u)).
fn rank_sum_exact(n: usize, m: usize, u: f64) -> f64 {
    let max = n * m;
    // ways[j][k]: orderings of j scores of one side among k of the other with U = s, as
    // ways[j][k][s]; built from (j − 1, k) (the largest score is from the first side, adding k)
    // and (j, k − 1).
    let mut ways = vec![vec![vec![0.0f64; max + 1]; m + 1]; n + 1];
    for j in 0..=n {
        for k in 0..=m {
            if j == 0 || k == 0 {
                ways[j][k][0] = 1.0;
                continue;
            }
            for s in 0..=j * k {
                let with_first = if s >= k { ways[j - 1][k][s - k] } else { 0.0 };
                ways[j][k][s] = with_first + ways[j][k - 1][s];
            }
        }
    }
    let counts = &ways[n][m];
    let all: f64 = counts.iter().sum();
    let high = u.max(max as f64 - u).round() as usize;
    (2.0 * counts[high..].iter().sum::<f64>() / all).min(1.0)
}

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

/// The 2.5th and 97.5th percentiles with linear interpolation (NumPy's default).
fn percentile_interval(values: &mut [f64]) -> (f64, f64) {
    values.sort_unstable_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (values.len() - 1) as f64;
        let (i, frac) = (pos.floor() as usize, pos.fract());
        let next = values[(i + 1).min(values.len() - 1)];
        values[i] + (next - values[i]) * frac
    };
    (at(0.025), at(0.975))
}

/// SplitMix64: small, fast and fixed, so intervals are reproducible everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2⁻³² for these sizes).
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }
}
