"""A private Virtuoso 7 for the tests: Debian's stock virtuoso.ini with its own folder and loopback ports.

Virtuoso is not a Python package: ``apt-get install virtuoso-opensource`` (Debian, Ubuntu; ``.ci/run``
does it). Without it the tests that need it fail with a message that says so; they are never skipped.
"""

from __future__ import annotations

import re
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
#: Debian's virtuoso.ini, as the package ships it: the tests change its ports and folders only.
STOCK_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: Where the stock ini keeps its database files (replaced by the test's folder).
STOCK_DB = "/var/lib/virtuoso-opensource-7/db"


def stock_ini(folder: Path, sql_port: int, http_port: int) -> str:
    """Debian's stock ``virtuoso.ini`` with its ports on loopback and its database in ``folder``; nothing
    else changed (ResultSetMaxRows stays 10,000, as on DBpedia's public endpoint)."""
    if not STOCK_INI.is_file():
        pytest.fail(f"{STOCK_INI} is missing: apt-get install virtuoso-opensource (the tests run Virtuoso with its stock ini)")
    text = STOCK_INI.read_text(encoding="utf-8").replace(STOCK_DB, str(folder))
    section = ""
    lines = []
    for line in text.splitlines():
        head = re.match(r"\s*\[([^]]+)\]", line)
        if head:
            section = head[1]
        key = re.match(r"\s*(ServerPort|DefaultHost)\s*=", line)
        if key and section in ("Parameters", "HTTPServer", "URIQA"):
            port = sql_port if section == "Parameters" else http_port
            host = "localhost" if key[1] == "DefaultHost" else "127.0.0.1"
            lines.append(f"{key[1]} = {host}:{port}")
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


def max_rows(ini: str) -> int:
    """The ``ResultSetMaxRows`` an ini sets."""
    found = re.search(r"^\s*ResultSetMaxRows\s*=\s*(\d+)", ini, re.M)
    return int(found[1]) if found else 0


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
    text = stock_ini(folder, sql_port, http_port)
    ini.write_text(text, encoding="utf-8")
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
            f"{base}/sparql", f"{base}/sparql-graph-crud-auth", folder, ("kkni_loader", loader), ("kkni_reader", reader), max_rows(text)
        )
    finally:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
