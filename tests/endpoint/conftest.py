"""Fixtures for the endpoint's tests: apps started once per session (each starts query workers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kkni_rdf.endpoint.app import EndpointConfig, create_app
from kkni_rdf.endpoint.served import ServedStore
from kkni_rdf.store.embedded import KkniStore, default_prefixes

#: Short enough to keep the suite fast, long enough for every real query on a loaded machine.
TEST_TIMEOUT = 4.0


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    """The endpoint as `kkni serve` runs it, with a short deadline."""
    with TestClient(create_app(EndpointConfig(timeout=TEST_TIMEOUT, workers=2))) as c:
        yield c


@pytest.fixture(scope="session")
def capped() -> Iterator[TestClient]:
    """An endpoint with tiny result caps and query logging on."""
    config = EndpointConfig(timeout=TEST_TIMEOUT, workers=1, max_results=5, max_bytes=20_000, max_query_bytes=2_000, log_queries=True)
    with TestClient(create_app(config)) as c:
        yield c


@pytest.fixture(scope="session")
def served(store: KkniStore) -> ServedStore:
    """The session's store as the endpoint serves it (its prefixes and named graphs read once)."""
    return ServedStore(store, default_prefixes(store.base), tuple(store.graphs()))
