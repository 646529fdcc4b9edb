"""Query worker processes: a deadline that holds, a memory limit the OS enforces, and fair turns.

Oxigraph releases the GIL while it evaluates a query, so other requests keep being served, but it
cannot be interrupted: a thread running a pathological query would keep a core busy until the
query ends, however long that is. So queries run in worker processes, each with its own copy of
the (small, immutable) store; when a query passes its deadline its worker is killed, which frees
the core at once, and a fresh worker is started in the background. The HTTP process never
evaluates a client's query itself.

**Memory.** Each worker limits its own address space (``RLIMIT_AS``) once its store is loaded: what
it then takes plus ``WorkerSetup.memory`` (``--worker-memory``). A query that needs more makes an allocation fail: the
engine aborts (or Python raises ``MemoryError``), the client gets 422 ``memory limit`` and the
worker is replaced. No query can take the machine's memory.

**A worker that dies** is told apart by what it last wrote on its standard error, which the pool
reads (a thread per worker copies it on to this process's standard error, as if the worker wrote
there, and keeps its last 8 KiB): Rust's "memory allocation of N bytes failed" is the memory limit
(422); any other death (an engine panic that aborts, a fault) is 500 ``engine crashed``, logged
with the query and the worker's last lines.

**No network.** Serving the embedded store, each worker moves itself into a new, empty network
namespace when it starts (``isolation``): its ``Ready`` says whether it could and why not, the pool
keeps it (``isolation``, ``isolation_reason``) and logs it once at start-up.

**Fair turns** (``Policy``): waiting for a worker holds no thread (an ``asyncio`` future), nor does
waiting for its answer (the event loop sends the job and reads the answer as it arrives, in
``multiprocessing.connection``'s framing), so the server's threads keep serving pages while
queries wait; a worker that frees is sent the next query's job at once, before that query's
coroutine wakes (so it does not idle while the event loop serves other requests); and

- a client (its address) may have ``per_client`` queries waiting or running; more get 429;
- at most ``queue`` queries wait; more get 503 at once (never an unbounded queue);
- a query that runs past ``short_seconds`` is *long*; at most ``long_queries`` long queries run at
  once (default: one fewer than the workers), one per client. A query that turns long when no long
  slot is free is stopped (503, or 429 if its client has a long one running), so at least one
  worker is always either free or busy with a query younger than ``short_seconds``: a short query
  never waits much longer than that behind other clients' long ones. The stopped client is told
  when to come back (twice as late for each of its queries stopped in the last minute) and is
  refused (429) until then, so repeating a runaway query cannot keep the short lane busy;
- when a worker frees, the waiting query of the client that used the workers least in the last
  minute, less the time this query has waited, goes first (then fewer queries admitted, then the
  longest waiting); what a query waited is taken off its client's account (turns that age: no
  client starves behind less busy ones);
- ``spares`` loaded processes replace a stopped worker at once (a new one loads in the background);
- the deadline (``timeout``) counts from the query's arrival: waiting for a worker uses it up.

Answers that tell a client to come back carry ``Retry-After``.

**Supervision.** A worker that dies is replaced: at once if it was running a query (the query
sees its pipe close), and if it was idle or a spare too (the thread reading its standard error
sees it end). A replacement that fails to start is started again, with backoff, until the pool is
whole (``_respawn``); ``unavailable`` says when no query can be answered (``/healthz``: 503). Every
worker is started from one long-lived thread and dies with this process (``worker.die_with_parent``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import pickle
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import IO, cast

from cachetools import TTLCache

from kkni_rdf.endpoint import errors
from kkni_rdf.endpoint.errors import Outcome
from kkni_rdf.endpoint.execute import Job
from kkni_rdf.endpoint.worker import Ready, WorkerSetup, _Retire, query_for_log

__all__ = ["Policy", "QueryPool", "WorkerSetup"]

log = logging.getLogger("kkni.endpoint")


@dataclass(frozen=True)
class Policy:
    """How queries share the workers (docs/endpoint.md, "Fair turns")."""

    timeout: float  # seconds from a query's arrival to its answer (waiting included)
    short_seconds: float  # a query running longer is long
    long_queries: int | None  # long queries at once (None: one fewer than the workers, at least one)
    per_client: int  # queries one client may have waiting or running
    queue: int  # queries waiting for a worker, at most
    # (no defaults: EndpointConfig states them, once, and makes the policy)


#: How many times a query whose worker crashed (not at the memory limit) is tried again on a fresh
#: worker, within its deadline.
CRASH_RETRIES = 2

#: Oxigraph 0.5's sort aborts on an order that is not total (W3C ``pp14``: ``ORDER BY ?X ?Y`` over
#: ``?X foaf:knows* ?Y``, whose zero-length paths bind every term of the data, literals of every
#: type among them), not on every run: in about a third of fresh processes over the decree's data
#: (the order it meets differs from process to process). A crash with that panic is tried again up to
#: ``SORT_PANIC_RETRIES`` times (all six crash one time in 700), within the query's deadline.
SORT_PANIC_RETRIES = 5
_SORT_PANIC = "does not correctly implement a total order"


def retries_after(last_words: str) -> int:
    """How many times a query whose worker crashed with these last words may be tried again."""
    return SORT_PANIC_RETRIES if _SORT_PANIC in last_words else CRASH_RETRIES


#: What Rust's allocator prints before it aborts the process (an allocation failed: the memory limit).
_ALLOCATION_FAILED = re.compile(r"memory allocation of \d+ bytes failed")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _death(code: int | None) -> str:
    """How a process ended, in words, from its exit status."""
    if code is not None and code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with status {code}"


class _Stderr:
    """A worker's standard error, read by a thread: copied to this process's standard error as it
    comes (as when the worker wrote there itself), and its last ``TAIL`` bytes kept: what the worker
    said before it died."""

    TAIL = 8192

    def __init__(self, pipe: IO[bytes]) -> None:
        self.tail = b""
        self.gone: Callable[[], None] | None = None  # called when the worker has gone (its pipe closed)
        self._thread = threading.Thread(target=self._drain, args=(pipe,), name="query worker stderr", daemon=True)
        self._thread.start()

    def _drain(self, pipe: IO[bytes]) -> None:
        with pipe, contextlib.suppress(OSError):
            fd = pipe.fileno()
            while chunk := os.read(fd, 65536):  # b"": the worker is gone
                self.tail = (self.tail + chunk)[-self.TAIL :]
                with contextlib.suppress(OSError):
                    _write_all(2, chunk)
        if self.gone is not None:
            self.gone()

    def ended(self) -> bool:
        """The worker's pipe has closed: it is gone (or going)."""
        return not self._thread.is_alive()

    def wait(self, timeout: float) -> None:
        """Wait (at most ``timeout`` s) for the rest of what the worker wrote before it exited."""
        self._thread.join(timeout)

    def last_lines(self, n: int = 20) -> list[str]:
        return self.tail.decode("utf-8", errors="replace").splitlines()[-n:]

    def last_words(self, n: int = 20) -> str:
        """The last ``n`` lines, as one log line (each escaped, joined by `` | ``)."""
        said = [line for line in self.last_lines(n) if line.strip(" ^~")]  # (not a traceback's markers)
        return " | ".join(query_for_log(line, 500) for line in said) or "(none)"


@dataclass(eq=False)  # compared and hashed by identity
class _Worker:
    process: subprocess.Popen[bytes]
    sock: socket.socket  # non-blocking once the worker is ready; the worker reads it as a multiprocessing Connection
    stderr: _Stderr
    ready: Ready


# The framing of multiprocessing.connection.Connection, which the worker uses: a big-endian signed
# 32-bit length, or -1 and a 64-bit one, then the pickle. Written here so that the event loop can
# send a job and read its answer without a thread per query waiting in a blocking recv.
_SHORT, _LONG = struct.Struct("!i"), struct.Struct("!Q")


def _frame(message: object) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    head = _SHORT.pack(len(data)) if len(data) <= 0x7FFFFFFF else _SHORT.pack(-1) + _LONG.pack(len(data))
    return head + data


def _read_exactly_blocking(sock: socket.socket, n: int) -> bytes:
    out = bytearray()
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            raise EOFError
        out += chunk
    return bytes(out)


def _recv_blocking(sock: socket.socket, timeout: float) -> object:
    """One message, waiting at most ``timeout`` seconds for it (the worker's start)."""
    sock.settimeout(timeout)
    size = _SHORT.unpack(_read_exactly_blocking(sock, 4))[0]
    if size == -1:
        size = _LONG.unpack(_read_exactly_blocking(sock, 8))[0]
    return pickle.loads(_read_exactly_blocking(sock, size))  # (our own worker process)


async def _read_into(loop: asyncio.AbstractEventLoop, sock: socket.socket, view: memoryview) -> None:
    """Fill ``view`` from ``sock``."""
    got = 0
    while got < len(view):
        k = await loop.sock_recv_into(sock, view[got:])
        if k == 0:
            raise EOFError
        got += k


#: What the first read of an answer asks for: most answers (frame and all) arrive in one read.
_FIRST_READ = 256 * 1024


async def _recv(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> object:
    """One answer from a worker, read by the event loop as it arrives: in one read for most (a
    worker sends one answer per job, so nothing follows it on the socket until it is given the
    next; an answer, a pickled ``Outcome``, is always longer than the longest frame header)."""
    data = b""
    while len(data) < _SHORT.size + _LONG.size:
        more = await loop.sock_recv(sock, _FIRST_READ)
        if not more:
            raise EOFError
        data += more
    size, start = _SHORT.unpack_from(data)[0], _SHORT.size
    if size == -1:
        size, start = _LONG.unpack_from(data, _SHORT.size)[0], _SHORT.size + _LONG.size
    if len(data) == start + size:
        return pickle.loads(memoryview(data)[start:])  # (our own worker process)
    body = bytearray(size)
    body[: len(data) - start] = memoryview(data)[start:]
    await _read_into(loop, sock, memoryview(body)[len(data) - start :])
    return pickle.loads(body)


@dataclass(eq=False)
class _Waiter:
    future: asyncio.Future[tuple[_Worker, int]]  # the worker it is given, and how much of its job was sent to it
    client: str
    arrival: int
    frame: bytes  # its job, framed: sent by whoever hands it a worker
    since: float = field(default_factory=time.monotonic)  # when it began to wait


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


@dataclass(eq=False)
class _Ticket:
    """A query on a worker: whose, until when, and whether the pool stopped it (and why)."""

    client: str
    deadline: float
    stopped: Outcome | None = None
    long: bool = False
    done: bool = False
    worker: _Worker | None = field(default=None, repr=False)
    text: str = field(default="", repr=False)  # the query (logged if the engine crashes on it)
    crashed: bool = False  # its worker died on it, not at the memory limit
    retries: int = CRASH_RETRIES  # how many times a query that crashed so may be tried again (retries_after)


class QueryPool:
    """``size`` worker processes; ``run`` gives a job to one under the policy's deadline and turns."""

    def __init__(self, size: int, setup: WorkerSetup, policy: Policy, start_timeout: float = 120.0, spares: int = 0) -> None:
        if size < 1:
            raise ValueError("a query pool needs at least one worker")
        self.size = size
        self.setup = setup
        self.start_timeout = start_timeout
        self.policy = policy
        self.long_slots = self.policy.long_queries if self.policy.long_queries is not None else max(1, size - 1)
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._waiters: list[_Waiter] = []
        self._arrivals = itertools.count()
        self._spares: list[_Worker] = []  # started and loaded, waiting to replace a stopped worker at once
        self.spares = spares
        self._used: TTLCache[str, float] = TTLCache(maxsize=65536, ttl=60.0)  # worker seconds per client, last minute
        self._penalty: TTLCache[str, float] = TTLCache(maxsize=65536, ttl=600.0)  # client -> until when it is refused
        self._stops: TTLCache[str, int] = TTLCache(maxsize=65536, ttl=60.0)  # client -> its queries stopped lately
        self._clients: Counter[str] = Counter()  # queries waiting or running, per client
        self._running: dict[_Worker, _Ticket] = {}
        self._closed = False
        self.killed = 0  # workers stopped at a deadline or by the policy
        # how the OS cuts the workers off from the network (None: it does not), from their Ready;
        # the least isolated worker's, should they ever differ
        self.isolation: str | None = None
        self.isolation_reason = "no query worker has started"
        self._isolation_known = False
        # supervision: replacements being started, starts that failed in a row (and the last one's
        # reason), since when no worker is alive (None: one is)
        self._starting = 0
        self._failures = 0
        self._failure = ""
        self._empty_since: float | None = None
        self._stopping = threading.Event()
        # Every worker is started from this one thread, which lives as long as the pool: a worker's
        # parent-death signal (worker.die_with_parent) fires when the *thread* that started it ends.
        self._launcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="query worker launcher")

    # -- life cycle

    def _spawn(self) -> _Worker:
        # A fresh interpreter (`python -m kkni_rdf.endpoint.worker FD`), talking over a socket pair:
        # never a fork of this multi-threaded process, and no re-import of the caller's script.
        # Its standard error is a pipe the pool reads (``_Stderr``).
        # The worker is told this process's id: it dies with it (``worker.die_with_parent``).
        mine, theirs = socket.socketpair()
        fd = theirs.fileno()
        argv = [sys.executable, "-m", "kkni_rdf.endpoint.worker", str(fd), str(os.getpid())]
        try:
            process = self._launcher.submit(
                subprocess.Popen, argv, pass_fds=(fd,), stdin=subprocess.DEVNULL, stderr=subprocess.PIPE
            ).result()
        finally:
            theirs.close()
        stderr = _Stderr(cast(IO[bytes], process.stderr))  # (stderr=PIPE)
        try:
            mine.sendall(_frame(self.setup))
            ready = _recv_blocking(mine, self.start_timeout)
        except Exception:  # noqa: BLE001 - closed, timed out (an OSError), or an answer this process cannot read
            ready = None
        if isinstance(ready, Ready) and (ready.isolation is not None or not self.setup.require_isolation):
            mine.setblocking(False)
            self._note_isolation(ready)
            worker = _Worker(process, mine, stderr, ready)
            stderr.gone = lambda: self._gone(worker)
            return worker
        process.kill()
        process.wait()
        mine.close()
        if isinstance(ready, Ready):
            raise RuntimeError(f"a query worker could not be isolated from the network, as required: {ready.reason}")
        stderr.wait(2)
        raise RuntimeError(f"a query worker did not start (its last words: {stderr.last_words(5)})")

    def _note_isolation(self, ready: Ready) -> None:
        """Keep how the workers are isolated: the first one's, or a less isolated one's (warned)."""
        with self._lock:
            first, weaker = not self._isolation_known, self.isolation is not None and ready.isolation != self.isolation
            if first or weaker:
                self.isolation, self.isolation_reason, self._isolation_known = ready.isolation, ready.reason, True
        if weaker and not first:
            log.warning("a query worker is isolated from the network less than the others (%s): %s", ready.isolation, ready.reason)

    def _log_isolation(self) -> None:
        if self.isolation is not None:
            log.info("query workers isolated from the network (%s)", self.isolation)
        else:
            log.warning("query workers are NOT isolated from the network: %s; relying on the SPARQL guard", self.isolation_reason)

    def _release(self, worker: _Worker) -> None:
        """Give ``worker`` to the waiting query whose turn it is, else make it idle (from any thread).

        Whose turn (turns that age): the client with the least worker time in the last minute *less
        the time its query has waited so far*, then the one with fewer queries admitted, then the
        longest waiting. Waiting pays for worker time, second for second: when a query gets its
        worker (or gives up waiting), what it waited is taken off its client's account (never
        below 0). A client's burst does not go first, and a client whose one long query ran is
        not starved behind less busy ones: it waits, at most, about as long as its query ran."""
        with self._lock:
            if self._closed:
                self._stop(worker)
                return
            self._all.add(worker)
            self._empty_since = None
            self._waiters = [w for w in self._waiters if not w.future.done()]
            waiter = self._next_waiter()
            if waiter is None:
                self._idle.append(worker)
                idle_but_dead = worker.stderr.ended()  # it died before ``_gone`` could see it idle
        if waiter is None:
            if idle_but_dead:
                self._gone(worker)
            return
        loop = waiter.future.get_loop()
        if _running_loop() is loop:
            self._hand(waiter, worker)
        else:
            loop.call_soon_threadsafe(self._hand, waiter, worker)

    def _next_waiter(self) -> _Waiter | None:
        """(Under the lock.) The waiting query whose turn it is (``_release``), taken off the waiters, or None."""
        if not self._waiters:
            return None
        now = time.monotonic()
        waiter = min(self._waiters, key=lambda w: (self._used.get(w.client, 0.0) - (now - w.since), self._clients[w.client], w.arrival))
        self._waiters.remove(waiter)
        self._credit(waiter.client, now - waiter.since)
        log.debug("worker to %s (of %s)", waiter.client, [w.client for w in self._waiters])
        return waiter

    def _hand(self, waiter: _Waiter, worker: _Worker) -> None:
        """(In the event loop.) Send the waiting query's job to ``worker`` at once, then wake the query:
        the worker starts on it now, not when the event loop next gets round to the query."""
        if waiter.future.done():  # its query gave up meanwhile
            self._release(worker)
            return
        try:
            sent = worker.sock.send(waiter.frame)
        except OSError:  # a full socket buffer (the query sends the rest), or a dead worker (the query finds out)
            sent = 0
        waiter.future.set_result((worker, sent))

    def _credit(self, client: str, waited: float) -> None:
        """(Under the lock.) ``client``'s query waited ``waited`` seconds: taken off its worker time."""
        used = self._used.get(client)
        if used:
            self._used[client] = max(0.0, used - waited)

    def start(self) -> None:
        failures: list[BaseException] = []

        def add(spare: bool) -> None:
            try:
                worker = self._spawn()
            except (RuntimeError, OSError) as exc:
                failures.append(exc)
                return
            if spare:
                with self._lock:
                    self._spares.append(worker)
            else:
                self._release(worker)

        threads = [threading.Thread(target=add, args=(i >= self.size,)) for i in range(self.size + self.spares)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if failures:
            self.close()
            raise RuntimeError(f"the query workers did not start: {failures[0]}") from failures[0]
        self._log_isolation()

    @staticmethod
    def _stop(worker: _Worker) -> None:
        worker.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):  # a kill is not refused
            worker.process.wait(5)
        worker.sock.close()

    def _replace(self, worker: _Worker) -> None:
        """Stop ``worker``; a spare takes its place at once, and a new process is started in the background."""
        with self._lock:
            self._all.discard(worker)
            spare = self._spares.pop() if self._spares else None
            self._note_empty()
        worker.process.kill()  # the core is freed at once; it is reaped in the background
        if spare is not None:
            self._release(spare)
        self._respawn_later(worker)

    def _note_empty(self) -> None:
        """(Under the lock.) Note when the pool lost its last worker."""
        if not self._all and not self._spares and self._empty_since is None:
            self._empty_since = time.monotonic()

    def _gone(self, worker: _Worker) -> None:
        """(From its stderr thread.) ``worker``'s process has gone: if nobody was using it (idle, or a
        spare), it is replaced now, not when a query finds it dead. A worker running a query is
        replaced by that query (``_evaluate``), a stopped one by whoever stopped it."""
        with self._lock:
            if worker in self._idle:
                self._idle.remove(worker)
                self._all.discard(worker)
            elif worker in self._spares:
                self._spares.remove(worker)
            else:
                return
            self._note_empty()
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(5)
        log.warning("an idle query worker %s; replacing it", _death(worker.process.returncode))
        self._respawn_later(worker)

    #: Seconds between two tries to start a replacement worker: doubled after each failure, up to the last.
    BACKOFF = (0.5, 30.0)

    def _respawn_later(self, worker: _Worker) -> None:
        """Reap ``worker`` and start its replacement, in the background."""
        with self._lock:
            self._starting += 1
        threading.Thread(target=self._respawn, args=(worker,), name="query worker respawn", daemon=True).start()

    def _respawn(self, worker: _Worker) -> None:
        """Start a replacement for ``worker``, trying again (with backoff) until one starts or the pool
        closes: a start that fails (killed while it loads, no memory, a store that does not answer)
        never leaves the pool short for good."""
        try:
            self._stop(worker)
            fresh = self._start_replacement()
        finally:
            with self._lock:
                self._starting -= 1
        if fresh is None:
            return
        with self._lock:
            keep_as_spare = not self._closed and len(self._all) >= self.size
            if keep_as_spare:
                self._spares.append(fresh)
        if not keep_as_spare:
            self._release(fresh)
        elif fresh.stderr.ended():  # it died before ``_gone`` could see it a spare
            self._gone(fresh)

    def _start_replacement(self) -> _Worker | None:
        """A fresh worker, after as many tries as it takes; None if the pool closed meanwhile."""
        delay, most = self.BACKOFF
        while not self._stopping.is_set():
            try:
                fresh = self._spawn()
            except Exception as exc:  # noqa: BLE001 - any failure to start is retried (and logged)
                with self._lock:
                    self._failures += 1
                    self._failure = str(exc)
                log.warning("could not start a replacement query worker (%s); trying again in %g s", exc, delay)
                if self._stopping.wait(delay):
                    return None
                delay = min(most, delay * 2)
                continue
            with self._lock:
                if self._failures:
                    log.info("a replacement query worker started after %d failed tries", self._failures)
                self._failures = 0
            return fresh
        return None

    def close(self) -> None:
        self._stopping.set()
        with self._lock:
            self._closed = True
            workers = [*self._all, *self._spares]
            self._all.clear()
            self._idle.clear()
            self._spares.clear()
        for w in workers:
            self._stop(w)
        self._launcher.shutdown(wait=False)

    # -- state

    @property
    def idle(self) -> int:
        with self._lock:
            return len(self._idle)

    @property
    def alive(self) -> int:
        with self._lock:
            return sum(1 for w in self._all if w.process.poll() is None)

    def unavailable(self) -> str | None:
        """Why no query can be answered now (None: one can). Not while a replacement is merely
        starting (that is "degraded"), so that a health check does not flap at each stopped query:
        only when no worker is alive and either the last start failed or none has been alive for
        longer than a query's deadline."""
        with self._lock:
            if any(w.process.poll() is None for w in (*self._all, *self._spares)):
                return None
            if self._closed:
                return "the query workers are stopped (the server is stopping)"
            if self._failures:
                return f"no query worker is running: {self._failures} starts failed in a row, the last: {self._failure}"
            since = self._empty_since
            if since is not None and time.monotonic() - since > self.policy.timeout:
                return f"no query worker is running: none has started for {time.monotonic() - since:.0f} s"
            return None

    @property
    def starting(self) -> int:
        """Replacement workers being started (or waiting to try again)."""
        with self._lock:
            return self._starting

    def state(self) -> dict[str, int]:
        """Queries running (and how many of them are long) and waiting."""
        with self._lock:
            running = list(self._running.values())
            return {
                "running": len(running),
                "long": sum(1 for t in running if t.long),
                "waiting": sum(1 for w in self._waiters if not w.future.done()),
                "spares": len(self._spares),
            }

    # -- use

    async def run(self, job: Job, client: str = "") -> Outcome:
        """The job's outcome; 429/503 when the policy refuses it or stops it, 504 at the deadline, 422 past the memory limit."""
        loop = asyncio.get_running_loop()
        policy = self.policy
        deadline = loop.time() + policy.timeout
        frame = _frame(job)
        with self._lock:
            until = self._penalty.get(client, 0.0)
            if until > loop.time():  # told to come back later (its query was stopped), and came back early
                return errors.too_many_requests(policy.per_client, until - loop.time(), stopped=True)
            if self._clients[client] >= policy.per_client:
                return errors.too_many_requests(policy.per_client, policy.short_seconds)
            if not self._idle and sum(1 for w in self._waiters if not w.future.done()) >= policy.queue:
                return errors.busy(policy.short_seconds)
            self._clients[client] += 1
            log.debug("admitted %s (idle %d)", client, len(self._idle))
        try:
            attempt = 0
            while True:
                ticket = _Ticket(client, deadline, text=job.text)
                outcome = await self._turn(loop, frame, ticket)
                if not ticket.crashed or loop.time() >= deadline or attempt >= ticket.retries:
                    return outcome
                attempt += 1
                log.warning("the engine crashed on a query; trying it once more on a fresh worker")
        finally:
            with self._lock:
                self._clients[client] -= 1
                if self._clients[client] <= 0:
                    del self._clients[client]

    async def _turn(self, loop: asyncio.AbstractEventLoop, frame: bytes, ticket: _Ticket) -> Outcome:
        """A worker for the (admitted) query, when it is its turn, and its answer."""
        waiter: asyncio.Future[tuple[_Worker, int]] = loop.create_future()  # used if no worker is idle
        with self._lock:
            worker = self._idle.pop() if self._idle else None
            if worker is None:
                entry = _Waiter(waiter, ticket.client, next(self._arrivals), frame)
                self._waiters.append(entry)
        sent = 0
        if worker is None:
            try:
                async with asyncio.timeout_at(ticket.deadline):
                    worker, sent = await waiter
            except TimeoutError:
                self._abandon(waiter)
                with self._lock:
                    self._credit(ticket.client, time.monotonic() - entry.since)  # (it waited until its deadline)
                return errors.busy(self.policy.short_seconds)
            except asyncio.CancelledError:  # the request itself was cancelled while it waited
                self._abandon(waiter)
                raise
        return await self._evaluate(loop, worker, frame[sent:], ticket)

    def _abandon(self, waiter: asyncio.Future[tuple[_Worker, int]]) -> None:
        """A query stopped waiting: a worker handed to it just then has its job, which nobody will read: replaced."""
        if waiter.done() and not waiter.cancelled():
            self._replace(waiter.result()[0])

    async def _evaluate(self, loop: asyncio.AbstractEventLoop, worker: _Worker, unsent: bytes, ticket: _Ticket) -> Outcome:
        """The answer of ``worker`` to the job of which ``unsent`` (bytes of its frame) is still to be sent."""
        ticket.worker = worker
        with self._lock:
            self._running[worker] = ticket
        timer = loop.call_later(self.policy.short_seconds, self._turn_long, ticket, loop)
        started = loop.time()
        try:
            how, got = await self._exchange(loop, worker, unsent, max(0.0, ticket.deadline - loop.time()))
        except BaseException:  # the request was cancelled mid-answer: the worker's pipe is mid-message
            self._replace(worker)
            raise
        finally:
            timer.cancel()
            with self._lock:
                ticket.done = True
                self._running.pop(worker, None)
                self._used[ticket.client] = self._used.get(ticket.client, 0.0) + loop.time() - started
        if how == "answer" and got is not None:
            if isinstance(got, _Retire) or ticket.stopped is not None:  # out of memory, or killed just as it answered
                self._replace(worker)
                return got.outcome if isinstance(got, _Retire) else got
            self._release(worker)
            return got
        self._replace(worker)
        if ticket.stopped is not None:
            return ticket.stopped
        if how == "deadline":
            self.killed += 1
            log.warning("query stopped at the %.3g s deadline; replacing its worker", self.policy.timeout)
            return errors.timeout(self.policy.timeout)
        return self._died(worker, ticket)

    def _died(self, worker: _Worker, ticket: _Ticket) -> Outcome:
        """The answer for a query whose worker died on its own: the memory limit if an allocation
        failed (what Rust's allocator last wrote), else the engine crashed."""
        last = worker.stderr.last_lines()
        if self.setup.memory > 0 and any(_ALLOCATION_FAILED.search(line) for line in last):
            log.warning("a query passed the worker memory limit; replacing its worker")
            return errors.memory_limit(self.setup.memory)
        log.error(
            "the query engine crashed (its worker %s) on the query: %s; the worker's last words: %s",
            _death(worker.process.returncode),
            query_for_log(ticket.text),
            worker.stderr.last_words(),
        )
        ticket.crashed = True
        ticket.retries = retries_after(worker.stderr.tail.decode("utf-8", errors="replace"))  # the panic's message precedes its backtrace
        return errors.engine_crashed()

    @staticmethod
    async def _exchange(
        loop: asyncio.AbstractEventLoop, worker: _Worker, unsent: bytes, timeout: float
    ) -> tuple[str, Outcome | _Retire | None]:
        """Send the rest of the job and wait (in the event loop: no thread) for its answer: ("answer", …), ("deadline", None) or ("died", None)."""

        async def exchange() -> Outcome | _Retire:
            if unsent:
                await loop.sock_sendall(worker.sock, unsent)
            got: Outcome | _Retire = await _recv(loop, worker.sock)  # type: ignore[assignment]
            return got

        try:
            async with asyncio.timeout(timeout):  # (no task of its own, unlike wait_for)
                return "answer", await exchange()
        except TimeoutError:
            return "deadline", None
        except (EOFError, OSError, pickle.UnpicklingError):
            await loop.run_in_executor(None, QueryPool._reap, worker)  # off the loop
            return "died", None

    @staticmethod
    def _reap(worker: _Worker) -> None:
        """Wait for a dying worker's exit status and the last of what it wrote."""
        with contextlib.suppress(subprocess.TimeoutExpired):  # (it is killed if it lingers)
            worker.process.wait(5)
        worker.stderr.wait(2)

    def _turn_long(self, ticket: _Ticket, loop: asyncio.AbstractEventLoop) -> None:
        """At ``short_seconds``: the query is long now; stop it if no long slot is free (or its client holds one)."""
        with self._lock:
            if ticket.done or ticket.worker is None:
                return
            long_ones = [t for t in self._running.values() if t.long]
            # when to come back: when the running long query ends, and twice as long for each of the
            # client's queries stopped in the last minute (up to a minute): a client repeating a
            # long query cannot keep the short lane busy, and its queries are refused until then
            stops = self._stops.get(ticket.client, 0)
            self._stops[ticket.client] = stops + 1
            lane_free = min((t.deadline for t in long_ones), default=loop.time()) - loop.time()
            retry = min(60.0, max(1.0, lane_free, self.policy.short_seconds * 2**stops))
            if any(t.client == ticket.client for t in long_ones):
                ticket.stopped = errors.too_many_requests(1, retry, running_long=True)
            elif len(long_ones) >= self.long_slots:
                ticket.stopped = errors.long_lane_full(self.long_slots, retry)
            else:
                ticket.long = True
                return
            self._penalty[ticket.client] = loop.time() + retry
            self.killed += 1
            ticket.worker.process.kill()  # its exchange sees the pipe close; the answer is ticket.stopped
        log.info("a query turned long with no long slot free; stopped (%d long running)", len(long_ones))
