#!/usr/bin/env bash
# pg_restart.t -- PostgreSQL going away and coming back, on a throwaway server
# of this test's own (scripts/pg.sh in $T: the other suites' server is never
# touched):
#   - a running `serve` answers (a short error, no internal text) while the
#     server is down, and answers again once it is back: its connections and
#     its search index reconnect, and a notice ingested afterwards is found;
#   - an ingest across a restart either finishes (every release stored) or
#     fails cleanly (exit status and a message): only whole batches stored,
#     every stored notice complete, no transaction left open; ingesting again
#     completes with every release stored once.
# PostgreSQL only: on SQLite there is no server to restart.
. "$(dirname "$0")/lib.sh"

if [ "$BACKEND" != postgres ]; then
  skip "serve and ingest across a PostgreSQL restart" "n/a: the SQLite store has no server to restart"
  done_testing
  exit
fi

pg=$(mktemp -d /tmp/ph-pgr-XXXXXX) # not in $T: the server runs as its own user when we are root
url=$(./scripts/pg.sh start "$pg"); ok $? "a PostgreSQL server of this test's own"
restart() { ./scripts/pg.sh halt "$pg" && ./scripts/pg.sh start "$pg" >/dev/null; }
spid=""
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; ./scripts/pg.sh stop "$pg" >/dev/null 2>&1; rm -rf "$T"' EXIT

"$PH" ingest "$DEV" --db "$url" --quiet >/dev/null 2>"$T/ingest.err"
ok $([ $? -le 1 ] && echo 0 || echo 1) "dev data ingested (exit 0, or 1: the dev data holds releases that are rejected)"

# ---- serve across a restart ------------------------------------------------------
"$PH" serve --db "$url" --listen 127.0.0.1:0 --now 2025-01-24 >"$T/serve.out" 2>"$T/serve.log" &
spid=$!
for _ in $(seq 1 100); do grep -q serving "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
B=http://127.0.0.1:$(grep -o ':[0-9]*/$' "$T/serve.out" | tr -d ':/')
ocid=$(sql "$url" "SELECT ocid FROM notice ORDER BY ocid LIMIT 1")
ocid2=$(sql "$url" "SELECT ocid FROM notice ORDER BY ocid LIMIT 1 OFFSET 1")
code() { curl -s -o "$T/body" -w '%{http_code}' "$B$1"; }
is "$(code "/api/v1/notices?q=services")" 200 "search answers"
is "$(code "/notices/$ocid")" 200 "a notice page answers"
cp "$T/body" "$T/kept.html"

./scripts/pg.sh halt "$pg"; ok $? "PostgreSQL stopped under the running server"
c=$(code "/api/v1/notices?q=software"); ok $([ "$c" -ge 500 ] && [ "$c" -le 503 ] && echo 0 || echo 1) "while it is down: a server error ($c), not a hang"
leak=$(grep -qiE "$pg|socket|PGRES|libpq|SELECT" "$T/body" && echo 1 || echo 0)
ok "$leak" "... whose body names no socket, SQL or library"
[ "$leak" = 0 ] || sed 's/^/#   /' "$T/body"
c=$(code "/notices/$ocid"); ok $([ "$c" = 200 ] && cmp -s "$T/body" "$T/kept.html" && echo 0 || echo 1) \
  "... a notice page kept in memory is still served whole ($c)"
c=$(code "/notices/$ocid2"); ok $([ "$c" -ge 500 ] && [ "$c" -le 503 ] && echo 0 || echo 1) "... one never viewed is a server error ($c)"
ok $(grep -qiE "$pg|socket|PGRES|libpq|SELECT" "$T/body" && echo 1 || echo 0) "... whose page names no socket, SQL or library"
down=0 # enough requests that every pool thread meets the outage
for _ in $(seq 1 12); do c=$(code "/notices/$ocid2"); [ "$c" -ge 500 ] && down=$((down + 1)); done
is "$down" 12 "... and twelve more, each a server error"
kill -0 $spid 2>/dev/null; ok $? "the server process is still running"

./scripts/pg.sh start "$pg" >/dev/null; ok $? "PostgreSQL started again"
back=0
for _ in $(seq 1 50); do [ "$(code "/api/v1/notices?q=services")" = 200 ] && { back=1; break; }; sleep 0.2; done
is "$back" 1 "search answers again once PostgreSQL is back"
# Every pool thread must get a connection again (a thread that first needed
# the store while it was down tries to open it again, at most once a second).
recovered=0; codes=""
for _ in $(seq 1 10); do
  bad=0; codes=""
  for _ in $(seq 1 20); do c=$(code "/notices/$ocid2"); codes="$codes $c"; [ "$c" = 200 ] || bad=$((bad + 1)); done
  [ "$bad" = 0 ] && { recovered=1; break; }
  sleep 1
done
ok $([ "$recovered" = 1 ] && echo 0 || echo 1) "every pool thread answers notice pages again (last 20:$codes)"
[ "$recovered" = 1 ] || { echo "# the server's log:"; grep -v '"GET' "$T/serve.log" | tail -n 10 | sed 's/^/#   /'; }

sed -e 's/ocds-evil-1/ocds-after-1/' >"$T/after.json" <<'JSON'
{"ocid":"ocds-evil-1","id":"1","date":"2025-01-20T10:00:00Z","tag":["tender"],"buyer":{"id":"b1","name":"Restart Council"},
 "tender":{"id":"t","title":"Quuxfrobnication after the restart","status":"active","tenderPeriod":{"endDate":"2025-03-01T12:00:00Z"}}}
JSON
"$PH" ingest "$T/after.json" --db "$url" --quiet >/dev/null 2>"$T/ingest.err"; is $? 0 "a notice ingested after the restart"
found=0
for _ in $(seq 1 100); do
  code "/api/v1/notices?q=quuxfrobnication" >/dev/null
  grep -q ocds-after-1 "$T/body" && { found=1; break; }
  sleep 0.1
done
is "$found" 1 "... is found: the search index reconnected and follows the store again"
kill -TERM $spid; wait $spid; is $? 0 "SIGTERM stops the server cleanly"
spid=""

# ---- ingest across a restart -----------------------------------------------------
"$PH" demo --notices 2000 --out "$T/demo.jsonl" >/dev/null
all=$(wc -l <"$T/demo.jsonl")
"$PGBIN/createdb" -h "$pg" across
aurl="postgresql:///across?host=$pg"
"$PH" ingest "$T/demo.jsonl" --db "$aurl" --batch 250 --quiet >/dev/null 2>"$T/across.err" &
ipid=$!
for _ in $(seq 1 400); do
  n=$(sql "$aurl" 'SELECT count(*) FROM release' 2>/dev/null || echo 0)
  [ "${n:-0}" -ge 500 ] && break
  sleep 0.05
done
restart; ok $? "PostgreSQL restarted mid-ingest (after $n releases)"
wait $ipid; rc=$?
n=$(sql "$aurl" 'SELECT count(*) FROM release')
if [ "$rc" = 0 ]; then
  is "$n" "$all" "the ingest finished across the restart: every release stored"
else
  ok $([ -s "$T/across.err" ] && echo 0 || echo 1) "the ingest failed cleanly (exit $rc) with a message: $(head -c 200 "$T/across.err" | tr '\n' ' ')"
fi
is $((n == all ? 0 : n % 250)) 0 "only whole batches of 250 stored ($n of $all)"
is "$(sql "$aurl" 'SELECT count(*) FROM notice WHERE release_count = 0')" 0 "every stored notice is complete"
is "$(sql "$aurl" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'")" 0 "no transaction left open"
"$PH" ingest "$T/demo.jsonl" --db "$aurl" --quiet >/dev/null 2>"$T/again.err"; is $? 0 "ingesting again completes"
is "$(sql "$aurl" 'SELECT count(*) FROM release')" "$all" "... every release stored once"
done_testing
