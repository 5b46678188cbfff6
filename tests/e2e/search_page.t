#!/usr/bin/env bash
# search_page.t -- the search page a newcomer meets, over loopback on the dev
# data: an invalid search keeps every value and lists every error in words,
# linked to its field (400, HTML, "Error: " title); filters the URL carries
# stay in the form (status=planned, closing dates, buyer by name, limit); the
# CPV picker (/cpv) against the store's own CPV table; the server's own
# refusals are HTML pages outside /api/ and problem+json under it; the
# download links stay. Expected counts come from SQL, not from the code.
. "$(dirname "$0")/lib.sh"

NOW=2025-01-24
db=$(newdb dev)
"$PH" ingest "$DEV" --db "$db" --quiet >/dev/null 2>&1
serve "$db" --now $NOW --static build/static

# code and content type; the body in $T/body
get() { curl -s -o "$T/body" -w '%{http_code} %{content_type}' "$@"; }
body() { cat "$T/body"; }
has() { grep -qF -- "$1" "$T/body" && echo 0 || echo 1; }
count() { grep -oF -- "$1" "$T/body" | wc -l | tr -d ' '; }
HTML="text/html; charset=utf-8"

# ---- an invalid search keeps every value ------------------------------------------
is "$(get "$B/notices?q=software&status=open&region=TLD&value_max=100k&value_min=abc&closing_after=2025-13-01&cpv=7&sort=cheapest")" \
  "400 $HTML" "invalid search: 400, an HTML page"
like "$(body)" "<title>Error: Search contract notices" "title starts 'Error: '"
like "$(tr -d '\n' <"$T/body")" '<main class="govuk-main-wrapper" id="main-content"><div class="govuk-error-summary" role="alert" tabindex="-1" autofocus' \
  "the error summary is first in main, role=alert, focused"
links=$(grep -o '<li><a href="#[a-z_-]*">[^<]*</a></li>' "$T/body" | sed 's/<[^>]*>//g; s/^/@/' | tr -d '\n')
is "$(grep -o '<li><a href="#[a-z_-]*">' "$T/body" | grep -o '#[a-z_-]*' | tr '\n' ' ')" \
  "#closing_after #value_min #value_max #cpv #sort " "every error at once, in form order, each linked to its field"
like "$links" "@Enter a maximum value as a number, like 250000" "value_max error in words"
like "$links" "@Enter a minimum value as a number, like 10000" "value_min error in words"
ok $(grep -q "must be\|got '" "$T/body" && echo 1 || echo 0) "no parser message reaches the page"
for f in 'id="q" name="q" type="search" aria-describedby="q-hint" value="software"' \
  'id="value_max" name="value_max" type="text" inputmode="numeric" spellcheck="false" aria-describedby="value_max-error" value="100k"' \
  'id="value_min" name="value_min" type="text" inputmode="numeric" spellcheck="false" aria-describedby="value_min-error" value="abc"' \
  'value="2025-13-01"' 'id="cpv" name="cpv" type="text" inputmode="text" spellcheck="false" aria-describedby="cpv-hint cpv-error" value="7"' \
  'id="status-open" name="status" type="checkbox" value="open" checked' \
  'id="region-TLD" name="region" type="checkbox" value="TLD" checked'; do
  is "$(has "$f")" 0 "kept: ${f:0:60}"
done
is "$(count 'govuk-form-group--error')" 5 "five fields marked govuk-form-group--error"
is "$(count 'class="govuk-error-message"')" 5 "... each with its govuk-error-message"
is "$(count 'govuk-input--error')" 4 "... the four text inputs marked as errors"
is "$(count 'class="ph-result"')" 0 "no results listed with errors"
is "$(has 'Download')" 1 "no download offered with errors"
get "$B/notices?value_min=500&value_max=100" >/dev/null
like "$(body)" 'href="#value_max">Enter a maximum value that is the same as or more than the minimum value' \
  "value_min above value_max: the error is on value_max, in words"
is "$(has 'value="500"')$(has 'value="100"')" 00 "... both values kept"
get "$B/notices?closing_after=2025-03-01&closing_before=2025-02-01" >/dev/null
like "$(body)" 'href="#closing_before">Enter a latest closing date' "closing dates the wrong way round: on closing_before"
get "$B/cpv?q=software&search=value_min%3D500%26value_max%3D100" >/dev/null
like "$(body)" 'href="/notices\?value_min=500&amp;value_max=100&amp;cpv=30000000"' "the picker keeps a search that fails a cross-field check"
is "$(get "$B/notices?q=software&region=TLD&cpv=72,4812")" "200 $HTML" "a valid search: 200"
like "$(body)" '<span class="govuk-details__summary-text">Filters \(2 in use\)</span>' "the folded filters say how many are in use (region, CPV)"
is "$(has '<li>72: IT services: consulting, software development, Internet and support</li>')$(has '<li>4812: Flight control software package</li>')" 00 \
  "the CPV codes searched for are named under the field"
ok $(grep -q 'govuk-error-summary\|Error:' "$T/body" && echo 1 || echo 0) "... without an error summary"

# ---- filters the URL carries stay in the form ---------------------------------------
bid=$(sql "$db" "SELECT buyer_id FROM notice WHERE ocid='ocds-b5fd17-7d067852-1260-448e-b84a-186d028f9991'")
bname=$(sql "$db" "SELECT name FROM org WHERE id=$bid")
is "$(get "$B/notices?status=planned&closing_after=2020-01-01&closing_before=2030-12-31&buyer=$bid&limit=5")" "200 $HTML" \
  "a search with planned, closing dates, buyer and limit"
is "$(has 'id="status-planned" name="status" type="checkbox" value="planned" checked')" 0 "status=planned is a ticked box"
is "$(has 'value="2020-01-01"')$(has 'value="2030-12-31"')" 00 "closing dates in their fields"
is "$(has "<input type=\"hidden\" name=\"limit\" value=\"5\">")" 0 "limit carried as a hidden input"
is "$(has "name=\"buyer\" type=\"checkbox\" value=\"$bid\" checked")" 0 "buyer is a ticked box"
is "$(has "Only notices from $bname")" 0 "... named for the buyer ($bname)"
like "$(body)" '<a class="govuk-link" href="/notices\?status=planned&amp;closing_after=2020-01-01&amp;closing_before=2030-12-31&amp;limit=5">Remove the buyer filter</a>' \
  "a link removes only the buyer filter"
get "$B/notices?buyer=999999999" >/dev/null
is "$(has 'Only notices from buyer 999999999 (no buyer has this number)')" 0 "a buyer id that names no buyer says so"
n=$(sql "$db" "SELECT count(*) FROM notice WHERE buyer_id=$bid")
get "$B/notices?buyer=$bid" >/dev/null
like "$(body)" "<strong>$n</strong>" "the buyer filter still applies ($n notices, from SQL)"

# ---- the CPV picker --------------------------------------------------------------------
is "$(get "$B/cpv?q=software&search=q%3Dservices%26region%3DTLD%26cursor%3Dx")" "200 $HTML" "/cpv?q=software: a page"
want=$(sql "$db" "SELECT count(*) FROM cpv WHERE lower(label) LIKE '%software%'")
like "$(body)" "<strong>$want</strong> CPV codes match" "software: as many codes as the store's CPV table has ($want)"
is "$(count 'class="ph-cpv__item"')" 50 "... 50 of them listed"
label=$(sql "$db" "SELECT label FROM cpv WHERE code='48000000'")
is "$(has "<strong class=\"ph-cpv__code\">48000000</strong> $label <a class=\"govuk-link\" href=\"/notices?q=services&amp;region=TLD&amp;cpv=48000000\">")" 0 \
  "48000000 with its label, linked to the search with cpv added, its filters kept, no cursor"
get "$B/cpv?q=72" >/dev/null
like "$(body)" "<strong>$(sql "$db" "SELECT count(*) FROM cpv WHERE code LIKE '72%'")</strong> CPV codes match" "a code's start: every code under it"
is "$(get "$B/cpv?q=software&search=cpv%3D48")" "200 $HTML" "a search that has the code already"
is "$(has '(in your search)')" 0 "... says so instead of a link"
long=$(head -c 101 /dev/zero | tr '\0' a)
is "$(get "$B/cpv?q=$long")" "400 $HTML" "101 bytes: 400"
like "$(tr -d '\n' <"$T/body")" '<title>Error: Find a CPV code.*href="#q">Enter at most 100 characters' "... says the limit, linked to the field"
is "$(get "$B/cpv?q=a+b+c+d+e+f+g+h+i")" "400 $HTML" "9 words: 400"
get "$B/cpv?q=%3Cscript%3Ezzqq" >/dev/null
is "$(has 'No CPV codes match "&lt;script&gt;zzqq"')" 0 "no match: says so, the input escaped"

# ---- the server's own refusals: pages outside /api/, problem+json under it ----------------
layout() { grep -q 'class="govuk-template"' "$T/body" && grep -q '<h1 class="govuk-heading-l">' "$T/body" && echo 0 || echo 1; }
is "$(get "$B/notices?q=%E2")" "400 $HTML" "/notices?q=%E2 (invalid UTF-8): 400 HTML"
is "$(layout)" 0 "... in the site's layout"
like "$(body)" "This address is not valid" "... saying what is wrong"
is "$(get "$B/notices?q=%zz")" "400 $HTML" "bad percent-encoding: 400 HTML"
is "$(get "$B/notices/%E2%28")" "400 $HTML" "invalid UTF-8 in the path: 400 HTML"
is "$(get "$B/api/v1/notices?q=%E2")" "400 application/problem+json" "/api/v1/notices?q=%E2: problem+json"
is "$(get "$B/api/v1/notices/%E2%28")" "400 application/problem+json" "... in an API path too"
is "$(get -X POST "$B/notices")" "405 $HTML" "POST /notices: 405 HTML"
is "$(layout)" 0 "... in the site's layout"
like "$(curl -s -D - -o /dev/null -X POST "$B/notices" | tr -d '\r')" "Allow: GET, HEAD" "... with Allow"
is "$(get -X DELETE "$B/api/v1/notices")" "405 application/problem+json" "DELETE /api/v1/notices: 405, problem+json"
long=$(head -c 10000 /dev/zero | tr '\0' a)
is "$(get "$B/notices?q=$long")" "414 $HTML" "10 KB address: 414 HTML"
like "$(body)" "This address is too long" "... saying so"
is "$(get "$B/api/v1/notices?q=$long")" "414 application/problem+json" "... and problem+json under /api/"
big=$(head -c 20000 /dev/zero | tr '\0' b)
is "$(get -H "X-Big: $big" "$B/")" "431 $HTML" "20 KB of headers: 431 HTML"
head -c 2000000 /dev/zero >"$T/big.bin"
is "$(get --data-binary @"$T/big.bin" "$B/notices")" "413 $HTML" "2 MB body: 413 HTML"
is "$(get --data-binary @"$T/big.bin" "$B/api/v1/notices")" "413 application/problem+json" "... problem+json under /api/"

# ---- download links stay -----------------------------------------------------------------
get "$B/notices?q=services" >/dev/null
n=$(curl -s "$B/api/v1/notices?q=services" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).total))')
like "$(body)" "Download these $n results: <a class=\"govuk-link\" href=\"/api/v1/notices.csv\?q=services\">CSV</a>, <a class=\"govuk-link\" href=\"/api/v1/notices.ocds.json\?q=services\">" \
  "Download these $n results, as CSV and JSON"
get "$B/notices?q=zzzqqqxx" >/dev/null
is "$(has 'Download')" 1 "no download offered for no results"

kill -TERM $spid; wait $spid; is $? 0 "server stops cleanly"
done_testing
