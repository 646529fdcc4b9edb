"""Throughput and latency of `kkni serve` beside `oxigraph serve-read-only`, on the queries/ mix.

    python -m bench.endpoint [--seconds 10] [--clients 1 8 32]

Both servers run on free loopback ports with the same data (the ontology and data/**/*.ttl in
their named graphs, union default graph). Each client sends the queries of queries/ in turn
(POST application/sparql-query, Accept: SPARQL JSON) for a bounded time; the script prints
requests per second, p50 and p99 latency for each server and the ratios. The load generator
runs on the same machine (threads in this process) and shares its cores with the servers.
Nothing here is asserted: this prints figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from kkni_rdf.endpoint.describe import build_downloads
from kkni_rdf.resources import query_files
from kkni_rdf.store.embedded import KkniStore

JSON = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.args!r}")
        try:
            if httpx.post(url, content="ASK {}", headers={"Content-Type": "application/sparql-query"}, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server did not start: {proc.args!r}")


def drive(url: str, queries: list[str], clients: int, seconds: float) -> tuple[int, list[float], int]:
    """(answers, latencies in ms, errors) of ``clients`` threads sending the mix for ``seconds``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        mine: list[float] = []
        bad = 0
        with httpx.Client(timeout=60, headers={"Accept": JSON, "Content-Type": "application/sparql-query"}) as http:
            i = offset
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                r = http.post(url, content=queries[i % len(queries)])
                r.read()
                mine.append((time.perf_counter() - t0) * 1000)
                bad += r.status_code != 200
                i += 1
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), latencies, errors[0]


def pct(values: list[float], p: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else (values[0] if values else float("nan"))
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=10.0, help="per server and concurrency level")
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    ap.add_argument("--workers", type=int, default=2, help="kkni serve's query workers")
    args = ap.parse_args()
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")

    tmp = Path(tempfile.mkdtemp(prefix="kkni-bench-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        nq = tmp / "kkni.nq"
        nq.write_bytes(build_downloads(KkniStore.load_default())["kkni.nq"][1])
        subprocess.run([oxigraph, "load", "--location", str(tmp / "store"), "--file", str(nq)], check=True, capture_output=True)
        ox_port, kkni_port = free_port(), free_port()
        procs.append(
            subprocess.Popen(
                [oxigraph, "serve-read-only", "--location", str(tmp / "store"), "--bind", f"127.0.0.1:{ox_port}", "--union-default-graph"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "kkni_rdf", "serve", "--port", str(kkni_port), "--workers", str(args.workers)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        servers = {"oxigraph serve-read-only": f"http://127.0.0.1:{ox_port}/query", "kkni serve": f"http://127.0.0.1:{kkni_port}/sparql"}
        for (_, url), proc in zip(servers.items(), procs, strict=True):
            wait_ready(url, proc)

        # the mix: every query of queries/ that both servers answer (prefixes declared in the file)
        mix: list[str] = []
        skipped: list[str] = []
        for path in query_files():
            text = path.read_text(encoding="utf-8")
            codes = [
                httpx.post(u, content=text, headers={"Content-Type": "application/sparql-query", "Accept": JSON}, timeout=60).status_code
                for u in servers.values()
            ]
            (mix if codes == [200, 200] else skipped).append(text if codes == [200, 200] else f"{path.name} {codes}")
        print(
            f"query mix: {len(mix)} queries from queries/ (skipped: {', '.join(skipped) or 'none'}); {os.cpu_count()} cores; {args.seconds:g} s per run"
        )
        print(f"{'server':<26} {'clients':>7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        table: dict[tuple[str, int], float] = {}
        for clients in args.clients:
            for name, url in servers.items():
                drive(url, mix, clients, min(2.0, args.seconds))  # warm-up (kkni serve fills its cache here)
                n, lat, errs = drive(url, mix, clients, args.seconds)
                rps = n / args.seconds
                table[(name, clients)] = rps
                print(f"{name:<26} {clients:>7} {rps:>9.1f} {pct(lat, 50):>8.2f} {pct(lat, 99):>8.2f} {errs:>7}")
        print("\nthroughput ratio kkni serve / oxigraph serve-read-only:")
        for clients in args.clients:
            print(f"  {clients:>3} clients: {table[('kkni serve', clients)] / table[('oxigraph serve-read-only', clients)]:.2f}x")
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
