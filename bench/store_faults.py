"""The store behind `kkni serve --store` killed (-9) and stopped (SIGSTOP): what clients get, and when
the endpoint answers again once the store is back. Prints figures; asserts nothing (tests/endpoint/
test_serve_remote.py holds the behaviour).

    PYTHONPATH=$PWD python -m bench.store_faults [--queries 50]

Starts its own `oxigraph serve` (the binary beside Python) loaded with `kkni load --into`, then
`kkni serve --store` as a process (one worker, --timeout 4) from the code on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

QUERY = "SELECT (COUNT(?q) AS ?n) WHERE {{ ?q a kkni:Qualification }} # {0}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def oxigraph(folder: Path, port: int) -> subprocess.Popen[bytes]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    process = subprocess.Popen([binary, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"], stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}/", 30)
    return process


def ask(site: str, n: int) -> tuple[int, str]:
    try:
        r = httpx.post(f"{site}/sparql", content=QUERY.format(n), headers={"Content-Type": "application/sparql-query"}, timeout=30)
    except httpx.HTTPError as exc:
        return 0, type(exc).__name__
    kind = r.json().get("error", "") if r.headers.get("content-type", "").startswith("application/json") else ""
    return r.status_code, kind


def burst(site: str, start: int, count: int) -> str:
    seen = collections.Counter(ask(site, start + k) for k in range(count))
    return ", ".join(f"{status} {kind or 'ok'} ×{n}" for (status, kind), n in sorted(seen.items()))


def health(site: str) -> str:
    try:
        r = httpx.get(f"{site}/healthz", timeout=30)
    except httpx.HTTPError as exc:
        return type(exc).__name__
    return f"{r.status_code} {r.json().get('status', '')} {r.json().get('error', '')}".strip()


def back_after(site: str, start: int) -> float:
    began = time.monotonic()
    n = start
    while ask(site, n)[0] != 200:
        n += 1
        if time.monotonic() - began > 60:
            return float("inf")
        time.sleep(0.05)
    return time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port, web = free_port(), free_port()
        url, site = f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{web}"
        store = oxigraph(Path(tmp) / "oxigraph", port)
        subprocess.run([sys.executable, "-m", "kkni_rdf", "load", "--into", url], check=True, stdout=subprocess.DEVNULL)
        argv = [sys.executable, "-m", "kkni_rdf", "serve", "--store", url, "--port", str(web), "--workers", "1", "--timeout", "4"]
        server = subprocess.Popen(argv, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        try:
            wait_for(f"{site}/healthz", 120)
            print(f"store up:      {burst(site, 0, 5)}; healthz {health(site)}")
            store.kill()
            store.wait()
            print(f"store killed:  {burst(site, 1000, args.queries)}; healthz {health(site)}")
            store = oxigraph(Path(tmp) / "oxigraph", port)
            print(f"store back:    first 200 after {back_after(site, 2000):.2f} s; healthz {health(site)}")
            os.kill(store.pid, signal.SIGSTOP)
            t = time.monotonic()
            print(f"store stopped: {burst(site, 3000, 3)} in {time.monotonic() - t:.1f} s; healthz {health(site)}")
            os.kill(store.pid, signal.SIGCONT)
            print(f"store resumed: first 200 after {back_after(site, 4000):.2f} s; healthz {health(site)}")
        finally:
            server.terminate()
            server.wait(30)
            os.kill(store.pid, signal.SIGCONT)
            store.kill()


if __name__ == "__main__":
    main()
