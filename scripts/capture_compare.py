"""MLflow's own `compare_evaluations` on the demo model judged_agent, for tests/mlflow_traces.rs:
written to tests/fixtures/compare_evaluations_judged.json.

Not part of the test run. Against a server seeded by `scripts/mlflow seed` (the same one
`scripts/capture_traces` captures the rows from, so both describe the same runs):

    .venv/bin/python scripts/capture_compare.py URL

MLflow 3.18.0 cannot be installed from the registry here (its `mlflow-skinny==3.18.0` is
missing), so its `mlflow.genai.evaluation.comparison` package is loaded from the 3.18.0 wheel
(downloaded once by scripts/capture_stats_cases.py) into the project's MLflow 3.17.2 client;
only its usage-telemetry event, new in 3.18, is stubbed. It reads the runs' traces over the
REST API like any client, pairs and tests them, and with `log_results=True` logs
`compare/<baseline run id[:8]>/<scorer>/{diff,ci_low,ci_high,p_value,effect_size,n_paired}` on
the candidate's run. For v2 and v3 against v1 this keeps what it returned and the metrics it
logged (read back with runs/get).
"""

import importlib.util
import json
import pathlib
import sys
import types
import zipfile

import mlflow
import mlflow.telemetry.events as events

ROOT = pathlib.Path(__file__).resolve().parent.parent
WHEEL_DIR = ROOT / ".data" / "mlflow-3.18.0-wheel"
PACKAGE = "mlflow.genai.evaluation.comparison"
MODULES = ["entities", "significance_tests", "paired_comparison", "utils", "comparison"]


def compare_evaluations():
    """MLflow 3.18.0's compare_evaluations, loaded from its wheel."""
    wheels = list(WHEEL_DIR.glob("mlflow-3.18.0-*.whl"))
    if not wheels:
        sys.exit("run scripts/capture_stats_cases.py first: it downloads the MLflow 3.18.0 wheel")
    source = WHEEL_DIR / "comparison"
    source.mkdir(exist_ok=True)
    with zipfile.ZipFile(wheels[0]) as wheel:
        for name in MODULES:
            member = f"{PACKAGE.replace('.', '/')}/{name}.py"
            (source / f"{name}.py").write_bytes(wheel.read(member))
    if not hasattr(events, "CompareEvaluationsEvent"):

        class CompareEvaluationsEvent:
            """3.18's usage-telemetry event; 3.17's telemetry only needs its name."""

            name = "compare_evaluations"

            @classmethod
            def parse(cls, arguments):
                return None

            @classmethod
            def parse_result(cls, result):
                return None

        events.CompareEvaluationsEvent = CompareEvaluationsEvent
    package = types.ModuleType(PACKAGE)
    package.__path__ = [str(source)]
    sys.modules[PACKAGE] = package
    for name in MODULES:
        spec = importlib.util.spec_from_file_location(f"{PACKAGE}.{name}", source / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules[f"{PACKAGE}.comparison"].compare_evaluations


def main(url):
    compare = compare_evaluations()
    mlflow.set_tracking_uri(url)
    client = mlflow.MlflowClient()
    runs = {v.version: v.run_id for v in client.search_model_versions("name='judged_agent'")}
    out = {}
    for candidate in ["2", "3"]:
        result = compare(candidate_run_id=runs[candidate], baseline_run_id=runs["1"],
                         log_results=True)
        logged = client.get_run(runs[candidate]).data.metrics
        out[f"v{candidate}_vs_v1"] = {
            "candidate_run_id": runs[candidate],
            "baseline_run_id": runs["1"],
            "scorers": {
                name: {
                    "n_paired": s.n_paired,
                    "method": s.method,
                    "candidate_mean": s.candidate_mean,
                    "baseline_mean": s.baseline_mean,
                    "diff": s.diff,
                    "ci_low": s.ci_low,
                    "ci_high": s.ci_high,
                    "p_value": s.p_value,
                    "effect_size": s.effect_size,
                }
                for name, s in result.scorers.items()
            },
            "logged_metrics": {k: v for k, v in logged.items() if k.startswith("compare/")},
        }
    path = ROOT / "tests" / "fixtures" / "compare_evaluations_judged.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1])
