"""Captures tests/fixtures/metric_threshold_cases.json: decisions made by MLflow's own model
validation (`mlflow.models.MetricThreshold`, the function `mlflow.validate_evaluation_results`
calls) on values that sit exactly on a bound, written as Python writes them (shortest repr,
often 17 digits). Podium must read every number exactly and decide the same.

    .venv/bin/python scripts/capture_threshold_cases.py

Deterministic (fixed seed): rerunning it writes the same file.
"""

import json
import pathlib
import random

from mlflow.models import MetricThreshold
from mlflow.models.evaluation.validation import ModelValidationFailedException, _validate

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "metric_threshold_cases.json"


def mlflow_passes(threshold, candidate, baseline):
    try:
        _validate({"m": MetricThreshold(**threshold)}, {"m": candidate}, {"m": baseline} if baseline is not None else {})
        return True
    except ModelValidationFailedException:
        return False


def main():
    rng = random.Random(20261129)
    cases = []

    def add(kind, threshold, candidate, baseline=None):
        cases.append({
            "kind": kind,
            "threshold": threshold,
            "candidate": candidate,
            "baseline": baseline,
            "mlflow_passes": mlflow_passes(threshold, candidate, baseline),
        })

    for _ in range(120):
        gib = rng.random() < 0.5
        base = rng.uniform(0.001, 1000.0) if rng.random() < 0.3 else rng.random()
        change = rng.random() / 10
        # A candidate exactly on baseline ± change (a tie: passes), and one ULP either side.
        bound = base + change if gib else base - change
        for cand in (bound, bound + abs(bound) * 1e-16, bound - abs(bound) * 1e-16):
            add("absolute", {"min_absolute_change": change, "greater_is_better": gib}, cand, base)
        # A threshold computed in Python, met exactly by a value logged as the same float.
        t = base * 3 / 7
        add("threshold", {"threshold": t, "greater_is_better": gib}, t)
        add("threshold", {"threshold": t, "greater_is_better": gib}, rng.choice([t + 1e-17, t - 1e-17, t * (1 + 1e-16)]))
        # A relative change exactly met.
        cand = base * (1 + change) if gib else base * (1 - change)
        rel = (cand - base) / abs(base) if gib else (base - cand) / abs(base)
        if 0 <= rel <= 1:
            add("relative", {"min_relative_change": rel, "greater_is_better": gib}, cand, base)
    OUT.write_text(json.dumps({"mlflow": __import__("mlflow").__version__, "cases": cases}, indent=1) + "\n")
    print(f"{len(cases)} cases, {sum(c['mlflow_passes'] for c in cases)} pass, written to {OUT}")


if __name__ == "__main__":
    main()
