"""The valid queries of the W3C SPARQL 1.1 test suite, read from its manifests (run against our data, not theirs).

The suite is a checkout of https://github.com/w3c/rdf-tests beside this repository
(``../shared/w3c-rdf-tests``, as in CI); a fresh clone has none, and this part is skipped.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from tests.differential.cases import Case, make_case
from tests.helpers import ROOT

SUITE = ROOT.parent / "shared" / "w3c-rdf-tests"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

#: The kinds of test whose action is a query (an evaluation test's ``qt:query``, a syntax test's action itself).
QUERY_TESTS = {MF + "QueryEvaluationTest": True, MF + "CSVResultFormatTest": True, MF + "PositiveSyntaxTest11": False}

#: W3C tests left out of the comparison, each with the reason: only queries both servers time out on
#: over our dataset (none so far).
EXCLUDED: dict[str, str] = {}


def sparql11_folder() -> Path | None:
    """The suite's ``sparql/sparql11`` folder, or None when ``../shared`` does not hold it."""
    folder = SUITE / "sparql" / "sparql11"
    return folder if (folder / "manifest-sparql11-query.ttl").is_file() else None


def _entries(graph: Graph, manifest: URIRef) -> list[Node]:
    """The tests a manifest lists (``mf:entries``), in order."""
    lists = list(graph.objects(manifest, URIRef(MF + "entries")))
    return [entry for head in lists for entry in Collection(graph, head)]


def _query_file(graph: Graph, test: Node, evaluation: bool) -> Path | None:
    action = graph.value(test, URIRef(MF + "action"))
    if evaluation and action is not None:
        action = graph.value(action, URIRef(QT + "query"))
    if isinstance(action, URIRef) and str(action).startswith("file://"):
        return Path(str(action).removeprefix("file://"))
    return None


def w3c_queries(folder: Path) -> list[tuple[str, Path]]:
    """(test name, query file) of every query test listed in the manifests of ``folder``'s subfolders."""
    found = []
    for manifest_file in sorted(folder.glob("*/manifest.ttl")):
        graph = Graph().parse(manifest_file, format="turtle", publicID=manifest_file.as_uri())
        manifest = URIRef(manifest_file.as_uri())
        for test in _entries(graph, manifest):
            kinds = {str(t) for t in graph.objects(test, RDF_TYPE)} & QUERY_TESTS.keys()
            if not kinds:
                continue  # an update, protocol or service-description test: not a query
            path = _query_file(graph, test, QUERY_TESTS[kinds.pop()])
            if path is not None and path.suffix == ".rq" and path.is_file():
                found.append((f"w3c/{manifest_file.parent.name}/{str(test).rsplit('#', 1)[-1]}", path))
    return found


def w3c_cases(folder: Path) -> list[Case]:
    """The W3C queries as cases (each text once; the excluded tests left out)."""
    seen: set[str] = set()
    out = []
    for name, path in w3c_queries(folder):
        text = path.read_text(encoding="utf-8")
        if name in EXCLUDED or text in seen:
            continue
        seen.add(text)
        out.append(make_case("w3c", name, text))
    return out
