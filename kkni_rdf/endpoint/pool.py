"""Query worker processes: a deadline that holds even for CPU-bound evaluation.

Oxigraph releases the GIL while it evaluates a query, so other requests keep being served, but it
cannot be interrupted: a thread running a pathological query would keep a core busy until the
query ends, however long that is. So queries run in worker processes, each with its own copy of
the (small, immutable) store; when a query passes its deadline its worker is killed, which frees
the core at once, and a fresh worker is started in the background. The HTTP process never
evaluates a client's query itself.
"""

from __future__ import annotations

import logging
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from kkni_rdf.endpoint import errors
from kkni_rdf.endpoint.errors import Outcome
from kkni_rdf.endpoint.execute import Job, Limits, execute
from kkni_rdf.endpoint.served import ServedStore, StoreSource

log = logging.getLogger("kkni.endpoint")

_READY = "ready"


@dataclass(frozen=True)
class WorkerSetup:
    """The first message a worker gets: where its store is and the caps on every answer."""

    source: StoreSource
    limits: Limits


def worker_main(conn: Connection) -> None:  # pragma: no cover - runs in a child process
    """A worker: open the store it is told, then answer jobs until the pipe closes."""
    setup: WorkerSetup = conn.recv()
    served = ServedStore.open(setup.source)
    conn.send(_READY)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            outcome = execute(served, job, setup.limits)
        except Exception:
            log.exception("query worker failed")
            outcome = errors.internal("The query engine failed; this is our fault.", "Mesin kueri gagal.")
        conn.send(outcome)


@dataclass(eq=False)  # compared and hashed by identity
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection


class QueryPool:
    """``size`` worker processes; ``run`` gives a job to an idle one under a deadline."""

    def __init__(self, size: int, setup: WorkerSetup, start_timeout: float = 120.0) -> None:
        if size < 1:
            raise ValueError("a query pool needs at least one worker")
        self.size = size
        self.setup = setup
        self.start_timeout = start_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0  # workers stopped at a deadline

    # -- life cycle

    def _spawn(self) -> _Worker:
        # A fresh interpreter (`python -m kkni_rdf.endpoint.pool FD`), talking over a socket pair:
        # never a fork of this multi-threaded process, and no re-import of the caller's script.
        mine, theirs = socket.socketpair()
        fd = theirs.fileno()
        process = subprocess.Popen([sys.executable, "-m", "kkni_rdf.endpoint.pool", str(fd)], pass_fds=(fd,), stdin=subprocess.DEVNULL)
        theirs.close()
        conn = Connection(mine.detach())
        try:
            conn.send(self.setup)
            ready = conn.poll(self.start_timeout) and conn.recv() == _READY
        except (EOFError, OSError):
            ready = False
        if not ready:
            process.kill()
            process.wait()
            conn.close()
            raise RuntimeError("a query worker did not start")
        return _Worker(process, conn)

    def _add(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                self._stop(worker)
                return
            self._all.add(worker)
        self._idle.put(worker)

    def start(self) -> None:
        failures: list[Exception] = []

        def add() -> None:
            try:
                self._add(self._spawn())
            except Exception as exc:
                failures.append(exc)

        threads = [threading.Thread(target=add) for _ in range(self.size)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if failures:
            self.close()
            raise RuntimeError("the query workers did not start") from failures[0]

    def _stop(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.wait(5)
        worker.conn.close()

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        self._stop(worker)

        def respawn() -> None:
            try:
                self._add(self._spawn())
            except Exception:  # pragma: no cover - logged; the pool runs one worker short
                log.exception("could not start a replacement query worker")

        threading.Thread(target=respawn, daemon=True).start()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            self._stop(w)

    # -- use

    @property
    def idle(self) -> int:
        return self._idle.qsize()

    @property
    def alive(self) -> int:
        with self._lock:
            return sum(1 for w in self._all if w.process.poll() is None)

    def run(self, job: Job, timeout: float) -> Outcome:
        """The job's outcome, or 504 at the deadline (its worker killed), or 503 if none is free in time."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return errors.busy()
        try:
            worker.conn.send(job)
            if worker.conn.poll(max(0.0, deadline - time.monotonic())):
                outcome: Outcome = worker.conn.recv()
                self._idle.put(worker)
                return outcome
        except (EOFError, OSError, BrokenPipeError):
            log.error("a query worker died")
            self._replace(worker)
            return errors.internal("The query worker stopped unexpectedly.", "Pekerja kueri berhenti.")
        self.killed += 1
        log.warning("query stopped at the %.3g s deadline; replacing its worker", timeout)
        self._replace(worker)
        return errors.timeout(timeout)


if __name__ == "__main__":  # pragma: no cover - a worker process started by QueryPool._spawn
    worker_main(Connection(int(sys.argv[1])))
