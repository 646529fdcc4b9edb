"""What the endpoint says about itself: the SPARQL Service Description, VoID, and the downloads."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kkni_rdf import __version__
from kkni_rdf.formats import GRAPH_FORMATS, RESULT_FORMATS, content_type, rdf_format
from kkni_rdf.namespaces import DCTERMS, ENTAILMENT, KKNI, RDF, SD, VOID, XSD
from kkni_rdf.store.embedded import default_prefixes
from kkni_rdf.store.protocol import QueryableStore, select
from kkni_rdf.store.remote import RemoteStore

TITLE_EN = "KKNI qualifications (Kepmenaker 3/2021) as linked data"
TITLE_ID = "Kualifikasi KKNI (Kepmenaker 3/2021) sebagai data tertaut"
#: The data's licence (README: the ontology, the graph's structure, the translations and the shapes).
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

#: The whole graph at stable URLs: file name → format key. The triple formats merge the named graphs.
DOWNLOADS = {
    "kkni.ttl": "turtle",
    "kkni.nt": "ntriples",
    "kkni.jsonld": "jsonld",
    "kkni.rdf": "rdfxml",
    "kkni.nq": "nquads",
    "kkni.trig": "trig",
}
_QUAD_FORMATS = ("nquads", "trig")
#: Oxigraph 0.5 names JSON-LD by another IRI than the W3C's format registry (https://www.w3.org/ns/formats/).
_W3C_FORMAT_IRIS = {"https://www.w3.org/ns/formats/data/JSON-LD": "http://www.w3.org/ns/formats/JSON-LD"}


@dataclass(frozen=True)
class GraphInfo:
    iri: str
    triples: int

    @property
    def description(self) -> str:
        name = self.iri.rsplit("/graph/", 1)[-1]
        if name == "ontology":
            return "The KKNI ontology (OWL)."
        if name.startswith("findings/"):
            return (
                f"The validation report (SHACL findings) on the decree {name.split('/', 1)[1]}: where the printed decree is inconsistent."
            )
        return f"The decree {name} as printed, as RDF."


def graph_infos(store: QueryableStore) -> list[GraphInfo]:
    rows = select(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    return [GraphInfo(r["g"].value, int(r["n"].value)) for r in rows]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _lit(text: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_n(XSD.integer))


def service_description(graphs: list[GraphInfo], endpoint: str, limits_note: str) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``."""
    svc = _n(endpoint)
    a = _n(RDF.type)
    t: list[ox.Triple] = [
        ox.Triple(svc, a, _n(SD.Service)),
        ox.Triple(svc, _n(SD.endpoint), svc),
        ox.Triple(svc, _n(SD.supportedLanguage), _n(SD.SPARQL11Query)),
        ox.Triple(svc, _n(SD.feature), _n(SD.UnionDefaultGraph)),
        ox.Triple(svc, _n(SD.defaultEntailmentRegime), _n(ENTAILMENT.Simple)),
        ox.Triple(svc, _n(DCTERMS.title), _lit(TITLE_EN, "en")),
        ox.Triple(svc, _n(DCTERMS.title), _lit(TITLE_ID, "id")),
        ox.Triple(svc, _n(DCTERMS.description), _lit(limits_note, "en")),
    ]
    for rfmt in (f.ox for f in RESULT_FORMATS):
        t.append(ox.Triple(svc, _n(SD.resultFormat), _n(rfmt.iri)))
    for gfmt in (f.ox for f in GRAPH_FORMATS):
        t.append(ox.Triple(svc, _n(SD.resultFormat), _n(_W3C_FORMAT_IRIS.get(gfmt.iri, gfmt.iri))))
    dataset, default = ox.BlankNode(), ox.BlankNode()
    t += [
        ox.Triple(svc, _n(SD.defaultDataset), dataset),
        ox.Triple(dataset, a, _n(SD.Dataset)),
        ox.Triple(dataset, _n(SD.defaultGraph), default),
        ox.Triple(default, a, _n(SD.Graph)),
        ox.Triple(default, _n(DCTERMS.description), _lit("The union of the named graphs.", "en")),
        ox.Triple(default, _n(VOID.triples), _int(sum(g.triples for g in graphs))),
    ]
    for g in graphs:
        ng, gr = ox.BlankNode(), ox.BlankNode()
        t += [
            ox.Triple(dataset, _n(SD.namedGraph), ng),
            ox.Triple(ng, a, _n(SD.NamedGraph)),
            ox.Triple(ng, _n(SD.name), _n(g.iri)),
            ox.Triple(ng, _n(SD.graph), gr),
            ox.Triple(gr, a, _n(SD.Graph)),
            ox.Triple(gr, _n(VOID.triples), _int(g.triples)),
            ox.Triple(gr, _n(DCTERMS.description), _lit(g.description, "en")),
        ]
    return t


def void_description(graphs: list[GraphInfo], site: str, base: str, example: str | None) -> list[ox.Triple]:
    """The VoID description of the dataset served at ``site`` (which ends with ``/``)."""
    ds = _n(f"{site}.well-known/void#dataset")
    a = _n(RDF.type)
    t = [
        ox.Triple(ds, a, _n(VOID.Dataset)),
        ox.Triple(ds, _n(DCTERMS.title), _lit(TITLE_EN, "en")),
        ox.Triple(ds, _n(DCTERMS.title), _lit(TITLE_ID, "id")),
        ox.Triple(ds, _n(VOID.sparqlEndpoint), _n(f"{site}sparql")),
        ox.Triple(ds, _n(VOID.uriSpace), _lit(base)),
        ox.Triple(ds, _n(VOID.vocabulary), _n(str(KKNI))),
        ox.Triple(ds, _n(VOID.triples), _int(sum(g.triples for g in graphs))),
        ox.Triple(ds, _n(DCTERMS.hasVersion), _lit(__version__)),
        ox.Triple(ds, _n(DCTERMS.license), _n(LICENSE)),
    ]
    t += [ox.Triple(ds, _n(VOID.dataDump), _n(f"{site}download/{name}")) for name in DOWNLOADS]
    if example:
        t.append(ox.Triple(ds, _n(VOID.exampleResource), _n(example)))
    for g in graphs:
        sub = _n(g.iri)
        t += [
            ox.Triple(ds, _n(VOID.subset), sub),
            ox.Triple(sub, a, _n(VOID.Dataset)),
            ox.Triple(sub, _n(VOID.triples), _int(g.triples)),
            ox.Triple(sub, _n(DCTERMS.description), _lit(g.description, "en")),
        ]
    return t


def all_quads(store: QueryableStore) -> list[ox.Quad]:
    """Every quad of the named graphs: one query to the embedded store; from a remote store, graph by
    graph in pages (``RemoteStore.graph_quads``), never one unpaged query that a store may cut at its
    row limit (Virtuoso's stock ``ResultSetMaxRows``: 10,000)."""
    if isinstance(store, RemoteStore):
        return [q for info in graph_infos(store) for q in store.graph_quads(info.iri, info.triples)]
    rows = select(store, "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]


def build_downloads(store: QueryableStore) -> dict[str, tuple[str, bytes]]:
    """Every download, serialised once (the data never changes while the server runs)."""
    quads = all_quads(store)
    triples = list(dict.fromkeys(q.triple for q in quads))
    prefixes = default_prefixes(store.base)
    out = {}
    for name, key in DOWNLOADS.items():
        fmt = rdf_format(key)
        body = ox.serialize(quads if key in _QUAD_FORMATS else triples, format=fmt, prefixes=prefixes) or b""
        out[name] = (content_type(fmt.media_type), body)
    return out
