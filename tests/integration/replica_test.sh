#!/usr/bin/env bash
# The replica tier (docs/operations.md): a primary hoursd on a fake platform and two replicas
# on loopback, one of them through nginx proxy_cache configured with the snippet the
# operations guide shows. See replica_test.py for what it checks. Needs nginx (Debian:
# nginx-light) and python3, which scripts/bootstrap installs; without them it says what is
# missing and exits 77, which CTest reports as skipped.
# usage: replica_test.sh HOURSD_BINARY
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
hoursd=$1

missing=()
command -v python3 >/dev/null || missing+=(python3)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  echo "SKIPPED: the replica test needs ${missing[*]}; run scripts/bootstrap as root" >&2
  exit 77
fi
exec python3 "$source_dir/tests/integration/replica_test.py" "$hoursd" "$source_dir"
