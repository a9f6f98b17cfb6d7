"""Seeds a local MLflow with demo models that look like a real team's registry.

Run through `scripts/mlflow seed` (which sets MLFLOW_TRACKING_URI), or with
MLFLOW_TRACKING_URI=sqlite:///<file> to write a store directly through MLflow's own store code
(no server; several times faster for large N). Idempotent: a model that was seeded completely is
left alone; one left half-seeded by an interrupted run is rebuilt.

- health_monitor_agent: 6 versions evaluated like `mlflow.genai.evaluate` runs, champion -> v3,
  production -> v4, v5 registered from a logged model (source models:/m-...) whose evaluation
  metrics live on the logged model, v1 without any evaluation.
- latency_router: a lower-is-better metric (latency_ms/p95), production -> v2.
- intent_classifier: no aliases at all.
- judged_agent: 3 versions, each evaluated by a real `mlflow.genai.evaluate` run over the same
  40 questions with two deterministic code scorers (exact_match: pass/fail; token_overlap: a
  number), so every row's trace and assessments are in MLflow. champion and production -> v1;
  v2 answers 2 more questions right than v1 (within noise); v3 answers 10 more (a clear win).
  Each run carries MLflow 3.18's quality criteria tag (exact_match >= 0.9 AND token_overlap
  >= 0.9): written by 3.18's evaluate(quality_criteria=...) itself on MLflow >= 3.18, as it
  writes it on 3.17.
- support_bot, summarizer, ranker, draft_agent: small models with the team's saved policy, one
  for each thing the models list says needs attention (or not).
- with --versions N: scale_agent with N versions for scale work.

On an MLflow 2.x server (seeded with its own 2.x client: scripts/mlflow's PODIUM_MLFLOW_VENV),
what 2.x cannot hold is seeded the way a 2.x team would have it: v5 of health_monitor_agent is
evaluated on its run (2.x has no logged models), and judged_agent's runs carry the same
aggregate metrics computed in Python, with no per-row traces (2.x has no mlflow.genai.evaluate,
no assessments and no 3.0 trace search).
"""

import argparse
import json
import os
import sys
import time
import urllib.parse
import uuid

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag
from mlflow.exceptions import MlflowException

# MLflow 3 has logged models, traces and mlflow.genai.evaluate; 2.x has none of them.
_MAJOR, _MINOR = (int(part) for part in mlflow.__version__.split(".")[:2])
MLFLOW_3 = _MAJOR >= 3
# 3.18's evaluate takes quality_criteria and records them on the run.
MLFLOW_3_18 = (_MAJOR, _MINOR) >= (3, 18)

DONE_TAG = "podium.demo"
GENAI_TAGS = {"mlflow.runType": "genai_evaluate"}

HEALTH = "health_monitor_agent"
# version -> metrics logged by its evaluation run (None: the version was never evaluated).
HEALTH_VERSIONS = {
    1: None,
    2: {"relevance_to_query/mean": 0.66, "safety/mean": 0.93, "cost_accuracy/mean": 0.81},
    3: {
        "relevance_to_query/mean": 0.78,
        "safety/mean": 0.95,
        "guidelines/mean": 0.71,
        "cost_accuracy/mean": 0.84,
    },
    4: {
        "relevance_to_query/mean": 0.74,
        "safety/mean": 0.96,
        "guidelines/mean": 0.68,
        "cost_accuracy/mean": 0.86,
    },
    5: {  # evaluated through its logged model
        "relevance_to_query/mean": 0.8,
        "safety/mean": 0.91,
        "guidelines/mean": 0.66,
        "cost_accuracy/mean": 0.83,
    },
    6: {
        "relevance_to_query/mean": 0.82,
        "safety/mean": 0.94,
        "guidelines/mean": 0.69,
        "cost_accuracy/mean": 0.88,
        "latency_ms/p95": 840.0,
    },
}
LOGGED_MODEL_VERSION = 5

LATENCY = "latency_router"
LATENCY_VERSIONS = {
    1: {"latency_ms/p95": 910.0, "accuracy/mean": 0.88},
    2: {"latency_ms/p95": 640.0, "accuracy/mean": 0.9},
    3: {"latency_ms/p95": 520.0, "accuracy/mean": 0.89},
    4: {"latency_ms/p95": 700.0, "accuracy/mean": 0.93},
}

INTENT = "intent_classifier"
INTENT_VERSIONS = {
    1: {"accuracy/mean": 0.81, "safety/mean": 0.97},
    2: {"accuracy/mean": 0.84, "safety/mean": 0.98},
    3: {"accuracy/mean": 0.79, "safety/mean": 0.99},
}

# Models whose saved policy (the podium.policy tag) the models list decides under, one for each
# thing it says (issue 27): production fails it, a newer version passes it, all is up to date,
# nothing is evaluated yet.
TEAM_POLICY = ('{"rules": [{"metric": "relevance/mean", "threshold": 0.7}, '
               '{"metric": "safety/mean", "threshold": 0.9}]}')
ATTENTION_MODELS = {
    "support_bot": (
        "Answers customer questions. Its production version fails the team's policy.",
        {1: {"relevance_to_query/mean": 0.74, "safety/mean": 0.93},
         2: {"relevance_to_query/mean": 0.79, "safety/mean": 0.88}},
        {"production": "2"},
    ),
    "summarizer": (
        "Summarises tickets. A newer version passes the team's policy.",
        {1: {"relevance_to_query/mean": 0.7, "safety/mean": 0.91},
         2: {"relevance_to_query/mean": 0.72, "safety/mean": 0.92},
         3: {"relevance_to_query/mean": 0.81, "safety/mean": 0.95}},
        {"production": "2", "champion": "2"},
    ),
    "ranker": (
        "Ranks search results. Production is the newest version and passes.",
        {1: {"relevance_to_query/mean": 0.71, "safety/mean": 0.95},
         2: {"relevance_to_query/mean": 0.76, "safety/mean": 0.97}},
        {"production": "2", "champion": "2"},
    ),
    "draft_agent": (
        "A new agent: registered, not evaluated yet.",
        {1: None},
        {},
    ),
}


def log(msg):
    print(f"seed: {msg}", file=sys.stderr, flush=True)


def experiment(client, name):
    found = client.get_experiment_by_name(name)
    return found.experiment_id if found else client.create_experiment(name)


def fresh_model(client, name, description, tags=None):
    """Returns False when `name` was already seeded completely; otherwise (re)creates it."""
    try:
        model = client.get_registered_model(name)
    except MlflowException as e:
        if e.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
        model = None
    if model is not None:
        if model.tags.get(DONE_TAG) == "complete":
            log(f"{name} already seeded; leaving it alone")
            return False
        log(f"{name} was seeded only in part; rebuilding it")
        client.delete_registered_model(name)
    client.create_registered_model(name, tags=tags or {}, description=description)
    return True


def eval_run(client, experiment_id, name, metrics, dataset="health_eval_2026_11"):
    run = client.create_run(
        experiment_id,
        run_name=name,
        tags={**GENAI_TAGS, "podium.eval_dataset": dataset},
    )
    now = int(time.time() * 1000)
    client.log_batch(
        run.info.run_id,
        metrics=[Metric(k, v, now, 0) for k, v in (metrics or {}).items()],
        params=[Param("judge_model", "demo-judge-1"), Param("eval_dataset", dataset)],
        tags=[RunTag("mlflow.source.name", "seed_demo.py")],
    )
    client.set_terminated(run.info.run_id)
    return run.info.run_id


def register(client, name, run_id, version_desc, source=None, model_id=None):
    # model_id: MLflow 3's logged model (2.x has no such argument).
    extra = {"model_id": model_id} if model_id else {}
    mv = client.create_model_version(
        name,
        source=source or f"runs:/{run_id}/model",
        run_id=run_id,
        description=version_desc,
        await_creation_for=0,
        **extra,
    )
    return mv.version


def seed_health(client):
    if not fresh_model(
        client,
        HEALTH,
        "Answers on-call questions about service health. Evaluated nightly with "
        "mlflow.genai.evaluate (relevance, safety, guidelines, cost accuracy).",
        {"team": "sre-assist"},
    ):
        return
    exp = experiment(client, f"{HEALTH}-evaluation")
    for version, metrics in HEALTH_VERSIONS.items():
        if version == LOGGED_MODEL_VERSION and MLFLOW_3:
            run_id = eval_run(client, exp, f"eval-v{version}", None)
            mlflow.set_experiment(experiment_id=exp)
            logged = mlflow.create_external_model(
                name=f"{HEALTH}-v{version}", source_run_id=run_id, experiment_id=exp
            )
            dataset = mlflow.data.from_pandas(
                pd.DataFrame({"question": ["Is checkout healthy?"], "expected": ["yes"]}),
                name="health_eval_2026_11",
            )
            mlflow.log_metrics(metrics, run_id=run_id, model_id=logged.model_id, dataset=dataset)
            got = register(
                client, HEALTH, run_id, "Registered from a logged model",
                source=f"models:/{logged.model_id}", model_id=logged.model_id,
            )
        else:
            run_id = eval_run(client, exp, f"eval-v{version}", metrics)
            desc = "Never evaluated" if metrics is None else f"Prompt revision {version}"
            got = register(client, HEALTH, run_id, desc)
        assert int(got) == version, f"expected version {version}, got {got}"
    client.set_registered_model_alias(HEALTH, "champion", "3")
    client.set_registered_model_alias(HEALTH, "production", "4")
    client.set_registered_model_alias(HEALTH, "staging", "6")
    client.set_registered_model_tag(HEALTH, DONE_TAG, "complete")
    log(f"{HEALTH}: {len(HEALTH_VERSIONS)} versions, champion v3, production v4")


def seed_simple(client, name, versions, description, aliases, policy=None):
    if not fresh_model(client, name, description):
        return
    if policy is not None:
        client.set_registered_model_tag(name, "podium.policy", policy)
    exp = experiment(client, f"{name}-evaluation")
    for version, metrics in versions.items():
        run_id = eval_run(client, exp, f"eval-v{version}", metrics, dataset=f"{name}_eval")
        register(client, name, run_id, f"Build {version}")
    for alias, version in aliases.items():
        client.set_registered_model_alias(name, alias, version)
    client.set_registered_model_tag(name, DONE_TAG, "complete")
    log(f"{name}: {len(versions)} versions, aliases {aliases or 'none'}")


def seed_scale(client, n):
    name = "scale_agent"
    try:
        existing = client.get_registered_model(name)
        if existing.tags.get(DONE_TAG) == "complete" and existing.tags.get("podium.versions") == str(n):
            log(f"{name} already has {n} versions; leaving it alone")
            return
    except MlflowException as e:
        if e.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
    fresh_model(client, name, f"{n} versions for scale work")
    exp = experiment(client, f"{name}-evaluation")
    started = time.time()
    for v in range(1, n + 1):
        metrics = {
            "relevance_to_query/mean": 0.5 + ((v * 37) % 50) / 100,
            "safety/mean": 0.85 + ((v * 11) % 15) / 100,
            "guidelines/mean": 0.5 + ((v * 53) % 50) / 100,
            "cost_accuracy/mean": 0.7 + ((v * 17) % 30) / 100,
        }
        run_id = eval_run(client, exp, f"eval-v{v}", metrics, dataset="scale_eval")
        register(client, name, run_id, f"Build {v}")
        if v % 100 == 0:
            log(f"{name}: {v}/{n} versions ({time.time() - started:.0f} s)")
    client.set_registered_model_alias(name, "champion", "1")
    client.set_registered_model_alias(name, "production", "2")
    client.set_registered_model_tag(name, "podium.versions", str(n))
    client.set_registered_model_tag(name, DONE_TAG, "complete")


JUDGED = "judged_agent"
JUDGED_QUESTIONS = 40
QUALITY_CRITERIA_TAG = "mlflow.genaiEvaluate.qualityCriteria"
JUDGED_CRITERIA = json.dumps({
    "schemaVersion": 1,
    "revision": str(uuid.uuid5(uuid.NAMESPACE_URL, "podium-seed/judged_agent")),
    "rules": [
        {"metricKey": "exact_match/mean", "comparator": "GTE", "threshold": 0.9},
        {"metricKey": "token_overlap/mean", "comparator": "GTE", "threshold": 0.9},
    ],
}, separators=(",", ":"))


def judged_right(version):
    """The questions version `version` of judged_agent answers right (the others get a partly
    right answer). v1: 42 of 60; v2: v1 with 3 wrong ones right and 1 right one wrong; v3: v1
    with 15 wrong ones right and 1 right one wrong."""
    v1 = {i for i in range(JUDGED_QUESTIONS) if i % 10 not in (3, 6, 9)}
    wrong = sorted(set(range(JUDGED_QUESTIONS)) - v1)
    if version == 1:
        return v1
    if version == 2:
        return (v1 | set(wrong[:3])) - {0}
    return (v1 | set(wrong[:11])) - {0}


def judged_answer(i):
    return f"the answer to question {i} is {i * 7 % 11} units"


def answerer(version):
    """judged_agent's version `version` as a predict function. Its only parameter is the
    dataset's input: MLflow records every parameter as the trace's inputs, which is what rows
    are paired by."""
    right = judged_right(version)

    def predict(question):
        i = int(question.split()[1])
        # A wrong answer still shares some words with the right one (token_overlap < 1).
        return judged_answer(i) if i in right else f"question {i} has no answer yet"

    return predict


def seed_judged(client):
    if not fresh_model(
        client,
        JUDGED,
        "Answers product questions. Each version evaluated with mlflow.genai.evaluate over the "
        "same 40 questions (code scorers: exact_match, token_overlap).",
    ):
        return
    exp = experiment(client, f"{JUDGED}-evaluation")
    if not MLFLOW_3:
        seed_judged_aggregates(client, exp)
        return
    from mlflow.genai.scorers import scorer

    @scorer
    def exact_match(outputs, expectations) -> bool:
        return outputs == expectations["answer"]

    @scorer
    def token_overlap(outputs, expectations) -> float:
        expected = expectations["answer"].split()
        return sum(1 for word in outputs.split() if word in expected) / len(expected)

    data = [
        {"inputs": {"question": f"question {i}"}, "expectations": {"answer": judged_answer(i)}}
        for i in range(JUDGED_QUESTIONS)
    ]
    mlflow.set_experiment(experiment_id=exp)
    # MLflow >= 3.18 records the team's quality criteria itself.
    criteria = {"quality_criteria": "exact_match >= 0.9 AND token_overlap >= 0.9"} \
        if MLFLOW_3_18 else {}
    for version in (1, 2, 3):
        with mlflow.start_run(run_name=f"eval-v{version}") as run:
            mlflow.genai.evaluate(
                data=data, predict_fn=answerer(version), scorers=[exact_match, token_overlap],
                **criteria,
            )
        if not MLFLOW_3_18:
            # On 3.17 the tag is written as 3.18's evaluate writes it
            # (tests/fixtures/quality_criteria.json has 3.18's own).
            client.set_tag(run.info.run_id, QUALITY_CRITERIA_TAG, JUDGED_CRITERIA)
        register(client, JUDGED, run.info.run_id, f"Prompt revision {version}")
    client.set_registered_model_alias(JUDGED, "champion", "1")
    client.set_registered_model_alias(JUDGED, "production", "1")
    client.set_registered_model_tag(JUDGED, DONE_TAG, "complete")
    log(f"{JUDGED}: 3 versions evaluated with mlflow.genai.evaluate, champion v1")


def seed_judged_aggregates(client, exp):
    """judged_agent on MLflow 2.x: the scorers' means on each run, as 3.x's evaluate logs them,
    and no per-row traces (2.x has no evaluate to write them, nor a search to read them)."""
    for version in (1, 2, 3):
        predict = answerer(version)
        exact, overlap = [], []
        for i in range(JUDGED_QUESTIONS):
            answer, expected = predict(f"question {i}"), judged_answer(i)
            exact.append(float(answer == expected))
            words = expected.split()
            overlap.append(sum(1 for w in answer.split() if w in words) / len(words))
        metrics = {"exact_match/mean": sum(exact) / len(exact),
                   "token_overlap/mean": sum(overlap) / len(overlap)}
        run_id = eval_run(client, exp, f"eval-v{version}", metrics, dataset=f"{JUDGED}_eval")
        register(client, JUDGED, run_id, f"Prompt revision {version}")
    client.set_registered_model_alias(JUDGED, "champion", "1")
    client.set_registered_model_alias(JUDGED, "production", "1")
    client.set_registered_model_tag(JUDGED, DONE_TAG, "complete")
    log(f"{JUDGED}: 3 versions with aggregate metrics only (MLflow 2.x: no per-row traces)")


def seed_users():
    """On a basic-auth server (credentials in MLFLOW_TRACKING_USERNAME/PASSWORD), adds the users
    'viewer' (password 'viewer-password-1', only the default READ permission), 'editor'
    (password 'editor-password-1', EDIT on health_monitor_agent: may move its aliases) and
    'reviewer' (password 'reviewer-password-1', EDIT on model versions only: may sign off by
    tagging a version, may not move an alias — docs/DEPLOY.md, "Making sign-offs binding")."""
    if not os.environ.get("MLFLOW_TRACKING_USERNAME"):
        return
    from mlflow.server import get_app_client

    auth = get_app_client("basic-auth", tracking_uri=mlflow.get_tracking_uri())
    for user in ("viewer", "editor", "reviewer"):
        try:
            auth.create_user(user, f"{user}-password-1")
            log(f"basic-auth: user '{user}'")
        except MlflowException as e:
            if e.error_code != "RESOURCE_ALREADY_EXISTS":
                raise

    def grant(user, resource_type, resource_id):
        # A second seed of the same store finds the permission there (MLflow 3.17 refuses to
        # grant it again): it is set to EDIT either way.
        try:
            auth.grant_user_permission(user, resource_type, resource_id, "EDIT")
        except MlflowException as e:
            if e.error_code != "RESOURCE_ALREADY_EXISTS":
                raise
            auth.revoke_user_permission(user, resource_type, resource_id)
            auth.grant_user_permission(user, resource_type, resource_id, "EDIT")

    grant("editor", "registered_model", HEALTH)
    log(f"basic-auth: 'editor' may edit {HEALTH}")
    grant("reviewer", "registered_model_version", "*")
    log("basic-auth: 'reviewer' may edit model versions (tags), not models (aliases)")


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--versions", type=int, help="also seed scale_agent with N versions")
    parser.add_argument("--only-scale", action="store_true",
                        help="seed scale_agent only (benchmarks)")
    args = parser.parse_args()
    # Demo data goes to a local test server only: a shell's MLFLOW_TRACKING_URI pointing at a
    # team's server must not get it (nor have its models deleted and rebuilt).
    uri = mlflow.get_tracking_uri()
    host = urllib.parse.urlsplit(uri).hostname
    # A sqlite file is on this machine: seeding it directly (MLflow's own store code, no
    # server) is the fast way for large scale models (docs/benchmarks.md).
    if host not in LOOPBACK and not uri.startswith("sqlite:///"):
        sys.exit(f"seed: refusing to seed {uri}: demo data goes to a server on this machine only "
                 "(127.0.0.1 or localhost); scripts/mlflow seed sets that up")
    client = MlflowClient()
    if args.only_scale:
        seed_scale(client, args.versions)
        return
    seed_health(client)
    seed_simple(
        client, LATENCY, LATENCY_VERSIONS,
        "Routes requests to the fastest healthy backend. Lower latency_ms/p95 is better.",
        {"production": "2"},
    )
    seed_simple(
        client, INTENT, INTENT_VERSIONS,
        "Classifies user intents. <b>Not bold</b>: descriptions are shown as text.",
        {},
    )
    seed_judged(client)
    for name, (description, versions, aliases) in ATTENTION_MODELS.items():
        seed_simple(client, name, versions, description, aliases, policy=TEAM_POLICY)
    if args.versions:
        seed_scale(client, args.versions)
    seed_users()
    log("done")


if __name__ == "__main__":
    main()
