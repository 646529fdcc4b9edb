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

Every class and property written is in ``data/curated/ctdl-terms.csv``, the CTDL terms checked
against Credential Engine's published schema (tests/export/test_ctdl.py pins it). The document
is compact JSON-LD with CTDL's prefixed keys and an inline context, byte-stable.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kkni_rdf.export.common import data_graph, integer, text, texts
from kkni_rdf.export.compact import Term, Vocabulary, write_document
from kkni_rdf.iris import Iris, child
from kkni_rdf.namespaces import ASN, CEASN, CTDL, KKNI, RDF, RDFS, SKOS, XSD
from kkni_rdf.store.embedded import KkniStore

CETERMS = CTDL
#: The file of CTDL terms the export may use, with where each was checked.
TERMS_FILE = "ctdl-terms.csv"

#: The framework's names: Perpres 8/2012's title (as the decree cites it) and our translation.
FRAMEWORK_NAME = {"id": "Kerangka Kualifikasi Nasional Indonesia", "en": "Indonesian National Qualifications Framework"}


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
            ("ceterms", str(CETERMS), CETERMS.IdentifierValue),
            ("ceterms", str(CETERMS), CETERMS.Pathway),
            ("ceterms", str(CETERMS), CETERMS.QualificationsFramework),
        ]
    },
    terms=_terms(
        ("asn:hasProgressionLevel", ASN.hasProgressionLevel, "id"),
        ("asn:hasProgressionModel", ASN.hasProgressionModel, "id"),
        ("ceasn:description", CEASN.description, "lang"),
        ("ceasn:inProgressionModel", CEASN.inProgressionModel, "id"),
        ("ceasn:name", CEASN.name, "lang"),
        ("ceterms:atLevel", CETERMS.atLevel, "id"),
        ("ceterms:codedNotation", CETERMS.codedNotation, "string"),
        ("ceterms:description", CETERMS.description, "lang"),
        ("ceterms:framework", CETERMS.framework, "id"),
        ("ceterms:frameworkName", CETERMS.frameworkName, "lang"),
        ("ceterms:hasCondition", CETERMS.hasCondition, "id"),
        ("ceterms:hasDestinationComponent", CETERMS.hasDestinationComponent, "id"),
        ("ceterms:hasPart", CETERMS.hasPart, "id"),
        ("ceterms:identifier", CETERMS.identifier, "id"),
        ("ceterms:identifierTypeName", CETERMS.identifierTypeName, "lang"),
        ("ceterms:identifierValueCode", CETERMS.identifierValueCode, "string"),
        ("ceterms:inLanguage", CETERMS.inLanguage, "string"),
        ("ceterms:inQualificationsFramework", CETERMS.inQualificationsFramework, "id"),
        ("ceterms:isDestinationComponentOf", CETERMS.isDestinationComponentOf, "id"),
        ("ceterms:isPartOf", CETERMS.isPartOf, "id"),
        ("ceterms:name", CETERMS.name, "lang"),
        ("ceterms:precededBy", CETERMS.precededBy, "id"),
        ("ceterms:precedes", CETERMS.precedes, "id"),
        ("ceterms:proxyFor", CETERMS.proxyFor, "id"),
        ("ceterms:requiredNumber", CETERMS.requiredNumber, "integer"),
        ("ceterms:requires", CETERMS.requires, "id"),
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
    def __init__(self, src: Graph, iris: Iris) -> None:
        self.src = src
        self.out = Graph()
        self.iris = iris

    def add(self, s: Node, p: URIRef, o: Node) -> None:
        self.out.add((s, p, o))

    def lang(self, s: Node, p: URIRef, values: dict[str, str | None]) -> None:
        for language, value in values.items():
            if value:
                self.add(s, p, Literal(value, lang=language))

    def framework(self) -> None:
        src, add = self.src, self.add
        framework, model = framework_iri(self.iris.base), self.iris.level_scheme()
        add(framework, RDF.type, CETERMS.QualificationsFramework)
        self.lang(framework, CETERMS.name, dict(FRAMEWORK_NAME))
        self.lang(framework, CETERMS.description, dict(texts(src, model, SKOS.definition)))
        add(framework, CETERMS.inLanguage, Literal("id"))
        add(framework, ASN.hasProgressionModel, model)

        add(model, RDF.type, ASN.ProgressionModel)
        self.lang(model, CEASN.name, dict(texts(src, model, RDFS.label)))
        self.lang(model, CEASN.description, dict(texts(src, model, SKOS.definition)))
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
        add(pathway, CETERMS.hasDestinationComponent, destination)
        add(pathway, CETERMS.hasPart, destination)
        add(destination, RDF.type, CETERMS.CredentialComponent)
        self.lang(destination, CETERMS.name, dict(names))
        add(destination, CETERMS.proxyFor, q)
        add(destination, CETERMS.isPartOf, pathway)
        add(destination, CETERMS.isDestinationComponentOf, pathway)
        add(destination, CETERMS.hasCondition, rule)
        add(rule, RDF.type, CETERMS.ComponentCondition)
        self.lang(rule, CETERMS.name, dict(texts(src, rule, RDFS.label)))
        n_units, n_core, n_elective = (src.value(rule, p) for p in (KKNI.requiredUnits, KKNI.requiredCore, KKNI.requiredElective))
        summary_en = f"{n_units} units of competency must be completed: {n_core} core and {n_elective} elective."
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


def ctdl_graph(store: KkniStore) -> Graph:
    """The KKNI framework and its levels, and every qualification the store serves, in CTDL."""
    src = data_graph(store)
    builder = _Builder(src, Iris(store.base))
    builder.framework()
    for q in sorted(src.subjects(RDF.type, KKNI.Qualification), key=str):
        builder.qualification(URIRef(str(q)))
    return builder.out


def ctdl_document(store: KkniStore) -> bytes:
    """CTDL JSON-LD (prefixed CTDL keys, inline context), byte-stable."""
    return write_document(ctdl_graph(store), CTDL_VOCABULARY)


__all__ = ["CTDL_VOCABULARY", "FRAMEWORK_NAME", "TERMS_FILE", "ctdl_document", "ctdl_graph", "framework_iri"]
