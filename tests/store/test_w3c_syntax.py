"""The store's guard and Oxigraph read the W3C SPARQL syntax suites alike: every query of a positive
syntax test (SPARQL 1.0 and 1.1, the federated ones included) is read (answered, or refused for
SERVICE by policy), every negative one is refused as Oxigraph refuses it, never answered, never a
crash. The suites are ``../shared/w3c-rdf-tests`` (as in CI); a fresh clone has none: skipped."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.collection import Collection

from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.guard import Refused, mentions_service
from kkni_rdf.store.protocol import QueryError
from tests.helpers import ROOT, without_shared_file

SUITE = ROOT.parent / "shared" / "w3c-rdf-tests" / "sparql"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
POSITIVE = {MF + "PositiveSyntaxTest", MF + "PositiveSyntaxTest11"}
NEGATIVE = {MF + "NegativeSyntaxTest", MF + "NegativeSyntaxTest11"}
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _syntax_tests() -> list[tuple[str, Path, bool]]:
    """(name, query file, positive) of every query syntax test in the suites' manifests (updates left out)."""
    found: list[tuple[str, Path, bool]] = []
    for manifest in sorted([*SUITE.glob("sparql10/*/manifest.ttl"), *SUITE.glob("sparql11/*/manifest.ttl")]):
        graph = Graph().parse(manifest, format="turtle")
        for head in graph.objects(None, URIRef(MF + "entries")):
            for entry in Collection(graph, head):
                kinds = {str(k) for k in graph.objects(entry, RDF_TYPE)}
                action = graph.value(entry, URIRef(MF + "action"))
                if not kinds & (POSITIVE | NEGATIVE) or not isinstance(action, URIRef) or not str(action).endswith((".rq", ".sparql")):
                    continue
                path = Path(str(action).removeprefix("file://"))
                found.append((f"{manifest.parent.parent.name}/{manifest.parent.name}/{path.name}", path, bool(kinds & POSITIVE)))
    return found


TESTS = _syntax_tests() if SUITE.is_dir() else []


@pytest.fixture(scope="module")
def empty() -> KkniStore:
    return KkniStore()


def test_the_suites_are_there() -> None:
    if not SUITE.is_dir():
        without_shared_file(f"the W3C test suites are not beside this checkout ({SUITE})")
    assert sum(positive for _, _, positive in TESTS) > 100 and sum(not positive for _, _, positive in TESTS) > 50


def _oxigraph_reads(text: str, base: str) -> bool:
    """Whether Oxigraph itself reads ``text`` as a query (on an empty store; called only for texts without SERVICE)."""
    try:
        ox.Store().query(text, base_iri=base)
    except SyntaxError:
        return False
    except RuntimeError:  # read, and refused while evaluated (an unknown function)
        return True
    return True


#: Negative syntax tests that Oxigraph 0.5 reads all the same (and so does the store: it agrees with
#: its engine), each with why: ``?x<?a&&?b>?y`` is an IRI by the longest-token rule, less-than to Oxigraph.
OXIGRAPH_READS_ANYWAY = {"sparql10/syntax-sparql3/syn-bad-26.rq"}


@pytest.mark.parametrize(("name", "path", "positive"), TESTS, ids=[t[0] for t in TESTS])
def test_the_guard_and_oxigraph_read_the_syntax_suite_alike(empty: KkniStore, name: str, path: Path, positive: bool) -> None:
    text = path.read_text(encoding="utf-8")
    base = path.as_uri()
    try:
        empty.query(text, base_iri=base)
        verdict = "read"
    except QueryError as error:  # malformed; or read, and not evaluated (an unknown function)
        verdict = "read" if error.message.startswith("the query cannot be evaluated") else "refused as malformed"
    except Refused as refused:
        verdict = "read" if refused.error == "unknown graph" else refused.error  # read; its FROM names no graph held
    if verdict == "service refused":  # by policy, never evaluated (nor by Oxigraph here: it would call out)
        assert mentions_service(text) and positive, name
        return
    assert verdict in ("read", "refused as malformed", "update refused"), (name, verdict)
    assert (verdict == "read") == _oxigraph_reads(text, base), (name, verdict)
    assert (verdict == "read") == (positive or name in OXIGRAPH_READS_ANYWAY), (name, verdict)
