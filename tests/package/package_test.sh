#!/usr/bin/env bash
# Builds the .deb from the build tree with scripts/package and checks it as an installer
# would see it:
# - dpkg-deb: the files it installs (no more, no fewer), the conffile, Depends (shlibdeps
#   and the declared ones), a stripped binary, the installed config being the example with
#   only the source changed, and that config passing check-config;
# - the maintainer scripts: valid sh, and the calls they make on install, upgrade and
#   removal, run against logging stand-ins for deb-systemd-helper, deb-systemd-invoke and
#   systemctl;
# - lintian: no error (warnings are printed);
# - systemd-analyze verify accepts the installed units, and the service's offline security
#   exposure stays at 2.0 or below.
# Exits 77 (CTest: skipped) when a tool is missing; scripts/bootstrap installs them all.
# Usage: package_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
export LC_ALL=C  # the expected file list below is in byte order
src=${1:?usage: package_test.sh SOURCE_DIR BUILD_DIR}
build=${2:?usage: package_test.sh SOURCE_DIR BUILD_DIR}
failed=0
fail() { echo "FAIL: $*"; failed=1; }

for tool in cpack dpkg-deb dpkg-shlibdeps file lintian systemd-analyze gzip; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIPPED: $tool is not installed; scripts/bootstrap installs it" >&2
    exit 77
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

deb=$("$src/scripts/package" --build-dir "$build" 2>"$work/package.log" | tail -n 1)
if [ ! -f "$deb" ]; then
  cat "$work/package.log"
  echo "FAIL: scripts/package printed no .deb path (last line: '$deb')"
  exit 1
fi
echo "package: $deb"
root=$work/root
dpkg-deb -x "$deb" "$root" && dpkg-deb -e "$deb" "$work/control" ||
  { echo "FAIL: dpkg-deb cannot unpack $deb"; exit 1; }

# ---- files -----------------------------------------------------------------------------------
# What the package installs: every regular file, as dpkg-deb lists it.
expected_files='./etc/hoursd/hoursd.toml
./lib/systemd/system/hoursd-tzdata.path
./lib/systemd/system/hoursd-tzdata.service
./lib/systemd/system/hoursd.service
./usr/bin/hoursd
./usr/share/doc/hoursd/README.md
./usr/share/doc/hoursd/changelog.gz
./usr/share/doc/hoursd/copyright
./usr/share/doc/hoursd/docs/architecture.md
./usr/share/doc/hoursd/docs/events.md
./usr/share/doc/hoursd/docs/images/ui-dst-week.png
./usr/share/doc/hoursd/docs/openapi.yaml
./usr/share/doc/hoursd/docs/operations.md
./usr/share/doc/hoursd/docs/routers.md
./usr/share/doc/hoursd/docs/semantics.md
./usr/share/doc/hoursd/docs/upstream.md
./usr/share/doc/hoursd/examples/client/README.md
./usr/share/doc/hoursd/examples/client/hoursd_client.py
./usr/share/doc/hoursd/examples/hoursd.toml
./usr/share/doc/hoursd/examples/kamailio/README.md
./usr/share/doc/hoursd/examples/kamailio/hoursd_lookup.py
./usr/share/doc/hoursd/examples/kamailio/kamailio.cfg
./usr/share/hoursd/README.md
./usr/share/hoursd/customers.json
./usr/share/man/man5/hoursd.toml.5.gz
./usr/share/man/man8/hoursd.8.gz'
actual_files=$(dpkg-deb -c "$deb" | awk '$1 ~ /^-/ {print $6}' | sort)
if [ "$actual_files" != "$expected_files" ]; then
  fail "the package's files differ from the expected list (< expected, > packaged):"
  diff <(echo "$expected_files") <(echo "$actual_files")
fi
if dpkg-deb -c "$deb" | awk '{print $2}' | grep -qv '^root/root$'; then
  fail "files not owned by root/root"
fi

# ---- control ---------------------------------------------------------------------------------
[ "$(cat "$work/control/conffiles" 2>/dev/null)" = /etc/hoursd/hoursd.toml ] ||
  fail "conffiles is not exactly /etc/hoursd/hoursd.toml: '$(cat "$work/control/conffiles" 2>/dev/null)'"
depends=$(dpkg-deb -f "$deb" Depends)
# From shlibdeps: the C library and the libraries hoursd links; declared: tzdata and the
# helpers of the maintainer scripts.
for dep in 'libc6 (>= ' 'libssl3 (>= ' libsystemd0 'libstdc++6 (>= ' tzdata init-system-helpers; do
  grep -qF "$dep" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
[ "$(dpkg-deb -f "$deb" Package)" = hoursd ] || fail "Package is not hoursd"

# Maintainer scripts: valid sh, and doing what dh_installsystemd's snippets do.
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || { fail "no executable $script"; continue; }
  sh -n "$work/control/$script" || fail "$script is not valid sh"
done
expect_in() {  # expect_in SCRIPT PATTERN WHAT
  grep -qE -- "$2" "$work/control/$1" || fail "$1 does not $3 (no line matching '$2')"
}
expect_in postinst 'deb-systemd-helper enable' "enable the units"
expect_in postinst 'deb-systemd-invoke "\$action"' "start or restart the units"
expect_in postinst '\[ -d /run/systemd/system \]' "check that systemd runs before calling it"
expect_in postinst 'systemctl --system daemon-reload' "reload systemd"
expect_in prerm 'deb-systemd-invoke stop' "stop the units on removal"
expect_in postrm 'systemctl --system daemon-reload' "reload systemd after removal"
expect_in postrm 'deb-systemd-helper purge' "forget the units on purge"

# The scripts run against stand-ins for deb-systemd-helper, deb-systemd-invoke and systemctl
# that log their arguments ($was_enabled: what `was-enabled` answers). postrm purge is not
# run: it deletes the host's state directory. Whether systemd runs is this host's
# /run/systemd/system, so the calls expected depend on it.
fakes=$work/fakes
mkdir -p "$fakes"
for tool in deb-systemd-helper deb-systemd-invoke systemctl; do
  cat >"$fakes/$tool" <<EOF
#!/bin/sh
echo "$tool \$*" >>"$work/calls.log"
[ "\$1 \$2" != "--quiet was-enabled" ] || exit "\$was_enabled"
EOF
  chmod +x "$fakes/$tool"
done
run_script() {  # run_script WAS_ENABLED SCRIPT ARGS...: its calls, one a line
  local was_enabled=$1 script=$2
  shift 2
  : >"$work/calls.log"
  PATH=$fakes:$PATH was_enabled=$was_enabled sh "$work/control/$script" "$@" ||
    fail "$script $* exited $?"
  cat "$work/calls.log"
}
systemd_runs=false
[ -d /run/systemd/system ] && systemd_runs=true
expect_calls() {  # expect_calls WHAT CALLS EXPECTED-ALWAYS EXPECTED-WHERE-SYSTEMD-RUNS
  local expected=$3
  [ "$systemd_runs" = true ] && expected+=$4
  [ "$2" = "$(printf '%b' "$expected")" ] ||
    fail "$1 made the calls (< expected, > made):$(diff <(printf '%b' "$expected") <(echo "$2"))"
}
expect_calls "a first install (postinst configure)" "$(run_script 0 postinst configure)" \
  'deb-systemd-helper unmask hoursd.service\ndeb-systemd-helper --quiet was-enabled hoursd.service\ndeb-systemd-helper enable hoursd.service\ndeb-systemd-helper unmask hoursd-tzdata.path\ndeb-systemd-helper --quiet was-enabled hoursd-tzdata.path\ndeb-systemd-helper enable hoursd-tzdata.path' \
  '\nsystemctl --system daemon-reload\ndeb-systemd-invoke start hoursd.service\ndeb-systemd-invoke start hoursd-tzdata.path'
expect_calls "an upgrade of a disabled service (postinst configure 0.0.9)" \
  "$(run_script 1 postinst configure 0.0.9)" \
  'deb-systemd-helper unmask hoursd.service\ndeb-systemd-helper --quiet was-enabled hoursd.service\ndeb-systemd-helper update-state hoursd.service\ndeb-systemd-helper unmask hoursd-tzdata.path\ndeb-systemd-helper --quiet was-enabled hoursd-tzdata.path\ndeb-systemd-helper update-state hoursd-tzdata.path' \
  '\nsystemctl --system daemon-reload\ndeb-systemd-invoke restart hoursd.service\ndeb-systemd-invoke restart hoursd-tzdata.path'
expect_calls "an upgrade (prerm upgrade)" "$(run_script 0 prerm upgrade 0.1.1)" '' ''
expect_calls "a removal (prerm remove)" "$(run_script 0 prerm remove)" '' \
  'deb-systemd-invoke stop hoursd-tzdata.path hoursd.service'
reload=
[ "$systemd_runs" = true ] && reload='systemctl --system daemon-reload\n'
expect_calls "a removal (postrm remove)" "$(run_script 0 postrm remove)" \
  "${reload}deb-systemd-helper mask hoursd.service\ndeb-systemd-helper mask hoursd-tzdata.path" ''

# ---- contents --------------------------------------------------------------------------------
binary=$root/usr/bin/hoursd
file -b "$binary" | grep -q ', stripped' || fail "usr/bin/hoursd is not stripped: $(file -b "$binary")"
# The installed config is the example with the source pointing at the installed sample.
config_diff=$(diff "$src/examples/hoursd.toml" "$root/etc/hoursd/hoursd.toml" | grep '^[<>]')
expected_diff='< source = "file:examples/customers.json"
> source = "file:/usr/share/hoursd/customers.json"'
[ "$config_diff" = "$expected_diff" ] ||
  fail "the installed config differs from examples/hoursd.toml by more than the source: $config_diff"
"$binary" check-config --config "$root/etc/hoursd/hoursd.toml" >"$work/check.log" 2>&1 ||
  { fail "check-config rejects the installed config"; cat "$work/check.log"; }
head -n 1 "$root/usr/share/doc/hoursd/copyright" |
  grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
  fail "the copyright file is not in copyright-format 1.0"
for gz in "$root"/usr/share/man/man*/*.gz "$root/usr/share/doc/hoursd/changelog.gz"; do
  gzip -t "$gz" || fail "$gz is not valid gzip"
done
grep -q "^ExecStart=/usr/bin/hoursd serve --config /etc/hoursd/hoursd.toml " \
  "$root/lib/systemd/system/hoursd.service" ||
  fail "hoursd.service does not start /usr/bin/hoursd with the conffile"

# ---- lintian ---------------------------------------------------------------------------------
lintian --info "$deb" >"$work/lintian.log" 2>&1
grep -v '^running with root privileges' "$work/lintian.log"
if grep -q '^E: ' "$work/lintian.log"; then fail "lintian reports errors"; fi

# ---- systemd ---------------------------------------------------------------------------------
# systemd-analyze verify --root needs a whole OS tree (sysinit.target, /bin/kill), which a
# package is not. So the installed units are verified on this host's systemd with one change:
# ExecStart's /usr/bin/hoursd becomes the unpacked binary, which verify checks is executable.
# MANPATH lets it resolve Documentation=man:hoursd(8) and man:hoursd.toml(5) to the
# package's pages.
units=$work/units
mkdir -p "$units"
for unit in "$root"/lib/systemd/system/*; do
  sed "s|^ExecStart=/usr/bin/hoursd |ExecStart=$binary |" "$unit" >"$units/$(basename "$unit")"
done
changed=$(diff -r "$root/lib/systemd/system" "$units" | grep -c '^>')
[ "$changed" -eq 1 ] || fail "rewriting ExecStart changed $changed lines of the units, expected 1"
if ! MANPATH=$root/usr/share/man systemd-analyze verify "$units"/* >"$work/verify.log" 2>&1; then
  fail "systemd-analyze verify rejects the installed units:"
  cat "$work/verify.log"
fi
# The check can fail: a unit whose binary is missing is rejected.
mkdir -p "$work/broken"
sed "s|^ExecStart=[^ ]*|ExecStart=$work/missing/hoursd|" "$units/hoursd.service" \
  >"$work/broken/hoursd.service"
if MANPATH=$root/usr/share/man systemd-analyze verify "$work/broken/hoursd.service" \
  >/dev/null 2>&1; then
  fail "systemd-analyze verify accepts a unit whose ExecStart is missing"
fi

security=$(systemd-analyze security --offline=true "$units/hoursd.service" 2>&1)
exposure=$(sed -n 's/.*Overall exposure level for hoursd.service: \([0-9.]*\).*/\1/p' <<<"$security")
if [ -z "$exposure" ]; then
  fail "systemd-analyze security printed no exposure level:"
  echo "$security"
elif ! awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'; then
  fail "hoursd.service's exposure level is $exposure, above 2.0:"
  echo "$security"
fi

[ "$failed" -eq 0 ] || exit 1
echo "package_test: ok (exposure $exposure)"
