#!/usr/bin/env bash
# derived.t -- a notice's documents and release history are derived rows,
# written when the notice is stored: the page and the API read them, not the
# releases. A store from before they existed (rows deleted here) still shows
# the same page, derived late from the releases, and `ingest --rederive`
# writes the rows again.
. "$(dirname "$0")/lib.sh"

NOW=2025-01-24
db=$(newdb derived)
"$PH" ingest "$DEV" --db "$db" --quiet >/dev/null 2>&1
is "$(sql "$db" "SELECT count(*) FROM notice_history")" "$(sql "$db" "SELECT count(*) FROM release")" \
  "one history row per stored release"
docs=$(sql "$db" "SELECT count(*) FROM notice_document")
ok $([ "$docs" -gt 100 ] && echo 0 || echo 1) "documents derived for the dev data ($docs)"
# a notice with documents and more than one release
ocid=$(sql "$db" "SELECT n.ocid FROM notice n WHERE (SELECT count(*) FROM notice_document d WHERE d.notice_id = n.id) > 0 AND (SELECT count(*) FROM release r WHERE r.notice_id = n.id) > 1 ORDER BY n.ocid LIMIT 1")
ok $([ -n "$ocid" ] && echo 0 || echo 1) "a notice with documents and several releases ($ocid)"

"$PH" serve --db "$db" --listen 127.0.0.1:0 --now $NOW --static build/static --no-page-cache >"$T/serve.out" 2>"$T/serve.log" &
spid=$!
trap 'kill $spid 2>/dev/null; cleanup_db; rm -rf "$T"' EXIT
for _ in $(seq 1 100); do grep -q serving "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
B=http://127.0.0.1:$(grep -o ':[0-9]*/$' "$T/serve.out" | tr -d ':/')
enc=$(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$ocid")

curl -s "$B/notices/$enc" >"$T/page1.html"
curl -s "$B/api/v1/notices/$enc" >"$T/api1.json"
n_rel=$(sql "$db" "SELECT count(*) FROM release r JOIN notice n ON n.id = r.notice_id WHERE n.ocid = '$ocid'")
is "$(grep -o 'govuk-table__row"><td class="govuk-table__cell">[^<]*</td><td class="govuk-table__cell">[^<]*</td><td class="govuk-table__cell">[^<]*</td></tr>' "$T/page1.html" | wc -l | tr -d ' ')" "$n_rel" \
  "the page's history has a row per release"
grep -q 'class="govuk-list ph-documents"' "$T/page1.html"
ok $? "the page lists the documents"
is "$(node "$(dirname "$0")/json.mjs" get "$T/api1.json" releases | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).length))')" "$n_rel" \
  "the API lists every release"
docs_api=$(node "$(dirname "$0")/json.mjs" get "$T/api1.json" documents | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).length))')
is "$docs_api" "$(sql "$db" "SELECT count(*) FROM notice_document d JOIN notice n ON n.id = d.notice_id WHERE n.ocid = '$ocid'")" \
  "the API lists the notice's documents"

# a store from before: no derived rows
sql "$db" "DELETE FROM notice_history" >/dev/null
sql "$db" "DELETE FROM notice_document" >/dev/null
curl -s "$B/notices/$enc" >"$T/page2.html"
curl -s "$B/api/v1/notices/$enc" >"$T/api2.json"
cmp -s "$T/page1.html" "$T/page2.html"
ok $? "without the rows the page is the same, derived from the releases"
is "$(node "$(dirname "$0")/json.mjs" get "$T/api2.json" releases)" "$(node "$(dirname "$0")/json.mjs" get "$T/api1.json" releases)" \
  "and the API's release list is the same"

"$PH" ingest --rederive --db "$db" --quiet >"$T/rederive.out" 2>"$T/rederive.err"
ok $? "ingest --rederive runs"
is "$(sql "$db" "SELECT count(*) FROM notice_history")" "$(sql "$db" "SELECT count(*) FROM release")" \
  "--rederive writes the history again"
is "$(sql "$db" "SELECT count(*) FROM notice_document")" "$docs" "--rederive writes the documents again"
curl -s "$B/notices/$enc" >"$T/page3.html"
cmp -s "$T/page1.html" "$T/page3.html"
ok $? "and the page reads as before"
"$PH" ingest --rederive x.json --db "$db" >/dev/null 2>&1
is $? 2 "--rederive with a file is a usage error"

is "$(cat "$T/rederive.err")" "" "--rederive says nothing on stderr"
kill $spid 2>/dev/null
wait $spid 2>/dev/null
done_testing
