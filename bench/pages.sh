#!/usr/bin/env bash
# bench/pages.sh -- notice page throughput: `powerhouse serve` against nginx
# serving the same bytes at the same path on the same machine, as a ratio.
#
# Starts ./powerhouse serve on a free loopback port, picks a notice through
# the JSON API, saves its page (/notices/{ocid}) into a temporary directory,
# starts nginx there on another loopback port (its own config, pid file and
# logs, 2 workers, keep-alive), checks both answer 200 with identical bodies,
# then runs wrk (2 threads, 32 connections, --seconds each after a 2 s
# warm-up) twice against each, in the order A B B A so that drift in the
# load of a shared machine hits both alike. Prints requests/s of both and
# powerhouse/nginx. Target (issue): >= 0.5. Both servers are stopped and the
# temporary directory removed on any exit (~50 s in all with the defaults).
#
#   bench/pages.sh [--db URL] [--seconds N] [--connections N] [--no-page-cache]
#                  [--long-tail N]
#
# --long-tail N: the long tail of real traffic instead of one page: N distinct
# notice pages (10,000 in BENCHMARKS.md; more than the page cache holds),
# saved for nginx the same way, requested in turn (each wrk thread walks the
# list from its own starting point), so nearly every request renders a page
# afresh.
#
# By default the portal keeps rendered notice pages (web/cache.h), so after
# the first request wrk measures serving a kept page; --no-page-cache makes
# every request render the page from the store (reads, merge, HTML).
#
# Needs wrk and nginx (apt-get install -y wrk nginx-light) and curl; brings
# ./powerhouse up to date with make first. The default store is the one
# bench/ingest builds (var/bench/ingest.db), else the demo store.
set -euo pipefail
cd "$(dirname "$0")/.."

db=""
seconds=10
conns=32
cache=""
tail_n=0
while [ $# -gt 0 ]; do
  case "$1" in
    --long-tail) tail_n="$2"; shift 2 ;;
    --db) db="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --connections) conns="$2"; shift 2 ;;
    --no-page-cache) cache="--no-page-cache"; shift ;;
    *) echo "usage: bench/pages.sh [--db URL] [--seconds N] [--connections N] [--no-page-cache] [--long-tail N]" >&2; exit 2 ;;
  esac
done
if [ -z "$db" ]; then
  if [ -s var/bench/ingest.db ]; then db=sqlite:var/bench/ingest.db
  elif [ -s var/powerhouse.db ]; then db=sqlite:var/powerhouse.db
  else echo "pages.sh: no store: build one with bench/ingest or 'make run' first, or give --db" >&2; exit 2
  fi
fi
for tool in wrk nginx curl; do
  if ! command -v "$tool" >/dev/null; then
    echo "pages.sh: $tool is missing: apt-get install -y wrk nginx-light curl" >&2
    exit 2
  fi
done
# the current sources (a no-op when ./powerhouse is up to date)
make --no-print-directory powerhouse >"${TMPDIR:-/tmp}/pages-make.$$.log" 2>&1 || {
  echo "pages.sh: make powerhouse failed:" >&2; tail -20 "${TMPDIR:-/tmp}/pages-make.$$.log" >&2; exit 1
}
rm -f "${TMPDIR:-/tmp}/pages-make.$$.log"

tmp=$(mktemp -d /tmp/powerhouse-pages.XXXXXX)
chmod 755 "$tmp" # nginx workers run as nobody
ph_pid=""
ngx_pid=""
cleanup() {
  # only the two servers this script started, by pid
  [ -n "$ngx_pid" ] && kill "$ngx_pid" 2>/dev/null && wait "$ngx_pid" 2>/dev/null
  [ -n "$ph_pid" ] && kill "$ph_pid" 2>/dev/null && wait "$ph_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits (at most 3 minutes: the search index of a million notices is built
# before the server listens) for a line matching $2 in file $1 and prints it.
wait_for_line() {
  local i
  for i in $(seq 1800); do
    if grep -q "$2" "$1" 2>/dev/null; then grep -m1 "$2" "$1"; return 0; fi
    sleep 0.1
  done
  return 1
}

# powerhouse, on a port it picks; the access log goes to a file, like nginx's
mkdir -p "$tmp/static"
# as deployed: with its search index (the page cache keys on the index's sequence)
./powerhouse serve --db "$db" --listen 127.0.0.1:0 --static "$tmp/static" $cache >"$tmp/ph.out" 2>"$tmp/ph.log" &
ph_pid=$!
line=$(wait_for_line "$tmp/ph.out" "serving on") || {
  echo "pages.sh: powerhouse serve did not start:" >&2; cat "$tmp/ph.log" >&2; exit 1
}
ph_port=$(sed -E 's|.*:([0-9]+)/.*|\1|' <<<"$line")

mkdir -p "$tmp/root/notices"
if [ "$tail_n" -gt 0 ]; then
  # N distinct notices, the newest first (the API's cursor pages), each page
  # saved as it is served now; paths.txt lists them for wrk's script
  python3 bench/pages_fetch.py "127.0.0.1:$ph_port" "$tail_n" "$tmp/root" "$tmp/paths.txt" || exit 1
  path=$(head -n1 "$tmp/paths.txt")
  bytes=$(cat "$tmp/root"/notices/* | wc -c)
  cat >"$tmp/walk.lua" <<EOF
local paths = {}
for line in io.lines("$tmp/paths.txt") do paths[#paths + 1] = line end
local threads = 0
function setup(thread)
  thread:set("start", threads)
  threads = threads + 1
end
function init(args)
  i = math.floor(start * #paths / 2)
end
function request()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format("GET", paths[i])
end
EOF
else
  # one notice: the first of a fixed search, so runs pick the same one
  ocid=$(curl -sf "http://127.0.0.1:$ph_port/api/v1/notices?q=telecare&sort=newest&limit=1" |
    sed -nE 's/.*"ocid":"([^"]+)".*/\1/p')
  [ -n "$ocid" ] || { echo "pages.sh: no notice found in $db" >&2; exit 1; }
  path="/notices/$ocid"
  curl -sf -o "$tmp/root$path" "http://127.0.0.1:$ph_port$path"
  bytes=$(stat -c %s "$tmp/root$path")
fi
chmod -R a+rX "$tmp/root"

# nginx, on a free port of its own, serving the saved page as HTML
ngx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log $tmp/nginx/access.log;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  sendfile on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  default_type text/html;
  charset utf-8;
  server {
    listen 127.0.0.1:$ngx_port;
    root $tmp/root;
    # the headers powerhouse sends with every page, so both answers are alike
    add_header Content-Security-Policy "default-src 'self'; frame-ancestors 'none'" always;
    add_header X-Content-Type-Options nosniff always;
    add_header Referrer-Policy same-origin always;
    add_header Cache-Control no-store always;
  }
}
EOF
nginx -p "$tmp/nginx" -c "$tmp/nginx.conf" -e "$tmp/nginx/error.log" &
ngx_pid=$!
for i in $(seq 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$ngx_port$path" && break
  sleep 0.1
done
curl -sf -o "$tmp/ngx.body" "http://127.0.0.1:$ngx_port$path" || {
  echo "pages.sh: nginx did not serve the page:" >&2; cat "$tmp/nginx/error.log" >&2; exit 1
}
cmp -s "$tmp/ngx.body" "$tmp/root$path" || { echo "pages.sh: nginx serves different bytes" >&2; exit 1; }

# Prints requests/s of a wrk run, after checking it saw no errors.
run_wrk() {
  local url=$1 out script=()
  [ "$tail_n" -gt 0 ] && script=(-s "$tmp/walk.lua")
  wrk -t2 -c"$conns" -d2s "${script[@]}" "$url" >/dev/null # warm-up
  out=$(wrk -t2 -c"$conns" -d"${seconds}s" --latency "${script[@]}" "$url")
  echo "$out" >"$tmp/wrk.last"
  if grep -qE "Non-2xx|Socket errors" <<<"$out"; then
    echo "pages.sh: errors against $url:" >&2
    echo "$out" >&2
    exit 1
  fi
  printf '%s %s %s\n' "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")"
}

# A B B A, so drift in the machine's load (it is shared) hits both alike
ph_url="http://127.0.0.1:$ph_port$path"
ngx_url="http://127.0.0.1:$ngx_port$path"
read -r ph1 ph_p50 ph_p99 < <(run_wrk "$ph_url")
read -r ngx1 ngx_p50 ngx_p99 < <(run_wrk "$ngx_url")
read -r ngx2 _ _ < <(run_wrk "$ngx_url")
read -r ph2 _ _ < <(run_wrk "$ph_url")
ph_rps=$(awk -v a="$ph1" -v b="$ph2" 'BEGIN { print (a + b) / 2 }')
ngx_rps=$(awk -v a="$ngx1" -v b="$ngx2" 'BEGIN { print (a + b) / 2 }')

if [ "$tail_n" -gt 0 ]; then
  echo "long tail: $(wc -l <"$tmp/paths.txt") distinct notice pages in turn, $bytes bytes in all, store $db, page cache $([ -n "$cache" ] && echo off || echo on)"
else
  echo "notice page $path: $bytes bytes, store $db, page cache $([ -n "$cache" ] && echo off || echo on)"
fi
echo "wrk -t2 -c$conns -d${seconds}s, two runs each (A B B A), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-12s %12s %12s %12s %10s %10s\n' server "requests/s" "run 1" "run 2" "p50 (1)" "p99 (1)"
printf '%-12s %12.0f %12.0f %12.0f %10s %10s\n' powerhouse "$ph_rps" "$ph1" "$ph2" "$ph_p50" "$ph_p99"
printf '%-12s %12.0f %12.0f %12.0f %10s %10s\n' nginx "$ngx_rps" "$ngx1" "$ngx2" "$ngx_p50" "$ngx_p99"
ratio=$(awk -v a="$ph_rps" -v b="$ngx_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
met=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.5 ? "met" : "MISSED") }')
echo "powerhouse/nginx: $ratio (target >= 0.50 $met)"
