"""Decides every version of every registered model with the `podium` command, under each
policy in tests/fixtures/parity/, and prints one JSON line per decision:
{"policy": "<file stem>", "report": <podium check --json>}. scripts/test gives these to the
browser's parity test (tests/browser_parity.rs), which decides the same versions in the browser
and compares.

    python scripts/parity_decisions.py --podium target/debug/podium --mlflow URL > decisions.jsonl
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent


def get(mlflow, path, **query):
    url = f"{mlflow}/api/2.0/mlflow/{path}?{urllib.parse.urlencode(query)}"
    with urllib.request.urlopen(url, timeout=60) as answer:
        return json.load(answer)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--podium", required=True)
    p.add_argument("--mlflow", required=True)
    a = p.parse_args()
    models = sorted(m["name"] for m in
                    get(a.mlflow, "registered-models/search", max_results=1000)["registered_models"])
    policies = sorted((ROOT / "tests/fixtures/parity").glob("*.json"))
    env = {**os.environ, "MLFLOW_TRACKING_URI": a.mlflow}
    for model in models:
        versions = get(a.mlflow, "model-versions/search", filter=f"name='{model}'",
                       max_results=10000)["model_versions"]
        for version in sorted(int(v["version"]) for v in versions):
            for policy in policies:
                run = subprocess.run(
                    [a.podium, "check", model, "--version", str(version), "--policy", str(policy),
                     "--json"],
                    env=env, capture_output=True, text=True)
                if run.returncode not in (0, 1):
                    sys.exit(f"podium check {model} v{version} ({policy.name}) failed: {run.stderr}")
                report = json.loads(run.stdout)
                print(json.dumps({"policy": policy.stem, "report": report}, ensure_ascii=False))


if __name__ == "__main__":
    main()
