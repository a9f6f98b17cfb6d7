"""How fast, and how heavy, are the ways to read a large model's evaluation metrics from MLflow?
A benchmark for issue 14 (docs/benchmarks.md, "Reading metrics from MLflow"), not a test.

    .venv/bin/python scripts/bench_mlflow_reads.py [--versions 1000] [--workers 1 4] [--repeat 5]
                                                   [--store sqlite|postgres]

Seeds `scale_agent` with N versions once into .data/bench-reads-<N>/ (git-ignored; reruns skip
seeding), then for each worker count starts MLflow on that store (scripts/mlflow, loopback;
sqlite: a copy of the file; postgres: a cluster of its own, scripts/postgres, kept in
.data/bench-reads-pg-<N>/) and times, median of --repeat runs, the requests Podium makes today
and the lighter alternatives. Prints one table per worker count: milliseconds and bytes per way.
"""

import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODEL = "scale_agent"
KEYS = ["relevance_to_query/mean", "safety/mean", "guidelines/mean", "cost_accuracy/mean"]


def mlflow(*args):
    out = subprocess.run([str(ROOT / "scripts/mlflow"), *args], check=True,
                         stdout=subprocess.PIPE, text=True)
    return out.stdout.strip()


def call(base, path, body=None, query=None):
    """One request: (milliseconds, bytes, parsed JSON)."""
    url = f"{base}{path}"
    if query:
        url += "?" + urllib.parse.urlencode(query, doseq=True)
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET",
                                 headers={"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as resp:
        raw = resp.read()
    return (time.perf_counter() - started) * 1000, len(raw), json.loads(raw)


def runs_search(base, experiment_ids, run_ids):
    ids = ",".join(f"'{r}'" for r in run_ids)
    return call(base, "/api/2.0/mlflow/runs/search", {
        "experiment_ids": experiment_ids, "filter": f"attributes.run_id IN ({ids})",
        "max_results": 1000, "run_view_type": "ALL"})


def timed(ways, name, fn, repeat):
    """Runs fn (returning (bytes, requests)) `repeat` times; records the median wall time."""
    times, size, requests = [], 0, 0
    for _ in range(repeat):
        started = time.perf_counter()
        size, requests = fn()
        times.append((time.perf_counter() - started) * 1000)
    ways.append((name, statistics.median(times), min(times), max(times), requests, size))


def measure(base, repeat):
    api = "/api/2.0/mlflow"
    def all_versions():
        """Every version, 5 000 per page (as Podium pages): (versions, bytes, requests)."""
        found, size, requests, token = [], 0, 0, None
        while True:
            query = {"filter": f"name='{MODEL}'", "max_results": 5000}
            if token:
                query["page_token"] = token
            _, got, page = call(base, f"{api}/model-versions/search", query=query)
            found += page["model_versions"]
            size, requests = size + got, requests + 1
            token = page.get("next_page_token")
            if not token:
                return found, size, requests

    versions = sorted(all_versions()[0], key=lambda v: -int(v["version"]))
    run_ids = [v["run_id"] for v in versions]
    _, _, experiments = call(base, f"{api}/experiments/search",
                             query={"max_results": 1000, "view_type": "ALL"})
    experiment_ids = [e["experiment_id"] for e in experiments["experiments"]]
    first_screen = run_ids[:25] + run_ids[-2:]  # the newest 25, champion v1, production v2
    chunks = [run_ids[i:i + 100] for i in range(0, len(run_ids), 100)]
    ways = []

    def one(fn):
        t, size, _ = fn()
        return size, 1

    timed(ways, "registered-models/get", lambda: one(lambda: call(
        base, f"{api}/registered-models/get", query={"name": MODEL})), repeat)
    timed(ways, f"model-versions/search, all {len(versions)}, 5 000 per page (Podium today)",
          lambda: all_versions()[1:], repeat)
    timed(ways, "model-versions/search, newest 25 (order_by)", lambda: one(
        lambda: call(base, f"{api}/model-versions/search",
                     query={"filter": f"name='{MODEL}'", "max_results": 25,
                            "order_by": "version_number DESC"})), repeat)
    def podium_today():
        thousands = [run_ids[i:i + 1000] for i in range(0, len(run_ids), 1000)]
        return sum(runs_search(base, experiment_ids, c)[1] for c in thousands), len(thousands)

    timed(ways, f"runs/search, {len(run_ids)} ids, 1 000 per call (Podium today)",
          podium_today, repeat)
    timed(ways, f"runs/search, first screen ({len(first_screen)} ids)", lambda: one(
        lambda: runs_search(base, experiment_ids, first_screen)), repeat)

    def sequential_chunks():
        size = sum(runs_search(base, experiment_ids, c)[1] for c in chunks)
        return size, len(chunks)

    def concurrent_chunks():
        with ThreadPoolExecutor(4) as pool:
            size = sum(r[1] for r in pool.map(lambda c: runs_search(base, experiment_ids, c),
                                              chunks))
        return size, len(chunks)

    timed(ways, f"runs/search, {len(chunks)} × 100 ids, one at a time", sequential_chunks, repeat)
    timed(ways, f"runs/search, {len(chunks)} × 100 ids, 4 at a time", concurrent_chunks, repeat)

    def history_bulk(concurrency):
        def fetch(args):
            key, chunk = args
            return call(base, "/ajax-api/2.0/mlflow/metrics/get-history-bulk",
                        query={"run_id": chunk, "metric_key": key,
                               # A cap on the whole answer, not per run (sqlite store).
                               "max_results": len(chunk)})[1]
        jobs = [(k, c) for k in KEYS for c in chunks]
        with ThreadPoolExecutor(concurrency) as pool:
            return sum(pool.map(fetch, jobs)), len(jobs)

    timed(ways, f"get-history-bulk, {len(KEYS)} keys × {len(chunks)} × 100 ids, 4 at a time",
          lambda: history_bulk(4), repeat)
    return ways


def warm_up(base, workers):
    """Every worker answers a few requests before timing starts (each opens its store on its
    first request). A failed warm-up request is reported, not hidden: Podium retries reads."""
    def probe(_):
        try:
            call(base, "/api/2.0/mlflow/experiments/search", query={"max_results": 1})
            return None
        except urllib.error.HTTPError as e:
            return e.code
    with ThreadPoolExecutor(workers * 2) as pool:
        failed = [code for code in pool.map(probe, range(workers * 8)) if code]
    if failed:
        print(f"warm-up: {len(failed)} of {workers * 8} first requests failed: HTTP {failed}")


def postgres(*args):
    out = subprocess.run([str(ROOT / "scripts/postgres"), *args], check=True,
                         stdout=subprocess.PIPE, text=True)
    return out.stdout.strip()


def seeded_store(n, store):
    """The seeded store: a data folder (sqlite) or a PostgreSQL URI (cluster left running)."""
    data = ROOT / ".data" / (f"bench-reads-{n}" if store == "sqlite" else f"bench-reads-pg-{n}")
    uri = None
    if store == "postgres":
        uri = postgres("start", "--data", str(data / "pg")) + "/mlflow"
    if not (data / "seeded").exists():
        started = time.time()
        if uri:
            postgres("createdb", "--data", str(data / "pg"), "mlflow")
            mlflow("start", "--data", str(data / "server"), "--backend-store-uri", uri)
            folder = data / "server"
        else:
            # Straight into the sqlite file through MLflow's own store code: ~3× faster than
            # through a server (1 000 versions: 33 s against 103 s).
            shutil.rmtree(data, ignore_errors=True)
            data.mkdir(parents=True)
            folder = None
            env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{data}/mlflow.db"}
            subprocess.run([str(ROOT / ".venv/bin/python"), str(ROOT / "scripts/seed_demo.py"),
                            "--versions", str(n), "--only-scale"], check=True, env=env, cwd=data)
        try:
            if folder:
                subprocess.run([str(ROOT / "scripts/mlflow"), "seed", "--data", str(folder),
                                "--versions", str(n)], check=True)
        finally:
            if folder:
                mlflow("stop", "--data", str(folder))
        (data / "seeded").write_text(f"{time.time() - started:.0f} s\n")
    return data, uri


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--versions", type=int, default=1000)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    a = p.parse_args()
    store, uri = seeded_store(a.versions, a.store)
    print(f"{a.versions} versions (store seeded in {(store / 'seeded').read_text().strip()}); "
          f"median of {a.repeat} runs, min–max; {a.store}, loopback")
    try:
        for workers in a.workers:
            data = ROOT / ".data" / f"bench-reads-{a.versions}-w{workers}"
            shutil.rmtree(data, ignore_errors=True)
            data.mkdir(parents=True)
            args = ["start", "--data", str(data), "--workers", str(workers)]
            if uri:
                args += ["--backend-store-uri", uri]
            else:
                shutil.copy(store / "mlflow.db", data / "mlflow.db")
            base = mlflow(*args)
            try:
                warm_up(base, workers)
                ways = measure(base, a.repeat)
            except urllib.error.HTTPError as e:
                log = (data / "server.log").read_text(errors="replace").splitlines()
                errors = [line for line in log if "rror" in line][-5:]
                print(f"\n{workers} worker(s): HTTP {e.code} from {e.url.split('?')[0]}; "
                      f"MLflow's log says:\n  " + "\n  ".join(errors))
                continue
            finally:
                mlflow("stop", "--data", str(data))
                shutil.rmtree(data, ignore_errors=True)
            print(f"\n{workers} worker(s)\n")
            print("| way | median ms | min–max ms | requests | bytes |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for name, median, low, high, requests, size in ways:
                print(f"| {name} | {median:.0f} | {low:.0f}–{high:.0f} | {requests} | {size:,} |")
    finally:
        if uri:
            postgres("stop", "--data", str(store / "pg"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
