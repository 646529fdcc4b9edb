"""The units of competency as a SKOS concept scheme, as ESCO publishes its skills (``--to skos``)."""

from __future__ import annotations

from rdflib import Graph

from kkni_rdf.export.common import construct
from kkni_rdf.iris import Iris
from kkni_rdf.store.embedded import KkniStore


def skos_graph(store: KkniStore) -> Graph:
    """The units as a SKOS concept scheme: each standard a top concept, each unit (version) below it."""
    scheme = Iris(store.base).unit("").rstrip("/")
    return construct(
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


def skos_document(store: KkniStore) -> bytes:
    return skos_graph(store).serialize(format="turtle").encode("utf-8")


__all__ = ["skos_document", "skos_graph"]
