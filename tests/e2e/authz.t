#!/usr/bin/env bash
# authz.t -- the authorisation matrix of accounts, organisations and site
# administration (issue 11): every state-changing route (every POST route of
# src/web/app.c, read from it: a route without a row here fails the test) x
# every role -- anonymous, the owner of another organisation B, member, admin
# and owner of organisation A, a site administrator -- allowed exactly where
# it should be (and its effect seen in the store), refused 403/404 everywhere
# else with the store unchanged, including guessed ids of another
# organisation, a nonexistent one and a non-canonical one; the GET pages of
# the same areas; CSRF on every POST route (no token, another session's
# token, no pre-session cookie); API tokens (/api/v1/me) revoked, of a
# removed member, demoted, absent. Runs on both backends.
. "$(dirname "$0")/lib.sh"

db=$(newdb authz)
PWD1='Wensleydale-curd-42'
printf '%s\n' "$PWD1" >"$T/pw"
add() { FP_OK=; "$PH" user add "$@" --db "$db" >/dev/null 2>>"$T/cli.err"; }
add owner@a.test --name 'Olive Owner' --password-file "$T/pw" --org 'Acme Digital' --kind supplier --role owner
add admin@a.test --name 'Adam Admin' --password-file "$T/pw" --org 'Acme Digital' --role admin
add member@a.test --name 'Mia Member' --password-file "$T/pw" --org 'Acme Digital' --role member
add other@b.test --name 'Otto Other' --password-file "$T/pw" --org 'Bolt Works' --kind supplier --role owner
add site@ph.test --name 'Sita Site' --password-file "$T/pw" --site-admin
add spare@a.test --name 'Sam Spare' --password-file "$T/pw"
ok $? "set-up: accounts and organisations made from the command line"
A=$(sql "$db" "SELECT id FROM organisation WHERE name = 'Acme Digital'")
Bo=$(sql "$db" "SELECT id FROM organisation WHERE name = 'Bolt Works'")
uid() { sql "$db" "SELECT id FROM account WHERE email = '$1'"; }
MEMBER_ID=$(uid member@a.test) ADMIN_ID=$(uid admin@a.test) OWNER_ID=$(uid owner@a.test) OTHER_ID=$(uid other@b.test)
SPARE_ID=$(uid spare@a.test) SITE_ID=$(uid site@ph.test)
is "$(sql "$db" "SELECT count(*) FROM membership WHERE org_id = $A")" 3 "set-up: A has an owner, an admin and a member"
# A can claim an organisation of the award data by its Companies House number
sql "$db" "UPDATE organisation SET ch_number = '01234567' WHERE id = $A"
sql "$db" "INSERT INTO org(id, key, name) VALUES(900001, 'GB-COH-01234567', 'ACME DIGITAL LTD')"

serve "$db" --now 2026-11-06T12:00:00Z --mail-dir "$T/mail"
# buyers that post notices (a notice for the interest route; the API's matrix)
add buyer@civic.test --name 'Cleo Civic' --password-file "$T/pw" --org 'Civic Council' --kind buyer --sector public
add buyer@dale.test --name 'Dan Dale' --password-file "$T/pw" --org 'Dale Council' --kind buyer --sector public
add buyer@wait.test --name 'Wes Wait' --password-file "$T/pw" --org 'Waiting Council' --kind buyer --sector public
sql "$db" "UPDATE organisation SET status = 'pending' WHERE name = 'Waiting Council'"
tokc() { "$PH" token create "$@" --db "$db" 2>/dev/null; }
# apic TOKEN PATH JSON: an API POST ("-" as TOKEN: none); the status in $CODE, the body in $T/body
apic() {
  FP_OK=
  local auth=()
  [ "$1" != - ] && auth=(-H "Authorization: Bearer $1")
  curl -s -o "$T/body" -w '%{http_code}' "${auth[@]}" -H 'Content-Type: application/json' --data-binary "$3" "$B$2" >"$T/code"
  read -r CODE <"$T/code"
}
NOTICE_JSON='{"title": "Smart parking sensors", "description": "Sensors for 400 bays.", "cpv": ["34970000"],
  "deadline": "2026-12-20T12:00:00Z", "enquiryDeadline": "2026-12-10T12:00:00Z", "procedure": "open",
  "apply": {"route": "link", "to": "https://civic.example/parking"}}'
T_CIVIC=$(tokc buyer@civic.test)
apic "$T_CIVIC" /api/v1/notices "$NOTICE_JSON"
NOTICE=$(node tests/e2e/json.mjs get "$T/body" ocid)
is "$CODE" 201 "set-up: Civic Council posts a notice ($NOTICE)"
# mail_token TO SUBJECT: the token in the newest mail to TO whose subject
# starts with SUBJECT, from the .eml files the sender writes (the store keeps
# mail bodies sealed)
mail_token() { mail_text "$T/mail" "$@" | grep -o 'token=[A-Za-z0-9_-]*' | head -n 1; }

ROLES="anon other member admin owner site"
declare -A EMAIL=([owner]=owner@a.test [admin]=admin@a.test [member]=member@a.test [other]=other@b.test [site]=site@ph.test)
declare -A CSRF
J=$T/jars
mkdir -p "$J"
csrf_in() { local page; page=$(cat); [[ $page =~ name=\"csrf\"\ value=\"([^\"]*)\" ]] && echo "${BASH_REMATCH[1]}"; }
get() { FP_OK=; curl -s -b "$J/$1" -c "$J/$1" "$B$2"; }
# A fresh page's CSRF token for the role's session (or pre-session).
refresh() { if [ "$1" = anon ]; then CSRF[$1]=$(get "$1" /account/login | csrf_in); else CSRF[$1]=$(get "$1" /account | csrf_in); fi; }
# postc TOKEN JAR PATH FIELD=VALUE...: a form POST ("-" as TOKEN: no csrf
# field); the status in $CODE, the body in $T/body, the headers in $T/head.
# (No command substitution here: a fork less per request keeps the run short.)
postc() {
  local tok=$1 jar=$2 path=$3
  shift 3
  FP_OK=
  local args=()
  [ "$tok" != - ] && args+=(--data-urlencode "csrf=$tok")
  for f in "$@"; do args+=(--data-urlencode "$f"); done
  [ ${#args[@]} -eq 0 ] && args+=(-d '')
  curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' -b "$jar" -c "$jar" "${args[@]}" "$B$path" >"$T/code"
  read -r CODE <"$T/code"
}
post() { local role=$1 path=$2; shift 2; postc "${CSRF[$role]}" "$J/$role" "$path" "$@"; }
sign_in() {
  rm -f "$J/$1"
  local t
  t=$(get "$1" /account/login | csrf_in)
  postc "$t" "$J/$1" /account/login "email=${EMAIL[$1]}" "password=$PWD1"
  refresh "$1"
}
refresh anon
for r in other member admin owner site; do sign_in $r; done
n=0
for r in other member admin owner site; do [ -n "${CSRF[$r]}" ] && grep -q ph_session "$J/$r" && n=$((n + 1)); done
is "$n" 5 "set-up: every role signed in through the form, with a session cookie and a CSRF token"
like "$(grep -i '^set-cookie: ph_session=' "$T/head")" 'ph_session=[A-Za-z0-9_-]{43}; Path=/; Max-Age=[0-9]+; HttpOnly; SameSite=Lax' \
  "set-up: the session cookie is HttpOnly and SameSite=Lax"
ok $([ -n "${CSRF[anon]}" ] && grep -q ph_form "$J/anon" && echo 0 || echo 1) "set-up: the anonymous visitor has a pre-session cookie and token"

# The store's state, to see that a refused request changed nothing.
FP="SELECT (SELECT count(*) FROM audit), (SELECT count(*) FROM throttle), (SELECT count(*) FROM outbox),
  (SELECT count(*) FROM account), (SELECT count(*) FROM account WHERE verified_at IS NOT NULL),
  (SELECT count(*) FROM account WHERE disabled_at IS NOT NULL), (SELECT count(*) FROM organisation),
  (SELECT count(*) FROM organisation WHERE status = 'verified'), (SELECT count(*) FROM organisation WHERE claim_status IS NOT NULL),
  (SELECT count(*) FROM membership), (SELECT count(*) FROM membership WHERE role = 'owner'),
  (SELECT count(*) FROM membership WHERE role = 'admin'), (SELECT count(*) FROM invitation WHERE revoked_at IS NULL AND accepted_at IS NULL),
  (SELECT count(*) FROM api_token WHERE revoked_at IS NULL), (SELECT count(*) FROM account_token), (SELECT count(*) FROM session),
  (SELECT count(*) FROM question), (SELECT count(*) FROM question WHERE answer IS NOT NULL), (SELECT count(*) FROM release)"
# FP_OK=1: $FPV is still the state (every request, command and SQL write
# clears it), so that a run of refusals reads the store once per cell.
fp() { # (sqlite3 without the tokenizer: it starts faster, and these tables do not need it)
  case $db in sqlite:*) sqlite3 "${db#sqlite:}" "$FP" ;; *) lib_sql "$db" "$FP" ;; esac >"$T/fp"
  read -r FPV <"$T/fp"
  FP_OK=1
}
eval "lib_$(declare -f sql)"
sql() { FP_OK=; lib_sql "$@"; }
# allowed WANT ROLE PATH FIELDS...: the status (2xx/3xx) is WANT
allowed() {
  local want=$1 role=$2 path=$3
  shift 3
  post "$role" "$path" "$@"
  is "$CODE" "$want" "POST $path as $role: $want"
}
# refused WANT ROLE PATH FIELDS...: the status is WANT (403/404/400) and the store is unchanged
refused() {
  local want=$1 role=$2 path=$3 before
  shift 3
  [ -n "$FP_OK" ] || fp
  before=$FPV
  post "$role" "$path" "$@"
  is "$CODE" "$want" "POST $path as $role: refused $want"
  [ "$CODE" = "$want" ] || grep -o '<p class="govuk-body">[^<]*' "$T/body" | head -n 2 | sed 's/^/#   /'
  fp
  is "$FPV" "$before" "... and nothing changed"
}

# ---- the route table: every POST route of app.c has a row here ----
# route | anon other member admin owner site (the outcome of a well-formed
# request; "ok" = allowed, else the refusal; "400"/"200" = the handler ran and
# found the form wrong for this person, which is not an authorisation matter)
MATRIX="
/account/register|ok ok ok ok ok ok
/account/login|ok ok ok ok ok ok
/account/logout|ok ok ok ok ok ok
/account/verify|ok 400 400 400 400 400
/account/reset|ok ok ok ok ok ok
/account/name|403 ok ok ok ok ok
/account/email|403 ok ok ok ok ok
/account/password|403 ok ok ok ok ok
/account/delete|403 ok 400 400 400 ok
/account/tokens|403 ok ok ok ok 400
/account/tokens/revoke|403 ok ok ok ok 404
/organisations/new|403 ok ok ok ok ok
/organisations/*/invitations|403 404 403 ok ok 404
/organisations/*/invitations/revoke|403 404 403 ok ok 404
/organisations/*/members|403 404 403 ok ok 404
/organisations/*/claim|403 404 403 ok ok 404
/organisations/*/leave|403 404 ok ok 403 404
/invitations|403 ok 403 403 403 403
/admin/organisations/*/decision|403 403 403 403 403 ok
/admin/organisations/*/claim|403 403 403 403 403 ok
/admin/users/*|403 403 403 403 403 ok
/notices/*/interest|403 403 ok ok ok 403
/notices/*/documents|403 404 404 404 404 404
/organisations/*/profile|403 404 403 ok ok 404
"
# the forms' routes (the API's, which take API tokens alone, have a matrix of their own below)
all_post_routes=$(grep -o '{"POST", "[^"]*"' "$(dirname "$0")/../../src/web/app.c" | sed 's/.*, "//; s/"$//' | sort)
app_routes=$(printf '%s\n' "$all_post_routes" | grep -v '^/api/')
# questions and answers: the supplier's form (A's roles) and the buyer's (Civic Council's owner)
# route | anon other member admin owner site civic
QA_ROLES="anon other member admin owner site civic"
QA_MATRIX="
/notices/*/questions|403 400 ok ok ok 400 400
/organisations/*/questions/answer|403 404 404 404 404 404 ok
"

# the buyers' posting pages have a matrix of their own (POSTING_MATRIX, below):
# their roles are those of a buyer organisation
POSTING_MATRIX="
/organisations/*/notices/new|403 404 ok ok ok 404
/organisations/*/notices/edit|403 404 ok ok ok 404
/organisations/*/notices/publish|403 404 ok ok ok 404
/organisations/*/notices/extend|403 404 ok ok ok 404
/organisations/*/notices/award|403 404 ok ok ok 404
/organisations/*/notices/contract|403 404 ok ok ok 404
/organisations/*/notices/cancel|403 404 ok ok ok 404
"
table_routes=$(printf '%s\n%s\n%s\n' "$MATRIX" "$QA_MATRIX" "$POSTING_MATRIX" | grep -v '^$' | cut -d'|' -f1 | sort)
is "$table_routes" "$app_routes" "the three matrices have exactly the POST routes of src/web/app.c"
is "$(printf '%s\n' "$MATRIX" | grep -c '|')" 24 "24 POST routes of forms, 6 roles each"
declare -A EXP
while IFS='|' read -r route outcomes; do
  [ -n "$route" ] || continue
  read -r -a o <<<"$outcomes"
  i=0
  for r in $ROLES; do EXP[$route,$r]=${o[$i]}; i=$((i + 1)); done
done <<<"$MATRIX"
# cell ROUTE ROLE OKSTATUS PATH FIELDS...: the outcome the matrix says
cell() {
  local route=$1 role=$2 okst=$3 path=$4 want
  shift 4
  want=${EXP[$route,$role]}
  if [ "$want" = ok ]; then allowed "$okst" "$role" "$path" "$@"; else refused "$want" "$role" "$path" "$@"; fi
}
cells=0

# ---- /account/register, /account/reset: open to everybody (no enumeration) ----
for r in $ROLES; do
  sql "$db" "DELETE FROM throttle WHERE key LIKE 'mail:%'" # 10 mails an hour from one address
  before=$(sql "$db" "SELECT count(*) FROM account")
  cell /account/register $r 200 /account/register "name=New $r" "email=new-$r@x.test" "password=$PWD1"
  is "$(sql "$db" "SELECT count(*) FROM account WHERE email = 'new-$r@x.test'")" 1 "... the account new-$r@x.test exists"
  cell /account/reset $r 200 /account/reset "email=${EMAIL[$r]:-nobody@x.test}"
  cells=$((cells + 2))
done
is "$(sql "$db" "SELECT count(*) FROM account_token WHERE purpose = 'reset'")" 5 "reset: a link for each known address"
sql "$db" "DELETE FROM throttle WHERE key LIKE 'mail:%'"

# ---- /account/verify: the link in the registration mail ----
link=$(mail_token new-anon@x.test "Confirm your email address")
cell /account/verify anon 303 /account/verify "${link}"
is "$(sql "$db" "SELECT count(*) FROM account WHERE email = 'new-anon@x.test' AND verified_at IS NOT NULL")" 1 "... the address is confirmed"
for r in other member admin owner site; do cell /account/verify $r 303 /account/verify "token=not-a-real-token"; done
cells=$((cells + 6))

# ---- the account's own settings: everybody signed in, on their own account only ----
for r in $ROLES; do
  cell /account/name $r 303 /account/name "name=Renamed $r"
  [ $r != anon ] && is "$(sql "$db" "SELECT name FROM account WHERE email = '${EMAIL[$r]}'")" "Renamed $r" "... the name changed"
  cell /account/email $r 303 /account/email "email=moved-$r@x.test" "email_password=$PWD1"
  [ $r != anon ] && is "$(sql "$db" "SELECT data FROM account_token WHERE purpose = 'email' AND account_id = $(uid "${EMAIL[$r]}")")" \
    "moved-$r@x.test" "... a confirmation link to the new address"
  h=$([ $r != anon ] && sql "$db" "SELECT password_hash FROM account WHERE email = '${EMAIL[$r]}'")
  cell /account/password $r 303 /account/password "current_password=$PWD1" "password=$PWD1"
  [ $r != anon ] && ok $([ "$(sql "$db" "SELECT password_hash FROM account WHERE email = '${EMAIL[$r]}'")" != "$h" ] && echo 0 || echo 1) \
    "... the password was hashed anew"
  cells=$((cells + 3))
done

# ---- /account/delete: own account only; the only owner of an organisation cannot ----
sign_in_as() { # a throwaway role signed in as EMAIL
  EMAIL[$1]=$2
  sign_in "$1"
}
refused 403 anon /account/delete "delete_password=$PWD1"
for r in member admin; do refused 400 $r /account/delete "delete_password=wrong-password-9"; done
refused 400 owner /account/delete "delete_password=$PWD1"
like "$(cat "$T/body")" "You are the only owner of Acme Digital" "... the only owner of A is told why"
add gone@x.test --name 'Gone Soon' --password-file "$T/pw" --org 'Bolt Works' --role member
sign_in_as gone gone@x.test
allowed 200 gone /account/delete "delete_password=$PWD1"
is "$(sql "$db" "SELECT count(*) FROM account WHERE email = 'gone@x.test'")" 0 "... a member of another organisation deletes its own account"
add gone2@x.test --name 'Gone Too' --password-file "$T/pw" --site-admin
sign_in_as gone2 gone2@x.test
allowed 200 gone2 /account/delete "delete_password=$PWD1"
is "$(sql "$db" "SELECT count(*) FROM account WHERE email = 'gone2@x.test'")" 0 "... a site administrator deletes its own account"
cells=$((cells + 6))

# ---- API tokens made on /account ----
for r in $ROLES; do
  case $r in other) org=$Bo ;; *) org=$A ;; esac
  before=$(sql "$db" "SELECT count(*) FROM api_token")
  if [ $r = site ]; then cell /account/tokens $r 201 /account/tokens "token_name=Tool $r" "org=$A" "role=member"
  else cell /account/tokens $r 201 /account/tokens "token_name=Tool $r" "org=$org" "role=member"; fi
  [ "${EXP[/account/tokens,$r]}" = ok ] &&
    is "$(sql "$db" "SELECT count(*) FROM api_token WHERE name = 'Tool $r' AND org_id = $org")" 1 "... the token is in the organisation"
  cells=$((cells + 1))
done
refused 400 member /account/tokens "token_name=Guess" "org=$Bo" "role=member"
refused 400 member /account/tokens "token_name=Climb" "org=$A" "role=owner"
tid() { sql "$db" "SELECT id FROM api_token WHERE name = '$1' AND revoked_at IS NULL"; }
refused 404 member /account/tokens/revoke "token=$(tid 'Tool owner')"
refused 404 other /account/tokens/revoke "token=$(tid 'Tool member')"
for r in $ROLES; do
  t=$(tid "Tool $r")
  [ -z "$t" ] && t=$(tid 'Tool owner') # anon and site have none: try the owner's
  cell /account/tokens/revoke $r 303 /account/tokens/revoke "token=$t"
  [ "${EXP[/account/tokens/revoke,$r]}" = ok ] && is "$(tid "Tool $r")" "" "... revoked"
  cells=$((cells + 1))
done

# ---- /organisations/new ----
for r in $ROLES; do
  cell /organisations/new $r 303 /organisations/new "name=New org of $r" "kind=supplier"
  [ $r != anon ] && is "$(sql "$db" "SELECT m.role FROM organisation o JOIN membership m ON m.org_id = o.id WHERE o.name = 'New org of $r'")" \
    owner "... made with $r as its owner"
  cells=$((cells + 1))
done

# ---- organisation A's routes ----
O=/organisations/$A
invs() { sql "$db" "SELECT count(*) FROM invitation WHERE org_id = $A AND revoked_at IS NULL AND accepted_at IS NULL"; }
for r in $ROLES; do
  cell '/organisations/*/invitations' $r 303 $O/invitations "email=invitee-$r@x.test" "role=member"
  [ "${EXP[/organisations/*/invitations,$r]}" = ok ] &&
    is "$(sql "$db" "SELECT role FROM invitation WHERE org_id = $A AND email = 'invitee-$r@x.test'")" member "... the invitation is made"
  cells=$((cells + 1))
done
refused 400 admin $O/invitations "email=boss@x.test" "role=owner"
allowed 303 owner $O/invitations "email=boss@x.test" "role=owner"
# invitations of B, to guess at from A
sql "$db" "INSERT INTO invitation(org_id, email, role, token_hash, created_at, expires_at)
  VALUES($Bo, 'b-invitee@x.test', 'member', 'b-hash', 1790000000, 1900000000)"
BINV=$(sql "$db" "SELECT id FROM invitation WHERE token_hash = 'b-hash'")
refused 404 owner $O/invitations/revoke "invitation=$BINV"
refused 404 admin /organisations/$Bo/invitations/revoke "invitation=$BINV"
for r in $ROLES; do
  iv=$(sql "$db" "SELECT id FROM invitation WHERE org_id = $A AND revoked_at IS NULL ORDER BY id LIMIT 1")
  cell '/organisations/*/invitations/revoke' $r 303 $O/invitations/revoke "invitation=$iv"
  [ "${EXP[/organisations/*/invitations/revoke,$r]}" = ok ] &&
    is "$(sql "$db" "SELECT count(*) FROM invitation WHERE id = $iv AND revoked_at IS NOT NULL")" 1 "... revoked"
  cells=$((cells + 1))
done

role_of() { sql "$db" "SELECT role FROM membership WHERE org_id = $A AND account_id = $1"; }
for r in $ROLES; do
  cell '/organisations/*/members' $r 303 $O/members "member=$MEMBER_ID" action=role role=admin
  if [ "${EXP[/organisations/*/members,$r]}" = ok ]; then
    is "$(role_of $MEMBER_ID)" admin "... the member is an admin now"
    allowed 303 $r $O/members "member=$MEMBER_ID" action=role role=member
    is "$(role_of $MEMBER_ID)" member "... and a member again"
  fi
  cells=$((cells + 1))
done
# removing, and the owner-only rules
allowed 303 admin $O/members "member=$MEMBER_ID" action=remove
is "$(role_of $MEMBER_ID)" "" "an admin removes a member"
add member@a.test --name 'Mia Member' --org 'Acme Digital' --role member
refused 403 admin $O/members "member=$MEMBER_ID" action=role role=owner
refused 403 admin $O/members "member=$OWNER_ID" action=role role=member
refused 403 admin $O/members "member=$OWNER_ID" action=remove
refused 403 owner $O/members "member=$OWNER_ID" action=role role=admin
refused 403 owner $O/members "member=$OWNER_ID" action=remove
refused 404 owner $O/members "member=$OTHER_ID" action=role role=member
refused 404 owner $O/members "member=999999" action=remove
allowed 303 owner $O/members "member=$ADMIN_ID" action=role role=owner
is "$(role_of $ADMIN_ID)" owner "an owner makes an admin an owner"
allowed 303 owner $O/members "member=$OWNER_ID" action=role role=admin
is "$(role_of $OWNER_ID)" admin "... and with a second owner may step down"
allowed 303 admin $O/members "member=$OWNER_ID" action=role role=owner # admin@ is an owner now
allowed 303 owner $O/members "member=$ADMIN_ID" action=role role=admin
is "$(role_of $ADMIN_ID)/$(role_of $OWNER_ID)" admin/owner "... roles back as they were"
allowed 303 owner $O/members "member=$MEMBER_ID" action=remove
is "$(role_of $MEMBER_ID)" "" "an owner removes a member"
add member@a.test --name 'Mia Member' --org 'Acme Digital' --role member

# the claim on award data (A has a Companies House number the award data knows)
claim() { sql "$db" "SELECT coalesce(claim_status, '-') FROM organisation WHERE id = $A"; }
for r in $ROLES; do
  sql "$db" "UPDATE organisation SET claim_org_id = NULL, claim_status = NULL, claim_evidence = NULL WHERE id = $A"
  cell '/organisations/*/claim' $r 303 $O/claim
  [ "${EXP[/organisations/*/claim,$r]}" = ok ] && is "$(claim)" pending "... the claim waits for a site administrator"
  cells=$((cells + 1))
done
refused 400 other /organisations/$Bo/claim # B has no number the award data knows

for r in $ROLES; do
  cell '/organisations/*/leave' $r 303 $O/leave
  if [ "${EXP[/organisations/*/leave,$r]}" = ok ]; then
    is "$(role_of $(uid "${EMAIL[$r]}"))" "" "... $r has left A"
    add "${EMAIL[$r]}" --name "Back $r" --org 'Acme Digital' --role $r
  fi
  cells=$((cells + 1))
done
is "$(role_of $MEMBER_ID)/$(role_of $ADMIN_ID)/$(role_of $OWNER_ID)" member/admin/owner "A's members are back as they were"

# guessing: another organisation's id, one that does not exist, a non-canonical one
for path in "/organisations/$Bo/invitations|email=g@x.test|role=member" "/organisations/$Bo/members|member=$OTHER_ID|action=remove" \
  "/organisations/$Bo/claim" "/organisations/$Bo/leave" "/organisations/$Bo/invitations/revoke|invitation=$BINV"; do
  IFS='|' read -r p f1 f2 <<<"$path"
  for r in member admin owner site; do refused 404 $r "$p" ${f1:+"$f1"} ${f2:+"$f2"}; done
done
for p in /organisations/999999/members /organisations/0$A/members /organisations/$A.0/members "/organisations/+$A/members"; do
  refused 404 owner "$p" "member=$MEMBER_ID" action=remove
done
refused 404 owner /organisations/0$A/leave
refused 404 other /organisations/0$Bo/leave

# ---- accepting an invitation: only its addressee ----
allowed 303 owner $O/invitations "email=other@b.test" "role=member"
itok=$(mail_token other@b.test "You are invited")
for r in anon member admin owner site other; do
  cell /invitations $r 303 /invitations "$itok"
  [ $r = other ] && is "$(role_of $OTHER_ID)" member "... B's owner joined A as a member"
  cells=$((cells + 1))
done
sql "$db" "DELETE FROM membership WHERE org_id = $A AND account_id = $OTHER_ID"

# ---- site administration ----
sql "$db" "INSERT INTO organisation(name, kind, sector, buyer_type, status, evidence, created_at, created_by)
  VALUES('Pending Council', 'buyer', 'public', 'local-authority', 'pending', 'I work there', 1790000000, $OTHER_ID)"
P=$(sql "$db" "SELECT id FROM organisation WHERE name = 'Pending Council'")
for r in $ROLES; do
  cell '/admin/organisations/*/decision' $r 303 /admin/organisations/$P/decision decision=verify
  cell '/admin/organisations/*/claim' $r 303 /admin/organisations/$A/claim decision=accept
  cell '/admin/users/*' $r 303 /admin/users/$SPARE_ID action=disable
  cells=$((cells + 3))
done
is "$(sql "$db" "SELECT status FROM organisation WHERE id = $P")" verified "the site administrator verified the buyer"
is "$(claim)" accepted "... accepted A's claim"
is "$(sql "$db" "SELECT count(*) FROM account WHERE id = $SPARE_ID AND disabled_at IS NOT NULL")" 1 "... disabled an account"
allowed 303 site /admin/users/$SPARE_ID action=enable
is "$(sql "$db" "SELECT count(*) FROM account WHERE id = $SPARE_ID AND disabled_at IS NULL")" 1 "... and enabled it"
refused 403 site /admin/users/$SITE_ID action=disable
refused 404 site /admin/users/999999 action=disable
refused 404 site /admin/organisations/999999/decision decision=verify
refused 404 site /admin/organisations/0$P/decision decision=verify

# ---- registering interest in a posted notice: the supplier organisation's members ----
for r in $ROLES; do
  cell '/notices/*/interest' $r 303 "/notices/$NOTICE/interest" "org=$A" action=add
  cells=$((cells + 1))
done
is "$(sql "$db" "SELECT count(*) FROM interest WHERE org_id = $A")" 1 "... A's interest is registered, once"
refused 400 member "/notices/$NOTICE/interest" "org=$A" action=bogus
refused 404 member "/notices/ocds-ph4xq1-999999/interest" "org=$A" action=add

# ---- a supplier's size and region: its admins and owners ----
for r in $ROLES; do
  cell '/organisations/*/profile' $r 303 "/organisations/$A/profile" size=medium region=TLD
  cells=$((cells + 1))
done
is "$(sql "$db" "SELECT size || '/' || region FROM organisation WHERE id = $A")" medium/TLD "... A's size and region are set"

# ---- documents of a posted notice: only the posting organisation's members (Civic's,
# none of these roles: its own members upload in posting.t and in the API matrix below) ----
for r in $ROLES; do
  cell '/notices/*/documents' $r 303 "/notices/$NOTICE/documents"
  cells=$((cells + 1))
done

# ---- questions and answers: A's members ask; only Civic Council's members answer ----
EMAIL[civic]=buyer@civic.test
sign_in civic
CIVIC=$(sql "$db" "SELECT id FROM organisation WHERE name = 'Civic Council'")
declare -A QEXP
while IFS='|' read -r route outcomes; do
  [ -n "$route" ] || continue
  read -r -a o <<<"$outcomes"
  i=0
  for r in $QA_ROLES; do QEXP[$route,$r]=${o[$i]}; i=$((i + 1)); done
done <<<"$QA_MATRIX"
qcell() {
  local route=$1 role=$2 okst=$3 path=$4 want
  shift 4
  want=${QEXP[$route,$role]}
  if [ "$want" = ok ]; then allowed "$okst" "$role" "$path" "$@"; else refused "$want" "$role" "$path" "$@"; fi
}
for r in $QA_ROLES; do qcell '/notices/*/questions' $r 303 "/notices/$NOTICE/questions" "org=$A" "question=Asked by $r?"; done
is "$(sql "$db" "SELECT count(*) FROM question WHERE asker_org = $A")" 3 "... A's member, admin and owner each asked"
refused 400 member "/notices/$NOTICE/questions" "org=$A" "question="
refused 404 member "/notices/ocds-ph4xq1-999999/questions" "org=$A" "question=Where?"
QA=$(sql "$db" "SELECT min(id) FROM question")
for r in $QA_ROLES; do
  case $r in civic) o=$CIVIC ;; other) o=$Bo ;; *) o=$A ;; esac
  qcell '/organisations/*/questions/answer' $r 303 "/organisations/$o/questions/answer" "question_id=$QA" "answer=Answered as $r"
done
is "$(sql "$db" "SELECT answer FROM question WHERE id = $QA")" "Answered as civic" "... Civic Council's owner answered"
refused 404 owner "/organisations/$CIVIC/questions/answer" "question_id=$QA" "answer=Through Civic's path"
refused 404 civic "/organisations/$CIVIC/questions/answer" "question_id=999999" "answer=No such question"
QOPEN=$(sql "$db" "SELECT max(id) FROM question")
code_of() { curl -s -o "$T/body" -w '%{http_code}' -b "$J/$1" "$B$2"; }
is "$(code_of civic "/organisations/$CIVIC/questions")" 200 "GET the buyer's questions as Civic's owner: 200"
like "$(cat "$T/body")" 'Asked by owner\?' "... lists the unanswered ones"
like "$(cat "$T/body")" 'Acme Digital' "... with who asked"
is "$(code_of owner "/organisations/$CIVIC/questions")" 404 "... as A's owner: 404"
is "$(code_of owner "/organisations/$A/questions/answer?question=$QOPEN")" 404 "GET the answer form of Civic's question through A: 404"
is "$(code_of anon "/notices/$NOTICE/questions")" 303 "GET the ask form anonymously: to the sign-in page"
is "$(code_of member "/notices/$NOTICE/questions")" 200 "... as A's member: 200"

# ---- sign out, sign in (last: they end sessions) ----
for r in $ROLES; do
  s=$(sql "$db" "SELECT count(*) FROM session")
  cell /account/logout $r 303 /account/logout
  [ $r != anon ] && is "$(sql "$db" "SELECT count(*) FROM session")" $((s - 1)) "... $r's session ended"
  if [ $r = anon ]; then
    refresh anon
    cell /account/login anon 400 /account/login email=nobody@x.test "password=$PWD1" # the form ran: wrong account
  else
    t=$(get $r /account/login | csrf_in)
    postc "$t" "$J/$r" /account/login "email=${EMAIL[$r]}" "password=$PWD1"
    is "$CODE" 303 "POST /account/login as $r: 303"
    refresh $r
    like "$(get $r /account)" "${EMAIL[$r]}" "... $r is signed in again"
  fi
  cells=$((cells + 2))
done
is "$cells" 144 "every cell of the matrix was run (24 routes x 6 roles)"

# ---- the GET pages ----
code() {
  curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' -b "$J/$1" "$B$2" >"$T/code"
  read -r CODE <"$T/code"
}
GETS="
/account|303 200 200 200 200 200
/organisations/new|303 200 200 200 200 200
/organisations/A|303 404 200 200 200 200
/admin|303 403 403 403 403 200
/admin/mail|303 403 403 403 403 200
/admin/users|303 403 403 403 403 200
/admin/audit|303 403 403 403 403 200
"
while IFS='|' read -r path wants; do
  [ -n "$path" ] || continue
  real=${path/\/A/\/$A}
  read -r -a w <<<"$wants"
  i=0
  for r in $ROLES; do
    code $r "$real"
    is "$CODE" "${w[$i]}" "GET $real as $r: ${w[$i]}"
    [ "${w[$i]}" = 303 ] && like "$(grep -i '^location:' "$T/head" | tr -d '\r')" "/account/login\?next=${real//\//%2F}\$" "... to the sign-in page, and back"
    i=$((i + 1))
  done
done <<<"$GETS"
for p in /organisations/$Bo /organisations/999999 /organisations/0$A /admin/mail/1; do
  code member "$p"
  is "$CODE" $([ "$p" = /admin/mail/1 ] && echo 403 || echo 404) "GET $p as A's member: refused"
done
code site /organisations/$Bo
is "$CODE" 200 "GET /organisations/B as a site administrator: may look"
is "$(grep -o 'action="/organisations/[0-9]*/[a-z]*"' "$T/body" | head -n 1)" "" "... and is offered no form to change it"

# ---- CSRF: every POST route, without a token, with another session's ----
# route|role it is allowed to|fields
CSRF_CELLS="
/account/register|anon|name=X Y|email=csrf-new@x.test|password=$PWD1
/account/login|anon|email=member@a.test|password=$PWD1
/account/logout|member
/account/verify|anon|token=x
/account/reset|anon|email=member@a.test
/account/name|member|name=Forged
/account/email|member|email=forged@x.test|email_password=$PWD1
/account/password|member|current_password=$PWD1|password=forged-pass-99
/account/delete|member|delete_password=$PWD1
/account/tokens|member|token_name=Forged|org=$A|role=member
/account/tokens/revoke|owner|token=1
/organisations/new|member|name=Forged org|kind=supplier
/organisations/*/invitations|owner|email=forged@x.test|role=owner
/organisations/*/invitations/revoke|owner|invitation=1
/organisations/*/members|owner|member=$MEMBER_ID|action=remove
/organisations/*/claim|owner
/organisations/*/leave|member
/invitations|other|token=x
/admin/organisations/*/decision|site|decision=reject
/admin/organisations/*/claim|site|decision=reject
/admin/users/*|site|action=disable
/notices/*/interest|member|org=$A|action=add
/notices/*/documents|member
/organisations/*/profile|owner|size=small|region=TLE
/notices/*/questions|member|org=$A|question=Forged?
/organisations/*/questions/answer|civic|question_id=$QOPEN|answer=Forged
/organisations/*/notices/new|owner|title=Forged|action=save
/organisations/*/notices/edit|owner|posting=1|title=Forged
/organisations/*/notices/publish|owner|posting=1
/organisations/*/notices/extend|owner|posting=1|extend-why=Forged
/organisations/*/notices/award|owner|posting=1|award-suppliers-0-name=Forged
/organisations/*/notices/contract|owner|posting=1
/organisations/*/notices/cancel|owner|posting=1|reason=Forged
"
is "$(printf '%s\n' "$CSRF_CELLS" | grep '|' | cut -d'|' -f1 | sort)" "$app_routes" "the CSRF cells have exactly the POST routes of app.c"
rm -f "$J/anon2" "$J/none"
CSRF[anon2]=$(get anon2 /account/login | csrf_in)
: >"$J/none"
csrf_check() {
  local route=$1 role=$2 path before got foreign
  shift 2
  path=${route/\/organisations\/\*/\/organisations\/$A}
  [ $role = civic ] && path=${route/\/organisations\/\*/\/organisations\/$CIVIC}
  path=${path/\/admin\/organisations\/\*/\/admin\/organisations\/$A}
  path=${path/\/admin\/users\/\*/\/admin\/users\/$SPARE_ID}
  path=${path/\/notices\/\*/\/notices\/$NOTICE}
  foreign=${CSRF[site]}
  [ $role = site ] && foreign=${CSRF[owner]}
  [ $role = anon ] && foreign=${CSRF[anon2]}
  [ -n "$FP_OK" ] || fp
  before=$FPV
  postc - "$J/$role" "$path" "$@"
  is "$CODE" 403 "CSRF: POST $path as $role without a token: 403"
  postc "$foreign" "$J/$role" "$path" "$@"
  is "$CODE" 403 "CSRF: ... with another session's token: 403"
  if [ $role = anon ]; then
    : >"$J/none"
    postc "${CSRF[anon]}" "$J/none" "$path" "$@"
    is "$CODE" 403 "CSRF: ... without the pre-session cookie: 403"
  else
    postc "${CSRF[anon]}" "$J/$role" "$path" "$@"
    is "$CODE" 403 "CSRF: ... with a pre-session's token: 403"
  fi
  fp
  is "$FPV" "$before" "CSRF: ... and nothing changed"
}
printf '%s\n' "$CSRF_CELLS" | grep '|' >"$T/csrf_cells"
while IFS='|' read -r route role f1 f2 f3; do
  csrf_check "$route" "$role" ${f1:+"$f1"} ${f2:+"$f2"} ${f3:+"$f3"}
done <"$T/csrf_cells"

# ---- the buyers' posting pages: Civic Council's member, admin and owner ----
# route | anon other member admin owner site, where member, admin and owner
# are Civic Council's (a verified buyer) and other is the owner of Bolt Works
add cmember@civic.test --name 'Cal Member' --password-file "$T/pw" --org 'Civic Council' --role member
add cadmin@civic.test --name 'Cat Admin' --password-file "$T/pw" --org 'Civic Council' --role admin
sign_in_as cmember cmember@civic.test
sign_in_as cadmin cadmin@civic.test
sign_in_as cowner buyer@civic.test
C=$(sql "$db" "SELECT id FROM organisation WHERE name = 'Civic Council'")
declare -A PEXP
while IFS='|' read -r route outcomes; do
  [ -n "$route" ] || continue
  read -r -a o <<<"$outcomes"
  i=0
  for r in anon other cmember cadmin cowner site; do PEXP[$route,$r]=${o[$i]}; i=$((i + 1)); done
done <<<"$POSTING_MATRIX"
PFP="SELECT (SELECT count(*) FROM posting) || '/' || (SELECT coalesce(sum(releases), 0) FROM posting) || '/' ||
  (SELECT count(*) FROM release) || '/' || (SELECT count(*) FROM outbox) || '/' ||
  (SELECT coalesce(sum(length(body)), 0) FROM posting) || '/' || (SELECT count(*) FROM audit)"
# pcell ROUTE ROLE OKSTATUS FIELDS...: the outcome POSTING_MATRIX says, on Civic Council's path
pcell() {
  local route=$1 role=$2 okst=$3 want before
  shift 3
  want=${PEXP[$route,$role]}
  pcells=$((pcells + 1))
  if [ "$want" = ok ]; then allowed "$okst" "$role" "${route/\*/$C}" "$@"; return; fi
  before=$(sql "$db" "$PFP")
  post "$role" "${route/\*/$C}" "$@"
  is "$CODE" "$want" "POST ${route/\*/$C} as $role: refused $want"
  is "$(sql "$db" "$PFP")" "$before" "... and nothing changed"
}
# api_id JSON: a posting of Civic Council's through the API; its id
api_id() { apic "$T_CIVIC" /api/v1/notices "$1"; node tests/e2e/json.mjs get "$T/body" id; }
DRAFT_JSON="${NOTICE_JSON%\}}, \"draft\": true}"
PUB=$(api_id "$NOTICE_JSON")
pcells=0
i=0
for r in anon other cmember cadmin cowner site; do
  i=$((i + 1))
  pcell /organisations/*/notices/new $r 303 "title=Draft by $r" action=save
  d=$(api_id "$DRAFT_JSON")
  pcell /organisations/*/notices/edit $r 303 posting=$d "title=Edited by $r" action=save
  [ "${PEXP[/organisations/*/notices/edit,$r]}" = ok ] &&
    is "$(sql "$db" "SELECT title FROM posting WHERE id = $d")" "Edited by $r" "... the draft is saved"
  d=$(api_id "$DRAFT_JSON") # the form saved replaces the whole draft: a complete one to publish
  pcell /organisations/*/notices/publish $r 303 posting=$d
  [ "${PEXP[/organisations/*/notices/publish,$r]}" = ok ] &&
    is "$(sql "$db" "SELECT status FROM posting WHERE id = $d")" published "... and published"
  pcell /organisations/*/notices/extend $r 303 posting=$PUB extend-deadline-day=$((20 + i)) extend-deadline-month=12 \
    extend-deadline-year=2026 extend-deadline-time=12:00 "extend-why=More time"
  pcell /organisations/*/notices/award $r 303 posting=$PUB "award-suppliers-0-name=Acme Digital" \
    award-date-day=5 award-date-month=1 award-date-year=2027
  pcell /organisations/*/notices/contract $r 303 posting=$PUB contract-signed-day=20 contract-signed-month=1 \
    contract-signed-year=2027
  c=$PUB
  [ "${PEXP[/organisations/*/notices/cancel,$r]}" = ok ] && c=$(api_id "$NOTICE_JSON")
  pcell /organisations/*/notices/cancel $r 303 posting=$c "reason=Budget withdrawn"
done
is "$pcells" 42 "every cell of the posting pages' matrix was run (7 routes x 6 roles)"
is "$(sql "$db" "SELECT amendments || '/' || awards || '/' || contracts || '/' || status FROM posting WHERE id = $PUB")" \
  3/3/3/published "... the member, the admin and the owner each extended, awarded and contracted"
# the same routes for a posting of another organisation, by a member of Dale Council on its own path: 404
add cdale@dale.test --name 'Dee Dale' --password-file "$T/pw" --org 'Dale Council' --role member
sign_in_as cdale cdale@dale.test
Dl=$(sql "$db" "SELECT id FROM organisation WHERE name = 'Dale Council'")
before=$(sql "$db" "$PFP")
n=0
for route in edit publish extend award contract cancel; do
  post cdale /organisations/$Dl/notices/$route posting=$PUB "title=Guess" "extend-why=x" "reason=x"
  [ "$CODE" = 404 ] && n=$((n + 1))
done
is "$n" 6 "a buyer's member naming another organisation's posting on its own path: 404 on each route"
is "$(sql "$db" "$PFP")" "$before" "... and nothing changed"
for r in anon other cmember cadmin cowner site; do
  code $r /organisations/$C/notices
  case $r in anon) want=303 ;; other) want=404 ;; *) want=200 ;; esac
  is "$CODE" $want "GET /organisations/C/notices as $r: $want"
done

# ---- API tokens: /api/v1/me ----
me() { curl -s -o "$T/body" -w '%{http_code}' ${1:+-H "Authorization: Bearer $1"} "$B/api/v1/me"; }
t_owner=$(tokc owner@a.test --org 'Acme Digital' --name 'CLI owner')
is "$(me "$t_owner")" 200 "API: a token from the command line: 200"
like "$(cat "$T/body")" '"organisation":\{"id":'$A',"name":"Acme Digital".*"role":"owner"' "... with its organisation and role"
is "$(me)" 401 "API: no Authorization header: 401"
is "$(me not-a-token)" 401 "API: an unknown token: 401"
allowed 303 owner /account/tokens/revoke "token=$(tid 'CLI owner')"
is "$(me "$t_owner")" 401 "API: a revoked token: 401"
t_member=$(tokc member@a.test --org 'Acme Digital' --name 'CLI member')
is "$(me "$t_member")" 200 "API: the member's token: 200"
allowed 303 owner $O/members "member=$MEMBER_ID" action=remove
is "$(me "$t_member")" 401 "API: the token of a member removed from the organisation: 401"
add member@a.test --name 'Mia Member' --org 'Acme Digital' --role member
t_admin=$(tokc admin@a.test --org 'Acme Digital' --name 'CLI admin')
allowed 303 owner $O/members "member=$ADMIN_ID" action=role role=member
me "$t_admin" >/dev/null
like "$(cat "$T/body")" '"role":"member"' "API: a demoted admin's token acts as a member"
allowed 303 owner $O/members "member=$ADMIN_ID" action=role role=admin
allowed 303 site /admin/users/$ADMIN_ID action=disable
is "$(me "$t_admin")" 401 "API: the token of a disabled account: 401"
code admin /account
is "$CODE" 303 "a disabled account's session has ended: /account sends to the sign-in page"
allowed 303 site /admin/users/$ADMIN_ID action=enable

# the command line keeps the last owner too
"$PH" user add owner@a.test --org 'Acme Digital' --role member --db "$db" >/dev/null 2>"$T/err"
is "$?/$(role_of $OWNER_ID)" 1/owner "command line: the only owner of A is not made a member"
like "$(cat "$T/err")" "only owner of Acme Digital" "... and is told why"

# ---- the API for buyers' systems: every POST route x every caller ----
# route | none session supplier owner otherbuyer pending: no token; a signed-in
# browser session without one (no cookie is read: 401); a token of supplier A;
# of Civic Council, whose notice it is; of Dale Council, another verified
# buyer; of Waiting Council, a buyer not yet verified. "ok" = allowed.
API_MATRIX="
/api/v1/notices|401 401 403 ok ok 403
/api/v1/notices/*/amendments|401 401 403 ok 403 403
/api/v1/notices/*/awards|401 401 403 ok 403 403
/api/v1/notices/*/contracts|401 401 403 ok 403 403
/api/v1/notices/*/questions|401 401 ok 403 403 403
/api/v1/questions/*/answer|401 401 403 ok 403 403
/api/v1/notices/*/documents|401 401 403 ok 403 403
/api/v1/notices/*/cancellation|401 401 403 ok 403 403
"
is "$(printf '%s\n' "$API_MATRIX" | grep '|' | cut -d'|' -f1 | sort)" "$(printf '%s\n' "$all_post_routes" | grep '^/api/')" \
  "the API matrix has exactly the /api/ POST routes of app.c"
declare -A APITOK=([none]=- [session]=- [supplier]=$(tokc member@a.test --org 'Acme Digital') [owner]=$T_CIVIC
  [otherbuyer]=$(tokc buyer@dale.test) [pending]=$(tokc buyer@wait.test))
APIFP="SELECT (SELECT count(*) FROM posting), (SELECT coalesce(sum(releases), 0) FROM posting), (SELECT count(*) FROM release),
  (SELECT count(*) FROM question), (SELECT count(*) FROM question WHERE answer IS NOT NULL), (SELECT count(*) FROM outbox),
  (SELECT count(*) FROM document)"
printf '%%PDF-1.4\n%% parking sensor specification\n%%%%EOF\n' >"$T/spec.pdf"
QID=
api_body() {
  case $1 in
  /api/v1/notices) echo "$NOTICE_JSON" ;;
  */amendments) echo '{"rationale": "More time", "deadline": "2026-12-22T12:00:00Z"}' ;;
  */awards) echo '{"suppliers": [{"name": "Acme Digital"}], "date": "2027-01-05"}' ;;
  */contracts) echo '{"signed": "2027-01-20"}' ;;
  */questions) echo '{"question": "Are the sensors solar powered?"}' ;;
  */answer) echo '{"answer": "Yes."}' ;;
  */cancellation) echo '{"reason": "Budget withdrawn"}' ;;
  esac
}
apicells=0
while IFS='|' read -r route outcomes; do
  [ -n "$route" ] || continue
  read -r -a o <<<"$outcomes"
  path=${route/\/notices\/\*/\/notices\/$NOTICE}
  i=0
  for who in none session supplier owner otherbuyer pending; do
    want=${o[$i]}
    i=$((i + 1))
    apicells=$((apicells + 1))
    p=$path
    [ "$route" = '/api/v1/questions/*/answer' ] && p=/api/v1/questions/${QID:-1}/answer
    before=$(sql "$db" "$APIFP")
    if [ "$route" = '/api/v1/notices/*/documents' ]; then # a file, as multipart/form-data
      FP_OK=
      auth=()
      [ "${APITOK[$who]}" != - ] && auth=(-H "Authorization: Bearer ${APITOK[$who]}")
      [ $who = session ] && auth=(-b "$J/member")
      CODE=$(curl -s -o "$T/body" -w '%{http_code}' "${auth[@]}" -F "file=@$T/spec.pdf" "$B$p")
    elif [ $who = session ]; then
      FP_OK=
      CODE=$(curl -s -o "$T/body" -w '%{http_code}' -b "$J/member" -H 'Content-Type: application/json' \
        --data-binary "$(api_body "$route")" "$B$p")
    else
      apic "${APITOK[$who]}" "$p" "$(api_body "$route")"
    fi
    if [ "$want" = ok ]; then
      like "$CODE" '^20[01]$' "API: POST $p as $who: allowed ($CODE)"
      [ "$route" = '/api/v1/notices/*/questions' ] && QID=$(node tests/e2e/json.mjs get "$T/body" id)
    else
      is "$CODE" "$want" "API: POST $p as $who: $want"
      is "$(sql "$db" "$APIFP")" "$before" "... and nothing changed"
    fi
  done
done <<<"$API_MATRIX"
is "$apicells" 48 "every cell of the API matrix was run (8 routes x 6 callers)"
apic "${APITOK[otherbuyer]}" "/api/v1/notices/ocds-ph4xq1-999999/amendments" "$(api_body x/amendments)"
is "$CODE" 404 "API: amending a notice that does not exist: 404"
apic "${APITOK[owner]}" "/api/v1/questions/999999/answer" '{"answer": "x"}'
is "$CODE" 404 "API: answering a question that does not exist: 404"

ok $(grep -q 'powerhouse' "$T/cli.err" && echo 1 || echo 0) "the command line refused nothing"
[ -s "$T/cli.err" ] && sed 's/^/#   /' "$T/cli.err"
done_testing
