"""Every namespace and prefix binding the project uses, in one place.

The ontology's own terms live under a fixed namespace (``KKNI``); the shapes
have theirs (``KSH``), apart from the ontology. Data IRIs are minted under a
configurable base (``DEFAULT_BASE`` unless told otherwise); see ``kkni_rdf.iris``.

The standard vocabularies (``RDF``, ``RDFS``, ``OWL``, ``XSD``, ``SKOS``, ``DCTERMS``, ``SH``) are
rdflib's, imported from here like the rest. Prefixes reach three places, each through one
function: an rdflib ``Graph`` (``bind_prefixes``), a query (``sparql_prologue``, or the store's
``prefixes=`` option with ``default_prefixes``) and a written Turtle file (``select_prefixes``,
for ``graph.turtle.sorted_turtle``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD

DEFAULT_BASE = "https://w3id.org/kkni/"

#: The ontology's terms (classes and properties). Fixed: never rebased.
KKNI = Namespace("https://w3id.org/kkni/ontology#")
#: The ontology document itself.
KKNI_ONTOLOGY = "https://w3id.org/kkni/ontology"
#: SHACL shapes and rule ids, apart from the ontology's terms.
KSH = Namespace("https://w3id.org/kkni/shapes#")
KKNI_SHAPES = "https://w3id.org/kkni/shapes"
#: The published JSON-LD context, version 1 (``data/context/kkni-v1.jsonld``).
KKNI_CONTEXT = "https://w3id.org/kkni/context/v1.jsonld"

# Vocabularies the ontology aligns with (never imported).
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ESCO = Namespace("http://data.europa.eu/esco/model#")
ELM = Namespace("http://data.europa.eu/snb/model/elm/")
CTDL = Namespace("https://purl.org/ctdl/terms/")
SCHEMA = Namespace("https://schema.org/")
VOID = Namespace("http://rdfs.org/ns/void#")
#: DCAT 3 and SPDX (checksums), as the DCAT-AP catalogue (``endpoint/dcat.py``) writes them.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
PROV = Namespace("http://www.w3.org/ns/prov#")
VANN = Namespace("http://purl.org/vocab/vann/")
#: W3C's entailment regimes (``ENTAILMENT.Simple``) and format registry (``W3C_FORMATS.Turtle``),
#: as the Service Description names them.
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")
#: The licence of the graph's structure and our translations.
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


# Vocabularies the exports write (kkni_rdf.export): the European Learning Model's
# application profiles and Credential Engine's CTDL and CTDL-ASN.
ADMS = Namespace("http://www.w3.org/ns/adms#")
ROV = Namespace("http://www.w3.org/ns/regorg#")
CEASN = Namespace("https://purl.org/ctdlasn/terms/")
ASN = Namespace("http://purl.org/ASN/schema/core/")

# EU controlled vocabularies the European Learning Model expects (the concept, then its scheme).
EU_EQF = Namespace("http://data.europa.eu/snb/eqf/")
EU_EQF_SCHEME = EU_EQF["25831c2"]
EU_ISCEDF = Namespace("http://data.europa.eu/snb/isced-f/")
EU_ISCEDF_SCHEME = EU_ISCEDF["25831c2"]
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
EU_LANGUAGE_SCHEME = URIRef("http://publications.europa.eu/resource/authority/language")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
EU_COUNTRY_SCHEME = URIRef("http://publications.europa.eu/resource/authority/country")

#: Prefix bindings for every serialisation and every query the project writes.
PREFIXES: dict[str, str] = {
    "kkni": str(KKNI),
    "ksh": str(KSH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "sh": str(SH),
    "eli": str(ELI),
    "esco": str(ESCO),
    "elm": str(ELM),
    "ceterms": str(CTDL),
    "schema": str(SCHEMA),
    "void": str(VOID),
    "sd": str(SD),
    "prov": str(PROV),
    "vann": str(VANN),
}


def data_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefixes for the data IRIs minted under ``base`` (see ``kkni_rdf.iris``)."""
    return {
        "act": f"{base}act/",
        "qual": f"{base}qualification/",
        "unit": f"{base}unit/",
        "group": f"{base}group/",
        "level": f"{base}level/",
    }


def default_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Every prefix of the project: ``PREFIXES`` and the data prefixes under ``base``.

    A query to the project's stores may use any of them without declaring it.
    """
    return {**PREFIXES, **data_prefixes(base)}


def select_prefixes(names: Iterable[str], base: str = DEFAULT_BASE) -> dict[str, str]:
    """The named ones of ``default_prefixes(base)`` (``KeyError`` for a name the project does not bind)."""
    every = default_prefixes(base)
    return {name: every[name] for name in names}


def bind_prefixes(graph: Graph, base: str = DEFAULT_BASE) -> Graph:
    """Bind the project's prefixes on ``graph`` (replacing rdflib's defaults)."""
    for prefix, iri in default_prefixes(base).items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


def sparql_prologue(base: str = DEFAULT_BASE, prefixes: Mapping[str, str] | None = None) -> str:
    """``PREFIX`` lines, one per binding, in the order given: ``prefixes``, or every project prefix."""
    bindings = default_prefixes(base) if prefixes is None else prefixes
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in bindings.items())


__all__ = [
    "CC_BY",
    "CTDL",
    "DCAT",
    "DCTERMS",
    "DEFAULT_BASE",
    "ELI",
    "ELM",
    "ENTAILMENT",
    "ESCO",
    "FOAF",
    "KKNI",
    "KKNI_CONTEXT",
    "KKNI_ONTOLOGY",
    "KKNI_SHAPES",
    "KSH",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SD",
    "SH",
    "SKOS",
    "SPDX",
    "VANN",
    "VCARD",
    "VOID",
    "W3C_FORMATS",
    "XSD",
    "bind_prefixes",
    "data_prefixes",
    "default_prefixes",
    "select_prefixes",
    "sparql_prologue",
]
