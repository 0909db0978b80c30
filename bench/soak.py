#!/usr/bin/env python3
"""The soak of issue 8 ("never down"); bench/soak.sh runs it, and its header says what the
run does and prints. Python's standard library only."""

import argparse
import http.client
import json
import os
import queue
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

TOKEN = "soak-token"
CHILDREN = []  # every process started, killed on the way out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def utc(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.c = {}
        self.notes = []

    def add(self, key, n=1):
        with self.lock:
            self.c[key] = self.c.get(key, 0) + n

    def note(self, text):
        with self.lock:
            if len(self.notes) < 20:
                self.notes.append(text)

    def get(self, key):
        with self.lock:
            return self.c.get(key, 0)


class Daemon:
    """The hoursd process: started, watched, killed and restarted."""

    def __init__(self, args, work, upstream_port, counters):
        self.args, self.work, self.counters = args, work, counters
        self.port = free_port()
        self.state_dir = os.path.join(work, "state")
        self.config = os.path.join(work, "hoursd.toml")
        with open(os.path.join(work, "token"), "w") as f:
            f.write(TOKEN + "\n")
        with open(self.config, "w") as f:
            f.write(f"""[upstream]
source = "http://127.0.0.1:{upstream_port}"
count_per_page = 500
request_timeout_ms = 2000
max_attempts = 2
backoff_initial_ms = 100
backoff_max_ms = 500
[sync]
interval_s = {args.sync_interval}
max_shrink_ratio = 0.5
stale_after_s = 600
state_dir = "{self.state_dir}"
[server]
listen = "127.0.0.1:{self.port}"
threads = 2
read_timeout_ms = 2000
bearer_token = {{ file = "{os.path.join(work, 'token')}" }}
""")
        self.proc = None
        self.up = threading.Event()
        self.expected_exit = False
        self.generation_log = 0

    def log_path(self):
        return os.path.join(self.work, "hoursd-%d.log" % self.generation_log)

    def start(self):
        self.generation_log += 1  # also names the process a connection was opened to
        self.expected_exit = False
        with open(self.log_path(), "w") as log:
            self.proc = subprocess.Popen([self.args.binary, "serve", "--config", self.config],
                                         stdout=subprocess.DEVNULL, stderr=log)
        CHILDREN.append(self.proc)

    def ready(self, within):
        deadline = time.time() + within
        while time.time() < deadline and self.proc.poll() is None:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                c.request("GET", "/readyz", headers={"Authorization": "Bearer " + TOKEN})
                if c.getresponse().status == 200:
                    self.up.set()
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def kill9(self):
        self.up.clear()
        self.expected_exit = True
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def log_text(self):
        try:
            with open(self.log_path()) as f:
                return f.read()
        except OSError:
            return ""


class Upstream:
    def __init__(self, args, work):
        self.port_file = os.path.join(work, "upstream.port")
        self.data_dir = os.path.join(work, "data")
        here = os.path.dirname(os.path.abspath(__file__))
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(here, "soak_upstream.py"), "--port-file", self.port_file,
             "--data-dir", self.data_dir, "--customers", str(args.customers),
             "--sample", os.path.join(here, "..", "examples", "customers.json")])
        CHILDREN.append(self.proc)
        for _ in range(200):
            if os.path.exists(self.port_file):
                break
            time.sleep(0.05)
        with open(self.port_file) as f:
            self.port = int(f.read())

    def control(self, method, path):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        c.request(method, path)
        r = c.getresponse()
        return r.read()


# ---- The hostile trickle ----------------------------------------------------------------------------

class RssLog:
    """RSS of each daemon process over its life, sampled about once a second."""

    def __init__(self):
        self.by_process = {}  # generation -> [(seconds since its first sample, KiB)]
        self.first = {}

    def sample(self, daemon):
        kib = rss_kib(daemon.proc.pid)
        if not kib:
            return
        g = daemon.generation_log
        t0 = self.first.setdefault(g, time.time())
        self.by_process.setdefault(g, []).append((time.time() - t0, kib))

    def now_mib(self):
        last = [s[-1][1] for s in self.by_process.values() if s]
        return "%.0f" % (last[-1] / 1024) if last else "?"

    def line(self, g):
        """RSS of process g when ready, after each fifth of its life, and its max."""
        s = self.by_process[g]
        life = s[-1][0]
        marks = [s[0][1]] + [next(k for t, k in s if t >= life * i / 5) for i in range(1, 6)]
        return "  process %-3d %6.0f s  %s; max %.0f" % (
            g, life, " ".join("%.0f" % (k / 1024) for k in marks), max(k for _, k in s) / 1024)

    def report(self):
        gens = sorted(self.by_process)
        shown = gens
        if len(gens) > 12:  # with kills every minute: the first, the longest-lived, the last
            longest = max(gens, key=lambda g: self.by_process[g][-1][0])
            shown = sorted({gens[0], longest, gens[-1]})
        lines = ["RSS per process (MiB): when ready, then after each fifth of its life; max"]
        lines += [self.line(g) for g in shown]
        if len(shown) < len(gens):
            lines.append("  (%d more processes not shown)" % (len(gens) - len(shown)))
        return lines


def raw_request(port, data, timeout=5.0, trickle_after=None):
    """Sends `data`, returns (status or 0, closed). Never raises."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except OSError:
        return -1, True
    try:
        s.sendall(data)
        raw = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            raw += chunk
    except OSError:
        raw = raw if "raw" in dir() else b""
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", raw)
    return (int(m.group(1)) if m else 0), True


def post_bytes(path, body, extra=b""):
    return (b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"Authorization: Bearer " + TOKEN.encode() + b"\r\nContent-Type: application/json\r\n"
            + extra + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def get_bytes(target):
    return (b"GET " + target.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"Authorization: Bearer " + TOKEN.encode() + b"\r\n\r\n")


def many_rules(n):
    rules = [{"id": "r%d" % i, "priority": i, "state": "Open", "simpleRuleType": "Time",
              "startDate": "2026-01-01", "startTime": "%02d:%02d" % (8 + i // 60 % 10, i % 60),
              "endTime": "%02d:%02d" % (9 + i // 60 % 10, i % 60), "frequency": "Weekly",
              "byDay": [{"dayOfWeek": "Monday"}]} for i in range(n)]
    return json.dumps({"schedule": {"timeZoneId": "UTC", "rules": rules},
                       "from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}).encode()


def hostile_cases():
    """(name, request bytes, expected statuses). The contracts of issue 8."""
    deep = b"[" * 100000 + b"]" * 100000
    chunked = (b"POST /v1/states HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
               b"Content-Type: application/json\r\n\r\n")
    return [
        ("deep_json", post_bytes("/v1/evaluate", b'{"schedule":{"x":' + deep + b"}}"), {400}),
        ("utf8_path", get_bytes("/v1/customers/%FF/state"), {400}),
        ("utf8_query", get_bytes("/v1/customers/c-1001/state?at=%FF"), {400}),
        ("nul_path", get_bytes("/v1/customers/c-1001%00/state"), {400}),
        ("cl_te", b"POST /v1/states HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", {400}),
        ("cl_twice", b"POST /v1/states HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                     b"Content-Length: 9\r\n\r\n{}", {400}),
        ("ids_10001", post_bytes("/v1/states", json.dumps({"ids": ["c-1001"] * 10001}).encode()),
         {400}),
        ("rules_1001", post_bytes("/v1/evaluate", many_rules(1001)), {422}),
        ("chunk_line", chunked + b"1;a=" + b"x" * (2 << 20), {431}),
        ("trailers", chunked + b"0\r\n" + b"X-T: tttttttttttttttttttttttt\r\n" * 60000, {431}),
    ]


# ---- The run ----------------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--binary", default="build/hoursd")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--customers", type=int, default=3000)
    p.add_argument("--sync-interval", type=int, default=3)
    p.add_argument("--kill-every", type=float, default=60,
                   help="seconds between kill -9; 0 never kills (one process, to watch its RSS)")
    p.add_argument("--hostile-every", type=float, default=0.5, help="seconds between hostile requests")
    p.add_argument("--no-hostile", action="store_true")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    args = p.parse_args()

    work = tempfile.mkdtemp(prefix="hoursd-soak-")
    counters = Counters()
    upstream = Upstream(args, work)
    daemon = Daemon(args, work, upstream.port, counters)
    daemon.start()
    if not daemon.ready(60):
        print("the daemon did not become ready:\n" + daemon.log_text()[-3000:])
        return 1
    rss = RssLog()
    rss.sample(daemon)
    stop = threading.Event()
    samples = queue.Queue(maxsize=200)
    ids = ["soak-%05d" % i for i in range(args.customers)] + ["c-10%02d" % i for i in range(1, 12)]

    def lookups():
        conn = None
        conn_process = 0  # daemon.generation_log when conn was opened
        rng = random.Random()
        while not stop.is_set():
            if not daemon.up.is_set():
                time.sleep(0.05)
                continue
            cid = rng.choice(ids)
            at = utc(time.time() + rng.uniform(-2 * 86400, 30 * 86400))
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=10)
                    conn_process = daemon.generation_log
                conn.request("GET", "/v1/customers/%s/state?at=%s" % (cid, at),
                             headers={"Authorization": "Bearer " + TOKEN})
                r = conn.getresponse()
                body = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as e:
                conn = None
                # A keep-alive connection to a process that was since killed fails on its
                # next request even once the new one is up: that is the kill, not a fault.
                if daemon.up.is_set() and conn_process == daemon.generation_log:
                    counters.add("lookup_transport_errors")
                    counters.note("lookup %s: %s" % (cid, e))
                else:
                    counters.add("lookups_while_down")
                continue
            counters.add("lookups")
            if r.status == 200:
                if rng.random() < 0.02:
                    try:
                        samples.put_nowait((cid, at, body))
                    except queue.Full:
                        pass
            elif r.status == 503:
                counters.add("lookups_503")
            else:
                counters.add("lookups_unexpected_status")
                counters.note("lookup %s -> %d %s" % (cid, r.status, body[:200]))

    def checker():
        """Compares sampled answers with `hoursd evaluate` on the data version they name."""
        while not stop.is_set():
            try:
                cid, at, body = samples.get(timeout=0.5)
            except queue.Empty:
                continue
            answer = json.loads(body)
            m = re.search(r" v(\d+)$", answer.get("name", ""))
            if not m:
                counters.add("checks_skipped")
                continue
            path = os.path.join(upstream.data_dir, "v%s.json" % m.group(1))
            out = subprocess.run([args.binary, "evaluate", "--customers", path, "--id", cid,
                                  "--at", at], capture_output=True, text=True)
            try:
                expected = json.loads(out.stdout)
            except ValueError:
                counters.add("checks_skipped")
                continue
            if isinstance(expected, dict) and "customers" in expected:
                expected = expected["customers"]
            if isinstance(expected, list):
                expected = next((e for e in expected if e.get("id") == cid), {})
            fields = lambda a: (a.get("state"), a.get("status"),
                                (a.get("since") or {}).get("at"), (a.get("until") or {}).get("at"),
                                (a.get("rule") or {}).get("id"))
            counters.add("answers_checked")
            if fields(answer) != fields(expected):
                counters.add("wrong_answers")
                counters.note("wrong: %s at %s: daemon %s, evaluate %s" %
                              (cid, at, fields(answer), fields(expected)))

    def hostile():
        rng = random.Random(8)
        cases = hostile_cases()
        while not stop.is_set():
            time.sleep(args.hostile_every)
            if not daemon.up.is_set():
                continue
            name, data, expected = rng.choice(cases)
            process = daemon.generation_log
            status, _ = raw_request(daemon.port, data)
            if status == -1:  # refused: the daemon went down meanwhile (counted there)
                continue
            if status not in expected and (not daemon.up.is_set() or
                                           process != daemon.generation_log):
                counters.add("hostile_cut_by_kill")  # the kill ended it, not the daemon
                continue
            counters.add("hostile_sent")
            if status in expected:
                counters.add("hostile_as_intended")
            else:
                counters.add("hostile_unexpected")
                counters.add("hostile_unexpected:%s:%d" % (name, status))

    def restart(reason):
        """Starts the daemon again while the upstream is down. Its "listening" log line says
        whether it loaded the persisted snapshot; being ready within 3 s, while the upstream
        still answers 503, shows it serves from that snapshot at once."""
        had_snapshot = os.path.exists(os.path.join(daemon.state_dir, "snapshot.json"))
        upstream.control("POST", "/control/down?seconds=4")
        daemon.start()
        if not daemon.ready(3):
            counters.add("restarts_slow")
            if not daemon.ready(30):
                counters.note("not ready 30 s after restart: " + daemon.log_text()[-400:])
        listening = re.search(r"serve: listening .*", daemon.log_text())
        loaded = listening and re.search(r'snapshot="?generation \d+', listening.group(0))
        if had_snapshot and not loaded:
            counters.add("snapshots_lost")
            counters.note("snapshot lost after %s: %s" % (reason, daemon.log_text()[-400:]))
        counters.add("restarts")

    def writing_snapshot():
        """True while a save's temp file (snapshot.json.hoursd-tmp.XXXXXX) exists."""
        try:
            names = os.listdir(daemon.state_dir)
        except OSError:
            return False
        return any(re.fullmatch(r"snapshot\.json\.hoursd-tmp\.[A-Za-z0-9]{6}", n) for n in names)

    def killer():
        """Every --kill-every seconds: kill -9 while a snapshot is being written (a temp
        file exists), or at a random moment if none is seen within 15 s."""
        while not stop.wait(args.kill_every):
            deadline = time.time() + 15
            seen = False
            while time.time() < deadline and not seen:
                seen = writing_snapshot()
                if not seen:
                    time.sleep(0.0005)
            if stop.is_set() or daemon.proc.poll() is not None:
                continue
            daemon.kill9()
            counters.add("kills_during_snapshot_write" if seen else "kills_at_random")
            restart("kill -9")

    def watchdog():
        while not stop.wait(1):
            if daemon.proc.poll() is not None and not daemon.expected_exit:
                daemon.up.clear()
                counters.add("crashes")
                counters.note("crash (exit %s): %s" % (daemon.proc.returncode,
                                                       daemon.log_text()[-300:]))
                restart("crash")
            rss.sample(daemon)

    threads = [threading.Thread(target=lookups, daemon=True) for _ in range(args.connections)]
    threads += [threading.Thread(target=checker, daemon=True),
                threading.Thread(target=watchdog, daemon=True)]
    if args.kill_every > 0:
        threads.append(threading.Thread(target=killer, daemon=True))
    if not args.no_hostile:
        threads.append(threading.Thread(target=hostile, daemon=True))
    for t in threads:
        t.start()
    end = time.time() + args.minutes * 60
    while time.time() < end:
        time.sleep(min(30, max(0.1, end - time.time())))
        print("... %d s left: %d lookups, %d restarts, RSS %s MiB" %
              (end - time.time(), counters.get("lookups"), counters.get("restarts"),
               rss.now_mib()), flush=True)
    stop.set()
    rss.sample(daemon)
    for t in threads:
        t.join(timeout=15)
    stats = json.loads(upstream.control("GET", "/control/stats"))
    daemon.proc.send_signal(signal.SIGTERM)
    daemon.proc.wait(timeout=30)
    upstream.proc.terminate()

    c = counters.c
    unexpected = c.get("lookups_unexpected_status", 0) + c.get("lookup_transport_errors", 0)
    print("\nsoak: %.1f minutes, %d customers, sync every %d s" %
          (args.minutes, args.customers, args.sync_interval))
    print("lookups                    %d" % c.get("lookups", 0))
    print("  503 (intended)           %d" % c.get("lookups_503", 0))
    print("  non-2xx, not intended    %d (status %d, transport %d)" %
          (unexpected, c.get("lookups_unexpected_status", 0), c.get("lookup_transport_errors", 0)))
    print("  cut by a kill or restart %d" % c.get("lookups_while_down", 0))
    print("wrong answers              %d of %d checked against `hoursd evaluate` (%d skipped)" %
          (c.get("wrong_answers", 0), c.get("answers_checked", 0), c.get("checks_skipped", 0)))
    print("hostile requests           %d, as intended %d, otherwise %d" %
          (c.get("hostile_sent", 0), c.get("hostile_as_intended", 0), c.get("hostile_unexpected", 0)))
    print("  cut by a kill or restart %d" % c.get("hostile_cut_by_kill", 0))
    for k in sorted(k for k in c if k.startswith("hostile_unexpected:")):
        print("  %-24s %d" % (k.split(":", 1)[1], c[k]))
    print("restarts                   %d (kill -9 during a snapshot write %d, at random %d; "
          "crashes %d)" % (c.get("restarts", 0), c.get("kills_during_snapshot_write", 0),
                           c.get("kills_at_random", 0), c.get("crashes", 0)))
    print("snapshots lost             %d (restarts not ready within 3 s: %d)" %
          (c.get("snapshots_lost", 0), c.get("restarts_slow", 0)))
    for line in rss.report():
        print(line)
    print("upstream syncs by mode     %s; data versions %d" %
          (", ".join("%s %d" % (k, v) for k, v in stats.items() if k not in ("pages", "versions")),
           stats.get("versions", 0)))
    for n in counters.notes:
        print("note: " + n[:500])
    if args.keep:
        print("work directory: " + work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    bad = (unexpected + c.get("wrong_answers", 0) + c.get("crashes", 0) +
           c.get("snapshots_lost", 0) + c.get("hostile_unexpected", 0))
    return 1 if bad else 0


def run():
    """main(), and never an orphaned upstream or daemon, whatever happens."""
    try:
        return main()
    finally:
        for child in CHILDREN:
            if child.poll() is None:
                child.kill()
                child.wait()


if __name__ == "__main__":
    sys.exit(run())
