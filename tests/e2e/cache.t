#!/usr/bin/env bash
# cache.t -- the notice page cache of the real server, and serve --no-page-cache.
# A kept page is sent again as long as the store's change sequence has not
# moved: to see a hit from outside, the notice's title is changed with SQL
# behind the server's back (no release, so the change sequence stays): the
# caching server still sends the kept page, the --no-page-cache server renders
# the new title at once. An ingest moves the sequence: both show the new
# release. (Expiry with the date alone: tests/unit/test_pagecache.c, which moves
# the clock of a running portal.)
. "$(dirname "$0")/lib.sh"

db=$(newdb cache)
release() { # release ID DATE TITLE
  printf '{"ocid":"ocds-cache-1","id":"%s","date":"%s","tag":["tender"],"buyer":{"id":"b","name":"Leeds City Council"},"parties":[{"id":"b","name":"Leeds City Council","roles":["buyer"]}],"tender":{"id":"t","title":"%s","status":"active","tenderPeriod":{"endDate":"2026-12-20T12:00:00Z"}}}\n' "$1" "$2" "$3"
}
release r1 2026-11-01T00:00:00Z "Alpha telecare" >"$T/r1.json"
"$PH" ingest "$T/r1.json" --db "$db" --quiet >/dev/null 2>"$T/ingest.err"; is $? 0 "a notice ingested"

pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; cleanup_db; rm -rf "$T"' EXIT
# serve NAME ARGS...: starts a server, sets URL_NAME
serve() {
  local name=$1; shift
  "$PH" serve --db "$db" --listen 127.0.0.1:0 --now 2026-11-18 --search store "$@" >"$T/$name.out" 2>"$T/$name.log" &
  pids="$pids $!"
  eval "pid_$name=$!"
  for _ in $(seq 1 100); do grep -q serving "$T/$name.out" 2>/dev/null && break; sleep 0.1; done
  eval "URL_$name=http://127.0.0.1:$(grep -o ':[0-9]*/$' "$T/$name.out" | tr -d ':/')"
}
serve cached
serve fresh --no-page-cache
page() { curl -s "$1/notices/ocds-cache-1"; }
title() { page "$1" | grep -o '<h1 class="govuk-heading-l">[^<]*' | sed 's/.*>//'; }

is "$(title "$URL_cached")" "Alpha telecare" "cached server: the notice page"
is "$(title "$URL_fresh")" "Alpha telecare" "--no-page-cache server: the same page"
ok $(cmp -s <(page "$URL_cached") <(page "$URL_fresh") && echo 0 || echo 1) "both send the same bytes"

sql "$db" "UPDATE notice SET title = 'Gamma telecare' WHERE ocid = 'ocds-cache-1'" >/dev/null
is "$(sql "$db" "SELECT title FROM notice WHERE ocid = 'ocds-cache-1'")" "Gamma telecare" "title changed behind the servers' backs (no release: the change sequence stays)"
is "$(title "$URL_cached")" "Alpha telecare" "cached server: the kept page is sent again (a hit)"
is "$(title "$URL_fresh")" "Gamma telecare" "--no-page-cache server: rendered afresh, the new title"
is "$(title "$URL_fresh")" "Gamma telecare" "... and again"

release r2 2026-11-02T00:00:00Z "Delta telecare" >"$T/r2.json"
"$PH" ingest "$T/r2.json" --db "$db" --quiet >/dev/null 2>"$T/ingest.err"; is $? 0 "a new release ingested while serving"
is "$(title "$URL_cached")" "Delta telecare" "cached server: the change sequence moved, the new release's title"
is "$(title "$URL_fresh")" "Delta telecare" "--no-page-cache server: the new release's title"

for name in cached fresh; do
  eval "p=\$pid_$name"
  kill -TERM "$p"; wait "$p"; is $? 0 "$name server stops cleanly"
done
pids=""
done_testing
