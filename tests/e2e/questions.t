#!/usr/bin/env bash
# questions.t -- questions and answers through the pages (issue 12), over
# loopback, mail through a real SMTP server (tests/smtp_sink.py): a buyer
# posts a notice (API); a supplier registers interest; another supplier asks
# through the form -- the question is in no public page, API answer or
# release; the buyer sees it in its unanswered list with the asker's name,
# edits it and answers through the form; the notice page shows "Question 1"
# with the edited question and the answer, never the asker; the interested
# supplier is emailed; another organisation's member cannot answer (404,
# nothing changed); a second server later than the enquiry deadline, on the
# same store, refuses to take a question. Runs on both backends.
. "$(dirname "$0")/lib.sh"

NOW=2026-11-06T12:00:00Z
LATE=2026-12-11T09:00:00Z # after the notice's enquiry deadline, before its deadline
db=$(newdb questions)
printf '%s\n' 'Wensleydale-curd-42' >"$T/pw"
add() { "$PH" user add "$@" --password-file "$T/pw" --db "$db" >/dev/null 2>>"$T/cli.err"; }
add bea@wearside.test --name 'Bea Buyer' --org 'Wearside Borough Council' --kind buyer --sector public
add olly@other.test --name 'Olly Other' --org 'Other Borough Council' --kind buyer --sector public
add sam@tyne.test --name 'Sam Supplier' --org 'Tyne Digital Co-operative' --kind supplier
add quin@pennine.test --name 'Quinn Questioner' --org 'Pennine Code Ltd' --kind supplier
ok $? "set-up: two buyers and two suppliers made from the command line"
TB=$("$PH" token create bea@wearside.test --db "$db" 2>/dev/null)
org() { sql "$db" "SELECT id FROM organisation WHERE name = '$1'"; }
BORG=$(org 'Wearside Borough Council') OORG=$(org 'Other Borough Council') SUP=$(org 'Tyne Digital Co-operative')
QORG=$(org 'Pennine Code Ltd')

MAIL=$T/smtp
smtp_sink "$MAIL"
serve "$db" --now "$NOW" --smtp "smtp://127.0.0.1:$SMTP_PORT" --mail-from portal@example.org
trap 'kill $spid $sink 2>/dev/null; cleanup_db; rm -rf "$T"' EXIT

csrf() { grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | sed 's/.*value="//; s/"$//'; }
# login JAR EMAIL: signs in through the form
login() {
  rm -f "$1"
  curl -s -c "$1" -b "$1" "$B/account/login" >"$T/login"
  curl -s -o /dev/null -c "$1" -b "$1" --data-urlencode "csrf=$(csrf "$T/login")" --data-urlencode "email=$2" \
    --data-urlencode password=Wensleydale-curd-42 "$B/account/login"
}
# get JAR PATH: the page into $T/page, its status printed
get() { curl -s -o "$T/page" -w '%{http_code}' -c "$1" -b "$1" "$B$2"; }
# post JAR PATH FIELD=VALUE...: with the CSRF token of the last page got; status printed
post() {
  local jar=$1 path=$2
  shift 2
  local args=()
  for f in "$@"; do args+=(--data-urlencode "$f"); done
  curl -s -o "$T/csrf" -c "$jar" -b "$jar" "$B/account"
  curl -s -o "$T/posted" -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "csrf=$(csrf "$T/csrf")" "${args[@]}" "$B$path"
}
unlike() { ok $(printf '%s' "$1" | grep -qE "$2" && echo 1 || echo 0) "$3"; }
fp() { sql "$db" "SELECT (SELECT count(*) FROM question) || '/' || (SELECT count(*) FROM question WHERE answer IS NOT NULL) || '/' || (SELECT count(*) FROM release) || '/' || (SELECT count(*) FROM outbox)"; }

# ---- the notice, and a supplier's interest -----------------------------------------
TENDER='{"title": "Telecare platform for Wearside", "description": "A telecare platform for 4,000 residents.",
 "cpv": ["85300000"], "value": {"amount": 200000, "currency": "GBP"}, "procedure": "open",
 "deadline": "2026-12-18T12:00:00Z", "enquiryDeadline": "2026-12-10T12:00:00Z",
 "apply": {"route": "link", "to": "https://wearside.example/tenders/telecare"}}'
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TB" -H 'Content-Type: application/json' \
  --data-binary "$TENDER" "$B/api/v1/notices")
is "$code" 201 "the buyer posts a notice through the API"
OCID=$(node tests/e2e/json.mjs get "$T/body" ocid 2>/dev/null)
page=$(curl -s "$B/notices/$OCID")
like "$page" "href=\"/notices/$OCID/questions\">Ask a question" "the notice page links to ask a question while it is open"
like "$page" "href=\"/notices/$OCID/interest\">Register interest" "... and to register interest"
like "$page" 'No answers have been published yet' "... and says no answer is published yet"

S=$T/sam.jar Q=$T/quin.jar BJ=$T/bea.jar O=$T/olly.jar
login "$S" sam@tyne.test
get "$S" "/notices/$OCID/interest" >/dev/null
is "$(post "$S" "/notices/$OCID/interest" "org=$SUP" action=add)" 303 "a supplier registers interest through its form"

# ---- a supplier asks ----------------------------------------------------------------------
is "$(curl -s -o /dev/null -w '%{http_code}' "$B/notices/$OCID/questions")" 303 "asking needs signing in (to the sign-in page)"
login "$Q" quin@pennine.test
is "$(get "$Q" "/notices/$OCID/questions")" 200 "a signed-in supplier gets the form to ask"
like "$(cat "$T/page")" 'stays private until the buyer answers' "... it says the question stays private until answered"
like "$(cat "$T/page")" 'Who asked is never published' "... and that who asked is never published"
like "$(cat "$T/page")" "name=\"org\" value=\"$QORG\"" "... asking for its one organisation"
is "$(post "$Q" "/notices/$OCID/questions" "org=$QORG" 'question=')" 400 "an empty question is refused"
like "$(cat "$T/posted")" 'Enter your question' "... saying what to do"
long=$(head -c 4001 /dev/zero | tr '\0' 'a')
is "$(post "$Q" "/notices/$OCID/questions" "org=$QORG" "question=$long")" 400 "a question over POSTING_QUESTION_MAX bytes is refused"
is "$(post "$Q" "/notices/$OCID/questions" "org=$SUP" 'question=Hijack?')" 400 "asking for an organisation one is not a member of is refused"
is "$(sql "$db" "SELECT count(*) FROM question")" 0 "... none of them stored"
is "$(post "$Q" "/notices/$OCID/questions" "org=$QORG" 'question=Quinn from Pennine Code here: is the alarm centre staffed 24/7?')" 303 \
  "the supplier asks through the form"
is "$(get "$Q" "/notices/$OCID/questions?done=sent")" 200 "... and is told it was sent"
like "$(cat "$T/page")" 'Your question has been sent to the buyer' "... with a banner"
QID=$(sql "$db" "SELECT id FROM question")
is "$(sql "$db" "SELECT asker_org FROM question WHERE id = $QID")" "$QORG" "... stored with the asking organisation"
sleep 0.3
curl -s "$B/notices/$OCID" >"$T/p1"
curl -s "$B/api/v1/notices/$OCID" >"$T/a1"
curl -s "$B/notices/$OCID.ocds.json" >"$T/r1"
unlike "$(cat "$T/p1" "$T/a1" "$T/r1")" '24/7|Pennine|Quinn' "an unanswered question is in no public page, API answer or release"

# ---- the buyer ------------------------------------------------------------------------------
login "$BJ" bea@wearside.test
is "$(get "$BJ" "/organisations/$BORG/questions")" 200 "the buyer's list of questions"
l=$(cat "$T/page")
like "$l" 'is the alarm centre staffed 24/7' "... has the unanswered question"
like "$l" 'Quinn Questioner, Pennine Code Ltd' "... with who asked (name and organisation), only here"
like "$l" 'Telecare platform for Wearside' "... and the notice's title"
like "$l" "href=\"/organisations/$BORG/questions/answer\\?question=$QID\"" "... and a link to answer it"
is "$(get "$BJ" "/organisations/$BORG/questions/answer?question=$QID")" 200 "the answer form"
like "$(cat "$T/page")" 'name="public_question"[^>]*>Quinn from Pennine Code here' "... the question pre-filled, to edit"

# another organisation's member: 404 and nothing changed
login "$O" olly@other.test
before=$(fp)
is "$(get "$O" "/organisations/$BORG/questions")" 404 "another buyer's member cannot see the buyer's questions: 404"
is "$(get "$O" "/organisations/$OORG/questions/answer?question=$QID")" 404 "... nor the answer form through its own organisation: 404"
get "$O" "/organisations/$OORG/questions" >/dev/null
unlike "$(cat "$T/page")" 'Quinn|24/7' "... its own list does not have the question"
is "$(post "$O" "/organisations/$OORG/questions/answer" "question_id=$QID" 'answer=Mine now')" 404 "... nor answer it: 404"
is "$(post "$Q" "/organisations/$QORG/questions/answer" "question_id=$QID" 'answer=Self-answered')" 404 "... nor the supplier that asked: 404"
is "$(fp)" "$before" "... and nothing changed"

get "$BJ" "/organisations/$BORG/questions/answer?question=$QID" >/dev/null
is "$(post "$BJ" "/organisations/$BORG/questions/answer" "question_id=$QID" 'public_question=Is the alarm centre staffed 24/7?' 'answer=')" 400 \
  "an empty answer is refused"
is "$(post "$BJ" "/organisations/$BORG/questions/answer" "question_id=$QID" 'public_question=Is the alarm centre staffed 24/7?' \
  $'answer=Yes, every day of the year.\n\nThe centre is in Sunderland.')" 303 "the buyer edits the question and publishes the answer"
is "$(get "$BJ" "/organisations/$BORG/questions?done=answered&number=1")" 200 "... back to the list"
like "$(cat "$T/page")" 'No question is waiting for an answer' "... which has no unanswered question now"
like "$(cat "$T/page")" 'Question 1, answered' "... and lists it with its number among the answered"
is "$(post "$BJ" "/organisations/$BORG/questions/answer" "question_id=$QID" 'answer=Again')" 409 "answering twice is refused"
sleep 0.3
curl -s "$B/notices/$OCID" >"$T/p2"
curl -s "$B/api/v1/notices/$OCID" >"$T/a2"
curl -s "$B/notices/$OCID.ocds.json" >"$T/r2"
p2=$(cat "$T/p2")
like "$p2" 'Question 1</h3>' "the notice page shows Question 1"
like "$p2" 'Is the alarm centre staffed 24/7\?' "... the question as edited"
like "$p2" '<p class="govuk-body">Yes, every day of the year.</p>' "... the answer"
like "$p2" '<p class="govuk-body">The centre is in Sunderland.</p>' "... in its paragraphs"
like "$p2" 'Answered 1[0-9]? November 2026|Answered 6 November 2026' "... dated"
like "$(cat "$T/r2")" '"title":"Question 1","description":"Is the alarm centre staffed 24/7\?"' "the answer is in the release"
unlike "$(cat "$T/p2" "$T/a2" "$T/r2")" 'Pennine|Quinn|quin@' "the asker is named in no page, API answer or release"
m=$(mail_text "$MAIL" sam@tyne.test 'New answer: Telecare')
like "$m" 'Yes, every day of the year' "the interested supplier got the answer by email (through the SMTP server)"
unlike "$m" 'Pennine|Quinn' "... which does not name the asker"

# ---- after the enquiry deadline: a second server, later, on the same store ------------------
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
serve "$db" --now "$LATE"
login "$Q" quin@pennine.test
before=$(fp)
is "$(get "$Q" "/notices/$OCID/questions")" 200 "after the enquiry deadline the ask page ..."
like "$(cat "$T/page")" 'You cannot ask a question about this notice' "... says questions are closed"
unlike "$(cat "$T/page")" 'name="question"' "... and has no form"
is "$(post "$Q" "/notices/$OCID/questions" "org=$QORG" 'question=Too late?')" 409 "a question posted anyway is refused: 409"
is "$(fp)" "$before" "... and not stored"
page=$(curl -s "$B/notices/$OCID")
unlike "$page" 'Ask a question' "the notice page no longer links to ask"
like "$page" 'Register interest' "... but still to register interest"

ok $([ -s "$T/cli.err" ] && echo 1 || echo 0) "the command line refused nothing"
done_testing
