"""Fixtures for the store tests: one private Virtuoso per session (tests/store/virtuoso_server.py),
loaded once with what the embedded store serves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kkni_rdf.store.remote import RemoteStore, load_into
from tests.store.virtuoso_server import Virtuoso, running_virtuoso


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A fresh, empty Virtuoso on free loopback ports, stopped at the end of the session."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="session")
def loaded(virtuoso: Virtuoso) -> Virtuoso:
    """The Virtuoso, loaded once with what the embedded store serves (by the loader user)."""
    load_into(virtuoso.url, auth=virtuoso.loader)
    return virtuoso


@pytest.fixture(scope="session")
def remote(loaded: Virtuoso) -> Iterator[RemoteStore]:
    """``RemoteStore`` over the loaded Virtuoso (its queries need no credentials)."""
    with RemoteStore(loaded.url, timeout=120) as store:
        yield store
