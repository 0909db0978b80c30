"""Kamailio routing calls by hoursd state, under sipp (tests/integration/kamailio_test.sh).

On loopback with free ports: hoursd on three generated customers, Kamailio with
examples/kamailio/kamailio.cfg, three sipp callees (open, closed, fallback) and sipp callers.
It asserts where each call went and the X-Hoursd-State header it carried, that a customer's
calls switch callee at its transition, and that a stopped or killed hoursd sends calls to the
fallback within the lookup's timeout. Then it measures call setup time (INVITE sent to 200
received, from the caller's message trace) at a steady call rate with and without the lookup,
and prints the percentiles. Timings are reported, not asserted, except the fail-safe bound.

usage: kamailio_test.py HOURSD_BINARY SOURCE_DIR [--rate CPS] [--seconds S]
"""

import argparse
import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

TIMEOUT_MS = 250  # hoursd_lookup.py's; http_client's is 1000
HOLD_MS = 2000  # the config's default HOURSD_HOLD_MS
TRANSITION_AFTER_S = 15  # c-change leaves "Business Hours" this long after the test starts


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def customers(transition):
    """c-open: always open. c-closed: force-closed. c-change: open until `transition`."""
    always = {"id": "r-always", "name": "Always", "priority": 1, "state": "Business Hours",
              "simpleRuleType": "Always"}
    start = transition - datetime.timedelta(hours=1)
    until = {"id": "r-until", "name": "Until the transition", "priority": 1,
             "state": "Business Hours", "simpleRuleType": "Time", "frequency": "None",
             "startDate": start.strftime("%Y-%m-%d"), "startTime": start.strftime("%H:%M:%S"),
             "endTime": transition.strftime("%H:%M:%S")}

    def customer(cid, rules, force_closed=False):
        return {"id": cid, "name": cid, "schedule": {
            "timeZoneId": "UTC", "defaultState": "After Hours", "forceClosed": force_closed,
            "rules": rules}}

    return {"items": [customer("c-open", [always]), customer("c-closed", [always], True),
                      customer("c-change", [until])]}


class Processes:
    """Started processes, stopped (SIGCONT first, then SIGTERM, then SIGKILL) at the end."""

    def __init__(self, work):
        self.work, self.running = work, []

    def start(self, name, argv, **kw):
        log = open(os.path.join(self.work, name + ".out"), "w")
        p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, **kw)
        self.running.append((name, p))
        return p

    def stop(self, p):
        if p.poll() is None:
            p.send_signal(signal.SIGCONT)
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def stop_all(self):
        for _, p in reversed(self.running):
            self.stop(p)


def wait_until(what, ready, process, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        if process.poll() is not None:
            raise AssertionError(f"{what} exited with {process.returncode}")
        time.sleep(0.05)
    raise AssertionError(f"{what} not ready within {seconds} s")


def http_ok(url):
    try:
        with urllib.request.urlopen(url, timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def sip_answers(port):
    """True when something on UDP `port` answers an OPTIONS (our config says 405)."""
    msg = ("OPTIONS sip:ping@127.0.0.1:%d SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKp"
           "\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:ping@127.0.0.1>\r\nCall-ID: ping\r\n"
           "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n" % port)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        s.settimeout(0.2)
        msg = msg.replace("127.0.0.1:9", "127.0.0.1:%d" % s.getsockname()[1])
        s.sendto(msg.encode(), ("127.0.0.1", port))
        try:
            return s.recv(4096).startswith(b"SIP/2.0")
        except OSError:
            return False


class Callees:
    """The three sipp callees; each logs `time|customer|X-Hoursd-State` per INVITE."""

    def __init__(self, procs, scenario, work):
        self.ports, self.logs = {}, {}
        for name in ("open", "closed", "fallback"):
            port = free_port(socket.SOCK_DGRAM)
            log = os.path.join(work, f"callee-{name}.log")
            procs.start(f"sipp-{name}", ["sipp", "-sf", scenario, "-i", "127.0.0.1",
                                         "-p", str(port), "-nostdin", "-trace_logs",
                                         "-log_file", log])
            self.ports[name], self.logs[name] = port, log

    def calls(self):
        """[(epoch seconds, callee, customer, state)] in arrival order."""
        out = []
        for name, log in self.logs.items():
            if not os.path.exists(log):
                continue
            for line in open(log):
                parts = line.rstrip("\n").split("|")
                if len(parts) == 3:
                    out.append((float(parts[0].split("\t")[2]), name, parts[1], parts[2]))
        return sorted(out)


class Setup:
    """Everything the checks need: the processes, the callees and how to call."""

    def __init__(self, args, work):
        self.args, self.work = args, work
        self.procs = Processes(work)
        self.uac = os.path.join(args.source, "tests/integration/sipp/uac.xml")
        self.hoursd_port = free_port(socket.SOCK_STREAM)
        self.sip_port = free_port(socket.SOCK_DGRAM)
        self.start_time = utc_now()
        self.transition = (self.start_time + datetime.timedelta(seconds=TRANSITION_AFTER_S)
                           ).replace(microsecond=0)
        path = os.path.join(work, "customers.json")
        with open(path, "w") as f:
            json.dump(customers(self.transition), f)
        self.hoursd = self.procs.start("hoursd", [
            args.hoursd, "serve", "--source", "file:" + path,
            "--listen", f"127.0.0.1:{self.hoursd_port}",
            "--state-dir", os.path.join(work, "state")])
        wait_until("hoursd", lambda: http_ok(f"http://127.0.0.1:{self.hoursd_port}/readyz"),
                   self.hoursd)
        self.callees = Callees(self.procs, os.path.join(
            args.source, "tests/integration/sipp/uas.xml"), work)
        self.kamailio = None
        self.start_kamailio(lookup=True)

    def start_kamailio(self, lookup):
        if self.kamailio:
            self.procs.stop(self.kamailio)
        cfg = os.path.join(self.args.source, "examples/kamailio/kamailio.cfg")
        py = os.path.join(self.args.source, "examples/kamailio/hoursd_lookup.py")
        defines = {
            "HOURSD_URL": f'"http://127.0.0.1:{self.hoursd_port}"',
            "OPEN_URI": f'"sip:open@127.0.0.1:{self.callees.ports["open"]}"',
            "CLOSED_URI": f'"sip:closed@127.0.0.1:{self.callees.ports["closed"]}"',
            "FALLBACK_URI": f'"sip:fallback@127.0.0.1:{self.callees.ports["fallback"]}"',
            "LISTEN": f"udp:127.0.0.1:{self.sip_port}",
            "HOURSD_TIMEOUT_MS": str(TIMEOUT_MS),
            "HOURSD_LOOKUP_PY": f'"{py}"',
        }
        argv = ["kamailio", "-f", cfg, "-DD", "-E", "-Y", self.work]
        for k, v in defines.items():
            argv += ["-A", f"{k}={v}"]
        if not lookup:
            argv += ["-A", "NO_HOURSD"]
        elif self.args.http_client:
            argv += ["-A", "HOURSD_HTTP_CLIENT"]
        self.kamailio = self.procs.start("kamailio-lookup" if lookup else "kamailio-plain", argv)
        wait_until("kamailio", lambda: sip_answers(self.sip_port), self.kamailio)

    def call(self, customer, count, rate, trace=None):
        """Places `count` calls to `customer` at `rate` calls/s; sipp's exit code."""
        argv = ["sipp", "-sf", self.uac, "-s", customer, f"127.0.0.1:{self.sip_port}",
                "-i", "127.0.0.1", "-p", "0", "-m", str(count), "-r", str(rate),
                "-nostdin", "-timeout", f"{max(30, 3 * count // rate)}s", "-l", "2000"]
        if trace:
            argv += ["-trace_msg", "-message_file", trace]
        out = open(os.path.join(self.work, f"caller-{customer}.out"), "a")
        return subprocess.call(argv, stdout=out, stderr=subprocess.STDOUT)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)
    print("ok:", message)


def check_routing(s):
    before = len(s.callees.calls())
    for customer in ("c-open", "c-closed", "c-unknown"):
        expect(s.call(customer, 5, 20) == 0, f"5 calls to {customer} completed")
    got = [(callee, customer, state) for _, callee, customer, state in s.callees.calls()[before:]]
    expect(got.count(("open", "c-open", "Business Hours")) == 5,
           "c-open reached the open callee with X-Hoursd-State: Business Hours")
    expect(got.count(("closed", "c-closed", "After Hours")) == 5,
           "c-closed reached the closed callee with X-Hoursd-State: After Hours")
    expect(got.count(("fallback", "c-unknown", "")) == 5,
           "an unknown id reached the fallback callee, without X-Hoursd-State")


def check_transition(s):
    """c-change's calls, 10/s from now to 3 s past its transition, switch at the transition."""
    before = len(s.callees.calls())
    seconds_left = (s.transition - utc_now()).total_seconds() + 3
    expect(seconds_left > 4, "the transition is still ahead")
    expect(s.call("c-change", int(seconds_left * 10), 10) == 0, "calls to c-change completed")
    calls = [c for c in s.callees.calls()[before:] if c[2] == "c-change"]
    routes = [callee for _, callee, _, _ in calls]
    expect(routes and routes[0] == "open" and routes[-1] == "closed",
           "c-change's calls went to the open callee, then to the closed one")
    switch = routes.index("closed")
    expect("open" not in routes[switch:], "they never went back to open")
    at = s.transition.timestamp()
    last_open, first_closed = calls[switch - 1][0], calls[switch][0]
    expect(last_open < at + 1 and first_closed > at - 1,
           f"the switch came within 1 s of the transition at {s.transition:%H:%M:%S}Z "
           f"(last open call {last_open - at:+.3f} s, first closed {first_closed - at:+.3f} s)")
    expect(all(state == {"open": "Business Hours", "closed": "After Hours"}[callee]
               for _, callee, _, state in calls), "each carried its state in X-Hoursd-State")


def setup_times_ms(trace):
    """Call setup times (ms) from a sipp caller's message trace: INVITE sent to its 200."""
    sent, times = {}, []
    with open(trace, errors="replace") as f:
        blocks = f.read().split("----------------------------------------------- ")[1:]
    for block in blocks:
        head, _, rest = block.partition("\n")
        stamp = datetime.datetime.strptime(head.strip().replace("\t", " "),
                                           "%Y-%m-%d %H:%M:%S.%f").timestamp()
        lines = rest.strip("\n").split("\n")
        if len(lines) < 3:
            continue
        first = lines[2].strip()
        call_id = next((l.split(":", 1)[1].strip() for l in lines
                        if l.lower().startswith("call-id:")), None)
        cseq = next((l for l in lines if l.lower().startswith("cseq:")), "")
        if "sent" in lines[0] and first.startswith("INVITE "):
            sent.setdefault(call_id, stamp)
        elif "received" in lines[0] and first.startswith("SIP/2.0 200") and "INVITE" in cseq:
            if call_id in sent:
                times.append((stamp - sent.pop(call_id)) * 1000)
    return sorted(times)


def percentiles(times):
    def at(q):
        return times[min(len(times) - 1, int(q * len(times)))]
    return {"calls": len(times), "p50": at(0.50), "p90": at(0.90), "p99": at(0.99),
            "max": times[-1]}


def measure_load(s):
    """Setup time at `rate` calls/s for `seconds`, with the lookup and without."""
    count = s.args.rate * s.args.seconds
    results = {}
    for lookup in (True, False):
        s.start_kamailio(lookup)
        trace = os.path.join(s.work, f"load-{'lookup' if lookup else 'plain'}.trace")
        before = len(s.callees.calls())
        expect(s.call("c-open", count, s.args.rate, trace) == 0,
               f"{count} calls at {s.args.rate}/s completed "
               f"({'with' if lookup else 'without'} the lookup)")
        fallbacks = [c for c in s.callees.calls()[before:] if c[1] != "open"]
        expect(not fallbacks, "every one reached the open callee")
        results["lookup" if lookup else "plain"] = percentiles(setup_times_ms(trace))
    print(f"call setup time, ms ({s.args.rate} calls/s for {s.args.seconds} s, one host):")
    print("                  calls     p50     p90     p99     max")
    for name in ("plain", "lookup"):
        r = results[name]
        label = "with lookup" if name == "lookup" else "without lookup"
        print(f"  {label:15} {r['calls']:6} {r['p50']:7.3f} {r['p90']:7.3f} {r['p99']:7.3f} "
              f"{r['max']:7.3f}")
    print("  lookup adds      p50 %+.3f ms, p99 %+.3f ms" % (
        results["lookup"]["p50"] - results["plain"]["p50"],
        results["lookup"]["p99"] - results["plain"]["p99"]))
    s.start_kamailio(lookup=True)


def check_fail_safe(s):
    """A stopped hoursd (no answer) and a killed one (refused), with calls arriving at 100/s:
    every call goes to the fallback, none waits much past the lookup's timeout."""
    for how, sig in (("stopped (SIGSTOP)", signal.SIGSTOP), ("killed", signal.SIGKILL)):
        time.sleep(HOLD_MS / 1000 + 0.1)  # no worker still holds from an earlier failure
        s.hoursd.send_signal(sig)
        if sig == signal.SIGKILL:
            s.hoursd.wait()
        before = len(s.callees.calls())
        trace = os.path.join(s.work, f"failsafe-{sig}.trace")
        code = s.call("c-open", 200, 100, trace)
        routes = [c[1] for c in s.callees.calls()[before:]]
        times = setup_times_ms(trace)
        spread = (f", setup p50 {percentiles(times)['p50']:.0f} ms, slowest {times[-1]:.0f} ms"
                  if times else "")
        expect(code == 0, f"200 calls completed with hoursd {how} ({len(times)} answered, "
               f"{routes.count('fallback')} reached the fallback{spread})")
        expect(routes == ["fallback"] * 200, f"hoursd {how}: every call went to the fallback")
        timeout = 1000 if s.args.http_client else TIMEOUT_MS
        expect(times[-1] < timeout + 200,
               f"hoursd {how}: setup p50 {percentiles(times)['p50']:.1f} ms, slowest "
               f"{times[-1]:.1f} ms, within the {timeout} ms timeout plus 200 ms")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("hoursd")
    p.add_argument("source")
    p.add_argument("--rate", type=int, default=300)
    p.add_argument("--seconds", type=int, default=20)
    p.add_argument("--http-client", action="store_true",
                   help="look up with Kamailio's http_client module (timeout 1 s), to compare")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="hoursd-kamailio-") as work:
        s = None
        try:
            s = Setup(args, work)
            check_routing(s)
            check_transition(s)
            measure_load(s)
            check_fail_safe(s)
        except AssertionError as e:
            print("FAIL:", e)
            for name in ("hoursd", "kamailio-lookup", "kamailio-plain"):
                path = os.path.join(work, name + ".out")
                if os.path.exists(path):
                    print(f"--- {name} (last lines)")
                    print("".join(open(path).readlines()[-15:]))
            return 1
        finally:
            if s:
                s.procs.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
