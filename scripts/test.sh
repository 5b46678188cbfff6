#!/bin/sh
# test.sh -- every suite, as `make test` runs it (after building):
#   1. unit tests, optimised build          4. end-to-end tests against the sanitizer binary
#   2. end-to-end tests (tests/e2e/*.t)      5. unit tests under valgrind (no leaks)
#   3. unit tests, ASan+UBSan build
# The end-to-end suites run twice, on the embedded SQLite store and on
# PostgreSQL: a throwaway PostgreSQL 15 server (scripts/pg.sh) is started for
# them in a temporary folder and stopped at the end. (test_store_pg starts its
# own.) Closes with the plain line "N passed, N failed" counted over every TAP line.
set -u
cd "$(dirname "$0")/.."
log=build/test.log
: >"$log"
failed_suites=0
unit_opt=$(ls build/opt/tests/test_* 2>/dev/null)
unit_san=$(ls build/san/tests/test_* 2>/dev/null)
e2e=$(ls tests/e2e/*.t 2>/dev/null)

run() { ./scripts/runtests.sh "$@" || failed_suites=$((failed_suites + 1)); }

pgdir=$(mktemp -d /tmp/ph-pg-XXXXXX)
trap './scripts/pg.sh stop "$pgdir" >/dev/null 2>&1' EXIT
if ./scripts/pg.sh start "$pgdir" >/dev/null; then
  export POWERHOUSE_PG_DIR="$pgdir"
else
  echo "test.sh: cannot start PostgreSQL for the end-to-end tests" | tee -a "$log"
  failed_suites=$((failed_suites + 1))
fi
# e2e LABEL BINARY: the end-to-end suites on both backends
e2e_both() {
  [ -n "$e2e" ] || return 0
  POWERHOUSE_BIN=$2 POWERHOUSE_BACKEND=sqlite run "end-to-end, SQLite ($1)" "$log" $e2e
  if [ -n "${POWERHOUSE_PG_DIR:-}" ]; then
    POWERHOUSE_BIN=$2 POWERHOUSE_BACKEND=postgres run "end-to-end, PostgreSQL ($1)" "$log" $e2e
  fi
}

run "unit (optimised)" "$log" $unit_opt
e2e_both optimised ./powerhouse
run "unit (ASan+UBSan)" "$log" $unit_san
e2e_both "ASan+UBSan" ./build/san/powerhouse
if [ "${SKIP_VALGRIND:-0}" != 1 ]; then
  run "unit (valgrind)" "$log" --valgrind $unit_opt
fi

passed=$(grep -cE '^ok [0-9]+' "$log")
failed=$(grep -cE '^not ok [0-9]+' "$log")
# A suite that failed without a failing TAP line (crash, bad plan, leak) still counts.
if [ "$failed_suites" -gt 0 ] && [ "$failed" -eq 0 ]; then failed=$failed_suites; fi
echo "full log: $log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$failed_suites" -eq 0 ]
