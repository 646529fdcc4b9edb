"""The qualifications as European Learning Model (ELM v3) records, for the Europass QDR.

The records follow the LOQ application profile (LOQ 1.1.0, the one the Qualifications Dataset
Register applies): each qualification an ``elm:Qualification`` with its titles, description,
codification code, the KKNI level as its NQF level, the EQF level of the crosswalk (with a note
that says whether the mapping is official or proposed), an ISCED-F thematic area and a
language from ``data/curated/elm.ttl`` (each with its provenance), the ministry as publisher,
each listed unit of competency as an ``elm:LearningOutcome``, the packaging rule and unit table
as the learning-outcome summary, and the legal basis, work role, job titles and work attitudes
as notes. Everything written is either the decree's (as printed) or marked with who chose it.
What the profile cannot carry is listed in ``docs/interop.md``.

The document is compact JSON-LD whose keys are the ELM v3 context's terms (``title``,
``eqfLevel``, ``thematicArea`` ...), the context inline, byte-stable (``kkni_rdf.export.compact``).
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kkni_rdf.export.common import curated_graph, data_graph, integer, objects, text, texts
from kkni_rdf.export.compact import Term, Vocabulary, write_document
from kkni_rdf.namespaces import ADMS, DCTERMS, ELM, EU_EQF, EU_EQF_SCHEME, EU_ISCEDF, KKNI, RDF, RDFS, ROV, SKOS, XSD
from kkni_rdf.store.embedded import KkniStore

#: The curated inputs (ISCED-F, language, publisher) with their provenance.
CURATED = "elm.ttl"

#: Keys and term definitions as in the ELM v3 JSON-LD context (the EDC application profile's,
#: http://data.europa.eu/snb/model/context/edc-ap), restricted to what the export writes.
ELM_VOCABULARY = Vocabulary(
    prefixes={
        "adms": str(ADMS),
        "dc": str(DCTERMS),
        "elm": str(ELM),
        "rov": str(ROV),
        "skos": str(SKOS),
        "xsd": str(XSD),
    },
    classes={
        ELM.Address: "Address",
        SKOS.Concept: "Concept",
        SKOS.ConceptScheme: "ConceptScheme",
        ELM.Identifier: "Identifier",
        ELM.LearningOutcome: "LearningOutcome",
        DCTERMS.Location: "Location",
        ELM.Note: "Note",
        ELM.Organisation: "Organisation",
        ELM.Qualification: "Qualification",
    },
    terms=(
        Term("additionalNote", ELM.additionalNote, "id"),
        Term("address", ELM.address, "id"),
        Term("countryCode", ELM.countryCode, "id"),
        Term("creator", DCTERMS.creator, "id"),
        Term("description", DCTERMS.description, "lang"),
        Term("eqfLevel", ELM.EQFLevel, "id"),
        Term("identifier", ADMS.identifier, "id"),
        Term("inScheme", SKOS.inScheme, "id"),
        Term("language", DCTERMS.language, "id"),
        Term("learningOutcome", ELM.learningOutcome, "id"),
        Term("learningOutcomeSummary", ELM.learningOutcomeSummary, "id"),
        Term("legalName", ROV.legalName, "lang"),
        Term("location", ELM.location, "id"),
        Term("noteLiteral", ELM.noteLiteral, "lang"),
        Term("notation", SKOS.notation, "string"),
        Term("nqfLevel", ELM.NQFLevel, "id"),
        Term("prefLabel", SKOS.prefLabel, "lang"),
        Term("publisher", DCTERMS.publisher, "id"),
        Term("schemeName", ELM.schemeName, "xsd-string"),
        Term("thematicArea", ELM.ISCEDFCode, "id"),
        Term("title", DCTERMS.title, "lang"),
    ),
)

#: Which mapping gives the EQF level when a KKNI level has several: official before proposed,
#: then the closest relation.
RELATION_ORDER = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
TRANSLATION_NOTE_ID = "Keputusan ini hanya terbit dalam bahasa Indonesia; teks bahasa Inggris dalam rekaman ini adalah terjemahan tidak resmi oleh proyek kkni-rdf."
TRANSLATION_NOTE_EN = (
    "The decree is published in Indonesian only; English texts in this record are unofficial translations by the kkni-rdf project."
)


def _lines(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)


class _Builder:
    """Writes the ELM graph ``out`` from the source graph ``src`` (the served data and the curated inputs)."""

    def __init__(self, src: Graph) -> None:
        self.src = src
        self.out = Graph()
        self.done: set[Node] = set()

    # -- helpers

    def add(self, s: Node, p: URIRef, o: Node) -> None:
        self.out.add((s, p, o))

    def lang_values(self, s: Node, p: URIRef, values: dict[str, str]) -> None:
        for lang, value in values.items():
            self.add(s, p, Literal(value, lang=lang))

    def note(self, subject: Node, prop: URIRef, values: dict[str, str]) -> None:
        values = {lang: v for lang, v in values.items() if v}
        if not values:
            return
        n = BNode()
        self.add(subject, prop, n)
        self.add(n, RDF.type, ELM.Note)
        self.lang_values(n, ELM.noteLiteral, values)

    def identifier(self, subject: Node, notation: str, scheme_name: str, creator: Node | None) -> None:
        i = BNode()
        self.add(subject, ADMS.identifier, i)
        self.add(i, RDF.type, ELM.Identifier)
        self.add(i, SKOS.notation, Literal(notation))
        self.add(i, ELM.schemeName, Literal(scheme_name, datatype=XSD.string))
        if creator is not None:
            self.add(i, DCTERMS.creator, creator)

    def labels(self, node: Node) -> dict[str, str]:
        return texts(self.src, node, SKOS.prefLabel) or texts(self.src, node, RDFS.label)

    def concept(self, c: Node) -> None:
        if c in self.done:
            return
        self.done.add(c)
        self.add(c, RDF.type, SKOS.Concept)
        self.lang_values(c, SKOS.prefLabel, self.labels(c))
        notation = self.src.value(c, SKOS.notation)
        if notation is not None:
            self.add(c, SKOS.notation, Literal(str(notation)))
        for scheme in objects(self.src, c, SKOS.inScheme):
            self.add(c, SKOS.inScheme, scheme)
            if scheme not in self.done:
                self.done.add(scheme)
                self.add(scheme, RDF.type, SKOS.ConceptScheme)
                self.lang_values(scheme, SKOS.prefLabel, self.labels(scheme))

    def mappings(self, subject: Node, namespace: str) -> list[tuple[URIRef, URIRef]]:
        """The kkni:Mapping resources of ``subject`` to a concept under ``namespace``, best first: (mapping, target)."""
        found = []
        for m in self.src.subjects(KKNI.mappingSubject, subject):
            target = self.src.value(m, KKNI.mappingObject)
            if not (isinstance(target, URIRef) and isinstance(m, URIRef) and str(target).startswith(namespace)):
                continue
            relation = self.src.value(m, KKNI.mappingRelation)
            rank = RELATION_ORDER.index(relation) if relation in RELATION_ORDER else len(RELATION_ORDER)
            official = (m, KKNI.mappingStatus, KKNI.Official) in self.src
            found.append((not official, rank, str(target), str(m), m, target))
        return [(m, target) for *_, m, target in sorted(found)]

    def status_note(self, m: URIRef, what_id: str, what_en: str, absent_id: str, absent_en: str) -> dict[str, str]:
        """A note saying who stands behind a mapping: an official source, or this project's proposal and its rationale."""
        src = self.src
        relation = src.value(m, KKNI.mappingRelation)
        rel = f" ({src.namespace_manager.normalizeUri(relation)})" if isinstance(relation, URIRef) else ""
        if (m, KKNI.mappingStatus, KKNI.Official) in src:
            sources = ", ".join(sorted(str(s) for s in src.objects(m, DCTERMS.source)))
            return {
                "id": f"{what_id}{rel}: pemetaan resmi; sumber: {sources}.",
                "en": f"{what_en}{rel}: an official mapping; source: {sources}.",
            }
        rationale_id, rationale_en = text(src, m, KKNI.rationale, "id"), text(src, m, KKNI.rationale, "en")
        if (m, KKNI.mappingStatus, KKNI.Proposed) in src:
            who_id, who_en = "DIUSULKAN oleh proyek kkni-rdf", "PROPOSED by the kkni-rdf project"
        else:
            who_id, who_en = "tanpa status yang dinyatakan", "of no stated status"
        return {
            "id": f"{what_id}{rel} adalah pemetaan yang {who_id}, bukan pernyataan resmi; {absent_id}"
            + (f" Alasan: {rationale_id}" if rationale_id else ""),
            "en": f"{what_en}{rel} is a mapping {who_en}, not an official statement; {absent_en}"
            + (f" Rationale: {rationale_en}" if rationale_en else ""),
        }

    # -- the parts of a record

    def organisation(self, org: Node) -> None:
        if org in self.done:
            return
        self.done.add(org)
        self.add(org, RDF.type, ELM.Organisation)
        self.lang_values(org, ROV.legalName, texts(self.src, org, RDFS.label))
        location, address = BNode(), BNode()
        self.add(org, ELM.location, location)
        self.add(location, RDF.type, DCTERMS.Location)
        self.add(location, ELM.address, address)
        self.add(address, RDF.type, ELM.Address)
        for country in objects(self.src, org, DCTERMS.spatial):
            self.add(address, ELM.countryCode, country)
            self.concept(country)

    def learning_outcome(self, unit: Node, listing: Node) -> None:
        if unit in self.done:
            return
        self.done.add(unit)
        src = self.src
        self.add(unit, RDF.type, ELM.LearningOutcome)
        titles = texts(src, unit, RDFS.label) or texts(src, listing, KKNI.printedTitle)
        self.lang_values(unit, DCTERMS.title, titles)
        code = src.value(unit, KKNI.code) or src.value(listing, KKNI.printedCode)
        self.identifier(unit, str(code), "Kode unit kompetensi (SKKNI)", None)

    def listings(self, q: Node) -> list[Node]:
        src = self.src
        rows = list(src.objects(q, KKNI.hasListing))
        return sorted(rows, key=lambda r: (src.value(r, KKNI.role) != KKNI.Core, integer(src, r, KKNI.position), str(r)))

    def row_lines(self, rows: Iterable[Node]) -> tuple[list[str], list[str]]:
        src = self.src
        lines_id, lines_en = [], []
        for r in rows:
            unit = src.value(r, KKNI.unit)
            position, code = src.value(r, KKNI.position), src.value(r, KKNI.printedCode)
            title_id = str(src.value(r, KKNI.printedTitle))
            title_en = text(src, unit, RDFS.label, "en") if unit is not None else None
            prerequisites = sorted(src.objects(r, KKNI.hasPrerequisite), key=lambda p: integer(src, p, KKNI.position))
            codes = [str(src.value(p, KKNI.requiredUnitCode)) for p in prerequisites]
            if codes:
                req_id, req_en = ", ".join(codes), ", ".join(codes)
            elif src.value(r, KKNI.noPrerequisite) is not None:
                req_id, req_en = "Tidak ada", "none"
            else:
                req_id = req_en = ""
            lines_id.append(f"{position}. {code} {title_id}" + (f" (Persyaratan kompetensi: {req_id})" if req_id else ""))
            lines_en.append(f"{position}. {code} {title_en or title_id}" + (f" (prerequisite: {req_en})" if req_en else ""))
        return lines_id, lines_en

    def summary(self, q: Node) -> dict[str, str]:
        """The packaging rule as printed and the unit table: the learning-outcome summary."""
        src = self.src
        rule = src.value(q, KKNI.packagingRule)
        rule_id = rule_en = None
        if rule is not None:

            def item(marker: URIRef, n: URIRef, words: URIRef, kind: str) -> str:
                return f"{src.value(rule, marker)}. {src.value(rule, n)} ({src.value(rule, words)}) unit kompetensi {kind}"

            rule_id = _lines(
                "Aturan Pengemasan",
                text(src, rule, KKNI.text, "id"),
                item(KKNI.coreItemMarker, KKNI.requiredCore, KKNI.requiredCoreInWords, "inti"),
                item(KKNI.electiveItemMarker, KKNI.requiredElective, KKNI.requiredElectiveInWords, "pilihan"),
            )
            rule_en = _lines(
                "Packaging rule (Aturan Pengemasan)",
                f"{src.value(rule, KKNI.requiredUnits)} units of competency must be completed: "
                f"{src.value(rule, KKNI.requiredCore)} core and {src.value(rule, KKNI.requiredElective)} elective.",
            )
        rows = self.listings(q)
        core_id, core_en = self.row_lines(r for r in rows if src.value(r, KKNI.role) == KKNI.Core)
        elective_id, elective_en = self.row_lines(r for r in rows if src.value(r, KKNI.role) == KKNI.Elective)
        return {
            "id": "\n\n".join(p for p in (rule_id, _lines("Kompetensi Inti", *core_id), _lines("Kompetensi Pilihan", *elective_id)) if p),
            "en": "\n\n".join(
                p
                for p in (
                    rule_en,
                    _lines("Core units (Kompetensi Inti)", *core_en),
                    _lines("Elective units (Kompetensi Pilihan)", *elective_en),
                )
                if p
            ),
        }

    def legal_basis(self, q: Node, decree: Node) -> dict[str, str]:
        src = self.src
        label_id, label_en = text(src, decree, RDFS.label, "id"), text(src, decree, RDFS.label, "en")
        title = text(src, decree, DCTERMS.title, "id")
        letter = src.value(q, KKNI.sectionLetter)
        place, enacted, in_force = (src.value(decree, p) for p in (KKNI.placeEnacted, KKNI.dateEnacted, KKNI.dateInForce))
        implements = text(src, decree, KKNI.implements, "id")
        return {
            "id": f"Dasar hukum: {label_id} tentang {title}, Lampiran huruf {letter}. Ditetapkan di {place} pada tanggal {enacted}; "
            f"mulai berlaku {in_force}. Melaksanakan {implements}. {TRANSLATION_NOTE_ID}",
            "en": f"Legal basis: {label_en or label_id} ({label_id} tentang {title}), annex, section {letter}. Enacted in {place} "
            f"on {enacted}; in force from {in_force}. It carries out {implements} (Indonesian). {TRANSLATION_NOTE_EN}",
        }

    def job_titles(self, q: Node) -> dict[str, str]:
        src = self.src
        roles = sorted(src.objects(q, KKNI.hasJobRole), key=lambda r: integer(src, r, KKNI.position))
        if not roles:
            return {}
        lines_id = [f"{src.value(r, KKNI.itemMarker)}. {src.value(r, KKNI.printedTitle)}" for r in roles]
        lines_en = [f"{src.value(r, KKNI.itemMarker)}. {text(src, r, RDFS.label, 'en') or src.value(r, KKNI.printedTitle)}" for r in roles]
        notes = sorted(str(n) for n in src.objects(q, KKNI.jobRoleNote))
        return {
            "id": _lines("Kemungkinan Jabatan", *lines_id, "Catatan:" if notes else None, *notes),
            "en": _lines("Possible job titles (Kemungkinan Jabatan)", *lines_en),
        }

    def work_attitudes(self, q: Node) -> dict[str, str]:
        src = self.src
        aspects = sorted(src.objects(q, KKNI.hasWorkAttitude), key=lambda a: integer(src, a, KKNI.position))
        general = sorted(src.objects(q, KKNI.hasGeneralAttitude), key=lambda a: integer(src, a, KKNI.position))
        if not aspects and not general:
            return {}
        lines = [
            f"{chr(ord('a') + integer(src, a, KKNI.position, 1) - 1)}. {src.value(a, KKNI.printedAspectName)}: {src.value(a, KKNI.text)}"
            for a in aspects
        ]
        lines_general = [f"{src.value(a, KKNI.itemMarker)}. {src.value(a, KKNI.text)}" for a in general]
        return {"id": _lines("Sikap Kerja", *lines, "Secara umum memiliki sikap kerja:" if general else None, *lines_general)}

    def qualification(self, q: URIRef) -> None:
        src, add = self.src, self.add
        decree = src.value(q, KKNI.decree)
        publisher = src.value(decree, DCTERMS.publisher) if decree is not None else None
        add(q, RDF.type, ELM.Qualification)
        self.lang_values(q, DCTERMS.title, texts(src, q, RDFS.label))
        self.lang_values(q, DCTERMS.description, texts(src, q, KKNI.description))
        code = src.value(q, KKNI.codificationCode)
        if code is not None:
            self.identifier(q, str(code), f"Kodifikasi, {text(src, decree, RDFS.label, 'id')}", publisher)

        level = src.value(q, KKNI.level)
        if level is not None:
            add(q, ELM.NQFLevel, level)
            self.concept(level)
            eqf = self.mappings(level, str(EU_EQF))
            eqf = [(m, t) for m, t in eqf if t != EU_EQF_SCHEME]
            if eqf:
                m, target = eqf[0]
                add(q, ELM.EQFLevel, target)
                self.concept(target)
                level_n, eqf_n = src.value(level, SKOS.notation), src.value(target, SKOS.notation) or str(target).rsplit("/", 1)[-1]
                self.note(
                    q,
                    ELM.additionalNote,
                    self.status_note(
                        m,
                        f"Jenjang EQF {eqf_n} dari jenjang KKNI {level_n}",
                        f"EQF level {eqf_n} from KKNI level {level_n}",
                        "tidak ada rujukan (referencing) resmi KKNI ke EQF yang dipakai di sini.",
                        "no official referencing of the KKNI to the EQF is used here.",
                    ),
                )

        group = src.value(q, KKNI.group)
        for m, target in self.mappings(group, str(EU_ISCEDF)) if group is not None else []:
            add(q, ELM.ISCEDFCode, target)
            self.concept(target)
            field = f"{src.value(target, SKOS.notation)} {text(src, target, SKOS.prefLabel, 'en')}"
            self.note(
                q,
                ELM.additionalNote,
                self.status_note(
                    m,
                    f"Bidang ISCED-F {field} untuk Kelompok {text(src, group, RDFS.label, 'id')}",
                    f"ISCED-F field {field} for the group {text(src, group, RDFS.label, 'en')}",
                    "keputusan ini tidak menyebut bidang pendidikan.",
                    "the decree names no field of education.",
                ),
            )

        for language in objects(src, decree, DCTERMS.language):
            add(q, DCTERMS.language, language)
            self.concept(language)
        if publisher is not None:
            add(q, DCTERMS.publisher, publisher)
            self.organisation(publisher)

        for r in self.listings(q):
            unit = src.value(r, KKNI.unit)
            if unit is not None:
                add(q, ELM.learningOutcome, unit)
                self.learning_outcome(unit, r)
        self.note(q, ELM.learningOutcomeSummary, self.summary(q))
        if decree is not None:
            self.note(q, ELM.additionalNote, self.legal_basis(q, decree))
        work_role = text(src, q, KKNI.workRole, "id")
        self.note(q, ELM.additionalNote, {"id": f"Peran Kerja\n{work_role}"} if work_role else {})
        self.note(q, ELM.additionalNote, self.job_titles(q))
        self.note(q, ELM.additionalNote, self.work_attitudes(q))


def elm_graph(store: KkniStore) -> Graph:
    """The ELM records of every qualification the store serves."""
    src = data_graph(store)
    src += curated_graph(CURATED, store.base)
    builder = _Builder(src)
    for q in sorted(src.subjects(RDF.type, KKNI.Qualification), key=str):
        builder.qualification(URIRef(str(q)))
    return builder.out


def elm_document(store: KkniStore) -> bytes:
    """The ELM records as compact JSON-LD (ELM v3 context terms, inline), byte-stable."""
    return write_document(elm_graph(store), ELM_VOCABULARY)


__all__ = ["CURATED", "ELM_VOCABULARY", "elm_document", "elm_graph"]
