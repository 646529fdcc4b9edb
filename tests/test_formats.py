"""The format registry reads a ``format`` parameter as clients send it (``kkni_rdf.formats.format_key``),
and SPARQLWrapper, the common Python client, gets a 200 it can read for each of its return formats
from a real ``kkni serve``."""

from __future__ import annotations

import csv
import io
import json
import sys
import urllib.error
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, JSONLD, N3, TURTLE, XML, SPARQLWrapper

from kkni_rdf.formats import GRAPH_FORMATS, RESULT_FORMATS, Format, format_key, known_format_names
from tests.helpers import ROOT, free_port, serving

# ------------------------------------------------------------------------------------ format_key


@pytest.mark.parametrize(
    ("value", "results", "graph"),
    [
        # the names that always worked
        ("json", "json", "jsonld"),
        ("xml", "xml", "rdfxml"),
        ("csv", "csv", None),
        ("tsv", "tsv", None),
        ("turtle", None, "turtle"),
        ("ntriples", None, "ntriples"),
        ("nquads", None, "nquads"),
        ("trig", None, "trig"),
        ("jsonld", None, "jsonld"),
        ("rdfxml", None, "rdfxml"),
        ("ttl", None, "turtle"),
        ("application/sparql-results+json", "json", None),
        ("text/turtle", None, "turtle"),
        ("TEXT/Turtle", None, "turtle"),
        # media types with parameters
        ("text/csv; charset=utf-8", "csv", None),
        ("text/turtle;charset=UTF-8", None, "turtle"),
        ("application/sparql-results+xml; charset=utf-8", "xml", None),
        # what SPARQLWrapper sends (format=…, output=…, results=…; the last value is read)
        ("n3", None, "turtle"),
        ("application/ld+json,application/x-json+ld", None, "jsonld"),
        ("json-ld", None, "jsonld"),
        ("rdf+xml", None, "rdfxml"),
        ("application/rdf+xml", None, "rdfxml"),
        ("text/tab-separated-values", "tsv", None),
        # the extensions and media types Oxigraph reads a format name as
        ("application/x-json+ld", None, "jsonld"),
        ("application/n-triples", None, "ntriples"),
        ("text/n3", None, "turtle"),
        ("application/n3", None, "turtle"),
        ("text/x-nquads", None, "nquads"),
        ("srj", "json", None),
        ("srx", "xml", None),
        ("nt", None, "ntriples"),
        ("nq", None, "nquads"),
        ("rdf", None, "rdfxml"),
        # lists: the first value named here wins
        ("nonsense, text/csv", "csv", None),
        ("application/sparql-results+json,text/turtle", "json", "turtle"),
        (" , json", "json", "jsonld"),
        # nothing known
        ("nonsense", None, None),
        ("*/*", None, None),
        ("text/html", None, None),
        ("", None, None),
        (",", None, None),
        (";charset=utf-8", None, None),
    ],
)
def test_format_key_reads_what_clients_send(value: str, results: str | None, graph: str | None) -> None:
    assert format_key(value, RESULT_FORMATS) == results
    assert format_key(value, GRAPH_FORMATS) == graph


@pytest.mark.parametrize("offers", [RESULT_FORMATS, GRAPH_FORMATS], ids=["results", "graphs"])
def test_every_name_in_the_registry_still_names_its_format(offers: tuple[Format, ...]) -> None:
    for f in offers:
        for name in f.names():
            assert format_key(name, offers) == f.key, name
            assert format_key(f"{name.upper()} ; q=1", offers) == f.key, name
    assert all(format_key(name, RESULT_FORMATS) or format_key(name, GRAPH_FORMATS) for name in known_format_names())


# ------------------------------------------------------------------------------------ SPARQLWrapper

CONSTRUCT = "CONSTRUCT { ?l a kkni:Level } WHERE { ?l a kkni:Level }"
SELECT = "SELECT ?l WHERE { ?l a kkni:Level } ORDER BY ?l"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``kkni serve`` on a free loopback port."""
    port = free_port()
    kkni = Path(sys.executable).with_name("kkni")
    argv = [str(kkni), "serve", "--port", str(port), "--workers", "1", "--per-client", "8"]
    log = tmp_path_factory.mktemp("serve") / "stderr.log"
    with serving(argv, f"http://127.0.0.1:{port}/healthz", cwd=ROOT, log=log):
        yield f"http://127.0.0.1:{port}/sparql"


def _ask(url: str, query: str, fmt: str, method: str = "GET") -> tuple[int, str, object]:
    """The status, Content-Type and SPARQLWrapper's conversion of the answer."""
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its own Accept: */* for a format it does not expect of the form (JSON for CONSTRUCT)
        result = client.query()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # SPARQLWrapper's warning: the answer is not in the format it asked for
        return result.response.status, result.info()["content-type"], result.convert()


def _triples(converted: object, content_type: str) -> int:
    """How many triples a CONSTRUCT answer holds, as SPARQLWrapper's conversion gives it."""
    if isinstance(converted, rdflib.Graph):  # RDF/XML and JSON-LD: parsed by SPARQLWrapper
        return len(converted)
    assert isinstance(converted, bytes)  # Turtle and N3: the bytes, for the caller to parse
    return len(rdflib.Graph().parse(data=converted, format="turtle" if "turtle" in content_type else "n3"))


LEVELS = 9  # KKNI levels 1 to 9


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", [N3, TURTLE, JSONLD, XML, JSON])
def test_sparqlwrapper_construct(endpoint: str, fmt: str, method: str) -> None:
    status, content_type, converted = _ask(endpoint, CONSTRUCT, fmt, method)
    assert status == 200
    expected = {
        N3: "text/turtle",
        TURTLE: "text/turtle",
        JSONLD: "application/ld+json",
        XML: "application/rdf+xml",
        JSON: "application/ld+json",
    }
    assert content_type.split(";")[0] == expected[fmt]
    assert _triples(converted, content_type) == LEVELS


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV])
def test_sparqlwrapper_select(endpoint: str, fmt: str, method: str) -> None:
    status, content_type, converted = _ask(endpoint, SELECT, fmt, method)
    assert status == 200
    if fmt == JSON:
        assert isinstance(converted, dict)
        rows = [b["l"]["value"] for b in converted["results"]["bindings"]]
    elif fmt == XML:
        rows = [b.firstChild.data for b in converted.getElementsByTagName("uri")]  # type: ignore[attr-defined]
    else:
        assert content_type.startswith("text/csv")
        rows = [r["l"] for r in csv.DictReader(io.StringIO(converted.decode("utf-8")))]  # type: ignore[attr-defined]
    assert len(rows) == LEVELS and rows == sorted(rows)


@pytest.mark.parametrize("fmt", [N3, TURTLE])
def test_sparqlwrapper_graph_format_on_a_select_is_406(endpoint: str, fmt: str) -> None:
    """A format that cannot carry solutions is refused with the formats that can (``format`` wins over Accept)."""
    with pytest.raises(urllib.error.HTTPError) as caught:
        _ask(endpoint, SELECT, fmt)
    assert caught.value.code == 406
    assert "application/sparql-results+json" in json.loads(caught.value.read())["available"]
