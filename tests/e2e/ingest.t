#!/usr/bin/env bash
# ingest.t -- `powerhouse ingest` end to end: the whole dev data set with its
# expected counts and spot-checked fields, idempotency, and every kind of bad input.
. "$(dirname "$0")/lib.sh"

db=$(newdb dev)
out=$("$PH" ingest "$DEV" --db "$db" --quiet 2>"$T/err")
rc=$?
# 12 releases in the dev set reuse an id with different content: 2 re-issue it
# with a later date (Paraguay compiled releases: they replace the stored one), 10
# with the same date (Contracts Finder 2014 releases with a packageInfo and no
# parties vs their records: kept under an id of their own, with a note). 11 are
# the same release with keys in another order (unchanged). 2 Paraguay records
# only link their releases by URL: nothing to store. 746 of 748 stored (99.7%).
is "$rc" 1 "dev set: exit status 1, since two records had nothing to store"
like "$out" "files: +253 \(0 rejected\)" "dev set: 253 files read, none rejected"
like "$out" "releases: 748 read, 733 new, 2 updated, 11 unchanged, 2 rejected" "dev set: release counts"
like "$out" "notes: +10 releases stored with data notes: id-reused 10" "dev set: the reused ids noted, by rule"
is "$(grep -c 'links its releases by URL only' "$T/err")" 2 "dev set: link-only records reported"
is "$(grep -c . "$T/err")" 2 "dev set: nothing else reported"
is "$(sql "$db" 'SELECT count(*) FROM release')" 733 "dev set: 733 releases stored"
is "$(sql "$db" "SELECT count(*) FROM release WHERE rid LIKE '%~%'")" 10 "dev set: the 10 second copies under ids of their own"
is "$(sql "$db" 'SELECT count(DISTINCT notice_id) FROM release')" 678 "dev set: 678 distinct ocids"
is "$(sql "$db" 'SELECT count(*) FROM notice')" 678 "dev set: one notice per ocid"
is "$(sql "$db" 'SELECT count(DISTINCT notice_id) FROM award')" 340 "dev set: 340 notices with awards"
is "$(sql "$db" "SELECT count(*) FROM release WHERE json NOT LIKE '{%'")" 0 "releases kept as JSON text"
if [ "$BACKEND" = sqlite ]; then
  is "$(sql "$db" "PRAGMA integrity_check")" ok "database integrity"
  is "$(sql "$db" "INSERT INTO notice_fts(notice_fts, rank) VALUES('integrity-check', 1); SELECT 'ok'")" ok "full-text index consistent with notices"
else
  is "$(sql "$db" "SELECT count(*) FROM notice WHERE release_count > 0 AND title IS NOT NULL AND tsv = ''::tsvector")" 0 "every notice with a title has its full-text vector"
fi

# Spot checks against values read by hand from the files.
uk=$("$PH" show ocds-b5fd17-7d067852-1260-448e-b84a-186d028f9991 --db "$db")
ok $? "show a UK 2022 notice"
like "$uk" '"title":"CON-00000309: Peakon ApS Staff survey services"' "UK notice: title"
like "$uk" '"buyer":\{"name":"NURSING AND MIDWIFERY COUNCIL"' "UK notice: buyer name"
like "$uk" '"postcode":"W1B1PZ"' "UK notice: buyer postcode"
like "$uk" '"value":145017.8' "UK notice: value"
like "$uk" '"currency":"GBP"' "UK notice: currency"
like "$uk" '"deadline":"2020-10-16T22:59:59Z"' "UK notice: deadline normalised to UTC"
like "$uk" '"code":"48000000","label":"Software package and information systems","kind":"main"' "UK notice: main CPV with label"
like "$uk" '"regions":\["TLI"\]' "UK notice: delivery region London -> TLI"
like "$uk" '"sme":true,"vcse":false' "UK notice: SME yes, VCSE no"
like "$uk" '"status":"awarded"' "UK notice: status awarded"
like "$uk" '"suppliers":\[\{"name":"Peakon ApS".*"scale":"large"' "UK notice: award supplier with scale"
like "$uk" '"url":"https://www.contractsfinder.service.gov.uk/Notice/7d005747-1320-456e-b1fb-79919a74e44f"' "UK notice: link to the original"
co=$("$PH" show ocds-k50g02-58193 --db "$db")
like "$co" '"awards":\[\{.*"value":15890000000,"currency":"COP"' "Colombian \$numberLong award amount read as a number"
"$PH" show ocds-none --db "$db" >/dev/null 2>&1; is $? 1 "show: unknown ocid exits 1"
two=$("$PH" show ocds-none ocds-k50g02-58193 --db "$db" 2>"$T/err"); rc=$?
is "$rc" 1 "show: several ocids, one unknown: exit 1"
like "$two" '^\{"ocid":"ocds-k50g02-58193"' "... the known one still printed"
like "$(cat "$T/err")" "no notice with ocid ocds-none" "... the unknown one named"
like "$("$PH" search peakon --db "$db")" "^ocds-b5fd17-7d067852-1260-448e-b84a-186d028f9991" "full-text search finds the notice by a title word"

# Idempotent: the same input again adds nothing.
out2=$("$PH" ingest "$DEV" --db "$db" --quiet 2>/dev/null)
# The two Paraguay releases replaced by newer copies now come again older: superseded, unchanged.
like "$out2" "releases: 748 read, 0 new, 0 updated, 746 unchanged, 2 rejected" "second ingest adds nothing"
is "$(sql "$db" 'SELECT count(*) FROM release')" 733 "second ingest: still 733 releases"

# ---- bad input -------------------------------------------------------------
good='{"ocid":"ocds-t-1","id":"r1","date":"2025-01-01T00:00:00Z","tender":{"title":"Good one"}}'
bdb=$(newdb bad)

printf '{"releases":[%s,\n{"ocid": ]}' "$good" >"$T/malformed.json"
out=$("$PH" ingest "$T/malformed.json" --db "$bdb" --quiet 2>"$T/err"); rc=$?
is "$rc" 1 "malformed JSON: exit 1"
like "$(cat "$T/err")" "malformed.json: .*byte [0-9]+.*line 2" "malformed JSON: reported with byte and line"
like "$out" "files: +1 \(1 rejected\)" "malformed JSON: the file is counted as rejected"
is "$(sql "$bdb" "SELECT count(*) FROM release r JOIN notice n ON n.id = r.notice_id WHERE n.ocid='ocds-t-1'")" 1 "malformed JSON: the valid release before the error is stored"

cat >"$T/types.json" <<'JSON'
{"releases":[
{"ocid":"ocds-t-2","id":"ok","date":"2025-01-01T00:00:00Z"},
{"ocid":"ocds-t-2","id":"s","date":"2025-01-01T00:00:00Z","tender":{"value":{"amount":"1000","currency":"GBP"}}},
{"ocid":"ocds-t-2","id":"o","date":"2025-01-01T00:00:00Z","tender":{"value":{"amount":{"gbp":1},"currency":"GBP"}}},
{"id":"no-ocid","date":"2025-01-01T00:00:00Z"},
{"ocid":"ocds-t-2","date":"2025-01-01T00:00:00Z"},
{"ocid":"ocds-t-2","id":"d","date":"2025-02-30T00:00:00Z"},
{"ocid":"ocds-t-2","id":"m","date":"2025-01-02T00:00:00Z","awards":[{"id":"a","value":{"amount":{"$numberLong":"42"}}}]}
]}
JSON
out=$("$PH" ingest "$T/types.json" --db "$bdb" --quiet 2>"$T/err"); rc=$?
is "$rc" 1 "wrong types: exit 1 (one release has no ocid)"
like "$out" "releases: 7 read, 6 new, 0 updated, 0 unchanged, 1 rejected" "wrong types: kept and noted, only the one without an ocid refused"
like "$out" "notes: +4 releases stored with data notes: id-missing 1, date-invalid 1, amount-text 1, amount-invalid 1" "wrong types: notes by rule"
is "$(grep -c . "$T/err")" 1 "wrong types: one refusal reported"
like "$(sed -n 1p "$T/err")" "\(line 5\): missing ocid" "missing ocid"
tj=$("$PH" show ocds-t-2 --db "$bdb")
like "$tj" '"notes":\[.*"path":"/tender/value/amount","value":"1000","rule":"amount-text"' "amount as a string: read, noted with its JSON pointer"
like "$tj" '"path":"/tender/value/amount","value":\{"gbp":1\},"rule":"amount-invalid"' "amount as an object: left out, noted with the value as given"
like "$tj" '"path":"/id","value":null,"rule":"id-missing"' "missing id: noted"
like "$tj" '"release":"d","path":"/date","value":"2025-02-30T00:00:00Z","rule":"date-invalid"' "invalid date: noted"
like "$tj" '"value":1000,' "the readable text amount is the notice's value"
like "$("$PH" stats --db "$bdb")" "data notes: +4 releases with notes: id-missing 1, date-invalid 1, amount-text 1, amount-invalid 1" "stats: notes by rule"
like "$(sql "$bdb" "SELECT a.value FROM award a JOIN notice n ON n.id = a.notice_id WHERE n.ocid='ocds-t-2'")" '^42(\.0)?$' "\$numberLong amount normalised and stored"

printf '%s\n' "$good" | sed 's/ocds-t-1/ocds-t-3/' >"$T/utf8.jsonl"
printf '{"ocid":"ocds-t-3","id":"r2","date":"2025-01-02T00:00:00Z","tender":{"title":"bad \xff byte"}}\n' >>"$T/utf8.jsonl"
printf '%s\n' "$good" | sed 's/ocds-t-1/ocds-t-3/; s/"r1"/"r3"/' >>"$T/utf8.jsonl"
out=$("$PH" ingest "$T/utf8.jsonl" --db "$bdb" --quiet 2>"$T/err"); rc=$?
is "$rc" 1 "invalid UTF-8: exit 1"
like "$out" "releases: 3 read, 2 new" "invalid UTF-8: the other two releases stored"
like "$(cat "$T/err")" "utf8.jsonl: .*UTF-8.*byte [0-9]+" "invalid UTF-8: reported with the byte offset"

"$PH" demo --notices 50 --out "$T/demo.jsonl" >/dev/null
gzip -c "$T/demo.jsonl" >"$T/full.jsonl.gz"
size=$(stat -c %s "$T/full.jsonl.gz")
head -c $((size / 2)) "$T/full.jsonl.gz" >"$T/trunc.jsonl.gz"
tdb=$(newdb trunc)
out=$("$PH" ingest "$T/trunc.jsonl.gz" --db "$tdb" --quiet 2>"$T/err"); rc=$?
is "$rc" 1 "truncated gzip: exit 1"
like "$(cat "$T/err")" "trunc.jsonl.gz: .*(truncated|unexpected end)" "truncated gzip: reported"
stored=$(sql "$tdb" 'SELECT count(*) FROM release')
total=$(wc -l <"$T/demo.jsonl")
ok $([ "$stored" -gt 0 ] && [ "$stored" -lt "$total" ] && echo 0 || echo 1) "truncated gzip: the complete releases before the cut are stored ($stored of $total)"

perl -e 'print "{\"ocid\":\"ocds-t-4\",\"id\":\"big\",\"date\":\"2025-01-01T00:00:00Z\",\"description\":\"", "x" x (17 << 20), "\"}\n"' >"$T/big.jsonl"
printf '%s\n' "$good" | sed 's/ocds-t-1/ocds-t-4/' >>"$T/big.jsonl"
out=$("$PH" ingest "$T/big.jsonl" --db "$bdb" --quiet 2>"$T/err"); rc=$?
is "$rc" 1 "oversized release: exit 1"
like "$(cat "$T/err")" "big.jsonl: .*(limit|larger|too large)" "oversized release: reported"
is "$(sql "$bdb" "SELECT count(*) FROM release r JOIN notice n ON n.id = r.notice_id WHERE n.ocid='ocds-t-4'")" 1 "oversized release skipped, the next one stored"

out=$("$PH" ingest "$T/nonexistent.json" --db "$bdb" --quiet 2>"$T/err"); rc=$?
is "$rc" 1 "missing file: exit 1"
like "$(cat "$T/err")" "nonexistent.json: cannot read" "missing file: reported"

# ---- input shapes and CLI conventions -----------------------------------------
sdb=$(newdb stdin)
out=$(gzip -c "$T/demo.jsonl" | "$PH" ingest - --db "$sdb" --quiet); rc=$?
is "$rc" 0 "gzip on standard input: exit 0"
like "$out" "releases: $total read, $total new" "gzip on standard input: every release stored"
out=$("$PH" ingest --quiet --db "$sdb" "$T/demo.jsonl"); rc=$?
like "$out" "0 new, 0 updated, $total unchanged" "options before the file argument work; re-ingest unchanged"
"$PH" ingest >/dev/null 2>&1; is $? 2 "no file: usage error, exit 2"
"$PH" ingest x --bogus >/dev/null 2>"$T/err"; is $? 2 "unknown option: exit 2"
like "$(cat "$T/err")" "unknown option '--bogus'" "unknown option named"
"$PH" ingest --help | grep -q "usage: powerhouse ingest"; ok $? "ingest --help"
"$PH" --help | grep -q "commands:"; ok $? "powerhouse --help lists commands"
"$PH" frobnicate 2>/dev/null; is $? 2 "unknown command: exit 2"
"$PH" ingest "$T/demo.jsonl" --db "postgresql:///nodb?host=$T/nosocket" >/dev/null 2>"$T/err"; is $? 3 "PostgreSQL server not there: exit 3"
is "$(wc -l <"$T/err" | tr -d ' ')" 1 "... with one line"
like "$(cat "$T/err")" "cannot connect to PostgreSQL at .*nosocket" "... naming the server"

# ---- identity and hostile batches (the attack report's findings 2, 3, 8, 10, 13, 17, 27)
ATK=$SHARED/reproducers/attack
hdb=$(newdb hijack)
"$PH" ingest "$ATK/ingest/hijack_victim.jsonl" --db "$hdb" --quiet >/dev/null 2>&1
victim=$("$PH" show ocds-victim-1 --db "$hdb")
for f in hijack_attacker_space hijack_attacker; do
  out=$("$PH" ingest "$ATK/ingest/$f.jsonl" --db "$hdb" --quiet 2>"$T/err"); rc=$?
  is "$rc" 1 "$f: exit 1, the release is rejected"
  like "$(cat "$T/err")" "$f.jsonl: byte 0 \(line 1\): ocid (begins or ends with white space|is given more than once)" "$f: rejected with its place and reason"
  is "$("$PH" show ocds-victim-1 --db "$hdb")" "$victim" "$f: the victim's notice is unchanged"
done
is "$(sql "$hdb" "SELECT count(*) FROM notice")" 1 "hijack attempts leave no notice of their own"

out=$("$PH" ingest "$ATK/ingest/dupkeys.jsonl" --db "$(newdb dup)" --quiet 2>"$T/err"); rc=$?
like "$(sed -n 1p "$T/err")" "dupkeys.jsonl: byte 0 \(line 1\): ocid is given more than once" "duplicate ocid keys: rejected"
is "$(grep -c . "$T/err")" 1 "... the only refusal: an ocid cannot be placed, an id or a date can be noted"
ddb=$(newdb dup2)
"$PH" ingest "$ATK/ingest/dupkeys.jsonl" --db "$ddb" --quiet >/dev/null 2>&1
like "$("$PH" show ocds-atk-dup2 --db "$ddb")" \
  '"release":"ph-[0-9a-f]{16}","path":"/id","value":null,"rule":"id-missing","message":"The release gives its id more than once' \
  "duplicate id keys: neither taken, an id made from the content, noted"
like "$("$PH" show ocds-atk-dup3 --db "$ddb")" '"release":"x4","path":"/date","value":null,"rule":"date-invalid","message":"The release gives its date more than once' \
  "duplicate date keys: no date, noted"

out=$("$PH" ingest "$ATK/ingest/utf8_invalid.jsonl" --db "$(newdb nul)" --quiet 2>"$T/err")
is "$(grep -c '(line 1[78]): \\u0000 (a NUL character)' "$T/err")" 2 "\\u0000 in an id or an ocid: rejected with its place"

cdb=$(newdb ctl)
out=$("$PH" ingest "$ATK/xss/ctl_ocid.jsonl" --db "$cdb" --quiet 2>"$T/err"); rc=$?
like "$(cat "$T/err")" "ctl_ocid.jsonl: byte 0 \(line 1\): ocid contains a control character \(U\+0001\)" "ocid with a control character: rejected with its reason"
like "$out" "releases: 3 read, 2 new, 0 updated, 0 unchanged, 1 rejected" "ocid with a control character: the others stored"
out=$("$PH" ingest "$ATK/ingest/ocid_lead_trail_ws.jsonl" --db "$cdb" --quiet 2>"$T/err")
like "$out" "releases: 1003 read, 1000 new, 0 updated, 0 unchanged, 3 rejected" "ocids with surrounding blanks or a tab: rejected, the rest stored"
is "$(sql "$cdb" "SELECT count(*) FROM notice WHERE ocid LIKE ' %' OR ocid LIKE '% '")" 0 "no ocid with surrounding blanks is stored"

rdb=$(newdb rec)
out=$("$PH" ingest "$ATK/ingest/record_compiled_mismatch_ocid.json" --db "$rdb" --quiet 2>"$T/err"); rc=$?
is "$rc" 1 "record whose compiledRelease has another ocid: exit 1"
like "$(cat "$T/err")" "record_compiled_mismatch_ocid.json: byte [0-9]+ \(line 1\): record ocds-atk-rec2 holds a compiledRelease whose ocid is ocds-atk-OTHER" "... rejected with its reason"
is "$(sql "$rdb" "SELECT count(*) FROM notice")" 0 "... and nothing stored under the other ocid"

# One poison release (an ocid of blanks) in the middle of a batch: that release
# is rejected with its place, every other one of the batch and the file stored.
for i in $(seq 0 599); do
  if [ "$i" = 300 ]; then o='   '; else o="ocds-poison-$i"; fi
  printf '{"ocid":"%s","id":"r%d","date":"2026-01-01T00:00:00Z","tender":{"title":"poison probe %d"}}\n' "$o" "$i" "$i"
done >"$T/poison.jsonl"
pdb=$(newdb poison)
out=$("$PH" ingest "$T/poison.jsonl" --db "$pdb" --batch 100 --quiet 2>"$T/err"); rc=$?
is "$rc" 1 "poison release: exit 1 (rejected), not 3 (store failure)"
like "$(cat "$T/err")" "^$T/poison.jsonl: byte [0-9]+ \(line 301\): ocid begins or ends with white space$" "poison release: named with file, byte and line"
like "$out" "releases: 600 read, 599 new, 0 updated, 0 unchanged, 1 rejected" "poison release: the other 599 stored"
is "$(sql "$pdb" "SELECT count(*) FROM notice")" 599 "poison release: 599 notices, its batch not rolled back"

# Rejection messages are capped per file: the first 100, then a count by reason.
{ for i in $(seq 1 150); do echo '[1]'; echo '{"id":"x","date":"2026-01-01T00:00:00Z"}'; done
  echo '{"ocid":"ocds-flood-ok","id":"1","date":"2026-01-01T00:00:00Z"}'; } >"$T/flood.jsonl"
out=$("$PH" ingest "$T/flood.jsonl" "$T/flood.jsonl" --db "$(newdb flood)" --quiet 2>"$T/err"); rc=$?
is "$(wc -l <"$T/err" | tr -d ' ')" 202 "a file of 300 bad items: 100 messages and one summary line, per file"
like "$(sed -n 101p "$T/err")" "^$T/flood.jsonl: 200 more messages not shown \(only the first 100 of a file are\): 200 not acceptable as OCDS$" "... the summary counts the rest by reason"
like "$out" "releases: 602 read, 1 new, 0 updated, 1 unchanged, 600 rejected" "... every one still counted"

# Memory is bounded by bytes, not only by the number of releases: eight
# releases of 40,000 small objects (2 MB each, ~50 MB each as trees) peak at
# little more than one (before: 6.4x one on the optimised build).
python3 - "$T" <<'PY'
import json, sys
for n, name in ((1, "one"), (8, "eight")):
    with open(sys.argv[1] + "/objs_%s.jsonl" % name, "w") as f:
        for k in range(n):
            r = {"ocid": "ocds-objs-%d" % k, "id": "b%d" % k, "date": "2026-11-01T10:00:00Z",
                 "tender": {"id": "t", "title": "objects %d" % k,
                            "items": [{"id": str(i), "quantity": i, "unit": {"name": "u"}} for i in range(40000)]}}
            f.write(json.dumps(r, separators=(",", ":")) + "\n")
PY
peak() { # peak RSS in kB of one ingest (ASan's quarantine kept small so freed memory counts as freed)
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8" python3 -c '
import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if rc == 0 else -1)' "$PH" ingest "$1" --db "$2" --quiet
}
one=$(peak "$T/objs_one.jsonl" "$(newdb objs1)")
eight=$(peak "$T/objs_eight.jsonl" "$(newdb objs8)")
ok $([ "$one" -gt 0 ] && [ "$eight" -gt 0 ] && [ "$eight" -lt $((one * 3)) ] && echo 0 || echo 1) \
  "eight object-heavy releases peak under 3x one ($eight kB vs $one kB)"

# ---- kill -9 mid-ingest leaves whole batches only ----------------------------
# (PostgreSQL ingests about a tenth as fast: fewer notices keep the run short)
"$PH" demo --notices $([ "$BACKEND" = sqlite ] && echo 40000 || echo 8000) --out "$T/big-demo.jsonl" >/dev/null
kdb=$(newdb kill)
"$PH" ingest "$T/big-demo.jsonl" --db "$kdb" --batch 1000 --quiet >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  n=$(sql "$kdb" 'SELECT count(*) FROM release' 2>/dev/null || echo 0)
  [ "${n:-0}" -ge 3000 ] && break
  sleep 0.05
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
n=$(sql "$kdb" 'SELECT count(*) FROM release')
all=$(wc -l <"$T/big-demo.jsonl")
ok $([ "$n" -gt 0 ] && [ "$n" -lt "$all" ] && echo 0 || echo 1) "kill -9 happened mid-ingest ($n of $all stored)"
is $((n % 1000)) 0 "kill -9: only whole batches of 1000 are stored"
if [ "$BACKEND" = sqlite ]; then
  is "$(sql "$kdb" 'PRAGMA integrity_check')" ok "kill -9: database intact"
else
  is "$(sql "$kdb" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'")" 0 "kill -9: no transaction left open"
fi
is "$(sql "$kdb" 'SELECT count(*) FROM notice WHERE release_count = 0')" 0 "kill -9: every stored notice is complete"
out=$("$PH" ingest "$T/big-demo.jsonl" --db "$kdb" --quiet); rc=$?
is "$rc" 0 "after kill -9: ingest again completes"
is "$(sql "$kdb" 'SELECT count(*) FROM release')" "$all" "after kill -9: every release stored once"

# Moving a store: export --format releases, then ingest into an empty store.
"$PH" export --format releases --db "$db" >"$T/moved.jsonl"; rc=$?
is "$rc" 0 "export --format releases"
is "$(wc -l <"$T/moved.jsonl" | tr -d ' ')" 733 "one line per stored release"
mdb=$(newdb moved)
out=$("$PH" ingest "$T/moved.jsonl" --db "$mdb" --quiet 2>&1); rc=$?
is "$rc" 0 "the export ingests into an empty store without rejections"
is "$("$PH" stats --db "$mdb")" "$("$PH" stats --db "$db")" "the moved store counts the same"
ocids=$(sql "$db" "SELECT ocid FROM notice ORDER BY ocid")
# shellcheck disable=SC2086 # one argument per ocid
"$PH" show $ocids --db "$db" >"$T/show.src"; rc=$?
# shellcheck disable=SC2086
"$PH" show $ocids --db "$mdb" >"$T/show.moved"; rc=$((rc + $?))
is "$rc" 0 "show with every ocid finds each in both stores"
is "$(wc -l <"$T/show.src" | tr -d ' ')" "$(echo "$ocids" | wc -l | tr -d ' ')" "... one line a notice"
is "$(diff "$T/show.src" "$T/show.moved" | grep -c '^<')" 0 "every notice reads the same from the moved store (source publisher included)"

done_testing
