"""The fast run (pySHACL core + the SPARQL checks in Oxigraph) finds what pySHACL alone finds.

pySHACL alone takes seconds per fixture and minutes on the decree, so its results are committed
(``pyshacl_reference``): every fixture is compared with them here, the decree in
tests/store/test_remote.py; one test checks that they are still current, and one runs pySHACL
again on a fixture.
"""

from __future__ import annotations

import pytest

from kkni_rdf.validation.engine import ValidationData
from tests.validation import pyshacl_reference as ref
from tests.validation.support import fixture_store, validate_fixture

#: The fixture pySHACL runs on again: a SPARQL rule whose value node is not its focus node and
#: whose message fills in a list.
REAL_RUN_RULE = "prerequisite.not-listed"


@pytest.fixture(scope="module")
def reference() -> dict[str, set[ref.Row]]:
    return ref.fixture_reference()


@pytest.mark.parametrize("rule", ref.sparql_rules())
def test_same_sparql_findings_as_pyshacl(rule: str, reference: dict[str, set[ref.Row]]) -> None:
    fast = ref.fast_fixture_rows(validate_fixture(rule))
    assert fast, "the fixture fires"
    assert fast == reference[rule]


def test_the_pyshacl_reference_is_current() -> None:
    """The committed results are pySHACL's on today's shapes, ontology, data and fixtures."""
    for path, expected in ((ref.FIXTURES_FILE, ref.fixtures_digest()), (ref.DECREE_FILE, ref.decree_digest())):
        stamp, rows = ref.read(path)
        assert stamp == expected, f"{path.name} is out of date: python -m tests.validation.pyshacl_reference"
        assert rows
    assert set(ref.fixture_reference()) == set(ref.sparql_rules())


@pytest.mark.slow
def test_pyshacl_finds_the_committed_results(reference: dict[str, set[ref.Row]]) -> None:
    """pySHACL itself, run again on one fixture, finds what the committed reference says."""
    assert reference[REAL_RUN_RULE]
    assert ref.pyshacl_fixture_rows(ValidationData.of(fixture_store(REAL_RUN_RULE)).graph) == reference[REAL_RUN_RULE]
