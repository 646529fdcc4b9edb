"""Every namespace and prefix binding the project uses, in one place.

The ontology's own terms live under a fixed namespace (``KKNI``); the shapes
have theirs (``KSH``), apart from the ontology. Data IRIs are minted under a
configurable base (``DEFAULT_BASE`` unless told otherwise); see ``kkni_rdf.iris``.
"""

from __future__ import annotations

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

# Vocabularies the ontology aligns with (never imported).
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ESCO = Namespace("http://data.europa.eu/esco/model#")
ELM = Namespace("http://data.europa.eu/snb/model/elm/")
CTDL = Namespace("https://purl.org/ctdl/terms/")
SCHEMA = Namespace("https://schema.org/")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
PROV = Namespace("http://www.w3.org/ns/prov#")
VANN = Namespace("http://purl.org/vocab/vann/")
#: W3C entailment regimes (the service description names the one the endpoint uses).
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")

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


def bind_prefixes(graph: Graph, base: str = DEFAULT_BASE) -> Graph:
    """Bind the project's prefixes on ``graph`` (replacing rdflib's defaults)."""
    for prefix, iri in {**PREFIXES, **data_prefixes(base)}.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


def sparql_prologue(base: str = DEFAULT_BASE) -> str:
    """``PREFIX`` lines for every project prefix, for queries built in code."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in {**PREFIXES, **data_prefixes(base)}.items())


# rdflib's own namespaces (RDF, RDFS, …) are exported from here too, so that every module takes its namespaces from this one.
__all__ = [
    "CTDL",
    "DCTERMS",
    "DEFAULT_BASE",
    "ELI",
    "ELM",
    "ENTAILMENT",
    "ESCO",
    "KKNI",
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
    "VANN",
    "VOID",
    "XSD",
    "bind_prefixes",
    "data_prefixes",
    "sparql_prologue",
]
