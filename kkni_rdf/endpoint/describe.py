"""What the endpoint says about itself: the SPARQL Service Description, VoID, and the downloads."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from kkni_rdf import __version__
from kkni_rdf.export.jsonld import load_context, serialize_jsonld
from kkni_rdf.formats import GRAPH_FORMATS, RESULT_FORMATS, content_type, rdf_format
from kkni_rdf.namespaces import DCAT, DCTERMS, ENTAILMENT, KKNI, RDF, RDFS, SD, VOID, XSD
from kkni_rdf.store.embedded import default_prefixes
from kkni_rdf.store.protocol import QueryableStore, select
from kkni_rdf.store.remote import RemoteStore

TITLE_EN = "KKNI qualifications (Kepmenaker 3/2021) as linked data"
TITLE_ID = "Kualifikasi KKNI (Kepmenaker 3/2021) sebagai data tertaut"
#: The data's licence (README: the ontology, the graph's structure, the translations and the shapes).
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

#: The whole graph at stable URLs: file name → format key. The triple formats merge the named graphs;
#: N-Quads, TriG and JSON-LD (compacted with the published context, kkni_rdf.export.jsonld) keep them.
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


#: Each curated graph's title and description (English, Indonesian), by its name (the IRI after ``/graph/``).
_GRAPH_TEXTS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "ontology": (
        ("The KKNI ontology", "Ontologi KKNI"),
        (
            "The kkni-rdf project's ontology (OWL): the vocabulary the decree's graph is written in.",
            "Ontologi proyek kkni-rdf (OWL): kosakata yang dipakai graf keputusan.",
        ),
    ),
    "shapes": (
        ("The SHACL shapes", "Bentuk SHACL"),
        (
            "The kkni-rdf project's SHACL shapes: the rules the decree's graph is checked against (not part of the decree).",
            "Bentuk SHACL proyek kkni-rdf: aturan untuk memeriksa graf keputusan (bukan bagian keputusan).",
        ),
    ),
    "alignments/isco": (
        ("Job titles aligned with ISCO-08", "Jabatan yang diselaraskan dengan ISCO-08"),
        (
            "The decree's job titles mapped to ISCO-08 unit groups: proposed by the kkni-rdf project, not part of the decree.",
            "Jabatan dalam keputusan dipetakan ke kelompok unit ISCO-08: diusulkan proyek kkni-rdf, bukan bagian keputusan.",
        ),
    ),
    "alignments/isic": (
        ("KBLI aligned with ISIC Rev. 4", "KBLI yang diselaraskan dengan ISIC Rev. 4"),
        (
            "The units' KBLI sections and divisions mapped to ISIC Rev. 4: proposed by the kkni-rdf project, not part of the decree.",
            "Kategori dan golongan pokok KBLI unit dipetakan ke ISIC Rev. 4: diusulkan proyek kkni-rdf, bukan bagian keputusan.",
        ),
    ),
    "alignments/standards": (
        ("The competency standards (SKKNI)", "Standar kompetensi (SKKNI)"),
        (
            "The competency standards (SKKNI) the decree's units belong to, as far as the sources say: curated by the kkni-rdf project.",
            "Standar kompetensi (SKKNI) asal unit-unit keputusan, sejauh yang dinyatakan sumber: dikurasi proyek kkni-rdf.",
        ),
    ),
    "crosswalks/aqrf": (
        ("KKNI levels to AQRF levels", "Jenjang KKNI ke jenjang AQRF"),
        (
            "KKNI levels mapped to AQRF levels: proposed by the kkni-rdf project, not the official referencing.",
            "Jenjang KKNI dipetakan ke jenjang AQRF: diusulkan proyek kkni-rdf, bukan penyetaraan resmi.",
        ),
    ),
    "crosswalks/eqf": (
        ("KKNI levels to EQF levels", "Jenjang KKNI ke jenjang EQF"),
        (
            "KKNI levels mapped to EQF levels: proposed by the kkni-rdf project (Indonesia has no official EQF referencing).",
            "Jenjang KKNI dipetakan ke jenjang EQF: diusulkan proyek kkni-rdf (Indonesia tidak memiliki penyetaraan resmi ke EQF).",
        ),
    ),
    "crosswalks/aqf": (
        ("KKNI levels to AQF levels", "Jenjang KKNI ke jenjang AQF"),
        (
            "KKNI levels mapped to the levels of Australia's AQF: proposed by the kkni-rdf project, not an official referencing.",
            "Jenjang KKNI dipetakan ke jenjang AQF Australia: diusulkan proyek kkni-rdf, bukan penyetaraan resmi.",
        ),
    ),
}


def decree_name(slug: str) -> str:
    """``kepmenaker-3-2021`` → ``Kepmenaker 3/2021`` (a slug of another form is returned as it is)."""
    m = re.fullmatch(r"([a-z]+)-(\d+)-(\d{4})", slug)
    return f"{m.group(1).capitalize()} {m.group(2)}/{m.group(3)}" if m else slug


@dataclass(frozen=True)
class GraphInfo:
    iri: str
    triples: int

    @property
    def name(self) -> str:
        return self.iri.rsplit("/graph/", 1)[-1]

    def texts(self) -> tuple[tuple[str, str], tuple[str, str]]:
        """((title en, title id), (description en, description id)): what the graph is, and whose it is."""
        name = self.name
        if name in _GRAPH_TEXTS:
            return _GRAPH_TEXTS[name]
        kind, _, rest = name.partition("/")
        if kind == "findings":
            decree = decree_name(rest)
            return (
                (f"Findings on {decree}", f"Temuan pada {decree}"),
                (
                    f"The kkni-rdf project's validation report (the findings of its SHACL shapes) on the decree {decree}: "
                    "where the printed decree is inconsistent.",
                    f"Laporan validasi proyek kkni-rdf (temuan bentuk SHACL-nya) atas keputusan {decree}: "
                    "di mana keputusan yang tercetak tidak konsisten.",
                ),
            )
        if kind in ("crosswalks", "alignments"):
            return (
                (rest.upper(), rest.upper()),
                (
                    f"Mappings to {rest.upper()}: proposed by the kkni-rdf project, not part of the decree.",
                    f"Pemetaan ke {rest.upper()}: diusulkan proyek kkni-rdf, bukan bagian keputusan.",
                ),
            )
        decree = decree_name(name)
        return (
            (decree, decree),
            (
                f"The decree {decree}: its printed text as RDF, with the kkni-rdf project's unofficial English labels.",
                f"Keputusan {decree}: teks tercetaknya sebagai RDF, dengan label bahasa Inggris tidak resmi dari proyek kkni-rdf.",
            ),
        )

    @property
    def description(self) -> str:
        return self.texts()[1][0]

    @property
    def description_id(self) -> str:
        """The description in Indonesian (the pages show one language at a time)."""
        return self.texts()[1][1]


def graph_infos(store: QueryableStore) -> list[GraphInfo]:
    rows = select(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    return [GraphInfo(r["g"].value, int(r["n"].value)) for r in rows]


def default_graph_triples(store: QueryableStore) -> int:
    """The triples of the default graph, as a query counts them: the named graphs merged (each triple
    once) and the triples derived from them (``store.derived``), so not the sum of the graphs' counts."""
    rows = list(select(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    return int(rows[0]["n"].value)


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _lit(text: str, lang: str | None = None) -> ox.Literal:
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_n(XSD.integer))


def service_description(graphs: list[GraphInfo], endpoint: str, limits_note: str, default_triples: int | None = None) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``. ``default_triples``: the
    default graph's size as a query counts it (``default_graph_triples``); None: the graphs' sum."""
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
        ox.Triple(default, _n(DCTERMS.description), _lit("The union of the named graphs and the triples derived from them.", "en")),
        ox.Triple(default, _n(VOID.triples), _int(sum(g.triples for g in graphs) if default_triples is None else default_triples)),
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


def dataset_iri(base: str) -> str:
    """The whole dataset's stable IRI (under the data base, never the request's host)."""
    return f"{base}dataset"


def catalog_iri(base: str) -> str:
    """The DCAT catalogue's stable IRI; the endpoint serves it at ``/catalog``."""
    return f"{base}catalog"


def void_description(
    graphs: list[GraphInfo], site: str, base: str, example: str | None, default_triples: int | None = None
) -> list[ox.Triple]:
    """The VoID description of the dataset served at ``site`` (which ends with ``/``). The dataset's
    ``void:triples`` is ``default_triples`` (what ``COUNT(*)`` over the default graph gives), else the graphs' sum."""
    ds = _n(dataset_iri(base))
    a = _n(RDF.type)
    t = [
        ox.Triple(ds, a, _n(VOID.Dataset)),
        ox.Triple(ds, _n(DCTERMS.title), _lit(TITLE_EN, "en")),
        ox.Triple(ds, _n(DCTERMS.title), _lit(TITLE_ID, "id")),
        ox.Triple(ds, _n(VOID.sparqlEndpoint), _n(f"{site}sparql")),
        ox.Triple(ds, _n(VOID.uriSpace), _lit(base)),
        ox.Triple(ds, _n(VOID.vocabulary), _n(str(KKNI))),
        ox.Triple(ds, _n(VOID.triples), _int(sum(g.triples for g in graphs) if default_triples is None else default_triples)),
        ox.Triple(ds, _n(DCAT.version), _lit(__version__)),
        ox.Triple(ds, _n(DCTERMS.license), _n(LICENSE)),
        ox.Triple(ds, _n(RDFS.seeAlso), _n(catalog_iri(base))),
        ox.Triple(_n(catalog_iri(base)), _n(DCAT.dataset), ds),
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
        (title_en, title_id), (_, description_id) = g.texts()
        t += [
            ox.Triple(sub, _n(DCTERMS.title), _lit(title_en, "en")),
            ox.Triple(sub, _n(DCTERMS.title), _lit(title_id, "id")),
            ox.Triple(sub, _n(DCTERMS.description), _lit(description_id, "id")),
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


def build_download(store: QueryableStore, name: str, quads: list[ox.Quad] | None = None) -> tuple[str, bytes]:
    """The download ``name`` (a key of ``DOWNLOADS``): its media type and bytes, from ``quads`` (default: ``all_quads(store)``)."""
    quads = all_quads(store) if quads is None else quads
    key = DOWNLOADS[name]
    fmt = rdf_format(key)
    if key == "jsonld":
        body = serialize_jsonld(quads, load_context()["@context"])
    else:
        data = quads if key in _QUAD_FORMATS else list(dict.fromkeys(q.triple for q in quads))
        body = ox.serialize(data, format=fmt, prefixes=default_prefixes(store.base)) or b""
    return content_type(fmt.media_type), body


def build_downloads(store: QueryableStore) -> dict[str, tuple[str, bytes]]:
    """Every download (the store read once)."""
    quads = all_quads(store)
    return {name: build_download(store, name, quads) for name in DOWNLOADS}
