"""MLflow's own UI and Podium, side by side, on the same large model (issue 14; docs/benchmarks.md,
"Side by side with MLflow's UI"). A benchmark, not a test: `scripts/bench_side_by_side` builds
the release bundle and runs it.

    .venv/bin/python scripts/bench_side_by_side.py [--versions 1000] [--runs 5] [--workers 1]
                                                   [--store sqlite|postgres]

One MLflow (`mlflow server`, loopback, --workers W) on a seeded copy of `.data/bench-reads-<N>/`
(sqlite), or on the seeded PostgreSQL database of `.data/bench-reads-pg-<N>/` (seeded once by
scripts/bench_mlflow_reads.py's code, git-ignored), and
nginx (scripts/serve_nginx) serving Podium's dist/ under /podium/ and MLflow at / on one origin,
as docs/DEPLOY.md sets it up. One headless Chromium (chromedriver, plain WebDriver over HTTP),
alternating the two apps, --runs times each:

- MLflow UI: `/#/models/scale_agent` until the first version row (a link to a version) is there;
- Podium: `/podium/models/scale_agent` until the newest 25 versions show a verdict and the plan
  is written (first decided rows), until every version is decided (the table no longer says it
  is loading the others), and until every version's whole evidence is in (no status line).

Cold: a fresh browser profile per load. Warm: one profile per app, loaded once first, then
each timed load after `about:blank`. Times are read in the page (a MutationObserver installed
before any script runs records `performance.now()`, i.e. milliseconds since navigation start).
Requests and bytes are from the page's Resource Timing entries (bytes: as transferred; a cached
file counts 0).
"""

import argparse
import json
import os
import pathlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bench_mlflow_reads import MODEL, mlflow, postgres, seeded_store, warm_up  # noqa: E402

# Runs before the page's own scripts: marks when each condition first holds.
OBSERVER = r"""
(() => {
  const marks = (window.__bench = {});
  const now = () => Math.round(performance.now());
  const check = () => {
    if (location.pathname.startsWith('/podium/')) {
      const decided = document.querySelectorAll(
        '.versions td.verdict.pass, .versions td.verdict.fail, .versions td.verdict.skipped').length;
      const plan = document.querySelector('[data-testid=plan]');
      if (!marks.first && decided >= marks.want && plan && plan.textContent.trim()) {
        marks.first = now();
      }
      // The older versions are loading while the table says so; then their other evidence
      // while it says anything.
      const status = document.querySelector('.review-main > p[role=status]');
      if (marks.first && !marks.all &&
          !(status && status.textContent.includes('loading the others'))) {
        marks.all = now();
      }
      if (marks.all && !marks.evidence && !status) {
        marks.evidence = now();
      }
      const failed = document.querySelector('.error-panel, #podium-crash');
      if (failed) marks.error = failed.textContent.slice(0, 300);
    } else if (!marks.first && document.querySelector('a[href*="/versions/"]')) {
      marks.first = now();
      marks.all = marks.evidence = marks.first;
    }
  };
  marks.want = WANT;
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, characterData: true, attributes: true,
  });
})();
"""

RESOURCES = """
const entries = performance.getEntriesByType('resource');
const nav = performance.getEntriesByType('navigation')[0];
const all = [nav, ...entries].filter(Boolean);
return {
  requests: all.length,
  bytes: all.reduce((sum, e) => sum + (e.transferSize || 0), 0),
  body: all.reduce((sum, e) => sum + (e.encodedBodySize || 0), 0),
};
"""


# With BENCH_TRACE=1: each Podium load's requests (path, start and end ms, bytes).
TRACE = """
return performance.getEntriesByType('resource').map(e => [
  new URL(e.name).pathname.replace(/^.*\\/(api|ajax-api)\\//, '$1/'),
  Math.round(e.startTime), Math.round(e.responseEnd), e.encodedBodySize || 0]);
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One WebDriver session of chromedriver (a fresh profile in a temporary folder)."""

    def __init__(self, driver, want, observer=OBSERVER):
        """`observer` runs before each page's own scripts (WANT in it replaced by `want`)."""
        self.driver = driver
        self.profile = tempfile.mkdtemp(prefix="podium-bench-profile-")
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--window-size=1280,900",
            f"--user-data-dir={self.profile}"]}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]
        self.call("POST", f"/session/{self.session}/goog/cdp/execute", {
            "cmd": "Page.addScriptToEvaluateOnNewDocument",
            "params": {"source": observer.replace("WANT", str(want))}})

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.driver}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as resp:
            return json.loads(resp.read())["value"]

    def script(self, source):
        return self.call("POST", f"/session/{self.session}/execute/sync",
                         {"script": source, "args": []})

    def load(self, url, timeout=60):
        """Opens `url`; returns (first ms, all ms, requests, bytes, evidence ms) once the page
        says done."""
        self.call("POST", f"/session/{self.session}/url", {"url": "about:blank"})
        self.call("POST", f"/session/{self.session}/url", {"url": url})
        deadline = time.time() + timeout
        while time.time() < deadline:
            marks = self.script("return window.__bench || {}")
            if marks.get("error"):
                raise RuntimeError(f"{url}: {marks['error']}")
            if marks.get("evidence"):
                # Let requests still in flight finish before counting them.
                time.sleep(0.3)
                res = self.script(RESOURCES)
                if os.environ.get("BENCH_TRACE") and "/podium/" in url:
                    print(f"first {marks['first']} all {marks['all']} "
                          f"evidence {marks['evidence']}")
                    for path, start, end, size in self.script(TRACE):
                        print(f"  {start:6d} {end:6d} {size:9d} {path}")
                return (marks["first"], marks["all"], res["requests"], res["bytes"],
                        marks["evidence"])
            time.sleep(0.02)
        raise RuntimeError(f"{url}: not done after {timeout} s: {marks}")

    def close(self):
        try:
            self.call("DELETE", f"/session/{self.session}")
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


def summary(samples):
    return statistics.median(samples), min(samples), max(samples)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--versions", type=int, default=1000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    a = p.parse_args()
    want = min(25, a.versions)
    store, uri = seeded_store(a.versions, a.store)
    data = ROOT / ".data" / f"bench-side-{a.versions}-{a.store}-w{a.workers}"
    shutil.rmtree(data, ignore_errors=True)
    (data / "mlflow").mkdir(parents=True)
    args = ["start", "--data", str(data / "mlflow"), "--workers", str(a.workers)]
    if uri:
        # Only read: both apps run on the seeded database itself.
        args += ["--backend-store-uri", uri]
    else:
        shutil.copy(store / "mlflow.db", data / "mlflow" / "mlflow.db")
    base = mlflow(*args)
    warm_up(base, a.workers)
    nginx = None
    chromedriver = None
    try:
        out = subprocess.run([str(ROOT / "scripts/serve_nginx"), "start", "--data",
                              str(data / "nginx"), "--dist", str(ROOT / "dist"),
                              "--mlflow", base], check=True, stdout=subprocess.PIPE, text=True)
        nginx = out.stdout.strip().splitlines()[-1]
        origin = nginx.removesuffix("/podium/")
        apps = {
            "MLflow UI": f"{origin}/#/models/{MODEL}",
            "Podium": f"{origin}/podium/models/{MODEL}",
        }
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
        results = {(app, mode): [] for app in apps for mode in ("cold", "warm")}
        # Cold: a fresh profile per load, the two apps alternating.
        for _ in range(a.runs):
            for app, url in apps.items():
                browser = Browser(driver, want)
                try:
                    results[(app, "cold")].append(browser.load(url))
                finally:
                    browser.close()
        # Warm: one profile per app, loaded once before timing; loads alternate.
        browsers = {app: Browser(driver, want) for app in apps}
        try:
            for app, url in apps.items():
                browsers[app].load(url)
            for _ in range(a.runs):
                for app, url in apps.items():
                    results[(app, "warm")].append(browsers[app].load(url))
        finally:
            for browser in browsers.values():
                browser.close()
    finally:
        if chromedriver:
            chromedriver.terminate()
        if nginx:
            subprocess.run([str(ROOT / "scripts/serve_nginx"), "stop", "--data",
                            str(data / "nginx")], check=False)
        mlflow("stop", "--data", str(data / "mlflow"))
        if uri:
            postgres("stop", "--data", str(store / "pg"))

    print(f"\n{a.versions} versions, MLflow {a.workers} worker(s), {a.store}, nginx on loopback; "
          f"headless Chromium; median of {a.runs} (min–max) ms from navigation start\n")
    print("| | MLflow UI: first version rows | Podium: first decided rows (25 + plan) "
          "| Podium: every version decided | Podium: all evidence "
          "| ratio (MLflow UI / Podium first) "
          "| requests MLflow UI / Podium | bytes MLflow UI / Podium |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for mode in ("cold", "warm"):
        ui, podium = results[("MLflow UI", mode)], results[("Podium", mode)]
        ui_first = summary([r[0] for r in ui])
        first = summary([r[0] for r in podium])
        every = summary([r[1] for r in podium])
        evidence = summary([r[4] for r in podium])
        cell = lambda s: f"{s[0]:.0f} ({s[1]:.0f}–{s[2]:.0f})"  # noqa: E731
        print(f"| {mode} | {cell(ui_first)} | {cell(first)} | {cell(every)} | {cell(evidence)} "
              f"| {ui_first[0] / first[0]:.1f}× "
              f"| {statistics.median(r[2] for r in ui):.0f} / "
              f"{statistics.median(r[2] for r in podium):.0f} "
              f"| {statistics.median(r[3] for r in ui):,.0f} / "
              f"{statistics.median(r[3] for r in podium):,.0f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
