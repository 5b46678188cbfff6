#!/usr/bin/env bash
# demo.t -- `powerhouse demo`, the data `make run` serves: the same day and
# seed give the same bytes; every release is valid OCDS 1.1 (the official
# schema, tests/schema/validate.mjs); ingested, it has notices in every status
# the pages show (open, closed, awarded, cancelled, planned), buyers in the
# three northern regions and suppliers who win.
. "$(dirname "$0")/lib.sh"

"$PH" demo --notices 2000 --out "$T/a.jsonl" >/dev/null; ok $? "demo writes 2,000 notices to a file"
"$PH" demo --notices 2000 --out "$T/b.jsonl" >/dev/null
cmp -s "$T/a.jsonl" "$T/b.jsonl"; ok $? "the same seed and day give the same bytes"
"$PH" demo --notices 2000 --seed 2 --out "$T/c.jsonl" >/dev/null
! cmp -s "$T/a.jsonl" "$T/c.jsonl"; ok $? "another seed gives other data"

node "$(dirname "$0")/../schema/validate.mjs" --ndjson --quiet release "$T/a.jsonl" >"$T/v" 2>&1; rc=$?
ok $rc "every release is valid against the OCDS release schema: $(tail -n 1 "$T/v")"
[ $rc = 0 ] || head -n 20 "$T/v" | sed 's/^/#   /'

db=$(newdb demo)
"$PH" demo --notices 2000 --db "$db" >"$T/ingest.out" 2>&1; ok $? "demo ingests into an empty store"
like "$(cat "$T/ingest.out")" "0 rejected" "no release rejected"
"$PH" demo --notices 2000 --db "$db" --if-empty >"$T/again.out" 2>&1; ok $? "--if-empty on a full store"
like "$(cat "$T/again.out")" "nothing generated" "--if-empty generates nothing when the store has releases"

stats=$("$PH" stats --db "$db")
echo "$stats" | sed 's/^/# /'
line=$(printf '%s\n' "$stats" | grep '^notices:')
for s in open closed awarded cancelled planned; do
  n=$(printf '%s' "$line" | grep -o "$s [0-9]*" | grep -o '[0-9]*$')
  ok $([ "${n:-0}" -gt 0 ] && echo 0 || echo 1) "notices $s: ${n:-none}"
done
open=$(printf '%s' "$line" | grep -o 'open [0-9]*' | grep -o '[0-9]*$')
ok $([ "${open:-0}" -ge 500 ] && [ "${open:-0}" -le 800 ] && echo 0 || echo 1) "about a third of 2,000 notices open (${open:-0})"
like "$(printf '%s\n' "$stats" | grep '^organisations:')" "[0-9]+ buyers, [0-9]+ suppliers" "buyers and suppliers are organisations"

done_testing
