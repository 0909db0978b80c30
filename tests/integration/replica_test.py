"""The replica tier end to end (tests/integration/replica_test.sh).

On loopback with free ports: a fake platform (the ListCustomers page shape of
docs/upstream.md), a primary hoursd syncing from it every second, replica A taking the
primary's GET /v1/snapshot directly, and replica B taking it through nginx proxy_cache
configured with the snippet of docs/operations.md (read from the guide, so the two cannot
drift). Both replicas use upstream.auth = "bearer" with the primary's bearer token.

It checks that:
  - the primary's snapshot is gzip by default and zstd when asked, and the bytes decode with
    Python's zlib and with the zstd tool (when installed) to a snapshot file;
  - both replicas serve the primary's customers, and their /v1/status names the primary's
    generation and sync time;
  - nginx keeps the snapshot and revalidates it (its log shows HIT or REVALIDATED), and the
    replicas' conditional requests come back 304 (notModified);
  - a change on the platform reaches both replicas within one replica interval of the
    primary publishing it (plus the one-second cache age);
  - with the primary stopped, both replicas keep answering from their snapshot, and their
    status says the sync fails.

usage: replica_test.py HOURSD_BINARY SOURCE_DIR
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

TOKEN = "replica-test-token"
PRIMARY_INTERVAL_S = 1
REPLICA_INTERVAL_S = 3
CACHE_AGE_S = 1  # GET /v1/snapshot's Cache-Control max-age


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def customer(cid, state):
    return {"id": cid, "name": cid, "dateLastModified": "2026-01-01T00:00:00Z",
            "schedule": {"timeZoneId": "UTC", "defaultState": "Closed", "rules": [
                {"id": cid + "-r", "name": "Always", "priority": 1, "state": state,
                 "simpleRuleType": "Always"}]}}


class Platform:
    """GET /customers?page=N&countPerPage=K over a list the test replaces at will."""

    def __init__(self):
        self.items = [customer("c-%02d" % i, "Business Hours") for i in range(30)]
        self.lock = threading.Lock()
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urlparse(self.path)
                if url.path != "/customers":
                    self.send_error(404)
                    return
                q = parse_qs(url.query)
                page, per = int(q["page"][0]), int(q["countPerPage"][0])
                with platform.lock:
                    items = list(platform.items)
                pages = max(1, -(-len(items) // per))
                body = json.dumps({"items": items[page * per:(page + 1) * per],
                                   "totalCount": len(items), "totalPages": pages,
                                   "hasMorePages": page + 1 < pages}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def set_items(self, items):
        with self.lock:
            self.items = items


def get(url, headers=None, timeout=5):
    """(status, headers, body) of a GET; errors as their status."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def get_json(url, token=TOKEN):
    status, _, body = get(url, {"Authorization": "Bearer " + token})
    return status, json.loads(body) if body else None


def wait_until(what, predicate, timeout, procs=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, p in procs:
            if p.poll() is not None:
                raise AssertionError("%s exited with %s while waiting for %s" % (name, p.returncode, what))
        try:
            if predicate():
                return time.monotonic()
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))


def nginx_snippet(source_dir):
    """The tested nginx block of docs/operations.md."""
    with open(os.path.join(source_dir, "docs/operations.md")) as f:
        text = f.read()
    marker = text.index("<!-- tests/integration/replica_test.py reads the next block -->")
    block = re.search(r"```nginx\n(.*?)```", text[marker:], re.S)
    return block.group(1)


class Tier:
    def __init__(self, hoursd, source_dir, work):
        self.hoursd, self.source_dir, self.work = hoursd, source_dir, work
        self.procs = []
        self.platform = Platform()
        with open(os.path.join(work, "token"), "w") as f:
            f.write(TOKEN)
        self.ports = {name: free_port() for name in ("primary", "a", "b", "nginx")}
        self.start_hoursd("primary", "http://127.0.0.1:%d" % self.platform.port, PRIMARY_INTERVAL_S)
        self.start_nginx()
        self.start_hoursd("a", "hoursd+http://127.0.0.1:%d" % self.ports["primary"],
                          REPLICA_INTERVAL_S)
        self.start_hoursd("b", "hoursd+http://127.0.0.1:%d" % self.ports["nginx"],
                          REPLICA_INTERVAL_S)

    def url(self, name, path):
        return "http://127.0.0.1:%d%s" % (self.ports[name], path)

    def start(self, name, argv):
        log = open(os.path.join(self.work, name + ".log"), "w")
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append((name, p))
        return p

    def start_hoursd(self, name, source, interval):
        replica = source.startswith("hoursd+")
        auth = 'auth = "bearer"\npassword = { file = "%s/token" }\n' % self.work if replica else ""
        config = os.path.join(self.work, name + ".toml")
        with open(config, "w") as f:
            f.write('[upstream]\nsource = "%s"\n%sconnect_timeout_ms = 1000\n'
                    'request_timeout_ms = 5000\nmax_attempts = 2\nbackoff_initial_ms = 100\n'
                    'backoff_max_ms = 200\n'
                    '[sync]\ninterval_s = %d\njitter = 0\nstale_after_s = 600\nstate_dir = "%s/%s"\n'
                    '[server]\nlisten = "127.0.0.1:%d"\nbearer_token = { file = "%s/token" }\n'
                    % (source, auth, interval, self.work, name, self.ports[name], self.work))
        self.start(name, [self.hoursd, "serve", "--config", config])

    def start_nginx(self):
        snippet = nginx_snippet(self.source_dir)
        snippet = snippet.replace("primary.example.net:8080", "127.0.0.1:%d" % self.ports["primary"])
        snippet = snippet.replace("listen 8081;", "listen 127.0.0.1:%d;" % self.ports["nginx"])
        snippet = snippet.replace("/var/cache/nginx/hoursd", os.path.join(self.work, "cache"))
        w = self.work
        conf = os.path.join(w, "nginx.conf")
        with open(conf, "w") as f:
            f.write("daemon off;\nmaster_process off;\nworker_processes 1;\npid %s/nginx.pid;\n"
                    "error_log %s/nginx-error.log info;\nevents { worker_connections 64; }\n"
                    "http {\n  log_format cache '$request $status $upstream_cache_status';\n"
                    "  access_log %s/nginx-access.log cache;\n"
                    "  client_body_temp_path %s/t-body;\n  proxy_temp_path %s/t-proxy;\n"
                    "  fastcgi_temp_path %s/t-fcgi;\n  uwsgi_temp_path %s/t-uwsgi;\n"
                    "  scgi_temp_path %s/t-scgi;\n%s}\n" % (w, w, w, w, w, w, w, w, snippet))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.start("nginx", [nginx, "-p", w, "-e", os.path.join(w, "nginx-error.log"), "-c", conf])

    def status(self, name):
        return get_json(self.url(name, "/v1/status"))[1]

    def state(self, name, cid):
        status, body = get_json(self.url(name, "/v1/customers/%s/state" % cid))
        return body["state"] if status == 200 else status

    def stop(self, name):
        for n, p in self.procs:
            if n == name and p.poll() is None:
                p.terminate()
                p.wait(10)

    def close(self):
        for name, p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.platform.server.shutdown()


def check_codings(tier):
    """The primary's snapshot bytes, read with tools other than hoursd's own."""
    auth = {"Authorization": "Bearer " + TOKEN}
    # urllib sends "Accept-Encoding: identity" unless told otherwise.
    status, headers, plain = get(tier.url("primary", "/v1/snapshot"), auth)
    assert status == 200 and "Content-Encoding" not in headers, headers
    status, headers, body = get(tier.url("primary", "/v1/snapshot"),
                                dict(auth, **{"Accept-Encoding": "gzip"}))
    assert status == 200, status
    assert headers["Content-Encoding"] == "gzip", headers
    assert headers["Vary"] == "Accept-Encoding"
    text = zlib.decompress(body, 16 + zlib.MAX_WBITS)
    assert text.startswith(b"hoursd-snapshot v"), text[:40]
    assert b'"c-29"' in text
    assert plain == text, "identity and gzip carry different bytes"
    status, headers, zbody = get(tier.url("primary", "/v1/snapshot"),
                                 dict(auth, **{"Accept-Encoding": "gzip;q=0.5, zstd"}))
    assert headers["Content-Encoding"] == "zstd", headers
    if shutil.which("zstd"):
        out = subprocess.run(["zstd", "-d", "-c"], input=zbody, capture_output=True, check=True)
        assert out.stdout == text, "zstd and gzip carry different bytes"
    etag = headers["ETag"]
    status, _, _ = get(tier.url("primary", "/v1/snapshot"),
                       dict(auth, **{"Accept-Encoding": "zstd", "If-None-Match": etag}))
    assert status == 304, status
    status, _, _ = get(tier.url("primary", "/v1/snapshot"))
    assert status == 401, status
    print("codings: gzip %d bytes, zstd %d bytes, identity %d bytes" % (len(body), len(zbody), len(text)))


def main():
    hoursd, source_dir = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="hoursd-replica-")
    tier = Tier(hoursd, source_dir, work)
    ok = False
    try:
        procs = tier.procs
        for name in ("primary", "a", "b"):
            wait_until(name + " ready", lambda n=name: get_json(tier.url(n, "/readyz"))[0] == 200,
                       30, procs)
        check_codings(tier)
        primary = tier.status("primary")
        for name in ("a", "b"):
            wait_until(name + " names the primary", lambda n=name: (tier.status(n)["primary"] or {})
                       .get("generation") == primary["generation"], 10, procs)
            st = tier.status(name)
            assert st["primary"]["syncedAt"] == primary["snapshot"]["syncedAt"], st
            assert tier.state(name, "c-07") == "Business Hours"
        # Unchanged data: conditional requests come back 304 directly and through nginx.
        for name in ("a", "b"):
            wait_until(name + " not modified", lambda n=name: tier.status(n)["notModified"],
                       3 * REPLICA_INTERVAL_S, procs)
        with open(os.path.join(work, "nginx-access.log")) as f:
            log = f.read()
        assert re.search(r"/v1/snapshot HTTP/1\.\d (200|304) (HIT|REVALIDATED)", log), log

        # A change on the platform reaches both replicas.
        gen_before = tier.status("primary")["generation"]
        items = [customer("c-%02d" % i, "Business Hours") for i in range(30)]
        items[7] = customer("c-07", "Holiday")
        items.append(customer("c-new", "After Hours"))
        tier.platform.set_items(items)
        published = wait_until("the primary publishes the change",
                               lambda: tier.status("primary")["generation"] > gen_before,
                               5 * PRIMARY_INTERVAL_S, procs)
        budget = REPLICA_INTERVAL_S + CACHE_AGE_S + 1
        for name in ("a", "b"):
            seen = wait_until(name + " takes the change",
                              lambda n=name: tier.state(n, "c-new") == "After Hours"
                              and tier.state(n, "c-07") == "Holiday", budget, procs)
            print("replica %s had the change %.1f s after the primary published it "
                  "(interval %d s)" % (name, seen - published, REPLICA_INTERVAL_S))
        primary = tier.status("primary")
        for name in ("a", "b"):
            wait_until(name + " names the new generation", lambda n=name:
                       tier.status(n)["primary"]["generation"] == primary["generation"],
                       budget, procs)

        # The primary goes away: the replicas keep answering and say the sync fails.
        tier.stop("primary")
        for name in ("a", "b"):
            wait_until(name + " reports the failing sync",
                       lambda n=name: tier.status(n)["lastError"] is not None,
                       3 * REPLICA_INTERVAL_S + 5, [(n, p) for n, p in procs if n != "primary"])
            assert tier.state(name, "c-new") == "After Hours"
            assert get_json(tier.url(name, "/readyz"))[0] == 200
            print("replica %s while the primary is down: %s" % (name, tier.status(name)["lastError"]))
        ok = True
        print("replica test: ok")
    finally:
        tier.close()
        if ok:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("replica test: logs kept in " + work, file=sys.stderr)
            for name in ("primary", "a", "b", "nginx", "nginx-error", "nginx-access"):
                path = os.path.join(work, name + ".log")
                if os.path.exists(path):
                    with open(path) as f:
                        print("---- %s\n%s" % (name, f.read()[-3000:]), file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
