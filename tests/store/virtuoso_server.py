"""A private Virtuoso 7 for the tests: its own folder, virtuoso.ini and loopback ports.

Virtuoso is not a Python package: ``apt-get install virtuoso-opensource`` (Debian, Ubuntu; ``.ci/run``
does it). Without it the tests that need it fail with a message that says so; they are never skipped.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

NOT_INSTALLED = (
    "Virtuoso is not installed (no {0} on PATH): apt-get install virtuoso-opensource "
    "(.ci/run installs it; the tests in tests/store need a real Virtuoso 7)"
)
#: Virtuoso stops an answer at this many rows (its ResultSetMaxRows); the project's store holds about 14,000 quads.
MAX_ROWS = 30_000

INI = """\
; A private Virtuoso for the kkni-rdf tests (tests/store/conftest.py): everything in this folder.
[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile    = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx

[Parameters]
ServerPort        = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode          = 2
DirsAllowed       = {folder}
NumberOfBuffers   = 10000
MaxDirtyBuffers   = 6000
CheckpointInterval = 0

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {folder}
ServerThreads        = 10
MaxClientConnections = 10
Charset              = UTF-8

[SPARQL]
ResultSetMaxRows      = {max_rows}
MaxQueryExecutionTime = 120
"""


def binary(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(NOT_INSTALLED.format(names[0]))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Virtuoso:
    url: str  # its SPARQL endpoint, http://127.0.0.1:PORT/sparql
    graph_store: str  # its Graph Store Protocol endpoint (HTTP Digest), …/sparql-graph-crud-auth
    folder: Path
    loader: tuple[str, str]  # a user with the SPARQL_UPDATE role: may write
    reader: tuple[str, str]  # a user with the SPARQL_SELECT role only: may not write
    max_rows: int


def run_sql(isql: str, port: int, password: str, script: str) -> None:
    """Run SQL statements as dba (given on standard input, not the command line)."""
    done = subprocess.run([isql, f"127.0.0.1:{port}", "dba", password], input=script, capture_output=True, text=True, timeout=60)
    if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
        pytest.fail(f"isql failed: {done.stdout}\n{done.stderr}")


@contextmanager
def running_virtuoso(folder: Path) -> Iterator[Virtuoso]:
    """A fresh, empty Virtuoso in ``folder`` (about 15 s to create its database): the dba password
    changed, a loader and a reader user made; stopped when the block ends."""
    server = binary("virtuoso-t")
    isql = binary("isql-vt", "isql-v")
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(folder=folder, sql_port=sql_port, http_port=http_port, max_rows=MAX_ROWS))
    with (folder / "console.log").open("wb") as console:
        process = subprocess.Popen([server, "+foreground", "+configfile", str(ini)], cwd=folder, stdout=console, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                r = httpx.get(f"{base}/sparql", timeout=2)
                if r.status_code == 200 and r.headers.get("server", "").startswith("Virtuoso"):
                    break  # ours (the port was free when chosen; Virtuoso binds it once its database is made)
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log = (folder / "console.log").read_text(errors="replace")[-3000:]
                pytest.fail(f"Virtuoso did not start (exit code {process.poll()}):\n{log}")
            time.sleep(0.25)
        dba, loader, reader = (secrets.token_urlsafe(12) for _ in range(3))
        run_sql(
            isql,
            sql_port,
            "dba",
            f"USER_CHANGE_PASSWORD('dba', 'dba', '{dba}');\n"
            f"DB.DBA.USER_CREATE('kkni_loader', '{loader}');\nGRANT SPARQL_UPDATE TO kkni_loader;\n"
            f"DB.DBA.USER_CREATE('kkni_reader', '{reader}');\nGRANT SPARQL_SELECT TO kkni_reader;\n",
        )
        yield Virtuoso(
            f"{base}/sparql", f"{base}/sparql-graph-crud-auth", folder, ("kkni_loader", loader), ("kkni_reader", reader), MAX_ROWS
        )
    finally:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
