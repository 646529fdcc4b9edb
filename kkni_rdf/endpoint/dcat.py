"""The DCAT-AP 3 catalogue of the dataset, for data portals that harvest DCAT-AP (data.europa.eu, CKAN).

``dcat:Catalog`` (``{base}catalog``) → the whole dataset (``{base}dataset``, the IRI VoID gives it
too) and one ``dcat:Dataset`` per named graph (the graph's IRI), each with titles and descriptions
in Indonesian and English, publisher, contact point, keywords, theme, spatial coverage, licence,
dates and version → one ``dcat:Distribution`` per download (``/download/…``: format and media type
as the EU's and IANA's IRIs, licence, byte size, SHA-256 checksum of the bytes the endpoint serves)
→ the SPARQL endpoint as a ``dcat:DataService``. Every IRI is under the data base (the w3id
IRIs), never the request's host. The controlled-vocabulary terms it refers to (EU data themes,
countries, languages, file types, licences) are typed and labelled in the catalogue, as a
harvester checking DCAT-AP's class ranges expects. Served at ``/catalog`` (Turtle, JSON-LD, …).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from kkni_rdf import __version__
from kkni_rdf.endpoint.describe import LICENSE, TITLE_EN, TITLE_ID, GraphInfo, catalog_iri, dataset_iri
from kkni_rdf.namespaces import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, SPDX, VCARD, XSD
from kkni_rdf.store.protocol import QueryableStore, select

#: The date of this edition of the data (version ``__version__``): the datasets' issued and modified
#: dates, and the end of their temporal coverage (which starts when the decree came into force:
#: the data states the decree as it stood from then to this edition).
EDITION_DATE = "2026-12-06"

EU = "http://publications.europa.eu/resource/authority/"
#: The EU data theme (Education, culture and sport), the country (Indonesia), the languages.
THEME = (f"{EU}data-theme/EDUC", "Education, culture and sport")
THEME_SCHEME = (f"{EU}data-theme", "Data theme")
COUNTRY = (f"{EU}country/IDN", "Indonesia")
LANGUAGES = ((f"{EU}language/IND", "Indonesian"), (f"{EU}language/ENG", "English"))
#: The licence (CC BY 4.0) as the EU's licence authority names it; ``LICENSE`` is the same licence's deed.
EU_LICENSE = f"{EU}licence/CC_BY_4_0"
#: Each download's format: the EU file type and the IANA media type.
FILE_TYPES = {
    "text/turtle": "RDF_TURTLE",
    "application/n-triples": "RDF_N_TRIPLES",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
    "application/n-quads": "RDF_N_QUADS",
    "application/trig": "RDF_TRIG",
}
IANA = "https://www.iana.org/assignments/media-types/"
DCATAP = "http://data.europa.eu/r5r/"
GEO_WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"
#: Indonesia's extent (WGS 84, longitude latitude: Sabang 94.97 E to Merauke 141.02 E, Miangas
#: 6.08 N to Rote 11.01 S) and the centre of that box, for the catalogue's spatial coverage.
INDONESIA_BBOX = "POLYGON((94.97 6.08, 141.02 6.08, 141.02 -11.01, 94.97 -11.01, 94.97 6.08))"
INDONESIA_CENTROID = "POINT(118.0 -2.47)"
AVAILABILITY = (f"{EU}planned-availability/STABLE", "stable")
LICENCE_TYPE = ("http://purl.org/adms/licencetype/Attribution", "Attribution")
PUBLISHER_TYPE = ("http://purl.org/adms/publishertype/NonProfitOrganisation", "Non-Profit Organisation")
SHA256 = str(SPDX.checksumAlgorithm_sha256)
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
KEYWORDS = {
    "id": ("KKNI", "kualifikasi", "pelatihan kerja", "sertifikasi", "kompetensi kerja"),
    "en": ("KKNI", "qualifications framework", "vocational training", "certification", "competency standards"),
}
PUBLISHER_NAME = "kkni-rdf"

#: The prefixes of the catalogue's serialisations.
PREFIXES = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "spdx": str(SPDX),
    "vcard": str(VCARD),
    "xsd": str(XSD),
}


class _Triples:
    def __init__(self) -> None:
        self.out: list[ox.Triple] = []

    def add(self, s: str, p: str, o: ox.NamedNode | ox.Literal | str) -> None:
        self.out.append(ox.Triple(ox.NamedNode(s), ox.NamedNode(str(p)), ox.NamedNode(o) if isinstance(o, str) else o))

    def text(self, s: str, p: str, en: str, id_: str) -> None:
        self.add(s, p, ox.Literal(en, language="en"))
        self.add(s, p, ox.Literal(id_, language="id"))

    def typed(self, s: str, p: str, value: str, datatype: str) -> None:
        self.add(s, p, ox.Literal(value, datatype=ox.NamedNode(str(datatype))))

    def concept(self, iri: str, label: str, *types: str) -> None:
        for t in types:
            self.add(iri, RDF.type, t)
        self.add(iri, SKOS.prefLabel, ox.Literal(label, language="en"))


def _vocabularies(t: _Triples, base: str) -> None:
    """The agents and the controlled-vocabulary terms the catalogue refers to, typed as DCAT-AP's ranges want."""
    publisher, contact = f"{base}project", f"{base}project#contact"  # the project as the ontology names it (creator, publisher)
    t.add(publisher, RDF.type, FOAF.Agent)
    t.add(publisher, FOAF.name, ox.Literal(PUBLISHER_NAME))
    t.add(publisher, DCTERMS.type, PUBLISHER_TYPE[0])
    t.concept(PUBLISHER_TYPE[0], PUBLISHER_TYPE[1], SKOS.Concept)
    t.add(contact, RDF.type, VCARD.Kind)
    t.add(contact, VCARD.fn, ox.Literal(PUBLISHER_NAME))
    t.add(contact, VCARD.hasURL, base)
    t.concept(THEME[0], THEME[1], SKOS.Concept)
    t.add(THEME[0], SKOS.inScheme, THEME_SCHEME[0])
    t.add(THEME_SCHEME[0], RDF.type, SKOS.ConceptScheme)
    t.add(THEME_SCHEME[0], DCTERMS.title, ox.Literal(THEME_SCHEME[1], language="en"))
    t.concept(COUNTRY[0], COUNTRY[1], DCTERMS.Location, SKOS.Concept)
    t.typed(COUNTRY[0], DCAT.bbox, INDONESIA_BBOX, GEO_WKT)
    t.typed(COUNTRY[0], DCAT.centroid, INDONESIA_CENTROID, GEO_WKT)
    for iri, label in LANGUAGES:
        t.concept(iri, label, DCTERMS.LinguisticSystem, SKOS.Concept)
    t.add(EU_LICENSE, RDF.type, DCTERMS.LicenseDocument)
    t.add(EU_LICENSE, DCTERMS.type, LICENCE_TYPE[0])
    t.concept(LICENCE_TYPE[0], LICENCE_TYPE[1], SKOS.Concept)
    t.add(EU_LICENSE, FOAF.page, LICENSE)
    t.add(LICENSE, RDF.type, FOAF.Document)
    t.concept(AVAILABILITY[0], AVAILABILITY[1], SKOS.Concept)
    t.add(SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm)
    t.add(SPARQL_PROTOCOL, RDF.type, DCTERMS.Standard)


def _common(t: _Triples, s: str, base: str) -> None:
    """What the datasets and the data service share: publisher, contact point, keywords, theme, licence."""
    t.add(s, DCTERMS.publisher, f"{base}project")
    t.add(s, DCAT.contactPoint, f"{base}project#contact")
    for lang, words in KEYWORDS.items():
        for word in words:
            t.add(s, DCAT.keyword, ox.Literal(word, language=lang))
    t.add(s, DCAT.theme, THEME[0])
    t.add(s, DCTERMS.license, EU_LICENSE)


def _describe(t: _Triples, s: str, base: str, texts: tuple[tuple[str, str], tuple[str, str]], in_force: str | None) -> None:
    """What every dataset of the catalogue says: titles, descriptions, publisher, contact, keywords, theme,
    spatial and temporal coverage, language, licence, dates, version."""
    t.add(s, RDF.type, DCAT.Dataset)
    t.text(s, DCTERMS.title, *texts[0])
    t.text(s, DCTERMS.description, *texts[1])
    _common(t, s, base)
    t.add(s, DCTERMS.spatial, COUNTRY[0])
    if in_force is not None:
        period = f"{dataset_iri(base)}#in-force"
        t.add(s, DCTERMS.temporal, period)
        t.add(period, RDF.type, DCTERMS.PeriodOfTime)
        t.typed(period, DCAT.startDate, in_force, XSD.date)
        t.typed(period, DCAT.endDate, EDITION_DATE, XSD.date)
    for iri, _ in LANGUAGES:
        t.add(s, DCTERMS.language, iri)
    t.typed(s, DCTERMS.issued, EDITION_DATE, XSD.date)
    t.typed(s, DCTERMS.modified, EDITION_DATE, XSD.date)
    t.add(s, DCAT.version, ox.Literal(__version__))


@dataclass(frozen=True)
class Served:
    """A file the endpoint serves: its name, where (under the base), its media type and its bytes."""

    name: str
    path: str
    media_type: str
    body: bytes
    description: tuple[str, str]  # (en, id)


def _distribution(t: _Triples, base: str, served: Served) -> str:
    d, url = f"{base}dataset/distribution/{served.path}", f"{base}{served.path}"
    media, body = served.media_type.split(";", 1)[0].strip(), served.body
    file_type, iana = f"{EU}file-type/{FILE_TYPES[media]}", f"{IANA}{media}"
    checksum = f"{d}#sha256"
    t.add(d, RDF.type, DCAT.Distribution)
    t.text(d, DCTERMS.title, served.name, served.name)
    t.text(d, DCTERMS.description, *served.description)
    t.add(d, DCAT.accessURL, url)
    t.add(d, DCAT.downloadURL, url)
    t.add(d, f"{DCATAP}availability", AVAILABILITY[0])
    t.add(d, DCTERMS.format, file_type)
    t.add(file_type, RDF.type, DCTERMS.MediaTypeOrExtent)
    t.add(d, DCAT.mediaType, iana)
    t.add(iana, RDF.type, DCTERMS.MediaType)
    t.add(d, DCTERMS.license, EU_LICENSE)
    t.typed(d, DCAT.byteSize, str(len(body)), XSD.nonNegativeInteger)
    t.add(d, SPDX.checksum, checksum)
    t.add(checksum, RDF.type, SPDX.Checksum)
    t.add(checksum, SPDX.algorithm, SHA256)
    t.typed(checksum, SPDX.checksumValue, hashlib.sha256(body).hexdigest(), XSD.hexBinary)
    return d


def in_force_since(store: QueryableStore) -> str | None:
    """The earliest date a served decree came into force (``kkni:dateInForce``): the start of the data's temporal coverage."""
    rows = list(select(store, "SELECT (MIN(STR(?d)) AS ?start) WHERE { ?decree kkni:dateInForce ?d }"))
    start = rows[0]["start"] if rows else None
    return start.value if isinstance(start, ox.Literal) else None


def catalog_triples(
    graphs: list[GraphInfo],
    downloads: list[Served],
    graph_files: Mapping[str, Served],
    base: str,
    in_force: str | None,
) -> list[ox.Triple]:
    """The DCAT-AP catalogue of the dataset under ``base``: the whole dataset with the downloads,
    a dataset per graph with its served Turtle (``graph_files``, by graph IRI), the endpoint."""
    t = _Triples()
    cat, whole, service = catalog_iri(base), dataset_iri(base), f"{base}sparql"
    _vocabularies(t, base)
    t.add(cat, RDF.type, DCAT.Catalog)
    t.text(cat, DCTERMS.title, f"Catalogue: {TITLE_EN}", f"Katalog: {TITLE_ID}")
    t.text(
        cat,
        DCTERMS.description,
        "The datasets of the KKNI linked-data edition (Kepmenaker 3/2021), their downloads and the SPARQL endpoint.",
        "Dataset edisi data tertaut KKNI (Kepmenaker 3/2021), unduhannya, dan titik akhir SPARQL.",
    )
    t.add(cat, DCTERMS.publisher, f"{base}project")
    t.add(cat, FOAF.homepage, base)
    t.add(base, RDF.type, FOAF.Document)
    t.add(cat, DCTERMS.license, EU_LICENSE)
    t.add(cat, DCTERMS.spatial, COUNTRY[0])
    t.add(cat, DCAT.themeTaxonomy, THEME_SCHEME[0])
    for iri, _ in LANGUAGES:
        t.add(cat, DCTERMS.language, iri)
    t.typed(cat, DCTERMS.issued, EDITION_DATE, XSD.date)
    t.typed(cat, DCTERMS.modified, EDITION_DATE, XSD.date)
    t.add(cat, DCAT.service, service)

    _describe(
        t,
        whole,
        base,
        (
            (TITLE_EN, TITLE_ID),
            (
                "The KKNI qualifications of Kepmenaker 3/2021 as linked data: the decree as printed, the ontology, the shapes, "
                "the validation findings, curated alignments and crosswalks.",
                "Kualifikasi KKNI dari Kepmenaker 3/2021 sebagai data tertaut: keputusan sebagaimana tercetak, ontologi, "
                "bentuk SHACL, temuan validasi, serta penyelarasan dan padanan yang dikurasi.",
            ),
        ),
        in_force,
    )
    t.add(cat, DCAT.dataset, whole)
    for served in downloads:
        t.add(whole, DCAT.distribution, _distribution(t, base, served))
    for g in graphs:
        _describe(t, g.iri, base, g.texts(), in_force)
        if g.iri in graph_files:
            t.add(g.iri, DCAT.distribution, _distribution(t, base, graph_files[g.iri]))
        t.add(cat, DCAT.dataset, g.iri)
        t.add(whole, DCTERMS.hasPart, g.iri)
        t.add(g.iri, DCTERMS.isPartOf, whole)

    t.add(service, RDF.type, DCAT.DataService)
    t.text(service, DCTERMS.title, f"SPARQL endpoint: {TITLE_EN}", f"Titik akhir SPARQL: {TITLE_ID}")
    t.text(
        service,
        DCTERMS.description,
        "A read-only SPARQL 1.1 endpoint over the dataset; its service description is at the same URL.",
        "Titik akhir SPARQL 1.1 hanya-baca atas dataset; deskripsi layanannya ada di URL yang sama.",
    )
    t.add(service, DCAT.endpointURL, service)
    t.add(service, DCAT.endpointDescription, service)
    t.add(service, RDF.type, RDFS.Resource)
    t.add(service, DCTERMS.conformsTo, SPARQL_PROTOCOL)
    _common(t, service, base)
    t.add(service, DCAT.servesDataset, whole)
    for g in graphs:
        t.add(service, DCAT.servesDataset, g.iri)
    return t.out


__all__ = ["EDITION_DATE", "PREFIXES", "Served", "catalog_triples", "in_force_since"]
