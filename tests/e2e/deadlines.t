#!/usr/bin/env bash
# deadlines.t -- closing dates as the real server shows them, with serve --now:
# counted in UK calendar days (Europe/London), never in 24-hour blocks, and
# shown with their UK time on the notice page and on search results.
#   - winter (GMT): a deadline at 12:00 on 7 December is "closes tomorrow" all
#     through 6 December (26 hours before it was "closes today" by 24-hour
#     blocks), "closes today" from UK midnight;
#   - summer (BST): a deadline at 22:59:59Z on 30 June is 11:59pm on 30 June in
#     the UK; at 23:30 UK time on 29 June it closes tomorrow (by 24-hour
#     blocks it was "in 1 day");
#   - a deadline at 00:00Z in winter reads 12:00am;
#   - other dates are the UK date of their instant: published 23:30Z on 31 May
#     (00:30 BST) reads 1 June.
# The notices are ingested with --now before every deadline, so they are
# stored open whatever today's date is; serve --now then sets the clock.
. "$(dirname "$0")/lib.sh"

db=$(newdb deadlines)
notice() { # notice OCID TITLE DEADLINE [RELEASE-DATE]
  printf '{"ocid":"%s","id":"1","date":"%s","tag":["tender"],"buyer":{"id":"b","name":"York Council"},"parties":[{"id":"b","name":"York Council","roles":["buyer"]}],"tender":{"id":"t","title":"%s","status":"active","tenderPeriod":{"endDate":"%s"}}}\n' "$1" "${4:-2026-05-01T09:00:00Z}" "$2" "$3"
}
{
  notice ocds-dl-winter "Winter gritting" 2026-12-07T12:00:00Z
  notice ocds-dl-summer "Summer bunting" 2026-06-30T22:59:59Z 2026-05-31T23:30:00Z
  notice ocds-dl-midnight "Midnight lamps" 2026-12-09T00:00:00Z
} >"$T/notices.jsonl"
"$PH" ingest "$T/notices.jsonl" --db "$db" --quiet --now 2026-05-01 >/dev/null 2>"$T/ingest.err"; is $? 0 "three notices ingested"

pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; cleanup_db; rm -rf "$T"' EXIT
# serve NAME NOW: starts a server at that time, sets URL_NAME
serve() {
  "$PH" serve --db "$db" --listen 127.0.0.1:0 --now "$2" >"$T/$1.out" 2>"$T/$1.log" &
  pids="$pids $!"
  for _ in $(seq 1 100); do grep -q serving "$T/$1.out" 2>/dev/null && break; sleep 0.1; done
  eval "URL_$1=http://127.0.0.1:$(grep -o ':[0-9]*/$' "$T/$1.out" | tr -d ':/')"
}
# closing URL OCID: the notice page's closing date, tags stripped
# fact URL OCID KEY: a row of the notice page's summary list, tags stripped
fact() { curl -s "$1/notices/$2" | grep -o "$3</dt><dd class=\"govuk-summary-list__value\">[^<]*" | sed 's/.*>//'; }
closing() { fact "$1" "$2" "Closing date"; }
# card URL QUERY: the closing date on the first search result for QUERY
card() { curl -s "$1/notices?q=$2" | grep -o '<dt>Closing date</dt><dd>[^<]*' | head -n 1 | sed 's/.*<dd>//'; }

serve dec6 2026-12-06
is "$(closing "$URL_dec6" ocds-dl-winter)" "7 December 2026, 12:00pm — closes tomorrow" \
  "6 December: a deadline at 12:00 on 7 December closes tomorrow, shown with its time"
is "$(card "$URL_dec6" gritting)" "7 December 2026, 12:00pm (closes tomorrow)" "... and so on the search result"
is "$(closing "$URL_dec6" ocds-dl-midnight)" "9 December 2026, 12:00am — closes in 3 days" \
  "a deadline at UK midnight reads 12:00am, three calendar days on"
is "$(closing "$URL_dec6" ocds-dl-summer)" "30 June 2026, 11:59pm" \
  "a summer deadline at 22:59:59Z is 11:59pm UK time (closed: no count)"
is "$(fact "$URL_dec6" ocds-dl-summer Published)" "1 June 2026" "published 23:30Z on 31 May is 1 June in the UK (date only)"

serve dec6late 2026-12-06T23:59:59Z
is "$(closing "$URL_dec6late" ocds-dl-winter)" "7 December 2026, 12:00pm — closes tomorrow" \
  "the last second of 6 December: still closes tomorrow"
serve dec7 2026-12-07T00:00:00Z
is "$(closing "$URL_dec7" ocds-dl-winter)" "7 December 2026, 12:00pm — closes today" "UK midnight of 7 December: closes today"

serve jun29 2026-06-29T22:30:00Z
is "$(closing "$URL_jun29" ocds-dl-summer)" "30 June 2026, 11:59pm — closes tomorrow" \
  "23:30 on 29 June UK time (BST): the 30 June deadline closes tomorrow"
is "$(card "$URL_jun29" bunting)" "30 June 2026, 11:59pm (closes tomorrow)" "... and so on the search result"
serve jun29bst 2026-06-29T23:00:00Z
is "$(closing "$URL_jun29bst" ocds-dl-summer)" "30 June 2026, 11:59pm — closes today" \
  "23:00Z on 29 June is 30 June in the UK: closes today"

for p in $pids; do kill -TERM "$p"; wait "$p"; is $? 0 "server $p stops cleanly"; done
pids=""
done_testing
