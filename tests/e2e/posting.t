#!/usr/bin/env bash
# posting.t -- notices posted on the portal through the API for buyers'
# systems (issue 12), over loopback, mail through a real SMTP server
# (tests/smtp_sink.py, Debian's python3-aiosmtpd): a verified public buyer
# posts -> the search finds it within a second -> its page -> its OCDS record
# package is valid against the 1.1.5 schema with the UK extension; a supplier
# registers interest; amend (what changed shown on the page, the supplier
# emailed), a question private until answered (the asker never named in any
# page, API answer or release), award, contract, cancel; a private buyer's
# notice; a pipeline notice turned into the tender under the same ocid; a
# draft; a supplier's sub-contract of a contract it won; problems named per
# field; other organisations, unverified buyers and missing tokens refused
# with nothing changed. Runs on both backends.
. "$(dirname "$0")/lib.sh"

NOW=2026-11-06T12:00:00Z
db=$(newdb posting)
printf '%s\n' 'Wensleydale-curd-42' >"$T/pw"
add() { "$PH" user add "$@" --password-file "$T/pw" --db "$db" >/dev/null 2>>"$T/cli.err"; }
add bea@wearside.test --name 'Bea Buyer' --org 'Wearside Borough Council' --kind buyer --sector public
add pat@rail.test --name 'Pat Private' --org 'Northern Rail Services Ltd' --kind buyer --sector private
add sam@tyne.test --name 'Sam Supplier' --org 'Tyne Digital Co-operative' --kind supplier
add quin@pennine.test --name 'Quinn Questioner' --org 'Pennine Code Ltd' --kind supplier
add pen@pending.test --name 'Pen Pending' --org 'Pending Council' --kind buyer --sector public
ok $? "set-up: buyers and suppliers made from the command line"
sql "$db" "UPDATE organisation SET status = 'pending' WHERE name = 'Pending Council'"
tok() { "$PH" token create "$1" --db "$db" 2>/dev/null; }
TB=$(tok bea@wearside.test) TP=$(tok pat@rail.test) TS=$(tok sam@tyne.test) TQ=$(tok quin@pennine.test)
TX=$(tok pen@pending.test)
ok $([ ${#TB} -ge 40 ] && [ ${#TX} -ge 40 ] && echo 0 || echo 1) "set-up: an API token for each"

# ---- the SMTP server, then the portal ----------------------------------------------
MAIL=$T/smtp
smtp_sink "$MAIL"
serve "$db" --now "$NOW" --smtp "smtp://127.0.0.1:$SMTP_PORT" --mail-from portal@example.org
trap 'kill $spid $sink 2>/dev/null; cleanup_db; rm -rf "$T"' EXIT

# api TOKEN PATH JSON: a POST; the status printed, the body in $T/body
api() {
  curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' --data-binary "$3" "$B$2"
}
j() { node tests/e2e/json.mjs get "$T/body" "$1" 2>/dev/null; }
# documented METHOD PATH STATUS: the last answer ($T/body) is what docs/openapi.json says of it
documented() {
  out=$(node tests/openapi_check.mjs docs/openapi.json "$@" "$T/body" 2>&1)
  is "$out" valid "... as docs/openapi.json says of $1 $2 $3"
}
# page OCID REGEX: the notice's page once it matches (a change is on its page
# within 1 s: the page cache follows the store's changes), else as it is then
page() {
  local got
  for _ in $(seq 1 120); do
    got=$(curl -s "$B/notices/$1")
    printf '%s' "$got" | grep -qE "$2" && break
    sleep 0.025
  done
  printf '%s' "$got"
}
# fingerprint of everything a refused call must not change
fp() { sql "$db" "SELECT (SELECT count(*) FROM posting) || '/' || (SELECT coalesce(sum(releases), 0) FROM posting) || '/' || (SELECT count(*) FROM release) || '/' || (SELECT count(*) FROM question) || '/' || (SELECT count(*) FROM outbox)"; }
V="node tests/schema/validate.mjs --extension $SHARED/data/ocds/schema/extensions/ocds_uk_extension"
# mail_to ADDR SUBJECT: the newest message to ADDR whose subject starts so
mail_to() { mail_text "$MAIL" "$@" | sed 's/=E2=86=92/→/g'; }

TENDER='{"title": "Telecare platform for Wearside", "description": "We need a telecare platform for 4,000 residents.\n\n- alarm handling\n- remote monitoring",
 "cpv": ["85300000", "72000000"], "value": {"min": 150000, "max": 200000, "currency": "GBP"},
 "procedure": "open", "deadline": "2026-12-18T12:00:00Z", "enquiryDeadline": "2026-12-10T12:00:00Z",
 "contractStart": "2027-02-01", "contractEnd": "2029-01-31", "extension": "Two further years, one at a time",
 "regions": ["TLC3"], "postcodes": ["sr1 3aa"], "sme": true, "vcse": true,
 "lots": [{"title": "Alarm receiving centre", "value": {"amount": 120000}}, {"title": "Installation", "cpv": ["50000000"]}],
 "criteria": [{"name": "Quality", "weight": 60}, {"name": "Price", "weight": 40}],
 "apply": {"route": "link", "to": "https://wearside.example/tenders/telecare"},
 "contact": {"name": "Procurement team", "email": "procurement@wearside.example"}}'

# ---- post, search, page, record package ------------------------------------------
is "$(api "$TB" /api/v1/notices "$TENDER")" 201 "POST /api/v1/notices with a verified buyer's token: 201"
OCID=$(j ocid)
documented POST /api/v1/notices 201
ms=$(searchable telecare+wearside "$OCID") # from the answer: the change is committed
like "$OCID" '^ocds-ph4xq1-[0-9]{6}$' "... it returns the ocid, with the portal's prefix ($OCID)"
is "$(j url)" "$B/notices/$OCID" "... and the notice's page"
like "$(grep -i '^location:' "$T/head" | tr -d '\r')" "/notices/$OCID\$" "... Location: the page"
ok $([ -n "$ms" ] && [ "$ms" -lt $SEARCHABLE_MS ] && echo 0 || echo 1) \
  "the search finds it (${ms:-never} ms after the POST was answered; bound $SEARCHABLE_MS ms, bench/posting.py holds 1 s)"
echo "# FIGURE posted to searchable: $ms ms"
page=$(page "$OCID" 'Telecare')
for want in 'Telecare platform for Wearside' 'Wearside Borough Council' 'Alarm receiving centre' 'Quality: 60%' \
  'Apply online: https://wearside.example/tenders/telecare'; do
  like "$page" "$want" "the notice page shows '$want'"
done
like "$(curl -s "$B/api/v1/notices/$OCID")" '"status":"open"' "the API has it, open"
curl -s "$B/notices/$OCID.ocds.json" >"$T/rec.json"
$V --quiet record-package "$T/rec.json" >"$T/v" 2>&1
ok $? "its OCDS record package is valid against the 1.1.5 schema with the UK extension" ; sed 's/^/#   /' "$T/v" | head -5
like "$(cat "$T/rec.json")" '"extensions":\["https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension' "... and declares the extensions it uses"
like "$(cat "$T/rec.json")" '"noticeType":"UK4"' "... a public buyer's tender is Procurement Act notice UK4"
like "$(curl -s "$B/api/v1/notices.ocds.json?q=telecare")" "\"ocid\":\"$OCID\"" "it is in the release package download"

# ---- interest, then an amendment --------------------------------------------------
J=$T/sam.jar
curl -s -c "$J" -b "$J" "$B/account/login" >"$T/login"
csrf() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | sed 's/.*value="//; s/"$//'; }
curl -s -o /dev/null -c "$J" -b "$J" --data-urlencode "csrf=$(csrf "$T/login")" --data-urlencode email=sam@tyne.test \
  --data-urlencode password=Wensleydale-curd-42 "$B/account/login"
curl -s -c "$J" -b "$J" "$B/notices/$OCID/interest" >"$T/interest"
like "$(cat "$T/interest")" 'Register the interest of Tyne Digital Co-operative' "a signed-in supplier is offered to register interest"
SUP=$(sql "$db" "SELECT id FROM organisation WHERE name = 'Tyne Digital Co-operative'")
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$J" -b "$J" --data-urlencode "csrf=$(csrf "$T/interest")" \
  -d "org=$SUP" -d action=add "$B/notices/$OCID/interest")
is "$code" 303 "... registers it"
is "$(sql "$db" "SELECT count(*) FROM interest")" 1 "... and it is recorded"
like "$(curl -s "$B/notices/$OCID")" 'Telecare' "the public page stays the same for everybody"
unlike() { ok $(printf '%s' "$1" | grep -qE "$2" && echo 1 || echo 0) "$3"; }

is "$(api "$TB" "/api/v1/notices/$OCID/amendments" '{"rationale": "More time for site visits", "deadline": "2026-12-22T12:00:00Z"}')" 200 \
  "an amendment: 200"
is "$(j amendment)" amendment-1 "... named amendment-1"
documented POST '/api/v1/notices/{ocid}/amendments' 200
page=$(page "$OCID" 'More time for site visits')
like "$page" 'More time for site visits' "the page shows why it changed"
like "$page" 'Deadline: 18 December 2026, 12:00pm → 22 December 2026, 12:00pm' "... and what changed"
m=$(mail_to sam@tyne.test 'Changed: Telecare')
like "$m" 'More time for site visits' "the interested supplier got the amendment email through the SMTP server"
like "$m" "/notices/$OCID" "... linking to the notice"

# ---- a question, private until answered -------------------------------------------
is "$(api "$TQ" "/api/v1/notices/$OCID/questions" '{"question": "Quinn from Pennine Code here: is the alarm centre 24/7?"}')" 201 \
  "a supplier asks a question: 201"
QID=$(j id)
documented POST '/api/v1/notices/{ocid}/questions' 201
is "$(j status)" waiting "... it waits for the buyer"
curl -s "$B/notices/$OCID" >"$T/p1"
curl -s "$B/api/v1/notices/$OCID" >"$T/a1"
curl -s "$B/notices/$OCID.ocds.json" >"$T/r1"
unlike "$(cat "$T/p1" "$T/a1" "$T/r1")" '24/7|Pennine|Quinn' "an unanswered question is in no page, API answer or release"
is "$(api "$TP" "/api/v1/questions/$QID/answer" '{"answer": "No."}')" 403 "another buyer cannot answer it: 403"
is "$(api "$TB" "/api/v1/questions/$QID/answer" '{"answer": "Yes, every day of the year.", "question": "Is the alarm centre staffed 24/7?"}')" 200 \
  "the buyer answers, editing the question: 200"
is "$(j number)" 1 "... it is question 1"
documented POST '/api/v1/questions/{id}/answer' 200
is "$(api "$TB" "/api/v1/questions/$QID/answer" '{"answer": "Again"}')" 409 "... answering twice: 409"
curl -s "$B/notices/$OCID" >"$T/p2"
curl -s "$B/api/v1/notices/$OCID" >"$T/a2"
curl -s "$B/notices/$OCID.ocds.json" >"$T/r2"
like "$(cat "$T/r2")" '"enquiries":\[\{"id":"q-[0-9]+","title":"Question 1","description":"Is the alarm centre staffed 24/7\?","answer":"Yes, every day of the year.' \
  "the answer is in the release (tender.enquiries)"
unlike "$(cat "$T/p2" "$T/a2" "$T/r2")" 'Pennine|Quinn|quin@' "the asker is named in no page, API answer or release"
like "$(mail_to sam@tyne.test 'New answer: Telecare')" 'Yes, every day of the year' "the interested supplier got the answer by email"

# ---- award, contract -----------------------------------------------------------------
is "$(api "$TB" "/api/v1/notices/$OCID/contracts" '{"signed": "2027-01-20"}')" 409 "a contract before any award: 409"
is "$(api "$TB" "/api/v1/notices/$OCID/awards" '{"suppliers": [{"name": "Tyne Digital Co-operative", "identifier": "GB-COH-01234567", "sme": true}], "value": {"amount": 185000}, "date": "2027-01-05", "standstillEnd": "2027-01-15"}')" 201 \
  "an award: 201"
documented POST '/api/v1/notices/{ocid}/awards' 201
is "$(api "$TB" "/api/v1/notices/$OCID/contracts" '{"signed": "2027-01-20", "value": {"amount": 185000}, "start": "2027-02-01", "end": "2029-01-31"}')" 201 \
  "the contract: 201"
sleep 0.3
like "$(curl -s "$B/api/v1/notices/$OCID")" '"winner":"Tyne Digital Co-operative"|Tyne Digital Co-operative' "the API shows the winner"
curl -s "$B/notices/$OCID.ocds.json" >"$T/rec2.json"
$V --quiet record-package "$T/rec2.json" >"$T/v" 2>&1
ok $? "after amendment, answer, award and contract the record package is still valid" ; sed 's/^/#   /' "$T/v" | head -5
like "$(cat "$T/rec2.json")" '"tag":\["tender"\].*"tag":\["tenderAmendment"\].*"tag":\["tenderUpdate"\].*"tag":\["award"\].*"tag":\["contract"\]' \
  "... its releases: tender, tenderAmendment, tenderUpdate, award, contract, in order"

# ---- a sub-contract by the winner -----------------------------------------------------
SUB='{"title": "Sub-contract: alarm installation in Sunderland", "description": "Installing 500 alarms.", "cpv": ["50000000"],
 "deadline": "2026-12-20T12:00:00Z", "procedure": "open", "apply": {"route": "email", "to": "bids@tyne.example"}, "relatedOcid": "'$OCID'"}'
is "$(api "$TQ" /api/v1/notices "$SUB")" 403 "a supplier that did not win the contract cannot post a sub-contract under it: 403"
is "$(api "$TS" /api/v1/notices "$SUB")" 201 "the winner posts a sub-contracting opportunity: 201"
SUBOCID=$(j ocid)
like "$(curl -s "$B/notices/$SUBOCID.ocds.json")" '"relatedProcesses":\[\{"id":"parent","relationship":\["parent"\]' "... related to the contract (relatedProcesses)"

# ---- documents ----------------------------------------------------------------------
printf '%%PDF-1.4\n%% specification, version one\n%%%%EOF\n' >"$T/spec.pdf"
printf '%%PDF-1.4\n%% specification, version two\n%%%%EOF\n' >"$T/spec2.pdf"
cp "$T/spec.pdf" "$T/lying.docx"
{ printf '%%PDF-1.4\n'; head -c 26300000 /dev/zero; } >"$T/huge.pdf"
up() { curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $1" "${@:3}" "$B/api/v1/notices/$2/documents"; }
files() { find "$T/files" -type f 2>/dev/null | wc -l; }
docs() { sql "$db" "SELECT count(*) FROM document"; }
is "$(up "$TB" "$OCID" -F "file=@$T/spec.pdf;filename=Specification v1.pdf")" 201 "a document uploaded through the API: 201"
D1=$(j id)
documented POST '/api/v1/notices/{ocid}/documents' 201
is "$(j sha256)" "$(sha256sum "$T/spec.pdf" | cut -c1-64)" "... its SHA-256 is the file's"
curl -s -D "$T/dh" -o "$T/got.pdf" "$B/documents/$D1"
cmp -s "$T/got.pdf" "$T/spec.pdf"
ok $? "... downloaded, the same bytes"
dh=$(tr -d '\r' <"$T/dh")
like "$dh" "Content-Disposition: attachment; filename=\"Specification v1.pdf\"" "... as an attachment with its name"
like "$dh" 'Content-Type: application/pdf' "... the type sniffed"
like "$dh" 'X-Content-Type-Options: nosniff' "... and nosniff"
is "$(up "$TB" "$OCID" -F "file=@$T/spec2.pdf;filename=Specification v2.pdf" -F "replaces=$D1")" 201 "a new version replaces it: 201"
D2=$(j id)
curl -s "$B/notices/$OCID.ocds.json" >"$T/recd.json"
like "$(cat "$T/recd.json")" "\"id\":\"doc-$D2\",\"documentType\":\"biddingDocuments\",\"title\":\"Specification v2.pdf\",\"url\":\"$B/documents/$D2\",\"format\":\"application/pdf\".*SHA-256 $(sha256sum "$T/spec2.pdf" | cut -c1-64); replaces doc-$D1" \
  "the release lists the new version with its hash, and what it replaces"
like "$(page "$OCID" 'v1.pdf \(replaced')" "Specification v1.pdf \(replaced by a newer version\)" "the page keeps the old version, marked replaced"
is "$(curl -s -o /dev/null -w '%{http_code}' "$B/documents/$D1")" 200 "... still downloadable"
$V --quiet record-package "$T/recd.json" >"$T/v" 2>&1
ok $? "the record package with documents is valid"
before="$(docs)/$(files)"
is "$(up "$TB" "$OCID" -F "file=@$T/lying.docx")" 422 "a PDF named .docx: 422"
like "$(j detail)" 'must be a Word document' "... saying so"
is "$(up "$TB" "$OCID" -F "file=@$T/spec.pdf;filename=../../etc/spec.pdf")" 422 "a name with a folder in it: 422"
is "$(up "$TB" "$OCID" -F "file=@$T/huge.pdf")" 413 "a file over 25 MB: 413"
is "$(up "$TP" "$OCID" -F "file=@$T/spec.pdf")" 403 "another organisation's token: 403"
is "$(up "$TB" "$OCID" -F "file=@$T/spec.pdf" -F "replaces=999999")" 422 "replacing a document that is not the notice's: 422"
is "$(docs)/$(files)" "$before" "... and none of them stored anything"
# the form: the buyer signs in, uploads with its CSRF token
BJ=$T/bea.jar
curl -s -c "$BJ" -b "$BJ" "$B/account/login" >"$T/login"
curl -s -o /dev/null -c "$BJ" -b "$BJ" --data-urlencode "csrf=$(csrf "$T/login")" --data-urlencode email=bea@wearside.test \
  --data-urlencode password=Wensleydale-curd-42 "$B/account/login"
curl -s -c "$BJ" -b "$BJ" "$B/notices/$OCID/documents" >"$T/docs"
like "$(cat "$T/docs")" 'enctype="multipart/form-data"' "the buyer's documents page has an upload form"
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$BJ" -b "$BJ" -F "csrf=$(csrf "$T/docs")" -F "file=@$T/spec.pdf;filename=Pricing schedule.pdf" \
  "$B/notices/$OCID/documents")
is "$code" 303 "... a document uploaded through the form"
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$BJ" -b "$BJ" -F "file=@$T/spec.pdf" "$B/notices/$OCID/documents")
is "$code" 403 "... not without the form's CSRF token"
like "$(page "$OCID" 'Pricing schedule')" 'Pricing schedule.pdf' "... and it is on the public page"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "$J" "$B/notices/$OCID/documents")" 404 "a supplier's member cannot open the buyer's documents page"

# ---- cancel, private buyer, pipeline -> tender, draft ---------------------------------
is "$(api "$TB" "/api/v1/notices/$OCID/cancellation" '{"reason": "The service is being brought in house."}')" 200 "a cancellation: 200"
like "$(page "$OCID" 'brought in house')" 'brought in house' "the page says why it was cancelled"
like "$(mail_to sam@tyne.test 'Cancelled: Telecare')" 'brought in house' "the interested supplier got the cancellation by email"
curl -s "$B/notices/$OCID.ocds.json" >"$T/rec3.json"
$V --quiet record-package "$T/rec3.json" >"$T/v" 2>&1
ok $? "cancelled, with documents, its record package is still valid"
like "$(cat "$T/rec3.json")" '"tag":\["tenderCancellation"\]' "... ending with the tenderCancellation release"
is "$(api "$TB" "/api/v1/notices/$OCID/amendments" '{"rationale": "x", "title": "Again"}')" 409 "a cancelled notice changes no more: 409"

PRIV='{"title": "Passenger information screens", "description": "Screens for 12 stations.", "cpv": ["32000000"],
 "deadline": "2026-11-20T12:00:00Z", "procedure": "open", "apply": {"route": "note", "to": "Send a short proposal by post."}}'
is "$(api "$TP" /api/v1/notices "$PRIV")" 201 "a private buyer posts with a 14-day open tender: 201"
like "$(cat "$T/body")" '"warnings":\[\{"field":"deadline","message":"[^"]*25 days' "... with a warning about the 25-day period, not a refusal"
PRIVOCID=$(j ocid)
like "$(curl -s "$B/notices/$PRIVOCID.ocds.json")" '"classifications":\[\{"scheme":"POWERHOUSE-SECTOR","id":"private"' "... its buyer is marked private sector"
is "$(api "$TB" /api/v1/notices "${PRIV/Passenger/Council}")" 422 "a public buyer with the same 14-day open tender: 422"
like "$(cat "$T/body")" '"errors":\[\{"field":"deadline","message":"[^"]*25 days' "... naming the deadline and the 25 days"

is "$(api "$TB" /api/v1/notices '{"stage": "pipeline", "title": "Smart street lighting", "description": "We expect to tender in March for about £200k.", "expected": "2027-03", "value": {"amount": 200000}}')" 201 \
  "a pipeline notice: 201"
PIPE=$(j ocid)
like "$(page "$PIPE" 'Upcoming')" 'Upcoming \(pipeline\)' "... shown as upcoming"
is "$(api "$TB" "/api/v1/notices/$PIPE/amendments" '{"rationale": "The tender is out", "stage": "tender", "cpv": ["34993000"], "deadline": "2027-01-08T12:00:00Z", "procedure": "open", "apply": {"route": "link", "to": "https://wearside.example/lighting"}}')" 200 \
  "... turned into the tender under the same ocid: 200"
is "$(j ocid)" "$PIPE" "... the ocid is kept"
like "$(curl -s "$B/api/v1/notices/$PIPE")" '"status":"open"' "... and it is open for bids"

is "$(api "$TB" /api/v1/notices '{"title": "Half-written", "description": "To finish", "draft": true}')" 201 "a draft: 201"
is "$(j status)/$(j ocid)" "draft/null" "... saved, with no ocid and nothing public"

# ---- refusals: each changes nothing ---------------------------------------------------
before=$(fp)
is "$(api "$TX" /api/v1/notices "$TENDER")" 403 "a buyer waiting for verification: 403"
is "$(api "$TQ" /api/v1/notices "$TENDER")" 403 "a supplier posting a tender: 403"
is "$(api "$TP" "/api/v1/notices/$PIPE/amendments" '{"rationale": "mine now", "title": "Hijacked"}')" 403 "another organisation's token amends: 403"
is "$(api "$TP" "/api/v1/notices/$PIPE/awards" '{"suppliers": [{"name": "X"}], "date": "2027-01-05"}')" 403 "... awards: 403"
is "$(api "$TP" "/api/v1/notices/$PIPE/cancellation" '{"reason": "no"}')" 403 "... cancels: 403"
is "$(curl -s -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' -d "$TENDER" "$B/api/v1/notices")" 401 "no token: 401"
is "$(api not-a-token /api/v1/notices "$TENDER")" 401 "an unknown token: 401"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "$J" -H 'Content-Type: application/json' -d "$TENDER" "$B/api/v1/notices")" 401 \
  "a signed-in browser session without a token: 401 (no cookie is read here)"
is "$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TB" -d 'title=x' "$B/api/v1/notices")" 415 "a form body: 415"
is "$(api "$TB" /api/v1/notices '{"title": ')" 400 "broken JSON: 400"
is "$(api "$TB" /api/v1/notices '{"title": "", "cpv": ["123"], "deadline": "next week", "lots": [{"title": ""}], "colour": "red"}')" 422 \
  "a body with many problems: 422"
documented POST /api/v1/notices 422
fields=$(node -e 'const b=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(b.errors.map(e=>e.field).sort().join(" "))' "$T/body")
for f in title description 'cpv\[0\]' deadline 'lots\[0\].title' colour; do like " $fields " " $f " "... naming $f"; done
{ printf '{"title": "'; head -c 300000 /dev/zero | tr '\0' 'a'; printf '"}'; } >"$T/big.json"
is "$(api "$TB" /api/v1/notices @"$T/big.json")" 413 "a body over 256 KiB: 413"
is "$(fp)" "$before" "... and none of them changed anything"

ok $([ -s "$T/cli.err" ] && echo 1 || echo 0) "the command line refused nothing"
done_testing
