"""`podium check` against the seed's own functions (scripts/bench_seed_check.py) on the same
model and version of a large model, whole process, side by side in one run (issue 26;
docs/benchmarks.md). The model is `scale_agent` with N versions (seeded once into
.data/bench-reads-N/, as scripts/bench_mlflow_reads.py does); the version decided is the newest.

    cargo build --release -p podium-cli
    .venv/bin/python scripts/bench_cli.py [--versions 1000] [--runs 7]

Cold: each tool's first run right after the MLflow server started (the server's caches empty);
beside it, what one `registered-models/get` costs at that moment, the server's own share.
Warm: the next runs, the two tools alternating; medians, with min and max.
"""

import argparse
import os
import urllib.request
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from bench_mlflow_reads import mlflow, seeded_store  # noqa: E402

MODEL = "scale_agent"


def timed(command, env):
    started = time.perf_counter()
    run = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if run.returncode not in (0, 1):
        sys.exit(f"{command[0]} failed ({run.returncode}): {run.stderr}")
    return seconds, run.returncode


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--versions", type=int, default=1000)
    p.add_argument("--runs", type=int, default=7)
    a = p.parse_args()
    podium = ROOT / "target/release/podium"
    if not podium.exists():
        sys.exit("build it first: cargo build --release -p podium-cli")
    store, _ = seeded_store(a.versions, "sqlite")
    version = str(a.versions)
    tools = {
        "podium check": [str(podium), "check", MODEL, "--version", version,
                         "--policy", str(ROOT / "tests/fixtures/parity/seed.json")],
        "seed (Python)": [str(ROOT / ".venv/bin/python"), str(ROOT / "scripts/bench_seed_check.py"),
                          MODEL, version],
    }
    cold, warm, verdicts = {}, {name: [] for name in tools}, {}
    first_read = []
    try:
        for name, command in tools.items():
            mlflow("stop", "--data", str(store))
            url = mlflow("start", "--data", str(store))
            env = {**os.environ, "MLFLOW_TRACKING_URI": url}
            cold[name], verdicts[name] = timed(command, env)
        # The server's own first-query cost: one read right after a start.
        mlflow("stop", "--data", str(store))
        url = mlflow("start", "--data", str(store))
        started = time.perf_counter()
        urllib.request.urlopen(f"{url}/api/2.0/mlflow/registered-models/get?name={MODEL}").read()
        first_read.append(time.perf_counter() - started)
        for _ in range(a.runs):
            for name, command in tools.items():
                seconds, code = timed(command, env)
                warm[name].append(seconds)
                verdicts[name] = code
    finally:
        mlflow("stop", "--data", str(store))
    if len(set(verdicts.values())) != 1:
        sys.exit(f"the two disagree on v{version}: exit codes {verdicts}")
    print(f"{MODEL}, {a.versions} versions, v{version} decided; MLflow 1 worker, sqlite; "
          f"{a.runs} warm runs each")
    print("| tool | cold | warm median (min–max) |")
    print("| --- | ---: | ---: |")
    for name in tools:
        w = warm[name]
        print(f"| {name} | {cold[name]:.3f} s | {statistics.median(w):.3f} s "
              f"({min(w):.3f}–{max(w):.3f}) |")
    print(f"one registered-models/get right after the server started: {first_read[0]:.3f} s")
    ratio = statistics.median(warm["seed (Python)"]) / statistics.median(warm["podium check"])
    cold_ratio = cold["seed (Python)"] / cold["podium check"]
    print(f"podium check is {ratio:.1f}× faster warm, {cold_ratio:.1f}× cold")


if __name__ == "__main__":
    main()
