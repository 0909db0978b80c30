"""Tests of hoursd_client.py: answers from the real daemon (HOURSD_BINARY) on the bundled
sample customers, and the fail-safe paths against small local servers that misbehave.

    HOURSD_BINARY=build/hoursd python3 -m unittest discover -s examples/client
"""

import os
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

from hoursd_client import HoursdClient

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
