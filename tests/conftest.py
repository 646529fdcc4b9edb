"""Shared fixtures. Tests locate files from here, never from the current directory."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kkni_rdf.decree.model import Decree
from kkni_rdf.decree.parser import parse_decree_file
from kkni_rdf.endpoint.app import EndpointConfig, create_app
from kkni_rdf.store.embedded import KkniStore
from tests.helpers import ROOT, free_port, serving

SOURCE = ROOT / "data" / "source" / "kepmenaker-3-2021.txt"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def decree() -> Decree:
    return parse_decree_file(SOURCE)


@pytest.fixture(scope="session")
def store() -> KkniStore:
    """The embedded store as `kkni serve` and `kkni query` load it (read it, never change it)."""
    return KkniStore.load_default()


@pytest.fixture(scope="session")
def web() -> Iterator[TestClient]:
    """The app as `kkni serve` runs it, in process (the pages' tests, and the command line's beside it)."""
    with TestClient(create_app(EndpointConfig(timeout=10.0, workers=1))) as c:
        yield c


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
