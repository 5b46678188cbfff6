#!/usr/bin/env bash
# posting_forms.t -- the pages a buyer posts with (issue 12, src/web/posting_pages.c),
# over loopback with a browser's cookies and CSRF tokens: a buyer signs in,
# saves a draft with mistakes (422, every error in the summary, the values
# kept), saves a half-done draft, fixes it, previews, confirms and publishes
# -> the notice is on /notices/{ocid} and in the search API within a second;
# a supplier registers interest; amend with a reason (shown on the page, the
# supplier emailed), extend the deadline, award, contract, cancel; a member
# of another organisation gets 404 on every one of these pages and changes
# nothing; a buyer waiting for verification is told so. Runs on both backends.
. "$(dirname "$0")/lib.sh"

db=$(newdb forms)
PW='Wensleydale-curd-42'
printf '%s\n' "$PW" >"$T/pw"
add() { "$PH" user add "$@" --password-file "$T/pw" --db "$db" >/dev/null 2>>"$T/cli.err"; }
add bea@wearside.test --name 'Bea Buyer' --org 'Wearside Borough Council' --kind buyer --sector public
add dan@dale.test --name 'Dan Dale' --org 'Dale Council' --kind buyer --sector public
add sam@tyne.test --name 'Sam Supplier' --org 'Tyne Digital Co-operative' --kind supplier
add pen@pending.test --name 'Pen Pending' --org 'Pending Council' --kind buyer --sector public
ok $? "set-up: buyers and a supplier made from the command line"
sql "$db" "UPDATE organisation SET status = 'pending' WHERE name = 'Pending Council'"
org() { sql "$db" "SELECT id FROM organisation WHERE name = '$1'"; }
W=$(org 'Wearside Borough Council') D=$(org 'Dale Council') S=$(org 'Tyne Digital Co-operative') P=$(org 'Pending Council')
serve "$db" --now 2026-11-06T12:00:00Z --mail-dir "$T/mail"

J=$T/jars
mkdir -p "$J"
declare -A CSRF
csrf_in() { local page; page=$(cat); [[ $page =~ name=\"csrf\"\ value=\"([^\"]*)\" ]] && echo "${BASH_REMATCH[1]}"; }
get() { curl -s -b "$J/$1" -c "$J/$1" "$B$2"; }
# code WHO PATH: a GET's status in $CODE, the body in $T/body
code() {
  curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' -b "$J/$1" "$B$2" >"$T/code"
  read -r CODE <"$T/code"
}
# post WHO PATH FIELD=VALUE...: a form POST with WHO's CSRF token; status in $CODE, body in $T/body
post() {
  local who=$1 path=$2
  shift 2
  local args=(--data-urlencode "csrf=${CSRF[$who]}")
  for f in "$@"; do args+=(--data-urlencode "$f"); done
  curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' -b "$J/$who" -c "$J/$who" "${args[@]}" "$B$path" >"$T/code"
  read -r CODE <"$T/code"
}
# public WANT NAME: the notice's public page shows WANT (the page cache follows
# the store's changes within its poll interval: up to 2 s)
public() {
  for _ in $(seq 1 40); do
    code anon "/notices/$OCID"
    grep -Eq -- "$1" "$T/body" && break
    sleep 0.05
  done
  like "$(cat "$T/body")" "$1" "$2"
}
location() { grep -i '^location:' "$T/head" | tr -d '\r' | sed 's/^[Ll]ocation: //'; }
sign_in() {
  local t
  t=$(get "$1" /account/login | csrf_in)
  CSRF[$1]=$t
  post "$1" /account/login "email=$2" "password=$PW"
  CSRF[$1]=$(get "$1" /account | csrf_in)
}
sign_in bea bea@wearside.test
sign_in dan dan@dale.test
sign_in sam sam@tyne.test
sign_in pen pen@pending.test
ok $([ -n "${CSRF[bea]}" ] && [ -n "${CSRF[dan]}" ] && [ -n "${CSRF[sam]}" ] && echo 0 || echo 1) "set-up: each signed in through the form"

# ---- the organisation's notices ----
code bea /organisations/$W
like "$(cat "$T/body")" "href=\"/organisations/$W/notices\">Wearside Borough Council's notices</a>" "the organisation's page links its notices"
code bea /organisations/$W/notices
is "$CODE" 200 "GET the buyer's notices page: 200"
like "$(cat "$T/body")" "href=\"/organisations/$W/notices/new\"[^>]*>Post an opportunity<" "... a verified buyer is offered \"Post an opportunity\""
like "$(cat "$T/body")" 'There are no notices yet' "... and has none yet"
code pen /organisations/$P/notices
like "$(cat "$T/body")" 'waiting for a site administrator to verify it' "a buyer waiting for verification is told so"
ok $(grep -q 'Post an opportunity' "$T/body" && echo 1 || echo 0) "... and offered no button to post"
code sam /organisations/$S/notices
like "$(cat "$T/body")" 'Post a sub-contracting opportunity' "a supplier is offered sub-contracting only"
code bea /organisations/$W/notices/new
is "$CODE" 200 "GET the form for a new opportunity: 200"
like "$(cat "$T/body")" 'href="/cpv"' "... its CPV field links the CPV picker"
like "$(cat "$T/body")" 'id="lots-2-title"' "... it has three lot fieldsets"

# ---- mistakes ----
count() { sql "$db" "SELECT count(*) FROM posting WHERE org_id = $W"; }
post bea /organisations/$W/notices/new action=save "title=Telecare platform" "value-amount=lots" \
  deadline-day=31 deadline-month=2 deadline-year=2027 deadline-time=12:00 "criteria-0-name=Quality" "criteria-0-weight=sixty" \
  "lots-1-title=Installation" "lots-1-value-amount=ten"
is "$CODE" 422 "saving a draft with mistakes of shape: 422"
body=$(cat "$T/body")
like "$body" '<title>Error: ' "... the title says Error"
like "$body" 'There is a problem' "... with the error summary"
like "$body" 'href="#deadline">The deadline must be a real date' "... naming the deadline that is no date"
like "$body" 'href="#value-amount">Enter the value as a number' "... the value that is no number"
like "$body" 'href="#criteria-0-weight">' "... the weight that is no number"
like "$body" 'href="#lots-1-value-amount">' "... and the lot's value, on the lot's own row"
like "$body" 'name="title" type="text" aria-describedby="title-hint" autocomplete="off" value="Telecare platform"' "... the values kept"
is "$(count)" 0 "... and nothing was saved"

post bea /organisations/$W/notices/new action=preview "title=A first try"
is "$CODE" 422 "a new draft saved for preview, incomplete: 422"
like "$(cat "$T/body")" 'Your draft is saved, but it cannot be published yet' "... saved, and the form says what is missing"
like "$(cat "$T/body")" 'name="posting" value="[0-9]+"' "... and the form now edits that draft"
sql "$db" "DELETE FROM posting WHERE title = 'A first try'"
post bea /organisations/$W/notices/new action=save "title=Telecare platform" \
  deadline-day=15 deadline-month=6 deadline-year=2027 deadline-time=12:00 \
  enquiryDeadline-day=5 enquiryDeadline-month=1 enquiryDeadline-year=2027 enquiryDeadline-time=9.30
is "$CODE" 303 "a half-done draft is saved: 303"
like "$(sql "$db" "SELECT body FROM posting WHERE title = 'Telecare platform'")" \
  '"deadline":"2027-06-15T11:00:00Z","enquiryDeadline":"2027-01-05T09:30:00Z"' "... its times read as UK time: BST in June, GMT in January"
like "$(location)" "/organisations/$W/notices/edit\?posting=[0-9]+&done=saved\$" "... back to its form"
ID=$(location | sed 's/.*posting=\([0-9]*\).*/\1/')
is "$(count)" 1 "... the draft is stored"
code bea "/organisations/$W/notices/edit?posting=$ID&done=saved"
like "$(cat "$T/body")" 'Your draft is saved' "... and the form says so"
post bea /organisations/$W/notices/edit posting=$ID action=preview "title=Telecare platform"
is "$CODE" 422 "previewing it, incomplete: 422"
body=$(cat "$T/body")
like "$body" 'Your draft is saved, but it cannot be published yet' "... saved, but not publishable"
n=$(printf '%s' "$body" | grep -o '<li><a href="#[^"]*">' | wc -l)
ok $([ "$n" -ge 3 ] && echo 0 || echo 1) "... every problem at once in the summary ($n)"
like "$body" 'href="#description">' "... the missing description among them"

# ---- fixed, previewed, published ----
FORM=(posting=$ID stage=tender
  "description=We need a telecare platform for 4,000 residents.

- alarm handling
- remote monitoring"
  "cpv=85300000, 72000000" "value-min=150,000" "value-max=£200,000" value-currency=GBP procedure=open
  deadline-day=18 deadline-month=12 deadline-year=2026 deadline-time=12:00
  enquiryDeadline-day=10 enquiryDeadline-month=12 enquiryDeadline-year=2026 enquiryDeadline-time=17:00
  contractStart-day=1 contractStart-month=2 contractStart-year=2027 contractEnd-day=31 contractEnd-month=1 contractEnd-year=2029
  "extension=Two further years" "regions=TLC3" "postcodes=sr1 3aa" sme=yes vcse=yes
  "lots-0-title=Alarm receiving centre" "lots-0-value-amount=120000" "lots-2-title=Installation" "lots-2-cpv=50000000"
  "criteria-0-name=Quality" criteria-0-weight=60 "criteria-1-name=Price" criteria-1-weight=40
  apply-route=link "apply-to=https://wearside.example/tenders/telecare"
  "contact-name=Procurement team" "contact-email=procurement@wearside.example")
post bea /organisations/$W/notices/edit "${FORM[@]}" "title=Telecare platform for Wearside" action=preview
is "$CODE" 303 "the draft fixed and saved for preview: 303"
like "$(location)" "/organisations/$W/notices/preview\?posting=$ID\$" "... to the preview"
code bea "/organisations/$W/notices/preview?posting=$ID"
body=$(cat "$T/body")
is "$CODE" 200 "the preview: 200"
like "$body" 'Telecare platform for Wearside' "... shows the title"
like "$body" '<li>remote monitoring</li>' "... the description's list"
like "$body" '18 December 2026, 12:00pm' "... the deadline in UK time"
like "$body" '£150,000 to £200,000' "... the value"
like "$body" 'Lot 2</dt>.*Installation' "... the lots, the empty row between left out"
ok $(grep -q 'govuk-error-summary' "$T/body" && echo 1 || echo 0) "... and no problem"
like "$body" "href=\"/organisations/$W/notices/publish\?posting=$ID\"[^>]*>Publish<" "... a Publish button"
code bea "/organisations/$W/notices/edit?posting=$ID"
like "$(cat "$T/body")" 'id="deadline-time" name="deadline-time" type="text" inputmode="text" value="12:00"' "the edit form gives back the deadline's UK time"
like "$(cat "$T/body")" 'name="value-max" type="text" autocomplete="off" value="200000"' "... and the value"
code bea "/organisations/$W/notices/publish?posting=$ID"
like "$(cat "$T/body")" 'Are you sure you want to publish' "the confirmation asks"
like "$(cat "$T/body")" 'emails nobody yet' "... and says what publishing does"
post bea /organisations/$W/notices/publish posting=$ID
is "$CODE" 303 "publishing: 303"
OCID=$(location | sed 's|.*/notices/||')
like "$OCID" '^ocds-ph4xq1-[0-9]{6}$' "... to the notice's page ($OCID)"
ms=$(searchable telecare+wearside "$OCID")
ok $([ -n "$ms" ] && [ "$ms" -lt $SEARCHABLE_MS ] && echo 0 || echo 1) "the search API finds it (${ms:-never} ms; bound $SEARCHABLE_MS ms)"
code anon "/notices/$OCID"
is "$CODE" 200 "its public page: 200"
like "$(cat "$T/body")" 'Telecare platform for Wearside' "... with its title"
post bea /organisations/$W/notices/publish posting=$ID
is "$CODE" 409 "publishing it again: 409"
code bea /organisations/$W/notices
like "$(cat "$T/body")" "notices/manage\?posting=$ID\">Telecare platform for Wearside</a>.*govuk-tag--green\">published" "the list shows it published, linked to manage it"

# ---- a supplier registers interest ----
post sam "/organisations/$S/profile" size=small region=TLC
is "$CODE" 303 "the supplier gives its size and region on its organisation's page"
code anon "/suppliers/$S"
like "$(cat "$T/body")" 'Small \(10 to 49 staff\).*North East' "... shown on its public profile"
code anon "/suppliers/$W"
is "$CODE" 404 "a buyer has no supplier profile: 404"
post sam "/organisations/$S/profile" size=huge region=TLC
is "$CODE" 400 "a size not on the list: 400"
post sam "/notices/$OCID/interest" "org=$S" action=add
is "$CODE" 303 "a supplier registers interest: 303"

# ---- another organisation: 404 everywhere, nothing changes ----
FP="SELECT (SELECT count(*) FROM posting) || '/' || (SELECT coalesce(sum(releases), 0) FROM posting) || '/' || (SELECT count(*) FROM release) || '/' || (SELECT count(*) FROM outbox) || '/' || (SELECT coalesce(sum(length(body)), 0) FROM posting) || '/' || (SELECT max(updated_at) FROM posting)"
before=$(sql "$db" "$FP")
n404=0
for who in dan sam; do
  [ $who = dan ] && O=$D || O=$S
  for page in "" /new; do code $who "/organisations/$W/notices$page"; [ "$CODE" = 404 ] && n404=$((n404 + 1)); done
  for page in edit preview publish manage cancel; do
    code $who "/organisations/$O/notices/$page?posting=$ID"
    [ "$CODE" = 404 ] && n404=$((n404 + 1)) || echo "# GET $page as $who: $CODE"
  done
  for page in edit publish extend cancel award contract; do
    post $who "/organisations/$O/notices/$page" posting=$ID "title=Hijacked" "why=x" "reason=x" \
      "award-suppliers-0-name=X" award-date-day=1 award-date-month=1 award-date-year=2027 \
      contract-signed-day=1 contract-signed-month=1 contract-signed-year=2027
    [ "$CODE" = 404 ] && n404=$((n404 + 1)) || echo "# POST $page as $who: $CODE"
    post $who "/organisations/$W/notices/$page" posting=$ID "title=Hijacked" "reason=x"
    [ "$CODE" = 404 ] && n404=$((n404 + 1)) || echo "# POST $page on W's path as $who: $CODE"
  done
done
is "$n404" 38 "a member of another organisation: 404 on each page and form, by its own path or the buyer's"
is "$(sql "$db" "$FP")" "$before" "... and nothing changed"

# ---- amend, with why ----
post bea /organisations/$W/notices/edit "${FORM[@]}" "title=Telecare platform for Wearside and Hebburn"
is "$CODE" 422 "amending without saying why: 422"
like "$(cat "$T/body")" 'href="#why">Say why the notice is changing' "... the summary asks why"
post bea /organisations/$W/notices/edit "${FORM[@]}" "title=Telecare platform for Wearside and Hebburn" "why=Hebburn joins the service"
is "$CODE" 303 "amending with a reason: 303"
is "$(location)" "/notices/$OCID" "... to the public page"
public 'Hebburn joins the service' "... which shows why it changed"
like "$(cat "$T/body")" 'Telecare platform for Wearside and Hebburn' "... and the new title"
like "$(mail_text "$T/mail" sam@tyne.test 'Changed:')" 'Hebburn joins the service' "the supplier that registered interest is emailed why"

# ---- extend the deadline ----
post bea /organisations/$W/notices/extend posting=$ID extend-deadline-day=1 extend-deadline-month=12 extend-deadline-year=2026 \
  extend-deadline-time=12:00 "extend-why=More time"
is "$CODE" 422 "an earlier deadline is no extension: 422"
like "$(cat "$T/body")" 'href="#extend-deadline">The new deadline must be later' "... said on the deadline"
post bea /organisations/$W/notices/extend posting=$ID extend-deadline-day=8 extend-deadline-month=1 extend-deadline-year=2027 \
  extend-deadline-time=12:00 "extend-why=Suppliers asked for the holidays"
is "$CODE" 303 "extending the deadline: 303"
public '8 January 2027' "... the page has the new deadline"

# ---- award, contract ----
post bea /organisations/$W/notices/award posting=$ID "award-suppliers-0-name="
is "$CODE" 422 "an award without a winner or a date: 422"
like "$(cat "$T/body")" 'href="#award-date"' "... the date named"
code bea "/organisations/$W/notices/manage?posting=$ID"
like "$(cat "$T/body")" "<option value=\"$S\">Tyne Digital Co-operative</option>" "the award form offers the suppliers that registered interest"
post bea /organisations/$W/notices/award posting=$ID "award-known=$D" award-date-day=20 award-date-month=1 award-date-year=2027
is "$CODE" 400 "... and refuses an organisation that did not"
sql "$db" "UPDATE organisation SET ch_number = '01234567' WHERE id = $S"
post bea /organisations/$W/notices/award posting=$ID "award-known=$S" award-suppliers-0-sme=yes award-value-amount=180000 \
  award-date-day=20 award-date-month=1 award-date-year=2027 award-standstillEnd-day=30 award-standstillEnd-month=1 award-standstillEnd-year=2027
is "$CODE" 303 "awarding to the supplier chosen from the list: 303"
like "$(curl -s "$B/notices/$OCID.ocds.json")" '"suppliers":\[\{"id":"GB-COH-01234567","name":"Tyne Digital Co-operative"\}\]' \
  "... the award names it with its Companies House number"
code bea "$(location)"
like "$(cat "$T/body")" 'The award is published' "... the manage page says so"
like "$(cat "$T/body")" "<a class=\"govuk-link\" href=\"/suppliers/$S\">Tyne Digital Co-operative</a> \(Small \(10 to 49 staff\); North East\), registered" \
  "... and lists the supplier that registered interest: name, size, region, a link to its profile"
post bea /organisations/$W/notices/contract posting=$ID contract-signed-day=5 contract-signed-month=2 contract-signed-year=2027 \
  contract-value-amount=180000 contract-start-day=1 contract-start-month=3 contract-start-year=2027
is "$CODE" 303 "the contract's details: 303"
public 'Tyne Digital Co-operative' "the public page names the winner"
is "$(sql "$db" "SELECT awards || '/' || contracts || '/' || amendments FROM posting WHERE id = $ID")" 1/1/2 "the store counts one award, one contract, two amendments"

# ---- a pipeline notice, then the tender under the same ocid ----
post bea /organisations/$W/notices/new action=preview stage=pipeline "title=Smart street lighting" \
  "description=We expect to tender in March for about £200k." expected=2027-03 value-amount=200000
is "$CODE" 303 "an upcoming (pipeline) notice saved for preview: 303"
PID=$(location | sed 's/.*posting=\([0-9]*\).*/\1/')
post bea /organisations/$W/notices/publish posting=$PID
PIPE=$(location | sed 's|.*/notices/||')
is "$CODE" 303 "... published ($PIPE)"
post bea /organisations/$W/notices/edit posting=$PID "${FORM[@]:1}" "title=Smart street lighting" "why=The tender is out"
is "$CODE/$(location)" "303//notices/$PIPE" "... changed into the tender, under the same ocid"
is "$(sql "$db" "SELECT stage || '/' || ocid FROM posting WHERE id = $PID")" "tender/$PIPE" "... the store has it as the tender"

# ---- cancel ----
code bea "/organisations/$W/notices/cancel?posting=$ID"
like "$(cat "$T/body")" 'Are you sure you want to cancel' "cancelling asks first"
post bea /organisations/$W/notices/cancel posting=$ID reason=
is "$CODE" 422 "cancelling without a reason: 422"
post bea /organisations/$W/notices/cancel posting=$ID "reason=The budget was withdrawn"
is "$CODE" 303 "cancelling: 303"
public 'The budget was withdrawn' "the public page gives the reason"
is "$(sql "$db" "SELECT status FROM posting WHERE id = $ID")" cancelled "the posting is cancelled"
post bea /organisations/$W/notices/edit "${FORM[@]}" "title=Again" "why=Again"
is "$CODE" 409 "a cancelled notice changes no more: 409"
ok $(grep -q 'powerhouse' "$T/cli.err" 2>/dev/null && echo 1 || echo 0) "the command line refused nothing"
done_testing
