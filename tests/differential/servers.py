"""The servers' programs, and the reference server, started again when it dies.

Plain Oxigraph (0.5) aborts the whole server on a panic, and its ORDER BY can panic: Rust's sort
checks that the comparison is a total order, and Oxigraph's comparison of some terms is not (a
sort that meets the inconsistency aborts; which input order meets it varies from run to run). A
dead reference would make every later query "not compared", so the runner starts it again on the
same port and sends the requests that were in flight once more; a query that kills it twice is
counted as one the reference could not answer.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.helpers import answers


def oxigraph_binary() -> str:
    """The `oxigraph` server from the dev extra (PyPI package `oxigraph`): next to Python or on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        pytest.fail("the `oxigraph` server is not installed: pip install -e '.[dev]' (it comes with the PyPI package oxigraph)")
    return found


def kkni_binary() -> str:
    """`kkni` of this environment."""
    beside = Path(sys.executable).with_name("kkni")
    return str(beside) if beside.exists() else shutil.which("kkni") or "kkni"


class Restartable:
    """A server process (``argv``) that answers at ``ready_url``; ``revive`` starts it again if it died."""

    def __init__(self, argv: list[str], ready_url: str, log: Path) -> None:
        self.argv, self.ready_url, self.log = argv, ready_url, log
        self.deaths: list[str] = []  # the last line of each crash's log (a panic's message)
        self.generation = 0  # how many times it was started again
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, wait: float = 30.0) -> None:
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + wait
        while not answers(self.ready_url):
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.argv[0]} did not start: {self.log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.05)

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def revive(self, generation: int) -> None:
        """After a request to the server's ``generation`` failed: start it again if it died (once per death)."""
        with self._lock:
            if self._process is None or generation != self.generation:
                return  # not started here, or started again since that request was sent
            try:
                self._process.wait(timeout=2)  # a crashing server takes a moment to exit
            except subprocess.TimeoutExpired:
                return  # alive: the request failed for another reason
            self.deaths.append(self._panic())
            self.start()
            self.generation += 1

    def _panic(self) -> str:
        lines = self.log.read_text(errors="replace").splitlines()
        found = [line for line in lines if "panicked" in line or "comparison" in line or "error" in line.lower()]
        return " ".join(found[-2:])[:300] if found else "(no message)"

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
