"""Users' data against a qualification: a candidate's record, or a training program.

A *candidate record* (``kkni:CandidateRecord``, the units a person holds) is checked for
achievement: core units missing, electives still needed, prerequisites unmet, units that do
not belong to the qualification. A *training program* (``kkni:TrainingProgram``, the units it
offers) is checked for completability: can a learner achieve the qualification with these
units alone? Prerequisites are those printed in the qualification's own table.

Inputs: unit codes (command line, CSV or JSON list), or a record/program in Turtle, N-Triples
or JSON-LD as defined by ``ontology/kkni-user-data.ttl``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDF

from kkni_rdf.checks.catalogue import Catalogue, CheckError, Qual
from kkni_rdf.limits import TooDeep, json_depth
from kkni_rdf.namespaces import DEFAULT_BASE, KKNI
from kkni_rdf.validation.reader import InputError, read_store

# --------------------------------------------------------------------------- results


@dataclass
class CheckResult:
    kind: str  # "record" or "program"
    qualification: Qual
    units: list[str]
    ok: bool
    missing_core: list[str] = field(default_factory=list)
    electives_counted: list[str] = field(default_factory=list)
    electives_needed: int = 0
    unmet_prerequisites: list[tuple[str, str]] = field(default_factory=list)  # (unit, missing prerequisite)
    not_in_qualification: list[str] = field(default_factory=list)
    other_versions: dict[str, str] = field(default_factory=dict)  # given code -> listed version
    unusable_electives: list[str] = field(default_factory=list)  # program: offered but prerequisites not offered
    unknown_codes: dict[str, list[str]] = field(default_factory=dict)  # given code the decree does not know -> nearest known codes
    read_as: dict[str, str] = field(default_factory=dict)  # code as given (another case, a dot missing) -> the decree's code

    def as_dict(self) -> dict[str, object]:
        key = "achieved" if self.kind == "record" else "completable"
        return {
            "kind": self.kind,
            "qualification": self.qualification.iri,
            key: self.ok,
            "units": self.units,
            "rule": {
                "units": self.qualification.required_units,
                "core": self.qualification.required_core,
                "elective": self.qualification.required_elective,
            },
            "missingCore": self.missing_core,
            "electivesCounted": self.electives_counted,
            "electivesNeeded": self.electives_needed,
            "unmetPrerequisites": [{"unit": u, "requires": p} for u, p in self.unmet_prerequisites],
            "notInQualification": self.not_in_qualification,
            "otherVersions": self.other_versions,
            "unusableElectives": self.unusable_electives,
            "unknownCodes": [{"code": c, "nearest": n} for c, n in sorted(self.unknown_codes.items())],
            "readAs": [{"given": g, "code": c} for g, c in sorted(self.read_as.items())],
        }

    def text(self) -> str:
        q = self.qualification
        verdict = (
            ("ACHIEVED" if self.ok else "NOT ACHIEVED") if self.kind == "record" else ("COMPLETABLE" if self.ok else "NOT COMPLETABLE")
        )
        noun = "held" if self.kind == "record" else "offered"
        lines = [
            f"{q.short_id}: {verdict}",
            f"  rule: {q.required_units} units = {q.required_core} core + {q.required_elective} elective; {len(self.units)} units {noun}",
            f"  core units missing ({len(self.missing_core)}): {', '.join(self.missing_core) or '-'}",
            f"  electives counted ({len(self.electives_counted)}): {', '.join(self.electives_counted) or '-'}",
            f"  electives still needed: {self.electives_needed}",
        ]
        if self.unmet_prerequisites:
            lines.append("  prerequisites unmet:")
            lines += [f"    {u} requires {p}" for u, p in self.unmet_prerequisites]
        if self.unusable_electives:
            lines.append(f"  electives offered whose prerequisites are not offered: {', '.join(self.unusable_electives)}")
        if self.not_in_qualification:
            lines.append(f"  units not in this qualification: {', '.join(self.not_in_qualification)}")
        for given, listed in sorted(self.other_versions.items()):
            lines.append(f"    note: {given} is another version of {listed}, which this qualification lists")
        for given, code in sorted(self.read_as.items()):
            lines.append(f"    note: {given} read as {code}")
        for given, near in sorted(self.unknown_codes.items()):
            lines.append(f"    note: {given} is no unit code of the decree" + (f" (nearest: {', '.join(near)})" if near else ""))
        return "\n".join(lines) + "\n"


def _family(code: str) -> str:
    return code.rsplit(".", 1)[0]


def _other_versions(q: Qual, codes: list[str]) -> dict[str, str]:
    listed = {_family(c): c for c in q.listed()}
    return {c: listed[_family(c)] for c in codes if c not in q.listed() and _family(c) in listed}


def check_record(q: Qual, held: list[str]) -> CheckResult:
    """A candidate's record: is the qualification achieved with these units?"""
    have = set(held)
    missing_core = [c for c in q.core if c not in have]
    core = set(q.core)
    electives = [c for c in q.elective if c in have and c not in core]
    needed = max(0, q.required_elective - len(electives))
    counted = [c for c in q.listed() if c in have]
    unmet = sorted({(u, p) for u in counted for p in q.prerequisites.get(u, ()) if p not in have})
    short_total = len(set(q.core) & have) + len(electives) < q.required_units
    outside = sorted(c for c in have if c not in q.listed())
    ok = not missing_core and needed == 0 and not unmet and not short_total
    return CheckResult("record", q, sorted(have), ok, missing_core, electives, needed, unmet, outside, _other_versions(q, outside))


def check_program(q: Qual, offered: list[str]) -> CheckResult:
    """A training program: can a learner complete the qualification with these units alone?"""
    have = set(offered)
    core = set(q.core)
    missing_core = [c for c in q.core if c not in have]
    unmet = sorted({(u, p) for u in core & have for p in q.needs(u) if p not in have})
    usable: list[str] = []
    unusable: list[str] = []
    for c in q.elective:
        if c in have and c not in core:
            (usable if q.needs(c) <= have else unusable).append(c)
    needed = max(0, q.required_elective - len(usable))
    unmet += sorted({(u, p) for u in unusable for p in q.needs(u) if p not in have})
    outside = sorted(c for c in have if c not in q.listed())
    ok = not missing_core and needed == 0 and not any(u in core for u, _ in unmet)
    return CheckResult(
        "program", q, sorted(have), ok, missing_core, usable, needed, sorted(set(unmet)), outside, _other_versions(q, outside), unusable
    )


# --------------------------------------------------------------------------- reading users' inputs


@dataclass
class UserInput:
    codes: list[str]
    kind: str | None = None  # "record" / "program" when the file says so
    qualification: str | None = None


#: What separates the codes of a list people paste: commas, semicolons, white space and line breaks.
SEPARATORS = re.compile(r"[\s,;]+")


def split_codes(text: str) -> list[str]:
    """The codes in ``text``, however a list pasted from a spreadsheet or an e-mail separates them."""
    return [c for c in SEPARATORS.split(text) if c]


def codes_from_text(text: str, suffix: str) -> list[str]:
    """Unit codes from a JSON list (or ``{"units": [...]}``), a CSV (column ``code`` or the first), or plain text
    (codes separated by commas, semicolons, white space or lines: ``split_codes``)."""
    if suffix == ".json":
        try:
            json_depth(text)  # before the recursive parser sees it
            data = json.loads(text)
        except TooDeep as exc:
            raise CheckError(
                str(exc), exc.line, exc.column, f"JSON bersarang lebih dari {exc.limit} tingkat pada baris {exc.line}, kolom {exc.column}"
            ) from None
        except json.JSONDecodeError as exc:
            raise CheckError(
                f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                exc.lineno,
                exc.colno,
                f'bukan JSON yang valid pada baris {exc.lineno}, kolom {exc.colno} (kata-kata pengurai: "{exc.msg}")',
            ) from None
        if isinstance(data, dict):
            data = data.get("units", data.get("codes"))
        if isinstance(data, str):  # {"units": "M.74SPS03.088.2, M.74SPS03.090.1"}: a list as pasted
            data = [data]
        if not isinstance(data, list) or not all(isinstance(c, str) for c in data):
            raise CheckError(
                'a JSON file must hold a list of unit codes, or {"units": [...]} (with "qualification" and "program" over HTTP)',
                pesan='berkas JSON harus berisi daftar kode unit, atau {"units": [...]} (dengan "qualification" dan "program" lewat HTTP)',
            )
        return [c for item in data for c in split_codes(item)]
    if suffix == ".csv":
        reader = csv.reader(io.StringIO(text))
        rows = [r for r in reader if r and any(x.strip() for x in r)]
        if not rows:
            return []
        header = [h.strip().lower() for h in rows[0]]
        col = header.index("code") if "code" in header else 0
        body = rows[1:] if ("code" in header or not _looks_like_code(rows[0][0])) else rows
        return [c for r in body if len(r) > col for c in split_codes(r[col])]
    return split_codes(text)


def _looks_like_code(text: str) -> bool:
    return text.count(".") == 3


def read_input(path: Path) -> UserInput:
    """A record or program file: RDF (``.ttl``, ``.nt``, ``.jsonld``, or ``.json`` with ``@context``) or a list of codes."""
    if not path.is_file():
        raise CheckError(f"no such file: {path}", pesan=f"berkas tidak ada: {path}")
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CheckError(f"{path} is not UTF-8 text", pesan=f"{path} bukan teks UTF-8") from None
    is_rdf = suffix in (".ttl", ".nt", ".jsonld") or (suffix == ".json" and '"@context"' in text)
    if not is_rdf:
        try:
            return UserInput(codes_from_text(text, suffix))
        except CheckError as exc:
            raise exc.prefixed(str(path)) from None
    try:
        store = read_store(path)
    except InputError as exc:
        where = f" pada baris {exc.line}, kolom {exc.column}" if exc.line is not None else ""
        raise CheckError(
            str(exc), exc.line, exc.column, f'{exc.path} tidak dapat dibaca sebagai RDF{where}; kata-kata pengurai: "{exc}"'
        ) from None
    return input_from_store(store, str(path))


Subject = ox.NamedNode | ox.BlankNode


def _subjects_of_type(store: ox.Store, cls: str) -> list[Subject]:
    return [q.subject for q in store.quads_for_pattern(None, ox.NamedNode(RDF.type), ox.NamedNode(cls), ox.DefaultGraph())]  # type: ignore[misc]


def _objects(store: ox.Store, subject: Subject, predicate: str) -> list[Subject | ox.Literal]:
    return [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None, ox.DefaultGraph())]  # type: ignore[misc]


def input_from_store(store: ox.Store, where: str = "the data") -> UserInput:
    """The one ``kkni:CandidateRecord`` or ``kkni:TrainingProgram`` in the store's default graph."""
    found = [(s, "record", KKNI.holdsUnit) for s in _subjects_of_type(store, KKNI.CandidateRecord)]
    found += [(s, "program", KKNI.offersUnit) for s in _subjects_of_type(store, KKNI.TrainingProgram)]
    if len(found) != 1:
        raise CheckError(
            f"{where}: expected exactly one kkni:CandidateRecord or kkni:TrainingProgram, found {len(found)}",
            pesan=f"{where}: diharapkan tepat satu kkni:CandidateRecord atau kkni:TrainingProgram, ditemukan {len(found)}",
        )
    node, kind, prop = found[0]
    codes = []
    for u in _objects(store, node, prop):
        if not isinstance(u, ox.NamedNode) or "/unit/" not in u.value:
            raise CheckError(
                f"{where}: {prop.n3()} must name unit IRIs such as <{DEFAULT_BASE}unit/N.78SPS02.019.2>; found {u}",
                pesan=f"{where}: {prop.n3()} harus menyebut IRI unit seperti <{DEFAULT_BASE}unit/N.78SPS02.019.2>; ditemukan {u}",
            )
        codes.append(u.value.rsplit("/unit/", 1)[1])
    targets = [t.value for t in _objects(store, node, KKNI.targetQualification)]
    if len(targets) > 1:
        raise CheckError(f"{where}: more than one kkni:targetQualification", pesan=f"{where}: lebih dari satu kkni:targetQualification")
    return UserInput(sorted(codes), kind, targets[0] if targets else None)


def run_check(catalogue: Catalogue, qualification: str | None, inp: UserInput, program: bool = False) -> CheckResult:
    """Check ``inp`` against ``qualification`` (or the one the input names); ``CheckError`` on bad input."""
    ref = qualification or inp.qualification
    if ref is None:
        raise CheckError(
            "name the qualification (its IRI or short id, e.g. N78SPS01-5-asesor)",
            pesan="sebutkan kualifikasinya (IRI atau id singkatnya, mis. N78SPS01-5-asesor)",
        )
    q = catalogue.find(ref)
    if qualification and inp.qualification and catalogue.find(inp.qualification).iri != q.iri:
        raise CheckError(
            f"the file is for {inp.qualification}, not {qualification}",
            pesan=f"berkas ini untuk {inp.qualification}, bukan {qualification}",
        )
    kind = "program" if program or inp.kind == "program" else "record"
    read_as = {c: catalogue.read_code(c) for c in inp.codes}
    codes = list(dict.fromkeys(read_as.values()))
    result = check_program(q, codes) if kind == "program" else check_record(q, codes)
    result.read_as = {given: code for given, code in read_as.items() if given != code}
    # codes the decree does not know (a typo, another case) belong to no qualification: reported, never fatal
    result.unknown_codes = {c: catalogue.nearest_units(c) for c in catalogue.unknown_codes(codes)}
    return result
