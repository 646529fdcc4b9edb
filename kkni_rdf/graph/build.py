"""Turn a parsed decree into its RDF graph, and write it as sorted, stable Turtle.

The graph says what the decree prints: where the decree is inconsistent, the graph keeps
what it says (the shapes report it). Our English labels come from a curated file
(``data/curated/translations-en.csv``) and are marked as unofficial translations.

The levels and the work-attitude aspects every decree's graph carries are curated Turtle
(``data/curated/``, read by ``kkni_rdf.schemes``), copied in under the build's base.

The builder adds plain strings to a ``graph.turtle.TripleSet`` and ``graph.turtle.sorted_turtle``
writes them (subject, then ``rdf:type`` first and the other predicates, then object), so that the
same decree gives the same bytes and a national set of decrees builds in seconds. An rdflib
``Graph`` of the result is made only when asked for (``BuildResult.graph``).
"""

from __future__ import annotations

import gc
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from kkni_rdf import __version__
from kkni_rdf.decree.model import DIKTUM_ORDINALS, Decree, LegalCitation, Qualification, UnitCode
from kkni_rdf.decree.parser import parse_decree_file
from kkni_rdf.files import write_bytes
from kkni_rdf.graph.translations import Translations
from kkni_rdf.graph.turtle import SortedTriples, TripleSet, sorted_turtle
from kkni_rdf.iris import Iris
from kkni_rdf.namespaces import CC_BY, DCTERMS, DEFAULT_BASE, KKNI, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD, bind_prefixes, select_prefixes
from kkni_rdf.schemes import SCHEMES, concepts, scheme_triples
from kkni_rdf.terms import to_rdflib

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


@dataclass
class BuildResult:
    """A decree's triples (without duplicates), the decree, and the labels we lack."""

    triple_set: TripleSet
    decree: Decree
    missing_translations: list[tuple[str, str]]
    base: str = DEFAULT_BASE

    @property
    def triple_count(self) -> int:
        return len(self.triple_set)

    @cached_property
    def triples(self) -> SortedTriples:
        """The triples as Oxigraph triples in the file's order (made on first use)."""
        return self.triple_set.sorted()

    @cached_property
    def graph(self) -> Graph:
        """The triples as an rdflib ``Graph`` (made on first use), with the project's prefixes."""
        g = bind_prefixes(Graph(), self.base)
        for t in self.triples:
            g.add((to_rdflib(t.subject), URIRef(t.predicate.value), to_rdflib(t.object)))
        return g


class _Vocabulary(Protocol):
    """An rdflib ``Namespace`` or ``DefinedNamespace``: its terms by name."""

    def __getitem__(self, name: str, /) -> str: ...


class _Terms:
    """A namespace's terms as plain strings, made once (``_KKNI.decree``): rdflib's ``Namespace``
    makes a new ``URIRef`` on every attribute access, which is most of the cost of a big build."""

    def __init__(self, namespace: _Vocabulary) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:
        value = str.__str__(self._namespace[name])
        setattr(self, name, value)
        return value


_KKNI, _RDF, _RDFS, _SKOS, _DCTERMS, _OWL, _VOID, _PROV, _XSD = (
    _Terms(ns) for ns in (KKNI, RDF, RDFS, SKOS, DCTERMS, OWL, VOID, PROV, XSD)
)
_XSD_INTEGER = _XSD.integer


def _ranked(counts: Counter[str], first_seen: dict[str, int]) -> list[str]:
    """The titles, the most printed first (ties: the first printed first)."""
    return sorted(counts, key=lambda t: (-counts[t], first_seen[t]))


def _child(parent: str, *parts: object) -> str:
    """``iris.child`` as a plain string (see ``_Terms``)."""
    return "/".join([parent, *(str(p) for p in parts)])


class _PlainIris:
    """``Iris``'s IRIs as plain strings, each made once per build: ``Iris`` makes rdflib ``URIRef``s,
    whose construction, hashing and equality are Python code, for every one of the many times
    a build names a unit, a level or a group."""

    def __init__(self, iris: Iris) -> None:
        self.iris = iris
        self.base = iris.base
        self._made: dict[tuple[object, ...], str] = {}

    def __getattr__(self, name: str) -> Callable[..., str]:
        """``Iris``'s method ``name`` (``unit``, ``level``, …), giving plain strings, each made once."""
        make = getattr(self.iris, name)

        def plain(*parts: object) -> str:
            key = (name, *parts)
            iri = self._made.get(key)
            if iri is None:
                iri = self._made[key] = str.__str__(make(*parts))
            return iri

        setattr(self, name, plain)  # found as an attribute from now on
        return plain


_CC_BY = str.__str__(CC_BY)


class _Builder:
    def __init__(self, decree: Decree, iris: Iris, translations: Translations) -> None:
        self.d = decree
        self.iris = _PlainIris(iris)
        self.tr = translations
        self.t = TripleSet()
        self.missing: list[tuple[str, str]] = []
        self.decree_iri = self.iris.act(decree.slug)
        self.field_slug = "-".join(decree.field_name.lower().split())
        self.field_iri = self.iris.field(self.field_slug)

    # -- helpers
    def add(self, s: str | ox.BlankNode, p: str, o: str | ox.BlankNode) -> None:
        self.t.iri(s, p, o)

    def note(self, s: str, p: str, o: Literal) -> None:
        """A literal made once (the notes every translated resource carries)."""
        self.t.literal(s, p, str(o), o.language, str(o.datatype) if o.datatype is not None else None)

    def text(self, s: str, p: str, value: str, lang: str = ID) -> None:
        self.t.literal(s, p, value, lang)

    def integer(self, s: str, p: str, value: int) -> None:
        self.t.literal(s, p, str(value), datatype=_XSD_INTEGER)

    def typed(self, s: str, p: str, value: str, datatype: str) -> None:
        self.t.literal(s, p, value, datatype=datatype)

    def string(self, s: str, p: str, value: str) -> None:
        self.t.literal(s, p, value)

    def english(self, s: str, kind: str, key: str) -> str | None:
        """Our English label of ``s`` (marked as an unofficial translation), which it returns; None if we lack it."""
        label = self.tr.get(kind, key)
        if label is None:
            self.missing.append((kind, key))
            return None
        self.text(s, _RDFS.label, label, EN)
        self.note(s, _SKOS.editorialNote, UNOFFICIAL_NOTE)
        self.note(s, _SKOS.editorialNote, UNOFFICIAL_NOTE_ID)
        return label

    # -- the parts
    def build(self) -> TripleSet:
        self.decree_metadata()
        self.concept_schemes()
        units = self.units()
        for q in self.d.qualifications:
            self.qualification(q, units)
        self.dataset()
        return self.t

    def legal_act(self, iri: str, act_type: str, number: int, year: int, title: str) -> None:
        """What every legal act has: its kind, number, year, title and its name as a label."""
        self.add(iri, _RDF.type, _KKNI.LegalAct)
        self.string(iri, _KKNI.actType, act_type)
        self.integer(iri, _KKNI.actNumber, number)
        self.integer(iri, _KKNI.actYear, year)
        self.text(iri, _DCTERMS.title, title)
        self.text(iri, _RDFS.label, f"{act_type} Nomor {number} Tahun {year}")

    def act(self, cite: LegalCitation) -> str:
        """An act the decree cites (a legal basis, the act it revokes)."""
        iri = self.iris.act(cite.slug)
        self.legal_act(iri, cite.act_type, cite.number, cite.year, cite.title)
        self.text(iri, _KKNI.citation, cite.citation)
        return iri

    def decree_metadata(self) -> None:
        d, s = self.d, self.decree_iri
        self.add(s, _RDF.type, _KKNI.Decree)
        self.legal_act(s, d.act_type, d.number, d.year, d.title)
        self.text(s, _RDFS.label, f"Decree of the Minister of Manpower No. {d.number} of {d.year}", EN)
        self.typed(s, _KKNI.dateEnacted, d.date_enacted.isoformat(), _XSD.date)
        self.typed(s, _KKNI.dateInForce, d.date_in_force.isoformat(), _XSD.date)
        self.integer(s, _KKNI.inForceAfterMonths, d.in_force_after_months)
        self.string(s, _KKNI.placeEnacted, d.place)
        self.string(s, _KKNI.signatory, d.signatory)
        if d.review_years:
            self.typed(s, _KKNI.reviewInterval, f"P{d.review_years}Y", _XSD.duration)
        if d.implements:
            self.text(s, _KKNI.implements, d.implements)
        if d.revokes:
            self.add(s, _KKNI.revokes, self.act(d.revokes))
        self.legal_bases()
        self.diktums()
        self.field()
        self.string(s, _KKNI.sourceDocument, d.source_name)

    def legal_bases(self) -> None:
        d, s = self.d, self.decree_iri
        bases = [self.act(b) for b in d.legal_bases]
        for b in bases:
            self.add(s, _KKNI.legalBasis, b)
        if bases:
            # an rdf:List with stable blank-node labels (the same decree gives the same bytes)
            cells = [ox.BlankNode(f"legalbases-{d.slug}-{n}") for n in range(1, len(bases) + 1)]
            for n, (cell, b) in enumerate(zip(cells, bases, strict=True)):
                self.add(cell, _RDF.first, b)
                self.add(cell, _RDF.rest, cells[n + 1] if n + 1 < len(cells) else _RDF.nil)
            self.add(s, _KKNI.legalBasisList, cells[0])

    def diktums(self) -> None:
        d, s = self.d, self.decree_iri
        for word, text, line in d.diktums:
            dk = self.iris.diktum(d.slug, word)
            self.add(s, _KKNI.hasDiktum, dk)
            self.add(dk, _RDF.type, _KKNI.Diktum)
            self.integer(dk, _KKNI.ordinal, DIKTUM_ORDINALS.index(word) + 1)
            self.text(dk, _RDFS.label, f"Diktum {word}")
            self.text(dk, _KKNI.text, text)
            self.integer(dk, _KKNI.sourceLine, line)

    def field(self) -> None:
        f = self.field_iri
        self.add(self.decree_iri, _KKNI.field, f)
        self.add(f, _RDF.type, _KKNI.Field)
        self.text(f, _RDFS.label, f"Bidang {self.d.field_name}")
        self.english(f, "field", self.field_slug)

    def concept_schemes(self) -> None:
        """The levels and the work-attitude aspects (curated Turtle, ``kkni_rdf.schemes``), with our English labels,
        as SKOS wants them: each label (the curated ones, ours) also the scheme's or concept's ``skos:prefLabel``
        in its language, and each top concept ``skos:topConceptOf`` its scheme."""
        for scheme in SCHEMES:
            for t in scheme_triples(scheme, self.iris.base):
                self.t.add_term(t.subject, t.predicate, t.object)
                if t.predicate.value == _RDFS.label:
                    self.t.add_term(t.subject, ox.NamedNode(_SKOS.prefLabel), t.object)
                elif t.predicate.value == _SKOS.hasTopConcept:
                    self.t.add_term(t.object, ox.NamedNode(_SKOS.topConceptOf), t.subject)
            for iri, key in concepts(scheme, self.iris.base):
                label = self.english(iri, scheme.translation_kind, key)
                if label is not None:
                    self.text(iri, _SKOS.prefLabel, label, EN)

    def units(self) -> dict[str, str]:
        """Every unit the decree names (rows and prerequisites), with its printed titles; the IRI of each, by code."""
        codes, titles = self.printed_units()
        iris: dict[str, str] = {}
        families: dict[str, list[UnitCode]] = defaultdict(list)
        for code, uc in sorted(codes.items()):
            iris[code] = self.unit(uc, titles.get(code, []))
            families[uc.family].append(uc)
        for family, versions in families.items():
            self.unit_family(family, [iris[v.code] for v in versions])
        return iris

    def printed_units(self) -> tuple[dict[str, UnitCode], dict[str, list[str]]]:
        """The codes the decree prints (in rows and prerequisite cells), and each row unit's printed titles,
        the most printed first (ties: the first printed first)."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        first_seen: dict[str, dict[str, int]] = defaultdict(dict)
        codes: dict[str, UnitCode] = {}
        rows = [row for q in self.d.qualifications for row in q.rows]
        for order, row in enumerate(rows):
            codes[row.code.code] = row.code
            counts[row.code.code][row.title] += 1
            first_seen[row.code.code].setdefault(row.title, order)
        for row in rows:
            for p in row.prerequisites:
                codes.setdefault(p.code.code, p.code)
        return codes, {code: _ranked(c, first_seen[code]) for code, c in counts.items()}

    def unit(self, uc: UnitCode, titles: list[str]) -> str:
        """A unit (one version), its KBLI section and division and its standard; a unit known only from
        a prerequisite cell has no title."""
        u = self.iris.unit(uc.code)
        self.add(u, _RDF.type, _KKNI.Unit)
        self.string(u, _KKNI.code, uc.code)
        self.string(u, _KKNI.standardCode, uc.standard)
        self.string(u, _KKNI.unitNumber, uc.number)
        self.integer(u, _KKNI.unitVersion, uc.version)
        self.add(u, _KKNI.mentionedIn, self.decree_iri)
        sec, div, std = self.iris.kbli_section(uc.section), self.iris.kbli_division(uc.division), self.iris.standard(uc.standard_id)
        self.add(u, _KKNI.kbliSection, sec)
        self.add(u, _KKNI.kbliDivision, div)
        self.add(u, _KKNI.standard, std)
        self.add(sec, _RDF.type, _KKNI.KbliSection)
        self.string(sec, _KKNI.code, uc.section)
        self.text(sec, _RDFS.label, f"KBLI Kategori {uc.section}")
        self.add(div, _RDF.type, _KKNI.KbliDivision)
        self.string(div, _KKNI.code, uc.division)
        self.text(div, _RDFS.label, f"KBLI Golongan Pokok {uc.division}")
        self.add(std, _RDF.type, _KKNI.CompetencyStandard)
        self.string(std, _KKNI.code, uc.standard_id)
        self.text(std, _RDFS.label, f"SKKNI {uc.standard_id}")
        if titles:
            self.text(u, _RDFS.label, titles[0])
            for alt in titles[1:]:
                self.text(u, _SKOS.altLabel, alt)
            self.english(u, "unit", uc.code)
        return u

    def unit_family(self, family: str, versions: list[str]) -> None:
        """The unit across its versions, and the versions linked to it and to each other."""
        f = self.iris.unit(family)
        self.add(f, _RDF.type, _KKNI.UnitFamily)
        self.string(f, _KKNI.code, family)
        self.text(f, _RDFS.label, f"Unit kompetensi {family} (semua versi)")
        self.text(f, _RDFS.label, f"Unit of competency {family} (all versions)", EN)
        for v in versions:
            self.add(v, _KKNI.versionOf, f)
            self.add(f, _KKNI.hasVersion, v)
            for w in versions:
                if w != v:
                    self.add(v, _KKNI.otherVersion, w)

    def qualification(self, q: Qualification, units: dict[str, str]) -> None:
        s = self.iris.qualification(self.d.slug, q.short_id)
        self.add(self.decree_iri, _KKNI.setsQualification, s)
        self.add(s, _RDF.type, _KKNI.Qualification)
        self.add(s, _KKNI.decree, self.decree_iri)
        self.string(s, _KKNI.sectionLetter, q.letter)
        self.integer(s, _KKNI.sourceLine, q.line)
        self.add(s, _KKNI.level, self.iris.level(q.level))
        self.text(s, _RDFS.label, f"Jenjang Kualifikasi {q.level} Kelompok {q.group_name}")
        self.english(s, "qualification", q.short_id)
        group, subfield = self.iris.group(q.group_slug), self.iris.subfield(q.subfield_slug)
        self.add(s, _KKNI.group, group)
        self.add(s, _KKNI.subfield, subfield)
        self.add(s, _KKNI.field, self.field_iri)
        self.add(group, _RDF.type, _KKNI.Group)
        self.add(group, _KKNI.subfield, subfield)
        self.text(group, _RDFS.label, q.group_name)
        self.english(group, "group", q.group_slug)
        self.add(subfield, _RDF.type, _KKNI.Subfield)
        self.add(subfield, _KKNI.field, self.field_iri)
        self.text(subfield, _RDFS.label, f"Subbidang {q.subfield_name}")
        self.english(subfield, "subfield", q.subfield_slug)
        self.string(s, _KKNI.codificationCode, q.code)
        self.text(s, _KKNI.codificationText, q.codification_text)
        self.text(s, _KKNI.description, q.description)
        self.text(s, _KKNI.workRole, q.work_role)
        for wa in q.work_attitudes:
            w = _child(s, "work-attitude", wa.aspect)
            self.add(s, _KKNI.hasWorkAttitude, w)
            self.add(w, _RDF.type, _KKNI.WorkAttitude)
            self.add(w, _KKNI.aspect, self.iris.aspect(wa.aspect))
            self.text(w, _KKNI.printedAspectName, wa.printed_name)
            self.text(w, _KKNI.text, wa.text)
            self.integer(w, _KKNI.position, wa.position)
            self.integer(w, _KKNI.sourceLine, wa.line)
        for pos, ga in enumerate(q.general_attitudes, 1):
            w = _child(s, "general-attitude", ga.marker)
            self.add(s, _KKNI.hasGeneralAttitude, w)
            self.add(w, _RDF.type, _KKNI.GeneralAttitude)
            self.text(w, _KKNI.text, ga.text)
            self.string(w, _KKNI.itemMarker, ga.marker)
            self.integer(w, _KKNI.position, pos)
            self.integer(w, _KKNI.sourceLine, ga.line)
        for pos, job in enumerate(q.job_roles, 1):
            j = _child(s, "job-role", job.marker)
            self.add(s, _KKNI.hasJobRole, j)
            self.add(j, _RDF.type, _KKNI.JobRole)
            self.add(j, _KKNI.qualification, s)
            self.text(j, _KKNI.printedTitle, job.text)
            self.text(j, _RDFS.label, job.text)
            self.english(j, "job-role", f"{q.short_id}/{job.marker}")
            self.string(j, _KKNI.itemMarker, job.marker)
            self.integer(j, _KKNI.position, pos)
            self.integer(j, _KKNI.sourceLine, job.line)
        for note in q.job_role_notes:
            self.text(s, _KKNI.jobRoleNote, f"{note.marker}) {note.text}")
        self.packaging(s, q)
        for row in q.rows:
            lst = _child(s, row.role, row.position)
            self.add(s, _KKNI.hasListing, lst)
            self.add(lst, _RDF.type, _KKNI.UnitListing)
            self.add(lst, _KKNI.qualification, s)
            self.add(lst, _KKNI.unit, units[row.code.code])
            self.add(lst, _KKNI.role, _KKNI.Core if row.role == "core" else _KKNI.Elective)
            self.integer(lst, _KKNI.position, row.position)
            self.string(lst, _KKNI.printedCode, row.code.code)
            self.text(lst, _KKNI.printedTitle, row.title)
            self.integer(lst, _KKNI.sourceLine, row.line)
            if not row.prerequisites:
                self.typed(lst, _KKNI.noPrerequisite, "true", _XSD.boolean)
            for p in row.prerequisites:
                pr = _child(lst, "prerequisite", p.position)
                self.add(lst, _KKNI.hasPrerequisite, pr)
                self.add(pr, _RDF.type, _KKNI.Prerequisite)
                self.add(pr, _KKNI.qualification, s)
                self.add(pr, _KKNI.listing, lst)
                self.add(pr, _KKNI.requiredUnit, units[p.code.code])
                self.string(pr, _KKNI.requiredUnitCode, p.code.code)
                self.integer(pr, _KKNI.position, p.position)
                self.integer(pr, _KKNI.sourceLine, p.line)

    def packaging(self, s: str, q: Qualification) -> None:
        r, p = _child(s, "packaging-rule"), q.packaging
        self.add(s, _KKNI.packagingRule, r)
        self.add(r, _RDF.type, _KKNI.PackagingRule)
        self.text(r, _RDFS.label, f"Aturan Pengemasan {q.letter}: {p.total} unit ({p.core} inti + {p.elective} pilihan)")
        self.integer(r, _KKNI.requiredUnits, p.total)
        self.integer(r, _KKNI.requiredCore, p.core)
        self.integer(r, _KKNI.requiredElective, p.elective)
        self.string(r, _KKNI.requiredUnitsInWords, p.total_words)
        self.string(r, _KKNI.requiredCoreInWords, p.core_words)
        self.string(r, _KKNI.requiredElectiveInWords, p.elective_words)
        self.string(r, _KKNI.coreItemMarker, p.core_marker)
        self.string(r, _KKNI.electiveItemMarker, p.elective_marker)
        self.text(r, _KKNI.text, p.text)
        self.integer(r, _KKNI.sourceLine, p.line)

    def dataset(self) -> None:
        ds = self.iris.dataset(self.d.slug)
        self.add(ds, _RDF.type, _VOID.Dataset)
        self.text(ds, _DCTERMS.title, f"KKNI {self.d.field_name}: {self.d.act_type} Nomor {self.d.number} Tahun {self.d.year}")
        self.text(ds, _DCTERMS.title, f"KKNI {self.d.field_name}: Minister of Manpower Decree No. {self.d.number} of {self.d.year}", EN)
        self.add(ds, _DCTERMS.source, self.decree_iri)
        self.string(ds, _PROV.wasDerivedFrom, f"data/source/{self.d.source_name}")
        self.add(ds, _DCTERMS.license, _CC_BY)
        self.note(ds, _DCTERMS.rights, LICENCE_NOTE)
        self.note(ds, _SKOS.editorialNote, UNOFFICIAL_NOTE)
        self.string(ds, _OWL.versionInfo, __version__)
        self.string(ds, _VOID.uriSpace, self.iris.base)


def build_graph(decree: Decree, base: str = DEFAULT_BASE, translations: Translations | None = None) -> BuildResult:
    """The decree's graph under ``base``; unknown English labels are listed, not invented."""
    builder = _Builder(decree, Iris(base), translations or Translations())
    return BuildResult(builder.build(), decree, sorted(set(builder.missing)), base)


HEADER = """\
# GENERATED FILE: do not edit by hand.
# {title}
# Built by kkni-rdf {version} from data/source/{source} with:
#     kkni build{args}
# The decree is recorded as printed; its inconsistencies are reported by the shapes
# (kkni validate), never fixed here. English labels are unofficial translations.
"""

#: The prefixes a decree's file binds (Oxigraph writes every one given; these are the ones that occur).
TURTLE_PREFIXES = ("rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "void", "prov", "kkni", "act", "unit", "group", "level")


def serialize(graph: Graph | Iterable[ox.Triple], header: str = "", base: str = DEFAULT_BASE) -> str:
    """A decree's graph as its file holds it: ``graph.turtle.sorted_turtle`` with the data files' prefixes."""
    return sorted_turtle(graph, select_prefixes(TURTLE_PREFIXES, base), header).decode("utf-8")


@dataclass(frozen=True)
class BuildSummary:
    """What building one decree wrote (small enough to return from a worker process)."""

    path: Path
    slug: str
    triples: int
    qualifications: int
    unit_rows: int
    prerequisites: int
    missing_translations: int


def _header(decree: Decree, source: Path, base: str) -> str:
    args = "" if base == DEFAULT_BASE else f" --base {base}"
    return HEADER.format(
        title=f"{decree.act_type} Nomor {decree.number} Tahun {decree.year}", version=__version__, source=source.name, args=args
    )


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Without the cyclic garbage collector: a build makes no cycles worth collecting, only many
    small containers, and the collector's passes over them took a tenth of its time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_files(source: Path, out_dir: Path, base: str = DEFAULT_BASE, translations_path: Path | None = None) -> tuple[Path, BuildResult]:
    """Parse ``source`` and write ``out_dir/{decree}.ttl``; return the path and the result."""
    with _no_cyclic_gc():
        return _build_files(source, out_dir, base, translations_path)


def _build_files(source: Path, out_dir: Path, base: str, translations_path: Path | None) -> tuple[Path, BuildResult]:
    decree = parse_decree_file(source)
    result = build_graph(decree, base, Translations.load_if_present(translations_path))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{decree.slug}.ttl"
    data = sorted_turtle(result.triples, select_prefixes(TURTLE_PREFIXES, base), _header(decree, source, base))
    if not path.exists() or path.read_bytes() != data:
        write_bytes(path, data)  # atomic: a full disk or a kill leaves the previous file whole
    return path, result


def _build_one(source: Path, out_dir: Path, base: str, translations_path: Path | None) -> BuildSummary:
    with _no_cyclic_gc():  # until the build is freed too, so that the collector never walks it
        path, r = build_files(source, out_dir, base, translations_path)
        rows = [row for q in r.decree.qualifications for row in q.rows]
        summary = BuildSummary(
            path,
            r.decree.slug,
            r.triple_count,
            len(r.decree.qualifications),
            len(rows),
            sum(len(row.prerequisites) for row in rows),
            len(r.missing_translations),
        )
        del r, rows
    return summary


def build_many(
    sources: Sequence[Path], out_dir: Path, base: str = DEFAULT_BASE, translations_path: Path | None = None, jobs: int | None = None
) -> list[BuildSummary]:
    """Build several decrees into ``out_dir``, one process per core (``jobs``), in the order given.

    Each decree is independent (its own file and named graph), so they build in parallel.
    ``DecreeParseError`` from any of them is raised as it would be by ``build_files``.
    """
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(sources)))
    if jobs == 1:
        return [_build_one(s, out_dir, base, translations_path) for s in sources]
    out_dir.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_build_one, s, out_dir, base, translations_path) for s in sources]
        return [f.result() for f in futures]
