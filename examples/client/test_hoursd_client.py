"""Tests of hoursd_client.py: answers from the real daemon (HOURSD_BINARY) on the bundled
sample customers, and the fail-safe paths against small local servers that misbehave.

    HOURSD_BINARY=build/hoursd python3 -m unittest discover -s examples/client
"""

import datetime
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

from hoursd_client import Event, HoursdClient, parse_events

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RealDaemon(unittest.TestCase):
    """c-1001 (America/New_York) is open Mon-Fri 09:00-17:00 with Lunch 12:00-13:00."""

    @classmethod
    def setUpClass(cls):
        binary = os.environ.get("HOURSD_BINARY")
        if not binary:
            raise unittest.SkipTest("set HOURSD_BINARY to the hoursd binary")
        cls.state_dir = tempfile.TemporaryDirectory()
        cls.port = free_port()
        cls.daemon = subprocess.Popen(
            [binary, "serve", "--source",
             "file:" + os.path.join(ROOT, "examples/customers.json"),
             "--listen", f"127.0.0.1:{cls.port}", "--state-dir", cls.state_dir.name],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{cls.port}/readyz", timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        cls.client = HoursdClient(f"http://127.0.0.1:{cls.port}", timeout=2)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.daemon.terminate()
        cls.daemon.wait()
        cls.state_dir.cleanup()

    def test_open_on_a_wednesday_morning(self):
        a = self.client.state("c-1001", at="2026-12-02T15:00:00Z")  # 10:00 EST
        self.assertEqual((a.ok, a.state, a.open, a.error), (True, "Business Hours", True, ""))
        self.assertEqual(a.body["rule"]["id"], "r1001-hours")

    def test_lunch_is_a_state_that_is_not_open(self):
        a = self.client.state("c-1001", at="2026-12-02T17:30:00Z")  # 12:30 EST
        self.assertEqual((a.ok, a.state, a.open), (True, "Lunch", False))

    def test_an_unknown_id_fails_safe(self):
        a = self.client.state("no-such-customer")
        self.assertEqual((a.ok, a.state, a.open, a.error), (False, None, False, "http 404"))

    def test_ids_that_need_escaping_reach_the_daemon_as_one_path_segment(self):
        self.assertEqual(self.client.state("a/b?c").error, "http 404")

    def test_batch_gives_each_id_its_answer(self):
        got = self.client.states(["c-1001", "nope"], at="2026-12-05T15:00:00Z")  # a Saturday
        self.assertEqual((got["c-1001"].state, got["c-1001"].open), ("After Hours", False))
        self.assertEqual((got["nope"].ok, got["nope"].error), (False, "not_found"))


def start_daemon(customers_file):
    """(process, port, state directory) of `hoursd serve` on `customers_file`, once ready."""
    binary = os.environ.get("HOURSD_BINARY")
    if not binary:
        raise unittest.SkipTest("set HOURSD_BINARY to the hoursd binary")
    state_dir = tempfile.TemporaryDirectory()
    port = free_port()
    daemon = subprocess.Popen(
        [binary, "serve", "--source", "file:" + customers_file,
         "--listen", f"127.0.0.1:{port}", "--state-dir", state_dir.name],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1):
                return daemon, port, state_dir
        except OSError:
            time.sleep(0.05)
    daemon.kill()
    raise AssertionError("hoursd not ready within 15 s")


class EventStream(unittest.TestCase):
    """c-soon is open until a few seconds after the daemon starts, then After Hours."""

    def setUp(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        self.transition = (now + datetime.timedelta(seconds=3)).replace(microsecond=0)
        start = self.transition - datetime.timedelta(hours=1)
        rule = {"id": "r-soon", "name": "Until soon", "priority": 1, "state": "Business Hours",
                "simpleRuleType": "Time", "frequency": "None",
                "startDate": start.strftime("%Y-%m-%d"), "startTime": start.strftime("%H:%M:%S"),
                "endTime": self.transition.strftime("%H:%M:%S")}
        customer = {"id": "c-soon", "name": "Soon", "schedule": {
            "timeZoneId": "UTC", "defaultState": "After Hours", "rules": [rule]}}
        self.file = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump({"items": [customer]}, self.file)
        self.file.close()
        self.daemon, port, self.state_dir = start_daemon(self.file.name)
        self.client = HoursdClient(f"http://127.0.0.1:{port}")

    def tearDown(self):
        self.client.close()
        self.daemon.terminate()
        self.daemon.wait()
        self.state_dir.cleanup()
        os.unlink(self.file.name)

    def test_the_transition_arrives_at_its_second_and_a_reconnect_resumes(self):
        stream = self.client.events(ids=["c-soon"])
        opening = next(stream)
        self.assertEqual((opening.name, opening.id, opening.data["replay"]), ("status", None, None))
        self.assertTrue(opening.refetch)  # nothing replayed: fetch the states you cache
        transition = next(stream)
        arrived = time.time()
        self.assertEqual(transition.name, "transition")
        self.assertEqual((transition.data["id"], transition.data["from"], transition.data["to"]),
                         ("c-soon", "Business Hours", "After Hours"))
        self.assertEqual(transition.data["at"], self.transition.strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.assertGreaterEqual(arrived, self.transition.timestamp())
        self.assertLess(arrived, self.transition.timestamp() + 1)
        stream.close()
        resumed = next(self.client.events(ids=["c-soon"], last_event_id=transition.id))
        self.assertEqual((resumed.name, resumed.data["replay"]), ("status", True))
        self.assertFalse(resumed.refetch)


class ParseEvents(unittest.TestCase):
    def test_fields_comments_and_blank_lines(self):
        text = [b": keep-alive\n", b"\n", b"event: status\n", b'data: {"replay":null}\n', b"\n",
                b"id: 17-2\n", b"event: transition\n", b'data: {"id":"c-1",\n', b'data: "to":"X"}\n',
                b"\n"]
        self.assertEqual(list(parse_events(text)), [
            Event("status", {"replay": None}, None),
            Event("transition", {"id": "c-1", "to": "X"}, "17-2")])

    def test_refetch_after_new_data_or_an_unreplayed_reopening(self):
        self.assertTrue(Event("snapshot", {"changed": ["c-1"]}, "1-3").refetch)
        self.assertTrue(Event("status", {"replay": False}, None).refetch)
        self.assertFalse(Event("status", {"replay": True}, None).refetch)
        self.assertFalse(Event("status", {"failing": True}, "1-4").refetch)
        self.assertFalse(Event("transition", {"id": "c-1"}, "1-5").refetch)


class Server:
    """A TCP server on loopback that hands each connection to `serve(conn)` on a thread."""

    def __init__(self, serve):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, args=(serve,), daemon=True).start()

    def _accept(self, serve):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    def close(self):
        self.sock.close()


def answer_forever(body, status="200 OK"):
    """A keep-alive server that answers every request with `body`."""
    def serve(conn):
        with conn:
            while conn.recv(65536):
                conn.sendall(b"HTTP/1.1 %s\r\nContent-Length: %d\r\n\r\n%s"
                             % (status.encode(), len(body), body))
    return serve


def never_answer(conn):
    time.sleep(5)
    conn.close()


class FailSafe(unittest.TestCase):
    def test_a_silent_server_times_out_then_is_held(self):
        server = Server(never_answer)
        client = HoursdClient(server.url, timeout=0.2, hold=0.5)
        self.addCleanup(client.close)
        start = time.monotonic()
        a = client.state("c-1")
        took = time.monotonic() - start
        self.assertEqual((a.ok, a.error), (False, "timeout"))
        self.assertGreaterEqual(took, 0.2)
        start = time.monotonic()
        self.assertEqual(client.state("c-1").error, "held after timeout")
        self.assertLess(time.monotonic() - start, 0.05)  # held: not asked, no wait
        time.sleep(0.55)
        self.assertEqual(client.state("c-1").error, "timeout")  # asked again after the hold
        self.assertEqual(server.connections, 2)
        server.close()

    def test_a_refused_connection_fails_at_once(self):
        client = HoursdClient(f"http://127.0.0.1:{free_port()}", timeout=1)
        a = client.state("c-1")
        self.assertFalse(a.ok)
        self.assertTrue(a.error.startswith("unreachable: "), a.error)

    def test_a_body_that_is_not_json_fails_safe(self):
        server = Server(answer_forever(b"<html>proxy error</html>"))
        with HoursdClient(server.url) as client:
            a = client.state("c-1")
        self.assertFalse(a.ok)
        self.assertTrue(a.error.startswith("bad answer: "), a.error)
        server.close()

    def test_a_5xx_fails_safe(self):
        server = Server(answer_forever(b'{"error":{"code":"not_ready"}}',
                                       "503 Service Unavailable"))
        with HoursdClient(server.url) as client:
            self.assertEqual(client.state("c-1").error, "http 503")
        server.close()

    def test_a_null_state_fails_safe(self):
        server = Server(answer_forever(b'{"id":"c-1","state":null,"open":false}'))
        with HoursdClient(server.url) as client:
            self.assertEqual(client.state("c-1").error, "no state")
        server.close()

    def test_one_connection_serves_many_lookups(self):
        server = Server(answer_forever(b'{"id":"c-1","state":"Business Hours","open":true}'))
        client = HoursdClient(server.url)
        self.addCleanup(client.close)
        for _ in range(20):
            self.assertTrue(client.state("c-1").open)
        self.assertEqual(server.connections, 1)
        server.close()

    def test_a_failed_batch_fails_every_id(self):
        client = HoursdClient(f"http://127.0.0.1:{free_port()}")
        got = client.states(["a", "b"])
        self.assertEqual(sorted(got), ["a", "b"])
        self.assertTrue(all(not a.ok and a.error.startswith("unreachable") for a in got.values()))

    def test_only_http_urls_are_taken(self):
        with self.assertRaises(ValueError):
            HoursdClient("https://example.com")


if __name__ == "__main__":
    unittest.main()
