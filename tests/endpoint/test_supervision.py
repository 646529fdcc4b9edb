"""Supervision (issue 19, items 1–3): a worker that fails to start is started again until the pool
is whole; /healthz says so truthfully; workers die with the front process; a stop has a bound;
a reader that reads nothing is dropped; turns age. Real `kkni serve` processes and real worker
processes, killed with real signals; statuses and process states asserted, never timings."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kkni_rdf.endpoint.execute import Job
from kkni_rdf.endpoint.pool import QueryPool, WorkerSetup
from kkni_rdf.endpoint.served import StoreSource
from kkni_rdf.endpoint.service import EndpointConfig
from kkni_rdf.namespaces import DEFAULT_BASE
from tests.endpoint.conftest import RUNAWAY, TRIVIAL, Server, kkni_serve

pytestmark = pytest.mark.e2e

DEFAULTS = EndpointConfig()
#: a query that takes a second or so, and ends (test_worker_errors.py)
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d a kkni:Unit . ?e a kkni:Level }"
SPARQL = {"Content-Type": "application/sparql-query"}


# ------------------------------------------------------------------ processes, from /proc


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state) of ``pid``, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), fields[0]


def workers_of(parent: int) -> list[int]:
    """The live query worker processes whose parent is ``parent``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _stat(int(entry))
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read()
        except OSError:
            continue
        if stat is not None and stat[0] == parent and stat[1] != "Z" and b"kkni_rdf.endpoint.worker" in command:
            found.append(int(entry))
    return found


def gone(pid: int) -> bool:
    stat = _stat(pid)
    return stat is None or stat[1] == "Z"  # (a zombie runs nothing)


def until(condition: Callable[[], bool], seconds: float = 60.0) -> bool:
    """Poll ``condition`` until it holds (a bound, not a timing assertion)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def new_workers(parent: int, known: set[int]) -> list[int]:
    return [p for p in workers_of(parent) if p not in known]


def kill_starts(parent: int, known: set[int], times: int) -> None:
    """Kill -9 each of the next ``times`` workers ``parent`` starts, while they start."""
    for _ in range(times):
        assert until(lambda: bool(new_workers(parent, known))), "no replacement was started"
        for pid in new_workers(parent, known):
            known.add(pid)
            os.kill(pid, signal.SIGKILL)


def health(server: Server) -> tuple[int, dict[str, object]]:
    status, _, body = server.request("GET", "/healthz")
    found: dict[str, object] = json.loads(body)
    return status, found


# ------------------------------------------------------------------ a replacement that fails to start


@pytest.fixture
def one_worker(tmp_path: Path) -> Iterator[Server]:
    with kkni_serve(tmp_path, "--workers", "1", "--timeout", "20") as s:
        yield s


def test_a_replacement_killed_while_it_starts_is_started_again(one_worker: Server) -> None:
    """Issue 19, item 1: kill the worker, then its replacements while they start: /healthz says 503
    with the reason while no query can be answered (not 200 "ok" with 0 alive), and the pool comes
    back by itself: queries are answered again."""
    server = one_worker.process.pid
    (first,) = workers_of(server)
    known = {first}
    os.kill(first, signal.SIGKILL)
    threading.Thread(target=send_and_forget, args=(one_worker, TRIVIAL), daemon=True).start()  # as in the issue (not needed now)
    kill_starts(server, known, 3)
    seen: list[tuple[int, dict[str, object]]] = []

    def down() -> bool:
        seen.append(health(one_worker))
        return seen[-1][0] == 503

    assert until(down, 30), seen[-1]
    status, body = seen[-1]
    assert body["status"] == "unavailable" and body["alive"] == 0
    reasons = body["reasons"]
    assert isinstance(reasons, list) and "starts failed in a row" in reasons[0]
    assert until(lambda: health(one_worker)[1]["status"] == "ok", 120)
    status, _, answer = one_worker.request("POST", "/sparql", TRIVIAL.encode(), SPARQL)
    assert status == 200 and len(json.loads(answer)["results"]["bindings"]) == 9
    assert "could not start a replacement query worker" in one_worker.log.read_text()


def test_healthz_is_degraded_not_down_while_one_worker_of_two_is_replaced(tmp_path: Path) -> None:
    with kkni_serve(tmp_path, "--workers", "2") as s:
        server = s.process.pid
        pids = workers_of(server)
        assert len(pids) == 2
        known = set(pids)
        os.kill(pids[0], signal.SIGKILL)  # an idle worker: replaced without waiting for a query to find it dead
        for _ in range(2):  # queries find it dead on the old code: the same test
            threading.Thread(target=send_and_forget, args=(s, TRIVIAL), daemon=True).start()
        kill_starts(server, known, 2)  # and its replacements, while they start
        status, body = health(s)
        assert status == 200 and body["status"] == "degraded" and body["alive"] == 1 and body["reasons"] == []
        status, _, _ = s.request("POST", "/sparql", TRIVIAL.encode(), SPARQL)
        assert status == 200  # the other worker answers meanwhile
        assert until(lambda: health(s)[1]["status"] == "ok", 120)
        assert len(workers_of(server)) == 2


# ------------------------------------------------------------------ workers die with the front process


def test_kill_9_of_the_front_process_leaves_no_worker(tmp_path: Path) -> None:
    """Issue 19, item 2: one worker busy with a query that never ends, one replacement (started
    after start-up, from another thread), and the front is killed -9: no worker runs on."""
    with kkni_serve(tmp_path, "--workers", "2", "--timeout", "120", "--short-seconds", "100") as s:
        server = s.process.pid
        (first, second) = workers_of(server)
        os.kill(first, signal.SIGKILL)
        assert until(lambda: gone(first) and len(workers_of(server)) == 2 and health(s)[1]["status"] == "ok")
        threading.Thread(target=send_and_forget, args=(s, RUNAWAY), daemon=True).start()
        assert until(lambda: health(s)[1]["running"] == 1)
        workers = workers_of(server)
        assert len(workers) == 2 and second in workers, workers
        os.kill(server, signal.SIGKILL)
        assert until(lambda: all(gone(p) for p in workers), 30), [(p, _stat(p)) for p in workers]


# ------------------------------------------------------------------ a bounded stop, a write timeout


def send_and_forget(server: Server, query: str) -> None:
    with contextlib.suppress(OSError, http.client.HTTPException):  # (the server is killed meanwhile)
        server.request("POST", "/sparql", query.encode(), SPARQL, timeout=30)


def _slow_reader(port: int, path: str) -> socket.socket:
    """A client that asks for ``path`` and reads nothing (a small receive buffer)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n".encode())
    return s


def _received(s: socket.socket) -> bytes:
    s.settimeout(30)
    out = bytearray()
    try:
        while chunk := s.recv(65536):
            out += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return bytes(out)


#: an answer of tens of MB: more than the kernel's socket buffers can take (up to 4 MiB each way by
#: default on Linux), so that the server is left holding it (the issue's 3 MB download fits in them here)
BIG = "/sparql?query=" + urllib.parse.quote("SELECT * WHERE { ?a ?b ?c . ?d a kkni:Level } LIMIT 100000")


def test_a_client_that_reads_nothing_is_dropped_after_the_write_timeout(tmp_path: Path) -> None:
    with kkni_serve(tmp_path, "--workers", "1", "--write-timeout", "1", "--timeout", "60") as s:
        status, _, whole = s.request("GET", BIG)
        assert status == 200 and len(whole) > 16 * 2**20
        reader = _slow_reader(s.port, BIG)
        with reader:
            assert until(lambda: "read nothing of its answer for 1 s" in s.log.read_text(), 30)
            got = _received(reader)
        assert len(got) < len(whole)  # cut: without the timeout it would have had it all
        assert health(s)[0] == 200


def test_sigterm_stops_within_the_bound_with_slow_readers_and_finishes_answers_in_flight(tmp_path: Path) -> None:
    """Issue 19, item 2: SIGTERM with readers that never read (and no write timeout to save it): the
    process exits after --shutdown-seconds; a query that was running gets its answer; no worker stays."""
    with kkni_serve(tmp_path, "--workers", "2", "--write-timeout", "3600", "--shutdown-seconds", "10", "--timeout", "60") as s:
        server = s.process.pid
        workers = workers_of(server)
        readers = [_slow_reader(s.port, "/download/kkni.nq") for _ in range(5)]
        answered: list[int] = []
        query = threading.Thread(target=lambda: answered.append(s.request("POST", "/sparql", SLOW.encode(), SPARQL)[0]))
        query.start()
        assert until(lambda: health(s)[1]["running"] == 1)
        s.process.send_signal(signal.SIGTERM)
        try:
            s.process.wait(10 + 20)  # the bound, with room for a loaded machine; before: for as long as the readers
        finally:
            for r in readers:
                r.close()
        query.join(30)
        assert answered == [200]
        assert until(lambda: all(gone(p) for p in workers), 10)


# ------------------------------------------------------------------ turns that age


def test_a_client_whose_long_query_ran_is_not_starved_by_busier_clients() -> None:
    """Issue 19, item 3, on the pool with a real worker: client "long" has used the worker for 3 s
    (a query stopped at a 3 s deadline); then six clients keep the worker busy with short queries
    while "long" sends four short ones, one after another, each with an 8 s deadline. Its waiting
    counts against its 3 s: each is answered (before: 503 after waiting the whole 8 s, each time,
    while every other client was served)."""
    policy = replace(DEFAULTS.policy, timeout=3.0, short_seconds=60.0, per_client=2, queue=64)
    pool = QueryPool(1, WorkerSetup(StoreSource(DEFAULT_BASE), DEFAULTS.limits), policy)
    pool.start()
    try:
        asyncio.run(_starved(pool, policy))
    finally:
        pool.close()


async def _starved(pool: QueryPool, policy: object) -> None:
    first = await pool.run(Job(RUNAWAY, "json", "turtle"), "long")
    assert first.status == 504
    pool.policy = replace(pool.policy, timeout=8.0)
    stop = asyncio.Event()
    others: list[int] = []

    async def busy(client: str) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            outcome = await pool.run(Job(f"{TRIVIAL} # {client} {n}", "json", "turtle"), client)
            others.append(outcome.status)

    flood = [asyncio.create_task(busy(f"other{i}")) for i in range(6) for _ in range(2)]
    await asyncio.sleep(0.5)
    mine = [(await pool.run(Job(f"{TRIVIAL} # long {n}", "json", "turtle"), "long")).status for n in range(4)]
    stop.set()
    await asyncio.gather(*flood)
    assert mine == [200, 200, 200, 200]
    assert others.count(200) > 100  # the others were served meanwhile: the worker was saturated


def test_the_worker_watchdog_ends_a_worker_whose_parent_is_gone(tmp_path: Path) -> None:
    """The fallback where the parent-death signal is not had (here: told it is not Linux): a worker
    whose parent is killed -9 exits on its own."""
    worker = (
        "import os, sys, time; from kkni_rdf.endpoint import worker; sys.platform = 'not linux'; "
        "print(worker.die_with_parent(os.getppid()), flush=True); time.sleep(120)"
    )
    parent = (
        f"import subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', {worker!r}]); print(p.pid, flush=True); time.sleep(120)"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    front = subprocess.Popen([sys.executable, "-c", parent], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert front.stdout is not None
        child = int(front.stdout.readline())
        assert front.stdout.readline().strip() == "a watchdog"  # no parent-death signal: the watchdog alone
        assert not gone(child)
        front.kill()
        front.wait()
        assert until(lambda: gone(child), 30)
    finally:
        front.kill()
        front.wait()


def test_a_replacement_whose_start_stalls_is_given_up_and_started_again() -> None:
    """A start that hangs (here: the replacement is stopped with SIGSTOP while it loads, as a start-up
    query to a stalled store would hang) is given up after the pool's start timeout, and another
    start tried: the pool is whole again and answers."""
    pool = QueryPool(1, WorkerSetup(StoreSource(DEFAULT_BASE), DEFAULTS.limits), replace(DEFAULTS.policy, timeout=30), start_timeout=3)
    me = os.getpid()
    others = set(workers_of(me))  # other tests' pools in this process (the suite's servers)
    pool.start()
    try:
        (first,) = new_workers(me, others)
        os.kill(first, signal.SIGKILL)  # idle: replaced at once
        assert until(lambda: bool(new_workers(me, others | {first})))
        (stalled,) = new_workers(me, others | {first})
        os.kill(stalled, signal.SIGSTOP)
        assert until(lambda: pool.unavailable() is not None, 30)
        assert "starts failed in a row" in str(pool.unavailable())
        assert until(lambda: gone(stalled), 30)  # given up: killed
        assert until(lambda: pool.alive == 1 and pool.unavailable() is None, 60)
        outcome = asyncio.run(pool.run(Job(TRIVIAL, "json", "turtle")))
        assert outcome.status == 200
    finally:
        pool.close()


def test_an_answer_unfinished_at_the_shutdown_bound_is_a_json_503_stopping(tmp_path: Path) -> None:
    """A query still running when --shutdown-seconds runs out: its client gets a JSON 503 "stopping"
    (both languages, Retry-After), not uvicorn's bare 500; the log has no traceback; no worker stays."""
    with kkni_serve(tmp_path, "--workers", "1", "--shutdown-seconds", "1", "--timeout", "60") as s:
        workers = workers_of(s.process.pid)
        answered: list[tuple[int, bytes]] = []

        def ask() -> None:
            status, _, body = s.request("POST", "/sparql", RUNAWAY.encode(), SPARQL)
            answered.append((status, body))

        query = threading.Thread(target=ask)
        query.start()
        assert until(lambda: health(s)[1]["running"] == 1)
        s.process.send_signal(signal.SIGTERM)
        s.process.wait(60)
        query.join(30)
    ((status, body),) = answered
    assert status == 503, body
    answer = json.loads(body)
    assert answer["error"] == "stopping" and answer["pesan"]
    assert "Traceback" not in s.log.read_text(errors="replace")
    assert until(lambda: all(gone(p) for p in workers), 10)
