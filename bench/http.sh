#!/usr/bin/env bash
# Load benchmark: hoursd lookups against nginx serving a static file of the same size, same
# wrk profile, same run. Three routes (the state as JSON, the state as text, the open flag),
# each on 64 connections and on 1 connection pinned apart from wrk. Prints requests/s, p50,
# p99 and server CPU time per request for each, then the ratios hoursd/nginx. Starts and
# stops only its own processes; binds only 127.0.0.1.
# Usage: bench/http.sh [customers (10000)] [seconds (10)]
# HOURSD_BENCH_BIN=path/to/hoursd measures that binary (and the hoursd_gen beside it)
# instead of building build-release/, to compare two builds in one sitting.
set -euo pipefail
cd "$(dirname "$0")/.."

customers=${1:-10000}
seconds=${2:-10}
scripts/bootstrap bench
if [ -n "${HOURSD_BENCH_BIN:-}" ]; then
  hoursd_bin=$HOURSD_BENCH_BIN
  gen_bin=$(dirname "$hoursd_bin")/hoursd_gen
else
  BUILD_TYPE=Release cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DHOURSD_BUILD_BENCH=ON >/dev/null
  cmake --build build-release -j "$(nproc)" --target hoursd hoursd_gen >/dev/null
  hoursd_bin=build-release/hoursd
  gen_bin=build-release/hoursd_gen
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }  # utime + stime, in clock ticks
hz=$(getconf CLK_TCK)

"$gen_bin" "$customers" >"$work/customers.json"
hport=$(free_port)
"$hoursd_bin" serve --source "file:$work/customers.json" --listen "127.0.0.1:$hport" \
  --state-dir "$work/state" 2>"$work/hoursd.log" &
hpid=$!
pids+=("$hpid")
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$hport/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$hport/readyz" >/dev/null || { cat "$work/hoursd.log"; exit 1; }
# The routes measured: NAME, hoursd's target, nginx's path. nginx serves a file exactly as
# large as hoursd's answer on that route.
routes=(state text open)
declare -A target=([state]=/v1/customers/cust-1/state
                   [text]='/v1/customers/cust-1/state?format=text'
                   [open]=/v1/customers/cust-1/open)
declare -A size
for r in "${routes[@]}"; do
  curl -fs "http://127.0.0.1:$hport${target[$r]}" >"$work/answer.$r"
  size[$r]=$(stat -c %s "$work/answer.$r")
done

# nginx: one worker, no access log, keep-alive, serving a file exactly as large as an answer.
nport=$(free_port)
mkdir -p "$work/nginx/html" "$work/nginx/logs"
for r in "${routes[@]}"; do
  head -c "${size[$r]}" /dev/zero | tr '\0' 'x' >"$work/nginx/html/$r"
done
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  default_type application/json;
  server { listen 127.0.0.1:$nport; root $work/nginx/html; }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nmaster=$!
pids+=("$nmaster")
sleep 0.5
npid=$(pgrep -P "$nmaster" -n)  # our worker, not another nginx's on this host

# run ROUTE NAME PID URL CONNECTIONS [taskset prefix for wrk]: one wrk run, one result line.
run() {
  local route=$1 name=$2 pid=$3 url=$4 conns=$5 pin=${6:-}
  local before after out
  before=$(cpu_ticks "$pid")
  out=$($pin wrk -t1 -c"$conns" -d"${seconds}s" --latency "$url")
  after=$(cpu_ticks "$pid")
  local rps p50 p99 reqs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  local us_per_req
  us_per_req=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$reqs" 'BEGIN {printf "%.2f", t / hz * 1e6 / n}')
  printf '%-6s %-8s c=%-3s %10s req/s  p50 %8s  p99 %8s  cpu/req %6s us\n' "$route" "$name" "$conns" "$rps" "$p50" "$p99" "$us_per_req"
  echo "$route $name $conns $rps $p50 $p99 $us_per_req" >>"$work/results"
}

sizes=""
for r in "${routes[@]}"; do sizes+=" $r ${size[$r]}"; done
echo "answer bytes:$sizes; $customers customers, wrk ${seconds}s per run"
for r in "${routes[@]}"; do
  run "$r" hoursd "$hpid" "http://127.0.0.1:$hport${target[$r]}" 64
  run "$r" nginx "$npid" "http://127.0.0.1:$nport/$r" 64
done
taskset -pc 0 "$hpid" >/dev/null
taskset -pc 0 "$npid" >/dev/null
for r in "${routes[@]}"; do
  run "$r" hoursd "$hpid" "http://127.0.0.1:$hport${target[$r]}" 1 "taskset -c 1"
  run "$r" nginx "$npid" "http://127.0.0.1:$nport/$r" 1 "taskset -c 1"
done

# Ratios hoursd/nginx per route and connection count: throughput (>= 1 is better), p99 and
# CPU (<= 1).
to_us() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); print v} else if (v ~ /ms$/) {sub(/ms/,"",v); print v*1000} else {sub(/s/,"",v); print v*1e6}}' <<<"$1"; }
for r in "${routes[@]}"; do
  for c in 64 1; do
    read -r _ _ _ hr _ hp99 hcpu < <(grep "^$r hoursd $c " "$work/results")
    read -r _ _ _ nr _ np99 ncpu < <(grep "^$r nginx $c " "$work/results")
    awk -v r="$r" -v c="$c" -v hr="$hr" -v nr="$nr" -v hp="$(to_us "$hp99")" -v np="$(to_us "$np99")" \
        -v hc="$hcpu" -v nc="$ncpu" \
        'BEGIN {printf "ratio %-6s c=%-3s throughput %.2f  p99 %.2f  cpu/req %.2f  (hoursd/nginx)\n", r, c, hr/nr, hp/np, hc/nc}'
  done
done
