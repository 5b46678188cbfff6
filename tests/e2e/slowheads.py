#!/usr/bin/env python3
"""slowheads.py PORT N_IPS CONNS_PER_IP INTERVAL_S -- slowloris, bounded in time.

Opens N_IPS*CONNS_PER_IP connections from 127.0.3.1.. (loopback), each sending a
request line and then one header byte every INTERVAL_S seconds, never ending its
head. Once they are open, three normal requests from other addresses (127.0.4.x).
Prints one line of key=value figures:
  opened refused probes(statuses) probe_max_ms early ontime late
where early/ontime/late count slow connections the server closed before 1.5 s,
between 1.5 and 5 s, and after 5 s or never (the script gives up at 8 s), timed
from the moment each connection was asked for."""
import asyncio, sys, time

P, NIP, PER, IV = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
GIVE_UP = 8.0
opened = refused = 0
cut_at = []


async def slow(ip):
    global opened, refused
    t0 = time.monotonic()  # before connecting: the server's deadline starts later
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", P, local_addr=(ip, 0)), 5)
    except Exception:
        refused += 1
        return
    opened += 1
    try:
        w.write(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        await w.drain()
        while time.monotonic() - t0 < GIVE_UP:
            try:
                if await asyncio.wait_for(r.read(1), IV) == b"":
                    break
            except asyncio.TimeoutError:
                pass
            w.write(b"x")
            await w.drain()
        cut_at.append(time.monotonic() - t0)
    except Exception:
        cut_at.append(time.monotonic() - t0)
    finally:
        w.close()


async def probe(n):
    t0 = time.monotonic()
    try:
        r, w = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", P, local_addr=("127.0.4.%d" % (n + 1), 0)), 3)
        w.write(b"GET /api/v1/notices?limit=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        await w.drain()
        line = await asyncio.wait_for(r.readline(), 3)
        w.close()
        status = line.split()[1].decode() if line.startswith(b"HTTP/1.1 ") else "none"
    except Exception:
        status = "none"
    return status, (time.monotonic() - t0) * 1e3


async def main():
    tasks = [asyncio.create_task(slow("127.0.3.%d" % (i // PER + 1))) for i in range(NIP * PER)]
    t0 = time.monotonic()
    while opened + refused < NIP * PER and time.monotonic() - t0 < 5:
        await asyncio.sleep(0.05)
    await asyncio.sleep(IV)  # every slow head under way
    probes = [await probe(n) for n in range(3)]
    await asyncio.gather(*tasks)
    late = NIP * PER - refused - len([c for c in cut_at if c <= 5.0])
    print("opened=%d refused=%d probes=%s probe_max_ms=%d early=%d ontime=%d late=%d" % (
        opened, refused, ",".join(s for s, _ in probes), max(ms for _, ms in probes),
        len([c for c in cut_at if c < 1.5]), len([c for c in cut_at if 1.5 <= c <= 5.0]), late))


asyncio.run(main())
