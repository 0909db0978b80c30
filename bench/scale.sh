#!/usr/bin/env bash
# Scale benchmark: N generated customers served from a file: source, Release build. Prints
# the time to ready, peak and steady RSS, the CPU one unchanged sync costs, the time a
# restart takes to be ready from the persisted snapshot, and lookups/s on 64 connections
# while a sync runs. Starts and stops only its own processes; binds only 127.0.0.1.
# Usage: bench/scale.sh [customers (100000)] [generator: gen (hoursd_gen) | deep (gen_deep.py)]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

customers=${1:-100000}
generator=${2:-gen}
interval=20  # seconds between syncs: long enough for a sync of 10^6 customers to finish
scripts/bootstrap bench
bench_binaries

bench_scratch

hz=$(getconf CLK_TCK)
cpu_s() { awk -v hz="$hz" '{printf "%.2f", ($14+$15)/hz}' "/proc/$pid/stat"; }  # utime+stime
mib() { awk -v k="$1" '$1==k":" {printf "%.0f", $2/1024}' "/proc/$pid/status"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.2f", b-a}'; }
syncs() { grep -c 'sync: ok' "$work/hoursd.log" || true; }

case $generator in
  gen) "$gen_bin" "$customers" >"$work/customers.json" ;;
  deep) python3 bench/gen_deep.py "$customers" >"$work/customers.json" ;;
  *) echo "scale.sh: unknown generator $generator (gen or deep)" >&2; exit 2 ;;
esac
port=$(free_port)
cat >"$work/hoursd.toml" <<EOF
[upstream]
source = "file:$work/customers.json"
[sync]
interval_s = $interval
jitter = 0
stale_after_s = 600
state_dir = "$work/state"
[server]
listen = "127.0.0.1:$port"
EOF

# start: runs serve and waits for /readyz; sets pid, and ready to the seconds it took. Not
# in a $(...): the daemon would hold its pipe open.
start() {
  local t0
  t0=$(now)
  "$hoursd_bin" serve --config "$work/hoursd.toml" >/dev/null 2>>"$work/hoursd.log" &
  pid=$!
  pids+=("$pid")
  until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { tail "$work/hoursd.log"; exit 1; }
    sleep 0.05
  done
  ready=$(since "$t0")
}
# wait_syncs N: until the log holds N successful syncs.
wait_syncs() { until (($(syncs) >= $1)); do sleep 0.1; done; }

echo "customers $customers ($generator), $(stat -c %s "$work/customers.json") bytes of JSON"
start
echo "ready after ${ready} s: RSS $(mib VmRSS) MiB"
wait_syncs 1  # the first sync, which found the file's customers new
first_peak=$(mib VmHWM)
wait_syncs 2  # an unchanged sync
c0=$(cpu_s)
wait_syncs 3  # another; nothing else runs, so the CPU between them is one sync's
c1=$(cpu_s)
echo "after 3 syncs: RSS $(mib VmRSS) MiB (steady), peak $(mib VmHWM) MiB (peak at the first sync $first_peak MiB)"
echo "unchanged sync: $(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.2f", b-a}') s CPU"
grep 'sync: ok' "$work/hoursd.log" | tail -1

# Lookups while a sync runs: wrk spans two intervals, so a sync falls inside it.
if command -v wrk >/dev/null; then
  n=$((customers / 2))
  before=$(syncs)
  out=$(wrk -t2 -c64 -d"$((2 * interval))s" --latency \
    "http://127.0.0.1:$port/v1/customers/cust-$n/state")
  echo "lookups on 64 connections across $(($(syncs) - before)) sync(s):" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out") req/s," \
    "p99 $(awk '$1 == "99%" {print $2}' <<<"$out"), non-2xx $(awk '/Non-2xx/ {n = $NF} END {print n + 0}' <<<"$out")," \
    "peak RSS now $(mib VmHWM) MiB"
fi

kill -TERM "$pid"
wait "$pid" || true
start
echo "restart: ready after ${ready} s from the persisted snapshot, RSS $(mib VmRSS) MiB, peak $(mib VmHWM) MiB"
