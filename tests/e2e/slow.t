#!/usr/bin/env bash
# slow.t -- slowloris (attack report, finding 6): 1,100 connections from 44
# loopback addresses that send a request head one byte at a time and never
# finish it. More than --max-connections (1024) and more than any per-address
# limit can stop. A normal request from another address must still be answered
# within 1 s (a new connection takes the place of the oldest unfinished head),
# and every slow head must be cut at --head-timeout (2 s here), not before and
# not much after, although it is never idle. Bounded: about 6 s.
. "$(dirname "$0")/lib.sh"

db=$(newdb slow)
"$PH" demo --notices 20 --db "$db" >/dev/null 2>&1
"$PH" serve --db "$db" --listen 127.0.0.1:0 --static build/static --head-timeout 2 >"$T/serve.out" 2>"$T/serve.log" &
spid=$!
trap 'kill $spid 2>/dev/null; cleanup_db; rm -rf "$T"' EXIT
for _ in $(seq 1 100); do grep -q serving "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(grep -o ':[0-9]*/$' "$T/serve.out" | tr -d ':/')
ok $([ -n "$PORT" ] && echo 0 || echo 1) "server started with --head-timeout 2"

out=$(timeout 30 python3 "$(dirname "$0")/slowheads.py" "$PORT" 44 25 0.3)
echo "# $out"
val() { printf '%s\n' "$out" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
is "$(val opened)" 1100 "1,100 slow connections from 44 addresses were accepted"
is "$(val probes)" "200,200,200" "normal requests from other addresses are answered while they are open"
ms=$(val probe_max_ms)
ok $([ -n "$ms" ] && [ "$ms" -lt 1000 ] && echo 0 || echo 1) "within 1 s each (slowest ${ms:-?} ms)"
is "$(val late)" 0 "every slow head is cut by 5 s although it sends a byte every 0.3 s"
ontime=$(val ontime)
ok $([ -n "$ontime" ] && [ "$ontime" -ge 900 ] && echo 0 || echo 1) \
  "most at the 2 s head deadline, not before (${ontime:-?} of 1100 between 1.5 and 5 s; the rest made room)"
kill $spid 2>/dev/null
wait $spid 2>/dev/null
done_testing
