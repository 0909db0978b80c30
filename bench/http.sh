#!/usr/bin/env bash
# Load benchmark: hoursd lookups against nginx serving a static file of the same size, same
# wrk profile, same run. Three routes (the state as JSON, the state as text, the open flag),
# each on 64 connections and on 1. The servers run on cpu1 (hoursd with its default, one io
# thread per core it may use) and wrk on cpu0, so that neither takes the other's core. Prints
# requests/s, p50, p99 and server CPU time per request for each, then the ratios
# hoursd/nginx. Starts and stops only its own processes; binds only 127.0.0.1.
# Usage: bench/http.sh [customers (10000)] [seconds (10)]
# HOURSD_BENCH_BIN=path/to/hoursd measures that binary (and uses the hoursd_gen beside it)
# instead of building build-release/. HOURSD_BENCH_BASELINE=path/to/other/hoursd measures
# that binary too, as "baseline", in the same run and on the same data, and adds the ratios
# hoursd/baseline: a before-and-after comparison that the machine's load affects alike.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

customers=${1:-10000}
seconds=${2:-10}
scripts/bootstrap bench
bench_binaries
baseline_bin=${HOURSD_BENCH_BASELINE:-}

bench_scratch

cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }  # utime + stime, in clock ticks
hz=$(getconf CLK_TCK)

# The servers measured, each with its pid and base URL.
servers=()
declare -A pid_of url_of

# start_hoursd NAME BINARY: serves the generated customers, ready when it returns.
start_hoursd() {
  local name=$1 bin=$2 port
  port=$(free_port)
  taskset -c 1 "$bin" serve --config "$work/hoursd.toml" --source "file:$work/customers.json" \
    --listen "127.0.0.1:$port" \
    --state-dir "$work/state-$name" 2>"$work/$name.log" &
  pid_of[$name]=$!
  pids+=("${pid_of[$name]}")
  url_of[$name]=http://127.0.0.1:$port
  for _ in $(seq 100); do
    curl -fs "${url_of[$name]}/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fs "${url_of[$name]}/readyz" >/dev/null || { cat "$work/$name.log"; exit 1; }
  servers+=("$name")
}

"$gen_bin" "$customers" >"$work/customers.json"
# No periodic resync during the runs: resyncing an unchanged file source takes seconds of CPU
# at 10,000 customers, which would land on the server's core in the middle of a run and
# measure the sync rather than the lookups.
printf '[sync]\ninterval_s = 3600\nstale_after_s = 7200\n' >"$work/hoursd.toml"
start_hoursd hoursd "$hoursd_bin"
[ -z "$baseline_bin" ] || start_hoursd baseline "$baseline_bin"

# The routes measured: NAME, hoursd's target, nginx's path. nginx serves a file exactly as
# large as hoursd's answer on that route.
routes=(state text open)
declare -A target=([state]=/v1/customers/cust-1/state
                   [text]='/v1/customers/cust-1/state?format=text'
                   [open]=/v1/customers/cust-1/open)
declare -A size
for r in "${routes[@]}"; do
  curl -fs "${url_of[hoursd]}${target[$r]}" >"$work/answer.$r"
  size[$r]=$(stat -c %s "$work/answer.$r")
done

# nginx: one worker, no access log, keep-alive, serving a file exactly as large as an answer.
nport=$(free_port)
mkdir -p "$work/nginx/html" "$work/nginx/logs"
for r in "${routes[@]}"; do
  head -c "${size[$r]}" /dev/zero | tr '\0' 'x' >"$work/nginx/html/$r"
done
nginx_conf "$work/nginx" "$nport"
taskset -c 1 nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nmaster=$!
pids+=("$nmaster")
sleep 0.5
pid_of[nginx]=$(pgrep -P "$nmaster" -n)  # our worker, not another nginx's on this host
url_of[nginx]=http://127.0.0.1:$nport
servers+=(nginx)

# The URL of route $2 on server $1.
url() { if [ "$1" = nginx ]; then echo "${url_of[nginx]}/$2"; else echo "${url_of[$1]}${target[$2]}"; fi; }

# run ROUTE NAME CONNECTIONS: one wrk run, one result line.
run() {
  local route=$1 name=$2 conns=$3
  local pid=${pid_of[$name]} before after out
  before=$(cpu_ticks "$pid")
  out=$(taskset -c 0 wrk -t1 -c"$conns" -d"${seconds}s" --latency "$(url "$name" "$route")")
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
for c in 64 1; do
  for r in "${routes[@]}"; do
    for s in "${servers[@]}"; do run "$r" "$s" "$c"; done
  done
done

# Ratios per route and connection count: throughput (>= 1 is better), p99 and CPU (<= 1).
to_us() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); print v} else if (v ~ /ms$/) {sub(/ms/,"",v); print v*1000} else {sub(/s/,"",v); print v*1e6}}' <<<"$1"; }
ratio() {
  local r=$1 c=$2 other=$3
  read -r _ _ _ hr _ hp99 hcpu < <(grep "^$r hoursd $c " "$work/results")
  read -r _ _ _ nr _ np99 ncpu < <(grep "^$r $other $c " "$work/results")
  awk -v r="$r" -v c="$c" -v o="$other" -v hr="$hr" -v nr="$nr" -v hp="$(to_us "$hp99")" \
      -v np="$(to_us "$np99")" -v hc="$hcpu" -v nc="$ncpu" \
      'BEGIN {printf "ratio %-6s c=%-3s throughput %.2f  p99 %.2f  cpu/req %.2f  (hoursd/%s)\n", r, c, hr/nr, hp/np, hc/nc, o}'
}
for other in nginx ${baseline_bin:+baseline}; do
  for r in "${routes[@]}"; do
    for c in 64 1; do ratio "$r" "$c" "$other"; done
  done
done
