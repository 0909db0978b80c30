# Sourced by the bench scripts (run from the repository's root): what they share.

# Sets hoursd_bin and gen_bin: HOURSD_BENCH_BIN and the hoursd_gen beside it, or else a
# Release build in build-release/, built here.
bench_binaries() {
  if [ -n "${HOURSD_BENCH_BIN:-}" ]; then
    hoursd_bin=$HOURSD_BENCH_BIN
    gen_bin=$(dirname "$hoursd_bin")/hoursd_gen
  else
    BUILD_TYPE=Release cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release \
      -DHOURSD_BUILD_BENCH=ON >/dev/null
    cmake --build build-release -j "$(nproc)" --target hoursd hoursd_gen >/dev/null
    hoursd_bin=build-release/hoursd
    gen_bin=build-release/hoursd_gen
  fi
}

# Sets work to a new scratch directory and pids to an empty list of processes; on exit each
# process in pids is killed and work is removed.
bench_scratch() {
  work=$(mktemp -d)
  pids=()
  trap bench_cleanup EXIT
}
bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

# A TCP port free on 127.0.0.1 now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# nginx_conf DIR PORT [TOP]: writes DIR/nginx.conf for nginx -p DIR: one worker, no access
# log, keep-alive, serving the files of DIR/html on 127.0.0.1:PORT. TOP holds more main
# directives, each ending in ";". DIR/html and DIR/logs must exist.
nginx_conf() {
  cat >"$1/nginx.conf" <<CONF
worker_processes 1;
${3:-}
daemon off;
pid $1/nginx.pid;
error_log $1/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  default_type application/json;
  server { listen 127.0.0.1:$2; root $1/html; }
}
CONF
}
