#!/usr/bin/env bash
# Kamailio routing SIP calls by hoursd state, under sipp load: see kamailio_test.py for what
# it checks. Needs kamailio with app_python3 (Debian: kamailio, kamailio-python3-modules),
# sipp (Debian: sip-tester) and python3, which scripts/bootstrap installs; without them it
# says what is missing and exits 77, which CTest reports as skipped.
# usage: kamailio_test.sh HOURSD_BINARY [--rate CPS] [--seconds S]
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
hoursd=$1
shift

missing=()
for tool in kamailio sipp python3; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if command -v kamailio >/dev/null && ! compgen -G '/usr/lib/*/kamailio/modules/app_python3.so' \
    >/dev/null; then
  missing+=("kamailio's app_python3 module")
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "SKIPPED: the Kamailio test needs ${missing[*]}; run scripts/bootstrap as root" >&2
  exit 77
fi
exec python3 "$source_dir/tests/integration/kamailio_test.py" "$hoursd" "$source_dir" "$@"
