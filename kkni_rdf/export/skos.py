"""The units of competency as a SKOS concept scheme, as ESCO publishes its skills (``--to skos``).

Every concept has one ``skos:prefLabel`` in Indonesian and one in English. A unit's are its printed title
and our (unofficial) translation; a standard's (the top concepts) are made from its printed code, as its
``rdfs:label`` is. Two units, N.78SPS01.004.1 and N.78SPS01.005.1, are printed only as prerequisites (in the
unit table of N.78SPS01.007.2), their codes without titles: no title is invented for them. SKOS asks a
concept for no more than one preferred label per language, not for a title, so theirs is made from the
printed code and says that the decree prints no title, and a ``skos:editorialNote`` explains it.

The scheme carries its title, creator and publisher (the kkni-rdf project, as the ontology names it),
licence, the decrees it comes from and their latest date of enactment as its date.
"""

from __future__ import annotations

from rdflib import Graph

from kkni_rdf.export.common import construct
from kkni_rdf.iris import Iris
from kkni_rdf.namespaces import CC_BY
from kkni_rdf.store.embedded import KkniStore

#: The kkni-rdf project, creator and publisher of the ontology and of what it derives (``ontology/kkni.ttl``).
PROJECT = "https://w3id.org/kkni/project"
UNTITLED_ID = " (judul tidak tercetak dalam keputusan)"
UNTITLED_EN = " (title not printed in the decree)"
UNTITLED_NOTE_ID = (
    "Keputusan hanya mencetak kode unit ini, sebagai persyaratan unit lain, tanpa judulnya; label ini dibentuk dari kode yang tercetak."
)
UNTITLED_NOTE_EN = (
    "The decree prints only this unit's code, as a prerequisite of another unit, not its title; this label is made from the printed code."
)


def skos_graph(store: KkniStore) -> Graph:
    """The units as a SKOS concept scheme: each standard a top concept, each unit (version) below it."""
    scheme = Iris(store.base).unit("").rstrip("/")
    return construct(
        store,
        f"""CONSTRUCT {{
  <{scheme}> a skos:ConceptScheme ;
     skos:prefLabel "Unit kompetensi dalam keputusan KKNI"@id , "Units of competency in the KKNI decrees"@en ;
     dcterms:title "Unit kompetensi dalam keputusan KKNI"@id , "Units of competency in the KKNI decrees"@en ;
     dcterms:creator <{PROJECT}> ; dcterms:publisher <{PROJECT}> ; dcterms:license <{CC_BY}> ;
     dcterms:source ?decree ; dcterms:date ?date ;
     skos:hasTopConcept ?standard .
  ?standard a skos:Concept ; skos:inScheme <{scheme}> ; skos:topConceptOf <{scheme}> ;
     skos:notation ?standardCode ; skos:prefLabel ?standardLabel , ?standardEn .
  ?unit a skos:Concept ; skos:inScheme <{scheme}> ; skos:broader ?standard ;
     skos:notation ?code ; skos:prefLabel ?label , ?untitledId , ?untitledEn ; skos:altLabel ?alt ; skos:related ?other ;
     skos:editorialNote ?untitledNoteId , ?untitledNoteEn .
}}
WHERE {{
  {{
    ?unit a kkni:Unit ; kkni:code ?code ; kkni:standard ?standard .
    ?standard kkni:code ?standardCode ; rdfs:label ?standardLabel .
    BIND (STRLANG(CONCAT("SKKNI ", ?standardCode, " (Indonesian national work competency standard)"), "en") AS ?standardEn)
    OPTIONAL {{ ?unit rdfs:label ?label }}
    OPTIONAL {{ ?unit skos:altLabel ?alt }}
    OPTIONAL {{ ?unit kkni:otherVersion ?other }}
    FILTER (LANG(?standardLabel) = "id")
    BIND (EXISTS {{ ?unit rdfs:label ?anyLabel }} AS ?titled)
    BIND (IF(?titled, ?none, STRLANG(CONCAT("Unit kompetensi ", ?code, "{UNTITLED_ID}"), "id")) AS ?untitledId)
    BIND (IF(?titled, ?none, STRLANG(CONCAT("Unit of competency ", ?code, "{UNTITLED_EN}"), "en")) AS ?untitledEn)
    BIND (IF(?titled, ?none, STRLANG("{UNTITLED_NOTE_ID}", "id")) AS ?untitledNoteId)
    BIND (IF(?titled, ?none, STRLANG("{UNTITLED_NOTE_EN}", "en")) AS ?untitledNoteEn)
  }} UNION {{
    ?decree a kkni:Decree .
    {{ SELECT (MAX(?enacted) AS ?date) WHERE {{ ?d a kkni:Decree ; kkni:dateEnacted ?enacted }} }}
  }}
}}""",
    )


def skos_document(store: KkniStore) -> bytes:
    return skos_graph(store).serialize(format="turtle").encode("utf-8")


__all__ = ["skos_document", "skos_graph"]
