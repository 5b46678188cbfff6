#!/usr/bin/env bash
# accounts_browser.t -- accounts and organisations in a real browser: headless
# Chromium (Debian's /usr/bin/chromium) driven by playwright-core, mail
# delivered over SMTP to a real server on loopback (tests/smtp_sink.py,
# Debian's python3-aiosmtpd). tests/browser/accounts.mjs does the browsing:
# register -> the verification mail -> confirm -> sign in -> a supplier and a
# buyer waiting for verification -> invite a second user by email -> they
# register, confirm, sign in and accept -> made admin -> the role shows;
# axe-core WCAG 2.1 AA on every page at 1366 and 320 px, no sideways scrolling
# at 320; the GOV.UK error summary with values kept; the journey with
# JavaScript off.
# Each line it prints ("ok - ..." / "not ok - ...") becomes one TAP test here.
# A missing browser, npm package or aiosmtpd is a failure, never a skip.
. "$(dirname "$0")/lib.sh"

SCRIPT=$(dirname "$0")/../browser/accounts.mjs
SINK=$(dirname "$0")/../smtp_sink.py

# ---- prerequisites: all must be there -------------------------------------------
need_browser
need $(/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null && echo 0 || echo 1) "python3-aiosmtpd" "install it: apt-get install python3-aiosmtpd"
if [ "$missing" != 0 ]; then
  echo "# cannot run the browser tests without the above"
  done_testing
  exit 1
fi

# ---- the SMTP server, then a portal with an empty store delivering to it ------------
mkdir -p "$T/mail" "$T/tmp"
mkfifo "$T/sink.in"
/usr/bin/python3 "$SINK" "$T/mail" <"$T/sink.in" >"$T/sink.out" 2>"$T/sink.err" &
sinkpid=$!
exec 9>"$T/sink.in" # the sink runs until this closes
for _ in $(seq 1 100); do grep -q '^PORT ' "$T/sink.out" 2>/dev/null && break; sleep 0.1; done
SMTP_PORT=$(sed -n 's/^PORT //p' "$T/sink.out")
ok $([ -n "$SMTP_PORT" ] && echo 0 || echo 1) "SMTP server started on port $SMTP_PORT"

db=$(newdb accounts)
# one notice makes the store (the accounts start empty)
cat >"$T/one.json" <<'JSON'
{"ocid":"ocds-accounts-1","id":"1","date":"2025-01-21T10:00:00Z","tag":["tender"],"buyer":{"id":"b","name":"Durham County Council"},"parties":[{"id":"b","name":"Durham County Council","roles":["buyer"]}],"tender":{"id":"t","title":"Library software","status":"active"}}
JSON
"$PH" ingest "$T/one.json" --db "$db" --quiet >/dev/null 2>&1
ok $? "a store made"
serve "$db" --static build/static --smtp "smtp://127.0.0.1:$SMTP_PORT" --mail-from portal@example.org
trap 'kill $spid 2>/dev/null; exec 9>&-; kill $sinkpid 2>/dev/null; cleanup_db; rm -rf "$T"' EXIT

# ---- the browser --------------------------------------------------------------------
# TMPDIR=$T/tmp: Playwright makes Chromium's fresh profile (user-data-dir) there.
start=$(date +%s)
TMPDIR=$T/tmp timeout 120 node "$SCRIPT" "$B" "$T/mail" >"$T/browser.out" 2>"$T/browser.err"
rc=$?
secs=$(($(date +%s) - start))
browser_done $rc $secs 90 # a sanitizer build runs slower and is not held to 90 s
n=$(ls "$T/mail"/*.eml 2>/dev/null | wc -l)
ok $([ "$n" -ge 4 ] && echo 0 || echo 1) "the SMTP server received the mails ($n)"

kill -TERM $spid; wait $spid; is $? 0 "server stops cleanly"
exec 9>&-
wait $sinkpid 2>/dev/null
done_testing
