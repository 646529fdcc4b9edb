"""The project's JSON-LD (``kkni export --to jsonld`` and ``/download/kkni.jsonld``): plain terms from the
published context, JSON-LD 1.0, the named graphs kept, and read back to the same quads by two independent
processors, PyLD and jsonld.js (run with Node, installed from the npm registry by the test)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from pyld import jsonld  # type: ignore[import-untyped]
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from kkni_rdf import export
from kkni_rdf.endpoint.app import create_app
from kkni_rdf.endpoint.describe import build_downloads
from kkni_rdf.endpoint.service import EndpointConfig
from kkni_rdf.export.jsonld import serialize_jsonld, store_quads
from kkni_rdf.namespaces import KKNI, OWL, RDF, RDFS, XSD
from kkni_rdf.resources import ontology_files
from kkni_rdf.store.embedded import KkniStore

JS = Path(__file__).resolve().parent / "jsonld_js"
KEYWORDS = {"@context", "@graph", "@list"}


@pytest.fixture(scope="module")
def data_doc(store: KkniStore) -> bytes:
    return export.jsonld_document(store)


@pytest.fixture(scope="module")
def dump_doc(store: KkniStore) -> bytes:
    return build_downloads(store)["kkni.jsonld"][1]


def _dataset(nquads: str | bytes) -> ox.Dataset:
    """The quads, their blank nodes canonically renamed (RDFC-1.0), so that isomorphic datasets are equal."""
    data = nquads.encode("utf-8") if isinstance(nquads, str) else nquads
    ds = ox.Dataset(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return ds


def _source(quads: list[ox.Quad]) -> ox.Dataset:
    return _dataset(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")


def _assert_same_quads(got: ox.Dataset, want: ox.Dataset) -> None:
    """The same quads in the same named graphs, literals with the same lexical forms, blank nodes matched."""
    missing, extra = set(want) - set(got), set(got) - set(want)
    assert not missing and not extra, f"missing {sorted(map(str, missing))[:5]}, extra {sorted(map(str, extra))[:5]}"
    assert len(set(got)) == len(set(want))


def _pyld_quads(doc: bytes, mode: str = "json-ld-1.0") -> str:
    options = {"format": "application/n-quads", "processingMode": mode}
    nquads: str = jsonld.to_rdf(json.loads(doc), options)
    return nquads


# --------------------------------------------------------------------------- jsonld.js


@pytest.fixture(scope="session")
def jsonld_js(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """jsonld.js at the version pinned by ``jsonld_js/package-lock.json``, installed by ``npm ci`` into a
    temporary folder. Without Node or the npm registry: skipped here, failed in CI (``CI=true``)."""
    folder = tmp_path_factory.mktemp("jsonld-js")
    for name in ("package.json", "package-lock.json", "to-rdf.js"):
        shutil.copy(JS / name, folder / name)
    reason = None
    if not (shutil.which("node") and shutil.which("npm")):
        reason = "Node and npm are not installed"
    else:
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=folder, capture_output=True, text=True, timeout=300, check=False
        )
        if done.returncode:
            reason = f"npm ci failed: {done.stderr.strip()[-500:]}"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"jsonld.js: {reason}; CI must run it", pytrace=False)
        pytest.skip(f"jsonld.js: {reason}")
    return folder


def _js_quads(folder: Path, doc: bytes, tmp_path: Path, mode: str = "json-ld-1.0") -> subprocess.CompletedProcess[str]:
    path = tmp_path / "doc.jsonld"
    path.write_bytes(doc)
    return subprocess.run(["node", str(folder / "to-rdf.js"), str(path), mode], capture_output=True, text=True, timeout=300, check=False)


# --------------------------------------------------------------------------- the context


def _context() -> dict[str, Any]:
    context: dict[str, Any] = export.load_context()["@context"]
    return context


def test_the_context_is_json_ld_1_0() -> None:
    # no 1.1 feature is used, so no "@version": 1.1 (which makes 1.0 processors refuse the context)
    text = export.context_file().read_text(encoding="utf-8")
    for feature in ("@version", "@protected", "@propagate", "@import", "@nest", "@prefix", "@json", "@included", "@direction"):
        assert feature not in text, feature
    for definition in _context().values():
        if isinstance(definition, dict):
            assert definition.get("@container") in (None, "@language", "@list", "@set"), definition
            assert "@context" not in definition  # scoped contexts are 1.1


def _local(term: Node) -> str:
    return str(term).rsplit("#", 1)[-1]


def _kkni(g: Graph, kind: URIRef) -> list[Node]:
    return [p for p in g.subjects(RDF.type, kind) if str(p).startswith(str(KKNI))]


def test_every_term_of_the_ontology_has_a_plain_name_with_its_value_kind() -> None:
    g = Graph()
    for path in ontology_files():
        g.parse(path)
    terms = {(v if isinstance(v, str) else v["@id"]): (k, v) for k, v in _context().items()}
    for prop in _kkni(g, OWL.ObjectProperty):
        name, definition = terms[f"kkni:{_local(prop)}"]
        assert name == _local(prop) and definition["@type"] in ("@id", "@vocab"), prop
    for prop in _kkni(g, OWL.DatatypeProperty):
        name, definition = terms[f"kkni:{_local(prop)}"]
        assert name == _local(prop), prop
        rng = g.value(prop, RDFS.range)
        if rng in (RDF.langString, RDF.PlainLiteral):
            assert definition["@container"] == "@language", prop
        elif rng is not None and rng != XSD.string:
            assert definition["@type"] == f"xsd:{_local(rng)}", prop
    for cls in _kkni(g, OWL.Class):
        assert terms[f"kkni:{_local(cls)}"][0] == _local(cls)


def test_a_context_with_version_1_1_is_refused_in_1_0_mode() -> None:
    # what the check above prevents: the processors' 1.0 mode bites
    doc = {"@context": {"@version": 1.1, "name": "http://schema.org/name"}, "name": "x"}
    with pytest.raises(jsonld.JsonLdError):
        _pyld_quads(json.dumps(doc).encode())


# --------------------------------------------------------------------------- the documents


def _plain(value: Any, context: dict[str, Any], where: str) -> None:
    """Every key of every node a term of the context (or @graph, @list), every language-tagged value in
    a language map, no ``@value`` object: JSON as a web developer expects it."""
    if isinstance(value, list):
        for v in value:
            _plain(v, context, where)
        return
    if not isinstance(value, dict):
        return
    for key, v in value.items():
        assert key in context or key in KEYWORDS, f"{where}: {key} is not a term of the context"
        assert key not in ("@value", "@language", "@type"), f"{where}: {value}"
        definition = context.get(key)
        if isinstance(definition, dict) and definition.get("@container") == "@language":
            assert isinstance(v, dict) and all(isinstance(x, str | list) for x in v.values()), f"{where}/{key}: {v}"
        else:
            _plain(v, context, f"{where}/{key}")


def test_the_export_reads_like_plain_json(data_doc: bytes) -> None:
    doc = json.loads(data_doc)
    context = _context()
    assert doc["@context"] == context, "the document carries the published context, version 1"
    _plain(doc["@graph"], context, "")
    act = next(n for g in doc["@graph"] for n in g["@graph"] if n["id"] == "https://w3id.org/kkni/act/kepmenaker-3-2021")
    assert act["type"] == ["Decree", "LegalAct"] and act["actNumber"] == 3 and act["actYear"] == 2021
    assert act["label"]["id"] == "Keputusan Menteri Ketenagakerjaan Nomor 3 Tahun 2021"
    assert act["dateEnacted"] == "2021-01-20" and act["revokes"] == "https://w3id.org/kkni/act/kepmenaker-233-2016"
    assert act["legalBasisList"][0] == "https://w3id.org/kkni/act/uu-13-2003"  # a list, in the decree's order


def test_the_export_keeps_each_named_graph(store: KkniStore, data_doc: bytes) -> None:
    doc = json.loads(data_doc)
    names = {g["id"] for g in doc["@graph"]}
    assert names == {str(q.graph_name).strip("<>") for q in store_quads(store, data_only=True)}
    assert "https://w3id.org/kkni/graph/crosswalks/eqf" in names and "https://w3id.org/kkni/graph/ontology" not in names
    assert all(set(g) == {"id", "@graph"} for g in doc["@graph"])


def test_the_export_reads_back_with_rdflib(store: KkniStore, data_doc: bytes) -> None:
    back = Dataset()
    back.parse(data=data_doc, format="json-ld")
    _assert_same_quads(_dataset(back.serialize(format="nquads")), _source(store_quads(store, data_only=True)))


@pytest.mark.parametrize("which", ["export", "download"])
def test_pyld_reads_back_the_same_quads(store: KkniStore, data_doc: bytes, dump_doc: bytes, which: str) -> None:
    doc, quads = (data_doc, store_quads(store, data_only=True)) if which == "export" else (dump_doc, store_quads(store, data_only=False))
    _assert_same_quads(_dataset(_pyld_quads(doc)), _source(quads))


@pytest.mark.parametrize("which", ["export", "download"])
def test_jsonld_js_reads_back_the_same_quads(
    store: KkniStore, data_doc: bytes, dump_doc: bytes, jsonld_js: Path, tmp_path: Path, which: str
) -> None:
    doc, quads = (data_doc, store_quads(store, data_only=True)) if which == "export" else (dump_doc, store_quads(store, data_only=False))
    done = _js_quads(jsonld_js, doc, tmp_path)
    assert done.returncode == 0, done.stderr
    _assert_same_quads(_dataset(done.stdout), _source(quads))


def test_jsonld_js_refuses_a_1_1_context_in_1_0_mode(jsonld_js: Path, tmp_path: Path) -> None:
    doc = {"@context": {"@version": 1.1, "name": "http://schema.org/name"}, "name": "x"}
    done = _js_quads(jsonld_js, json.dumps(doc).encode(), tmp_path)
    assert done.returncode == 1 and "ProcessingModeConflict" in done.stderr, done.stderr


def test_the_download_keeps_the_named_graphs_and_the_plain_terms(store: KkniStore, dump_doc: bytes) -> None:
    doc = json.loads(dump_doc)
    assert {g["id"] for g in doc["@graph"]} == set(store.graphs())
    assert doc["@context"] == _context()


def test_typed_values_become_json_numbers_and_booleans() -> None:
    quads = [
        ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode(str(KKNI[p])), ox.Literal(v, datatype=ox.NamedNode(str(XSD[t]))), None)
        for p, v, t in (("position", "7", "integer"), ("ordinal", "-12", "integer"), ("noPrerequisite", "true", "boolean"))
    ]
    doc = json.loads(serialize_jsonld(quads, _context()))
    node = doc if "id" in doc else doc["@graph"][0]
    assert (node["position"], node["ordinal"], node["noPrerequisite"]) == (7, -12, True)
    _assert_same_quads(_dataset(_pyld_quads(json.dumps(doc).encode())), _source(quads))


def test_the_endpoint_serves_the_context_at_its_stable_path() -> None:
    with TestClient(create_app(EndpointConfig(workers=1))) as client:
        r = client.get("/context/v1.jsonld", headers={"Origin": "https://example.org"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
        assert r.content == export.context_file().read_bytes()
        assert r.headers["access-control-allow-origin"] == "*"  # browsers' JSON-LD processors fetch it cross-origin
        assert export.CONTEXT_IRI.endswith("/context/v1.jsonld")
        # a document that points at the served context, as a web developer writes one, reads the same as the inline one
        remote = {"@context": "http://testserver/context/v1.jsonld", "id": "https://w3id.org/kkni/level/5", "levelNumber": 5}

        def loader(url: str, options: object = None) -> dict[str, Any]:
            return {"contextUrl": None, "documentUrl": url, "document": client.get(url).json()}

        quads = jsonld.to_rdf(remote, {"format": "application/n-quads", "documentLoader": loader})
        assert (
            quads
            == '<https://w3id.org/kkni/level/5> <https://w3id.org/kkni/ontology#levelNumber> "5"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
        )
