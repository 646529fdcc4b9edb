"""Shared fixtures. Tests locate files from here, never from the current directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from kkni_rdf.decree.model import Decree
from kkni_rdf.decree.parser import parse_decree_file
from kkni_rdf.store.embedded import KkniStore
from tests.helpers import ROOT

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
