"""Throughput and latency of `kkni serve` beside native `oxigraph serve-read-only`, cached and uncached.

    python -m bench.endpoint [--seconds 8] [--clients 32] [--repeat 3] [--workers 2] [--load-generator auto|wrk|python]

Both servers run on free loopback ports with the same data: `oxigraph serve-read-only
--union-default-graph` on a store loaded from the endpoint's `/download/kkni.nq`, and `kkni serve`
on the embedded store. The mix is every query of queries/ that both answer with 200, sent in turn
by each client (POST application/sparql-query, Accept: SPARQL JSON):

- **cached**: the query texts as they are; `kkni serve` answers repeats from its cache (filled
  during the warm-up), the native server evaluates every one;
- **uncached**: each request made new by a trailing `VALUES ?nonce { N }` with a fresh N, so no
  cache can answer: both servers parse and evaluate every request (the answers are those of the
  query without it: ?nonce is not projected).

The load generator is wrk (a C program: `apt-get install wrk`) with a Lua script that builds the
requests, when it is on the PATH; otherwise (or with `--load-generator python`) threads in this
process with httpx, which share the cores with the servers and inflate the latencies. Each
measurement is repeated `--repeat` times, the servers taking turns, and the medians are printed
with the ratio kkni / native; so is the load average before and after (the machine may be shared).
Beside them, each server's CPU time per answer (its processes, read from /proc), which depends
little on what else the machine runs. Any answer that is not 2xx is counted and shown. Nothing
here is asserted: this prints figures.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from kkni_rdf.endpoint.describe import build_downloads
from kkni_rdf.files import write_bytes, write_text
from kkni_rdf.resources import query_files
from kkni_rdf.store.embedded import KkniStore

JSON = "application/sparql-results+json"
HEADERS = {"Content-Type": "application/sparql-query", "Accept": JSON}
NATIVE, KKNI = "oxigraph serve-read-only", "kkni serve"
MIXES = ("uncached", "cached")
SEPARATOR = "\n\x1e\n"  # between the queries in the file the wrk script reads (no query holds U+001E)

# wrk runs one Lua state per thread; each cycles through the mix from its own offset and, for the
# uncached mix, appends a nonce unique across threads (thread id * 10^9 + a counter).
WRK_SCRIPT = r"""
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local queries = {}
local i, n = 0, 0
function init(args)
  local f = assert(io.open(args[1], "rb"))
  local data = f:read("*a")
  f:close()
  local sep, start = args[3], 1
  while true do
    local a, b = string.find(data, sep, start, true)
    if not a then break end
    table.insert(queries, string.sub(data, start, a - 1))
    start = b + 1
  end
  fresh = args[2] == "uncached"
  i = ((id or 1) * 7) % #queries
end

local headers = {["Content-Type"] = "application/sparql-query", ["Accept"] = "application/sparql-results+json"}
function request()
  i = i % #queries + 1
  local body = queries[i]
  if fresh then
    n = n + 1
    body = body .. "\nVALUES ?nonce { " .. string.format("%d", (id or 1) * 1000000000 + n) .. " }\n"
  end
  return wrk.format("POST", nil, headers, body)
end
"""


@dataclass(frozen=True)
class Run:
    rps: float
    p50: float  # ms
    p99: float  # ms
    bad: int  # answers that were not 2xx (or 3xx), and socket errors
    cpu: float = float("nan")  # the server's CPU time per answer, ms (its processes, from /proc)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of the process ``pid``, its children that were waited for, and its
    live children (kkni serve's query workers); NaN where there is no /proc. Unlike requests per
    second, this hardly depends on what else the machine is running."""
    try:
        tick = os.sysconf("SC_CLK_TCK")
        kids = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                kids += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue  # a thread that just ended
        total = 0
        for k, p in enumerate([pid, *kids]):
            try:
                fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a worker that just ended
            total += int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if k == 0 else 0)
        return total / tick
    except (OSError, ValueError, IndexError):
        return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def wait_ready(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.args!r}")
        try:
            if httpx.post(url, content="ASK {}", headers=HEADERS, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server did not start: {proc.args!r}")


def drain(servers: dict[str, str], workers: int, seconds: float = 120) -> None:
    """Wait until `kkni serve` has finished the requests a run left behind (its clients gone, its
    workers go on), so that they do not load the next run."""
    health = servers[KKNI].removesuffix("/sparql") + "/healthz"
    end, calm = time.monotonic() + seconds, 0
    while time.monotonic() < end and calm < 3:
        try:
            calm = calm + 1 if httpx.get(health, timeout=10).json().get("idle") == workers else 0
        except httpx.HTTPError:
            calm = 0
        time.sleep(0.1)
    time.sleep(0.5)  # the native server: its last evaluations end with their connections


def with_nonce(text: str, n: int) -> str:
    return f"{text}\nVALUES ?nonce {{ {n} }}\n"


# ----------------------------------------------------------------------------- load generators


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        raise ValueError(f"unreadable wrk latency {value!r}")
    return float(m[1]) * _UNIT_MS[m[2]]


def parse_wrk(out: str) -> Run:
    """Requests per second, p50, p99 and errors from wrk's report (``--latency``)."""
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out)[1])  # type: ignore[index]
    p50 = _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M)[1])  # type: ignore[index]
    p99 = _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M)[1])  # type: ignore[index]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad = (int(non2xx[1]) if non2xx else 0) + (sum(int(x) for x in sockets.groups()) if sockets else 0)
    return Run(rps, p50, p99, bad)


def drive_wrk(wrk: str, url: str, queries: Path, script: Path, mix: str, clients: int, seconds: float) -> Run:
    threads = max(1, min(2, clients))
    cmd = [wrk, f"-t{threads}", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "60s", "--latency", "-s", str(script), url]
    out = subprocess.run([*cmd, "--", str(queries), mix, SEPARATOR], check=True, capture_output=True, text=True).stdout
    return parse_wrk(out)


def pct(values: list[float], p: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def drive_python(url: str, queries: list[str], mix: str, clients: int, seconds: float) -> Run:
    """``clients`` threads sending the mix for ``seconds`` (httpx; shares the cores with the servers)."""
    latencies: list[float] = []
    bad = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        mine: list[float] = []
        errors = 0
        with httpx.Client(timeout=60, headers=HEADERS) as http:
            i = k * 7
            while time.monotonic() < stop:
                i += 1
                text = queries[i % len(queries)]
                body = with_nonce(text, k * 1_000_000_000 + i) if mix == "uncached" else text
                t0 = time.perf_counter()
                r = http.post(url, content=body)
                r.read()
                mine.append((time.perf_counter() - t0) * 1000)
                errors += not 200 <= r.status_code < 400
        with lock:
            latencies.extend(mine)
            bad[0] += errors

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Run(len(latencies) / seconds, pct(latencies, 50), pct(latencies, 99), bad[0])


# ----------------------------------------------------------------------------- the servers and the mix


def serve_options(workers: int, clients: int) -> list[str]:
    """`kkni serve`'s options for a run: the load generator's connections all come from 127.0.0.1,
    which the fair-turns policy would count as one client (2 queries at once, then 429); here they
    stand for ``clients`` researchers, so one address may have them all waiting or running."""
    return ["--workers", str(workers), "--per-client", str(clients), "--queue", str(max(64, clients))]


def start_servers(tmp: Path, workers: int, clients: int) -> tuple[dict[str, str], list[subprocess.Popen[bytes]]]:
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    nq = tmp / "kkni.nq"
    write_bytes(nq, build_downloads(KkniStore.load_default())["kkni.nq"][1])
    subprocess.run([oxigraph, "load", "--location", str(tmp / "store"), "--file", str(nq)], check=True, capture_output=True)
    ox_port, kkni_port = free_port(), free_port()
    procs = [
        subprocess.Popen(
            [oxigraph, "serve-read-only", "--location", str(tmp / "store"), "--bind", f"127.0.0.1:{ox_port}", "--union-default-graph"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "kkni_rdf", "serve", "--port", str(kkni_port), *serve_options(workers, clients)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    servers = {NATIVE: f"http://127.0.0.1:{ox_port}/query", KKNI: f"http://127.0.0.1:{kkni_port}/sparql"}
    for url, proc in zip(servers.values(), procs, strict=True):
        wait_ready(url, proc)
    return servers, procs


def the_mix(servers: dict[str, str]) -> tuple[list[str], list[str]]:
    """The queries of queries/ that both servers answer with 200, as they are and with a nonce; and those skipped.
    This also puts each query's answer in `kkni serve`'s cache, for the cached mix."""
    mix, skipped = [], []
    for path in query_files():
        text = path.read_text(encoding="utf-8")
        codes = [
            httpx.post(url, content=body, headers=HEADERS, timeout=120).status_code
            for body in (text, with_nonce(text, 1))
            for url in servers.values()
        ]
        if all(c == 200 for c in codes):
            mix.append(text)
        else:
            skipped.append(f"{path.name} {codes}")
    return mix, skipped


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=8.0, help="per measurement (default 8)")
    ap.add_argument("--clients", type=int, nargs="+", default=[32], help="concurrent connections (default 32)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement; medians are printed (default 3)")
    ap.add_argument("--workers", type=int, default=2, help="kkni serve's query workers (default 2)")
    ap.add_argument("--mixes", nargs="+", choices=MIXES, default=list(MIXES))
    ap.add_argument("--load-generator", choices=["auto", "wrk", "python"], default="auto")
    args = ap.parse_args()
    wrk = shutil.which("wrk") if args.load_generator in ("auto", "wrk") else None
    if args.load_generator == "wrk" and wrk is None:
        raise SystemExit("wrk is not on the PATH (apt-get install wrk)")

    tmp = Path(tempfile.mkdtemp(prefix="kkni-bench-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        servers, procs = start_servers(tmp, args.workers, max(args.clients))
        mix, skipped = the_mix(servers)
        queries, script = tmp / "queries.txt", tmp / "mix.lua"
        write_text(queries, "".join(q + SEPARATOR for q in mix))
        write_text(script, WRK_SCRIPT)

        pids = {url: proc.pid for url, proc in zip(servers.values(), procs, strict=True)}

        def drive(url: str, mix_name: str, clients: int, seconds: float) -> Run:
            before = cpu_seconds(pids[url])
            if wrk:
                run = drive_wrk(wrk, url, queries, script, mix_name, clients, seconds)
            else:
                run = drive_python(url, mix, mix_name, clients, seconds)
            answers = run.rps * seconds
            return replace(run, cpu=(cpu_seconds(pids[url]) - before) * 1000 / answers if answers else float("nan"))

        generator = "wrk (2 threads)" if wrk else "python threads (httpx)"
        print(f"mix: {len(mix)} queries of queries/ (skipped: {', '.join(skipped) or 'none'})")
        options = " ".join(serve_options(args.workers, max(args.clients)))
        print(f"load generator: {generator}; {os.cpu_count()} cores; kkni serve {options}; {args.seconds:g} s per run")
        print(f"load average before: {load_average()}")
        print(
            f"\n{'mix':<9} {'server':<25} {'clients':>7} {'run':>3} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>9} {'non-2xx':>8} {'cpu ms':>7}"
        )
        runs: dict[tuple[str, str, int], list[Run]] = {}
        for clients in args.clients:
            for mix_name in args.mixes:
                for url in servers.values():  # warm-up (the cache was filled by the_mix)
                    drive(url, mix_name, clients, min(2.0, args.seconds))
                    drain(servers, args.workers)
                for k in range(args.repeat):
                    for name, url in servers.items():  # the servers take turns, so both see the same noise
                        run = drive(url, mix_name, clients, args.seconds)
                        drain(servers, args.workers)
                        runs.setdefault((mix_name, name, clients), []).append(run)
                        print(
                            f"{mix_name:<9} {name:<25} {clients:>7} {k + 1:>3} {run.rps:>9.1f} {run.p50:>8.2f} {run.p99:>9.2f} {run.bad:>8} {run.cpu:>7.2f}",
                            flush=True,
                        )
        print(f"load average after: {load_average()}")

        print(f"\nmedians of {args.repeat} runs")
        print(
            f"{'mix':<9} {'clients':>7} {'native req/s':>12} {'p50/p99 ms':>15} {'cpu ms':>7}"
            f" {'kkni req/s':>11} {'p50/p99 ms':>15} {'cpu ms':>7} {'non-2xx':>8} {'ratio':>7}"
        )
        for clients in args.clients:
            for mix_name in args.mixes:
                med = {}
                for name in servers:
                    rs = runs[(mix_name, name, clients)]
                    med[name] = [statistics.median(getattr(r, f) for r in rs) for f in ("rps", "p50", "p99", "cpu")]
                bad = "/".join(str(sum(r.bad for r in runs[(mix_name, name, clients)])) for name in servers)
                (n_rps, n50, n99, ncpu), (k_rps, k50, k99, kcpu) = med[NATIVE], med[KKNI]
                print(
                    f"{mix_name:<9} {clients:>7} {n_rps:>12.1f} {f'{n50:.1f} / {n99:.0f}':>15} {ncpu:>7.2f}"
                    f" {k_rps:>11.1f} {f'{k50:.1f} / {k99:.0f}':>15} {kcpu:>7.2f} {bad:>8} {k_rps / n_rps:>6.2f}x"
                )
        print("non-2xx: native/kkni, summed over the runs; cpu ms: the server's CPU time per answer; ratio: kkni req/s / native req/s")
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
