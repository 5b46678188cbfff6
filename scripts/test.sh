#!/bin/sh
# test.sh -- every suite, as `make test` runs it (after building):
#   1. unit tests, optimised build          4. end-to-end tests against the sanitizer binary
#   2. end-to-end tests (tests/e2e/*.t)      5. unit tests under valgrind (no leaks)
#   3. unit tests, ASan+UBSan build
# Closes with the plain line "N passed, N failed" counted over every TAP line.
set -u
cd "$(dirname "$0")/.."
log=build/test.log
: >"$log"
failed_suites=0
unit_opt=$(ls build/opt/tests/test_* 2>/dev/null)
unit_san=$(ls build/san/tests/test_* 2>/dev/null)
e2e=$(ls tests/e2e/*.t 2>/dev/null)

run() { ./scripts/runtests.sh "$@" || failed_suites=$((failed_suites + 1)); }

run "unit (optimised)" "$log" $unit_opt
[ -n "$e2e" ] && POWERHOUSE_BIN=./powerhouse run "end-to-end (optimised)" "$log" $e2e
run "unit (ASan+UBSan)" "$log" $unit_san
[ -n "$e2e" ] && POWERHOUSE_BIN=./build/san/powerhouse run "end-to-end (ASan+UBSan)" "$log" $e2e
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
