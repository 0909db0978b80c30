"""A small client for hoursd's lookup routes, for routers that can run Python.

Only the standard library. Every lookup has one deadline for the whole exchange (connect,
send, every read) and never raises: a failure comes back as an Answer with ok=False and
the reason, so the caller routes to its fallback. After a timeout or a failed connection
the client holds for `hold` seconds and fails at once instead of asking again, so a hung
hoursd costs one timeout per hold, not one per call.

    client = HoursdClient("http://127.0.0.1:8080", timeout=0.25)
    answer = client.state("c-1001")
    if not answer.ok:          # no answer in time, unknown id, 5xx, no state: fail safe
        route_to_fallback()
    elif answer.open:
        route_to_open(answer.state)

A client keeps one keep-alive connection and is not thread-safe: use one per thread or
process. Routes: GET /v1/customers/{id}/state, POST /v1/states and the event stream
GET /v1/events (docs/openapi.yaml, docs/events.md):

    for event in client.events(ids=["c-1001"]):   # reconnects, resumes with Last-Event-ID
        if event.name == "transition":
            cache[event.data["id"]] = event.data["to"]
        elif event.refetch:                       # missed events, or new data: refetch
            cache.update(client.states(list(cache)))
"""

import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Dict, Iterator, List, NamedTuple, Optional


class Answer(NamedTuple):
    """One customer's answer. ok is False when there is nothing to route on."""

    ok: bool
    state: Optional[str] = None  # the state name; None when not ok
    open: bool = False  # the answer's `open` (engine.open_states); False when not ok
    body: Optional[dict] = None  # the whole JSON answer, when there was one
    error: str = ""  # why not ok: "timeout", "http 404", "no state", "unreachable: ..."


class Event(NamedTuple):
    """One event of GET /v1/events."""

    name: str  # "transition", "snapshot" or "status"
    data: dict
    id: Optional[str] = None  # None for the status event that opens each stream

    @property
    def refetch(self) -> bool:
        """True when cached answers may be out of date: new data arrived, or the stream
        (re)opened without replaying what was missed."""
        if self.name == "snapshot":
            return True
        return self.name == "status" and self.id is None and self.data.get("replay") is not True


def parse_events(lines) -> Iterator[Event]:
    """Events from the lines of a text/event-stream body (WHATWG HTML, Server-sent events):
    `id:`, `event:` and `data:` fields, a blank line ending each event, comments (`:`)
    ignored. Each data line of hoursd is one JSON object."""
    name, data, event_id = "", [], None
    for raw in lines:
        line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        line = line.rstrip("\r\n")
        if not line:
            if data:
                yield Event(name or "message", json.loads("\n".join(data)), event_id)
            name, data, event_id = "", [], None
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
        elif field == "id":
            event_id = value


class _Connection:
    """One persistent HTTP/1.1 connection, reopened after any error."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.sock: Optional[socket.socket] = None
        self.buffer = b""

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def exchange(self, request: bytes, deadline: float):
        """Sends `request`; returns (status, body). Raises OSError (socket.timeout past the
        deadline) or ValueError (a malformed answer)."""
        if self.sock is None:
            self.sock = socket.create_connection((self.host, self.port), _remaining(deadline))
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(_remaining(deadline))
        self.sock.sendall(request)
        head = self._read_until(b"\r\n\r\n", deadline)
        status, length, close = _parse_head(head)
        body = self._read_exactly(length, deadline)
        if close:
            self.close()
        return status, body

    def _fill(self, deadline: float):
        self.sock.settimeout(_remaining(deadline))
        chunk = self.sock.recv(65536)
        if not chunk:
            raise OSError("hoursd closed the connection")
        self.buffer += chunk

    def _read_until(self, marker: bytes, deadline: float) -> bytes:
        while marker not in self.buffer:
            self._fill(deadline)
        head, self.buffer = self.buffer.split(marker, 1)
        return head

    def _read_exactly(self, n: int, deadline: float) -> bytes:
        while len(self.buffer) < n:
            self._fill(deadline)
        body, self.buffer = self.buffer[:n], self.buffer[n:]
        return body


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise socket.timeout("deadline passed")
    return left


def _parse_head(head: bytes):
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
        raise ValueError("answer without Content-Length")
    return status, length, close


def answer_from(status: int, body: bytes) -> Answer:
    """The Answer for hoursd's reply to GET /v1/customers/{id}/state."""
    if status != 200:
        return Answer(False, error=f"http {status}")
    data = json.loads(body)
    return _answer_from_json(data)


def _answer_from_json(data: dict) -> Answer:
    if "error" in data:
        return Answer(False, body=data, error=data["error"].get("code", "error"))
    if data.get("state") is None:  # an invalid customer and no fallback_state
        return Answer(False, body=data, error="no state")
    return Answer(True, data["state"], bool(data.get("open")), data)


class HoursdClient:
    """Lookups against one hoursd; see the module's description."""

    def __init__(self, base_url: str, token: Optional[str] = None, timeout: float = 0.25,
                 hold: float = 2.0, batch_timeout: float = 2.0):
        url = urllib.parse.urlsplit(base_url)
        if url.scheme != "http" or not url.hostname:
            raise ValueError(f"base_url {base_url!r}: give http://HOST:PORT")
        self.netloc = url.netloc
        self.connection = _Connection(url.hostname, url.port or 80)
        self.token, self.timeout, self.hold = token, timeout, hold
        self.batch_timeout = batch_timeout
        self.held_until, self.held_why = 0.0, ""

    def close(self):
        """Closes the connection; a later lookup opens a new one."""
        self.connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def state(self, customer_id: str, at: Optional[str] = None) -> Answer:
        """The customer's state now, or at `at` (RFC 3339). Never raises."""
        path = "/v1/customers/" + urllib.parse.quote(customer_id, safe="") + "/state"
        if at:
            path += "?at=" + urllib.parse.quote(at, safe="")
        reply = self._ask("GET", path, None, self.timeout)
        if isinstance(reply, Answer):
            return reply
        try:
            return answer_from(*reply)
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            return Answer(False, error=f"bad answer: {e}")

    def states(self, ids: List[str], at: Optional[str] = None) -> Dict[str, Answer]:
        """Many customers at one instant, from one snapshot (POST /v1/states). Every id gets
        an Answer; when the request as a whole fails, each one carries that failure."""
        body = {"ids": list(ids)}
        if at:
            body["at"] = at
        reply = self._ask("POST", "/v1/states", json.dumps(body).encode(), self.batch_timeout)
        if not isinstance(reply, Answer):
            status, data = reply
            if status != 200:
                reply = Answer(False, error=f"http {status}")
            else:
                try:
                    return {entry["id"]: _answer_from_json(entry)
                            for entry in json.loads(data)["states"]}
                except (ValueError, KeyError, TypeError, AttributeError) as e:
                    reply = Answer(False, error=f"bad answer: {e}")
        return {i: reply for i in ids}

    def _ask(self, method: str, path: str, body: Optional[bytes], timeout: float):
        """(status, body), or a failed Answer saying why."""
        now = time.monotonic()
        if now < self.held_until:
            return Answer(False, error="held after " + self.held_why)
        try:
            return self.connection.exchange(self._request(method, path, body), now + timeout)
        except socket.timeout:
            return self._hold("timeout")
        except (OSError, ValueError) as e:
            return self._hold(f"unreachable: {e}")

    def _hold(self, why: str) -> Answer:
        self.connection.close()
        self.held_until, self.held_why = time.monotonic() + self.hold, why
        return Answer(False, error=why)

    def _request(self, method: str, path: str, body: Optional[bytes]) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.netloc}",
                 "Accept: application/json"]
        if self.token:
            lines.append(f"Authorization: Bearer {self.token}")
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")

    def events(self, ids: Optional[List[str]] = None, tag: Optional[str] = None,
               last_event_id: Optional[str] = None, idle_timeout: float = 45.0,
               retry: float = 1.0) -> Iterator[Event]:
        """The event stream, forever: reconnects after any failure (waiting `retry`
        seconds) and resumes with the id of the last event received; a 4xx other than 429
        (a bad filter or token) raises urllib.error.HTTPError. `idle_timeout` is
        longer than hoursd's 15 s heartbeat, so a dead connection is noticed. Check
        Event.refetch to know when cached answers must be fetched again."""
        query = {}
        if ids:
            query["ids"] = ",".join(ids)
        if tag:
            query["tag"] = tag
        url = f"http://{self.netloc}/v1/events"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        while True:
            headers = {"Accept": "text/event-stream"}
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
            if last_event_id:
                headers["Last-Event-ID"] = last_event_id
            try:
                request = urllib.request.Request(url, headers=headers)
                with urllib.request.urlopen(request, timeout=idle_timeout) as stream:
                    for event in parse_events(stream):
                        if event.id:
                            last_event_id = event.id
                        yield event
            except urllib.error.HTTPError as e:
                if 400 <= e.code < 500 and e.code != 429:
                    raise  # bad filter, token or route: retrying would not help
            except (OSError, ValueError):
                pass
            time.sleep(retry)
