"""The decree's report: pinned to docs/findings.md, and the committed RDF equals a fresh run;
how a report names its findings' qualifications and keeps each finding once."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from rdflib import Graph, URIRef

from kkni_rdf.namespaces import KKNI, KSH, SH
from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.validation.engine import decree_data, validate_decree, validate_files
from kkni_rdf.validation.findings import Finding, Report
from kkni_rdf.validation.reports import findings_path, findings_text
from tests.helpers import ROOT

ROW = re.compile(r"^\| (violation|warning|info) \| ([\w.-]+) \| ([A-N-]) \| ([\w-]+) \| ([\w.-]+) \| (\d+|None) \|$")


def documented() -> list[tuple[str, ...]]:
    text = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    return sorted(m.groups() for line in text.splitlines() if (m := ROW.match(line)))


def reported() -> list[tuple[str, ...]]:
    g = decree_data().graph
    rows = []
    for f in validate_decree().findings:
        q = f.qualification
        section = str(g.value(URIRef(q), KKNI.sectionLetter)) if q else "-"
        rows.append((f.severity, f.rule, section, q.rsplit("/", 1)[-1] if q else "-", f.unit or "-", str(f.source_line)))
    return sorted(rows)


def test_the_decree_report_is_the_documented_list() -> None:
    doc = documented()
    assert len(doc) == 91
    assert reported() == doc


def test_known_inconsistencies_are_reported() -> None:
    rows = {(r[1], r[3], r[4]) for r in reported()}
    # checked by hand against data/source/kepmenaker-3-2021.txt (see docs/findings.md)
    assert ("prerequisite.not-listed", "N78SPS02-5-instruktur", "N.78SPS02.084.2") in rows  # C, line 353
    assert ("prerequisite.other-version", "N78SPS02-6-instruktur", "N.78SPS01.001.1") in rows  # D, lines 465-468
    assert ("listing.core-and-elective", "N78SPS01-6-pengelola-lembaga-sertifikasi", "M.74SPS03.097.1") in rows  # N
    assert {u for r, q, u in rows if r == "listing.core-and-elective" and q == "N78SPS01-6-asesor"} == {
        "M.74SPS03.117.1",
        "M.74SPS03.119.1",
        "M.74SPS03.124.1",
    }
    assert ("packaging.item-markers", "N78SPS01-5-pengelola-lembaga-sertifikasi", "-") in rows  # M prints c./d.
    assert {q for r, q, _ in rows if r == "codification.group-name"} == {
        "N78SPS01-5-pengelola-lembaga-sertifikasi",
        "N78SPS01-6-pengelola-lembaga-sertifikasi",
    }
    assert {u for r, q, u in rows if r == "elective.exceeds-slots"} == {f"N.78SPS02.0{n}.1" for n in range(70, 75)}
    assert len([r for r in rows if r[0] == "codification.ambiguous"]) == 10
    assert {u for r, _, u in rows if r == "unit.versions"} >= {"N.78SPS02.075", "N.78SPS01.001", "N.78SPS02.049"}
    assert not any(r[0] == "packaging.core-count" or r[0] == "packaging.total" for r in rows)


def test_committed_findings_equal_a_fresh_run() -> None:
    path = findings_path()
    assert path.read_text(encoding="utf-8") == findings_text(validate_decree()), "run: kkni validate --write-findings"
    assert path.read_text(encoding="utf-8").startswith("# GENERATED FILE")


def test_findings_are_queryable_in_the_store() -> None:
    store = KkniStore.load_default()
    assert "https://w3id.org/kkni/graph/findings/kepmenaker-3-2021" in store.graphs()
    result = store.query(
        """SELECT ?unit ?line ?msg WHERE {
             GRAPH <https://w3id.org/kkni/graph/findings/kepmenaker-3-2021> {
               ?r ksh:ruleId "listing.core-and-elective" ; ksh:unitCode ?unit ; ksh:sourceLine ?line ;
                  sh:resultSeverity sh:Warning ; sh:resultMessage ?msg ; sh:focusNode ?q ; ksh:qualification ?q .
               FILTER (LANG(?msg) = "en")
             } } ORDER BY ?line"""
    )
    rows = [(s["unit"].value, int(s["line"].value)) for s in result]  # type: ignore[union-attr]
    assert rows == [("M.74SPS03.117.1", 1240), ("M.74SPS03.119.1", 1241), ("M.74SPS03.124.1", 1243), ("M.74SPS03.097.1", 1562)]


def test_report_graph_has_stable_iris_and_both_languages() -> None:
    g = Graph().parse(findings_path())
    results = list(g.subjects(None, SH.ValidationResult))
    assert len(results) == 91
    for r in results:
        assert isinstance(r, URIRef) and "/graph/findings/kepmenaker-3-2021/result/" in str(r)
        assert {m.language for m in g.objects(r, SH.resultMessage)} == {"id", "en"}  # type: ignore[attr-defined]
        assert g.value(r, KSH.ruleId) is not None and g.value(r, SH.sourceShape) is not None


def test_a_result_found_by_two_constraints_is_one_finding_whatever_the_order() -> None:
    """pySHACL reports a value that breaks sh:nodeKind and sh:pattern twice, in no fixed order."""
    pattern = Finding(
        "violation", "candidate-record.unit", URIRef("urn:x"), {"en": "m", "id": "m"}, component=SH.PatternConstraintComponent
    )
    node_kind = replace(pattern, component=SH.NodeKindConstraintComponent)
    for findings in ([pattern, node_kind], [node_kind, pattern]):
        assert [f.component for f in Report.of(findings).findings] == [SH.NodeKindConstraintComponent]


def test_a_focus_with_two_qualifications_is_reported_under_the_first(root: Path) -> None:
    report = validate_files([root / "data" / "examples" / "record-malformed.ttl"])
    assert {f.rule for f in report.findings} == {"candidate-record.unit", "user-data.target-qualification"}
    assert {str(f.qualification) for f in report.findings} == {"https://w3id.org/kkni/qualification/kepmenaker-3-2021/N78SPS01-4-asesor"}
