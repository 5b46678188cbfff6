#!/usr/bin/env bash
# browser.t -- the portal in a real browser: headless Chromium (Debian's
# /usr/bin/chromium) driven by playwright-core, on a server loaded with the dev
# data and one hostile notice. tests/browser/portal.mjs does the browsing:
# search -> filter -> notice -> back keeps the filters, paging, phone width,
# axe-core WCAG 2.1 AA on home/search/notice/buyer, the hostile notice inert,
# the flow with JavaScript off; at 320, 390 and 1366 px: no sideways scrolling
# and axe-clean on every kind of page (error pages too), results before the
# folded filters on phones; an invalid search keeping its values, filters the
# URL carries kept by the form, the CPV picker without JavaScript; desktop
# screenshots into build/screenshots/.
# Each line it prints ("ok - ..." / "not ok - ...") becomes one TAP test here.
# A missing browser or npm package is a failure, never a skip.
. "$(dirname "$0")/lib.sh"

NOW=2025-01-24
SCRIPT=$(dirname "$0")/../browser/portal.mjs
SHOTS=build/screenshots

# ---- prerequisites: all must be there -------------------------------------------
need_browser
if [ "$missing" != 0 ]; then
  echo "# cannot run the browser tests without the above"
  done_testing
  exit 1
fi

# ---- a store with the dev data and a hostile notice -----------------------------------
db=$(newdb dev)
"$PH" ingest "$DEV" --db "$db" --quiet >/dev/null 2>&1
cat >"$T/hostile.json" <<'JSON'
{"ocid":"ocds-hostile-browser-1","id":"1","date":"2025-01-21T10:00:00Z","tag":["tender"],"initiationType":"tender",
 "buyer":{"id":"hb1","name":"<img src=x onerror=window.__pwned=5> Hostile Council"},
 "parties":[{"id":"hb1","name":"<img src=x onerror=window.__pwned=5> Hostile Council","roles":["buyer"],
   "address":{"region":"North West","postalCode":"M1 1AA"}}],
 "tender":{"id":"t","title":"Hostile <script>window.__pwned=1</script> \"onmouseover=window.__pwned=3 x='","status":"active",
  "description":"<img src=x onerror=window.__pwned=4> \" onfocus=window.__pwned=6 autofocus \" javascript:window.__pwned=7",
  "tenderPeriod":{"endDate":"2025-03-01T12:00:00Z"},
  "documents":[{"id":"d","documentType":"tenderNotice","url":"javascript:window.__pwned=2"}]}}
JSON
"$PH" ingest "$T/hostile.json" --db "$db" --quiet >/dev/null 2>&1
ok $? "hostile notice ingested"
# Procurement Act notices with every section a page can show: a tender
# (reserved, how to bid, lots, criteria, amendments, data notes; its deadline
# the day after $NOW at 12:00) and a contract with KPIs and a termination.
cat >"$T/uk.jsonl" <<'JSON'
{"ocid":"ocds-browser-uk","id":"r1","date":"2025-01-20T09:00:00Z","tag":["tender"],"buyer":{"id":"b","name":"Cumberland Council"},"parties":[{"id":"b","name":"Cumberland Council","roles":["buyer"],"contactPoint":{"name":"Procurement Team","email":"procurement@cumberland.gov.uk","telephone":"0300 373 3730"}}],"tender":{"id":"t","title":"Highway verge cutting","status":"active","value":{"amount":"","currency":"GBP"},"legalBasis":{"scheme":"UKPGA","id":"2023/54"},"otherRequirements":{"reservedParticipation":["smeVcse"],"reservedParticipationLocation":{"description":"Cumbria"}},"tenderPeriod":{"endDate":"2025-01-25T12:00:00Z"},"enquiryPeriod":{"endDate":"2025-01-24T17:00:00Z"},"submissionMethodDetails":"https://procontract.due-north.com/Opportunities/Index","lots":[{"id":"1","title":"North area","description":"Verges north of the A66","value":{"amount":80000,"currency":"GBP"}}],"awardCriteria":{"criteria":[{"type":"quality","name":"Method statement","numbers":[{"number":60}]},{"type":"price","name":"Price","numbers":[{"number":40}]}]},"amendments":[{"id":"am1","date":"2025-01-22T09:00:00Z","rationale":"Deadline extended after a site visit was added"}],"documents":[{"id":"d","noticeType":"UK4","datePublished":"2025-01-20T09:00:00Z"}]}}
{"ocid":"ocds-browser-uk-perf","id":"p1","date":"2025-01-20T09:00:00Z","tag":["contract"],"tender":{"id":"t","title":"Verge cutting 2022 to 2025"},"awards":[{"id":"a1","status":"active","suppliers":[{"id":"s","name":"Eden Grounds Ltd"}]}],"contracts":[{"id":"c0","title":"The previous verge contract","status":"terminated","dateSigned":"2022-01-10T00:00:00Z","value":{"amount":150000,"currency":"GBP"},"period":{"startDate":"2022-02-01T00:00:00Z","endDate":"2025-01-31T00:00:00Z"},"terminationRationaleClassifications":[{"scheme":"x","id":"breach","description":"Persistent missed cuts"}],"implementation":{"metrics":[{"id":"k1","title":"Verges cut on schedule","observations":[{"id":"o1","period":{"startDate":"2024-01-01T00:00:00Z","endDate":"2024-12-31T00:00:00Z"},"measureClassification":{"scheme":"x","id":"below"}}]}]}}],"parties":[{"id":"s","name":"Eden Grounds Ltd","roles":["supplier"]}]}
JSON
"$PH" ingest "$T/uk.jsonl" --db "$db" --quiet --now $NOW >/dev/null 2>&1
ok $? "two Procurement Act notices ingested"

"$PH" serve --db "$db" --listen 127.0.0.1:0 --now $NOW --static build/static >"$T/serve.out" 2>"$T/serve.log" &
spid=$!
trap 'kill $spid 2>/dev/null; cleanup_db; rm -rf "$T"' EXIT
for _ in $(seq 1 50); do grep -q serving "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(grep -o ':[0-9]*/$' "$T/serve.out" | tr -d ':/')
ok $([ -n "$PORT" ] && echo 0 || echo 1) "server started and printed its port"

# ---- the browser --------------------------------------------------------------------
# TMPDIR=$T: Playwright makes Chromium's fresh profile (user-data-dir) there.
mkdir -p "$SHOTS" "$T/tmp"
TMPDIR=$T/tmp timeout 300 node "$SCRIPT" "http://127.0.0.1:$PORT" "$SHOTS" "$T" ocds-hostile-browser-1 >"$T/browser.out" 2>"$T/browser.err"
rc=$?
relay "$T/browser.out"
[ -s "$T/browser.err" ] && sed 's/^/# stderr: /' "$T/browser.err" | head -40
ok $relay_done "browser script ran to the end (exit status $rc)"
ok $([ -s "$T/search-phone.png" ] && echo 0 || echo 1) "phone screenshot in \$T"

kill -TERM $spid; wait $spid; is $? 0 "server stops cleanly"
done_testing
