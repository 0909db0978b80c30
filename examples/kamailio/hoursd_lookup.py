"""hoursd lookup for Kamailio's app_python3 (examples/kamailio/kamailio.cfg).

`python_exec("lookup", "$rU")` asks hoursd for the state of the customer whose id is the
request user, over a keep-alive HTTP/1.1 connection of this worker process, with one deadline
for the whole exchange (connect, send, every read). It never raises into Kamailio; it sets:

  $var(hoursd_route)  "open" | "closed" | "fallback"
  $var(hoursd_state)  the state name; "" when unknown or null
  $var(hoursd_why)    on fallback, why: "timeout", "unreachable", "http 404", ...

and returns 1. Inputs, read per call from variables the config sets:

  $var(hoursd_url)         hoursd's base URL, "http://HOST:PORT" (plain HTTP)
  $var(hoursd_timeout_ms)  the deadline, milliseconds
  $var(hoursd_token)       bearer token, "" for none
  $var(hoursd_hold_ms)     after a timeout or a failed connection, this worker sends calls
                           to the fallback without asking for this long, so a hung hoursd
                           costs each worker one timeout per hold, not one per call

Only the Python standard library is used: Debian 12's Kamailio 5.6 has no
http_async_client, and http_client's timeouts are whole seconds.
"""

import json
import socket
import time
import urllib.parse

import KSR


class _Connection:
    """One persistent connection to hoursd, reopened after any error."""

    def __init__(self):
        self.sock = None
        self.key = None
        self.buffer = b""

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.buffer = b""

    def exchange(self, host, port, request, deadline):
        """Sends `request`, returns (status, body bytes). Raises OSError or ValueError."""
        if self.sock is None or self.key != (host, port):
            self.close()
            self.sock = socket.create_connection((host, port), _remaining(deadline))
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.key = (host, port)
        self.sock.settimeout(_remaining(deadline))
        self.sock.sendall(request)
        head = self._read_until(b"\r\n\r\n", deadline)
        status, length, close = _parse_head(head)
        body = self._read_exactly(length, deadline)
        if close:
            self.close()
        return status, body

    def _fill(self, deadline):
        self.sock.settimeout(_remaining(deadline))
        chunk = self.sock.recv(65536)
        if not chunk:
            raise OSError("hoursd closed the connection")
        self.buffer += chunk

    def _read_until(self, marker, deadline):
        while marker not in self.buffer:
            self._fill(deadline)
        head, self.buffer = self.buffer.split(marker, 1)
        return head

    def _read_exactly(self, n, deadline):
        while len(self.buffer) < n:
            self._fill(deadline)
        body, self.buffer = self.buffer[:n], self.buffer[n:]
        return body


def _remaining(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise socket.timeout("deadline passed")
    return left


def _parse_head(head):
    """(status, Content-Length, whether the server closes) of a response head."""
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, close = None, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.lower() == "close":
            close = True
    if length is None:
        raise ValueError("response without Content-Length")
    return status, length, close


def _request(netloc, path, token):
    lines = [f"GET {path} HTTP/1.1", f"Host: {netloc}", "Accept: application/json"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _decide(status, body):
    """(route, state, why) from hoursd's answer to GET /v1/customers/{id}/state."""
    if status != 200:
        return "fallback", "", f"http {status}"
    answer = json.loads(body)
    state = answer.get("state")
    if state is None:  # an invalid customer with no fallback_state: nothing to route on
        return "fallback", "", "no state"
    return ("open" if answer.get("open") else "closed"), state, ""


class HoursdLookup:
    def __init__(self):
        self.connection = _Connection()
        self.down_until = 0.0  # monotonic time before which hoursd is not asked
        self.down_why = ""

    def child_init(self, rank):
        return 0

    def lookup(self, msg, customer_id):
        url = urllib.parse.urlsplit(KSR.pv.get("$var(hoursd_url)"))
        host, port = url.hostname, url.port or 80
        timeout_ms = int(KSR.pv.get("$var(hoursd_timeout_ms)"))
        token = KSR.pv.get("$var(hoursd_token)") or ""
        path = "/v1/customers/" + urllib.parse.quote(customer_id, safe="") + "/state"
        now = time.monotonic()
        if now < self.down_until:
            return self._set("fallback", "", "held after " + self.down_why)
        deadline = now + timeout_ms / 1000.0
        try:
            status, body = self.connection.exchange(
                host, port, _request(url.netloc, path, token), deadline)
            route, state, why = _decide(status, body)
        except socket.timeout:
            route, state, why = self._hold("timeout")
        except (OSError, ValueError) as e:
            route, state, why = self._hold("unreachable: " + str(e))
        return self._set(route, state, why)

    def _hold(self, why):
        self.connection.close()
        hold_ms = int(KSR.pv.get("$var(hoursd_hold_ms)"))
        self.down_until = time.monotonic() + hold_ms / 1000.0
        self.down_why = why
        return "fallback", "", why

    @staticmethod
    def _set(route, state, why):
        KSR.pv.sets("$var(hoursd_route)", route)
        KSR.pv.sets("$var(hoursd_state)", state)
        KSR.pv.sets("$var(hoursd_why)", why)
        return 1


def mod_init():
    return HoursdLookup()
