#!/usr/bin/env bash
# accounts.t -- accounts end to end, over loopback, with every mail going
# through a real SMTP server (tests/smtp_sink.py, Debian's python3-aiosmtpd):
# register -> verification mail -> link -> sign in; a password reset by
# mail; an invitation by mail, accepted. Sessions: the cookie's flags (and
# Secure with __Host- behind https), no fixation, idle and absolute expiry,
# sign out and sign out everywhere, a password change ending the others. No
# account enumeration: register, sign-in and reset answer the same status
# and page for known and unknown emails. Throttling: 429 with Retry-After.
# The store holds no password, session token, emailed token or API token in
# clear. Without --smtp, mail goes to .eml files and /admin/mail lists it.
# Runs on both backends.
. "$(dirname "$0")/lib.sh"

NOW=2026-11-06T12:00:00Z
PW='correct horse battery'
db=$(newdb accounts)
"$PH" stats --db "$db" >/dev/null 2>&1 # creates the store

# ---- the SMTP server ---------------------------------------------------------------
MAIL=$T/smtp
smtp_sink "$MAIL"
ok $([ -n "$SMTP_PORT" ] && echo 0 || echo 1) "the SMTP server (aiosmtpd) listens on loopback"
[ -n "$SMTP_PORT" ] || { cat "$T/sink.err"; done_testing; exit; }

serve "$db" --now "$NOW" --smtp "smtp://127.0.0.1:$SMTP_PORT" --mail-from portal@example.org
trap 'kill $spid $sink 2>/dev/null; cleanup_db; rm -rf "$T"' EXIT

# ---- helpers ---------------------------------------------------------------------
# get JAR PATH: the page into $T/body (headers $T/head); prints the status
get() { curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' -c "$T/$1.jar" -b "$T/$1.jar" "$B$2"; }
# post JAR PATH DATA...: a form POST (each DATA a name=value, URL-encoded here)
post() {
  local jar=$1 path=$2
  shift 2
  local args=()
  for d in "$@"; do args+=(--data-urlencode "$d"); done
  curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' -c "$T/$jar.jar" -b "$T/$jar.jar" "${args[@]}" "$B$path"
}
# csrf: the CSRF token of the page in $T/body
csrf() { grep -o 'name="csrf" value="[^"]*"' "$T/body" | head -1 | sed 's/.*value="//; s/"$//'; }
# form JAR PATH DATA...: GET PATH for its token, then POST DATA to PATH with it
form() {
  local jar=$1 path=$2
  shift 2
  get "$jar" "${path%%\?*}" >/dev/null
  post "$jar" "${path}" "csrf=$(csrf)" "$@"
}
# from JAR PAGE PATH DATA...: GET PAGE for its token, then POST DATA to PATH with it
from() {
  local jar=$1 page=$2 path=$3
  shift 3
  get "$jar" "$page" >/dev/null
  post "$jar" "$path" "csrf=$(csrf)" "$@"
}
# mail N: message N of the sink (waits for it), quoted-printable soft breaks undone
mail() {
  local f
  f=$(printf '%s/%04d.eml' "$MAIL" "$1")
  for _ in $(seq 1 100); do [ -f "$f" ] && break; sleep 0.05; done
  [ -f "$f" ] && sed -e ':a' -e '/=\r$/{N;s/=\r\n//;ba}' "$f" | sed 's/=3D/=/g' | tr -d '\r'
}
mails() { ls "$MAIL"/*.eml 2>/dev/null | wc -l; }
# wait_mails N: until N mails have arrived (mail is sent by a thread of its own)
wait_mails() { for _ in $(seq 1 200); do [ "$(mails)" -ge "$1" ] && break; sleep 0.05; done; mails; }
# link N PATH: the link of this service to PATH in mail N, as a path with its query
link() { mail "$1" | grep -o "$B$2[^ <\"]*" | head -1 | sed "s|^$B||"; }
header() { grep -i "^$1:" "$T/head" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
cookie() { grep -i "^Set-Cookie: $1=" "$T/head" | head -1 | tr -d '\r'; }
jarval() { awk -v n="$2" '$6 == n {v = $7} END {print v}' "$T/$1.jar"; }
secrets="" # every token and password seen, to look for in the store at the end
keep() { secrets="$secrets"$'\n'"$1"; }
keep "$PW"

# ---- register -> verification mail -> link -> sign in ----------------------------------
is "$(get ann /account/register)" 200 "the registration page"
like "$(cookie ph_form)" '^Set-Cookie: ph_form=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax$' \
  "a form's pre-session cookie: HttpOnly, SameSite=Lax, not Secure over plain http"
like "$(tr '\n' ' ' <"$T/body")" 'name="name".*name="email".*name="password"' "fields name, email, password"
is "$(post ann /account/register "csrf=$(csrf)" "name=Ann Smith" "email=Ann@Example.org " "password=$PW")" 200 "registered"
like "$(cat "$T/body")" 'Check your email' "... check your email"
m=$(mail 1)
like "$m" 'To: ann@example.org' "the verification mail reaches the SMTP server, to the address lower-cased"
like "$m" 'Subject: Confirm your email address' "... with its subject"
like "$m" 'Content-Type: multipart/alternative' "... with text and HTML parts"
vlink=$(link 1 /account/verify)
like "$vlink" '^/account/verify\?token=[A-Za-z0-9_-]{43}$' "... and a link with a token"
keep "${vlink#*token=}"
is "$(form ann /account/login "email=ann@example.org" "password=$PW")" 403 "signing in before confirming the address is refused"
like "$(cat "$T/body")" 'Confirm your email address first' "... saying why"
is "$(wait_mails 2)" 2 "... and a new link is sent"
vlink2=$(link 2 /account/verify)
keep "${vlink2#*token=}"
is "$(get ann "$vlink")" 200 "the first link now shows a page"
is "$(post ann /account/verify "csrf=$(csrf)" "token=${vlink#*token=}")" 400 "... but it was replaced by the newer link"
get ann "$vlink2" >/dev/null
like "$(cat "$T/body")" 'Confirm my email address' "the link shows a button (a mail scanner's GET changes nothing)"
is "$(post ann /account/verify "csrf=$(csrf)" "token=${vlink2#*token=}")" 303 "confirmed"
is "$(header Location)" "/account/login?done=verified" "... then on to sign in"
get ann "$vlink2" >/dev/null
is "$(post ann /account/verify "csrf=$(csrf)" "token=${vlink2#*token=}")" 400 "a link works once"
is "$(sql "$db" "SELECT count(*) FROM account WHERE email = 'ann@example.org' AND verified_at IS NOT NULL")" 1 \
  "the account is verified"

# ---- sessions -------------------------------------------------------------------------
printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tph_session\t%s\n' AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA >>"$T/ann.jar"
is "$(form ann /account/login "email=ann@example.org" "password=$PW")" 303 "signed in"
is "$(header Location)" /account "... to the account page"
c=$(cookie ph_session)
like "$c" '^Set-Cookie: ph_session=[A-Za-z0-9_-]{43}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax$' \
  "the session cookie: a 32-byte token, HttpOnly, SameSite=Lax, 30 days at most"
s1=$(jarval ann ph_session)
keep "$s1"
ok $([ "$s1" != AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ] && echo 0 || echo 1) \
  "no fixation: a session token the browser brought is never kept"
is "$(get ann /account)" 200 "the account page, signed in"
like "$(cat "$T/body")" 'Ann Smith.*ann@example.org' "... with name and email"
cp "$T/ann.jar" "$T/ann_old.jar"
is "$(post ann /account/login "csrf=$(csrf)" "email=ann@example.org" "password=$PW")" 303 "signed in again in the same browser"
s2=$(jarval ann ph_session)
keep "$s2"
ok $([ -n "$s2" ] && [ "$s2" != "$s1" ] && echo 0 || echo 1) "a new token at every sign-in"
is "$(get ann_old /account)" 303 "the session it replaced has ended"
is "$(sql "$db" "SELECT count(*) FROM session")" 1 "one session in the store"

# idle and absolute timeouts
sql "$db" "UPDATE session SET seen_at = seen_at - 7201" >/dev/null
is "$(get ann /account)" 303 "a session idle for more than 2 hours has ended"
like "$(header Location)" '^/account/login\?next=%2Faccount$' "... to sign in, then back"
is "$(sql "$db" "SELECT count(*) FROM session")" 0 "... and is gone from the store"
form ann /account/login "email=ann@example.org" "password=$PW" >/dev/null
keep "$(jarval ann ph_session)"
sql "$db" "UPDATE session SET seen_at = seen_at - 7000" >/dev/null
is "$(get ann /account)" 200 "a session used within 2 hours goes on"
sql "$db" "UPDATE session SET created_at = created_at - 2592000" >/dev/null
is "$(get ann /account)" 303 "a session 30 days old has ended, however recently used"

# sign out; sign out everywhere
form ann /account/login "email=ann@example.org" "password=$PW" >/dev/null
cp "$T/ann.jar" "$T/ann_replay.jar"
form ann2 /account/login "email=ann@example.org" "password=$PW" >/dev/null
keep "$(jarval ann2 ph_session)"
is "$(sql "$db" "SELECT count(*) FROM session")" 2 "signed in in two browsers"
get ann /account >/dev/null
is "$(post ann /account/logout "csrf=$(csrf)")" 303 "signed out"
like "$(cookie ph_session)" 'ph_session=; Path=/; Max-Age=0' "... the cookie is cleared"
is "$(get ann_replay /account)" 303 "the signed-out session's token no longer works"
is "$(get ann2 /account)" 200 "the other browser is still signed in"
form ann /account/login "email=ann@example.org" "password=$PW" >/dev/null
get ann /account >/dev/null
is "$(post ann /account/logout "csrf=$(csrf)" everywhere=1)" 303 "sign out everywhere"
is "$(get ann2 /account)" 303 "... ends the other browser's session"
is "$(sql "$db" "SELECT count(*) FROM session")" 0 "... and every session"

# ---- no account enumeration -----------------------------------------------------------
norm() { sed -e 's/[a-z0-9.]*@example\.org/EMAIL/g' -e 's/value="[A-Za-z0-9_-]\{43\}"/value="TOKEN"/g' "$T/body"; }
st1=$(form enum /account/register "name=Someone" "email=ann@example.org" "password=$PW"); b1=$(norm)
st2=$(form enum /account/register "name=Someone" "email=nobody1@example.org" "password=$PW"); b2=$(norm)
is "$st1 $st2" "200 200" "register: the same status for a known and an unknown email"
is "$b1" "$b2" "register: the same page"
n=$(wait_mails 4)
like "$(mail "$n"; mail $((n - 1)))" 'Someone tried to create an account with your email address' \
  "... and the owner of the known address is told, by mail"
st1=$(form enum /account/login "email=ann@example.org" "password=wrong password 1"); b1=$(norm)
st2=$(form enum /account/login "email=nobody2@example.org" "password=wrong password 1"); b2=$(norm)
is "$st1 $st2" "400 400" "sign-in: the same status for a known and an unknown email"
is "$b1" "$b2" "sign-in: the same page"
like "$b1" 'Enter a correct email address and password' "... which says only that"
st1=$(form enum /account/reset "email=ann@example.org"); b1=$(norm)
st2=$(form enum /account/reset "email=nobody3@example.org"); b2=$(norm)
is "$st1 $st2" "200 200" "reset: the same status for a known and an unknown email"
is "$b1" "$b2" "reset: the same page"

# ---- reset by mail -----------------------------------------------------------------------
n=$(wait_mails 5)
rlink=$(link "$n" /account/reset)
like "$rlink" '^/account/reset\?token=[A-Za-z0-9_-]{43}$' "the reset mail (to the known address only) has a link"
keep "${rlink#*token=}"
like "$(mail "$n")" 'To: ann@example.org' "... to ann"
form annb /account/login "email=ann@example.org" "password=$PW" >/dev/null
is "$(get annb /account)" 200 "(signed in elsewhere before the reset)"
is "$(get ann "$rlink")" 200 "the reset link opens a form"
is "$(post ann /account/reset "csrf=$(csrf)" "token=${rlink#*token=}" "password=password1")" 400 "a common password is refused"
like "$(cat "$T/body")" 'list of common passwords' "... saying why"
NEWPW='a new and longer pass phrase'
keep "$NEWPW"
is "$(post ann /account/reset "csrf=$(csrf)" "token=${rlink#*token=}" "password=$NEWPW")" 303 "the new password is set"
is "$(header Location)" "/account/login?done=reset" "... then on to sign in"
is "$(from ann /account/login /account/reset "token=${rlink#*token=}" "password=$NEWPW 2")" 400 "a reset link works once"
is "$(get annb /account)" 303 "a reset ends every session"
is "$(form ann /account/login "email=ann@example.org" "password=$PW")" 400 "the old password no longer works"
is "$(form ann /account/login "email=ann@example.org" "password=$NEWPW")" 303 "the new one does"
like "$(mail "$(wait_mails 6)")" 'Your password has been changed' "ann is told by mail"

# ---- an organisation, and an invitation by mail ----------------------------------------------
is "$(form ann /organisations/new "name=Ann's Analytics Co-op" kind=supplier ch_number=1234567)" 303 "a supplier organisation created"
org=$(header Location | sed 's|^/organisations/||; s|?.*||')
like "$org" '^[0-9]+$' "... at /organisations/{id}"
is "$(sql "$db" "SELECT ch_number || ' ' || status FROM organisation WHERE id = $org")" "01234567 verified" \
  "... its Companies House number padded, usable at once (a supplier)"
printf '%s\n' "$PW" >"$T/pw"
"$PH" user add bob@example.org --name "Bob Jones" --password-file "$T/pw" --db "$db" >/dev/null
is "$(from ann "/organisations/$org" "/organisations/$org/invitations" "email=bob@example.org" role=member)" 303 "bob invited"
ilink=$(link "$(wait_mails 7)" /invitations)
like "$ilink" '^/invitations\?token=[A-Za-z0-9_-]{43}$' "the invitation mail has a link"
like "$(mail 7)" "Subject: You are invited to join Ann's Analytics Co-op on Powerhouse" "... and says to what"
keep "${ilink#*token=}"
is "$(get bob "$ilink")" 200 "the invitation page, not signed in"
like "$(cat "$T/body")" 'Sign in</a> with that email address' "... asks to sign in first"
form bob /account/login "email=bob@example.org" "password=$PW" >/dev/null
get bob "$ilink" >/dev/null
is "$(post bob /invitations "csrf=$(csrf)" "token=${ilink#*token=}")" 303 "bob accepts"
is "$(sql "$db" "SELECT m.role FROM membership m JOIN account a ON a.id = m.account_id WHERE a.email = 'bob@example.org' AND m.org_id = $org")" \
  member "... and is a member"
is "$(from bob /account /invitations "token=${ilink#*token=}")" 400 "an invitation works once"
is "$(from ann "/organisations/$org" "/organisations/$org/members" "member=$(sql "$db" "SELECT id FROM account WHERE email = 'bob@example.org'")" action=role role=admin)" \
  303 "ann makes bob an admin"
is "$(sql "$db" "SELECT role FROM membership WHERE org_id = $org AND account_id = (SELECT id FROM account WHERE email = 'bob@example.org')")" \
  admin "... and he is one"
get ann "/organisations/$org" >/dev/null
like "$(cat "$T/body")" 'member.role.*bob@example.org.*member → admin' "the owner sees the change in the organisation's audit log"

# ---- throttling ---------------------------------------------------------------------------
for i in 1 2 3 4 5; do form thr /account/login "email=carol@example.org" "password=wrong password $i" >/dev/null; done
is "$(form thr /account/login "email=carol@example.org" "password=wrong password 6")" 429 "a 6th failed sign-in within 15 minutes: 429"
ra=$(header Retry-After)
ok $([ "${ra:-0}" -ge 1 ] && [ "${ra:-0}" -le 900 ] && echo 0 || echo 1) "... with Retry-After ($ra s)"
like "$(cat "$T/body")" 'Too many attempts' "... as a page"
"$PH" user add carol@example.org --name Carol --password-file "$T/pw" --db "$db" >/dev/null
is "$(form thr /account/login "email=carol@example.org" "password=$PW")" 429 "... even with the right password, until the window passes"
for i in 1 2 3 4; do form thr /account/reset "email=dave@example.org" >/dev/null; done
is "$(form thr /account/reset "email=dave@example.org")" 200 "a fifth reset mail to one address in an hour"
is "$(form thr /account/reset "email=dave@example.org")" 429 "a sixth: 429"

# ---- API tokens are stored hashed ------------------------------------------------------------
api=$("$PH" token create ann@example.org --db "$db" 2>/dev/null)
like "$api" '^[A-Za-z0-9_-]{43}$' "powerhouse token create prints a token"
keep "$api"
is "$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $api" "$B/api/v1/me")" 200 "the token works on the API"
like "$(cat "$T/body")" '"role":"owner"' "... as ann's role"

# ---- nothing secret in clear in the store --------------------------------------------------------
case $db in
  sqlite:*) sqlite3 "${db#sqlite:}" .dump >"$T/dump" 2>/dev/null ;;
  *) "$PGBIN/pg_dump" "$db" >"$T/dump" 2>/dev/null ;;
esac
ok $([ -s "$T/dump" ] && echo 0 || echo 1) "the store dumped"
found=""
while IFS= read -r s; do
  [ -n "$s" ] && grep -qF -- "$s" "$T/dump" && found="$found [${s:0:6}...]"
done <<<"$secrets"
is "$found" "" "no password, session token, emailed token or API token in clear in the store ($(printf '%s\n' "$secrets" | grep -c .) looked for)"
like "$(grep -c 'argon2id' "$T/dump")" '^[1-9]' "passwords are argon2id hashes"

# ---- the audit log ---------------------------------------------------------------------------
acts=$(sql "$db" "SELECT DISTINCT action FROM audit ORDER BY action" | tr '\n' ' ')
for a in account.register account.verify account.signin account.signout account.signout-everywhere \
  account.password-reset organisation.create invitation.create member.join member.role token.create; do
  like "$acts" "(^| )$a( |$)" "audit: $a"
done
is "$(sql "$db" "SELECT client FROM audit WHERE action = 'account.register' LIMIT 1")" 127.0.0.1 "audit rows say from which address"

# ---- behind TLS: Secure, __Host-; without --smtp: .eml files and /admin/mail ------------------------
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
"$PH" user add root@example.org --name Root --password-file "$T/pw" --site-admin --db "$db" >/dev/null
serve "$db" --now "$NOW" --base-url https://portal.example.org --mail-dir "$T/maildir"
trap 'kill $spid $sink 2>/dev/null; cleanup_db; rm -rf "$T"' EXIT
get tls /account/login >/dev/null
like "$(cookie __Host-ph_form)" '^Set-Cookie: __Host-ph_form=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax; Secure$' \
  "behind https: the __Host- prefix and Secure"
is "$(post tls /account/login "csrf=$(csrf)" "email=root@example.org" "password=$PW")" 303 "signed in behind https"
like "$(cookie __Host-ph_session)" '; Secure$' "... the session cookie is Secure"
is "$(form tls /account/reset "email=bob@example.org")" 200 "a reset asked for without --smtp"
for _ in $(seq 1 100); do ls "$T/maildir"/*.eml >/dev/null 2>&1 && break; sleep 0.05; done
f=$(ls "$T/maildir"/*.eml 2>/dev/null | head -1)
like "$(cat "$f" 2>/dev/null)" 'Subject: Reset your password' "the mail is written to the mail folder as .eml"
is "$(stat -c %a "$f" 2>/dev/null)" 600 "... readable by the service only"
id=$(basename "$f" .eml)
is "$(get tls /admin/mail)" 200 "site admins see the mail at /admin/mail"
like "$(cat "$T/body")" "bob@example.org.*Reset your password" "... listed"
is "$(get tls "/admin/mail/$id")" 200 "... and each mail"
like "$(cat "$T/body")" 'href="https://portal.example.org/account/reset\?token=' "... with its link to follow"

exec 7>&-
done_testing
