#!/usr/bin/env bash
# questions_browser.t -- questions and answers in a real browser: headless
# Chromium (Debian's /usr/bin/chromium) driven by playwright-core;
# tests/browser/questions.mjs does the browsing: a supplier asks through the
# form, the buyer answers through its form, the answer shows on the notice
# page; axe-core WCAG 2.1 AA on every new page at 1366 and 320 px, no sideways
# scrolling at 320. The store is set up from the command line and the API.
# Each line the script prints ("ok - ..." / "not ok - ...") becomes one TAP
# test here. A missing browser or npm package is a failure, never a skip.
. "$(dirname "$0")/lib.sh"

SCRIPT=$(dirname "$0")/../browser/questions.mjs

need_browser
if [ "$missing" != 0 ]; then
  echo "# cannot run the browser tests without the above"
  done_testing
  exit 1
fi

db=$(newdb qa_browser)
PW='Wensleydale-curd-42'
printf '%s\n' "$PW" >"$T/pw"
add() { "$PH" user add "$@" --password-file "$T/pw" --db "$db" >/dev/null 2>>"$T/cli.err"; }
add bea@wearside.test --name 'Bea Buyer' --org 'Wearside Borough Council' --kind buyer --sector public
add quin@pennine.test --name 'Quinn Questioner' --org 'Pennine Code Ltd' --kind supplier
ok $? "set-up: a buyer and a supplier made from the command line"
TB=$("$PH" token create bea@wearside.test --db "$db" 2>/dev/null)
BORG=$(sql "$db" "SELECT id FROM organisation WHERE name = 'Wearside Borough Council'")
mkdir -p "$T/tmp" "$T/mail"
serve "$db" --now 2026-11-06T12:00:00Z --static build/static --mail-dir "$T/mail"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TB" -H 'Content-Type: application/json' --data-binary \
  '{"title": "Telecare platform for Wearside", "description": "A telecare platform for 4,000 residents.", "cpv": ["85300000"],
    "procedure": "open", "deadline": "2026-12-18T12:00:00Z", "enquiryDeadline": "2026-12-10T12:00:00Z",
    "apply": {"route": "link", "to": "https://wearside.example/tenders/telecare"}}' "$B/api/v1/notices")
is "$code" 201 "set-up: the buyer posts a notice through the API"
OCID=$(node tests/e2e/json.mjs get "$T/body" ocid 2>/dev/null)

# TMPDIR=$T/tmp: Playwright makes Chromium's fresh profile (user-data-dir) there.
start=$(date +%s)
TMPDIR=$T/tmp timeout 120 node "$SCRIPT" "$B" "$OCID" "$BORG" "$PW" >"$T/browser.out" 2>"$T/browser.err"
rc=$?
secs=$(($(date +%s) - start))
browser_done $rc $secs 40
ok $([ -s "$T/cli.err" ] && echo 1 || echo 0) "the command line refused nothing"
kill -TERM $spid; wait $spid; is $? 0 "server stops cleanly"
done_testing
