"""Turn a parsed decree into its RDF graph, and write it as sorted, stable Turtle.

The graph says what the decree prints: where the decree is inconsistent, the graph keeps
what it says (the shapes report it). Our English labels come from a curated file
(``data/curated/translations-en.csv``) and are marked as unofficial translations.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from kkni_rdf import __version__
from kkni_rdf.decree import ASPECTS, DIKTUM_ORDINALS, Decree, LegalCitation, Qualification, UnitCode, parse_decree_file
from kkni_rdf.iris import Iris, child
from kkni_rdf.namespaces import DEFAULT_BASE, KKNI, PROV, VOID, bind_prefixes

ID = "id"
EN = "en"
UNOFFICIAL_NOTE = Literal(
    "English label: an unofficial translation by the kkni-rdf project; the decree is published in Indonesian only.", lang=EN
)
UNOFFICIAL_NOTE_ID = Literal(
    "Label bahasa Inggris: terjemahan tidak resmi oleh proyek kkni-rdf; keputusan ini hanya terbit dalam bahasa Indonesia.",
    lang=ID,
)
LICENCE_NOTE = Literal(
    "Indonesian statutory instruments carry no copyright (Law 28/2014 on Copyright, Art. 42). "
    "The graph's structure and English labels by kkni-rdf are released under CC BY 4.0.",
    lang=EN,
)
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")

#: Translation kinds in the curated file, and what each key names.
TRANSLATION_KINDS = ("field", "subfield", "group", "qualification", "unit", "job-role", "aspect", "level")


@dataclass
class Translations:
    """Our English labels, by (kind, key)."""

    labels: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Translations:
        labels = {}
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row["english"].strip():
                    labels[(row["kind"], row["key"])] = row["english"].strip()
        return cls(labels)

    def get(self, kind: str, key: str) -> str | None:
        return self.labels.get((kind, key))


@dataclass
class BuildResult:
    graph: Graph
    decree: Decree
    missing_translations: list[tuple[str, str]]


class _Builder:
    def __init__(self, decree: Decree, iris: Iris, translations: Translations) -> None:
        self.d = decree
        self.iris = iris
        self.tr = translations
        self.g = bind_prefixes(Graph(), iris.base)
        self.missing: list[tuple[str, str]] = []
        self.decree_iri = iris.act(decree.slug)

    # -- helpers
    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal | BNode) -> None:
        self.g.add((s, p, o))

    def text(self, s: URIRef, p: URIRef, value: str, lang: str = ID) -> None:
        self.add(s, p, Literal(value, lang=lang))

    def integer(self, s: URIRef, p: URIRef, value: int) -> None:
        self.add(s, p, Literal(value, datatype=XSD.integer))

    def string(self, s: URIRef, p: URIRef, value: str) -> None:
        self.add(s, p, Literal(value))

    def english(self, s: URIRef, kind: str, key: str) -> None:
        label = self.tr.get(kind, key)
        if label is None:
            self.missing.append((kind, key))
            return
        self.text(s, RDFS.label, label, EN)
        self.add(s, SKOS.editorialNote, UNOFFICIAL_NOTE)
        self.add(s, SKOS.editorialNote, UNOFFICIAL_NOTE_ID)

    # -- the parts
    def build(self) -> Graph:
        self.decree_metadata()
        self.levels_and_aspects()
        units = self.units()
        for q in self.d.qualifications:
            self.qualification(q, units)
        self.dataset()
        return self.g

    def act(self, cite: LegalCitation) -> URIRef:
        iri = self.iris.act(cite.slug)
        self.add(iri, RDF.type, KKNI.LegalAct)
        self.string(iri, KKNI.actType, cite.act_type)
        self.integer(iri, KKNI.actNumber, cite.number)
        self.integer(iri, KKNI.actYear, cite.year)
        self.text(iri, DCTERMS.title, cite.title)
        self.text(iri, RDFS.label, f"{cite.act_type} Nomor {cite.number} Tahun {cite.year}")
        self.text(iri, KKNI.citation, cite.citation)
        return iri

    def decree_metadata(self) -> None:
        d, s = self.d, self.decree_iri
        self.add(s, RDF.type, KKNI.Decree)
        self.add(s, RDF.type, KKNI.LegalAct)
        self.string(s, KKNI.actType, d.act_type)
        self.integer(s, KKNI.actNumber, d.number)
        self.integer(s, KKNI.actYear, d.year)
        self.text(s, DCTERMS.title, d.title)
        self.text(s, RDFS.label, f"{d.act_type} Nomor {d.number} Tahun {d.year}")
        self.text(s, RDFS.label, f"Decree of the Minister of Manpower No. {d.number} of {d.year}", EN)
        self.add(s, KKNI.dateEnacted, Literal(d.date_enacted.isoformat(), datatype=XSD.date))
        self.add(s, KKNI.dateInForce, Literal(d.date_in_force.isoformat(), datatype=XSD.date))
        self.integer(s, KKNI.inForceAfterMonths, d.in_force_after_months)
        self.string(s, KKNI.placeEnacted, d.place)
        self.string(s, KKNI.signatory, d.signatory)
        if d.review_years:
            self.add(s, KKNI.reviewInterval, Literal(f"P{d.review_years}Y", datatype=XSD.duration))
        if d.implements:
            self.text(s, KKNI.implements, d.implements)
        if d.revokes:
            self.add(s, KKNI.revokes, self.act(d.revokes))
        bases = [self.act(b) for b in d.legal_bases]
        for b in bases:
            self.add(s, KKNI.legalBasis, b)
        if bases:
            head = BNode(f"legalbases-{d.slug}")
            Collection(self.g, head, list(bases))
            self.add(s, KKNI.legalBasisList, head)
        for word, text, line in d.diktums:
            dk = self.iris.diktum(d.slug, word)
            self.add(s, KKNI.hasDiktum, dk)
            self.add(dk, RDF.type, KKNI.Diktum)
            self.integer(dk, KKNI.ordinal, DIKTUM_ORDINALS.index(word) + 1)
            self.text(dk, RDFS.label, f"Diktum {word}")
            self.text(dk, KKNI.text, text)
            self.integer(dk, KKNI.sourceLine, line)
        field_slug = "-".join(d.field_name.lower().split())
        f = self.iris.field(field_slug)
        self.add(s, KKNI.field, f)
        self.add(f, RDF.type, KKNI.Field)
        self.text(f, RDFS.label, f"Bidang {d.field_name}")
        self.english(f, "field", field_slug)
        self.string(s, KKNI.sourceDocument, d.source_name)

    def levels_and_aspects(self) -> None:
        scheme = self.iris.level_scheme()
        self.add(scheme, RDF.type, SKOS.ConceptScheme)
        self.text(scheme, RDFS.label, "Jenjang Kualifikasi KKNI")
        self.text(scheme, RDFS.label, "KKNI qualification levels", EN)
        self.text(scheme, SKOS.definition, "Sembilan jenjang Kerangka Kualifikasi Nasional Indonesia (Perpres 8/2012).")
        self.text(
            scheme,
            SKOS.definition,
            "The nine levels of the Indonesian National Qualifications Framework (Presidential Regulation 8/2012).",
            EN,
        )
        for n in range(1, 10):
            lv = self.iris.level(n)
            self.add(lv, RDF.type, KKNI.Level)
            self.add(lv, RDF.type, SKOS.Concept)
            self.add(lv, SKOS.inScheme, scheme)
            self.add(scheme, SKOS.hasTopConcept, lv)
            self.add(lv, SKOS.notation, Literal(str(n)))
            self.integer(lv, KKNI.levelNumber, n)
            self.text(lv, RDFS.label, f"Jenjang {n}")
            self.english(lv, "level", str(n))
        ascheme = self.iris.aspect_scheme()
        self.add(ascheme, RDF.type, SKOS.ConceptScheme)
        self.text(ascheme, RDFS.label, "Aspek Sikap Kerja")
        self.text(ascheme, RDFS.label, "Work-attitude aspects", EN)
        for pos, (slug, name) in enumerate(ASPECTS.items(), 1):
            a = self.iris.aspect(slug)
            self.add(a, RDF.type, KKNI.WorkAttitudeAspect)
            self.add(a, RDF.type, SKOS.Concept)
            self.add(a, SKOS.inScheme, ascheme)
            self.add(ascheme, SKOS.hasTopConcept, a)
            self.add(a, SKOS.notation, Literal(str(pos)))
            self.text(a, RDFS.label, name)
            self.english(a, "aspect", slug)

    def units(self) -> dict[str, URIRef]:
        """Every unit the decree names (rows and prerequisites), with its printed titles."""
        titles: dict[str, Counter[str]] = defaultdict(Counter)
        first_seen: dict[str, dict[str, int]] = defaultdict(dict)
        codes: dict[str, UnitCode] = {}
        order = 0
        for q in self.d.qualifications:
            for row in q.rows:
                codes[row.code.code] = row.code
                titles[row.code.code][row.title] += 1
                first_seen[row.code.code].setdefault(row.title, order)
                order += 1
                for p in row.prerequisites:
                    codes.setdefault(p.code.code, p.code)
        families: dict[str, list[UnitCode]] = defaultdict(list)
        iris: dict[str, URIRef] = {}
        for code, uc in sorted(codes.items()):
            u = self.iris.unit(code)
            iris[code] = u
            families[uc.family].append(uc)
            self.add(u, RDF.type, KKNI.Unit)
            self.string(u, KKNI.code, code)
            self.string(u, KKNI.standardCode, uc.standard)
            self.string(u, KKNI.unitNumber, uc.number)
            self.integer(u, KKNI.unitVersion, uc.version)
            self.add(u, KKNI.mentionedIn, self.decree_iri)
            sec, div, std = self.iris.kbli_section(uc.section), self.iris.kbli_division(uc.division), self.iris.standard(uc.standard_id)
            self.add(u, KKNI.kbliSection, sec)
            self.add(u, KKNI.kbliDivision, div)
            self.add(u, KKNI.standard, std)
            self.add(sec, RDF.type, KKNI.KbliSection)
            self.string(sec, KKNI.code, uc.section)
            self.text(sec, RDFS.label, f"KBLI Kategori {uc.section}")
            self.add(div, RDF.type, KKNI.KbliDivision)
            self.string(div, KKNI.code, uc.division)
            self.text(div, RDFS.label, f"KBLI Golongan Pokok {uc.division}")
            self.add(std, RDF.type, KKNI.CompetencyStandard)
            self.string(std, KKNI.code, uc.standard_id)
            self.text(std, RDFS.label, f"SKKNI {uc.standard_id}")
            if code in titles:
                ranked = sorted(titles[code], key=lambda t: (-titles[code][t], first_seen[code][t]))
                self.text(u, RDFS.label, ranked[0])
                for alt in ranked[1:]:
                    self.text(u, SKOS.altLabel, alt)
                self.english(u, "unit", code)
        for fam, versions in families.items():
            f = self.iris.unit(fam)
            self.add(f, RDF.type, KKNI.UnitFamily)
            self.string(f, KKNI.code, fam)
            self.text(f, RDFS.label, f"Unit kompetensi {fam} (semua versi)")
            self.text(f, RDFS.label, f"Unit of competency {fam} (all versions)", EN)
            for v in versions:
                self.add(iris[v.code], KKNI.versionOf, f)
                self.add(f, KKNI.hasVersion, iris[v.code])
                for w in versions:
                    if w != v:
                        self.add(iris[v.code], KKNI.otherVersion, iris[w.code])
        return iris

    def qualification(self, q: Qualification, units: dict[str, URIRef]) -> None:
        s = self.iris.qualification(self.d.slug, q.short_id)
        self.add(self.decree_iri, KKNI.setsQualification, s)
        self.add(s, RDF.type, KKNI.Qualification)
        self.add(s, KKNI.decree, self.decree_iri)
        self.string(s, KKNI.sectionLetter, q.letter)
        self.integer(s, KKNI.sourceLine, q.line)
        self.add(s, KKNI.level, self.iris.level(q.level))
        self.text(s, RDFS.label, f"Jenjang Kualifikasi {q.level} Kelompok {q.group_name}")
        self.english(s, "qualification", q.short_id)
        group, subfield = self.iris.group(q.group_slug), self.iris.subfield(q.subfield_slug)
        field_iri = self.iris.field("-".join(self.d.field_name.lower().split()))
        self.add(s, KKNI.group, group)
        self.add(s, KKNI.subfield, subfield)
        self.add(s, KKNI.field, field_iri)
        self.add(group, RDF.type, KKNI.Group)
        self.add(group, KKNI.subfield, subfield)
        self.text(group, RDFS.label, q.group_name)
        self.english(group, "group", q.group_slug)
        self.add(subfield, RDF.type, KKNI.Subfield)
        self.add(subfield, KKNI.field, field_iri)
        self.text(subfield, RDFS.label, f"Subbidang {q.subfield_name}")
        self.english(subfield, "subfield", q.subfield_slug)
        self.string(s, KKNI.codificationCode, q.code)
        self.text(s, KKNI.codificationText, q.codification_text)
        self.text(s, KKNI.description, q.description)
        self.text(s, KKNI.workRole, q.work_role)
        for wa in q.work_attitudes:
            w = child(s, "work-attitude", wa.aspect)
            self.add(s, KKNI.hasWorkAttitude, w)
            self.add(w, RDF.type, KKNI.WorkAttitude)
            self.add(w, KKNI.aspect, self.iris.aspect(wa.aspect))
            self.text(w, KKNI.printedAspectName, wa.printed_name)
            self.text(w, KKNI.text, wa.text)
            self.integer(w, KKNI.position, wa.position)
            self.integer(w, KKNI.sourceLine, wa.line)
        for pos, ga in enumerate(q.general_attitudes, 1):
            w = child(s, "general-attitude", ga.marker)
            self.add(s, KKNI.hasGeneralAttitude, w)
            self.add(w, RDF.type, KKNI.GeneralAttitude)
            self.text(w, KKNI.text, ga.text)
            self.string(w, KKNI.itemMarker, ga.marker)
            self.integer(w, KKNI.position, pos)
            self.integer(w, KKNI.sourceLine, ga.line)
        for pos, job in enumerate(q.job_roles, 1):
            j = child(s, "job-role", job.marker)
            self.add(s, KKNI.hasJobRole, j)
            self.add(j, RDF.type, KKNI.JobRole)
            self.add(j, KKNI.qualification, s)
            self.text(j, KKNI.printedTitle, job.text)
            self.text(j, RDFS.label, job.text)
            self.english(j, "job-role", f"{q.short_id}/{job.marker}")
            self.string(j, KKNI.itemMarker, job.marker)
            self.integer(j, KKNI.position, pos)
            self.integer(j, KKNI.sourceLine, job.line)
        for note in q.job_role_notes:
            self.text(s, KKNI.jobRoleNote, f"{note.marker}) {note.text}")
        self.packaging(s, q)
        for row in q.rows:
            lst = child(s, row.role, row.position)
            self.add(s, KKNI.hasListing, lst)
            self.add(lst, RDF.type, KKNI.UnitListing)
            self.add(lst, KKNI.qualification, s)
            self.add(lst, KKNI.unit, units[row.code.code])
            self.add(lst, KKNI.role, KKNI.Core if row.role == "core" else KKNI.Elective)
            self.integer(lst, KKNI.position, row.position)
            self.string(lst, KKNI.printedCode, row.code.code)
            self.text(lst, KKNI.printedTitle, row.title)
            self.integer(lst, KKNI.sourceLine, row.line)
            if not row.prerequisites:
                self.add(lst, KKNI.noPrerequisite, Literal(True))
            for p in row.prerequisites:
                pr = child(lst, "prerequisite", p.position)
                self.add(lst, KKNI.hasPrerequisite, pr)
                self.add(pr, RDF.type, KKNI.Prerequisite)
                self.add(pr, KKNI.qualification, s)
                self.add(pr, KKNI.listing, lst)
                self.add(pr, KKNI.requiredUnit, units[p.code.code])
                self.string(pr, KKNI.requiredUnitCode, p.code.code)
                self.integer(pr, KKNI.position, p.position)
                self.integer(pr, KKNI.sourceLine, p.line)

    def packaging(self, s: URIRef, q: Qualification) -> None:
        r, p = child(s, "packaging-rule"), q.packaging
        self.add(s, KKNI.packagingRule, r)
        self.add(r, RDF.type, KKNI.PackagingRule)
        self.text(r, RDFS.label, f"Aturan Pengemasan {q.letter}: {p.total} unit ({p.core} inti + {p.elective} pilihan)")
        self.integer(r, KKNI.requiredUnits, p.total)
        self.integer(r, KKNI.requiredCore, p.core)
        self.integer(r, KKNI.requiredElective, p.elective)
        self.string(r, KKNI.requiredUnitsInWords, p.total_words)
        self.string(r, KKNI.requiredCoreInWords, p.core_words)
        self.string(r, KKNI.requiredElectiveInWords, p.elective_words)
        self.string(r, KKNI.coreItemMarker, p.core_marker)
        self.string(r, KKNI.electiveItemMarker, p.elective_marker)
        self.text(r, KKNI.text, p.text)
        self.integer(r, KKNI.sourceLine, p.line)

    def dataset(self) -> None:
        ds = self.iris.dataset(self.d.slug)
        self.add(ds, RDF.type, VOID.Dataset)
        self.text(ds, DCTERMS.title, f"KKNI {self.d.field_name}: {self.d.act_type} Nomor {self.d.number} Tahun {self.d.year}")
        self.text(ds, DCTERMS.title, f"KKNI {self.d.field_name}: Minister of Manpower Decree No. {self.d.number} of {self.d.year}", EN)
        self.add(ds, DCTERMS.source, self.decree_iri)
        self.string(ds, PROV.wasDerivedFrom, f"data/source/{self.d.source_name}")
        self.add(ds, DCTERMS.license, CC_BY)
        self.add(ds, DCTERMS.rights, LICENCE_NOTE)
        self.add(ds, SKOS.editorialNote, UNOFFICIAL_NOTE)
        self.string(ds, OWL.versionInfo, __version__)
        self.add(ds, VOID.uriSpace, Literal(self.iris.base))


def build_graph(decree: Decree, base: str = DEFAULT_BASE, translations: Translations | None = None) -> BuildResult:
    """The decree's graph under ``base``; unknown English labels are listed, not invented."""
    builder = _Builder(decree, Iris(base), translations or Translations())
    graph = builder.build()
    return BuildResult(graph, decree, sorted(set(builder.missing)))


HEADER = """\
# GENERATED FILE: do not edit by hand.
# {title}
# Built by kkni-rdf {version} from data/source/{source} with:
#     kkni build{args}
# The decree is recorded as printed; its inconsistencies are reported by the shapes
# (kkni validate), never fixed here. English labels are unofficial translations.
"""


def serialize(graph: Graph, header: str = "") -> str:
    """Sorted, stable Turtle: the same graph gives the same bytes."""
    body = graph.serialize(format="longturtle")
    return header + body


def build_files(source: Path, out_dir: Path, base: str = DEFAULT_BASE, translations_path: Path | None = None) -> tuple[Path, BuildResult]:
    """Parse ``source`` and write ``out_dir/{decree}.ttl``; return the path and the result."""
    decree = parse_decree_file(source)
    translations = Translations.load(translations_path) if translations_path and translations_path.exists() else Translations()
    result = build_graph(decree, base, translations)
    args = "" if base == DEFAULT_BASE else f" --base {base}"
    header = HEADER.format(
        title=f"{decree.act_type} Nomor {decree.number} Tahun {decree.year}", version=__version__, source=source.name, args=args
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{decree.slug}.ttl"
    text = serialize(result.graph, header)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path, result
