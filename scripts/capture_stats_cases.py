"""Reference values for src/policy/stats.rs from SciPy and statsmodels, written to
tests/fixtures/stats_cases.json (read by tests/policy_stats.rs).

Not part of the test run (SciPy is not a project dependency). To regenerate:

    python3 -m venv /tmp/statsvenv && /tmp/statsvenv/bin/pip install scipy numpy statsmodels
    /tmp/statsvenv/bin/python scripts/capture_stats_cases.py

Cases: LLM-judge-like scores (continuous, and on a 5-point scale with many ties), pass/fail
scores, small and large samples, paired and unpaired. Each records the inputs and SciPy's
(or statsmodels') p-value, and for intervals SciPy's percentile bootstrap with many resamples
(Podium's own bootstrap uses another generator: the tests allow for the Monte Carlo error).
"""

import json
import pathlib

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar

rng = np.random.default_rng(20261129)
cases = []


def paired_numeric(name, n, shift, scale5=False):
    base = rng.beta(5, 2, n)
    cand = np.clip(base + shift + rng.normal(0, 0.08, n), 0, 1)
    if scale5:
        base, cand = np.round(base * 4) / 4, np.round(cand * 4) / 4
    base, cand = [float(x) for x in base], [float(x) for x in cand]
    res = stats.wilcoxon(cand, base)  # SciPy's defaults, as Podium mirrors them
    d = np.array(cand) - np.array(base)
    boot = stats.bootstrap((d,), np.mean, method="percentile", n_resamples=50000,
                           random_state=1)
    cases.append({"name": name, "kind": "paired", "candidate": cand, "baseline": base,
                  "p_value": float(res.pvalue), "test": "Wilcoxon",
                  "interval": [float(boot.confidence_interval.low),
                               float(boot.confidence_interval.high)]})


def paired_pass_fail(name, n, p_base, p_cand):
    base = (rng.random(n) < p_base).astype(float)
    # Correlated with the baseline, as two versions on the same rows are.
    flip = rng.random(n) < 0.25
    cand = np.where(flip, (rng.random(n) < p_cand).astype(float), base)
    b = int(np.sum((cand == 1) & (base == 0)))
    c = int(np.sum((cand == 0) & (base == 1)))
    p = mcnemar([[0, b], [c, 0]], exact=True).pvalue
    d = cand - base
    boot = stats.bootstrap((d,), np.mean, method="percentile", n_resamples=50000,
                           random_state=1)
    cases.append({"name": name, "kind": "paired", "candidate": [float(x) for x in cand],
                  "baseline": [float(x) for x in base], "p_value": float(p), "test": "McNemar",
                  "interval": [float(boot.confidence_interval.low),
                               float(boot.confidence_interval.high)]})


def unpaired(name, n, m, shift, scale5=False):
    a = np.clip(rng.beta(5, 2, n) + shift, 0, 1)
    b = rng.beta(5, 2, m)
    if scale5:
        a, b = np.round(a * 4) / 4, np.round(b * 4) / 4
    res = stats.mannwhitneyu(a, b)  # SciPy's defaults
    boot = stats.bootstrap((a, b), lambda x, y: np.mean(x) - np.mean(y), method="percentile",
                           n_resamples=50000, random_state=1)
    cases.append({"name": name, "kind": "unpaired", "candidate": [float(x) for x in a],
                  "baseline": [float(x) for x in b], "p_value": float(res.pvalue),
                  "test": "MannWhitney",
                  "interval": [float(boot.confidence_interval.low),
                               float(boot.confidence_interval.high)]})


paired_numeric("exact, 12 rows, clear gain", 12, 0.15)
paired_numeric("exact, 40 rows, small gain", 40, 0.01)
paired_numeric("exact, 50 rows, no gain", 50, 0.0)
paired_numeric("approx, 300 rows, small gain", 300, 0.012)
paired_numeric("approx, 300 rows, 5-point scale with ties and zeros", 300, 0.05, scale5=True)
paired_numeric("enumerated, 12 rows, 5-point scale with ties", 12, 0.1, scale5=True)
paired_numeric("approx, 800 rows, clear loss", 800, -0.03)
paired_pass_fail("McNemar, 200 rows, within noise", 200, 0.8, 0.82)
paired_pass_fail("McNemar, 500 rows, clear gain", 500, 0.6, 0.9)
paired_pass_fail("McNemar, 30 rows", 30, 0.5, 0.6)
unpaired("exact, 6 and 7 rows", 6, 7, 0.1)
unpaired("asymptotic, 150 and 170 rows", 150, 170, 0.02)
unpaired("asymptotic, 5-point scale with ties", 120, 100, 0.08, scale5=True)

# The standard normal tail, for the erfc behind the approximations.
normal = [{"z": z, "upper": float(stats.norm.sf(z))}
          for z in [0.0, 0.1, 0.46875, 0.5, 1.0, 1.959963984540054, 2.5, 3.9, 4.0, 4.5, 6.0,
                    8.0, 10.0, 20.0, 37.0]]
# McNemar's exact test on chosen discordant counts.
mcnemar_cases = [{"b": b, "c": c, "p_value": float(mcnemar([[0, b], [c, 0]], exact=True).pvalue)}
                 for b, c in [(0, 0), (0, 5), (5, 0), (3, 7), (10, 10), (40, 60), (0, 1000),
                              (480, 520), (1, 30)]]

out = {"generator": f"scipy {scipy.__version__}, statsmodels {statsmodels.__version__}, "
                    "scripts/capture_stats_cases.py",
       "cases": cases, "normal": normal, "mcnemar": mcnemar_cases}
path = pathlib.Path(__file__).resolve().parent.parent / "tests/fixtures/stats_cases.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {len(cases)} cases to {path}")
