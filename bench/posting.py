#!/usr/bin/python3
"""posting.py -- notices posted through the API for buyers' systems: how many
a second, and how long until each is found by the search (issue 12: at least
200 notices/s on SQLite; searchable within 1 s).

  python3 bench/posting.py [--powerhouse ./powerhouse] [--notices N] [--clients N]
                           [--seconds S] [--probes N] [--dir var/bench/posting]

Makes a fresh SQLite store of N demo notices (`powerhouse demo`, so the search
index is a realistic size), a verified public buyer and its API token
(`powerhouse user add`, `powerhouse token create`), serves it on 127.0.0.1 and
measures over real HTTP on loopback, each client on a keep-alive connection:

  (a) baseline: --clients clients POST /api/v1/notices with a body that is
      read, authorised and checked but refused (422: no title), so nothing is
      written: the request's cost without the write;
  (b) posting: the same clients POST complete notices (each its own title),
      each answered 201 once its release is applied and committed;
  (c) time to searchable: --probes times, one notice with a word of its own
      is posted and /api/v1/notices?q=WORD asked every 5 ms until it is found;
      the time from sending the POST to the first answer that has it.

Prints the rates of (a) and (b), (b) as a ratio of (a), (b) against the
target, and p50/p99/max of (c) against 1 s ("MISSED" when over: a figure, not
a failure of the run); exits 1 only when a request failed. Standard library
only; the clients are processes, so none waits for another's interpreter
lock. Every run starts afresh in --dir."""
import argparse
import http.client
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse

TARGET_RATE = 200.0
TARGET_SEARCHABLE_MS = 1000.0


def pct(xs, p):
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def notice(i, word=None):
    return json.dumps({
        "title": "Digital service %d%s" % (i, " " + word if word else ""),
        "description": "A benchmark notice: software development and support for service %d." % i,
        "cpv": ["72000000"], "value": {"amount": 50000 + i}, "procedure": "open",
        "deadline": "2027-12-01T12:00:00Z", "regions": ["TLE"], "sme": True,
        "apply": {"route": "link", "to": "https://buyer.example/tenders/%d" % i}})


def poster(port, token, seconds, valid, first, q):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    head = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    want = 201 if valid else 422
    done, errors, i = 0, [], first
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        body = notice(i) if valid else '{"description": "no title"}'
        i += 1
        try:
            c.request("POST", "/api/v1/notices", body=body, headers=head)
            r = c.getresponse()
            text = r.read()
        except (OSError, http.client.HTTPException) as e:
            errors.append(str(e))
            c.close()
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        if r.status == want:
            done += 1
        else:
            errors.append("HTTP %d: %s" % (r.status, text[:200]))
    c.close()
    q.put((done, errors))


def phase(port, token, clients, seconds, valid):
    q = multiprocessing.Queue()
    ps = [multiprocessing.Process(target=poster, args=(port, token, seconds, valid, 1000000 * (k + 1), q))
          for k in range(clients)]
    t0 = time.perf_counter()
    for p in ps:
        p.start()
    got = [q.get() for _ in ps]
    for p in ps:
        p.join()
    secs = time.perf_counter() - t0
    return sum(d for d, _ in got) / secs, [e for _, es in got for e in es]


def searchable(port, token, probes):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    s = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    head = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    times, errors = [], []
    for n in range(probes):
        word = "zebraquill%d" % n
        t0 = time.perf_counter()
        c.request("POST", "/api/v1/notices", body=notice(n, word), headers=head)
        r = c.getresponse()
        r.read()
        if r.status != 201:
            errors.append("probe %d: HTTP %d" % (n, r.status))
            continue
        while True:
            s.request("GET", "/api/v1/notices?q=" + urllib.parse.quote(word))
            g = s.getresponse()
            body = g.read()
            if g.status == 200 and b'"total":1' in body:
                times.append((time.perf_counter() - t0) * 1000)
                break
            if time.perf_counter() - t0 > 10:
                errors.append("probe %d: not found within 10 s" % n)
                break
            time.sleep(0.005)
    c.close()
    s.close()
    return times, errors


def run(cmd):
    """cmd's standard output (its messages on standard error are shown only when it fails)."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("bench/posting: %s failed (%d):\n%s%s" % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    return p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--powerhouse", default="./powerhouse")
    ap.add_argument("--notices", type=int, default=20000)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--probes", type=int, default=30)
    ap.add_argument("--dir", default="var/bench/posting")
    a = ap.parse_args()
    ph = a.powerhouse
    shutil.rmtree(a.dir, ignore_errors=True)
    os.makedirs(a.dir)
    db = "sqlite:" + os.path.join(a.dir, "posting.db")
    t0 = time.time()
    run([ph, "demo", "--notices", str(a.notices), "--db", db])
    print("store: %d demo notices in %.1f s" % (a.notices, time.time() - t0))
    pw = os.path.join(a.dir, "pw")
    with open(pw, "w") as f:
        f.write("heather moor lantern bench\n")
    run([ph, "user", "add", "buyer@bench.example", "--name", "Bench Buyer", "--password-file", pw, "--org",
         "Bench Borough Council", "--kind", "buyer", "--sector", "public", "--db", db])
    token = run([ph, "token", "create", "buyer@bench.example", "--db", db]).strip()
    log = open(os.path.join(a.dir, "serve.log"), "w")
    srv = subprocess.Popen([ph, "serve", "--db", db, "--listen", "127.0.0.1:0", "--mail-dir",
                            os.path.join(a.dir, "mail")], stdout=subprocess.PIPE, stderr=log, text=True)
    failures = []
    try:
        line = srv.stdout.readline()
        m = re.search(r":(\d+)/$", line.strip())
        if not m:
            sys.exit("bench/posting: the server did not say its port: %r" % line)
        port = int(m.group(1))
        time.sleep(1)  # the index is built at start
        base, e1 = phase(port, token, a.clients, a.seconds, False)
        rate, e2 = phase(port, token, a.clients, a.seconds, True)
        times, e3 = searchable(port, token, a.probes)
        failures = e1 + e2 + e3
        print("(a) baseline, refused (422) bodies: %.0f requests/s (%d clients)" % (base, a.clients))
        print("(b) posting: %.0f notices/s (%d clients), %.2f of the baseline; target >= %.0f: %s" %
              (rate, a.clients, rate / base if base else float("nan"), TARGET_RATE,
               "met" if rate >= TARGET_RATE else "MISSED"))
        p99 = pct(times, 99)
        print("(c) posted to searchable, %d probes: p50 %.0f ms, p99 %.0f ms, max %.0f ms; target <= %.0f ms: %s" %
              (len(times), pct(times, 50), p99, max(times) if times else float("nan"), TARGET_SEARCHABLE_MS,
               "met" if p99 <= TARGET_SEARCHABLE_MS else "MISSED"))
    finally:
        srv.terminate()
        srv.wait()
    for f in failures[:10]:
        print("failed: " + f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
