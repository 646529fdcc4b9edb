"""Fixtures of the export tests: the receivers' published profiles, parsed once per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph

from kkni_rdf import export
from kkni_rdf.store.embedded import KkniStore
from tests.helpers import without_shared_file

ROOT = Path(__file__).resolve().parents[2]
#: The receivers' artefacts live beside the checkout (shared/interop/README.md), in CI too.
ELM_PROFILE_DIR = ROOT.parent / "shared" / "interop" / "elm"


@dataclass(frozen=True)
class ElmProfile:
    shapes: Graph  # LOQ-constraints.ttl: the LOQ 1.1.0 application profile (ELM v3)
    ontology: Graph  # ELM.ttl: the ELM v3 ontology the profile's sh:class refers to


@pytest.fixture(scope="session")
def elm_profile() -> ElmProfile:
    """The European Commission's LOQ profile and ELM ontology (absent: skipped on a fresh clone, failed in CI)."""
    shapes, ontology = ELM_PROFILE_DIR / "LOQ-constraints.ttl", ELM_PROFILE_DIR / "ELM.ttl"
    missing = [str(p) for p in (shapes, ontology) if not p.is_file()]
    if missing:
        without_shared_file(
            "the ELM export is checked against the European Commission's LOQ profile, expected beside the "
            f"repository (see shared/interop/README.md); missing: {', '.join(missing)}"
        )
    return ElmProfile(Graph().parse(shapes, format="turtle"), Graph().parse(ontology, format="turtle"))


@pytest.fixture(scope="session")
def elm_bytes(store: KkniStore) -> bytes:
    return export.elm_document(store)


@pytest.fixture(scope="session")
def elm_doc_graph(elm_bytes: bytes) -> Graph:
    """The ELM document as a receiver reads it."""
    return Graph().parse(data=elm_bytes, format="json-ld")


@pytest.fixture(scope="session")
def ctdl_bytes(store: KkniStore) -> bytes:
    return export.ctdl_document(store)


@pytest.fixture(scope="session")
def ctdl_doc_graph(ctdl_bytes: bytes) -> Graph:
    return Graph().parse(data=ctdl_bytes, format="json-ld")
