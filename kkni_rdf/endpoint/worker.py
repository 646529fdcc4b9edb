"""A query worker process (``python -m kkni_rdf.endpoint.worker FD``), started by ``pool.QueryPool``.

It opens its own copy of the store, limits its own memory, then answers jobs from its pipe one at a
time until the pipe closes. It imports only what a query needs (not the HTTP app, not asyncio), so
that a replacement starts quickly.
"""

from __future__ import annotations

import logging
import re
import resource
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection

from kkni_rdf.endpoint import errors
from kkni_rdf.endpoint.errors import Outcome
from kkni_rdf.endpoint.execute import Limits, execute
from kkni_rdf.endpoint.served import ServedStore, StoreSource

log = logging.getLogger("kkni.endpoint")

READY = "ready"


@dataclass(frozen=True)
class WorkerSetup:
    """The first message a worker gets: where its store is, the caps on every answer, its memory allowance."""

    source: StoreSource
    limits: Limits
    memory: int = 0  # bytes beyond the loaded store (0: no limit)


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


def worker_main(conn: Connection) -> None:  # pragma: no cover - runs in a child process
    """A worker: open the store it is told, limit its memory, then answer jobs until the pipe closes."""
    setup: WorkerSetup = conn.recv()
    served = ServedStore.open(setup.source, whole=True)
    limit_memory(setup.memory)
    try:
        conn.send(READY)
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
            log.exception("query worker failed")
            conn.send(errors.internal("The query engine failed; this is our fault.", "Mesin kueri gagal."))


if __name__ == "__main__":  # pragma: no cover - a worker process started by QueryPool._spawn
    worker_main(Connection(int(sys.argv[1])))
