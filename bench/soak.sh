#!/usr/bin/env bash
# The soak of issue 8 ("never down"): no request, customer record or fault may crash, wedge
# or bloat the daemon. Usage: bench/soak.sh [MINUTES (30)] [more bench/soak.py flags]
#
# It runs build/hoursd (build it first: cmake --build build --target hoursd) against
# bench/soak_upstream.py, a fake ListCustomers API (3,000 customers plus examples/, pages of
# 500) that the daemon syncs every 3 s. Each sync the fake draws a fault or none: a 500, a
# page that stalls past the daemon's request timeout, a truncated page, or a shrink beyond
# max_shrink_ratio; every 10 s some schedules change (a new data version). Meanwhile:
#   - 16 keep-alive connections send state lookups for random customers at pinned instants
#     (now - 2 days .. now + 30 days);
#   - 2% of the answers are checked against `hoursd evaluate --customers FILE --id --at` on
#     the very data version the answer came from (each customer's name ends in " v<N>", and
#     the fake keeps every version as a file);
#   - every 0.5 s one hostile request of issue 8 (deep JSON, bad UTF-8 and NUL in path and
#     query, Content-Length with Transfer-Encoding, two Content-Lengths, 10,001 ids, 1,001
#     rules, an endless chunk-size line, a trailer flood), each with its intended status;
#   - every 60 s the daemon is killed with SIGKILL while it writes a snapshot (when the
#     state dir holds a temp file snapshot.json.XXXXXX; at a random moment if none is seen
#     within 15 s) and restarted with the upstream answering 503 for 4 s; its "listening" log
#     line must say it loaded the persisted snapshot, and a restart not ready within 3 s
#     (while the upstream still refuses) is counted too. A daemon that dies on its own is counted as a crash and
#     restarted the same way. --kill-every 0 never kills: one process lives the whole run,
#     which is how to see whether its RSS stays flat.
# It prints: lookups; non-2xx other than an intended 503; wrong answers of those checked;
# hostile requests not answered as intended, by kind (those a kill cut off are counted
# apart); restarts (kills, crashes); snapshots lost (a restart that did not load the
# persisted snapshot) and restarts slower than 3 s; the RSS of each process when ready,
# after each fifth of its life, and its max (sampled every second; also printed every 30 s).
# Exits 1 if any count of trouble is not zero (a slow restart is reported, not trouble: on a
# loaded machine it is the machine). Binds only 127.0.0.1; starts and
# stops only its own processes; its work directory is removed unless --keep is given.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-30}
shift || true
[ -x build/hoursd ] || { echo "build/hoursd is missing: cmake --build build --target hoursd" >&2; exit 2; }
command -v python3 >/dev/null || scripts/bootstrap bench
exec python3 bench/soak.py --minutes "$minutes" --binary build/hoursd "$@"
