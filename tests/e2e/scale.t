#!/usr/bin/env bash
# scale.t -- two `powerhouse serve` processes on one store while an ingest runs
# into it (on either backend: POWERHOUSE_BACKEND=sqlite|postgres, see lib.sh).
# Clients query both servers throughout: every answer is a 200 with a total
# that never goes down on either server (each search runs on one committed
# snapshot; ingest commits whole batches), notice pages of the new notices
# appear on both, and once the ingest is done both servers converge on the
# same total, equal to the store's count.
. "$(dirname "$0")/lib.sh"

db=$(newdb scale)
"$PH" ingest "$DEV" --db "$db" --quiet >/dev/null 2>&1
more=$([ "$BACKEND" = sqlite ] && echo 15000 || echo 8000) # PostgreSQL ingests about half as fast (batches)
"$PH" demo --notices $more --seed 11 --out "$T/more.jsonl" >/dev/null 2>&1
ok $([ -s "$T/more.jsonl" ] && echo 0 || echo 1) "generated $more more notices to ingest"

start_server() { # NAME -> sets PORT_NAME
  "$PH" serve --db "$db" --listen 127.0.0.1:0 --static build/static >"$T/$1.out" 2>"$T/$1.log" &
  echo $! >"$T/$1.pid"
  for _ in $(seq 1 100); do grep -q serving "$T/$1.out" 2>/dev/null && break; sleep 0.1; done
  grep -o ':[0-9]*/$' "$T/$1.out" | tr -d ':/'
}
P1=$(start_server one)
P2=$(start_server two)
trap 'kill $(cat "$T"/*.pid 2>/dev/null) 2>/dev/null; cleanup_db; rm -rf "$T"' EXIT
ok $([ -n "$P1" ] && [ -n "$P2" ] && echo 0 || echo 1) "two servers started on one store ($P1, $P2)"

before=$(sql "$db" 'SELECT count(*) FROM notice')
total() { curl -s "http://127.0.0.1:$1/api/v1/notices?limit=1" | sed -nE 's/^\{"total":([0-9]+),.*/\1/p'; }

# the ingest, in batches of 1000, while both servers are asked every 50 ms
"$PH" ingest "$T/more.jsonl" --db "$db" --batch 1000 --quiet >"$T/ingest.out" 2>&1 &
ipid=$!
bad=0; down=0; last1=0; last2=0; asked=0
while kill -0 $ipid 2>/dev/null && [ $asked -lt 2000 ]; do
  t1=$(total $P1); t2=$(total $P2); asked=$((asked + 2))
  [ -z "$t1" ] || [ -z "$t2" ] && bad=$((bad + 1))
  [ -n "$t1" ] && [ "$t1" -lt "$last1" ] && down=$((down + 1))
  [ -n "$t2" ] && [ "$t2" -lt "$last2" ] && down=$((down + 1))
  last1=${t1:-$last1}; last2=${t2:-$last2}
  sleep 0.05
done
wait $ipid; rc=$?
is "$rc" 0 "the ingest finished while both servers answered"
ok $([ "$asked" -ge 20 ] && echo 0 || echo 1) "the servers were asked throughout the ingest ($asked times)"
is "$bad" 0 "every answer during the ingest was a 200 with a total"
is "$down" 0 "neither server's total ever went down"

after=$(sql "$db" 'SELECT count(*) FROM notice')
ok $([ "$after" -gt "$before" ] && echo 0 || echo 1) "the store grew ($before -> $after notices)"
conv=1
for _ in $(seq 1 150); do
  [ "$(total $P1)" = "$after" ] && [ "$(total $P2)" = "$after" ] && { conv=0; break; }
  sleep 0.1
done
ok $conv "both servers converge on the store's count ($after) once their indexes are rebuilt"

# a notice from the ingest, on both servers' pages and API
ocid=$(sed -nE '1s/.*"ocid":"([^"]+)".*/\1/p' "$T/more.jsonl")
c1=$(curl -s -o "$T/p1" -w '%{http_code}' "http://127.0.0.1:$P1/notices/$ocid")
c2=$(curl -s -o "$T/p2" -w '%{http_code}' "http://127.0.0.1:$P2/notices/$ocid")
is "$c1 $c2" "200 200" "a newly ingested notice's page on both servers"
ok $(cmp -s "$T/p1" "$T/p2" && echo 0 || echo 1) "... the same page from both"
a1=$(curl -s "http://127.0.0.1:$P1/api/v1/notices?q=services&sort=closing&limit=50")
a2=$(curl -s "http://127.0.0.1:$P2/api/v1/notices?q=services&sort=closing&limit=50")
ok $([ -n "$a1" ] && [ "$a1" = "$a2" ] && echo 0 || echo 1) "the same search gives the same answer on both servers"

for n in one two; do kill -TERM "$(cat "$T/$n.pid")"; wait "$(cat "$T/$n.pid")" 2>/dev/null; done
done_testing
