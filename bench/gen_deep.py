#!/usr/bin/env python3
"""A second customer generator for bench/scale.sh, written apart from hoursd_gen so that a
figure does not depend on one generator's habits. Where hoursd_gen repeats a few office
templates, this one draws every schedule at random: 10 to 20 rules per customer, hours in
15-minute steps, overnight rules, holidays on random dates, monthly and yearly rules with
BYDAY offsets and BYSETPOS, rules with COUNT or UNTIL, CustomerState rules, flow ids and
parameters, tags and opaque data; and deeper inheritance: chains of up to 6 customers,
some inheriting whole, some with an own schedule whose empty time zone comes from the
parent. The output is a JSON array of CustomerInfo, the same for the same N and seed.

Usage: bench/gen_deep.py N [SEED]   (prints to stdout)
"""

import json
import random
import sys

ZONES = [
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Phoenix", "America/Sao_Paulo", "America/St_Johns", "Europe/London",
    "Europe/Paris", "Europe/Berlin", "Europe/Moscow", "Africa/Johannesburg", "Asia/Kolkata",
    "Asia/Kathmandu", "Asia/Tokyo", "Asia/Singapore", "Australia/Sydney",
    "Australia/Adelaide", "Australia/Lord_Howe", "Pacific/Auckland", "Pacific/Chatham",
    "Eastern Standard Time", "Pacific Standard Time", "GMT Standard Time",
    "AUS Eastern Standard Time", "India Standard Time",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
STATES = ["Business Hours", "After Hours", "Holiday", "Lunch", "Support", "Closed",
          "Training", "Emergency", "Weekend"]
FREQUENCIES = ["Daily", "Weekly", "Monthly", "Yearly"]
MAX_CHAIN = 6  # customers in an inheritance chain, the root included


def hhmm(minutes):
    return "%02d:%02d" % (minutes // 60 % 24, minutes % 60)


def time_rule(rng, rule):
    """Fills `rule` as a Time rule of a random frequency, all-day or with hours."""
    rule["simpleRuleType"] = "Time"
    frequency = rng.choice(FREQUENCIES)
    rule["frequency"] = frequency
    rule["startDate"] = "%d-%02d-%02d" % (rng.randint(2023, 2026), rng.randint(1, 12),
                                          rng.randint(1, 28))
    if rng.random() < 0.3:
        rule["isAllDay"] = True
    else:
        start = rng.randrange(0, 24 * 4) * 15
        length = rng.randrange(1, 14 * 4) * 15  # may cross midnight
        rule["startTime"], rule["endTime"] = hhmm(start), hhmm(start + length)
    if frequency == "Weekly":
        rule["byDay"] = [{"dayOfWeek": d} for d in rng.sample(DAYS, rng.randint(1, 6))]
    elif frequency == "Monthly":
        if rng.random() < 0.5:
            rule["byMonthDay"] = sorted(rng.sample(list(range(1, 29)) + [-1], rng.randint(1, 3)))
        else:
            rule["byDay"] = [{"dayOfWeek": rng.choice(DAYS), "offset": rng.choice([1, 2, 3, -1])}]
    elif frequency == "Yearly":
        rule["byMonth"] = [rng.randint(1, 12)]
        if rng.random() < 0.6:
            rule["byMonthDay"] = [rng.randint(1, 28)]
        else:
            rule["byDay"] = [{"dayOfWeek": d} for d in rng.sample(DAYS[:5], 2)]
            rule["bySetPosition"] = [rng.choice([1, -1])]
    if rng.random() < 0.3:
        rule["interval"] = rng.randint(2, 3)
    ending = rng.random()
    if ending < 0.1:
        rule["count"] = rng.randint(5, 200)
    elif ending < 0.2:
        rule["untilDate"] = "%d-%02d-%02d" % (rng.randint(2027, 2030), rng.randint(1, 12),
                                              rng.randint(1, 28))


def random_rule(rng, index, has_parent):
    rule = {
        "id": "r%d-%d" % (index, rng.randrange(10**6)),
        "name": "rule %d" % index,
        "priority": rng.randint(1, 20),
        "state": rng.choice(STATES),
    }
    kind = rng.random()
    if has_parent and kind < 0.08:
        rule["simpleRuleType"] = "CustomerState"
        rule["customerState"] = rng.choice(STATES)
    elif kind < 0.1:
        rule["simpleRuleType"] = "Always"
        rule["priority"] = 20  # last, or it would hide every other rule
    else:
        time_rule(rng, rule)
    if rng.random() < 0.4:
        rule["flowId"] = "flow-%d" % rng.randrange(10**5)
        rule["flowParams"] = {"queue": "q%d" % rng.randrange(500),
                              "greeting": "g%d" % rng.randrange(50)}
    return rule


def schedule(rng, has_parent):
    own_zone = not has_parent or rng.random() < 0.5
    return {
        "timeZoneId": rng.choice(ZONES) if own_zone else "",
        "inherit": False,
        "forceClosed": rng.random() < 0.02,
        "defaultState": rng.choice(["After Hours", "Closed", ""]),
        "rules": [random_rule(rng, i, has_parent) for i in range(rng.randint(10, 20))],
    }


def customer(rng, i, parent):
    c = {
        "id": "cust-%d" % i,
        "name": "Customer %d" % i,
        "referenceId": "REF-%d" % i,
        "accountId": "acct-%d" % (i // 50),
        "dateCreated": "2025-01-01T00:00:00Z",
        "dateLastModified": "2026-%02d-%02dT%02d:00:00Z" % (rng.randint(1, 11),
                                                           rng.randint(1, 28), rng.randrange(24)),
        "tags": [{"id": "t%d" % rng.randrange(40), "name": "tag", "color": "Blue"}],
        "data": {"crm": "c%d" % rng.randrange(10**6), "tier": rng.choice(["a", "b", "c"])},
    }
    if parent is not None:
        c["parentCustomerId"] = parent
    if parent is not None and rng.random() < 0.4:
        c["schedule"] = None if rng.random() < 0.5 else {"inherit": True}
    else:
        c["schedule"] = schedule(rng, parent is not None)
    return c


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: gen_deep.py N [SEED]")
    n = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) == 3 else 1)
    out = sys.stdout
    out.write("[")
    chain = []  # ids of the current inheritance chain, root first
    for i in range(n):
        if not chain or len(chain) >= MAX_CHAIN or rng.random() < 0.35:
            chain = []  # a new root
        parent = chain[-1] if chain else None
        if i:
            out.write(",\n")
        json.dump(customer(rng, i, parent), out, separators=(",", ":"))
        chain.append("cust-%d" % i)
    out.write("]\n")


if __name__ == "__main__":
    main()
