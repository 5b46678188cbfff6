#!/usr/bin/env bash
# site.t -- the pages about the service and what they promise, over HTTP on
# the dev data: /about (its sources from the store with their counts and
# newest releases, freshness in words at serve --now, licences), /api (every
# route and parameter of the OpenAPI document), /api/v1/openapi.json (valid
# OpenAPI 3.1 and true of this server: tests/openapi.mjs), /accessibility,
# /privacy (what it says the access log holds is what it holds), the footer
# links on every page, and the licences carried by the downloads (an OCDS
# package's license / publicationPolicy, the CSV's Link header).
# A missing node or npm package is a failure, never a skip.
. "$(dirname "$0")/lib.sh"

NEWEST=2025-01-23T22:10:19Z # the newest release of the dev data
db=$(newdb site)
"$PH" ingest "$DEV" --db "$db" --quiet >/dev/null 2>&1
is "$(sql "$db" "SELECT max(updated) FROM notice")" "$NEWEST" "the dev data's newest release is the one this test expects"

start() { # start NAME NOW: a server at --now NOW; sets B
  "$PH" serve --db "$db" --listen 127.0.0.1:0 --now "$2" --static build/static >"$T/$1.out" 2>"$T/$1.log" &
  eval "pid_$1=$!"
  for _ in $(seq 1 100); do grep -q serving "$T/$1.out" 2>/dev/null && break; sleep 0.1; done
  B=http://127.0.0.1:$(grep -o ':[0-9]*/$' "$T/$1.out" | tr -d ':/')
}
start later 2025-01-26T22:10:19Z
B_LATER=$B
start earlier 2025-01-23T12:00:00Z
B_EARLIER=$B
start main 2025-01-23T22:15:19Z
trap 'kill $pid_main $pid_later $pid_earlier 2>/dev/null; cleanup_db; rm -rf "$T"' EXIT
ok $(curl -sf -o /dev/null "$B/" && echo 0 || echo 1) "server started"

get() { curl -s -D "$T/h" "$B$1" -o "$T/body"; }
hdr() { tr -d '\r' <"$T/h" | grep -i "^$1:" | head -1 | cut -d' ' -f2-; }
status() { head -1 "$T/h" | cut -d' ' -f2; }

# ---- /about --------------------------------------------------------------------------
get /about
is "$(status)" 200 "/about answers 200"
like "$(hdr content-type)" '^text/html' "/about is HTML"
about=$(cat "$T/body")
like "$about" 'id="updated">Updated 5 minutes ago: the newest release the portal holds is dated <time datetime="2025-01-23T22:10:19Z">23 January 2025, 10:10pm</time>' \
  "freshness in words, at the request's now (--now 5 minutes after the newest release)"
like "$(curl -s "$B_LATER/about")" 'Updated 3 days ago' "the same store seen 3 days later says 3 days ago"
like "$(curl -s "$B_EARLIER/about")" 'id="updated">The newest release the portal holds is dated <time datetime="2025-01-23T22:10:19Z">23 January 2025, 10:10pm</time> \(UK time\), later than now' \
  "seen before its newest release, the page gives the date and no time in words"
n_co=$(sql "$db" "SELECT count(*) FROM notice WHERE publisher = 'Cabinet Office' AND release_count > 0")
like "$about" "<th scope=\"row\" class=\"govuk-table__header\">Cabinet Office</th><td class=\"govuk-table__cell govuk-table__cell--numeric\">$n_co</td><td class=\"govuk-table__cell\">23 January 2025</td><td class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/\">Open Government Licence v3.0</a>" \
  "a UK source's row: its notice count from the store ($n_co), newest release and OGL v3"
n_src=$(sql "$db" "SELECT count(DISTINCT coalesce(publisher, '')) FROM notice WHERE release_count > 0")
n_all=$(sql "$db" "SELECT count(*) FROM notice WHERE release_count > 0")
like "$about" "$n_all notices from $n_src sources" "every source counted ($n_src sources, $n_all notices)"
like "$about" 'IMPIC</th><td class="govuk-table__cell govuk-table__cell--numeric">[0-9]+</td><td class="govuk-table__cell">[^<]+</td><td class="govuk-table__cell"><a class="govuk-link" href="https://creativecommons.org/licenses/by/4.0/">' \
  "a foreign source carries its own licence (IMPIC: CC BY 4.0)"
like "$about" 'Publisher not recorded</th>.*<td class="govuk-table__cell">Not stated</td>' \
  "notices of mixed sources without a publisher claim no licence"
like "$about" 'id="licences"' "the licences section has the anchor downloads point to"
like "$about" 'Contains public sector information licensed under the Open Government Licence v3.0.' "the OGL attribution statement"

# An empty store: the About page says there is nothing yet (no sources table, no date).
empty=$(newdb empty)
: >"$T/empty.json"
"$PH" ingest "$T/empty.json" --db "$empty" --quiet >/dev/null 2>&1
"$PH" serve --db "$empty" --listen 127.0.0.1:0 --static build/static >"$T/broken.out" 2>"$T/broken.log" &
pid_broken=$!
for _ in $(seq 1 100); do grep -q serving "$T/broken.out" 2>/dev/null && break; sleep 0.1; done
BB=http://127.0.0.1:$(grep -o ':[0-9]*/$' "$T/broken.out" | tr -d ':/')
empty_about=$(curl -s "$BB/about")
like "$empty_about" 'id="updated">The portal holds no notices yet' "an empty store: the About page says so"
ok $(printf '%s' "$empty_about" | grep -q 'govuk-table__caption' && echo 1 || echo 0) "... and shows no table of sources"
kill $pid_broken 2>/dev/null; wait $pid_broken 2>/dev/null

# ---- /api and the OpenAPI document ------------------------------------------------------
get /api
is "$(status)" 200 "/api answers 200"
api_page=$(cat "$T/body")
curl -s "$B/api/v1/openapi.json" >"$T/openapi.json"
cmp -s "$T/openapi.json" docs/openapi.json
ok $? "/api/v1/openapi.json serves docs/openapi.json byte for byte"
paths=$(node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1]));for(const p in d.paths)for(const m of ["get","post"])if(d.paths[p][m])console.log(m.toUpperCase()+"_"+p)' "$T/openapi.json")
params=$(node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1]));for(const p in d.components.parameters)console.log(d.components.parameters[p].name)' "$T/openapi.json")
missing=""
for p in $paths; do printf '%s' "$api_page" | grep -qF "<code>${p%%_*} ${p#*_}</code>" || missing="$missing $p"; done
is "$missing" "" "/api lists every operation of the OpenAPI document ($(echo $paths | wc -w) operations)"
missing=""
for p in $params; do printf '%s' "$api_page" | grep -qF "id=\"param-$p\"" || missing="$missing $p"; done
is "$missing" "" "/api explains every search parameter ($(echo $params | wc -w) parameters)"
for topic in 'id="paging"' 'problem\+json' 'Access-Control-Allow-Origin' 'id="limits"' 'Retry-After'; do
  like "$api_page" "$topic" "/api covers $topic"
done

OCID=ocds-b5fd17-e3b5f385-5989-4cf1-8849-01c247fc9c30
BUYER=$(curl -s "$B/api/v1/notices/$OCID" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).buyer.id))')
if [ -f node_modules/@seriousme/openapi-schema-validator/package.json ] && [ -f node_modules/ajv/package.json ]; then
  "$PH" user add api@example.org --name "API user" --org "Test Buyer" --kind buyer --sector public --db "$db" >/dev/null
  TOKEN=$("$PH" token create api@example.org --db "$db" 2>/dev/null)
  node tests/openapi.mjs "$B" "$OCID" "$BUYER" "$TOKEN" >"$T/oas.out" 2>"$T/oas.err"
  rc=$?
  while IFS= read -r line; do
    case $line in
      "not ok "*"# TODO "*) t=${line#not ok * - }; todo 1 "openapi: ${t%% # TODO *}" "${t#* # TODO }" ;;
      "ok "*) ok 0 "openapi: ${line#ok * - }" ;;
      "not ok "*) ok 1 "openapi: ${line#not ok * - }" ;;
      "#"*) echo "$line" ;;
    esac
  done <"$T/oas.out"
  [ -s "$T/oas.err" ] && sed 's/^/# stderr: /' "$T/oas.err" | head -20
  is "$rc:$(tail -1 "$T/oas.out")" "0:1..$(grep -c '^\(not \)\?ok ' "$T/oas.out")" "tests/openapi.mjs ran to the end and passed"
else
  ok 1 "node_modules has @seriousme/openapi-schema-validator and ajv (run: make node)"
fi

# ---- /accessibility and /privacy ------------------------------------------------------------
get /accessibility
is "$(status)" 200 "/accessibility answers 200"
acc=$(cat "$T/body")
for phrase in 'Web Content Accessibility Guidelines version 2.1</a> AA' 'partially compliant' 'id="known-issues"' \
  'axe-core' '320, 390 and 1366 pixels' 'Reporting accessibility problems' \
  'The Equality and Human Rights Commission \(EHRC\) is responsible for enforcing' \
  'Equality Advisory and Support Service \(EASS\)' 'Equality Commission for Northern Ireland \(ECNI\)'; do
  like "$acc" "$phrase" "accessibility statement: $phrase"
done

get /privacy
is "$(status)" 200 "/privacy answers 200"
priv=$(cat "$T/body")
like "$priv" 'Reading the site sets no cookies' "privacy: no cookies for reading"
like "$priv" 'ph_session.*ph_form|ph_form.*ph_session' "privacy: names the account pages' cookies"
like "$priv" 'We keep logs for 30 days' "privacy: how long logs are kept"
# What it says a log line holds is what the server writes: time, address,
# method and target, status, bytes, duration, request id (and nothing else).
rid=$(hdr x-request-id)
line=$(grep " $rid\$" "$T/main.log")
like "$line" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z 127\.0\.0\.1 "GET /privacy" 200 [0-9]+ [0-9.]+ [0-9a-f]{16}$' \
  "the access log line of that request holds exactly the fields the page lists"
cookies=0
for u in / /notices /about /api /accessibility /privacy /api/v1/openapi.json "/notices/$OCID"; do
  curl -s -D - -o /dev/null "$B$u" | grep -qi '^set-cookie' && cookies=$((cookies + 1))
done
is $cookies 0 "no page sets a cookie"

# ---- the footer ---------------------------------------------------------------------------
bad=""
for u in / /notices /about /api /accessibility /privacy "/notices/$OCID" /no-such-page; do
  body=$(curl -s "$B$u")
  for l in /about /api /accessibility /privacy; do
    printf '%s' "$body" | grep -q "<footer.*href=\"$l\"" || bad="$bad $u:$l"
  done
done
is "$bad" "" "every page's footer links to About, API, Accessibility and Privacy"

# ---- licences in downloads --------------------------------------------------------------
OGL=https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/
pkg() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const p=JSON.parse(s);console.log((p.license||"none")+" "+(p.publicationPolicy||"none"))})'; }
is "$(curl -s "$B/notices/$OCID/ocds.json" | pkg)" "$OGL $B/about#licences" \
  "a UK notice's record package: OGL v3 as its license, the About page's licences as its policy"
CO=$(sql "$db" "SELECT ocid FROM notice WHERE ocid LIKE 'ocds-k50g02-%' AND release_count > 0 LIMIT 1")
is "$(curl -s "$B/notices/$CO/ocds.json" | pkg)" "https://opendatacommons.org/licenses/pddl/1-0/ $B/about#licences" \
  "a Colombian notice's record package: its own licence (ODC-PDDL)"
is "$(curl -s "$B/api/v1/notices.ocds.json?buyer=$BUYER" | pkg)" "$OGL $B/about#licences" \
  "a release package of one UK buyer's notices: OGL v3"
is "$(curl -s "$B/api/v1/notices.ocds.json" | pkg)" "none $B/about#licences" \
  "a release package mixing sources under different licences has no license, and its policy names them"
curl -s -D "$T/h" -o /dev/null "$B/api/v1/notices.csv?buyer=$BUYER"
is "$(hdr link)" "<$OGL>; rel=\"license\"" "a CSV of UK notices: Link rel=license to OGL v3"
curl -s -D "$T/h" -o /dev/null "$B/api/v1/notices.csv"
is "$(hdr link)" "<$B/about#licences>; rel=\"license\"" "a CSV mixing licences: Link rel=license to the About page's licences"
curl -s -D "$T/h" -o /dev/null "$B/api/v1/notices.csv?q=zzzznotawordzzzz"
is "$(hdr link)" "<$B/about#licences>; rel=\"license\"" "an empty CSV names the About page's licences"

kill -TERM $pid_main; wait $pid_main; is $? 0 "server stops cleanly"
done_testing
