"""Fixtures for the scale tests: a real `oxigraph serve` process, started and stopped here."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import free_port, serving


def oxigraph_binary() -> str:
    """The `oxigraph` server from the dev extra (PyPI package `oxigraph`): on PATH or next to Python."""
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        pytest.fail("the `oxigraph` server is not installed: pip install -e '.[dev]' (it comes with the PyPI package oxigraph)")
    return found


@pytest.fixture(scope="session")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The query URL of a fresh `oxigraph serve` on a free local port (empty at first)."""
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    argv = [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    with serving(argv, f"http://127.0.0.1:{port}/", wait=20):
        yield f"http://127.0.0.1:{port}/query"
