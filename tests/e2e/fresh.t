#!/usr/bin/env bash
# fresh.t -- what another process commits is searchable through the API within
# a second: a running `serve` follows the store's change sequence. A release
# of a new notice and then a newer release of it, each ingested by a separate
# `powerhouse ingest` process while the server runs, timed from the moment the
# ingest process exits (its transaction committed) to the moment the API's
# search finds the change.
. "$(dirname "$0")/lib.sh"

NOW=2025-01-24
db=$(newdb fresh)
"$PH" ingest "$DEV" --db "$db" --quiet >/dev/null 2>&1
"$PH" serve --db "$db" --listen 127.0.0.1:0 --now $NOW --static build/static >"$T/serve.out" 2>"$T/serve.log" &
spid=$!
trap 'kill $spid 2>/dev/null; cleanup_db; rm -rf "$T"' EXIT
for _ in $(seq 1 100); do grep -q serving "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(grep -o ':[0-9]*/$' "$T/serve.out" | tr -d ':/')
ok $([ -n "$PORT" ] && echo 0 || echo 1) "server started"
B=http://127.0.0.1:$PORT

ms() { echo $(( $(date +%s%N) / 1000000 )); }
# Polls the search q every 20 ms (at most 5 s) until its body matches regex;
# prints the milliseconds from $1 (a time in ms) to the answer that matched.
wait_found() {
  local from=$1 q=$2 re=$3 i
  for i in $(seq 1 250); do
    if curl -s "$B/api/v1/notices?$q" | grep -Eq "$re"; then echo $(( $(ms) - from )); return 0; fi
    sleep 0.02
  done
  echo never
}

rel() { # ocid id date title
  printf '{"ocid":"%s","id":"%s","date":"%s","tag":["tender"],"initiationType":"tender","buyer":{"id":"b","name":"Freshwater Borough Council"},"parties":[{"id":"b","name":"Freshwater Borough Council","roles":["buyer"]}],"tender":{"id":"t","title":"%s","status":"active","tenderPeriod":{"endDate":"2025-06-01T12:00:00Z"}}}\n' "$1" "$2" "$3" "$4"
}

is "$(curl -s "$B/api/v1/notices?q=zebracrossingwidgets" | grep -o '"total":[0-9]*')" '"total":0' "the word is not in the store yet"

rel ocds-fresh-1 r1 2025-01-20T10:00:00Z "Zebracrossingwidgets maintenance" >"$T/r1.json"
"$PH" ingest "$T/r1.json" --db "$db" --quiet >/dev/null 2>"$T/ingest1.err"
ok $? "another process ingests a new notice"
t=$(wait_found "$(ms)" "q=zebracrossingwidgets" '"total":1')
ok $([ "$t" != never ] && [ "$t" -le 1000 ] && echo 0 || echo 1) "a new notice is found through the API within 1 s of its commit (${t} ms)"

rel ocds-fresh-1 r2 2025-01-21T10:00:00Z "Zebracrossingwidgets renewal and quagmirewidgets" >"$T/r2.json"
"$PH" ingest "$T/r2.json" --db "$db" --quiet >/dev/null 2>"$T/ingest2.err"
ok $? "another process ingests a newer release of it"
t=$(wait_found "$(ms)" "q=quagmirewidgets" '"total":1')
ok $([ "$t" != never ] && [ "$t" -le 1000 ] && echo 0 || echo 1) "its new title is searchable within 1 s (${t} ms)"
is "$(curl -s "$B/api/v1/notices?q=zebracrossingwidgets" | grep -o '"total":[0-9]*')" '"total":1' "the notice is found once, at its new version"

kill $spid 2>/dev/null
wait $spid 2>/dev/null
ok $([ ! -s "$T/ingest1.err" ] && [ ! -s "$T/ingest2.err" ] && echo 0 || echo 1) "the ingests say nothing on stderr"
done_testing
