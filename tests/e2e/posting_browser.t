#!/usr/bin/env bash
# posting_browser.t -- a buyer posts an opportunity in a real browser with
# the keyboard only: headless Chromium (Debian's /usr/bin/chromium) driven by
# playwright-core (tests/browser/posting.mjs): sign in, the form, its error
# summary, the preview, "Are you sure?", publish, the public page; axe-core
# WCAG 2.1 AA on every page of the buyer's posting pages at 1366 and 320 px,
# no sideways scrolling at 320. Each "ok - ..." line of the script is one TAP
# test here. A missing browser or npm package is a failure, never a skip.
. "$(dirname "$0")/lib.sh"

need_browser
if [ "$missing" != 0 ]; then
  echo "# cannot run the browser tests without the above"
  done_testing
  exit 1
fi
db=$(newdb posting_browser)
PW='heather moor bright lantern'
printf '%s\n' "$PW" >"$T/pw"
"$PH" user add gail@gateshead.test --name 'Gail Buyer' --password-file "$T/pw" --org 'Gateshead Council' \
  --kind buyer --sector public --db "$db" >/dev/null
ok $? "set-up: a verified buyer made from the command line"
ORG=$(sql "$db" "SELECT id FROM organisation WHERE name = 'Gateshead Council'")
mkdir -p "$T/tmp"
serve "$db" --static build/static --now 2026-11-06T12:00:00Z --mail-dir "$T/mail"

start=$(date +%s)
TMPDIR=$T/tmp timeout 120 node "$(dirname "$0")/../browser/posting.mjs" "$B" gail@gateshead.test "$PW" "$ORG" \
  >"$T/browser.out" 2>"$T/browser.err"
rc=$?
secs=$(($(date +%s) - start))
browser_done $rc $secs 40
is "$(sql "$db" "SELECT status FROM posting")" published "the store has the notice published"
kill -TERM $spid; wait $spid; is $? 0 "server stops cleanly"
done_testing
