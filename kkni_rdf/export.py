"""Exports of the decree's graph for other tools and frameworks (``kkni export``).

Every export is a SPARQL CONSTRUCT or SELECT against the store, written by rdflib's own
serialisers (JSON-LD, Turtle) or by the ``csv`` module; nothing is serialised by hand.

- ``jsonld``: the decree's data as JSON-LD, compacted with the project's versioned context
  (``data/context/kkni-v1.jsonld``, published as ``CONTEXT_IRI``).
- ``ctdl``: CTDL-shaped JSON-LD: each qualification a ``ceterms:Certification`` whose
  packaging rule is two ``ceterms:ConditionProfile`` (core, elective) with the required number.
- ``elm``: European Learning Model-shaped qualification records (``elm:Qualification`` with
  the NQF (KKNI) level, the EQF level where an *official* mapping exists, and the units as parts).
- ``skos``: the units as a SKOS concept scheme, as ESCO publishes its skills (Turtle).
- ``csv``: tables for spreadsheets (qualifications, unit listings, prerequisites, job roles).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from kkni_rdf.iris import Iris
from kkni_rdf.namespaces import bind_prefixes, sparql_prologue
from kkni_rdf.resources import resource
from kkni_rdf.store.embedded import ONTOLOGY_GRAPH, SHAPES_GRAPH, KkniStore

CONTEXT_IRI = "https://w3id.org/kkni/context/v1.jsonld"
FORMATS = ("jsonld", "ctdl", "elm", "skos", "csv")
#: The CSV tables: file name -> the query in queries/ that makes it.
CSV_TABLES = {
    "qualifications.csv": "qualifications.rq",
    "unit-listings.csv": "unit-listings.rq",
    "prerequisites.csv": "prerequisites.rq",
    "job-roles.csv": "job-roles-by-level.rq",
}


def context_file() -> Path:
    """The published JSON-LD context, version 1 (served at ``CONTEXT_IRI``)."""
    return resource("data") / "context" / "kkni-v1.jsonld"


def load_context() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(context_file().read_text(encoding="utf-8"))
    return data


def _construct(store: KkniStore, query: str) -> Graph:
    """Run a CONSTRUCT on the store; the triples as an rdflib graph with the project's prefixes."""
    result = store.query(sparql_prologue(store.base) + query)
    assert isinstance(result, ox.QueryTriples)
    data = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b""
    graph = Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    return bind_prefixes(graph, store.base)


def _jsonld(graph: Graph, context: dict[str, Any]) -> bytes:
    text = graph.serialize(format="json-ld", context=context, auto_compact=True, indent=2, sort_keys=True)
    return text.encode("utf-8") + b"\n"


# --------------------------------------------------------------------------- the graphs


def data_graph(store: KkniStore) -> Graph:
    """Every served data graph (decrees, crosswalks, alignments), without the ontology, shapes and findings."""
    iris = Iris(store.base)
    return _construct(
        store,
        f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER (?g NOT IN (<{iris.graph(ONTOLOGY_GRAPH)}>, <{iris.graph(SHAPES_GRAPH)}>) && !STRSTARTS(STR(?g), "{iris.graph("findings/")}"))
}}""",
    )


CTDL_QUERY = """
CONSTRUCT {
  ?q a ceterms:Certification ;
     ceterms:name ?name ;
     ceterms:description ?description ;
     ceterms:codedNotation ?code ;
     ceterms:inLanguage "id" ;
     ceterms:requires ?coreProfile , ?electiveProfile .
  ?coreProfile a ceterms:ConditionProfile ;
     ceterms:name "Kompetensi inti"@id , "Core units"@en ;
     ceterms:description ?ruleText ;
     ceterms:requiredNumber ?nCore .
  ?electiveProfile a ceterms:ConditionProfile ;
     ceterms:name "Kompetensi pilihan"@id , "Elective units"@en ;
     ceterms:description ?ruleText ;
     ceterms:requiredNumber ?nElective .
  ?profile ceterms:targetCompetency ?listing .
  ?listing a ceterms:CredentialAlignmentObject ;
     ceterms:targetNode ?unit ;
     ceterms:targetNodeName ?title ;
     ceterms:codedNotation ?unitCode .
}
WHERE {
  ?q a kkni:Qualification ; rdfs:label ?name ; kkni:description ?description ;
     kkni:codificationCode ?code ; kkni:packagingRule ?rule .
  ?rule kkni:requiredCore ?nCore ; kkni:requiredElective ?nElective ; kkni:text ?ruleText .
  BIND (IRI(CONCAT(STR(?rule), "/core")) AS ?coreProfile)
  BIND (IRI(CONCAT(STR(?rule), "/elective")) AS ?electiveProfile)
  OPTIONAL {
    ?q kkni:hasListing ?listing .
    ?listing kkni:unit ?unit ; kkni:printedTitle ?title ; kkni:printedCode ?unitCode ; kkni:role ?role .
  }
  BIND (IF(?role = kkni:Core, ?coreProfile, ?electiveProfile) AS ?profile)
}
"""

ELM_QUERY = """
CONSTRUCT {
  ?q a elm:Qualification ;
     dcterms:title ?name ;
     dcterms:description ?description ;
     elm:nqfLevel ?level ;
     elm:eqfLevel ?eqf ;
     elm:hasPart ?unit .
  ?level a skos:Concept ; skos:prefLabel ?levelLabel ; skos:notation ?levelNotation ; skos:inScheme ?levelScheme .
  ?eqf a skos:Concept ; skos:prefLabel ?eqfLabel ; skos:notation ?eqfNotation ; skos:inScheme ?eqfScheme .
  ?unit a elm:LearningAchievementSpecification ; dcterms:title ?unitTitle ; skos:notation ?unitCode .
}
WHERE {
  ?q a kkni:Qualification ; rdfs:label ?name ; kkni:description ?description ; kkni:level ?level .
  ?level rdfs:label ?levelLabel ; skos:notation ?levelNotation ; skos:inScheme ?levelScheme .
  OPTIONAL {
    # only an official mapping gives an EQF level: a proposed one is never presented as official
    ?mapping a kkni:LevelMapping ; kkni:mappingSubject ?level ; kkni:mappingObject ?eqf ;
             kkni:mappingStatus kkni:Official .
    ?eqf skos:inScheme <http://data.europa.eu/snb/eqf/25831c2> ; skos:inScheme ?eqfScheme ;
         skos:notation ?eqfNotation ; skos:prefLabel ?eqfLabel .
  }
  OPTIONAL {
    ?q kkni:hasListing/kkni:unit ?unit .
    ?unit kkni:code ?unitCode .
    OPTIONAL { ?unit rdfs:label ?unitTitle }
  }
}
"""


def ctdl_graph(store: KkniStore) -> Graph:
    return _construct(store, CTDL_QUERY)


def elm_graph(store: KkniStore) -> Graph:
    return _construct(store, ELM_QUERY)


def skos_graph(store: KkniStore) -> Graph:
    """The units as a SKOS concept scheme: each standard a top concept, each unit (version) below it."""
    scheme = Iris(store.base).unit("").rstrip("/")
    return _construct(
        store,
        f"""CONSTRUCT {{
  <{scheme}> a skos:ConceptScheme ;
     skos:prefLabel "Unit kompetensi dalam keputusan KKNI"@id , "Units of competency in the KKNI decrees"@en ;
     skos:hasTopConcept ?standard .
  ?standard a skos:Concept ; skos:inScheme <{scheme}> ; skos:topConceptOf <{scheme}> ;
     skos:notation ?standardCode ; skos:prefLabel ?standardLabel .
  ?unit a skos:Concept ; skos:inScheme <{scheme}> ; skos:broader ?standard ;
     skos:notation ?code ; skos:prefLabel ?label ; skos:altLabel ?alt ; skos:related ?other .
}}
WHERE {{
  ?unit a kkni:Unit ; kkni:code ?code ; kkni:standard ?standard .
  ?standard kkni:code ?standardCode ; rdfs:label ?standardLabel .
  OPTIONAL {{ ?unit rdfs:label ?label }}
  OPTIONAL {{ ?unit skos:altLabel ?alt }}
  OPTIONAL {{ ?unit kkni:otherVersion ?other }}
}}""",
    )


# --------------------------------------------------------------------------- documents


def jsonld_document(store: KkniStore) -> bytes:
    return _jsonld(data_graph(store), load_context()["@context"])


def ctdl_document(store: KkniStore) -> bytes:
    return _jsonld(ctdl_graph(store), {"ceterms": "https://purl.org/ctdl/terms/", "xsd": "http://www.w3.org/2001/XMLSchema#"})


def elm_document(store: KkniStore) -> bytes:
    context = {
        "elm": "http://data.europa.eu/snb/model/elm/",
        "dcterms": "http://purl.org/dc/terms/",
        "skos": "http://www.w3.org/2004/02/skos/core#",
    }
    return _jsonld(elm_graph(store), context)


def skos_document(store: KkniStore) -> bytes:
    return skos_graph(store).serialize(format="turtle").encode("utf-8")


def csv_tables(store: KkniStore) -> dict[str, str]:
    """The CSV tables, file name -> text, each made by a query of queries/ (its header names the columns)."""
    tables: dict[str, str] = {}
    for name, query in CSV_TABLES.items():
        result = store.query((resource("queries") / query).read_text(encoding="utf-8"))
        assert isinstance(result, ox.QuerySolutions)
        names = [v.value for v in result.variables]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(names)
        for solution in result:
            writer.writerow(["" if solution[n] is None else solution[n].value for n in names])
        tables[name] = buffer.getvalue()
    return tables


@dataclass(frozen=True)
class Export:
    filename: str  # the file it is written to under --out
    make: Callable[[KkniStore], bytes]


DOCUMENTS: dict[str, Export] = {
    "jsonld": Export("kkni.jsonld", jsonld_document),
    "ctdl": Export("kkni-ctdl.jsonld", ctdl_document),
    "elm": Export("kkni-elm.jsonld", elm_document),
    "skos": Export("kkni-units-skos.ttl", skos_document),
}


def write_export(store: KkniStore, to: str, out: Path) -> list[Path]:
    """Write one export into the folder ``out`` (created if needed); the files written."""
    out.mkdir(parents=True, exist_ok=True)
    if to == "csv":
        paths = []
        for name, text in csv_tables(store).items():
            path = out / name
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        return paths
    export = DOCUMENTS[to]
    path = out / export.filename
    path.write_bytes(export.make(store))
    return [path]


__all__ = [
    "CONTEXT_IRI",
    "CSV_TABLES",
    "DOCUMENTS",
    "FORMATS",
    "csv_tables",
    "ctdl_graph",
    "data_graph",
    "elm_graph",
    "load_context",
    "skos_graph",
    "write_export",
]
