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

from kkni_rdf.endpoint.execute import Job, Outcome, error, execute

log = logging.getLogger("kkni.endpoint")

_READY = "ready"


def worker_main(conn: Connection, base: str, store_url: str | None = None) -> None:  # pragma: no cover - runs in a child process
    """A worker: load the store (or connect to ``store_url``), then answer jobs until the pipe closes."""
    from kkni_rdf.store.embedded import KkniStore
    from kkni_rdf.store.protocol import QueryableStore

    store: QueryableStore
    if store_url:
        from kkni_rdf.store.remote import RemoteStore

        store = RemoteStore(store_url, base=base)
    else:
        store = KkniStore.load_default(base)
    conn.send(_READY)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            outcome = execute(store, job)
        except Exception:
            log.exception("query worker failed")
            outcome = error(
                500, {"error": "internal error", "message": "The query engine failed; this is our fault.", "pesan": "Mesin kueri gagal."}
            )
        conn.send(outcome)


@dataclass(eq=False)  # compared and hashed by identity
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection


def timeout_outcome(seconds: float) -> Outcome:
    return error(
        504,
        {
            "error": "query timeout",
            "message": f"The query did not finish within this endpoint's deadline of {seconds:g} s and was stopped.",
            "pesan": f"Kueri tidak selesai dalam batas waktu {seconds:g} detik dan dihentikan.",
            "timeout": seconds,
        },
    )


def busy_outcome() -> Outcome:
    return error(
        503,
        {
            "error": "busy",
            "message": "Every query worker is busy; try again shortly.",
            "pesan": "Semua pekerja kueri sedang sibuk; coba lagi sebentar lagi.",
        },
        (("Retry-After", "1"),),
    )


class QueryPool:
    """``size`` worker processes; ``run`` gives a job to an idle one under a deadline."""

    def __init__(self, size: int, base: str, start_timeout: float = 120.0, store_url: str | None = None) -> None:
        if size < 1:
            raise ValueError("a query pool needs at least one worker")
        self.size = size
        self.base = base
        self.store_url = store_url
        self.start_timeout = start_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0  # workers stopped at a deadline

    # -- life cycle

    def _spawn(self) -> _Worker:
        # A fresh interpreter (`python -m kkni_rdf.endpoint.pool FD BASE`), talking over a socket
        # pair: never a fork of this multi-threaded process, and no re-import of the caller's script.
        mine, theirs = socket.socketpair()
        fd = theirs.fileno()
        process = subprocess.Popen(
            [sys.executable, "-m", "kkni_rdf.endpoint.pool", str(fd), self.base, *([self.store_url] if self.store_url else [])],
            pass_fds=(fd,),
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        conn = Connection(mine.detach())
        try:
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
        errors: list[Exception] = []

        def add() -> None:
            try:
                self._add(self._spawn())
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=add) for _ in range(self.size)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            self.close()
            raise RuntimeError("the query workers did not start") from errors[0]

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
            return busy_outcome()
        try:
            worker.conn.send(job)
            if worker.conn.poll(max(0.0, deadline - time.monotonic())):
                outcome: Outcome = worker.conn.recv()
                self._idle.put(worker)
                return outcome
        except (EOFError, OSError, BrokenPipeError):
            log.error("a query worker died")
            self._replace(worker)
            return error(
                500, {"error": "internal error", "message": "The query worker stopped unexpectedly.", "pesan": "Pekerja kueri berhenti."}
            )
        self.killed += 1
        log.warning("query stopped at the %.3g s deadline; replacing its worker", timeout)
        self._replace(worker)
        return timeout_outcome(timeout)


if __name__ == "__main__":  # pragma: no cover - a worker process started by QueryPool._spawn
    worker_main(Connection(int(sys.argv[1])), sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
