#!/bin/sh
# tally.sh LOG [FAILED_SUITES] -- the closing line of a test run, counted over
# every TAP line in LOG: "N passed, N failed, N skipped", alone on the last line.
#   passed   "ok N ..." without a SKIP directive
#   failed   "not ok N ..." (but a TODO), plus suites that failed without a
#            failing TAP line (a crash, a bad plan, a leak): FAILED_SUITES
#   skipped  "ok N ... # SKIP why", "1..0 # SKIP why" (a whole program), and
#            "not ok N ... # TODO why": a known failure waiting for a fix
#            elsewhere (an "ok ... # TODO" counts as passed, with a note to
#            drop the TODO)
# The skip rule: a skip says why it cannot run. Under CI=true (CI runs
# `make test` on a fresh clone with every dependency installed) a skip or a
# failing TODO is a failure unless its reason starts with "n/a:" -- the test
# does not apply to that run at all (a PostgreSQL-only test on SQLite, no
# IPv6 loopback on the machine). A missing package or server is no such
# reason: there it must run.
# Exit status 0 when nothing failed.
set -u
log=$1
failed_suites=${2:-0}
skip_re='^(ok [0-9]+.*# *skip|1\.\.0 *# *skip|not ok [0-9]+.*# *todo)'
skipped=$(grep -ciE "$skip_re" "$log")
passed=$(grep -E '^ok [0-9]+' "$log" | grep -civE '# *skip')
failed=$(grep -E '^not ok [0-9]+' "$log" | grep -civE '# *todo')
fixed=$(grep -E '^ok [0-9]+.*# *todo' "$log" -i)
if [ -n "$fixed" ]; then
  echo "TODO tests that pass now (drop their TODO):"
  printf '%s\n' "$fixed" | head -n 20 | sed 's/^/  /'
fi
if [ "$failed_suites" -gt 0 ] && [ "$failed" -eq 0 ]; then failed=$failed_suites; fi
if [ "${CI:-}" = true ]; then
  # skips without an "n/a:" reason are failures in CI
  bad=$(grep -iE "$skip_re" "$log" | grep -viE '# *(skip|todo) *n/a:')
  if [ -n "$bad" ]; then
    echo "skipped (or TODO) in CI without an \"n/a:\" reason (counted as failures):"
    printf '%s\n' "$bad" | head -n 20 | sed 's/^/  /'
    n=$(printf '%s\n' "$bad" | grep -c .)
    failed=$((failed + n))
    skipped=$((skipped - n))
  fi
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$failed_suites" -eq 0 ]
