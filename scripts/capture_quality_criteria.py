"""Captures tests/fixtures/quality_criteria.json from real MLflow 3.18 evaluations (issue 28).

    scripts/capture_quality_criteria      # sets up the 3.18 library, a 3.17.2 server, runs this

MLflow 3.18.0 needs mlflow-tracing==3.18.0, which is not on the package index yet; its library
(`mlflow.genai.evaluate(..., quality_criteria=...)`) runs when installed with --no-deps over
3.17.2's dependencies (.data/venv-mlflow-3.18/, made by scripts/setup), against the pinned
3.17.2 server. Each case is a real `mlflow.genai.evaluate` run with code scorers; the fixture
keeps the criteria string, the tag MLflow wrote on the run (`mlflow.genaiEvaluate.qualityCriteria`)
and the run's metrics, so Podium's reader and its "meets" are checked against MLflow's own
output. `accepted` are the strings Podium's export writes, checked by MLflow 3.18's own parser
(and the tag it builds from each); `rejected` are strings it refuses, with its message.
"""

import json
import sys

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.genai.evaluation.quality_criteria import (
    build_quality_criteria_tag,
    parse_quality_criteria,
)
from mlflow.genai.scorers import scorer

TAG = "mlflow.genaiEvaluate.qualityCriteria"


@scorer
def exact_match(outputs, expectations) -> bool:
    return outputs == expectations["answer"]


@scorer
def token_overlap(outputs, expectations) -> float:
    expected = expectations["answer"].split()
    return sum(1 for word in outputs.split() if word in expected) / len(expected)


@scorer(name="latency ms")
def latency(outputs) -> float:
    return 100.0 + len(outputs)


SCORERS = [exact_match, token_overlap, latency]

# Criteria as teams write them: bare names (the scorer's mean), an aggregation in backticks,
# a name with a space, scientific notation, <=.
CASES = [
    "exact_match >= 0.7",
    "exact_match >= 0.9 AND `token_overlap/mean` >= 0.8",
    "`token_overlap/p90` >= 0.95 AND `latency ms` <= 140",
    "token_overlap >= 7.5e-1 AND `latency ms/max` <= 1.5e2 AND `exact_match/min` >= 0",
]

# The forms Podium's export writes (`key` >= threshold, AND-joined, keys in backticks).
ACCEPTED = [
    "`exact_match/mean` >= 0.7 AND `token_overlap/mean` >= 0.8",
    "`latency ms/mean` <= 140 AND `token_overlap/p90` >= 0.95",
]

REJECTED = [
    "exact_match > 0.7",
    "exact_match >= 0.7 OR token_overlap >= 0.5",
    "unknown_scorer >= 1",
    "exact_match >= 0.7 AND exact_match >= 0.8",
]


def answer(i):
    return f"the answer to question {i} is {i * 7 % 11} units"


def predict(question):
    i = int(question.split()[-1])
    return answer(i) if i % 3 else f"the answer is {i}"


def main():
    data = [
        {"inputs": {"question": f"question {i}"}, "expectations": {"answer": answer(i)}}
        for i in range(12)
    ]
    client = MlflowClient()
    mlflow.set_experiment("quality-criteria-capture")
    evaluations = []
    for criteria in CASES:
        with mlflow.start_run() as run:
            mlflow.genai.evaluate(
                data=data, predict_fn=predict, scorers=SCORERS, quality_criteria=criteria
            )
        got = client.get_run(run.info.run_id)
        evaluations.append({
            "criteria": criteria,
            "tag": got.data.tags[TAG],
            "metrics": got.data.metrics,
        })
    accepted = [
        {"criteria": c, "tag": build_quality_criteria_tag(parse_quality_criteria(SCORERS, c))}
        for c in ACCEPTED
    ]
    rejected = []
    for criteria in REJECTED:
        try:
            parse_quality_criteria(SCORERS, criteria)
        except MlflowException as e:
            rejected.append({"criteria": criteria, "error": e.message})
        else:
            sys.exit(f"MLflow accepted {criteria!r}")
    # To a file: `evaluate` prints its own messages on stdout.
    with open(sys.argv[1], "w") as out:
        json.dump({
            "mlflow": mlflow.__version__,
            "tag": TAG,
            "evaluations": evaluations,
            "accepted": accepted,
            "rejected": rejected,
        }, out, indent=2, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
