#!/usr/bin/env bash
# Cost per request, counted rather than timed: user-space instructions (callgrind's Ir, every
# thread of the server) and heap allocations (calls into malloc, calloc, realloc and the
# aligned allocators, which is where operator new and nginx's pools end up) per request, for
# hoursd on the state (JSON), text and open routes and for nginx serving a file of the same
# body. One keep-alive connection sends WARM requests, the counters are zeroed, it sends COUNT
# more, the counters are dumped: what is printed is the warm connection's cost per request.
# Starts and stops only its own processes; binds only 127.0.0.1.
# Usage: bench/instr.sh [count (2000)] [customers (1000)]
# HOURSD_BENCH_BIN=path/to/hoursd measures that binary (and the hoursd_gen beside it)
# instead of building build-release/.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

count=${1:-2000}
customers=${2:-1000}
warm=200
scripts/bootstrap bench
command -v valgrind >/dev/null || { echo "instr: valgrind is missing (apt-get install valgrind)" >&2; exit 1; }
bench_binaries

bench_scratch


# The client: one connection, WARM requests, zero, COUNT requests, dump. Every answer must be
# a 200 with exactly Content-Length bytes of body.
cat >"$work/client.py" <<'EOF'
import socket, subprocess, sys
port, path, warm, count, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
conn = socket.create_connection(("127.0.0.1", port))
request = ("GET %s HTTP/1.1\r\nHost: bench\r\n\r\n" % path).encode()
def one():
    conn.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk: sys.exit("instr: the server closed the connection")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    if lines[0].split(b" ")[1] != b"200": sys.exit("instr: %r" % lines[0])
    length = [int(l.split(b":")[1]) for l in lines if l.lower().startswith(b"content-length:")][0]
    while len(body) < length: body += conn.recv(65536)
    if len(body) != length: sys.exit("instr: more bytes than Content-Length")
def control(flag):
    subprocess.run(["callgrind_control", flag, pid], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
for _ in range(warm): one()
control("-z")
for _ in range(count): one()
control("-d")
EOF

# The counts of the last dump in directory $1: "INSTRUCTIONS ALLOCATIONS".
cat >"$work/count.py" <<'EOF'
import glob, os, re, sys
dump = max(glob.glob(os.path.join(sys.argv[1], "cg.*.*")), key=os.path.getmtime)
allocators = {"malloc", "calloc", "realloc", "posix_memalign", "aligned_alloc", "memalign",
              "valloc", "__libc_malloc", "__libc_calloc", "__libc_realloc", "__libc_memalign"}
names, callee, allocs, total = {}, None, 0, None
for line in open(dump):
    m = re.match(r"(c?fn)=\((\d+)\)(?: (.*))?", line.rstrip("\n"))
    if m:
        if m.group(3): names[m.group(2)] = m.group(3)
        if m.group(1) == "cfn": callee = names.get(m.group(2))
        continue
    if line.startswith("calls="):
        if callee in allocators: allocs += int(line.split()[0][6:])
        continue
    if line.startswith("totals:") or line.startswith("summary:"):
        total = int(line.split()[1])
print(total, allocs)
EOF

# measure NAME PORT PATH PID DIR: one line, per request.
measure() {
  local name=$1 port=$2 path=$3 pid=$4 dir=$5
  python3 "$work/client.py" "$port" "$path" "$warm" "$count" "$pid"
  sleep 0.5
  read -r ir allocs < <(python3 "$work/count.py" "$dir")
  awk -v n="$name" -v ir="$ir" -v a="$allocs" -v c="$count" \
    'BEGIN {printf "%-14s %9.0f instructions/request  %6.2f allocations/request\n", n, ir/c, a/c}'
  echo "$name $ir $allocs" >>"$work/results"
}

"$gen_bin" "$customers" >"$work/customers.json"
# Ready before callgrind: the snapshot it loads from the state directory spares the
# instrumented process the first sync's compile.
hport=$(free_port)
mkdir -p "$work/hcg"
# No periodic resync inside the measured window (bench/http.sh says why).
printf '[sync]\ninterval_s = 3600\nstale_after_s = 7200\n' >"$work/hoursd.toml"
valgrind --tool=callgrind --callgrind-out-file="$work/hcg/cg.%p" \
  "$hoursd_bin" serve --config "$work/hoursd.toml" --source "file:$work/customers.json" --listen "127.0.0.1:$hport" \
  --state-dir "$work/state" 2>"$work/hoursd.log" &
hpid=$!
pids+=("$hpid")
for _ in $(seq 600); do
  curl -fs "http://127.0.0.1:$hport/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$hport/readyz" >/dev/null || { cat "$work/hoursd.log"; exit 1; }

routes=(state text open)
declare -A target=([state]=/v1/customers/cust-1/state
                   [text]='/v1/customers/cust-1/state?format=text'
                   [open]=/v1/customers/cust-1/open)
nport=$(free_port)
mkdir -p "$work/nginx/html" "$work/nginx/logs" "$work/ncg"
for r in "${routes[@]}"; do
  curl -fs "http://127.0.0.1:$hport${target[$r]}" >"$work/nginx/html/$r"
done
# nginx in one process (no master), so callgrind sees the process that answers.
nginx_conf "$work/nginx" "$nport" "master_process off;"
valgrind --tool=callgrind --callgrind-out-file="$work/ncg/cg.%p" \
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>"$work/nginx.log" &
npid=$!
pids+=("$npid")
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$nport/state" >/dev/null 2>&1 && break
  sleep 0.2
done

echo "per request over $count requests on one warm connection; $customers customers"
for r in "${routes[@]}"; do
  echo "$r: $(stat -c %s "$work/nginx/html/$r") bytes of body"
  measure "hoursd $r" "$hport" "${target[$r]}" "$hpid" "$work/hcg"
  measure "nginx $r" "$nport" "/$r" "$npid" "$work/ncg"
done
for r in "${routes[@]}"; do
  read -r _ _ hi ha < <(grep "^hoursd $r " "$work/results")
  read -r _ _ ni na < <(grep "^nginx $r " "$work/results")
  awk -v r="$r" -v hi="$hi" -v ni="$ni" -v ha="$ha" -v na="$na" -v c="$count" \
    'BEGIN {printf "ratio %-6s instructions %.2f  (hoursd/nginx; allocations %.2f vs %.2f)\n", r, hi/ni, ha/c, na/c}'
done
