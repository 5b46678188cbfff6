#!/usr/bin/env bash
# long.t -- a notice with thousands of releases (a framework's call-offs; the
# attack report's finding 4: reproducers/attack/ingest/make_one_ocid.py, each
# release adding an award, a party and a document) costs its readers no more
# than its size: the page shows the newest HISTORY_PAGE (50) releases and
# pages the rest (?page=N, GOV.UK pagination), the latest 100 awards; the
# record package comes quickly, under a heavy slot, while other pages stay
# fast. And every stored ocid has a reachable page (finding 23): an exact
# stored ocid wins over the ".ocds.json" suffix, and /notices/{ocid}/ocds.json
# names a record package unambiguously; buyer ids are canonical decimals. One
# more release merges onto the compiled release the store keeps for the notice.
. "$(dirname "$0")/lib.sh"

N=3000
db=$(newdb long)
python3 "$SHARED/reproducers/attack/ingest/make_one_ocid.py" $N "$T/many.jsonl"
# a notice whose ocid ends in .ocds.json
sed -e 's/"ocds-atk-many"/"ocds-solo.ocds.json"/' -e 's/Notice with many releases/Same name, other notice/' \
  "$T/many.jsonl" | head -1 >"$T/other.jsonl"
# and one whose parties have details (the versioned release versions them whole, party by party)
sed -e 's/"ocds-atk-many"/"ocds-atk-details"/' -e 's/"roles": \["supplier"\]}/"roles": ["supplier"], "details": {"scale": "sme"}}/' \
  "$T/many.jsonl" >"$T/details.jsonl"
t0=$(date +%s.%N)
"$PH" ingest "$T/many.jsonl" "$T/other.jsonl" "$T/details.jsonl" --db "$db" --quiet >/dev/null 2>"$T/ingest.err"
is $? 0 "a notice of $N releases ingested"
secs() { echo "$(date +%s.%N) - $1" | bc; }
echo "# ingest took $(secs $t0) s"
"$PH" ingest "$DEV/uk-contracts-finder/api-2022-2025" --db "$db" --quiet >/dev/null 2>>"$T/ingest.err"

"$PH" serve --db "$db" --listen 127.0.0.1:0 --now 2020-03-01 --static build/static >"$T/serve.out" 2>"$T/serve.log" &
spid=$!
trap 'kill $spid 2>/dev/null; cleanup_db; rm -rf "$T"' EXIT
for _ in $(seq 1 200); do grep -q serving "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
B=http://127.0.0.1:$(grep -o ':[0-9]*/$' "$T/serve.out" | tr -d ':/')
# get PATH FILE: status code; the time it took in $T/time
get() { curl -s -o "$2" -w '%{http_code} %{time_total}' "$B$1" >"$T/get"; cut -d' ' -f2 <"$T/get" >"$T/time"; cut -d' ' -f1 <"$T/get"; }
# the release id of the first (last) history row of a page
first_id() { rows "$1" | head -1 | sed 's/.*>\(r[0-9]*\)<\/td><\/tr>$/\1/'; }
last_id() { rows "$1" | tail -1 | sed 's/.*>\(r[0-9]*\)<\/td><\/tr>$/\1/'; }
rows() { grep -o '<tr class="govuk-table__row"><td class="govuk-table__cell">[^<]*</td><td class="govuk-table__cell">[^<]*</td><td class="govuk-table__cell">r[0-9]*</td></tr>' "$1"; }
under() { [ "$(echo "$1 < $2" | bc)" = 1 ]; } # under SECONDS LIMIT

is "$(get /notices/ocds-atk-many "$T/p1.html")" 200 "the long notice's page"
size=$(wc -c <"$T/p1.html")
ok $([ "$size" -lt 200000 ] && echo 0 || echo 1) "the page is small: $size bytes (was 2.2 MB with every award and release)"
is "$(rows "$T/p1.html" | wc -l | tr -d ' ')" 50 "its history shows 50 releases"
is "$(first_id "$T/p1.html")" "r$((N - 1))" "newest first"
like "$(cat "$T/p1.html")" 'Releases 1 to 50 of 3000, newest first' "the page says which releases it shows"
like "$(cat "$T/p1.html")" 'href="/notices/ocds-atk-many\?page=2#history" rel="next"' "a link to the older releases"
like "$(cat "$T/p1.html")" 'The latest 100 of 3000 awards' "the latest 100 awards, and where the rest are"
is "$(get '/notices/ocds-atk-many?page=2' "$T/p2.html")" 200 "page 2 of the history"
is "$(first_id "$T/p2.html")" "r$((N - 51))" "page 2 goes on where page 1 ended"
like "$(cat "$T/p2.html")" 'rel="prev"' "and links back"
is "$(get '/notices/ocds-atk-many?page=60' "$T/p60.html")" 200 "the last page"
is "$(last_id "$T/p60.html")" "r0" "ends with the first release"
for p in 61 0 +2 02 x 99999999999999999999; do
  is "$(get "/notices/ocds-atk-many?page=$p" "$T/bad.html")" 404 "page=$p is no page"
done

# the record package, several at once, while the home page stays fast
# serve's CPU seconds (user + system) so far: a request's cost whatever else the
# machine runs (wall times here went from 0.8 to 9.9 s with tests beside it)
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$spid/stat"; }
c0=$(cpu)
is "$(get /notices/ocds-atk-many.ocds.json "$T/rec.json")" 200 "the record package"
c=$(echo "$(cpu) - $c0" | bc)
ok $(under "$c" 6 && echo 0 || echo 1) "it took $c s of serve's CPU, $(cat "$T/time") s (was 6.6 s for these $N releases; 15.6 s for 10,000)"
is "$(node -e 'const p=JSON.parse(require("fs").readFileSync(process.argv[1]));const r=p.records[0];console.log(r.ocid,r.releases.length,r.compiledRelease.awards.length,r.versionedRelease.awards.length)' "$T/rec.json")" \
  "ocds-atk-many $N $N $N" "with every release, award and versioned award"
is "$(get /notices/ocds-atk-many/ocds.json "$T/rec2.json")" 200 "and at /notices/{ocid}/ocds.json"
like "$(node tests/e2e/json.mjs get "$T/rec2.json" uri)" '/notices/ocds-atk-many/ocds.json$' "whose uri is the address asked for"
c0=$(cpu)
code=$(curl -s -o "$T/det.json" --max-time 60 -w '%{http_code} %{time_total}' "$B/notices/ocds-atk-details.ocds.json")
c=$(echo "$(cpu) - $c0" | bc)
is "${code% *}" 200 "the record package of a long notice whose parties have details"
ok $(under "$c" 6 && echo 0 || echo 1) "in $c s of serve's CPU, ${code#* } s (27 s before: each release looked at every party, each looked up in a list)"
is "$(node -e 'const p=JSON.parse(require("fs").readFileSync(process.argv[1]));const v=p.records[0].versionedRelease;console.log(v.parties.length,v.parties[7].details.length,JSON.stringify(v.parties[7].details[0].value),v.parties[7].details[0].releaseID)' "$T/det.json" 2>&1)" \
  "$N 1 {\"scale\":\"sme\"} r7" "each party's details versioned whole, from the release that added them"
for i in 1 2 3 4; do curl -s -o /dev/null "$B/notices/ocds-atk-many.ocds.json" & done
worst=0
for i in 1 2 3 4 5; do
  get / "$T/home.html" >/dev/null
  t=$(cat "$T/time")
  under "$worst" "$t" && worst=$t
  sleep 0.2
done
wait $(jobs -p | grep -v "^$spid$") 2>/dev/null
ok $(under "$worst" 2 && echo 0 || echo 1) "the home page answers in $worst s at worst while 4 record packages are made"

# finding 23: a notice whose ocid ends in .ocds.json
is "$(get /notices/ocds-solo.ocds.json "$T/o.html")" 200 "ocid ocds-solo.ocds.json: its page"
like "$(cat "$T/o.html")" 'Same name, other notice' "is that notice's page, not a record package"
like "$(cat "$T/o.html")" 'href="/notices/ocds-solo.ocds.json/ocds.json"' "it links its own record package"
is "$(get /notices/ocds-solo.ocds.json/ocds.json "$T/o.json")" 200 "which is served"
is "$(node tests/e2e/json.mjs get "$T/o.json" records | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].ocid))')" \
  "ocds-solo.ocds.json" "for that ocid"
other=$(sql "$db" "SELECT ocid FROM notice WHERE ocid LIKE 'ocds-b5fd17-%' ORDER BY ocid LIMIT 1")
is "$(get "/notices/$other.ocds.json" "$T/old.json")" 200 "/notices/{ocid}.ocds.json still serves a record package"
is "$(node tests/e2e/json.mjs get "$T/old.json" records | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].ocid))')" \
  "$other" "of that notice"
is "$(get "/notices/nothing-here.ocds.json" "$T/none.json")" 404 "no notice, no package"

# finding 23: buyer ids are canonical decimals
buyer=$(node tests/e2e/json.mjs get <(curl -s "$B/api/v1/notices/$other") buyer.id)
is "$(get "/api/v1/buyers/$buyer" "$T/b.json")" 200 "buyer $buyer"
is "$(get "/buyers/$buyer" "$T/b.html")" 200 "its page"
for id in "+$buyer" "%20$buyer" "%0a$buyer" "0$buyer" "$buyer%20" "-$buyer" 99999999999999999999 0; do
  is "$(get "/api/v1/buyers/$id" "$T/b.json")" 404 "/api/v1/buyers/$id is not found"
  is "$(get "/buyers/$id" "$T/b.html")" 404 "/buyers/$id is not found"
done
get /api/v1/buyers/99999999999999999999 "$T/b.json" >/dev/null
ok $(grep -q 9223372036854775807 "$T/b.json" && echo 1 || echo 0) "an id out of range is not echoed as another number"

kill $spid 2>/dev/null
wait $spid 2>/dev/null

# finding 4: one more release merges onto the compiled release the store keeps
# for a long notice, instead of every release being read and merged again
is "$(sql "$db" "SELECT count(*) FROM notice_compiled")" 2 "the two long notices keep their compiled releases, the short ones none"
more() { # ID DATE: the long notice's last release again as release ID dated DATE, adding award ID
  tail -1 "$T/many.jsonl" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
r["id"], r["date"] = sys.argv[1], sys.argv[2]
r["tender"]["title"] = "Notice with many releases (release %s)" % sys.argv[1]
r["awards"][0]["id"] = "A-" + sys.argv[1]
print(json.dumps(r))' "$@" >"$T/more.jsonl"
  t0=$(date +%s.%N)
  "$PH" ingest "$T/more.jsonl" --db "$db" --quiet >/dev/null 2>>"$T/ingest.err"
  echo "$?" >"$T/more.rc"
  secs "$t0" >"$T/time"
}
more r$N 2020-03-01T00:00:00Z
is "$(cat "$T/more.rc")" 0 "one more release for the long notice"
t=$(cat "$T/time")
# (which path ran is checked below; the time is for a machine in trouble: 0.15 s
# optimised, up to 3.5 s under ASan with other tests beside it)
ok $(under "$t" 10 && echo 0 || echo 1) "ingested in $t s"
"$PH" show ocds-atk-many --db "$db" >"$T/onto.json"
like "$(cat "$T/onto.json")" "\"title\":\"Notice with many releases \(release r$N\)\"" "the notice has the new release's title"
is "$(sql "$db" "SELECT count(*) FROM notice_history h JOIN notice n ON n.id = h.notice_id WHERE n.ocid = 'ocds-atk-many'")" \
  $((N + 1)) "and $((N + 1)) releases of history"
t0=$(date +%s.%N)
"$PH" ingest --rederive --db "$db" --quiet >/dev/null 2>&1
echo "# every notice of the store derived again from all its releases: $(secs "$t0") s"
"$PH" show ocds-atk-many --db "$db" >"$T/full.json"
ok $(cmp -s "$T/onto.json" "$T/full.json" && echo 0 || echo 1) "the notice is what compiling every release gives, byte for byte"
# which path was taken: a stored release altered behind the store's back is
# read only when every release is merged again
sql "$db" "UPDATE release SET json = replace(json, 'Supplier 0 Ltd', 'Altered 0 Ltd') WHERE rid = 'r0'" >/dev/null
more r$((N + 1)) 2020-03-02T00:00:00Z
"$PH" show ocds-atk-many --db "$db" >"$T/onto2.json"
ok $(grep -q 'Supplier 0 Ltd' "$T/onto2.json" && ! grep -q 'Altered 0 Ltd' "$T/onto2.json" && echo 0 || echo 1) \
  "a later release merged onto the kept compiled release: release r0 was not read again"
more r-older 2020-01-01T12:00:00Z
"$PH" show ocds-atk-many --db "$db" >"$T/older.json"
ok $(grep -q 'Altered 0 Ltd' "$T/older.json" && echo 0 || echo 1) "an older-dated release: every release compiled again"
is "$(sql "$db" "SELECT count(*) FROM notice_history h JOIN notice n ON n.id = h.notice_id WHERE n.ocid = 'ocds-atk-many'")" \
  $((N + 3)) "with $((N + 3)) releases of history"
done_testing
