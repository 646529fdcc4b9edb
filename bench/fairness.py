"""A trivial query's latency while runaway queries from other clients hold the workers.

    python -m bench.fairness [--runaways 4] [--seconds 10] [--workers 2] [--timeout 10] [--spares 2] [--scenario all]

`kkni serve` runs on a free loopback port. Each of N runaway clients (its own source address,
127.0.0.10, 127.0.0.11, …) sends a query that never ends (a five-way cross product), again and
again, as soon as it has an answer (504, 503, 429: whatever the policy says). Meanwhile one probe
client (127.0.0.2) sends a trivial SELECT, each time with a different comment so that the cache
never answers it, one after another. The script prints the probe's p50/p99 latency and statuses,
and the runaways' statuses, for two settings of the server:

- ``fair``: the defaults (a long-query lane of workers - 1, two queries per client) and
  ``--spares`` spare workers (2), which replace stopped workers at once;
- ``one lane``: no long-query lane (``--long-queries`` = workers) and no per-client limit, i.e. a
  plain first-come pool, as the endpoint was before.

Then (``aging``, issue 19: fair turns that age) the worst wait of a client whose one legitimate
query ran long: ``--busy`` clients (127.0.0.20, …) each keep two short queries going, so that a
worker never frees without someone waiting; one client (127.0.0.3) runs a query of a second or a few
(``LEGIT``; its time is printed), then four short ones in a row. Printed: their statuses and
the worst wait. Without turns that age, each of the four waited its whole deadline and got 503
while every other client was served.

    python -m bench.fairness --scenario aging [--busy 32]

Bounded in time and in requests; only loopback addresses. Nothing is asserted: it prints figures.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator

from bench.endpoint import free_port

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?x ?y }"
TRIVIAL = "SELECT ?l WHERE { ?l a kkni:Level } # probe {n}"
#: a query that ends after a second or a few (every triple × every unit × the nine levels, counted)
LEGIT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d a kkni:Unit . ?e a kkni:Level }"


def post(port: int, query: str, client: str, timeout: float) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(client, 0))
    try:
        conn.request("POST", "/sparql", body=query.encode(), headers={"Content-Type": "application/sparql-query"})
        r = conn.getresponse()
        r.read()
        return r.status
    except OSError:
        return 0
    finally:
        conn.close()


def wait_ready(port: int, proc: subprocess.Popen[bytes], seconds: float = 180) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.args!r}")
        if post(port, "ASK {}", "127.0.0.1", 5) == 200:
            return
        time.sleep(0.2)
    raise SystemExit("server did not start")


@contextlib.contextmanager
def serving(options: list[str], timeout: float) -> Iterator[int]:
    """`kkni serve` with ``options`` on a free port, ready; its port. Stopped (SIGTERM, then kill) after."""
    port = free_port()
    argv = [sys.executable, "-m", "kkni_rdf", "serve", "--port", str(port), "--timeout", str(timeout), *options]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=log)
        try:
            wait_ready(port, proc)
            yield port
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


def run(label: str, options: list[str], runaways: int, seconds: float, timeout: float) -> None:
    with serving(options, timeout) as port:
        stop = threading.Event()
        runaway_statuses: Counter[int] = Counter()
        lock = threading.Lock()

        def runaway(i: int) -> None:
            client = f"127.0.0.{10 + i}"
            while not stop.is_set():
                status = post(port, RUNAWAY, client, timeout + 30)
                with lock:
                    runaway_statuses[status] += 1
                if status in (429, 503):
                    time.sleep(0.2)  # a polite client would wait Retry-After; a hostile one does not wait long

        threads = [threading.Thread(target=runaway, args=(i,), daemon=True) for i in range(runaways)]
        for t in threads:
            t.start()
        time.sleep(min(2.0, seconds / 4))  # let the runaways take the workers first
        latencies: list[float] = []
        probe_statuses: Counter[int] = Counter()
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end:
            n += 1
            t0 = time.perf_counter()
            status = post(port, TRIVIAL.replace("{n}", str(n)), "127.0.0.2", timeout + 30)
            latencies.append((time.perf_counter() - t0) * 1000)
            probe_statuses[status] += 1
        stop.set()
        for t in threads:
            t.join(timeout + 35)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"{label:10s} probes {len(latencies):4d}  p50 {statistics.median(latencies):8.1f} ms  p99 {p99:8.1f} ms  "
        f"probe statuses {dict(sorted(probe_statuses.items()))}  runaway statuses {dict(sorted(runaway_statuses.items()))}"
    )


def timed(port: int, query: str, client: str, timeout: float) -> tuple[int, float]:
    t0 = time.perf_counter()
    status = post(port, query, client, timeout)
    return status, time.perf_counter() - t0


def aging(label: str, options: list[str], busy: int, timeout: float) -> None:
    """The worst wait of a client whose one legitimate query ran long, while ``busy`` clients saturate the workers."""
    with serving(options, timeout) as port:
        stop = threading.Event()
        busy_statuses: Counter[int] = Counter()
        lock = threading.Lock()

        def keep_busy(client: str, lane: int) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                status = post(port, TRIVIAL.replace("{n}", f"{client} {lane} {n}"), client, timeout + 30)
                with lock:
                    busy_statuses[status] += 1

        threads = [
            threading.Thread(target=keep_busy, args=(f"127.0.0.{20 + i}", lane), daemon=True) for i in range(busy) for lane in range(2)
        ]
        for t in threads:
            t.start()
        time.sleep(2.0)  # saturated
        legit = timed(port, LEGIT, "127.0.0.3", timeout + 30)
        shorts = [timed(port, TRIVIAL.replace("{n}", f"after {n}"), "127.0.0.3", timeout + 30) for n in range(4)]
        stop.set()
        for t in threads:
            t.join(timeout + 35)
    print(
        f"{label:10s} legit query {legit[0]} in {legit[1]:.1f} s; then 4 short: statuses {[s for s, _ in shorts]}  "
        f"waits {', '.join(f'{w:.1f}' for _, w in shorts)} s  worst wait {max(w for _, w in shorts):.1f} s  "
        f"busy clients' statuses {dict(sorted(busy_statuses.items()))}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runaways", type=int, default=4, help="runaway clients (default 4)")
    ap.add_argument("--seconds", type=float, default=10.0, help="how long the probe runs, per setting (default 10)")
    ap.add_argument("--workers", type=int, default=2, help="query workers (default 2)")
    ap.add_argument("--timeout", type=float, default=10.0, help="the server's deadline per query (default 10)")
    ap.add_argument("--spares", type=int, default=2, help="spare workers in the fair setting (default 2)")
    ap.add_argument("--busy", type=int, default=32, help="busy clients in the aging scenario (default 32)")
    ap.add_argument("--scenario", choices=["runaways", "aging", "all"], default="all", help="what to run (default all)")
    args = ap.parse_args()
    w = str(args.workers)
    load = os.getloadavg()[0]
    print(f"(load average before: {load:.1f} on {os.cpu_count()} cores)")
    if args.scenario in ("runaways", "all"):
        print(f"{args.runaways} runaway clients, {args.workers} workers, deadline {args.timeout:g} s, probe for {args.seconds:g} s each")
        run("fair", ["--workers", w, "--spare-workers", str(args.spares)], args.runaways, args.seconds, args.timeout)
        one_lane = ["--workers", w, "--long-queries", w, "--per-client", "1000"]
        run("one lane", one_lane, args.runaways, args.seconds, args.timeout)
    if args.scenario in ("aging", "all"):
        print(f"{args.busy} busy clients, {args.workers} workers, deadline {args.timeout:g} s")
        aging("aging", ["--workers", w], args.busy, args.timeout)


if __name__ == "__main__":
    main()
