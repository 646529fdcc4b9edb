"""Fixtures for the pages' tests: the app as `kkni serve` runs it, in process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kkni_rdf.endpoint.app import EndpointConfig, create_app

#: What a browser sends.
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
BASE = "https://w3id.org/kkni/"
ASESOR_5 = "qualification/kepmenaker-3-2021/N78SPS01-5-asesor"


@pytest.fixture(scope="session")
def web() -> Iterator[TestClient]:
    with TestClient(create_app(EndpointConfig(timeout=10.0, workers=1))) as c:
        yield c
