#!/usr/bin/env bash
# harden.t -- findings of the attack report (../shared/reproducers/attack/
# REPORT.md) kept fixed, over loopback, on both engines of the real server:
#   16  the report's forged cursor (its checksum was public) is a 400; a
#       cursor signed with the store's own key around a closing key of 1e300
#       is a 400 naming the bad key, on the index and on the store's engine
#       (the key reached a float-to-integer conversion, undefined beyond
#       2^63, in both); a signed cursor altered by one character is a 400;
#   20  the report's xss.json (its script's output) exported as CSV (API download and `export
#       --format csv`): no cell, and no piece of a cell between commas or
#       semicolons (the list separator of many locales), starts a formula;
#   14  while the store changes between pages, the newest, closing and value
#       cursors repeat no notice and miss none that was there before; a
#       relevance walk completes (its scores move with the store: documented
#       in docs/api.md).
. "$(dirname "$0")/lib.sh"

ATTACK=$SHARED/reproducers/attack
pids=""
trap 'for p in $pids; do kill $p 2>/dev/null; done; cleanup_db; rm -rf "$T"' EXIT
start() { # NAME DB ARGS...: starts serve, sets URL
  local name=$1 db=$2
  shift 2
  "$PH" serve --db "$db" --listen 127.0.0.1:0 --static build/static "$@" >"$T/$name.out" 2>"$T/$name.log" &
  pids="$pids $!"
  for _ in $(seq 1 100); do grep -q serving "$T/$name.out" 2>/dev/null && break; sleep 0.1; done
  URL=http://127.0.0.1:$(grep -o ':[0-9]*/$' "$T/$name.out" | tr -d ':/')
}
status() { curl -s -o "$T/body" -w '%{http_code}' "$1"; }

# ---- 16: forged cursors ---------------------------------------------------------
db=$(newdb demo)
"$PH" demo --notices 300 --db "$db" >/dev/null 2>&1; ok $? "demo store"
forged=$(grep -o 'cursor=[A-Za-z0-9_-]*' "$ATTACK/http/ubsan_cursor_repro.txt" | head -1)
like "$forged" '^cursor=AQIB' "the report's forged cursor (sort=closing, key 1e300)"
# the store's cursor key, and a cursor signed with it around a key of 1e300
if [ "$BACKEND" = postgres ]; then
  key=$(sql "$db" "SELECT encode(value, 'hex') FROM secret WHERE name = 'cursor'")
else
  key=$(sql "$db" "SELECT lower(hex(value)) FROM secret WHERE name = 'cursor'")
fi
like "$key" '^[0-9a-f]{64}$' "the store made a 32-byte cursor key"
sign() { # SORT KEY OCID: a cursor signed with the store's key (the layout of src/search/query.c)
  python3 -c '
import base64, hashlib, struct, sys
sort, key, ocid, k = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3].encode(), bytes.fromhex(sys.argv[4])
raw = bytes([2, sort, 1]) + struct.pack(">d", key) + bytes([len(ocid)]) + ocid
raw += hashlib.blake2b(raw, digest_size=16, key=k).digest()
print(base64.urlsafe_b64encode(raw).decode().rstrip("="))' "$@" "$key"
}
signed_bad=cursor=$(sign 2 1e300 x)
signed_good=cursor=$(sign 2 1767225600 x)
altered=$(python3 -c 'import sys; s = sys.argv[1]; i = len(s) - 5; print(s[:i] + ("B" if s[i] == "A" else "A") + s[i + 1:])' "$signed_good")
for engine in index store; do
  start "cur_$engine" "$db" --search "$engine"
  is "$(status "$URL/api/v1/notices?sort=closing&$forged")" 400 "$engine engine: the report's forged cursor is a 400"
  like "$(cat "$T/body")" 'cursor is invalid' "$engine engine: ... saying the cursor is invalid"
  is "$(status "$URL/api/v1/notices?sort=closing&$signed_bad")" 400 "$engine engine: a signed cursor with a key of 1e300 is a 400"
  like "$(cat "$T/body")" 'cursor is invalid: bad sort key' "$engine engine: ... naming the bad key"
  is "$(status "$URL/notices?sort=closing&$signed_bad")" 400 "$engine engine: the search page too"
  is "$(status "$URL/api/v1/notices?sort=closing&$signed_good")" 200 "$engine engine: a signed cursor with a good key pages on"
  is "$(status "$URL/api/v1/notices?sort=closing&$altered")" 400 "$engine engine: the same cursor altered is a 400"
  is "$(status "$URL/api/v1/notices?sort=closing&limit=1")" 200 "$engine engine: the server still answers"
done

# ---- 20: CSV injection ----------------------------------------------------------
# the report's xss.json, made again by its script less its \u0000 escapes
# (ingest refuses a release holding one: cJSON would cut the text there)
xdb=$(newdb xss)
python3 "$ATTACK/xss/make_xss.py" | sed 's/\\u0000//g' >"$T/xss.json"
"$PH" ingest "$T/xss.json" --db "$xdb" --quiet >/dev/null 2>"$T/xss.err"
n=$(sql "$xdb" "SELECT count(*) FROM notice")
ok $([ "$n" -ge 5 ] && echo 0 || echo 1) "the report's xss.json ingested ($n notices)"
start csv "$xdb"
curl -s "$URL/api/v1/notices.csv" >"$T/api.csv"
"$PH" export --db "$xdb" --format csv >"$T/cli.csv"
# every piece between separators (commas and semicolons, quotes ignored, as a
# spreadsheet splitting on the other separator sees it), less one opening quote
formulas() {
  tr ',;' '\n\n' <"$1" | sed 's/^"//' | grep -c '^[=+@-]'
}
for f in api cli; do
  like "$(grep -c 'x;' "$T/$f.csv")" '^[1-9]' "$f CSV: holds the report's semicolon payload"
  is "$(formulas "$T/$f.csv")" 0 "$f CSV: no cell or piece of a cell starts with = + - @"
done
like "$(cat "$T/api.csv")" "\"x;'=1\\+1;y\"" "the payload x;=1+1;y is quoted, its formula neutralised"

# ---- 14: cursors while the store changes -------------------------------------------
cdb=$(newdb paging)
"$PH" demo --notices 400 --seed 1 --db "$cdb" >/dev/null 2>&1
start paging "$cdb"
# walk SORT QUERY SEED: follows next from page 1, ingesting more notices (demo
# --seed SEED) after it; prints one ocid a line to $T/walk
walk() {
  python3 - "$URL/api/v1/notices?sort=$1&limit=50&$2" "$3" "$PH" "$cdb" >"$T/walk" <<'PY'
import json, subprocess, sys, time, urllib.parse, urllib.request
url, seed, ph, db = sys.argv[1:]
cur = None
for i in range(40):
    try:
        with urllib.request.urlopen(url + ("&cursor=" + urllib.parse.quote(cur) if cur else "")) as r:
            page = json.load(r)
    except Exception as e:
        print("# walk stopped: %s" % e, file=sys.stderr)
        break
    for x in page["results"]:
        print(x["ocid"])
    cur = page.get("next")
    if not cur:
        break
    if i == 0:  # the store changes after the first page
        subprocess.run([ph, "demo", "--notices", "400", "--seed", seed, "--db", db],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.5)  # the index follows within a second
PY
}
seed=2
for sort in newest closing value; do
  sql "$cdb" "SELECT ocid FROM notice" | sort >"$T/before"
  walk "$sort" "" $seed
  seed=$((seed + 1))
  is "$(sort "$T/walk" | uniq -d | wc -l)" 0 "sort=$sort: no notice repeated while the store changed"
  is "$(sort -u "$T/walk" | comm -23 "$T/before" - | wc -l)" 0 \
    "sort=$sort: every notice there before the walk was seen ($(wc -l <"$T/before") before, $(sql "$cdb" "SELECT count(*) FROM notice") after)"
done
walk relevance "q=services" $seed
like "$(grep -c . "$T/walk")" '^[1-9]' "sort=relevance: the walk completes while the store changes ($(grep -c . "$T/walk") items)"
done_testing
