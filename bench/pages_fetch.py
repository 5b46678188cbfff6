#!/usr/bin/env python3
"""pages_fetch.py HOST:PORT N ROOT PATHS -- saves N distinct notice pages of a
running `powerhouse serve` under ROOT (ROOT/notices/{ocid}) for nginx to serve
the same bytes, and writes their paths, one per line, to PATHS. Notices come
from the JSON API, newest first, following its cursors. Used by bench/pages.sh
--long-tail."""
import http.client
import json
import os
import sys
import urllib.parse


def main():
    hostport, n, root, paths_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    host, port = hostport.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    ocids, cursor = [], None
    while len(ocids) < n:
        q = {"sort": "newest", "limit": "100"}
        if cursor:
            q["cursor"] = cursor
        conn.request("GET", "/api/v1/notices?" + urllib.parse.urlencode(q))
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            sys.exit(f"pages_fetch: the API answered {r.status}")
        page = json.loads(body)
        ocids.extend(hit["ocid"] for hit in page["results"])
        cursor = page.get("next")
        if not cursor:
            break
    ocids = ocids[:n]
    os.makedirs(os.path.join(root, "notices"), exist_ok=True)
    saved = []
    for ocid in ocids:
        if "/" in ocid or ocid.startswith("."):
            continue  # not a plain file name for nginx
        path = "/notices/" + urllib.parse.quote(ocid, safe="")
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            sys.exit(f"pages_fetch: {path} answered {r.status}")
        with open(os.path.join(root, "notices", ocid), "wb") as f:
            f.write(body)
        saved.append(path)
    with open(paths_file, "w") as f:
        f.write("\n".join(saved) + "\n")
    print(f"pages_fetch: {len(saved)} pages saved", file=sys.stderr)


if __name__ == "__main__":
    main()
