"""A query worker process (``python -m kkni_rdf.endpoint.worker FD``), started by ``pool.QueryPool``.

It reads its setup, cuts itself off from the network (``isolation``: at once, while it has one
thread and before it loads anything), opens its own copy of the store, limits its own memory, then
answers jobs from its pipe one at a time until the pipe closes. It imports only what a query needs
(not the HTTP app, not asyncio), so that a replacement starts quickly.

What it answers when a job fails: the engine refusing or failing on the query is the client's 400
(``execute``: ``errors.malformed``, ``errors.query_failed``); ``MemoryError`` is 422 and the worker leaves;
anything else is our bug, a 500, logged with the query. What it writes on its standard error, the
pool copies on and keeps the end of: if the process dies, that tells an allocation failure (422)
from a crash (500).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import re
import resource
import signal
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from kkni_rdf.endpoint import errors
from kkni_rdf.endpoint.errors import Outcome
from kkni_rdf.endpoint.execute import Limits, execute
from kkni_rdf.endpoint.isolation import isolate_network
from kkni_rdf.endpoint.served import ServedStore, StoreSource

log = logging.getLogger("kkni.endpoint")


@dataclass(frozen=True)
class WorkerSetup:
    """The first message a worker gets: where its store is, the caps on every answer, its memory allowance."""

    source: StoreSource
    limits: Limits
    memory: int = 0  # bytes beyond the loaded store (0: no limit)
    require_isolation: bool = False  # a worker the OS cannot cut off from the network refuses to start


@dataclass(frozen=True)
class Ready:
    """A worker's first answer: started (or, when isolation is required and failed, refusing to),
    and how the OS isolates it from the network (``isolation``: None, not at all) and why."""

    isolation: str | None
    reason: str


@dataclass(frozen=True)
class _Retire:
    """An answer after which the worker leaves (it ran out of memory: its heap may be fragmented)."""

    outcome: Outcome


def _address_space() -> int:
    with open("/proc/self/status") as f:
        found = re.search(r"^VmSize:\s+(\d+) kB", f.read(), re.M)
    return int(found[1]) * 1024 if found else 0


def limit_memory(allowance: int) -> int:
    """Limit this process's address space to what it takes now plus ``allowance``; the limit (0: none)."""
    used = _address_space()
    if allowance <= 0 or not used:
        return 0
    limit = used + allowance
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return limit


def isolate(setup: WorkerSetup) -> Ready:
    """Cut this process off from the network, where it serves the embedded store (a new network
    namespace: ``isolation``). Behind ``--store URL`` the workers need the network to reach the store."""
    if setup.source.store_url:
        return Ready(None, f"the workers reach the store at {setup.source.store_url} over the network")
    found = isolate_network()
    return Ready(found.kind, found.reason)


def query_for_log(text: str, limit: int = 2000) -> str:
    """A query as one log line: its first ``limit`` characters, each run of white space one space,
    any other control character escaped (a query cannot write a forged log record)."""
    line = " ".join(text[:limit].split())
    line = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in line)
    return line + (" …" if len(text) > limit else "")


def _no_core_dumps() -> None:
    """A crashing worker writes no core file: it would be as large as the worker's memory, for each
    time a client repeats a query that crashes the engine."""
    _, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (0, hard))


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

#: How often the watchdog looks whether the parent is still there (seconds).
WATCHDOG_SECONDS = 0.5


def die_with_parent(parent: int) -> str:
    """End this process when ``parent`` (the HTTP process) ends, even kill -9'd mid-query: the
    kernel's parent-death signal (``prctl(PR_SET_PDEATHSIG, SIGKILL)``, Linux), and a watchdog
    thread that checks the parent's id every ``WATCHDOG_SECONDS`` (Oxigraph releases the GIL while
    it evaluates, so it runs during a query) in case the signal is not had. How, in words.

    (The signal fires when the *thread* that started this process ends: the pool starts every
    worker from one thread that lives as long as it does. A change of credentials clears it:
    called after ``isolate``, which may enter a user namespace.)"""
    how = "a watchdog"
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                how = "the parent-death signal and a watchdog"
    if os.getppid() != parent:  # the parent died before the signal was set
        os._exit(70)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCHDOG_SECONDS)
        os._exit(70)  # (no clean-up: the parent, which would read the answer, is gone)

    threading.Thread(target=watch, name="parent watchdog", daemon=True).start()
    return how


def worker_main(conn: Connection, parent: int | None = None) -> None:  # pragma: no cover - runs in a child process
    """A worker: cut itself off from the network, die with its ``parent``, open the store it is
    told, limit its memory, then answer jobs until the pipe closes."""
    setup: WorkerSetup = conn.recv()
    ready = isolate(setup)  # first: one thread yet, nothing loaded (the socket pair keeps working)
    if parent is not None:
        die_with_parent(parent)
    _no_core_dumps()
    if ready.isolation is None and setup.require_isolation:
        with contextlib.suppress(OSError):
            conn.send(ready)  # the pool reads why, and stops
        raise SystemExit(f"query worker: not isolated from the network ({ready.reason}), and isolation is required: stopping")
    served = ServedStore.open(setup.source, whole=True)
    limit_memory(setup.memory)
    try:
        conn.send(ready)
    except OSError:  # the pool closed meanwhile (the server is stopping)
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(execute(served, job, setup.limits))
        except MemoryError:
            conn.send(_Retire(errors.memory_limit(setup.memory)))
            return
        except Exception:
            log.exception("query worker failed on the query: %s", query_for_log(job.text))
            conn.send(errors.internal("The query engine failed; this is our fault.", "Mesin kueri gagal."))


if __name__ == "__main__":  # pragma: no cover - a worker process started by QueryPool._spawn
    # Ctrl-C in a terminal signals the whole process group: the server stops its workers itself (no
    # KeyboardInterrupt traceback from each idle worker).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Run the module imported by its name, not this ``__main__`` copy: what the worker sends the
    # pool (``Ready``, ``_Retire``) is pickled by its class's module, which the pool must import.
    from kkni_rdf.endpoint import worker  # noqa: PLW0406 - itself, by its name (see above)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s (query worker %(process)d): %(message)s")
    worker.worker_main(Connection(int(sys.argv[1])), int(sys.argv[2]) if len(sys.argv) > 2 else None)
