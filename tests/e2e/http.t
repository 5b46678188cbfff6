#!/usr/bin/env bash
# http.t -- the portal over loopback: the real server on a store loaded with the
# dev data. Every filter, phrases/exclusions/OR, sorts, cursor paging, the API,
# problem+json errors, OCDS downloads valid against the official schema, CSV a
# CSV parser reads back, hostile notices rendered inert, request limits, and a
# slow client that does not hold up others; CORS on every API answer, gzip
# bodies that inflate to the plain ones, robots.txt and the icon. Expected counts come from SQL run
# directly on the database, not from the code under test.
. "$(dirname "$0")/lib.sh"

J="node $(dirname "$0")/json.mjs"
V="node $(dirname "$0")/../schema/validate.mjs"
NOW=2025-01-24
db=$(newdb dev)
"$PH" ingest "$DEV" --db "$db" --quiet >/dev/null 2>&1

# A hostile notice: markup and script in every text field, a javascript: link.
cat >"$T/evil.json" <<'JSON'
{"ocid":"ocds-evil-1","id":"1","date":"2025-01-20T10:00:00Z","tag":["tender"],"initiationType":"tender",
 "buyer":{"id":"b1","name":"<script>alert('buyer')</script> Council"},
 "parties":[{"id":"b1","name":"<script>alert('buyer')</script> Council","roles":["buyer"]}],
 "tender":{"id":"t","title":"Evil <script>alert('x')</script> \"onmouseover=alert(1) x","status":"active",
  "description":"<img src=x onerror=alert(2)> javascript:alert(3)",
  "tenderPeriod":{"endDate":"2025-03-01T12:00:00Z"},
  "documents":[{"id":"d","documentType":"tenderNotice","url":"javascript:alert(4)"}]}}
JSON
"$PH" ingest "$T/evil.json" --db "$db" --quiet >/dev/null 2>&1

"$PH" serve --db "$db" --listen 127.0.0.1:0 --now $NOW --static build/static >"$T/serve.out" 2>"$T/serve.log" &
spid=$!
for _ in $(seq 1 50); do grep -q serving "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(grep -o ':[0-9]*/$' "$T/serve.out" | tr -d ':/')
B=http://127.0.0.1:$PORT
ok $([ -n "$PORT" ] && echo 0 || echo 1) "server started and printed its port"
trap 'kill $spid 2>/dev/null; cleanup_db; rm -rf "$T"' EXIT

get() { curl -s -o "$T/body" -w '%{http_code}' "$B$1"; }
total() { get "/api/v1/notices?$1" >/dev/null; $J get "$T/body" total; }
sqlc() { sql "$db" "$1"; }
# Keyword counts come from SQLite's FTS5 over the same data, whatever the backend.
oracle=$db
if [ "$BACKEND" != sqlite ]; then
  oracle=sqlite:$T/oracle.db
  "$PH" ingest "$DEV" "$T/evil.json" --db "$oracle" --quiet >/dev/null 2>&1
fi

# ---- filters against SQL ----------------------------------------------------
is "$(total "")" "$(sqlc 'SELECT count(*) FROM notice WHERE release_count > 0')" "no filter: every notice"
is "$(total "status=open")" "$(sqlc "SELECT count(*) FROM notice WHERE status='open' AND (deadline IS NULL OR deadline >= '${NOW}T00:00:00Z')")" "status=open: open and deadline not passed"
is "$(total "status=closed")" "$(sqlc "SELECT count(*) FROM notice WHERE status='closed' OR (status='open' AND deadline < '${NOW}T00:00:00Z')")" "status=closed includes open notices past their deadline"
is "$(total "status=awarded&status=cancelled")" "$(sqlc "SELECT count(*) FROM notice WHERE status IN ('awarded','cancelled')")" "repeated status is OR"
is "$(total "status=awarded,cancelled")" "$(sqlc "SELECT count(*) FROM notice WHERE status IN ('awarded','cancelled')")" "comma list status is OR"
is "$(total "region=TLD")" "$(sqlc "SELECT count(DISTINCT notice_id) FROM notice_region WHERE region='TLD'")" "region=TLD"
is "$(total "region=TLD&region=TLE&region=TLC")" "$(sqlc "SELECT count(DISTINCT notice_id) FROM notice_region WHERE region IN ('TLC','TLD','TLE')")" "several regions at once"
is "$(total "cpv=72")" "$(sqlc "SELECT count(DISTINCT notice_id) FROM notice_cpv WHERE code LIKE '72%'")" "cpv=72 (division prefix)"
is "$(total "cpv=72000000")" "$(sqlc "SELECT count(DISTINCT notice_id) FROM notice_cpv WHERE code LIKE '72%'")" "cpv=72000000 means the division"
is "$(total "cpv=48&cpv=72")" "$(sqlc "SELECT count(DISTINCT notice_id) FROM notice_cpv WHERE code LIKE '72%' OR code LIKE '48%'")" "repeated cpv is OR"
is "$(total "value_min=100000")" "$(sqlc "SELECT count(*) FROM notice WHERE value >= 100000")" "value_min"
is "$(total "value_min=10000&value_max=50000")" "$(sqlc "SELECT count(*) FROM notice WHERE value BETWEEN 10000 AND 50000")" "value range"
is "$(total "sme=true")" "$(sqlc "SELECT count(*) FROM notice WHERE sme = 1")" "sme=true"
is "$(total "vcse=true")" "$(sqlc "SELECT count(*) FROM notice WHERE vcse = 1")" "vcse=true"
is "$(total "closing_after=2025-01-24&closing_before=2025-02-28")" "$(sqlc "SELECT count(*) FROM notice WHERE deadline >= '2025-01-24T00:00:00Z' AND deadline < '2025-03-01T00:00:00Z'")" "closing between dates (inclusive days)"
is "$(total "published_from=2022-01-01&published_to=2022-12-31")" "$(sqlc "SELECT count(*) FROM notice WHERE published >= '2022-01-01T00:00:00Z' AND published < '2023-01-01T00:00:00Z'")" "published between dates (inclusive days)"
is "$(total "published_to=2014-12-31")" "$(sqlc "SELECT count(*) FROM notice WHERE published < '2015-01-01T00:00:00Z'")" "published_to alone"
is "$(total "closing_within=30")" "$(sqlc "SELECT count(*) FROM notice WHERE deadline >= '2025-01-24T00:00:00Z' AND deadline < '2025-02-23T00:00:00Z'")" "closing_within=30 from --now"
buyer=$(sqlc "SELECT buyer_id FROM notice WHERE buyer_name LIKE 'Liverpool City Council' LIMIT 1")
is "$(total "buyer=$buyer")" "$(sqlc "SELECT count(*) FROM notice WHERE buyer_id = $buyer")" "buyer=ID"

# ---- keywords -----------------------------------------------------------------
fts() { sql "$oracle" "SELECT count(*) FROM notice_fts WHERE notice_fts MATCH '$1'"; }
is "$(total "q=software")" "$(fts '"software"')" "one word"
is "$(total "q=software+support")" "$(fts '"software" AND "support"')" "two words: AND"
is "$(total "q=%22staff+survey%22")" "$(fts '"staff" + "survey"')" "exact phrase"
is "$(total "q=software+-licence")" "$(fts '"software" NOT "licence"')" "exclusion"
is "$(total "q=telecare+OR+software")" "$(fts '"telecare" OR "software"')" "OR"
is "$(total "q=road%22+body:x")" "$(fts '"road" AND "body" AND "x"')" "FTS5 syntax in the box is plain words"
get "/api/v1/notices?q=peakon" >/dev/null
is "$($J get "$T/body" results.0.ocid)" "ocds-b5fd17-7d067852-1260-448e-b84a-186d028f9991" "a title word finds its notice"
like "$($J get "$T/body" results.0.snippet)" "[Pp]eakon" "snippet comes with the match"

# ---- awards on hits ------------------------------------------------------------
get "/api/v1/notices?status=awarded&sort=newest&limit=100" >/dev/null
w=$($J get "$T/body" results.0.winner); o=$($J get "$T/body" results.0.ocid)
is "$w" "$(sqlc "SELECT o.name FROM notice n JOIN award a ON a.notice_id = n.id JOIN award_supplier s ON s.award_id = a.id JOIN org o ON o.id = s.org_id WHERE n.ocid = '$o' AND a.status = 'active' ORDER BY a.date IS NULL, a.date DESC, a.id DESC, s.pos LIMIT 1")" "an awarded hit names the winner of its latest active award"
is "$($J get "$T/body" results.0.award_date)" "$(sqlc "SELECT a.date FROM notice n JOIN award a ON a.notice_id = n.id WHERE n.ocid = '$o' AND a.status = 'active' ORDER BY a.date IS NULL, a.date DESC, a.id DESC LIMIT 1")" "... and its date"
get "/api/v1/notices?sort=award_date&limit=100" >/dev/null
$J sorted "$T/body" award_date desc; ok $? "sort=award_date: newest award first, none last"
is "$($J get "$T/body" results.0.status)" awarded "sort=award_date: an awarded notice first"
get "/api/v1/notices?status=closed&limit=1" >/dev/null
is "$($J get "$T/body" results.0.winner)" "null" "a hit not awarded: winner null"
is "$($J get "$T/body" results.0.award_value)" "null" "... award_value null"

# ---- sorting and paging ----------------------------------------------------------
get "/api/v1/notices?sort=value&limit=100" >/dev/null
$J sorted "$T/body" value desc; ok $? "sort=value: highest first, no value last"
get "/api/v1/notices?sort=closing&limit=100" >/dev/null
$J sorted "$T/body" deadline asc; ok $? "sort=closing: soonest first"
get "/api/v1/notices?sort=newest&limit=100" >/dev/null
$J sorted "$T/body" published desc; ok $? "sort=newest: latest first"
get "/api/v1/notices?q=software&sort=relevance&limit=3" >/dev/null
is "$($J get "$T/body" results.length)" 3 "limit"
: >"$T/pages"
cursor=""
for _ in $(seq 1 100); do
  get "/api/v1/notices?region=TLD&sort=value&limit=7${cursor:+&cursor=$cursor}" >/dev/null
  $J ocids "$T/body" >>"$T/pages"
  cursor=$($J get "$T/body" next)
  [ "$cursor" = null ] && break
done
is "$(wc -l <"$T/pages")" "$(total "region=TLD")" "cursor paging visits every match"
is "$(sort "$T/pages" | uniq -d | wc -l)" 0 "cursor paging repeats none"
a=$(curl -s "$B/api/v1/notices?sort=closing&limit=50"); b=$(curl -s "$B/api/v1/notices?sort=closing&limit=50")
is "$a" "$b" "a sort is deterministic"

# ---- errors ----------------------------------------------------------------
code=$(curl -s -o "$T/body" -w '%{http_code} %{content_type}' "$B/api/v1/notices?value_min=abc")
is "$code" "400 application/problem+json" "bad value: 400 problem+json"
like "$($J get "$T/body" detail)" "^value_min" "detail names value_min"
is "$($J get "$T/body" status)" 400 "problem has status"
get "/api/v1/notices?region=XX" >/dev/null; like "$($J get "$T/body" detail)" "^region" "bad region named"
get "/api/v1/notices?cpv=7a" >/dev/null; like "$($J get "$T/body" detail)" "^cpv" "bad cpv named"
get "/api/v1/notices?closing_after=2025-02-30" >/dev/null; like "$($J get "$T/body" detail)" "^closing_after" "bad date named"
is "$(get "/api/v1/notices?published_from=2025-13-01")" 400 "bad published_from: 400"
like "$($J get "$T/body" detail)" "^published_from must be a date YYYY-MM-DD" "bad published_from named"
is "$(get "/api/v1/notices?published_to=yesterday")" 400 "bad published_to: 400"
like "$($J get "$T/body" detail)" "^published_to" "bad published_to named"
is "$(get "/api/v1/notices?published_from=2025-02-01&published_to=2025-01-01")" 400 "published_from after published_to: 400"
get "/api/v1/notices?cursor=AAAA" >/dev/null; like "$($J get "$T/body" detail)" "^cursor" "tampered cursor named"
get "/api/v1/notices?sort=sideways" >/dev/null; like "$($J get "$T/body" detail)" "^sort" "bad sort named"
is "$(get "/api/v1/notices?colour=red")" 400 "unknown parameter: 400"
like "$($J get "$T/body" detail)" "^colour" "unknown parameter named"
is "$(get "/api/v1/notices/ocds-none")" 404 "unknown notice: 404"
is "$(get "/api/v1/buyers/999999")" 404 "unknown buyer: 404"

# ---- one notice, one buyer ----------------------------------------------------------
is "$(get "/api/v1/notices/ocds-b5fd17-7d067852-1260-448e-b84a-186d028f9991")" 200 "notice JSON"
is "$($J get "$T/body" buyer.name)" "NURSING AND MIDWIFERY COUNCIL" "notice JSON: buyer"
like "$($J get "$T/body" releases.0.tag.0)" "^award" "notice JSON: release history with tags"
bid=$($J get "$T/body" buyer.id)
is "$(get "/api/v1/buyers/$bid")" 200 "buyer JSON"
is "$($J get "$T/body" name)" "NURSING AND MIDWIFERY COUNCIL" "buyer JSON: name"
is "$(get "/notices/ocds-b5fd17-7d067852-1260-448e-b84a-186d028f9991")" 200 "notice page"
like "$(cat "$T/body")" "Peakon ApS" "notice page: award supplier"
like "$(cat "$T/body")" "<h2 class=\"govuk-heading-m\">Documents</h2>" "notice page: documents listed"
like "$(cat "$T/body")" "href=\"https://www.contractsfinder.service.gov.uk/Notice/7d005747-1320-456e-b1fb-79919a74e44f\"" "notice page: document linked"
like "$(cat "$T/body")" "href=\"/buyers/$bid\"" "notice page: buyer linked"
is "$(get "/buyers/$bid")" 200 "buyer page"
is "$(get "/")" 200 "home page"
like "$(cat "$T/body")" "Closing soon" "home: closing soon"
is "$(get "/notices?q=software&region=TLD")" 200 "search page"
like "$(cat "$T/body")" "<mark>" "search page: highlighted snippets"
get "/notices?q=zzzqqq&region=TLD" >/dev/null
like "$(cat "$T/body")" "No notices match" "no results: says so"
like "$(cat "$T/body")" "Remove the region filter" "no results: suggests loosening a named filter"
ok $(grep -q 'Download' "$T/body" && echo 1 || echo 0) "no results: no download offered"
# the download is every result, not the page shown (20 a page)
n=$(total "q=services")
get "/notices?q=services" >/dev/null
like "$(cat "$T/body")" "Download these $n results: <a class=\"govuk-link\" href=\"/api/v1/notices.csv\?q=services\">CSV</a>" \
  "search page: download these $n results, as CSV"
curl -s "$B/api/v1/notices.csv?q=services" >"$T/dl.csv"
is "$($J csv "$T/dl.csv" | cut -d' ' -f1)" "$n" "... and the CSV holds all $n of them"
curl -s "$B/api/v1/notices.ocds.json?q=services" >"$T/dl.json"
ok $([ "$n" -gt 20 ] && [ "$($J get "$T/dl.json" releases.length)" -ge "$n" ] && echo 0 || echo 1) \
  "... the OCDS package every one's releases, more than a page ($n)"
is "$(get "/notices?value_min=abc")" 400 "search page with a bad filter: 400"
is "$(get "/static/site.css")" 200 "static CSS"
like "$(curl -s -I "$B/static/site.css" | tr -d '\r')" "Cache-Control: public" "static files cached"

# ---- OCDS and CSV out ------------------------------------------------------------
curl -s "$B/notices/ocds-b5fd17-7d067852-1260-448e-b84a-186d028f9991.ocds.json" >"$T/record.json"
$V record-package "$T/record.json" >"$T/v" 2>&1; ok $? "record package valid against OCDS 1.1.5"
curl -s "$B/api/v1/notices.ocds.json?region=TLD" >"$T/rp.json"
$V release-package "$T/rp.json" >"$T/v" 2>&1; ok $? "release package of a search valid"
"$PH" export --db "$db" >"$T/all.json"
$V release-package "$T/all.json" >"$T/v" 2>&1; ok $? "export of the whole dev data set valid"
is "$($J get "$T/all.json" releases.length)" "$(sqlc 'SELECT count(*) FROM release')" "export holds every stored release"
"$PH" export --db "$db" --format csv >"$T/all.csv"
out=$($J csv "$T/all.csv"); ok $? "CSV parses as RFC 4180 ($out)"
is "${out%% *}" "$(sqlc 'SELECT count(*) FROM notice')" "CSV: one row per notice"
"$PH" export --db "$db" --format csv region=TLD >"$T/tld.csv"
is "$($J csv "$T/tld.csv" | head -1 | cut -d' ' -f1)" "$(total "region=TLD")" "CSV export takes the search filters"

# ---- hostile data is inert ------------------------------------------------------------
get "/notices/ocds-evil-1" >/dev/null
page=$(cat "$T/body")
like "$page" "Evil &lt;script&gt;alert" "title escaped on the notice page"
ok $(printf '%s' "$page" | grep -qiE "<script|<img|href=\"javascript" && echo 1 || echo 0) "no live markup or javascript: link on the notice page"
like "$page" "<a class=\"govuk-link\" href=\"#\" rel=\"nofollow noopener\">tenderNotice</a>" "a javascript: document URL is listed but not followable"
get "/notices?q=evil" >/dev/null
ok $(grep -qiE "<script|<img" "$T/body" && echo 1 || echo 0) "no live markup in search results"
get "/" >/dev/null
ok $(grep -qiE "<script|<img" "$T/body" && echo 1 || echo 0) "no live markup on the home page"
bid=$(sqlc "SELECT buyer_id FROM notice WHERE ocid='ocds-evil-1'")
get "/buyers/$bid" >/dev/null
ok $(grep -qiE "<script|<img" "$T/body" && echo 1 || echo 0) "no live markup on the buyer page"
hdr=$(curl -s -D - -o /dev/null "$B/api/v1/notices/ocds-evil-1" | tr -d '\r')
like "$hdr" "Content-Type: application/json" "API answers JSON, not HTML"
like "$hdr" "X-Content-Type-Options: nosniff" "nosniff"
like "$hdr" "Content-Security-Policy: default-src 'self'" "CSP"

# ---- limits ---------------------------------------------------------------------
long=$(head -c 10000 /dev/zero | tr '\0' a)
is "$(curl -s -o /dev/null -w '%{http_code}' "$B/api/v1/notices?q=$long")" 414 "10 KB query string: 414"
big=$(head -c 20000 /dev/zero | tr '\0' b)
is "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$B/")" 431 "20 KB of headers: 431"
head -c 2000000 /dev/zero >"$T/big.bin"
is "$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"$T/big.bin" "$B/notices")" 413 "2 MB body: 413"

# A client sending one byte a second does not hold up another.
( exec 3<>/dev/tcp/127.0.0.1/$PORT; for c in G E T " " /; do printf '%s' "$c" >&3; sleep 1; done ) &
slow=$!
sleep 0.3
t0=$(date +%s%N)
code=$(curl -s -o /dev/null -w '%{http_code}' "$B/api/v1/notices?q=software")
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
is "$code" 200 "a normal request while a slow client dribbles"
ok $([ "$ms" -lt 1000 ] && echo 0 || echo 1) "... answered in ${ms} ms"
kill $slow 2>/dev/null; wait $slow 2>/dev/null

like "$(tail -1 "$T/serve.log")" "127.0.0.1 \"GET /api/v1/notices\\?q=software\" 200" "access log line per request"

# ---- parsing a proxy could read differently (attack report, findings 7, 15, 21) -------
# raw BYTES: sends them (Python bytes syntax) on one connection with a second
# request behind, where a proxy might have seen a body; prints the statuses
# that came back and whether the server closed the connection.
raw() {
  python3 - "$PORT" "$1" <<'PY'
import ast, re, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.5)
s.sendall(ast.literal_eval("b'" + sys.argv[2] + "'") + b"GET /api/v1/notices/SMUGGLED HTTP/1.1\r\nHost: x\r\n\r\n")
out, end, closed = b"", time.time() + 2, "open"
while time.time() < end:
    try:
        b = s.recv(65536)
    except socket.timeout:
        continue
    if not b:
        closed = "closed"
        break
    out += b
print(",".join(x.decode() for x in re.findall(rb"HTTP/1\.1 (\d{3}) ", out)), closed)
PY
}
is "$(raw 'GET /api/v1/notices/first HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 50\r\n\r\n')" "400 closed" \
  "differing Content-Length headers: 400, closed, the 'body' never read as a request"
is "$(raw 'GET /api/v1/notices/first HTTP/1.1\r\nHost: x\r\nContent-Length : 50\r\n\r\n')" "400 closed" \
  "'Content-Length :' (space before the colon): 400, closed"
is "$(raw 'POST /api/v1/notices HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')" "400 closed" \
  "Content-Length with Transfer-Encoding: 400, closed"
is "$(raw 'POST /api/v1/notices HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n')" "501 closed" \
  "an unknown transfer coding: 501 at once, closed"
is "$(raw 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n')" "400 closed" "a bare CR in a header: 400, closed"
is "$(raw 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n')" "400 closed" "obsolete line folding: 400, closed"
is "$(raw 'GET / HTTP/1.1\r\n\r\n')" "400 closed" "HTTP/1.1 without Host: 400"
is "$(raw 'GET /notices?q=a\x00b HTTP/1.1\r\nHost: x\r\n\r\n')" "400 closed" "a NUL in the target: 400"
is "$(raw 'GET /no\x01tices HTTP/1.1\r\nHost: x\r\n\r\n')" "400 closed" "a control character in the target: 400"
is "$(raw 'GET /not ices HTTP/1.1\r\nHost: x\r\n\r\n')" "400 closed" "a space in the target: 400"
is "$(raw 'GET /api/v1/notices/first HTTP/1.1\r\nHost: x\r\n\r\n' | cut -d' ' -f1)" "404,404" \
  "a well-formed pipelined pair is still answered twice"
amps=$(head -c 1000 /dev/zero | tr '\0' '&')
is "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$B/api/v1/notices?$amps")" 400 "1,000 empty query parameters: 400 (not silence)"
amps=$(head -c 4000 /dev/zero | tr '\0' '&')
is "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$B/api/v1/notices?$amps")" 400 "4,000 empty query parameters: 400"

# ---- the search index and the store's own search engine agree ----------------------
like "$(cat "$T/serve.log")" "search index: built: [0-9]+ notices" "the server built its search index at start"
"$PH" serve --db "$db" --listen 127.0.0.1:0 --now $NOW --search store >"$T/serve2.out" 2>"$T/serve2.log" &
spid2=$!
for _ in $(seq 1 50); do grep -q serving "$T/serve2.out" 2>/dev/null && break; sleep 0.1; done
B2=http://127.0.0.1:$(grep -o ':[0-9]*/$' "$T/serve2.out" | tr -d ':/')
same=0; differ=""
for qs in "q=software" "q=services&sort=closing" "q=%22cyber%20security%22" "q=council%20-leeds" \
          "q=digital%20OR%20data&region=TLD" "status=open&sort=closing" "cpv=72&sort=value" "value_min=50000&sort=newest" \
          "q=servicios&limit=50" "sme=true&closing_within=60" "q=software&cursor=$(curl -s "$B/api/v1/notices?q=software&limit=3" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).next||""))')"; do
  a=$(curl -s "$B/api/v1/notices?$qs" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);for(const r of j.results)delete r.snippet;console.log(JSON.stringify(j))})')
  b=$(curl -s "$B2/api/v1/notices?$qs" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);for(const r of j.results)delete r.snippet;console.log(JSON.stringify(j))})')
  if [ "$BACKEND" = postgres ] && [ "${qs#q=}" != "$qs" ] && [ "${qs#*sort=}" = "$qs" ]; then
    # ranked by relevance: PostgreSQL's store ranks with ts_rank, the index with
    # bm25 (SQLite's), so only the totals are the same
    a=$(printf '%s' "$a" | sed -nE 's/^\{"total":([0-9]+),.*/\1/p'); b=$(printf '%s' "$b" | sed -nE 's/^\{"total":([0-9]+),.*/\1/p')
  fi
  if [ -n "$a" ] && [ "$a" = "$b" ]; then same=$((same+1)); else differ="$differ $qs"; fi
done
is "$same" 11 "the index answers as --search store does (all but snippets; on PostgreSQL, totals only for relevance)${differ:+; differ:$differ}"
kill -TERM $spid2; wait $spid2

# A notice ingested while the portal runs is found within a few seconds.
sed -e 's/ocds-evil-1/ocds-late-1/' -e 's/Evil/Zyxwvut/' "$T/evil.json" >"$T/late.json"
"$PH" ingest "$T/late.json" --db "$db" --quiet >/dev/null 2>&1
found=0
for _ in $(seq 1 100); do [ "$(total "q=zyxwvut")" = 1 ] && { found=1; break; }; sleep 0.1; done
is "$found" 1 "a notice ingested while serving shows in search results"
is "$(grep -c 'search index: built' "$T/serve.log")" 1 "... through a delta of what changed: the index was built once, at start"

# Kept notice pages: the same bytes again, and the new text once the notice changes.
get "/notices/ocds-late-1" >/dev/null; cp "$T/body" "$T/page1"
get "/notices/ocds-late-1" >/dev/null
ok $(cmp -s "$T/body" "$T/page1" && grep -q Zyxwvut "$T/body" && echo 0 || echo 1) "a notice page asked twice: the same page"
sed -e 's/"id":"1","date":"2025-01-20T10:00:00Z"/"id":"2","date":"2025-01-21T10:00:00Z"/' -e 's/Zyxwvut/Qwertyuiop/' "$T/late.json" >"$T/late2.json"
"$PH" ingest "$T/late2.json" --db "$db" --quiet >/dev/null 2>&1
# the page cache follows the change sequence the portal has seen (its search
# index's), so a kept page is replaced as soon as the index moves on
fresh=1
for _ in $(seq 1 20); do
  get "/notices/ocds-late-1" >/dev/null
  grep -q Qwertyuiop "$T/body" && ! grep -q Zyxwvut "$T/body" && { fresh=0; break; }
  sleep 0.05
done
ok $fresh "after a new release the page shows the new title within a second"
# ---- CORS, gzip, robots.txt, the icon ------------------------------------------
hdrs() { curl -s -D "$T/h" -o "$T/b" "$@" >/dev/null; tr -d '\r' <"$T/h"; }
acao() { hdrs "$B$1" | grep -i '^Access-Control-Allow-Origin:' | cut -d' ' -f2; }
is "$(acao '/api/v1/notices?limit=1')" "*" "API JSON: Access-Control-Allow-Origin: *"
is "$(acao '/api/v1/notices.csv?q=zzzznomatch')" "*" "CSV download: CORS too"
is "$(acao '/api/v1/notices.ocds.json?q=zzzznomatch')" "*" "OCDS download: CORS too"
is "$(acao '/api/v1/notices/ocds-none')" "*" "a 404 problem from the API: CORS too"
is "$(acao '/api/v1/notices?colour=red')" "*" "a 400 problem from the API: CORS too"
is "$(acao '/api/v1/nowhere')" "*" "a path under /api/ that does not exist: CORS too"
is "$(acao '/')$(acao '/notices?q=road')$(acao '/robots.txt')$(acao '/no-such-page')" "" "pages, robots.txt and the 404 page: no CORS"

# gzip: each body inflates to exactly the uncompressed one (--now fixes the dates)
for u in / '/notices?q=road' '/api/v1/notices?limit=100' '/api/v1/notices.csv?q=road'; do
  curl -s -o "$T/plain" "$B$u"
  enc=$(hdrs -H 'Accept-Encoding: gzip' "$B$u" | grep -i '^Content-Encoding:' | cut -d' ' -f2)
  vary=$(grep -i '^Vary:' "$T/h" | tr -d '\r' | cut -d' ' -f2)
  same=no
  gunzip -c <"$T/b" >"$T/unz" 2>/dev/null && cmp -s "$T/plain" "$T/unz" && same=yes
  is "$enc $vary $same" "gzip Accept-Encoding yes" "$u: gzip, Vary, inflates to the plain body ($(wc -c <"$T/b") of $(wc -c <"$T/plain") bytes)"
done
vary=$(hdrs "$B/" | grep -i '^Vary:' | cut -d' ' -f2)
is "$(grep -ci '^Content-Encoding' "$T/h") $vary" "0 Accept-Encoding" "no Accept-Encoding: plain, with Vary"
is "$(hdrs -H 'Accept-Encoding: gzip;q=0, deflate' "$B/" | grep -ci '^Content-Encoding')" 0 "gzip;q=0: not compressed"
is "$(hdrs -H 'Accept-Encoding: br, deflate' "$B/" | grep -ci '^Content-Encoding')" 0 "Accept-Encoding without gzip: not compressed"
small=$(hdrs -H 'Accept-Encoding: gzip' "$B/api/v1/notices/ocds-none")
ok $([ "$(wc -c <"$T/b")" -lt 1024 ] && ! grep -qi '^Content-Encoding' <<<"$small" && grep -qi '^Vary: Accept-Encoding' <<<"$small" && echo 0 || echo 1) \
  "a problem under 1 KB: not compressed, Vary present"
gl=$(hdrs -H 'Accept-Encoding: gzip' "$B/" | grep -i '^Content-Length:')
hl=$(hdrs -I -H 'Accept-Encoding: gzip' "$B/" | grep -i '^Content-Length:')
is "$hl $(grep -i '^Content-Encoding:' "$T/h" | tr -d '\r')" "$gl Content-Encoding: gzip" "HEAD reports GET's Content-Length and Content-Encoding"
# A static text file: compressed too, with an ETag of its own; each ETag is 304 only for its representation.
etag=$(hdrs "$B/static/site.css" | grep -i '^ETag:' | cut -d' ' -f2); cp "$T/b" "$T/css"
gzetag=$(hdrs -H 'Accept-Encoding: gzip' "$B/static/site.css" | grep -i '^ETag:' | cut -d' ' -f2)
ok $(grep -qi '^Content-Encoding: gzip' "$T/h" && gunzip -c <"$T/b" | cmp -s - "$T/css" && echo 0 || echo 1) "site.css: gzip, inflates to the file"
is "$gzetag" "${etag%\"}-gz\"" "the gzip representation's ETag is the file's with -gz"
inm() { curl -s -o /dev/null -w '%{http_code}' "$@" "$B/static/site.css"; }
is "$(inm -H 'Accept-Encoding: gzip' -H "If-None-Match: $gzetag") $(inm -H "If-None-Match: $etag") $(inm -H 'Accept-Encoding: gzip' -H "If-None-Match: $etag") $(inm -H "If-None-Match: $gzetag")" \
  "304 304 200 200" "If-None-Match: 304 for the representation it names, 200 for the other"

rob=$(hdrs "$B/robots.txt")
is "$(grep -i '^Content-Type:' <<<"$rob")" "Content-Type: text/plain; charset=utf-8" "robots.txt is text/plain"
ok $(grep -q '^# .*Powerhouse' "$T/b" && grep -qx 'User-agent: \*' "$T/b" && grep -qx 'Disallow: /api/' "$T/b" \
  && grep -qx 'Disallow: /notices?' "$T/b" && ! grep -qx 'Disallow: /' "$T/b" && echo 0 || echo 1) \
  "robots.txt names the portal, keeps crawlers off /api/ and parameterised search, not off the site"
ico=$(hdrs -H 'Accept-Encoding: gzip' "$B/favicon.ico")
is "$(grep -i '^Content-Type:' <<<"$ico") $(grep -ci '^Content-Encoding' <<<"$ico")" "Content-Type: image/x-icon 0" "favicon.ico: image/x-icon, not compressed"
is "$(head -c 4 "$T/b" | od -An -tx1 | tr -d ' \n')" "00000100" "favicon.ico starts with the ICO magic 00 00 01 00"
is "$(od -An -tu1 -j4 -N2 "$T/b" | tr -s ' ')$(wc -c <"$T/b")" " 1 01150" "one 16x16 image, 1150 bytes"
ok $(grep -qi '^Cache-Control: public, max-age=2592000' <<<"$ico" && echo 0 || echo 1) "cached for 30 days"
like "$(curl -s "$B/")" '<link rel="icon" href="/favicon.svg" type="image/svg\+xml">' "every page's head links the icon"
svg=$(hdrs "$B/favicon.svg")
ok $(grep -qi '^Content-Type: image/svg+xml' <<<"$svg" && grep -q '^<svg xmlns="http://www.w3.org/2000/svg"' "$T/b" && echo 0 || echo 1) "favicon.svg: an SVG image"

kill -TERM $spid; wait $spid; is $? 0 "SIGTERM stops the server cleanly"
done_testing
