"""What several test modules need: where the repository is, a free local port, a server process
started and stopped around a test, and the command line run in-process."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pyoxigraph as ox
import pytest

from kkni_rdf.cli import main

#: The repository's top level (tests find files from here, never from the current directory).
ROOT = Path(__file__).resolve().parents[1]


def decree_triples() -> int:
    """The decree graph's size, counted in the built file (data/kepmenaker-3-2021.ttl), not remembered."""
    return sum(1 for _ in ox.parse(path=ROOT / "data" / "kepmenaker-3-2021.ttl", format=ox.RdfFormat.TURTLE))


def free_port() -> int:
    """A loopback port no one listens on (now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(url: str) -> bool:
    """Whether a server answers ``url`` with any HTTP status."""
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@contextmanager
def serving(
    argv: list[str],
    ready_url: str,
    cwd: Path | None = None,
    wait: float = 60.0,
    env: dict[str, str] | None = None,
    log: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run the server ``argv`` (in the environment ``env``, default this one) until the block ends; enter once
    ``ready_url`` answers (waiting at most ``wait`` seconds). Its standard error goes to ``log`` when given
    (the test reads it), else to a temporary file."""
    with log.open("w+b") if log else tempfile.TemporaryFile() as stderr:  # a file, not a pipe: never blocks on a full pipe
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=stderr, cwd=cwd, env=env)
        try:
            deadline = time.monotonic() + wait
            while not answers(ready_url):
                if process.poll() is not None or time.monotonic() > deadline:
                    stderr.seek(0)
                    pytest.fail(f"{argv[0]} did not start: {stderr.read().decode(errors='replace')}")
                time.sleep(0.1)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def without_shared_file(message: str) -> NoReturn:
    """A test that needs a file of ``../shared`` (a receiver's published profile, the W3C suites) and
    finds none: skipped, saying so, on a fresh clone; failed in CI (``CI=true``), where it must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI must run it", pytrace=False)
    pytest.skip(f"{message} (a fresh clone has no ../shared; CI has it and runs this)")


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``kkni ARGV…`` in-process: its exit code, standard output and standard error."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
