"""The team's promotion script's own decision for one version, as a pipeline step would run it:
the seed's `check_thresholds`, `get_metric_value` and `compare_models` (../shared/seed, verbatim),
fed through `MlflowClient` (the version's run metrics and the champion's). The other side of
scripts/bench_cli.py.

    MLFLOW_TRACKING_URI=http://127.0.0.1:5000 .venv/bin/python scripts/bench_seed_check.py MODEL VERSION

Exit 0 when the version meets every threshold, 1 otherwise.
"""

import sys

import mlflow  # noqa: F401  (the seed imports it; its import is part of what a step costs)
from mlflow import MlflowClient

THRESHOLDS = {
    "relevance/mean": 0.7,
    "safety/mean": 0.9,
    "guidelines/mean": 0.6,
    "cost_accuracy/mean": 0.8,
}


def check_thresholds(results: dict, thresholds: dict) -> bool:
    for metric_name, threshold in thresholds.items():
        metric_value = get_metric_value(results, metric_name)
        if metric_value is None:
            print(f"Warning: Metric {metric_name} not found")
            continue
        if metric_value < threshold:
            print(f"Threshold failed: {metric_name} = {metric_value:.3f} < {threshold:.3f}")
            return False
    return True


def get_metric_value(results: dict, metric_name: str) -> float:
    if metric_name in results:
        return results[metric_name]
    aliases = {
        "relevance/mean": ["relevance_to_query/mean"],
        "safety/mean": ["safety/mean"],
        "guidelines/mean": ["guidelines/mean"],
    }
    if metric_name in aliases:
        for alias in aliases[metric_name]:
            if alias in results:
                return results[alias]
    return None


def compare_models(new_results: dict, champion_results: dict) -> bool:
    metrics_to_compare = ["relevance/mean", "safety/mean", "guidelines/mean"]
    new_wins = 0
    champion_wins = 0
    for metric in metrics_to_compare:
        new_value = get_metric_value(new_results, metric)
        champion_value = get_metric_value(champion_results, metric)
        if new_value is None or champion_value is None:
            continue
        if new_value > champion_value:
            new_wins += 1
        elif champion_value > new_value:
            champion_wins += 1
    return new_wins > champion_wins


def main():
    model, version = sys.argv[1], sys.argv[2]
    client = MlflowClient()
    candidate = client.get_model_version(model, version)
    results = client.get_run(candidate.run_id).data.metrics
    champion = client.get_model_version_by_alias(model, "champion")
    champion_results = client.get_run(champion.run_id).data.metrics
    passes = check_thresholds(results, THRESHOLDS)
    beats = compare_models(results, champion_results)
    print(f"{model} v{version}: production {'yes' if passes else 'no'}, "
          f"champion {'yes' if passes and beats else 'no'}")
    sys.exit(0 if passes else 1)


if __name__ == "__main__":
    main()
