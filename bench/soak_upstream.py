#!/usr/bin/env python3
"""A fake ListCustomers API for bench/soak.sh: the ServiceStack page shape hoursd expects
(docs/upstream.md): GET /customers?page=N&countPerPage=K answers
{items, totalCount, totalPages, hasMorePages}, pages 0-based.

Each sync (a request for page 0 starts one) draws what this sync will do:
  normal     every page as it is
  http500    one page answers 500 (hoursd retries, then the sync fails)
  stall      one page waits longer than the daemon's request timeout
  truncated  one page sends its headers and half its body, then closes
  shrink     only 30% of the customers: more than max_shrink_ratio, held back
and every `--change-every` seconds some customers change (new data). Every customer's name
ends in " v<version>", so an answer names the data version it came from; each version is
written to DATA_DIR/v<version>.json (an array of CustomerInfo) for the checker, which
evaluates the same data with `hoursd evaluate`.

Control: POST /control/down?seconds=S makes every customers request answer 503 for S seconds
(the soak checks that a restarted daemon is ready from its persisted snapshot alone).
Stats: GET /control/stats.
"""

import argparse
import copy
import json
import os
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
ZONES = ["America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Sydney",
         "America/Los_Angeles", "Europe/Berlin"]


def generated(count, rng):
    """`count` ordinary customers: business hours, lunch, a holiday, some children inheriting."""
    out = []
    for i in range(count):
        cid = "soak-%05d" % i
        c = {"id": cid, "name": cid, "referenceId": "REF-%05d" % i, "accountId": "acct-%d" % (i % 3),
             "dateLastModified": "2026-01-01T00:00:00Z"}
        if i % 10 == 9:
            c["parentCustomerId"] = "soak-%05d" % (i - 1)
            c["schedule"] = {"inherit": True}
        else:
            open_h = 7 + i % 4
            c["schedule"] = {
                "timeZoneId": ZONES[i % len(ZONES)], "inherit": False, "defaultState": "Closed",
                "rules": [
                    {"id": "hol-%d" % i, "priority": 1, "state": "Holiday", "simpleRuleType": "Time",
                     "isAllDay": True, "startDate": "2024-01-01", "frequency": "Yearly",
                     "byMonth": [12], "byMonthDay": [25]},
                    {"id": "lunch-%d" % i, "priority": 2, "state": "Lunch", "simpleRuleType": "Time",
                     "startDate": "2024-01-01", "startTime": "12:00", "endTime": "13:00",
                     "frequency": "Weekly", "byDay": [{"dayOfWeek": d} for d in DAYS]},
                    {"id": "open-%d" % i, "priority": 3, "state": "Business Hours",
                     "simpleRuleType": "Time", "startDate": "2024-01-01",
                     "startTime": "%02d:00" % open_h, "endTime": "%02d:30" % (open_h + 9),
                     "frequency": "Weekly", "byDay": [{"dayOfWeek": d} for d in DAYS]},
                ]}
        out.append(c)
    return out


class Data:
    def __init__(self, args):
        self.rng = random.Random(args.seed)
        self.data_dir = args.data_dir
        self.down_until = 0.0
        self.lock = threading.Lock()
        self.base = generated(args.customers, self.rng)
        with open(args.sample) as f:
            self.base += json.load(f)["items"]
        self.version = 0
        self.sync_mode = "normal"
        self.fault_page = 0
        self.stats = {m: 0 for m in ["normal", "http500", "stall", "truncated", "shrink"]}
        self.stats["pages"] = 0
        self.stats["versions"] = 0
        self.publish()

    def publish(self):
        """A new data version: names carry it; the file lets the checker evaluate it."""
        self.version += 1
        items = copy.deepcopy(self.base)
        for c in items:
            c["name"] = c["id"] + " v%d" % self.version
        path = os.path.join(self.data_dir, "v%d.json" % self.version)
        with open(path + ".tmp", "w") as f:
            json.dump(items, f)
        os.rename(path + ".tmp", path)
        self.items = items
        self.stats["versions"] = self.version

    def change(self):
        """New data: a few schedules move their opening hour or default state."""
        with self.lock:
            for c in self.rng.sample(self.base, max(1, len(self.base) // 50)):
                s = c.get("schedule") or {}
                if s.get("rules"):
                    r = s["rules"][-1]
                    h = self.rng.randint(6, 10)
                    r["startTime"] = "%02d:00" % h
                    r["endTime"] = "%02d:30" % (h + 9)
                    c["dateLastModified"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            self.publish()

    def start_sync(self, pages):
        modes = ["normal"] * 14 + ["http500", "stall", "truncated", "shrink"]
        self.sync_mode = self.rng.choice(modes)
        self.fault_page = self.rng.randrange(max(1, pages))
        self.stats[self.sync_mode] += 1


def make_handler(data, args):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def send(self, status, body, close=False):
            raw = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            if close:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self):
            url = urlparse(self.path)
            if url.path == "/control/down":
                seconds = float(parse_qs(url.query).get("seconds", ["3"])[0])
                data.down_until = time.time() + seconds
                return self.send(200, "{}")
            self.send(404, "{}")

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/control/stats":
                return self.send(200, json.dumps(data.stats))
            if url.path != "/customers":
                return self.send(404, "{}")
            if time.time() < data.down_until:
                return self.send(503, '{"responseStatus":{"errorCode":"Down","message":"down"}}')
            q = parse_qs(url.query)
            page = int(q.get("page", ["0"])[0])
            per = int(q.get("countPerPage", ["25"])[0])
            with data.lock:
                items = data.items
                total_pages = (len(items) + per - 1) // per
                if page == 0:
                    data.start_sync(total_pages)
                mode, fault_page = data.sync_mode, data.fault_page
            data.stats["pages"] += 1
            if mode == "shrink":
                items = items[: len(items) * 3 // 10]
                total_pages = (len(items) + per - 1) // per
            chunk = items[page * per:(page + 1) * per]
            body = json.dumps({"items": chunk, "totalCount": len(items), "totalPages": total_pages,
                               "hasMorePages": page + 1 < total_pages})
            if page == fault_page and mode == "http500":
                return self.send(500, '{"responseStatus":{"errorCode":"Boom","message":"boom"}}')
            if page == fault_page and mode == "stall":
                time.sleep(args.stall_s)
            if page == fault_page and mode == "truncated":
                raw = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw[: len(raw) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.send(200, body)

    return Handler


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", required=True, help="the bound port is written here")
    p.add_argument("--data-dir", required=True)
    p.add_argument("--sample", required=True, help="examples/customers.json")
    p.add_argument("--customers", type=int, default=3000)
    p.add_argument("--change-every", type=float, default=10.0)
    p.add_argument("--stall-s", type=float, default=4.0)
    p.add_argument("--seed", type=int, default=8)
    args = p.parse_args()
    os.makedirs(args.data_dir, exist_ok=True)
    data = Data(args)
    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # the daemon hung up mid-page (its timeout, or kill -9): expected here

    server = Server(("127.0.0.1", args.port), make_handler(data, args))
    server.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)

    def changer():
        while True:
            time.sleep(args.change_every)
            data.change()

    threading.Thread(target=changer, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
