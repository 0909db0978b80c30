#!/usr/bin/env bash
# scripts/check-layers passes on the repository and fails on tests/data/layers/, a small
# tree that breaks each rule once, naming each offending line (and nothing allowed).
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
check=$here/scripts/check-layers
failed=0
expect() {  # expect DESCRIPTION GREP-PATTERN OUTPUT
  if ! grep -q -- "$2" <<<"$3"; then echo "FAIL: $1 (no line matching '$2')"; failed=1; fi
}

"$check" "$here" >/dev/null || { echo "FAIL: the repository breaks its layering"; failed=1; }

out=$("$check" "$here/tests/data/layers" 2>&1)
rc=$?
[ "$rc" -eq 1 ] || { echo "FAIL: exit $rc on the broken tree, expected 1"; failed=1; }
expect "upward include" "^src/core/upward.cpp:3: core includes hoursd/http/" "$out"
expect "library too low" "^src/core/upward.cpp:4: core includes <nlohmann/...>, which starts at json" "$out"
expect "Boost in core tests" "^tests/core/boost_test.cpp:2: core includes <boost/...>" "$out"
expect "public header" "^include/hoursd/sync/daemon_user.hpp:2: sync includes hoursd/daemon/" "$out"
expect "angle brackets and spacing" "^src/core/upward.cpp:5: core includes hoursd/daemon/" "$out"
expect "libical outside the tests" "^src/core/upward.cpp:6: includes <libical/...>" "$out"
expect "flat source" "^src/flat.cpp: not in a layer folder" "$out"
expect "count" "7 problem(s)" "$out"
if grep -q "allowed.cpp\|upward.cpp:2:" <<<"$out"; then
  echo "FAIL: an allowed include was reported"; failed=1
fi
[ "$failed" -eq 0 ] || { echo "$out"; exit 1; }
echo "check_layers_test: ok"
