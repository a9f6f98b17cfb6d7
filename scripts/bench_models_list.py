"""The models list on a registry of many models (issue 27; docs/benchmarks.md, "The models
list and what needs attention"). A benchmark, not a test: `scripts/bench_models_list` builds the
release bundle and runs it.

    .venv/bin/python scripts/bench_models_list.py [--models 1000] [--runs 5]

Seeds N registered models once into .data/bench-models-<N>/ (git-ignored; reruns skip it),
straight into a sqlite file through MLflow's own store code, as the scale benchmarks do. Each
model has two evaluated versions; most carry the team's saved policy (scripts/seed_demo.py's
TEAM_POLICY), some have none, some have no production alias, some a newest version that fails.

Then one MLflow (loopback, one worker) on a copy of that file, nginx serving dist/ under
/podium/ beside it (docs/DEPLOY.md's set-up), and headless Chromium (chromedriver over HTTP)
opening /podium/, --runs times with a fresh profile each:

- list: the first page's rows are in the table (100 models);
- attention: no row of that page says "checking…" any more;
- then "Show more" is clicked: the same two points for the second page, from the click.

Requests are counted from the page's Resource Timing entries, by REST path, for the first page
(list and attention) and for the second (from the click).
"""

import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bench_mlflow_reads import mlflow  # noqa: E402
from bench_side_by_side import Browser, free_port  # noqa: E402

# Runs before the page's own scripts: marks when the list and its attention column are in.
OBSERVER = r"""
(() => {
  const marks = (window.__bench = {});
  const now = () => Math.round(performance.now());
  const check = () => {
    const rows = document.querySelectorAll('table[aria-label="Registered models"] tbody tr');
    const checking = [...rows].some(r =>
      [...r.cells].some(c => c.textContent.trim() === 'checking…'));
    const want = marks.clicked ? 200 : 100;
    if (rows.length >= want) {
      const at = marks.clicked ? 'more_' : '';
      if (!marks[at + 'list']) marks[at + 'list'] = now();
      if (!checking && !marks[at + 'attention']) marks[at + 'attention'] = now();
    }
    const failed = document.querySelector('.error-panel, #podium-crash');
    if (failed) marks.error = failed.textContent.slice(0, 300);
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, characterData: true, attributes: true,
  });
})();
"""

# Every REST request of the page so far, by path.
REQUESTS = """
return performance.getEntriesByType('resource')
  .map(e => new URL(e.name).pathname)
  .filter(p => p.includes('/api/'))
  .map(p => p.replace(/^.*\\/(api|ajax-api)\\/2\\.0\\/mlflow\\//, ''));
"""

CLICK_MORE = """
const button = [...document.querySelectorAll('button')]
  .find(b => b.textContent.trim() === 'Show more');
window.__bench.clicked = performance.now();
button.click();
"""


def seed(n):
    """N models into .data/bench-models-N/mlflow.db, once."""
    data = ROOT / ".data" / f"bench-models-{n}"
    if (data / "seeded").exists():
        return data
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    started = time.time()
    env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{data}/mlflow.db"}
    subprocess.run([str(ROOT / ".venv/bin/python"), "-c", SEEDER, str(n)], check=True, env=env,
                   cwd=data)
    (data / "seeded").write_text(f"{time.time() - started:.0f} s\n")
    return data


# Runs in the virtualenv with MLFLOW_TRACKING_URI set to the sqlite file.
SEEDER = r"""
import sys
sys.path.insert(0, %r)
from mlflow import MlflowClient
from seed_demo import TEAM_POLICY, eval_run, experiment, log, register

n = int(sys.argv[1])
client = MlflowClient()
exp = experiment(client, "fleet-evaluation")
for i in range(n):
    name = f"fleet_{i:04d}"
    tags = {} if i %% 10 == 9 else {"podium.policy": TEAM_POLICY}
    client.create_registered_model(name, tags=tags, description=f"Fleet model {i}")
    for version in (1, 2):
        fails = version == 2 and i %% 3 == 0
        metrics = {"relevance/mean": 0.6 if fails else 0.7 + version / 20,
                   "safety/mean": 0.95}
        run_id = eval_run(client, exp, f"{name}-v{version}", metrics, dataset="fleet_eval")
        register(client, name, run_id, f"Build {version}")
    if i %% 4 != 3:
        client.set_registered_model_alias(name, "production", "1")
    if i %% 100 == 99:
        log(f"{i + 1}/{n} models")
""" % str(ROOT / "scripts")


def load(browser, url, timeout=120):
    """Opens the list; returns (list ms, attention ms, requests) for the first page, then the
    same from the click on "Show more" for the second."""
    session = f"/session/{browser.session}"
    browser.call("POST", f"{session}/url", {"url": "about:blank"})
    browser.call("POST", f"{session}/url", {"url": url})

    def wait(key):
        deadline = time.time() + timeout
        while time.time() < deadline:
            marks = browser.script("return window.__bench || {}")
            if marks.get("error"):
                raise RuntimeError(f"{url}: {marks['error']}")
            if marks.get(key):
                return marks
            time.sleep(0.02)
        raise RuntimeError(f"{url}: no {key} after {timeout} s: {marks}")

    marks = wait("attention")
    time.sleep(0.3)  # requests still in flight
    first = browser.script(REQUESTS)
    browser.script(CLICK_MORE)
    more = wait("more_attention")
    time.sleep(0.3)
    second = browser.script(REQUESTS)[len(first):]
    clicked = more["clicked"]
    return ((marks["list"], marks["attention"], Counter(first)),
            (more["more_list"] - clicked, more["more_attention"] - clicked, Counter(second)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--models", type=int, default=1000)
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args()
    store = seed(a.models)
    data = ROOT / ".data" / f"bench-models-run-{a.models}"
    shutil.rmtree(data, ignore_errors=True)
    (data / "mlflow").mkdir(parents=True)
    shutil.copy(store / "mlflow.db", data / "mlflow" / "mlflow.db")
    base = mlflow("start", "--data", str(data / "mlflow"))
    chromedriver = None
    pages = {"first page": [], "second page (Show more)": []}
    try:
        out = subprocess.run([str(ROOT / "scripts/serve_nginx"), "start", "--data",
                              str(data / "nginx"), "--dist", str(ROOT / "dist"),
                              "--mlflow", base], check=True, stdout=subprocess.PIPE, text=True)
        url = out.stdout.strip().splitlines()[-1]
        port = free_port()
        chromedriver = subprocess.Popen(
            [os.environ.get("CHROMEDRIVER") or "chromedriver", f"--port={port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        driver = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{driver}/status", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        for _ in range(a.runs):
            browser = Browser(driver, 0, OBSERVER)
            try:
                first, second = load(browser, url)
            finally:
                browser.close()
            pages["first page"].append(first)
            pages["second page (Show more)"].append(second)
    finally:
        if chromedriver:
            chromedriver.terminate()
        subprocess.run([str(ROOT / "scripts/serve_nginx"), "stop", "--data",
                        str(data / "nginx")], check=False)
        mlflow("stop", "--data", str(data / "mlflow"))

    def cell(samples):
        return (f"{statistics.median(samples):.0f} "
                f"({min(samples):.0f}–{max(samples):.0f})")

    print(f"\n{a.models} registered models (100 per page), MLflow 1 worker, sqlite, nginx on "
          f"loopback; headless Chromium, fresh profile; median of {a.runs} (min–max) ms\n")
    print("| page | list shown | attention column filled | REST requests |")
    print("| --- | ---: | ---: | --- |")
    for page, runs in pages.items():
        requests = runs[-1][2]
        said = ", ".join(f"{path} × {count}" for path, count in sorted(requests.items()))
        print(f"| {page} | {cell([r[0] for r in runs])} | {cell([r[1] for r in runs])} "
              f"| {sum(requests.values())}: {said} |")


if __name__ == "__main__":
    main()
