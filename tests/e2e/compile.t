#!/usr/bin/env bash
# compile.t -- `powerhouse compile` and compiled notices in the store: amendments
# update the notice, out-of-order releases are compiled again from all.
. "$(dirname "$0")/lib.sh"

rec=$DEV/uk-contracts-finder/legacy-2014-2015/records/ocds-b5fd17-2c330cf9-adc8-11e6-9901-0019b9f3037b.json
out=$("$PH" compile "$rec"); rc=$?
is "$rc" 0 "compile a record's releases: exit 0"
is "$(printf '%s\n' "$out" | wc -l)" 1 "one compiled release for one ocid"
like "$out" '"tag":\["compiled"\]' "compiled release tagged compiled"
like "$out" '"id":"ocds-b5fd17-2c330cf9-adc8-11e6-9901-0019b9f3037b-2014-12-17T16:44:56Z"' "compiled id is ocid-date of the latest release"
like "$out" '"title":" Climate Science for Service Partnership \(CSSP\)' "the tender title survives the merge"

page=$DEV/uk-contracts-finder/api-2022-2025/contracts-finder-ocds-search-2022-10-20.json
n=$("$PH" compile "$page" | wc -l)
is "$n" 86 "one line per distinct ocid of a 100-release page"
pkg=$("$PH" compile --package --versioned - <"$page")
like "$pkg" '^\{"uri":"","version":"1.1","publishedDate":"[0-9-]+T[0-9:]+Z","publisher":\{"name":"Powerhouse"\},"records":\[\{"ocid":' "--package writes a record package read from stdin"
like "$pkg" '"versionedRelease":\{' "--versioned adds versioned releases"

cat >"$T/amend.json" <<'JSON'
[{"ocid":"ocds-t-9","id":"1","date":"2026-01-01T09:00:00Z","tag":["tender"],"tender":{"id":"t","title":"Smart city sensors","value":{"amount":100000,"currency":"GBP"},"items":[{"id":"i1","description":"sensors"}]}},
 {"ocid":"ocds-t-9","id":"2","date":"2026-02-01T09:00:00Z","tag":["tenderAmendment"],"tender":{"id":"t","value":{"amount":150000,"currency":"GBP"},"items":[{"id":"i2","description":"gateways"}]}}]
JSON
c=$("$PH" compile "$T/amend.json")
like "$c" '"value":\{"amount":150000,"currency":"GBP"\}' "amendment: later value wins"
like "$c" '"title":"Smart city sensors"' "amendment: fields it leaves out are kept"
like "$c" '"items":\[\{"id":"i1","description":"sensors"\},\{"id":"i2","description":"gateways"\}\]' "amendment: items merge by id"
v=$("$PH" compile --versioned "$T/amend.json")
like "$v" '"amount":\[\{"releaseID":"1","releaseDate":"2026-01-01T09:00:00Z","releaseTag":\["tender"\],"value":100000\},\{"releaseID":"2"' "versioned release keeps both values"

printf '{"id":"1","date":"nope"}\n' >"$T/bad.jsonl"
"$PH" compile "$T/bad.jsonl" >/dev/null 2>"$T/err"; is $? 1 "compile: a release that cannot be placed gives exit 1"
like "$(cat "$T/err")" "bad.jsonl: byte 0 \(line 1\): .*missing ocid" "compile: the refused release is named"
printf '{"ocid":"x","id":"1","date":"nope","tender":{"id":"t","title":"kept"}}\n' >"$T/noted.jsonl"
out=$("$PH" compile "$T/noted.jsonl" 2>"$T/err"); rc=$?
is "$rc" 0 "compile: a release with an unreadable date is kept (a data note, not a refusal)"
like "$out" '"title":"kept"' "compile: ... and compiled"
"$PH" compile a b >/dev/null 2>&1; is $? 2 "compile: two files is a usage error"
# Input with no valid release (the attack report's finding 24: qsort of a NULL
# array, undefined behaviour the sanitizer build reports and aborts on).
: >"$T/empty.json"
out=$("$PH" compile "$T/empty.json" 2>"$T/err"); rc=$?
is "$rc" 0 "compile: an empty file is no error"
is "$out" "" "compile: nothing in, nothing out"
out=$("$PH" compile "$T/bad.jsonl" 2>"$T/err"); rc=$?
is "$rc" 1 "compile: only a rejected release: exit 1"
is "$(grep -c 'runtime error' "$T/err")" 0 "compile: no undefined behaviour when no release is left"
printf '%s\n' '{"ocid":"ocds-c-1","id":"1","date":"2026-01-01T00:00:00Z","ocid":"ocds-c-2"}' >"$T/dup.jsonl"
"$PH" compile "$T/dup.jsonl" >/dev/null 2>"$T/err"; is $? 1 "compile: a release with two ocid keys is rejected"
like "$(cat "$T/err")" "dup.jsonl: byte 0 \(line 1\): ocid is given more than once" "compile: ... with its reason"

# ---- in the store: an amendment updates the notice; an older release recompiles
db=$(newdb c)
printf '%s\n' '{"ocid":"ocds-t-9","id":"1","date":"2026-01-01T09:00:00Z","tag":["tender"],"tender":{"id":"t","title":"Smart city sensors","status":"active","value":{"amount":100000,"currency":"GBP"},"tenderPeriod":{"endDate":"2099-01-01T00:00:00Z"}}}' >"$T/r1.jsonl"
printf '%s\n' '{"ocid":"ocds-t-9","id":"2","date":"2026-02-01T09:00:00Z","tag":["tenderAmendment"],"tender":{"id":"t","value":{"amount":150000,"currency":"GBP"}}}' >"$T/r2.jsonl"
printf '%s\n' '{"ocid":"ocds-t-9","id":"0","date":"2025-12-01T09:00:00Z","tag":["planning"],"tender":{"id":"t","description":"Planning notice text","value":{"amount":1,"currency":"GBP"}}}' >"$T/r0.jsonl"
"$PH" ingest "$T/r1.jsonl" --db "$db" --quiet >/dev/null
s1=$("$PH" show ocds-t-9 --db "$db")
like "$s1" '"value":100000' "store: first release gives value 100000"
like "$s1" '"status":"open"' "store: deadline in the future, active: open"
"$PH" ingest "$T/r2.jsonl" --db "$db" --quiet >/dev/null
s2=$("$PH" show ocds-t-9 --db "$db")
like "$s2" '"value":150000' "store: the amendment updates the notice's value"
like "$s2" '"title":"Smart city sensors"' "store: the amendment keeps the title"
"$PH" ingest "$T/r0.jsonl" --db "$db" --quiet >/dev/null
s0=$("$PH" show ocds-t-9 --db "$db")
like "$s0" '"value":150000' "store: an older release does not override the newer value"
like "$s0" '"description":"Planning notice text"' "store: an older release's own fields are merged in (compiled again from all)"
like "$(sql "$db" 'SELECT release_count FROM notice')" '^3$' "store: the notice counts three releases"

done_testing
