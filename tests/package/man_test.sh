#!/usr/bin/env bash
# The man pages against what they describe, both ways:
# - hoursd(8): the subcommands `hoursd --help` lists are the subsections of COMMANDS, and
#   each subcommand's flags in `hoursd SUB --help` are the `Fl -flag`s of its subsection.
# - hoursd.toml(5): the keys of examples/hoursd.toml (commented-out ones too, such as
#   `# password = ...`) are the `.It Ic key` items of the subsection named after their
#   [section].
# With mandoc installed, both pages also pass `mandoc -T lint -W warning`.
# Usage: man_test.sh SOURCE_DIR HOURSD_BINARY
set -uo pipefail
src=${1:?usage: man_test.sh SOURCE_DIR HOURSD_BINARY}
hoursd=${2:?usage: man_test.sh SOURCE_DIR HOURSD_BINARY}
page8=$src/docs/man/hoursd.8
page5=$src/docs/man/hoursd.toml.5
failed=0

# compare WHAT LEFT-NAME LEFT RIGHT-NAME RIGHT: each line of LEFT missing from RIGHT and the
# other way round, one FAIL line each. LEFT and RIGHT are sorted, unique lists.
compare() {
  local what=$1 left_name=$2 left=$3 right_name=$4 right=$5 line
  while read -r line; do
    [ -n "$line" ] && { echo "FAIL: $what: $line is in $left_name but not in $right_name"; failed=1; }
  done < <(comm -23 <(echo "$left") <(echo "$right"))
  while read -r line; do
    [ -n "$line" ] && { echo "FAIL: $what: $line is in $right_name but not in $left_name"; failed=1; }
  done < <(comm -13 <(echo "$left") <(echo "$right"))
}

# The body of `.Ss NAME` in the man page $1 (up to the next .Ss or .Sh).
subsection() {
  awk -v name="$2" '
    /^\.S[hs] / { inside = ($0 == ".Ss " name) ; next }
    inside' "$1"
}

# hoursd(8) against --help.
overview=$("$hoursd" --help) || { echo "FAIL: hoursd --help exited $?"; exit 1; }
help_subs=$(grep '^hoursd ' <<<"$overview" | grep -o 'hoursd [a-z][a-z-]*' | cut -d' ' -f2 |
  sort -u)
man_subs=$(awk '/^\.Sh /{on = ($0 == ".Sh COMMANDS")} on && /^\.Ss /{print $2}' "$page8" |
  sort -u)
[ -n "$help_subs" ] || { echo "FAIL: no subcommand found in hoursd --help"; exit 1; }
compare "subcommands" "hoursd --help" "$help_subs" "hoursd(8) COMMANDS" "$man_subs"

for sub in $help_subs; do
  usage=$("$hoursd" "$sub" --help) || { echo "FAIL: hoursd $sub --help exited $?"; failed=1; }
  help_flags=$(grep -o -- '--[a-z][a-z0-9-]*' <<<"$usage" | grep -vx -- --help | sort -u)
  man_flags=$(subsection "$page8" "$sub" | grep -o 'Fl -[a-z][a-z0-9-]*' | sed 's/^Fl -/--/' |
    sort -u)
  compare "flags of $sub" "hoursd $sub --help" "$help_flags" "hoursd(8) $sub" "$man_flags"
done

# hoursd.toml(5) against the example.
example_keys=$(awk '
  /^\[[a-z_]+\]/ { section = substr($1, 2, length($1) - 2); next }
  section && match($0, /^(# )?[a-z_]+ = /) {
    key = substr($0, 1, RLENGTH - 3); sub(/^# /, "", key); print section "." key
  }' "$src/examples/hoursd.toml" | sort -u)
man_keys=$(awk '
  /^\.Sh / { section = "" }
  /^\.Ss \[[a-z_]+\]$/ { section = substr($2, 2, length($2) - 2); next }
  section && /^\.It Ic / { print section "." $3 }' "$page5" | sort -u)
[ -n "$example_keys" ] || { echo "FAIL: no key found in examples/hoursd.toml"; exit 1; }
compare "config keys" "examples/hoursd.toml" "$example_keys" "hoursd.toml(5)" "$man_keys"

if command -v mandoc >/dev/null; then
  mandoc -T lint -W warning "$page8" "$page5" || { echo "FAIL: mandoc -T lint warns"; failed=1; }
else
  echo "note: mandoc is not installed; the pages were not linted (scripts/bootstrap installs it)"
fi

[ "$failed" -eq 0 ] || exit 1
echo "man_test: ok ($(wc -w <<<"$help_subs") subcommands, $(wc -l <<<"$example_keys") keys)"
