"""The query workers cannot reach a network, and the OS enforces it (``kkni_rdf.endpoint.isolation``).

The guard refuses ``SERVICE`` before any worker evaluates it, so the OS layer is tested alone: a
fresh interpreter isolates itself, then tries to reach a real TCP listener on 127.0.0.1 with a plain
socket and with Oxigraph's own ``SERVICE`` client; the listener records every connection. The same
probe without isolation reaches the listener (the control: the probe would see a connection).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import pytest

from kkni_rdf.endpoint.execute import Job
from kkni_rdf.endpoint.isolation import NETWORK_NAMESPACE, USER_NETWORK_NAMESPACE
from kkni_rdf.endpoint.pool import QueryPool, WorkerSetup
from kkni_rdf.endpoint.served import StoreSource
from kkni_rdf.endpoint.service import EndpointConfig
from kkni_rdf.endpoint.worker import Ready, isolate
from kkni_rdf.namespaces import DEFAULT_BASE
from tests.helpers import ROOT, free_port

DEFAULTS = EndpointConfig()  # the endpoint's defaults, stated once there

#: Isolates itself (argv[2] == "isolate"), then connects to 127.0.0.1:argv[1] twice: a plain TCP
#: socket, and Oxigraph's SERVICE client (which POSTs the sub-query); prints what happened, as JSON.
PROBE = textwrap.dedent(
    """
    import json, socket, sys
    import pyoxigraph as ox
    from kkni_rdf.endpoint.isolation import isolate_network
    port = int(sys.argv[1])
    found = isolate_network() if sys.argv[2] == "isolate" else None
    out = {"kind": found and found.kind, "reason": found and found.reason}
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            out["socket"] = "connected"
    except OSError as exc:
        out["socket"] = f"{type(exc).__name__}: {exc}"
    try:
        rows = list(ox.Store().query(f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"))
        out["service"] = f"{len(rows)} rows"
    except Exception as exc:
        out["service"] = f"{type(exc).__name__}: {exc}"
    print(json.dumps(out))
    """
)


@dataclass
class Listener:
    port: int
    connections: list[bytes] = field(default_factory=list)  # what each connection sent first


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A real TCP server on 127.0.0.1 (a thread) that records every connection it accepts."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    found = Listener(server.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    found.connections.append(conn.recv(4096))
                except OSError:
                    found.connections.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        stop.set()
        thread.join(5)
        server.close()


def _probe(port: int, isolate_it: bool, as_user: list[str] | None = None) -> dict[str, str | None]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [*(as_user or []), sys.executable, "-c", PROBE, str(port), "isolate" if isolate_it else "no"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    found: dict[str, str | None] = json.loads(done.stdout)
    return found


def _os_isolation() -> tuple[str | None, str]:
    """What this OS lets a fresh process achieve (run apart: isolating oneself is one-way)."""
    code = "from kkni_rdf.endpoint.isolation import isolate_network as i; r = i(); print(r.kind or ''); print(r.reason)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT, check=True)
    kind, reason = done.stdout.splitlines()[:2]
    return kind or None, reason


def _skip_unless_possible() -> str:
    kind, reason = _os_isolation()
    if kind is None:
        pytest.skip(f"this OS forbids both kinds of network namespace: {reason}")
    return kind


def test_the_probe_reaches_the_listener_without_isolation(listener: Listener) -> None:
    """The control: the same probe, not isolated, does connect (twice: the socket, and SERVICE's POST)."""
    found = _probe(listener.port, isolate_it=False)
    assert found["socket"] == "connected"
    assert found["service"] is not None and not found["service"].endswith("rows")  # (the listener answers nothing)
    assert len(listener.connections) == 2
    assert any(b"POST /sparql" in c for c in listener.connections)


#: Where the probe can run as an unprivileged user too: the user+network namespace path.
_AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.mark.parametrize("who", ["this user", "an unprivileged user"])
def test_an_isolated_process_reaches_nothing(listener: Listener, who: str) -> None:
    as_user = None
    if who == "an unprivileged user":
        if os.geteuid() != 0 or shutil.which("setpriv") is None:
            pytest.skip("needs root and setpriv to run the probe as another user")
        as_user = _AS_NOBODY
    found = _probe(listener.port, isolate_it=True, as_user=as_user)
    if found["kind"] is None:
        pytest.skip(f"this OS forbids both kinds of network namespace ({who}): {found['reason']}")
    if as_user or os.geteuid() == 0:  # (a user with CAP_SYS_ADMIN alone could get either)
        assert found["kind"] == (USER_NETWORK_NAMESPACE if as_user else NETWORK_NAMESPACE)
    # both connections fail in the kernel (ENETUNREACH), and the listener saw nothing
    assert found["socket"] == "OSError: [Errno 101] Network is unreachable"
    assert found["service"] is not None and "Network is unreachable" in found["service"]
    assert listener.connections == []


def _pool(setup: WorkerSetup) -> QueryPool:
    return QueryPool(1, setup, start_timeout=120, policy=replace(DEFAULTS.policy, timeout=30, short_seconds=30))


def test_the_pool_reports_and_logs_its_workers_isolation(caplog: pytest.LogCaptureFixture) -> None:
    kind = _skip_unless_possible()
    pool = _pool(WorkerSetup(StoreSource(DEFAULT_BASE), DEFAULTS.limits, require_isolation=True))
    with caplog.at_level(logging.INFO, logger="kkni.endpoint"):
        pool.start()
    try:
        assert pool.isolation == kind
        assert "no address is reachable" in pool.isolation_reason
        assert f"query workers isolated from the network ({kind})" in caplog.text
        # an isolated worker still loads its store and answers
        outcome = asyncio.run(pool.run(Job("SELECT ?l WHERE { ?l a kkni:Level }", "json", "turtle")))
        assert outcome.status == 200
        assert len(json.loads(outcome.body)["results"]["bindings"]) == 9
    finally:
        pool.close()


def test_workers_behind_a_remote_store_are_not_isolated() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    assert isolate(WorkerSetup(StoreSource(DEFAULT_BASE, url), DEFAULTS.limits)) == Ready(
        None, f"the workers reach the store at {url} over the network"
    )


def test_required_isolation_that_cannot_be_had_stops_the_pool() -> None:
    """With ``require_isolation``, a worker that cannot be isolated refuses to start, and so does the pool, saying why."""
    url = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens: the worker stops before it would connect
    pool = _pool(WorkerSetup(StoreSource(DEFAULT_BASE, url), DEFAULTS.limits, require_isolation=True))
    with pytest.raises(RuntimeError, match=re.escape(f"the workers reach the store at {url} over the network")):
        pool.start()
    assert pool.alive == 0


def test_a_pool_not_isolated_says_so(caplog: pytest.LogCaptureFixture) -> None:
    pool = _pool(WorkerSetup(StoreSource(DEFAULT_BASE), DEFAULTS.limits))
    pool._note_isolation(Ready(None, "unshare(CLONE_NEWNET) failed: Operation not permitted"))
    with caplog.at_level(logging.INFO, logger="kkni.endpoint"):
        pool._log_isolation()
    assert pool.isolation is None
    assert (
        "query workers are NOT isolated from the network: unshare(CLONE_NEWNET) failed: Operation not permitted; "
        "relying on the SPARQL guard" in caplog.text
    )
