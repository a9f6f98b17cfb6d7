"""Serves the built app (dist/) and forwards /api/ to an MLflow server: the same origin layout
as a reverse proxy beside the MLflow UI. Used by the end-to-end tests.

    python scripts/serve_dist.py --dist dist --mlflow http://127.0.0.1:5000 --port 0

Prints `serving http://<host>:<port>` once it listens. Without --mlflow it serves the files only
(Podium then talks to MLflow on another origin, as podium.json says). --host picks the loopback
address (127.0.0.2 is an origin MLflow does not allow by default); --header NAME:VALUE adds a
header to every file served (e.g. a Content-Security-Policy).

Faults for tests (every other request is a real MLflow request):
    --refuse-alias NAME       moving alias NAME answers 403 without reaching MLflow
    --lose-answer-alias NAME  moving alias NAME reaches MLflow, then the connection is dropped
                              before the answer (the browser sees a network error)
    --after-alias NAME:OTHER=VERSION
                              the first time the page moves alias NAME, another client sets
                              alias OTHER of the same model to VERSION right after (a
                              colleague's write landing between two of the page's)
    --colleague-on-read N:ALIAS=VERSION
                              on the Nth read of a registered model (registered-models/get),
                              another client first sets ALIAS of that model to VERSION: a
                              colleague's move between a decision and its re-read
    --slow-alias NAME=SECONDS
                              a move of alias NAME waits SECONDS before it reaches MLflow, and
                              SECONDS more before its answer: two pages moving it at once then
                              both pass their re-read, and the first reads back the second's
                              write
    --fault PATH=KIND[xN]     requests whose path (query included) contains PATH get KIND (the first N times,
                              or always): status:CODE (answers CODE), drop (closes the
                              connection), delay:SECONDS, stall-body (headers and half the
                              body, then nothing), truncate (half the JSON, as if complete),
                              repeat-token (every page says the same next_page_token),
                              redirect:URL (answers 302 to URL), huge (announces a 70 MB body,
                              sends a little, then closes)
"""

import argparse
import http.server
import json
import os
import threading
import time
import urllib.parse
import sys
import urllib.error
import urllib.request

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate", "content-length", "host"}
# Not passed back: with it, the browser shows its own sign-in dialog for MLflow's 401, then
# sends what was typed there on every request, whatever Podium's settings say.
DROPPED = HOP_BY_HOP | {"www-authenticate"}


ALIAS_PATH = "/api/2.0/mlflow/registered-models/alias"
MAX_BODY = 16 * 1024 * 1024


def alias_of(body):
    try:
        return json.loads(body or b"{}").get("alias")
    except ValueError:
        return None


class Faults:
    """The --fault rules and how often each has fired."""

    def __init__(self, specs):
        self.rules = []
        for spec in specs:
            # The kind has no "=": a path may (`max_results=5000`).
            path, _, kind = spec.rpartition("=")
            times = None
            if "x" in kind.rsplit(":", 1)[-1] and kind.rsplit("x", 1)[-1].isdigit():
                kind, n = kind.rsplit("x", 1)
                times = int(n)
            self.rules.append({"path": path, "kind": kind, "times": times, "fired": 0})
        self.lock = threading.Lock()

    def take(self, path):
        """The fault to inject into a request for `path`, if any."""
        with self.lock:
            for rule in self.rules:
                if rule["path"] in path and (rule["times"] is None or rule["fired"] < rule["times"]):
                    rule["fired"] += 1
                    return rule["kind"]
        return None


REPEATED_TOKEN = "podium-test-repeated-token"


def set_alias(mlflow, model, alias, version):
    """Sets `alias` of `model` to `version` directly in MLflow (another client's write)."""
    body = json.dumps({"name": model, "alias": alias, "version": version}).encode()
    req = urllib.request.Request(mlflow + ALIAS_PATH, data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=60).read()


def handler(dist, mlflow, refuse=(), lose_answer=(), faults=None, headers=(), after=None,
            slow=None, on_read=None):
    after = dict(after or {})
    slow = dict(slow or {})
    on_read = dict(on_read or {})
    reads = [0]
    after_lock = threading.Lock()
    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                          ".wasm": "application/wasm", ".js": "text/javascript"}

        def __init__(self, *a, **kw):
            super().__init__(*a, directory=dist, **kw)

        def log_message(self, fmt, *args):  # quiet: the tests read stdout for the URL only
            pass

        def proxy(self):
            # A bad or negative length would make read() wait for the end of the connection.
            length = self.headers.get("Content-Length") or "0"
            if not length.isdigit() or int(length) > MAX_BODY:
                self.close_connection = True
                return self.answer(400, b"Bad Content-Length", "text/plain")
            length = int(length)
            body = self.rfile.read(length) if length else None
            moves = self.command in ("POST", "DELETE") and self.path.split("?")[0] == ALIAS_PATH
            alias = alias_of(body) if moves else None
            if alias is not None and alias in refuse:
                data = json.dumps({"error_code": "PERMISSION_DENIED",
                                   "message": f"Permission denied to move {alias} (test proxy)"}).encode()
                self.send_response(403)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            if self.command == "GET" and self.path.startswith("/api/2.0/mlflow/registered-models/get?"):
                with after_lock:
                    reads[0] += 1
                    colleague = on_read.pop(reads[0], None)
                if colleague is not None:
                    query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                    set_alias(mlflow, query["name"][0], *colleague)
            fault = faults.take(self.path) if faults else None
            if fault == "drop":
                self.close_connection = True
                return
            if fault and fault.startswith("status:"):
                code = int(fault.split(":")[1])
                return self.answer(code, json.dumps({"error_code": "TEMPORARILY_UNAVAILABLE",
                                                     "message": f"injected {code}"}).encode())
            if fault and fault.startswith("delay:"):
                time.sleep(float(fault.split(":")[1]))
            if alias is not None and alias in slow:
                time.sleep(slow[alias])
            if fault and fault.startswith("redirect:"):
                self.send_response(302)
                self.send_header("Location", fault.split(":", 1)[1])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if fault == "huge":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(70 * 1024 * 1024))
                self.end_headers()
                self.wfile.write(b"[" + b"0," * 512)
                self.wfile.flush()
                self.close_connection = True
                return
            target = self.path
            if fault == "repeat-token":
                # The repeated token is ours, not MLflow's: ask MLflow for the first page again.
                url = urllib.parse.urlsplit(self.path)
                query = [(k, v) for k, v in urllib.parse.parse_qsl(url.query) if v != REPEATED_TOKEN]
                target = url._replace(query=urllib.parse.urlencode(query)).geturl()
            req = urllib.request.Request(mlflow + target, data=body, method=self.command)
            for k, v in self.headers.items():
                if k.lower() not in HOP_BY_HOP:
                    req.add_header(k, v)
            try:
                resp = urllib.request.urlopen(req, timeout=60)
            except urllib.error.HTTPError as e:
                resp = e
            except OSError as e:
                data = f"Bad gateway: MLflow at {mlflow} is unreachable ({e.reason if hasattr(e, 'reason') else e})".encode()
                self.send_response(502)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            data = resp.read()
            if alias is not None:
                with after_lock:
                    colleague = after.pop(alias, None)
                if colleague is not None:
                    other, version = colleague
                    set_alias(mlflow, json.loads(body)["name"], other, version)
                if alias in slow:
                    time.sleep(slow[alias])
            if alias is not None and alias in lose_answer:
                self.close_connection = True  # MLflow did it; the browser never hears
                return
            if fault == "repeat-token":
                page = json.loads(data)
                page["next_page_token"] = REPEATED_TOKEN
                data = json.dumps(page).encode()
            if fault == "truncate":
                data = data[: len(data) // 2]
            if fault == "stall-body":
                self.send_response(resp.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                time.sleep(60)
                self.close_connection = True
                return
            self.send_response(resp.status)
            for k, v in resp.headers.items():
                if k.lower() not in DROPPED:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def end_headers(self):
            if not getattr(self, "path", "").startswith("/api/"):
                for header in headers:
                    name, _, value = header.partition(":")
                    self.send_header(name.strip(), value.strip())
            super().end_headers()

        def answer(self, status, data, content_type="application/json"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def route(self):
            if mlflow and self.path.startswith("/api/"):
                return self.proxy()
            # Only files inside dist/ are looked at: a path that leaves it (`/../etc/passwd`)
            # gets the app like any unknown path, so answers never tell what exists elsewhere.
            path = urllib.parse.unquote(self.path.split("?", 1)[0])
            file = os.path.realpath(os.path.join(dist, path.lstrip("/")))
            if not (file.startswith(dist + os.sep) and os.path.isfile(file)):
                self.path = "/index.html"  # client-side routes
            return super().do_GET()

        do_GET = route
        def write(self):
            if not mlflow:
                return self.answer(405, b"This server has no MLflow behind it", "text/plain")
            return self.proxy()

        do_POST = do_DELETE = do_PATCH = write

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dist", default="dist")
    p.add_argument("--mlflow")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--header", action="append", default=[])
    p.add_argument("--refuse-alias", action="append", default=[])
    p.add_argument("--lose-answer-alias", action="append", default=[])
    p.add_argument("--fault", action="append", default=[])
    p.add_argument("--after-alias", action="append", default=[])
    p.add_argument("--slow-alias", action="append", default=[])
    p.add_argument("--colleague-on-read", action="append", default=[])
    a = p.parse_args()
    after = {}
    for spec in a.after_alias:
        alias, _, rest = spec.partition(":")
        other, _, version = rest.partition("=")
        after[alias] = (other, version)
    slow = {name: float(seconds) for name, _, seconds in
            (spec.partition("=") for spec in a.slow_alias)}
    on_read = {}
    for spec in a.colleague_on_read:
        n, _, rest = spec.partition(":")
        alias, _, version = rest.partition("=")
        on_read[int(n)] = (alias, version)
    server = http.server.ThreadingHTTPServer(
        (a.host, a.port),
        handler(os.path.realpath(a.dist), (a.mlflow or "").rstrip("/"), a.refuse_alias,
                a.lose_answer_alias, Faults(a.fault), a.header, after, slow, on_read))
    print(f"serving http://{a.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
