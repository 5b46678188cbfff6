#!/usr/bin/env python3
"""bench/load.py -- serve under hostile load, measured directly (no proxy in front),
with the attack report's reproducers (../shared/reproducers/attack, never copied):

  (a) slow connections: slowloris.py holds 1,100 connections from 44 loopback
      addresses (one header byte every 10 s) while 8 normal clients (each from
      an address of its own, a new connection per request, 10 s timeout) ask
      GET /api/v1/notices?limit=1 in a loop. Prints the normal clients'
      p50/p99 latency (a request that fails counts with the time it took).
      Target (hardening issue): p99 < 1 s.
  (b) one notice with 10,000 releases (make_one_ocid.py): `powerhouse compile`
      of the file, its ingest, and one view each of its page and its
      .ocds.json record (serve --no-page-cache, so the page is rendered).
  (c) 100 slow readers (slowread.py: 4 addresses x 25, tiny receive buffers,
      1 byte each per 5 s) of the whole OCDS download: the server's RSS before,
      its peak (sampled every 0.1 s, and VmHWM) and at the end.

Every figure that misses its target is printed with MISSED; the script exits 0
either way (it measures whatever the binary does). Runs in about 2-4 minutes;
its stores live in var/bench/load/ and are rebuilt each run.

  python3 bench/load.py [--bin ./powerhouse] [--shared ../shared] [--seconds 25]
                        [--only a|b|c]
"""
import argparse
import json, os, re, shutil, signal, socket, statistics, subprocess, sys, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--bin", default="./powerhouse")
ap.add_argument("--shared", default=os.environ.get("SHARED", "../shared"))
ap.add_argument("--seconds", type=float, default=25.0)
ap.add_argument("--only", choices=["a", "b", "c"])
args = ap.parse_args()
ATTACK = os.path.join(args.shared, "reproducers", "attack")
OUT = "var/bench/load"
started = []  # servers this script started (killed by pid at exit)


def log(msg):
    print(msg, flush=True)


def missed(ok):
    return "" if ok else "  MISSED"


def serve(db, name, *extra):
    """Starts serve on a free loopback port; returns (process, port)."""
    out = open(os.path.join(OUT, name + ".out"), "w")
    err = open(os.path.join(OUT, name + ".log"), "w")
    p = subprocess.Popen([args.bin, "serve", "--db", db, "--listen", "127.0.0.1:0", *extra],
                         stdout=out, stderr=err)
    started.append(p)
    for _ in range(1800):
        m = re.search(r":(\d+)/$", open(out.name).read(), re.M)
        if m:
            return p, int(m.group(1))
        if p.poll() is not None:
            break
        time.sleep(0.1)
    sys.exit("load.py: serve did not start; see %s" % err.name)


def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(20)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    started.remove(p)


def status_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def get(port, path, src="127.0.0.1", timeout=10.0):
    """One request on a new connection; returns (status line or error, bytes, seconds)."""
    t0 = time.monotonic()
    s = socket.socket()
    s.settimeout(timeout)
    n = 0
    head = b""
    try:
        s.bind((src, 0))
        s.connect(("127.0.0.1", port))
        s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
        while True:
            d = s.recv(65536)
            if not d:
                break
            if len(head) < 64:
                head += d[:64]
            n += len(d)
        st = head.split(b"\r\n")[0].decode() or "closed, no answer"
    except Exception as e:
        st = "ERR " + type(e).__name__
    finally:
        s.close()
    return st, n, time.monotonic() - t0


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def run(cmd, **kw):
    t0 = time.monotonic()
    r = subprocess.run(cmd, **kw)
    return r, time.monotonic() - t0


def bench_slow_connections(db):
    p, port = serve(db, "slowloris")
    dur = args.seconds
    atk = subprocess.Popen([sys.executable, os.path.join(ATTACK, "http", "slowloris.py"),
                            str(port), "44", "25", str(dur + 5), "10"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(3)  # 1,100 connections open in about 1.2 s
    lat, fails = [], []
    lock = threading.Lock()
    stop_at = time.monotonic() + dur

    def client(i):
        while time.monotonic() < stop_at:
            st, _, dt = get(port, "/api/v1/notices?limit=1", "127.0.7.%d" % (i + 1))
            with lock:
                lat.append(dt)
                if not st.startswith("HTTP/1.1 200"):
                    fails.append(st)
            time.sleep(0.1)

    ts = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out, _ = atk.communicate()
    stop(p)
    lines = [l for l in out.splitlines() if l.startswith("t=")]
    log("(a) slowloris.py 1,100 slow connections (44 addresses x 25) + 8 normal clients, %.0f s:" % dur)
    if lines:
        log("    attacker's last line: " + lines[-1])
    p50, p99 = pct(lat, 50), pct(lat, 99)
    log("    normal clients: %d requests, %d failed%s; p50 %.3f s, p99 %.3f s, max %.3f s%s"
        % (len(lat), len(fails), (" (" + ", ".join(sorted(set(fails))) + ")") if fails else "",
           p50, p99, max(lat), missed(p99 < 1.0 and not fails)))


def bench_one_ocid():
    src = os.path.join(OUT, "one_ocid.jsonl")
    subprocess.run([sys.executable, os.path.join(ATTACK, "ingest", "make_one_ocid.py"), "10000", src], check=True)
    r, dt = run([args.bin, "compile", src], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log("(b) one notice with 10,000 releases (make_one_ocid.py, %d MB):" % (os.path.getsize(src) >> 20))
    log("    powerhouse compile: %.2f s (exit %d)%s" % (dt, r.returncode, missed(dt < 1.0)))
    db = "sqlite:" + os.path.join(OUT, "one_ocid.db")
    r, dt = run([args.bin, "ingest", src, "--db", db], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log("    powerhouse ingest: %.2f s (exit %d)" % (dt, r.returncode))
    # one more release, dated after the rest (merged onto the compiled release the
    # store keeps), then one dated before the latest (every release compiled again)
    with open(src) as f:
        last = json.loads(f.read().splitlines()[-1])
    for rid, date, what in (("more-1", "2031-01-01T00:00:00Z", "a later release (merged onto the kept compile)"),
                            ("more-2", "2020-01-02T00:00:00Z", "an earlier-dated one (every release compiled again)")):
        last["id"], last["date"] = rid, date
        last["awards"][0]["id"] = "A-" + rid
        one = os.path.join(OUT, "one_more.jsonl")
        with open(one, "w") as f:
            f.write(json.dumps(last) + "\n")
        r, dt = run([args.bin, "ingest", one, "--db", db], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        log("    one more release, %s: %.2f s (exit %d)" % (what, dt, r.returncode))
    p, port = serve(db, "one_ocid", "--no-page-cache")
    for path in ("/notices/ocds-atk-many", "/notices/ocds-atk-many", "/notices/ocds-atk-many.ocds.json"):
        st, n, dt = get(port, path, timeout=120)
        log("    GET %s: %s, %d kB in %.2f s%s" % (path, st, n >> 10, dt, missed(dt < 1.0 and "200" in st)))
    stop(p)


def bench_slow_readers(db):
    p, port = serve(db, "slowread")
    get(port, "/api/v1/notices?q=software")
    before = status_kb(p.pid, "VmRSS")
    dur = args.seconds
    rdr = subprocess.Popen([sys.executable, os.path.join(ATTACK, "http", "slowread.py"), str(port), "4", "25",
                            str(dur), "/api/v1/notices.ocds.json", str(p.pid)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = before
    while rdr.poll() is None:
        peak = max(peak, status_kb(p.pid, "VmRSS"))
        time.sleep(0.1)
    out = rdr.stdout.read()
    time.sleep(1)
    after, hwm = status_kb(p.pid, "VmRSS"), status_kb(p.pid, "VmHWM")
    stop(p)
    codes = {}
    for m in re.finditer(r'"GET /api/v1/notices\.ocds\.json" (\S+) ', open(os.path.join(OUT, "slowread.log")).read()):
        codes[m.group(1)] = codes.get(m.group(1), 0) + 1
    probes = re.findall(r"probe=(.*?) \(([0-9.]+)s\)", out)
    slow = [float(t) for _, t in probes]
    bad = [s for s, _ in probes if "200" not in s]
    log("(c) slowread.py: 100 slow readers (4 addresses x 25) of /api/v1/notices.ocds.json, %.0f s:" % dur)
    log("    %s; serve's access log, status: count = %s (503: no heavy slot within 200 ms;"
        " -: still being read when the reader went away)"
        % (out.splitlines()[0] if out else "no output", ", ".join("%s: %d" % kv for kv in sorted(codes.items()))))
    log("    server RSS: %d MB before, peak %d MB (VmHWM %d MB), %d MB after the readers closed%s"
        % (before >> 10, peak >> 10, hwm >> 10, after >> 10, missed(peak - before < 100 * 1024)))
    if probes:
        log("    probes from a fresh address: %d, %d not 200, slowest %.2f s%s"
            % (len(probes), len(bad), max(slow), missed(not bad and max(slow) < 1.0)))


def main():
    if not os.access(args.bin, os.X_OK):
        sys.exit("load.py: no binary %s (make powerhouse)" % args.bin)
    if not os.path.isdir(ATTACK):
        sys.exit("load.py: no reproducers in %s (--shared DIR)" % ATTACK)
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    log("bench/load.py: %s, %d cores, %s" % (args.bin, os.cpu_count(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    db = "sqlite:" + os.path.join(OUT, "demo.db")
    if args.only in (None, "a", "c"):
        r, dt = run([args.bin, "demo", "--notices", "2000", "--db", db], stdout=subprocess.DEVNULL)
        log("demo store: 2000 notices in %.1f s" % dt)
    if args.only in (None, "a"):
        bench_slow_connections(db)
    if args.only in (None, "b"):
        bench_one_ocid()
    if args.only in (None, "c"):
        bench_slow_readers(db)


try:
    main()
finally:
    for p in list(started):
        p.kill()
        p.wait()
