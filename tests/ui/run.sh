#!/bin/sh
# CTest's entry for the browser test: node ui_test.mjs HOURSD_BINARY ARTIFACT_DIR. Exits 77,
# which CTest reports as skipped, when node is missing; ui_test.mjs does the same without
# Chromium or node_modules. scripts/bootstrap installs all three.
if ! command -v node >/dev/null 2>&1; then
  echo "SKIPPED: node is not installed; scripts/bootstrap installs it" >&2
  exit 77
fi
exec node "$(dirname "$0")/ui_test.mjs" "$@"
