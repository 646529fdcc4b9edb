"""The KKNI and the decree's qualifications in CTDL, as Credential Engine models a qualifications framework.

Following the handbook's ``QualificationsFramework`` examples (Credential Engine,
``Schema-Development/HandbookExamples/QualificationsFramework/``):

- the KKNI is a ``ceterms:QualificationsFramework`` whose levels are an ``asn:ProgressionModel``
  (our level scheme) of ``asn:ProgressionLevel``s (our level concepts, in order:
  ``ceterms:precedes`` / ``ceterms:precededBy``);
- each qualification is a ``ceterms:Certification`` placed on its level with ``ceterms:atLevel``
  (a ``ceterms:CredentialAlignmentObject`` naming the progression model and the level);
- its packaging rule is stated twice. As ``ceterms:requires`` two ``ceterms:ConditionProfile``
  (core, elective), each with the printed rule and a ``ceterms:targetCompetency`` per listed unit.
  And, because a condition profile has no "n of these", with the one CTDL construct that counts:
  a ``ceterms:Pathway`` whose destination, a ``ceterms:CredentialComponent`` standing for the
  qualification (``ceterms:proxyFor``; the registry derives the inverse ``ceterms:targetPathway``),
  has the packaging rule as a ``ceterms:ComponentCondition`` with ``ceterms:requiredNumber`` 2 over
  two conditions, core and elective, each with the printed ``ceterms:requiredNumber`` of its
  ``ceterms:targetComponent``s (one ``ceterms:CompetencyComponent`` per row of the unit table,
  standing for the unit).

For Credential Engine's registry, every record (the framework, the progression model and its
levels, the certifications, the pathways and their components, and the issuing ministry as a
``ceterms:CredentialOrganization``) carries a ``ceterms:ctid``: ``ce-`` and a UUID 5 of its IRI,
the same on every build. The ministry owns the framework, the certifications and the pathways
(``ceterms:ownedBy``) and publishes the progression model (``ceasn:publisher``); the properties
the Registry Assistant requires per record type are stated, from the decree where it says
them and otherwise as ``docs/interop.md`` explains (e.g. ``ceterms:subjectWebpage`` is the
record's own w3id IRI). :mod:`.ctdl_registry` cuts the graph into the registry's publish requests.

Every class and property written is in ``data/curated/ctdl-terms.csv``, the CTDL terms checked
against Credential Engine's published schema (tests/export/test_ctdl.py pins it). The document
is compact JSON-LD with CTDL's prefixed keys and an inline context, byte-stable.
"""

from __future__ import annotations

import uuid

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kkni_rdf.export.common import curated_graph, data_graph, integer, text, texts
from kkni_rdf.export.compact import Term, Vocabulary, write_document
from kkni_rdf.iris import Iris, child
from kkni_rdf.namespaces import ASN, CEASN, CTDL, DCTERMS, KKNI, RDF, RDFS, SKOS, XSD
from kkni_rdf.store.embedded import KkniStore

CETERMS = CTDL
#: The file of CTDL terms the export may use, with where each was checked.
TERMS_FILE = "ctdl-terms.csv"

#: The framework's names: Perpres 8/2012's title (as the decree cites it) and our translation.
FRAMEWORK_NAME = {"id": "Kerangka Kualifikasi Nasional Indonesia", "en": "Indonesian National Qualifications Framework"}


#: The curated file that names the decree's publisher, the ministry (shared with the ELM export).
PUBLISHER_FILE = "elm.ttl"

#: Credential Engine's concept schemes (their CTDL prefixes: credentialStat, lifeCycle, orgType,
#: agentSector; publicationStatus from CTDL-ASN). The values the export states: the decree is in
#: force, it is published, and its issuer is a government body of the public sector.
CREDENTIAL_ACTIVE = URIRef("https://purl.org/ctdl/vocabs/credentialStat/Active")
LIFECYCLE_ACTIVE = URIRef("https://purl.org/ctdl/vocabs/lifeCycle/Active")
ORG_GOVERNMENT = URIRef("https://purl.org/ctdl/vocabs/orgType/Government")
SECTOR_PUBLIC = URIRef("https://purl.org/ctdl/vocabs/agentSector/Public")
PUBLISHED = URIRef("http://credreg.net/ctdlasn/vocabs/publicationStatus/Published")
#: Each concept's name, as Credential Engine's schema labels it.
CONCEPT_NAMES = {
    CREDENTIAL_ACTIVE: "Active",
    LIFECYCLE_ACTIVE: "Active",
    ORG_GOVERNMENT: "Government",
    SECTOR_PUBLIC: "Public",
}

#: The record types that carry a CTID (each a registry record or a node of one).
CTID_CLASSES = (
    ASN.ProgressionLevel,
    ASN.ProgressionModel,
    CTDL.Certification,
    CTDL.CompetencyComponent,
    CTDL.CredentialComponent,
    CTDL.CredentialOrganization,
    CTDL.Pathway,
    CTDL.QualificationsFramework,
)


def ctid(iri: str) -> str:
    """The record's CTID: ``ce-`` and the UUID 5 of its IRI (the URL namespace): stable across builds."""
    return f"ce-{uuid.uuid5(uuid.NAMESPACE_URL, str(iri))}"


def _terms(*specs: tuple[str, URIRef, str]) -> tuple[Term, ...]:
    return tuple(Term(key, iri, kind) for key, iri, kind in specs)  # type: ignore[arg-type]


CTDL_VOCABULARY = Vocabulary(
    prefixes={"asn": str(ASN), "ceasn": str(CEASN), "ceterms": str(CETERMS), "skos": str(SKOS), "xsd": str(XSD)},
    classes={
        cls: f"{prefix}:{cls[len(ns) :]}"
        for prefix, ns, cls in [
            ("asn", str(ASN), ASN.ProgressionLevel),
            ("asn", str(ASN), ASN.ProgressionModel),
            ("ceterms", str(CETERMS), CETERMS.Certification),
            ("ceterms", str(CETERMS), CETERMS.CompetencyComponent),
            ("ceterms", str(CETERMS), CETERMS.ComponentCondition),
            ("ceterms", str(CETERMS), CETERMS.ConditionProfile),
            ("ceterms", str(CETERMS), CETERMS.CredentialAlignmentObject),
            ("ceterms", str(CETERMS), CETERMS.CredentialComponent),
            ("ceterms", str(CETERMS), CETERMS.CredentialOrganization),
            ("ceterms", str(CETERMS), CETERMS.IdentifierValue),
            ("ceterms", str(CETERMS), CETERMS.Pathway),
            ("ceterms", str(CETERMS), CETERMS.Place),
            ("ceterms", str(CETERMS), CETERMS.QualificationsFramework),
        ]
    },
    terms=_terms(
        ("asn:hasProgressionLevel", ASN.hasProgressionLevel, "id"),
        ("asn:hasProgressionModel", ASN.hasProgressionModel, "id"),
        ("ceasn:description", CEASN.description, "lang"),
        ("ceasn:inLanguage", CEASN.inLanguage, "strings"),
        ("ceasn:inProgressionModel", CEASN.inProgressionModel, "id"),
        ("ceasn:name", CEASN.name, "lang"),
        ("ceasn:publicationStatusType", CEASN.publicationStatusType, "id"),
        ("ceasn:publisher", CEASN.publisher, "id"),
        ("ceterms:address", CETERMS.address, "id"),
        ("ceterms:addressCountry", CETERMS.addressCountry, "lang"),
        ("ceterms:agentSectorType", CETERMS.agentSectorType, "id"),
        ("ceterms:agentType", CETERMS.agentType, "id"),
        ("ceterms:atLevel", CETERMS.atLevel, "id"),
        ("ceterms:codedNotation", CETERMS.codedNotation, "string"),
        ("ceterms:credentialStatusType", CETERMS.credentialStatusType, "id"),
        ("ceterms:credentialType", CETERMS.credentialType, "id"),
        ("ceterms:ctid", CETERMS.ctid, "string"),
        ("ceterms:description", CETERMS.description, "lang"),
        ("ceterms:framework", CETERMS.framework, "id"),
        ("ceterms:frameworkName", CETERMS.frameworkName, "lang"),
        ("ceterms:hasCondition", CETERMS.hasCondition, "id"),
        ("ceterms:hasDestinationComponent", CETERMS.hasDestinationComponent, "id"),
        ("ceterms:hasFacetScheme", CETERMS.hasFacetScheme, "id"),
        ("ceterms:hasPart", CETERMS.hasPart, "id"),
        ("ceterms:identifier", CETERMS.identifier, "id"),
        ("ceterms:identifierTypeName", CETERMS.identifierTypeName, "lang"),
        ("ceterms:identifierValueCode", CETERMS.identifierValueCode, "string"),
        ("ceterms:inLanguage", CETERMS.inLanguage, "strings"),
        ("ceterms:inQualificationsFramework", CETERMS.inQualificationsFramework, "id"),
        ("ceterms:isDestinationComponentOf", CETERMS.isDestinationComponentOf, "id"),
        ("ceterms:isPartOf", CETERMS.isPartOf, "id"),
        ("ceterms:lifeCycleStatusType", CETERMS.lifeCycleStatusType, "id"),
        ("ceterms:name", CETERMS.name, "lang"),
        ("ceterms:ownedBy", CETERMS.ownedBy, "id"),
        ("ceterms:precededBy", CETERMS.precededBy, "id"),
        ("ceterms:precedes", CETERMS.precedes, "id"),
        ("ceterms:proxyFor", CETERMS.proxyFor, "id"),
        ("ceterms:requiredNumber", CETERMS.requiredNumber, "integer"),
        ("ceterms:requires", CETERMS.requires, "id"),
        ("ceterms:subjectWebpage", CETERMS.subjectWebpage, "id"),
        ("ceterms:targetCompetency", CETERMS.targetCompetency, "id"),
        ("ceterms:targetComponent", CETERMS.targetComponent, "id"),
        ("ceterms:targetNode", CETERMS.targetNode, "id"),
        ("ceterms:targetNodeName", CETERMS.targetNodeName, "lang"),
        ("skos:hasTopConcept", SKOS.hasTopConcept, "id"),
        ("skos:notation", SKOS.notation, "string"),
        ("skos:prefLabel", SKOS.prefLabel, "lang"),
        ("skos:topConceptOf", SKOS.topConceptOf, "id"),
    ),
)


def framework_iri(base: str) -> URIRef:
    """The KKNI as a CTDL qualifications framework: ``{base}framework/kkni`` (minted by this export)."""
    return URIRef(f"{base}framework/kkni")


class _Builder:
    def __init__(self, src: Graph, iris: Iris, curated: Graph) -> None:
        self.src = src
        self.out = Graph()
        self.iris = iris
        self.curated = curated
        agents = sorted(curated.subjects(RDF.type, DCTERMS.Agent), key=str)
        if len(agents) != 1:
            raise ValueError(f"{PUBLISHER_FILE} must name one publisher (a dcterms:Agent), not {len(agents)}")
        self.org = URIRef(str(agents[0]))

    def add(self, s: Node, p: URIRef, o: Node) -> None:
        self.out.add((s, p, o))

    def lang(self, s: Node, p: URIRef, values: dict[str, str | None]) -> None:
        for language, value in values.items():
            if value:
                self.add(s, p, Literal(value, lang=language))

    def status(self, subject: Node, prop: URIRef, concept: URIRef) -> None:
        """A status from Credential Engine's concept schemes, as the registry wants it: an alignment object."""
        a = BNode()
        self.add(subject, prop, a)
        self.add(a, RDF.type, CETERMS.CredentialAlignmentObject)
        self.add(a, CETERMS.targetNode, concept)
        self.lang(a, CETERMS.targetNodeName, {"en": CONCEPT_NAMES[concept]})

    def organization(self) -> None:
        """The ministry that issues the decree, from the curated publisher (names and country)."""
        org, cur = self.org, self.curated
        self.add(org, RDF.type, CETERMS.CredentialOrganization)
        names: dict[str, str | None] = dict(texts(cur, org, RDFS.label))
        self.lang(org, CETERMS.name, names)
        decree = sorted(self.src.subjects(RDF.type, KKNI.Decree), key=str)
        decree_id = text(self.src, decree[0], RDFS.label, "id") if decree else None
        self.lang(
            org,
            CETERMS.description,
            {
                "id": f"{names.get('id')} Republik Indonesia, yang menetapkan {decree_id}." if decree_id else None,
                "en": f"The {names.get('en')} of the Republic of Indonesia, which issued {decree_id}." if decree_id else None,
            },
        )
        self.add(org, CETERMS.subjectWebpage, org)
        self.status(org, CETERMS.agentType, ORG_GOVERNMENT)
        self.status(org, CETERMS.agentSectorType, SECTOR_PUBLIC)
        for country in sorted(cur.objects(org, DCTERMS.spatial), key=str):
            place = BNode()
            self.add(org, CETERMS.address, place)
            self.add(place, RDF.type, CETERMS.Place)
            self.lang(place, CETERMS.addressCountry, {"id": "Indonesia", "en": str(cur.value(country, SKOS.prefLabel))})

    def framework(self) -> None:
        src, add = self.src, self.add
        framework, model = framework_iri(self.iris.base), self.iris.level_scheme()
        add(framework, RDF.type, CETERMS.QualificationsFramework)
        self.lang(framework, CETERMS.name, dict(FRAMEWORK_NAME))
        self.lang(framework, CETERMS.description, dict(texts(src, model, SKOS.definition)))
        add(framework, CETERMS.inLanguage, Literal("id"))
        add(framework, ASN.hasProgressionModel, model)
        add(framework, CETERMS.ownedBy, self.org)
        add(framework, CEASN.publisher, self.org)
        add(framework, CEASN.publicationStatusType, PUBLISHED)
        add(framework, CETERMS.subjectWebpage, model)
        add(framework, CETERMS.hasFacetScheme, self.iris.aspect_scheme())
        self.status(framework, CETERMS.lifeCycleStatusType, LIFECYCLE_ACTIVE)

        add(model, RDF.type, ASN.ProgressionModel)
        self.lang(model, CEASN.name, dict(texts(src, model, RDFS.label)))
        self.lang(model, CEASN.description, dict(texts(src, model, SKOS.definition)))
        add(model, CEASN.inLanguage, Literal("id"))
        add(model, CEASN.publisher, self.org)
        add(model, CEASN.publicationStatusType, PUBLISHED)
        add(model, CETERMS.inQualificationsFramework, framework)
        levels = sorted(src.objects(model, SKOS.hasTopConcept), key=lambda lv: integer(src, lv, KKNI.levelNumber))
        for i, level in enumerate(levels):
            add(model, ASN.hasProgressionLevel, level)
            add(model, SKOS.hasTopConcept, level)
            add(level, RDF.type, ASN.ProgressionLevel)
            self.lang(level, SKOS.prefLabel, dict(texts(src, level, RDFS.label)))
            notation = src.value(level, SKOS.notation)
            if notation is not None:
                add(level, SKOS.notation, Literal(str(notation)))
            add(level, CEASN.inProgressionModel, model)
            add(level, SKOS.topConceptOf, model)
            if i > 0:
                add(level, CETERMS.precededBy, levels[i - 1])
            if i + 1 < len(levels):
                add(level, CETERMS.precedes, levels[i + 1])

    def alignment(self, subject: Node, prop: URIRef, target: Node, name: dict[str, str | None], code: str | None = None) -> None:
        a = BNode()
        self.add(subject, prop, a)
        self.add(a, RDF.type, CETERMS.CredentialAlignmentObject)
        self.add(a, CETERMS.targetNode, target)
        self.lang(a, CETERMS.targetNodeName, name)
        if code is not None:
            self.add(a, CETERMS.codedNotation, Literal(code))

    def rows(self, q: Node, role: URIRef) -> list[Node]:
        src = self.src
        rows = [r for r in src.objects(q, KKNI.hasListing) if src.value(r, KKNI.role) == role]
        return sorted(rows, key=lambda r: (integer(src, r, KKNI.position), str(r)))

    def qualification(self, q: URIRef) -> None:
        src, add = self.src, self.add
        decree = src.value(q, KKNI.decree)
        add(q, RDF.type, CETERMS.Certification)
        self.lang(q, CETERMS.name, dict(texts(src, q, RDFS.label)))
        self.lang(q, CETERMS.description, dict(texts(src, q, KKNI.description)))
        add(q, CETERMS.inLanguage, Literal("id"))
        add(q, CETERMS.ownedBy, self.org)
        add(q, CETERMS.subjectWebpage, q)
        self.status(q, CETERMS.credentialStatusType, CREDENTIAL_ACTIVE)
        code = src.value(q, KKNI.codificationCode)
        if code is not None:
            ident = BNode()
            add(q, CETERMS.identifier, ident)
            add(ident, RDF.type, CETERMS.IdentifierValue)
            decree_id = text(src, decree, RDFS.label, "id") if decree is not None else None
            self.lang(ident, CETERMS.identifierTypeName, {"id": f"Kodifikasi, {decree_id}" if decree_id else "Kodifikasi"})
            add(ident, CETERMS.identifierValueCode, Literal(str(code)))
        level = src.value(q, KKNI.level)
        if level is not None:
            a = BNode()
            add(q, CETERMS.atLevel, a)
            add(a, RDF.type, CETERMS.CredentialAlignmentObject)
            add(a, CETERMS.framework, self.iris.level_scheme())
            self.lang(a, CETERMS.frameworkName, dict(texts(src, self.iris.level_scheme(), RDFS.label)))
            add(a, CETERMS.targetNode, level)
            self.lang(a, CETERMS.targetNodeName, dict(texts(src, level, RDFS.label)))

        rule = src.value(q, KKNI.packagingRule)
        if not isinstance(rule, URIRef):
            return
        printed = text(src, rule, KKNI.text, "id") or ""
        parts = {
            KKNI.Core: ("core", KKNI.coreItemMarker, KKNI.requiredCore, KKNI.requiredCoreInWords, "inti", "core"),
            KKNI.Elective: (
                "elective",
                KKNI.electiveItemMarker,
                KKNI.requiredElective,
                KKNI.requiredElectiveInWords,
                "pilihan",
                "elective",
            ),
        }
        pathway, destination = child(q, "pathway"), child(q, "pathway", "destination")
        add(pathway, RDF.type, CETERMS.Pathway)
        names = texts(src, q, RDFS.label)
        self.lang(pathway, CETERMS.name, {"id": f"Aturan pengemasan: {names.get('id')}", "en": f"Packaging rule: {names.get('en')}"})
        n_units, n_core, n_elective = (src.value(rule, p) for p in (KKNI.requiredUnits, KKNI.requiredCore, KKNI.requiredElective))
        summary_en = f"{n_units} units of competency must be completed: {n_core} core and {n_elective} elective."
        self.lang(pathway, CETERMS.description, {"id": printed, "en": summary_en})
        add(pathway, CETERMS.ownedBy, self.org)
        add(pathway, CETERMS.subjectWebpage, q)
        self.status(pathway, CETERMS.lifeCycleStatusType, LIFECYCLE_ACTIVE)
        add(pathway, CETERMS.hasDestinationComponent, destination)
        add(pathway, CETERMS.hasPart, destination)
        add(destination, RDF.type, CETERMS.CredentialComponent)
        add(destination, CETERMS.credentialType, CETERMS.Certification)
        self.lang(destination, CETERMS.name, dict(names))
        add(destination, CETERMS.proxyFor, q)
        add(destination, CETERMS.isPartOf, pathway)
        add(destination, CETERMS.isDestinationComponentOf, pathway)
        add(destination, CETERMS.hasCondition, rule)
        add(rule, RDF.type, CETERMS.ComponentCondition)
        self.lang(rule, CETERMS.name, dict(texts(src, rule, RDFS.label)))
        self.lang(rule, CETERMS.description, {"id": printed, "en": summary_en})
        add(rule, CETERMS.requiredNumber, Literal(2, datatype=XSD.integer))

        for role, (slug, marker, number, words, kind_id, kind_en) in parts.items():
            n = src.value(rule, number)
            item = f"{src.value(rule, marker)}. {n} ({src.value(rule, words)}) unit kompetensi {kind_id}"
            profile = BNode()
            add(q, CETERMS.requires, profile)
            add(profile, RDF.type, CETERMS.ConditionProfile)
            self.lang(profile, CETERMS.name, {"id": f"Kompetensi {kind_id}", "en": f"{kind_en.capitalize()} units of competency"})
            self.lang(
                profile, CETERMS.description, {"id": f"{printed} {item}".strip(), "en": f"{n} {kind_en} units of competency. {summary_en}"}
            )
            condition = child(rule, slug)
            add(rule, CETERMS.hasCondition, condition)
            add(condition, RDF.type, CETERMS.ComponentCondition)
            self.lang(condition, CETERMS.name, {"id": item, "en": f"{n} {kind_en} units of competency"})
            self.lang(condition, CETERMS.description, {"id": item, "en": f"{n} {kind_en} units of competency must be completed."})
            if isinstance(n, Literal):
                add(condition, CETERMS.requiredNumber, Literal(int(n), datatype=XSD.integer))
            for r in self.rows(q, role):
                unit = src.value(r, KKNI.unit)
                title_id = str(src.value(r, KKNI.printedTitle))
                title_en = text(src, unit, RDFS.label, "en") if unit is not None else None
                code = src.value(r, KKNI.printedCode)
                if unit is not None:
                    self.alignment(profile, CETERMS.targetCompetency, unit, {"id": title_id, "en": title_en}, str(code))
                add(condition, CETERMS.targetComponent, r)
                add(pathway, CETERMS.hasPart, r)
                add(r, RDF.type, CETERMS.CompetencyComponent)
                self.lang(r, CETERMS.name, {"id": title_id, "en": title_en})
                add(r, CETERMS.isPartOf, pathway)
                if unit is not None:
                    add(r, CETERMS.proxyFor, unit)
                prerequisites = sorted(src.objects(r, KKNI.hasPrerequisite), key=lambda p: integer(src, p, KKNI.position))
                codes = ", ".join(str(src.value(p, KKNI.requiredUnitCode)) for p in prerequisites)
                if codes:
                    self.lang(r, CETERMS.description, {"id": f"Persyaratan kompetensi: {codes}", "en": f"Prerequisite competency: {codes}"})
                elif src.value(r, KKNI.noPrerequisite) is not None:
                    self.lang(r, CETERMS.description, {"id": "Persyaratan kompetensi: Tidak ada", "en": "Prerequisite competency: none"})


def add_ctids(graph: Graph) -> None:
    """A ``ceterms:ctid`` on every record of a type that carries one (``CTID_CLASSES``)."""
    for cls in CTID_CLASSES:
        for record in graph.subjects(RDF.type, cls):
            if isinstance(record, URIRef):
                graph.add((record, CETERMS.ctid, Literal(ctid(record))))


def ctdl_graph(store: KkniStore) -> Graph:
    """The KKNI framework and its levels, every qualification the store serves and the issuing ministry, in CTDL."""
    src = data_graph(store)
    builder = _Builder(src, Iris(store.base), curated_graph(PUBLISHER_FILE, store.base))
    builder.organization()
    builder.framework()
    for q in sorted(src.subjects(RDF.type, KKNI.Qualification), key=str):
        builder.qualification(URIRef(str(q)))
    add_ctids(builder.out)
    return builder.out


def ctdl_document(store: KkniStore) -> bytes:
    """CTDL JSON-LD (prefixed CTDL keys, inline context), byte-stable."""
    return write_document(ctdl_graph(store), CTDL_VOCABULARY)


__all__ = [
    "CTDL_VOCABULARY",
    "CTID_CLASSES",
    "FRAMEWORK_NAME",
    "TERMS_FILE",
    "add_ctids",
    "ctdl_document",
    "ctdl_graph",
    "ctid",
    "framework_iri",
]
