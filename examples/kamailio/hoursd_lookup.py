"""hoursd lookup for Kamailio's app_python3 (examples/kamailio/kamailio.cfg).

`python_exec("lookup", "$rU")` asks hoursd for the state of the customer whose id is the
request user, with examples/client/hoursd_client.py: one keep-alive connection per worker
process, one deadline for the whole exchange, and a hold after a timeout or a failed
connection. It never raises into Kamailio; it sets

  $var(hoursd_route)  "open" | "closed" | "fallback"
  $var(hoursd_state)  the state name; "" when there is none to route on
  $var(hoursd_why)    on fallback, why: "timeout", "http 404", "no state", "held after ...", ...

and returns 1. Its inputs are variables the config sets before the call:

  $var(hoursd_url)         hoursd's base URL, "http://HOST:PORT"
  $var(hoursd_timeout_ms)  the deadline, milliseconds
  $var(hoursd_hold_ms)     how long a worker stops asking after a timeout or failed connection
  $var(hoursd_token)       bearer token, "" for none
"""

import os
import sys

import KSR

# hoursd_client.py lives beside this folder, in examples/client/.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "client"))
from hoursd_client import Answer, HoursdClient  # noqa: E402


class HoursdLookup:
    def __init__(self):
        self.client = None
        self.settings = None

    def child_init(self, rank):
        return 0

    def _client(self):
        """This worker's client, made again only when the config's variables change."""
        settings = (KSR.pv.get("$var(hoursd_url)"), KSR.pv.get("$var(hoursd_token)") or "",
                    int(KSR.pv.get("$var(hoursd_timeout_ms)")),
                    int(KSR.pv.get("$var(hoursd_hold_ms)")))
        if settings != self.settings:
            url, token, timeout_ms, hold_ms = settings
            self.client = HoursdClient(url, token or None, timeout_ms / 1000, hold_ms / 1000)
            self.settings = settings
        return self.client

    def lookup(self, msg, customer_id):
        try:
            answer = self._client().state(customer_id)
        except Exception as e:  # a bad define (say, HOURSD_URL): still route, to the fallback
            answer = Answer(False, error=f"lookup failed: {e}")
        if answer.ok:
            route = "open" if answer.open else "closed"
        else:
            route = "fallback"
        KSR.pv.sets("$var(hoursd_route)", route)
        KSR.pv.sets("$var(hoursd_state)", answer.state or "")
        KSR.pv.sets("$var(hoursd_why)", answer.error)
        return 1


def mod_init():
    return HoursdLookup()
