"""Reference values for src/policy/stats.rs, written to tests/fixtures/stats_cases.json (read by
tests/policy_stats.rs): paired comparisons from MLflow 3.18's own `compare_evaluations`
statistics, unpaired ones and the normal distribution from SciPy.

Not part of the test run. To regenerate (the project's venv has NumPy and SciPy; MLflow 3.18.0
cannot be installed from the registry here, its `mlflow-skinny==3.18.0` is missing, so its
wheel is downloaded on its own and only its statistics module is loaded, which needs nothing
but NumPy and SciPy):

    .venv/bin/python scripts/capture_stats_cases.py

Paired cases: what `mlflow.genai.evaluation.comparison.paired_comparison._compare_paired_values`
reports (mean difference, BCa interval, McNemar or Wilcoxon p-value, Cohen's d_z), computed
with the functions of MLflow's `significance_tests.py` — its bootstrap with its own generator,
`np.random.default_rng(0)`, which Podium reproduces draw for draw. They include LLM-judge-like
scores (continuous; on a 0.1 grid; on 5-point, 3-point and 1-to-5 scales with ties and zeros),
pass/fail scores, row counts from MLflow's minimum of 6 to 1 000 (either side of NumPy's
pairwise-sum block of 128), and the demo model judged_agent's pairs, paired by their inputs
from the captured traces (tests/fixtures/traces_search_judged_v*.json). Unpaired cases: SciPy's
Mann–Whitney test and its two-sample percentile bootstrap with the same generator.

Also NumPy's own draws (`numpy_draws`): the PCG64 state `default_rng(0)` starts from, its first
64-bit outputs, and `integers(0, n)` for several n, interleaved as a bootstrap draws them
(tests/policy_numpy_random.rs).
"""

import importlib.util
import json
import pathlib
import subprocess
import sys
import zipfile

import numpy as np
import scipy
from scipy import special, stats

ROOT = pathlib.Path(__file__).resolve().parent.parent
WHEEL_DIR = ROOT / ".data" / "mlflow-3.18.0-wheel"
MODULE = "mlflow/genai/evaluation/comparison/significance_tests.py"


def mlflow_significance_tests():
    """MLflow 3.18.0's significance_tests.py, from its wheel on PyPI (downloaded once)."""
    wheels = list(WHEEL_DIR.glob("mlflow-3.18.0-*.whl"))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                        "mlflow==3.18.0", "-d", str(WHEEL_DIR)], check=True)
        wheels = list(WHEEL_DIR.glob("mlflow-3.18.0-*.whl"))
    source = WHEEL_DIR / "significance_tests.py"
    with zipfile.ZipFile(wheels[0]) as wheel:
        source.write_bytes(wheel.read(MODULE))
    spec = importlib.util.spec_from_file_location("mlflow_significance_tests", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tests = mlflow_significance_tests()
rng = np.random.default_rng(20261129)
cases = []


def mlflow_paired(name, cand, base):
    """What MLflow 3.18's `_compare_paired_values` reports for these pairs."""
    cand, base = np.asarray(cand, dtype=float), np.asarray(base, dtype=float)
    binary = bool(np.isin(np.concatenate([base, cand]), (0.0, 1.0)).all())
    deltas = cand - base
    diff = float(deltas.mean())
    constant = np.allclose(deltas, deltas[0], rtol=1e-9, atol=1e-12)
    std = 0.0 if constant else float(deltas.std(ddof=1))
    low, high = (diff, diff) if constant else tests._bootstrap_mean_ci(deltas, 0.95)
    method, p = tests._mcnemar(deltas) if binary else tests._wilcoxon(deltas)
    cases.append({"name": name, "kind": "paired", "candidate": [float(x) for x in cand],
                  "baseline": [float(x) for x in base], "p_value": float(p),
                  "test": "McNemar" if binary else "Wilcoxon", "method": method,
                  "n_paired": len(deltas), "difference": diff,
                  "interval": [float(low), float(high)],
                  "effect_size": diff / std if std > 0 else None})


def paired_numeric(name, n, shift, scale5=False, grid=None):
    base = rng.beta(5, 2, n)
    cand = np.clip(base + shift + rng.normal(0, 0.08, n), 0, 1)
    if scale5:
        grid = 0.25
    if grid:
        base, cand = np.round(base / grid) * grid, np.round(cand / grid) * grid
    mlflow_paired(name, cand, base)


def paired_likert(name, n, shift):
    """A 1-to-5 judge: integer scores, many ties, differences of whole points."""
    base = rng.integers(2, 6, n).astype(float)
    cand = np.clip(base + rng.choice([-1, 0, 0, 0, 1], n) + (rng.random(n) < shift), 1, 5)
    mlflow_paired(name, cand, base)


def paired_pass_fail(name, n, p_base, p_cand):
    base = (rng.random(n) < p_base).astype(float)
    # Correlated with the baseline, as two versions on the same rows are.
    flip = rng.random(n) < 0.25
    cand = np.where(flip, (rng.random(n) < p_cand).astype(float), base)
    mlflow_paired(name, cand, base)


def unpaired(name, n, m, shift, scale5=False):
    a = np.clip(rng.beta(5, 2, n) + shift, 0, 1)
    b = rng.beta(5, 2, m)
    if scale5:
        a, b = np.round(a * 4) / 4, np.round(b * 4) / 4
    res = stats.mannwhitneyu(a, b, method="asymptotic")

    def difference(x, y, axis=-1):
        return np.mean(x, axis=axis) - np.mean(y, axis=axis)

    boot = stats.bootstrap((a, b), difference, method="percentile", n_resamples=10_000,
                           rng=np.random.default_rng(0))
    cases.append({"name": name, "kind": "unpaired", "candidate": [float(x) for x in a],
                  "baseline": [float(x) for x in b], "p_value": float(res.pvalue),
                  "test": "MannWhitney", "difference": float(np.mean(a) - np.mean(b)),
                  "interval": [float(boot.confidence_interval.low),
                               float(boot.confidence_interval.high)]})


def judged_rows(version):
    """judged_agent's rows: inputs -> {scorer: value}, as MLflow reads them (valid feedback
    without an error, written by the run)."""
    path = ROOT / f"tests/fixtures/traces_search_judged_v{version}.json"
    rows = {}
    for trace in json.loads(path.read_text())["traces"]:
        run = trace["trace_metadata"]["mlflow.sourceRun"]
        scores = {}
        for a in trace.get("assessments", []):
            feedback = a.get("feedback")
            by = a.get("metadata", {}).get("mlflow.assessment.sourceRunId")
            if feedback is None or a.get("valid") is False or feedback.get("error"):
                continue
            if by not in (None, run):
                continue
            scores.setdefault(a["assessment_name"], []).append(float(feedback["value"]))
        rows[trace["trace_metadata"]["mlflow.traceInputs"]] = {
            k: sum(v) / len(v) for k, v in scores.items()}
    return rows


paired_numeric("exact, 12 rows, clear gain", 12, 0.15)
paired_numeric("exact, 40 rows, small gain", 40, 0.01)
paired_numeric("exact, 50 rows, no gain", 50, 0.0)
paired_numeric("approx, 300 rows, small gain", 300, 0.012)
paired_numeric("approx, 300 rows, 5-point scale with ties and zeros", 300, 0.05, scale5=True)
paired_numeric("exact with ties, 12 rows, 5-point scale", 12, 0.1, scale5=True)
paired_numeric("approx, 800 rows, clear loss", 800, -0.03)
paired_pass_fail("McNemar, 200 rows, small gain", 200, 0.8, 0.82)
paired_pass_fail("McNemar χ², 500 rows, clear gain", 500, 0.6, 0.9)
paired_pass_fail("McNemar, 30 rows", 30, 0.5, 0.6)
paired_numeric("exact with ties and zeros, 40 rows, 5-point scale", 40, 0.08, scale5=True)
for candidate in (2, 3):
    cand_rows, base_rows = judged_rows(candidate), judged_rows(1)
    common = sorted(set(cand_rows) & set(base_rows))
    for scorer in ("exact_match", "token_overlap"):
        mlflow_paired(f"judged_agent v{candidate} against v1, {scorer}",
                      [cand_rows[k][scorer] for k in common],
                      [base_rows[k][scorer] for k in common])
# Other row counts, granularities and ties: each bound must be MLflow's, not near it.
paired_numeric("exact, 6 rows (the fewest)", 6, 0.2)
paired_numeric("exact, 7 rows", 7, 0.05)
paired_numeric("exact, 9 rows, 0.1 grid", 9, 0.1, grid=0.1)
paired_numeric("exact, 25 rows, 0.1 grid", 25, 0.03, grid=0.1)
paired_numeric("exact, 51 rows, 0.1 grid", 51, 0.0, grid=0.1)
paired_numeric("approx, 128 rows, continuous", 128, 0.01)
paired_numeric("approx, 129 rows, 0.1 grid", 129, 0.02, grid=0.1)
paired_numeric("approx, 257 rows, 3-point scale", 257, 0.03, grid=0.5)
paired_numeric("approx, 1000 rows, 0.01 grid", 1000, -0.004, grid=0.01)
paired_likert("1-to-5 judge, 13 rows", 13, 0.3)
paired_likert("1-to-5 judge, 60 rows", 60, 0.1)
paired_likert("1-to-5 judge, 400 rows", 400, 0.05)
paired_pass_fail("McNemar, 6 rows", 6, 0.5, 0.9)
paired_pass_fail("McNemar, 100 rows", 100, 0.7, 0.72)
paired_pass_fail("McNemar χ², 1000 rows", 1000, 0.5, 0.55)
mlflow_paired("one row changed of 10", [0.5] * 9 + [0.9], [0.5] * 10)
mlflow_paired("all but two tied, 40 rows", [0.8] * 38 + [1.0, 0.6], [0.8] * 38 + [0.7, 0.7])
unpaired("asymptotic, 6 and 7 rows", 6, 7, 0.1)
unpaired("asymptotic, 150 and 170 rows", 150, 170, 0.02)
unpaired("asymptotic, 5-point scale with ties", 120, 100, 0.08, scale5=True)

# The standard normal tail, for the erfc behind the approximations, and its quantile, for BCa.
normal = [{"z": z, "upper": float(stats.norm.sf(z))}
          for z in [0.0, 0.1, 0.46875, 0.5, 1.0, 1.959963984540054, 2.5, 3.9, 4.0, 4.5, 6.0,
                    8.0, 10.0, 20.0, 37.0]]
quantile = [{"p": p, "z": float(special.ndtri(p))}
            for p in [1e-300, 1e-12, 1e-6, 0.001, 0.01, 0.02425, 0.025, 0.1, 0.3, 0.5, 0.7,
                      0.9, 0.975, 0.99, 0.999, 1 - 1e-9]]
# McNemar as MLflow runs it on chosen discordant counts (b better, c worse).
mcnemar_cases = []
for b, c in [(0, 0), (0, 5), (5, 0), (3, 7), (10, 10), (12, 12), (13, 12), (40, 60), (0, 1000),
             (480, 520), (1, 30)]:
    method, p = tests._mcnemar(np.array([1.0] * b + [-1.0] * c + [0.0]))
    mcnemar_cases.append({"b": b, "c": c, "method": method, "p_value": float(p)})

# NumPy's own stream: the state default_rng(0) starts from and draws as a bootstrap makes them.
start = np.random.default_rng(0).bit_generator.state["state"]
first = np.random.default_rng(0).bit_generator.random_raw(8)
draws = []
stream = np.random.default_rng(0)
for n in [2, 3, 6, 7, 10, 40, 129, 1000, 65_537, 2**31 + 11]:
    draws.append({"n": n, "values": stream.integers(0, n, size=11).tolist()})
numpy_draws = {"state": str(start["state"]), "increment": str(start["inc"]),
               "first_u64": [str(x) for x in first.tolist()], "integers": draws}

out = {"generator": f"MLflow 3.18.0 significance_tests.py, scipy {scipy.__version__}, "
                    f"numpy {np.__version__}, scripts/capture_stats_cases.py",
       "cases": cases, "normal": normal, "quantile": quantile, "mcnemar": mcnemar_cases,
       "numpy_draws": numpy_draws}
path = ROOT / "tests/fixtures/stats_cases.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {len(cases)} cases to {path}")
