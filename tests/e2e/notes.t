#!/usr/bin/env bash
# notes.t -- keep and note, end to end: releases with defects publishers
# really make are stored, the defective field is left out of the notice (an
# unreadable amount is no value, never 0; an unreadable date no date) and a
# data note says where, what was given and which rule it broke -- in the
# ingest summary, `powerhouse stats`, the API's "notes" and the notice page's
# "About this data". Runs on both backends.
. "$(dirname "$0")/lib.sh"

db=$(newdb notes)
cat >"$T/notes.jsonl" <<'JSON'
{"ocid":"ocds-nt-1","id":"r1","date":"2026-11-01T10:00:00Z","tag":["tender"],"buyer":{"id":"b","name":"Leeds City Council"},"parties":[{"id":"b","name":"Leeds City Council","roles":["buyer"]}],"tender":{"id":"t","title":"Laptop refresh","status":"active","value":{"amount":"","currency":"GBP"},"tenderPeriod":{"endDate":"31/03/2027"}}}
{"ocid":"ocds-nt-1","date":"2026-11-05T10:00:00","tag":["tenderUpdate"],"tender":{"id":"t","description":"Updated <b>scope</b>"}}
{"ocid":"ocds-nt-2","id":"x","date":"2026-11-01T10:00:00Z","tag":["tender"],"tender":{"id":"t","title":"Telecare","value":{"amount":"1 ,444,000","currency":"GBP"}}}
{"ocid":"ocds-nt-3","id":"y","date":"2026-11-01T10:00:00Z","tag":["tender"],"tender":{"id":"t","title":"Gritting","value":{"amount":"250000","currency":"GBP"}}}
{"ocid":"ocds-nt-4","id":"z","date":"2026-11-01T10:00:00Z","tag":["tender"],"tender":{"id":"t","title":"Clean","value":{"amount":1000,"currency":"GBP"}}}
{"id":"no-ocid","date":"2026-11-01T10:00:00Z"}
JSON
out=$("$PH" ingest "$T/notes.jsonl" --db "$db" --quiet --now 2026-11-06 2>"$T/err"); rc=$?
is "$rc" 1 "exit 1: one release has no ocid"
like "$out" "releases: 6 read, 5 new, 0 updated, 0 unchanged, 1 rejected" "every release that can be placed is stored"
like "$out" "notes: +4 releases stored with data notes: id-missing 1, date-invalid 1, date-no-zone 1, amount-text 1, amount-invalid 2" \
  "the summary counts releases with notes, by rule"
like "$("$PH" stats --db "$db")" "data notes: +4 releases with notes: id-missing 1, date-invalid 1, date-no-zone 1, amount-text 1, amount-invalid 2" \
  "stats: the same, from the store"

j1=$("$PH" show ocds-nt-1 --db "$db")
like "$j1" '"value":null' "an empty amount is no value (null), never 0"
like "$j1" '"deadline":null' "an unreadable deadline is no date"
like "$j1" '"notes":\[\{"release":"r1","path":"/tender/value/amount","value":"","rule":"amount-invalid","message":"[^"]+"\}' \
  "notes: JSON pointer, the value as given, the rule and words"
like "$j1" '"release":"r1","path":"/tender/tenderPeriod/endDate","value":"31/03/2027","rule":"date-invalid"' "a UK-written date noted"
like "$j1" '"release":"ph-[0-9a-f]{16}","path":"/id","value":null,"rule":"id-missing"' "a release without an id gets one from its content"
like "$j1" '"path":"/date","value":"2026-11-05T10:00:00","rule":"date-no-zone"' "a date-time without a zone: read as UTC, noted"
like "$j1" '"updated":"2026-11-05T10:00:00Z"' "... and used as UTC"
like "$("$PH" show ocds-nt-3 --db "$db")" '"value":250000,' "an amount as text holding a number is read"
like "$("$PH" show ocds-nt-2 --db "$db")" '"value":null' "\"1 ,444,000\" is no value"

serve "$db" --now 2026-11-06T12:00:00Z

api=$(curl -s "$B/api/v1/notices/ocds-nt-1")
like "$api" '"notes":\[\{"release":"r1","path":"/tender/value/amount","value":"","rule":"amount-invalid"' "API: the notice's notes"
page=$(curl -s "$B/notices/ocds-nt-1")
like "$page" '<h2 class="govuk-heading-m" id="about-data">About this data</h2>' "page: an About this data section"
like "$page" 'has 4 fields that could not be read as published' "page: how many"
like "$page" '<td class="govuk-table__cell"><code>/tender/tenderPeriod/endDate</code></td><td class="govuk-table__cell"><code>&quot;31/03/2027&quot;</code></td>' \
  "page: each note with its field and the value as published, escaped"
like "$page" 'href="#about-data">about this data</a>' "page: a link to it near the top"
like "$page" 'Value</dt><dd class="govuk-summary-list__value">not given' "page: the unreadable amount shows as not given"
clean=$(curl -s "$B/notices/ocds-nt-4")
ok $(echo "$clean" | grep -q 'About this data' && echo 1 || echo 0) "page: no such section for a notice without notes"

done_testing
