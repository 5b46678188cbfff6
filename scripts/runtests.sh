#!/bin/sh
# runtests.sh LABEL LOG [--valgrind] TEST... -- runs TAP test programs under prove,
# appending prove's verbose output to LOG. Exit status is prove's.
# Unit test binaries and tests/e2e/*.t scripts both speak TAP; e2e scripts find the
# binary under test in $POWERHOUSE_BIN. Tests run $TEST_JOBS at a time (default
# 2, the cores CI has; prove still prints each test's output whole): each test
# has its own temporary folder, databases, ports and, where it restarts one,
# PostgreSQL server, and those that time something measure with margins that
# hold beside another test (CPU time of a thread where it can).
set -u
label=$1; log=$2; shift 2
exec_opt=""
if [ "${1:-}" = "--valgrind" ]; then
  shift
  export POWERHOUSE_VALGRIND=1 # tests may run fewer repetitions of the same paths
  exec_opt="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=99"
fi
export POWERHOUSE_SHARED="${POWERHOUSE_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}"
echo "== $label" | tee -a "$log"
out=$(mktemp)
if [ -n "$exec_opt" ]; then
  prove -v --merge -j"${TEST_JOBS:-2}" --exec "$exec_opt" "$@" >"$out" 2>&1
else
  prove -v --merge -j"${TEST_JOBS:-2}" "$@" >"$out" 2>&1
fi
rc=$?
cat "$out" >>"$log"
# what failed, each with the first lines of its diagnostics (so a CI log shows
# why without the full log), then prove's summary
awk '/^not ok/ { print; n = 8; next }
     n > 0 && /^#/ { print; n--; next }
     { n = 0 }
     /Dubious|Failed [0-9]+\// { print }' "$out" | head -n 40 | sed 's/^/  /'
grep -E '^(Files=|Result:)' "$out" | sed 's/^/  /'
rm -f "$out"
exit $rc
