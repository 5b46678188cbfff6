# lib.sh -- TAP helpers for end-to-end tests written in bash.
#   ok STATUS NAME      passes when STATUS is 0
#   is GOT WANT NAME    passes when the strings are equal
#   like GOT REGEX NAME passes when GOT matches the extended regex
#   done_testing        prints the plan; exit status says whether all passed
#                       (first, one more test: no sanitizer report, below)
#   newdb NAME          a new empty store; prints its --db URL
#   sql URL QUERY       runs SQL on the store behind URL; rows as sqlite3 prints them
#   cleanup_db          drops the stores newdb made (the EXIT trap calls it)
#   serve DB ARGS...    starts `$PH serve --db DB --listen 127.0.0.1:0 --files $T/files ARGS`
#                       in the background: sets spid, PORT and B (its base
#                       URL), logs to $T/serve.out and $T/serve.log, and stops
#                       it at exit; one test "server started"
#   need STATUS NAME HINT  a prerequisite: one test, and the HINT (how to get
#                       it) when STATUS is not 0; sets missing=1 then
#   need_browser        need Chromium, node, playwright-core, axe-core and the
#                       stylesheets (the browser tests; a missing one fails); with
#                       the sanitizer binary on SQLite the whole test is n/a (they
#                       run with it on PostgreSQL)
#   relay FILE          one test per "ok - NAME" / "not ok - NAME" line of FILE
#                       (a browser script's output), "#" lines passed on, any
#                       other line as a comment; sets relay_done=0 when FILE
#                       has the script's last line "# done" (else 1)
#   mail_text DIR TO SUBJECT  the newest .eml in DIR to TO whose subject starts
#                       with SUBJECT, its quoted-printable soft breaks joined and
#                       "=3D" read as "=" (waits up to 5 s; nothing when none came)
#   smtp_sink DIR       starts the SMTP server tests/smtp_sink.py (Debian's
#                       python3-aiosmtpd) writing each message into DIR: sets
#                       SMTP_PORT and sink (its pid; the caller's EXIT trap kills it)
#   browser_done RC SECS LIMIT  after a browser script that wrote
#                       $T/browser.out and $T/browser.err and exited RC after
#                       SECS seconds: its checks (relay), its stderr, that it ran
#                       to the end, that it took at most LIMIT s (not asked of a
#                       sanitizer build), and no internal error in $T/serve.log
#   skip NAME WHY       a test that cannot run here; under CI=true it counts as a
#                       failure unless WHY starts with "n/a:" (it does not apply to
#                       this run at all, e.g. a PostgreSQL-only test on SQLite)
#   todo STATUS NAME WHY  a known failure whose fix lives elsewhere: reported, not
#                       counted as failed (scripts/tally.sh counts it as skipped;
#                       under CI=true it fails like a skip)
# $PH is the binary under test ($POWERHOUSE_BIN, default ./powerhouse);
# $SHARED the shared data folder; $T a fresh temporary folder removed at exit.
# $BACKEND ($POWERHOUSE_BACKEND): sqlite (default) or postgres, which needs a
# running server whose socket folder is $POWERHOUSE_PG_DIR (scripts/pg.sh).
PH=${POWERHOUSE_BIN:-./powerhouse}
SHARED=${POWERHOUSE_SHARED:-../shared}
DEV=$SHARED/data/ocds/dev
T=$(mktemp -d /tmp/ph-e2e-XXXXXX)
BACKEND=${POWERHOUSE_BACKEND:-sqlite}
PGBIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
_dbs=""
newdb() {
  if [ "$BACKEND" = postgres ]; then
    local name="t$$_$1"
    "$PGBIN/createdb" -h "$POWERHOUSE_PG_DIR" "$name" || { echo "# cannot create database $name" >&2; return 1; }
    _dbs="$_dbs $name"
    echo "postgresql:///$name?host=$POWERHOUSE_PG_DIR"
  else
    echo "sqlite:$T/$1.db"
  fi
}
# The store's full-text tokenizer, for notice_fts (`make` builds it).
FTS_EXT=${POWERHOUSE_FTS_EXT:-build/opt/powerhouse_fts}
sql() {
  case $1 in
    sqlite:*) sqlite3 -cmd ".load $FTS_EXT" "${1#sqlite:}" "$2" ;;
    postgres*) "$PGBIN/psql" "$1" -XAtq -F'|' -c "$2" ;;
    *) sqlite3 -cmd ".load $FTS_EXT" "$1" "$2" ;;
  esac
}
cleanup_db() {
  for d in $_dbs; do "$PGBIN/dropdb" -h "$POWERHOUSE_PG_DIR" --if-exists "$d" 2>/dev/null; done
  _dbs=""
}
trap 'cleanup_db; rm -rf "$T"' EXIT
serve() {
  local db=$1
  shift
  # documents' files in the test's own folder (the default for PostgreSQL is var/files)
  "$PH" serve --db "$db" --listen 127.0.0.1:0 --files "$T/files" "$@" >"$T/serve.out" 2>"$T/serve.log" &
  spid=$!
  trap 'kill $spid 2>/dev/null; cleanup_db; rm -rf "$T"' EXIT
  for _ in $(seq 1 300); do grep -q serving "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
  PORT=$(grep -o ':[0-9]*/$' "$T/serve.out" | tr -d ':/')
  B=http://127.0.0.1:$PORT
  ok $([ -n "$PORT" ] && echo 0 || echo 1) "server started and printed its port"
  [ -n "$PORT" ] || sed 's/^/#   serve: /' "$T/serve.log" | tail -n 5
}
# Sanitizer reports: every run of a sanitizer build ($PH built with ASan+UBSan,
# and anything it starts) writes its report to $T/sanitizer.PID instead of
# stderr, so a report fails the script even where a run's exit status or
# stderr is not looked at (set-up ingests, a server's log). done_testing adds
# the test "no sanitizer report" when $PH is a sanitizer build or a report
# exists, and prints the reports.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$T/sanitizer"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:log_path=$T/sanitizer"
export TSAN_OPTIONS="${TSAN_OPTIONS:+$TSAN_OPTIONS:}log_path=$T/sanitizer"
sanitizer_reports() {
  local reports
  reports=$(ls "$T"/sanitizer.* 2>/dev/null)
  if [ -n "$reports" ]; then
    ok 1 "no sanitizer report from any run of $PH"
    for f in $reports; do echo "# $f:"; head -n 40 "$f" | sed 's/^/#   /'; done
  elif grep -qa -m1 -e __asan_init -e __tsan_init "$PH" 2>/dev/null; then
    ok 0 "no sanitizer report from any run of $PH"
  fi
}
_n=0
_fails=0
ok() {
  _n=$((_n + 1))
  if [ "$1" = 0 ]; then echo "ok $_n - $2"; else echo "not ok $_n - $2"; _fails=$((_fails + 1)); fi
}
is() {
  if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; echo "#   got '$1'"; echo "#   want '$2'"; fi
}
like() {
  if printf '%s' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else ok 1 "$3"; echo "#   '$1'"; echo "#   does not match '$2'"; fi
}
done_testing() {
  sanitizer_reports
  echo "1..$_n"
  [ "$_fails" -eq 0 ]
}
missing=0
need() {
  ok "$1" "$2"
  if [ "$1" != 0 ]; then echo "#   $3"; missing=1; fi
}
need_browser() {
  # The pages a browser drives are the same on both stores: the browser tests run
  # with the optimised binary on SQLite and with the sanitizer binary on PostgreSQL
  # (scripts/test.sh); a third run would add minutes to make test and no coverage.
  if ldd "$PH" 2>/dev/null | grep -q libasan && [ "$BACKEND" = sqlite ]; then
    skip "the browser tests" "n/a: with the sanitizer binary they run on PostgreSQL (the pages are the same on both stores)"
    done_testing
    exit 0
  fi
  need $([ -x /usr/bin/chromium ] && echo 0 || echo 1) "chromium at /usr/bin/chromium" "install it: apt-get install chromium"
  need $(command -v node >/dev/null && echo 0 || echo 1) "node on PATH" "install Node.js 18 or later"
  need $([ -f node_modules/playwright-core/package.json ] && echo 0 || echo 1) "node_modules/playwright-core" "run: make node (npm ci)"
  need $([ -f node_modules/axe-core/axe.min.js ] && echo 0 || echo 1) "node_modules/axe-core" "run: make node (npm ci)"
  need $([ -f build/static/govuk-frontend.min.css ] && [ -f build/static/site.css ] && echo 0 || echo 1) \
    "build/static has the stylesheets" "run: make static"
}
relay() {
  relay_done=1
  local line
  while IFS= read -r line; do
    case $line in
      "ok - "*) ok 0 "${line#ok - }" ;;
      "not ok - "*) ok 1 "${line#not ok - }" ;;
      "# done") relay_done=0 ;;
      "#"*) echo "$line" ;;
      *) [ -n "$line" ] && echo "# $line" ;;
    esac
  done <"$1"
}
# searchable QUERY OCID: polls the search API from now until its answer to QUERY
# has OCID (at most 5 s); prints the milliseconds that took, nothing if never.
# SEARCHABLE_MS is the bound the tests hold it to: 1 s is the target, held by
# bench/posting.py on a quiet machine (p99 140 ms); here each probe starts a curl
# while other tests run beside this one (1.35 s seen so), hence 3 s, and 5 s for
# a sanitizer build (several times slower in everything). It still fails when
# the index does not follow the store.
SEARCHABLE_MS=3000
ldd "$PH" 2>/dev/null | grep -q libasan && SEARCHABLE_MS=5000
searchable() {
  local t0 _
  t0=$(date +%s%N)
  for _ in $(seq 1 200); do
    if curl -s "$B/api/v1/notices?q=$1" | grep -q "\"$2\""; then
      echo $((($(date +%s%N) - t0) / 1000000))
      return
    fi
    sleep 0.025
  done
}
mail_text() {
  local f=
  for _ in $(seq 1 100); do
    f=$(grep -l "^To: .*$2" "$1"/*.eml 2>/dev/null | xargs -r grep -l "^Subject: $3" 2>/dev/null | sort -V | tail -n 1)
    [ -n "$f" ] && break
    sleep 0.05
  done
  [ -n "$f" ] && sed -e ':a' -e '/=\r$/{N;s/=\r\n//;ba}' "$f" | sed 's/=3D/=/g'
}
smtp_sink() {
  mkdir -p "$1"
  mkfifo "$T/sink.in"
  /usr/bin/python3 tests/smtp_sink.py "$1" <"$T/sink.in" >"$T/sink.out" 2>"$T/sink.err" &
  sink=$!
  exec 7>"$T/sink.in" # the sink runs until this closes
  for _ in $(seq 1 50); do grep -q PORT "$T/sink.out" 2>/dev/null && break; sleep 0.1; done
  SMTP_PORT=$(awk '/PORT/ {print $2}' "$T/sink.out")
}
browser_done() {
  relay "$T/browser.out"
  [ -s "$T/browser.err" ] && sed 's/^/# stderr: /' "$T/browser.err" | head -40
  ok $relay_done "browser script ran to the end (exit status $1)"
  if grep -qa -m1 -e __asan_init -e __tsan_init "$PH" 2>/dev/null; then
    echo "# the browser journey took ${2}s (a sanitizer build)"
  else
    ok $([ "$2" -le "$3" ] && echo 0 || echo 1) "the browser journey took ${2}s (at most $3)"
  fi
  if grep -q 'internal error\|request [0-9a-f]* failed' "$T/serve.log"; then
    ok 1 "no internal error in the server's log"
    grep 'internal error\|failed' "$T/serve.log" | head -5 | sed 's/^/#   /'
  else
    ok 0 "no internal error in the server's log"
  fi
}
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }
todo() {
  _n=$((_n + 1))
  if [ "$1" = 0 ]; then echo "ok $_n - $2 # TODO $3"; else echo "not ok $_n - $2 # TODO $3"; fi
}
