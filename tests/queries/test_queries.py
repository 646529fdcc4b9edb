"""Every query in queries/: its header, and its answers checked against the decree.

Expected values come from the parser's records (the ``decree`` fixture: what the decree
prints) or from the curated crosswalk/alignment files read with rdflib, never from running
the same query.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from itertools import pairwise
from math import comb
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kkni_rdf.decree.model import Decree, Qualification
from kkni_rdf.namespaces import KKNI, KSH, SH, SKOS
from kkni_rdf.resources import query_files, resource
from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.protocol import select

Row = dict[str, Any]  # a solution: variable → value (int, float, bool, str or None)
QUAL = "https://w3id.org/kkni/qualification/kepmenaker-3-2021/"
CONTRACT = {"qualifications.rq", "unit-listings.rq", "prerequisites.rq"}


def value(term: object) -> object:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt.endswith("#integer"):
            return int(term.value)
        if dt.endswith("#boolean"):
            return term.value == "true"
        if dt.endswith(("#decimal", "#double")):
            return float(term.value)
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def run(store: KkniStore, name: str, edit: tuple[str, str] | None = None) -> list[Row]:
    text = (resource("queries") / name).read_text(encoding="utf-8")
    if edit:
        assert edit[0] in text, f"{name} has no {edit[0]!r} to edit"
        text = text.replace(*edit)
    result = select(store, text)
    names = [v.value for v in result.variables]
    return [{n: value(sol[n]) for n in names} for sol in result]


def q(decree: Decree, short_id: str) -> Qualification:
    return next(x for x in decree.qualifications if x.short_id == short_id)


def short(iri: object) -> str:
    return str(iri).rsplit("/", 1)[-1]


# --------------------------------------------------------------------------- headers


HEADER = re.compile(r"^# title: .+\n# question: .+\n(#   .+\n)*# variables:\n((#   \?\w+ +\S.*\n)+)# example: .+\n")


@pytest.mark.parametrize("path", query_files(), ids=lambda p: p.name)
def test_header_declares_the_select_variables(path: Path, store: KkniStore) -> None:
    text = path.read_text(encoding="utf-8")
    m = HEADER.match(text)
    assert m, f"{path.name}: the header must be '# title:', '# question:', '# variables:' lines, '# example:'"
    declared = [line.split()[1][1:] for line in m[2].splitlines()]
    result = select(store, text)
    assert [v.value for v in result.variables] == declared
    assert f"queries/{path.name}" in m[0].splitlines()[-1], "the example runs this file"


def test_there_are_at_least_twenty_documented_queries_besides_the_contract() -> None:
    names = {p.name for p in query_files()}
    assert names >= CONTRACT
    assert len(names - CONTRACT) >= 20
    readme = (resource("queries") / "README.md").read_text(encoding="utf-8")
    for name in names:
        assert name in readme, f"{name} is not in queries/README.md"


# --------------------------------------------------------------------------- the decree's structure


def test_qualifications_by_level_and_group(store: KkniStore, decree: Decree) -> None:
    rows = run(store, "qualifications-by-level-and-group.rq")
    assert len(rows) == 14
    got = {(r["level"], r["group"], short(r["qualification"]), r["code"]) for r in rows}
    assert got == {(x.level, x.group_name, x.short_id, x.code) for x in decree.qualifications}
    # Diktum KEDUA: Asesor at 4, 5, 6; Pengelola Lembaga Sertifikasi at 3, 5, 6.
    assert sorted(r["level"] for r in rows if r["group"] == "Asesor") == [4, 5, 6]
    assert sorted(r["level"] for r in rows if r["group"] == "Pengelola Lembaga Sertifikasi") == [3, 5, 6]
    assert [r["level"] for r in rows] == sorted(r["level"] for r in rows)


def test_qualification_unit_table(store: KkniStore, decree: Decree) -> None:
    rows = run(store, "qualification-unit-table.rq")
    expected = q(decree, "N78SPS02-3-instruktur").rows  # section A: 5 core, 6 elective rows
    assert len(rows) == 11
    assert [(r["role"], r["position"], r["unitCode"], r["title"]) for r in rows] == [
        (e.role, e.position, e.code.code, e.title) for e in expected
    ]
    assert rows[0]["unitCode"] == "N.78SPS02.011.1"
    assert rows[0]["title"] == "Mengidentifikasi Standar Kompetensi dan Kualifikasi Kerja"
    assert [r["prerequisites"] for r in rows] == [" ".join(p.code.code for p in e.prerequisites) for e in expected]
    # another qualification, chosen by editing the VALUES line
    other = run(store, "qualification-unit-table.rq", ('"N78SPS02-3-instruktur"', '"N78SPS01-4-asesor"'))
    assert len(other) == len(q(decree, "N78SPS01-4-asesor").rows) == 21


def test_shared_units(store: KkniStore, decree: Decree) -> None:
    where: dict[str, set[str]] = defaultdict(set)
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    for x in decree.qualifications:
        for row in x.rows:
            where[row.code.code].add(x.short_id)
            roles[row.code.code][row.role] += 1
    expected = {c: qs for c, qs in where.items() if len(qs) > 1}
    rows = run(store, "shared-units.rq")
    assert {r["unitCode"] for r in rows} == set(expected)
    for r in rows:
        code = str(r["unitCode"])
        assert r["qualifications"] == len(expected[code])
        assert (r["asCore"], r["asElective"]) == (roles[code]["core"], roles[code]["elective"])
        assert {e.split(":")[0] for e in str(r["where"]).split()} == expected[code]
    counts = [r["qualifications"] for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_core_here_elective_there(store: KkniStore, decree: Decree) -> None:
    core = {(r.code.code, x.short_id) for x in decree.qualifications for r in x.rows if r.role == "core"}
    elective = {(r.code.code, x.short_id) for x in decree.qualifications for r in x.rows if r.role == "elective"}
    expected = {(c, a, b) for c, a in core for c2, b in elective if c == c2}
    rows = run(store, "core-here-elective-there.rq")
    assert {(r["unitCode"], short(r["coreIn"]), short(r["electiveIn"])) for r in rows} == expected
    # e.g. N.78SPS02.080.1 is core at Tenaga Pelatihan 5 and elective at Tenaga Pelatihan 6
    assert ("N.78SPS02.080.1", "N78SPS01-5-tenaga-pelatihan", "N78SPS01-6-tenaga-pelatihan") in expected


# --------------------------------------------------------------------------- prerequisites


def _requires(decree: Decree) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for x in decree.qualifications:
        for row in x.rows:
            graph[row.code.code] |= {p.code.code for p in row.prerequisites}
    return graph


def test_prerequisite_closure(store: KkniStore, decree: Decree) -> None:
    graph = _requires(decree)

    def closure(code: str) -> set[str]:
        seen: set[str] = set()
        todo = list(graph.get(code, ()))
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo += graph.get(c, ())
        return seen

    rows = run(store, "prerequisite-closure.rq")
    assert {r["requiredCode"] for r in rows} == closure("N.78SPS02.074.1")
    assert {r["requiredCode"] for r in rows if r["direct"]} == graph["N.78SPS02.074.1"]
    assert any(not r["direct"] for r in rows), "the chain goes deeper than one step"
    everything = run(store, "prerequisite-closure.rq", ('VALUES ?unitCode { "N.78SPS02.074.1" }', ""))
    assert {(r["unitCode"], r["requiredCode"]) for r in everything} == {(u, c) for u in graph for c in closure(u)}


def test_prerequisite_chains(store: KkniStore, decree: Decree) -> None:
    expected = set()
    for x in decree.qualifications:
        needs: dict[str, set[str]] = defaultdict(set)
        for row in x.rows:
            needs[row.code.code] |= {p.code.code for p in row.prerequisites}
        for a, bs in needs.items():
            for b in bs:
                for c in needs.get(b, ()):
                    expected.add((x.short_id, a, b, c))
    rows = run(store, "prerequisite-chains.rq")
    assert {(short(r["qualification"]), r["unitCode"], r["viaCode"], r["requiredCode"]) for r in rows} == expected
    assert ("N78SPS02-4-instruktur", "N.78SPS02.074.1", "N.78SPS02.067.1", "N.78SPS02.063.1") in expected


def test_prerequisite_only_units(store: KkniStore, decree: Decree) -> None:
    listed = {r.code.code for x in decree.qualifications for r in x.rows}
    expected = {
        (p.code.code, x.short_id, r.code.code)
        for x in decree.qualifications
        for r in x.rows
        for p in r.prerequisites
        if p.code.code not in listed
    }
    rows = run(store, "prerequisite-only-units.rq")
    assert {(r["unitCode"], short(r["qualification"]), r["requiredBy"]) for r in rows} == expected
    # The decree: N.78SPS01.004.1 and N.78SPS01.005.1 appear only in a prerequisite cell.
    assert {r["unitCode"] for r in rows} == {"N.78SPS01.004.1", "N.78SPS01.005.1"}


# --------------------------------------------------------------------------- job roles, packaging


def test_job_roles_by_level(store: KkniStore, decree: Decree) -> None:
    rows = run(store, "job-roles-by-level.rq")
    expected = [
        (x.level, x.group_name, x.short_id, j.marker, j.text)
        for x in sorted(decree.qualifications, key=lambda x: (x.level, x.group_name))
        for j in x.job_roles
    ]
    assert [(r["level"], r["group"], short(r["qualification"]), r["marker"], r["jobTitle"]) for r in rows] == expected
    assert len(rows) == 44
    assert ("Ketua LSP") in [r["jobTitle"] for r in rows if r["level"] == 6]


def test_elective_choice(store: KkniStore, decree: Decree) -> None:
    rows = run(store, "elective-choice.rq")
    assert len(rows) == 14
    for r in rows:
        x = q(decree, short(r["qualification"]))
        offered = sum(row.role == "elective" for row in x.rows)
        assert (r["required"], r["offered"], r["spare"]) == (x.packaging.elective, offered, offered - x.packaging.elective)
        assert r["share"] == pytest.approx(x.packaging.elective / offered, abs=0.0005)
    # Section A: choose 4 of the 6 electives printed, C(6, 4) = 15 ways (the header's example).
    a = next(r for r in rows if short(r["qualification"]) == "N78SPS02-3-instruktur")
    assert (a["required"], a["offered"]) == (4, 6)
    assert comb(6, 4) == 15


def test_most_reused_units(store: KkniStore, decree: Decree) -> None:
    uses: dict[str, set[str]] = defaultdict(set)
    for x in decree.qualifications:
        for row in x.rows:
            uses[row.code.code].add(x.short_id)
    rows = run(store, "most-reused-units.rq")
    assert len(rows) == 10
    top = max(len(v) for v in uses.values())
    assert rows[0]["qualifications"] == top
    for r in rows:
        assert r["qualifications"] == len(uses[str(r["unitCode"])])
    tenth = rows[-1]["qualifications"]
    assert all(len(v) <= tenth for c, v in uses.items() if c not in {r["unitCode"] for r in rows})


def test_packaging_arithmetic(store: KkniStore, decree: Decree) -> None:
    rows = run(store, "packaging-arithmetic.rq")
    assert len(rows) == 14
    for r in rows:
        x = q(decree, short(r["qualification"]))
        p = x.packaging
        cores = sum(row.role == "core" for row in x.rows)
        electives = len(x.rows) - cores
        assert r["requiredTotal"] == p.total
        assert r["ruleSum"] == p.core + p.elective
        assert r["addsUp"] is (p.core + p.elective == p.total)
        assert r["coreCovered"] is (cores >= p.core)
        assert r["electiveCovered"] is (electives >= p.elective)


def test_packaging_findings(store: KkniStore, root: Path) -> None:
    rows = run(store, "packaging-findings.rq")
    reports = sorted((root / "data" / "findings").glob("*.ttl")) if (root / "data" / "findings").is_dir() else []
    if not reports:
        # the validation report has not been built yet: the query runs and finds nothing
        assert rows == []
        return
    expected = set()
    for path in reports:
        g = Graph().parse(path)
        for result in g.subjects(SH.resultSeverity, None):
            rule = g.value(result, KSH.ruleId)
            expected.add((None if rule is None else str(rule), str(g.value(result, SH.resultSeverity))))
    assert {(r["ruleId"], r["severity"]) for r in rows} == expected


# --------------------------------------------------------------------------- variants, sectors


def test_title_variants(store: KkniStore, decree: Decree) -> None:
    titles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for x in decree.qualifications:
        for row in x.rows:
            titles[row.code.code][row.title].add(x.short_id)
    variants = {c: t for c, t in titles.items() if len(t) > 1}
    rows = run(store, "title-variants.rq")
    assert {(r["unitCode"], r["title"]) for r in rows} == {(c, t) for c, ts in variants.items() for t in ts}
    for r in rows:
        assert set(str(r["qualifications"]).split()) == variants[str(r["unitCode"])][str(r["title"])]
    # exactly one preferred title per unit
    assert Counter(r["unitCode"] for r in rows if r["preferred"]) == Counter(set(variants))
    # e.g. the decree prints M.74SPS03.141.1 as "Surveilan" in one table and "Surveilans" in another
    assert {r["title"] for r in rows if r["unitCode"] == "M.74SPS03.141.1"} == {
        "Melakukan Surveilan Pemegang Sertifikat Kompetensi",
        "Melakukan Surveilans Pemegang Sertifikat Kompetensi",
    }


def test_unit_versions(store: KkniStore, decree: Decree) -> None:
    codes = {r.code for x in decree.qualifications for r in x.rows} | {
        p.code for x in decree.qualifications for r in x.rows for p in r.prerequisites
    }
    families: dict[str, set[int]] = defaultdict(set)
    for c in codes:
        families[c.family].add(c.version)
    expected = {(f, f"{f}.{v}", v) for f, vs in families.items() if len(vs) > 1 for v in vs}
    rows = run(store, "unit-versions.rq")
    assert {(r["familyCode"], r["unitCode"], r["version"]) for r in rows} == expected
    listed: dict[str, set[str]] = defaultdict(set)
    for x in decree.qualifications:
        for row in x.rows:
            listed[row.code.code].add(x.short_id)
    for r in rows:
        assert set(str(r["qualifications"] or "").split()) == listed[str(r["unitCode"])]


def test_units_by_sector(store: KkniStore, decree: Decree) -> None:
    codes = {r.code for x in decree.qualifications for r in x.rows} | {
        p.code for x in decree.qualifications for r in x.rows for p in r.prerequisites
    }
    rows = run(store, "units-by-sector.rq")
    by = {(r["kbliSection"], r["kbliDivision"]): r for r in rows}
    assert set(by) == {(c.section, c.division) for c in codes} == {("M", "74"), ("N", "78")}
    for (s, d), r in by.items():
        assert r["units"] == len({c.code for c in codes if (c.section, c.division) == (s, d)})
        assert r["rows"] == sum(1 for x in decree.qualifications for row in x.rows if (row.code.section, row.code.division) == (s, d))
    assert by[("N", "78")]["isicDivision"] == "Employment activities"
    assert by[("N", "78")]["isicSection"] == "Administrative and support service activities"
    assert by[("M", "74")]["isicDivision"] == "Other professional, scientific and technical activities"


def test_units_by_standard(store: KkniStore, decree: Decree) -> None:
    codes = {r.code for x in decree.qualifications for r in x.rows} | {
        p.code for x in decree.qualifications for r in x.rows for p in r.prerequisites
    }
    rows = run(store, "units-by-standard.rq")
    assert {r["standard"]: r["units"] for r in rows} == dict(Counter(c.standard_id for c in codes))
    see = {r["standard"]: r["seeAlso"] for r in rows}
    # Mengingat item 7 cites Kepmenaker 333/2020 for category N division 78; M.74 is not cited.
    assert see["N.78SPS02"] == see["N.78SPS01"] == "https://w3id.org/kkni/act/kepmenaker-333-2020"
    assert see["M.74SPS03"] is None
    assert all(r["note"] for r in rows)


def test_work_attitude_progression(store: KkniStore, decree: Decree) -> None:
    rows = run(store, "work-attitude-progression.rq")
    expected = sorted(
        (x.group_name, x.level, w.printed_name, w.text) for x in decree.qualifications for w in x.work_attitudes if w.aspect == "komunikasi"
    )
    assert [(r["group"], r["level"], r["printedAspect"], r["text"]) for r in rows] == expected
    assert len(rows) == 14
    belajar = run(store, "work-attitude-progression.rq", ('"komunikasi"', '"belajar"'))
    assert {r["printedAspect"] for r in belajar} <= {"Belajar"}
    assert len(belajar) == 14


def test_level_progression(store: KkniStore, decree: Decree) -> None:
    by_group: dict[str, list[Qualification]] = defaultdict(list)
    for x in decree.qualifications:
        by_group[x.group_name].append(x)
    expected = set()
    for group, quals in by_group.items():
        quals.sort(key=lambda x: x.level)
        for lower, higher in pairwise(quals):
            for a in lower.rows:
                for b in higher.rows:
                    if a.code.code == b.code.code:
                        expected.add((group, lower.level, higher.level, a.code.code, a.role, b.role))
    rows = run(store, "level-progression.rq")
    got = {(r["group"], r["lowerLevel"], r["higherLevel"], r["unitCode"], r["lowerRole"], r["higherRole"]) for r in rows}
    assert got == expected
    # Pengelola Lembaga Sertifikasi has no level 4: its step goes from 3 to 5.
    assert {(r["lowerLevel"], r["higherLevel"]) for r in rows if r["group"] == "Pengelola Lembaga Sertifikasi"} <= {(3, 5), (5, 6)}


def test_legal_basis(store: KkniStore, decree: Decree) -> None:
    rows = run(store, "legal-basis.rq")
    assert [(r["position"], r["actType"], r["number"], r["year"]) for r in rows] == [
        (i, c.act_type, c.number, c.year) for i, c in enumerate(decree.legal_bases, start=1)
    ]
    assert rows[0]["act"] == "https://w3id.org/kkni/act/uu-13-2003"
    assert (rows[-1]["number"], rows[-1]["year"]) == (333, 2020)


# --------------------------------------------------------------------------- crosswalks, alignments


def _crosswalk(root: Path, name: str) -> Graph:
    return Graph().parse(root / "data" / "crosswalks" / f"{name}.ttl")


def test_level_crosswalk(store: KkniStore, root: Path) -> None:
    rows = run(store, "level-crosswalk.rq")
    expected = set()
    for name in ("aqf", "aqrf", "eqf"):
        g = _crosswalk(root, name)
        for m in g.subjects(None, KKNI.LevelMapping):
            subject = g.value(m, KKNI.mappingSubject)
            target = g.value(m, KKNI.mappingObject)
            expected.add((int(str(subject).rsplit("/", 1)[-1]), str(target), str(g.value(m, KKNI.mappingStatus))))
    assert {(r["kkniLevel"], r["target"], r["status"]) for r in rows} == expected
    assert len(rows) == 28  # 9 KKNI levels x 2 frameworks (AQRF, EQF) + 10 AQF mappings (KKNI 5 spans AQF 5 and 6)
    # nothing in these files is presented as official
    assert {r["status"] for r in rows} == {str(KKNI.Proposed)}
    assert all(r["rationale"] for r in rows)


@pytest.mark.parametrize(
    ("query", "scheme_var"),
    [
        ("qualifications-by-aqf-level.rq", "aqfLevel"),
        ("qualifications-by-aqrf-level.rq", "aqrfLevel"),
        ("qualifications-by-eqf-level.rq", "eqfLevel"),
    ],
)
def test_qualifications_by_framework_level(store: KkniStore, decree: Decree, root: Path, query: str, scheme_var: str) -> None:
    name = query.removeprefix("qualifications-by-").removesuffix("-level.rq")
    g = _crosswalk(root, name)
    targets_of: dict[int, set[str]] = {}
    for m in g.subjects(None, KKNI.LevelMapping):
        level = int(str(g.value(m, KKNI.mappingSubject)).rsplit("/", 1)[-1])
        targets_of.setdefault(level, set()).add(str(g.value(g.value(m, KKNI.mappingObject), SKOS.notation)))
    rows = run(store, query)
    expected = {(x.short_id, target) for x in decree.qualifications for target in targets_of[x.level]}
    assert {(short(r["qualification"]), r[scheme_var]) for r in rows} == expected
    assert len(rows) == len(expected)
    assert all(r["status"] == str(KKNI.Proposed) for r in rows)


def test_kkni_level_5_spans_two_aqf_levels(store: KkniStore, decree: Decree) -> None:
    # nine KKNI levels meet ten AQF levels: level 5 maps to AQF 5 and 6, each narrower than it
    rows = run(store, "qualifications-by-aqf-level.rq")
    level5 = {x.short_id for x in decree.qualifications if x.level == 5}
    assert {(short(r["qualification"]), r["aqfLevel"]) for r in rows if r["kkniLevel"] == 5} == {(q, n) for q in level5 for n in ("5", "6")}
    assert {r["relation"] for r in rows if r["kkniLevel"] == 5} == {str(SKOS.narrowMatch)}
    assert {(r["kkniLevel"], r["aqfLevel"]) for r in rows if r["kkniLevel"] != 5} == {(3, "3"), (4, "4"), (6, "7")}


def test_job_roles_isco(store: KkniStore, decree: Decree, root: Path) -> None:
    g = Graph().parse(root / "data" / "alignments" / "isco.ttl")
    mapped = {
        str(g.value(m, KKNI.mappingSubject)): (
            str(g.value(g.value(m, KKNI.mappingObject), SKOS.notation)),
            float(str(g.value(m, KKNI.confidence))),
        )
        for m in g.subjects(None, KKNI.OccupationMapping)
    }
    rows = run(store, "job-roles-isco.rq")
    assert [r["jobTitle"] for r in rows] == [j.text for x in decree.qualifications for j in x.job_roles]
    jobs = [(x.short_id, j.marker) for x in decree.qualifications for j in x.job_roles]
    for r, (short_id, marker) in zip(rows, jobs, strict=True):
        iri = f"{QUAL}{short_id}/job-role/{marker}"
        if iri in mapped:
            assert (r["isco"], r["confidence"]) == mapped[iri]
        else:
            assert r["isco"] is None
    assert next(r for r in rows if r["jobTitle"] == "Pengajar Vokasi")["isco"] == "2320"
    confident = run(store, "job-roles-isco.rq", ("BIND (0.0 AS ?minimum)", "BIND (0.9 AS ?minimum)"))
    assert {r["jobTitle"] for r in confident if r["isco"]} == {
        "Pengajar Vokasi", "Instruktur Muda", "Instruktur Senior", "Instruktur Madya"
    }  # fmt: skip
