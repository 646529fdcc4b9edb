"""The validation findings as the store serves them: the reports in the named graphs ``graph/findings/{decree}``.

``kkni build`` (``kkni validate --write-findings``) writes each decree's SHACL report with stable
result IRIs; the store loads it like any graph. The pages read it from there (so a remote store's
findings show too): ``/findings`` (filterable), each result's own page, and each qualification's page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox

from kkni_rdf.namespaces import KKNI, KSH, SH
from kkni_rdf.store.protocol import QueryableStore, select

SEVERITIES = ("violation", "warning", "info")
_SEVERITY = {f"{SH}Violation": "violation", f"{SH}Warning": "warning", f"{SH}Info": "info"}


@dataclass(frozen=True)
class Finding:
    """One result of a report, with what the pages show of it."""

    iri: str
    graph: str
    severity: str  # violation, warning, info
    rule: str
    focus: str | None
    value: str | None = None  # an IRI or a literal's text
    value_is_iri: bool = False
    qualification: str | None = None
    unit: str | None = None  # the unit code concerned
    line: int | None = None  # the line of the decree's source text
    shape: str | None = None
    message: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    row: str | None = None  # the qualification's table row (or printed prerequisite) at the finding's line

    @property
    def qualification_id(self) -> str:
        return self.qualification.rsplit("/", 1)[-1] if self.qualification else ""

    def as_dict(self) -> dict[str, object]:
        """As ``kkni validate --format json`` writes a finding, with the result's IRI."""
        return {
            "iri": self.iri,
            "severity": self.severity,
            "rule": self.rule,
            "qualification": self.qualification,
            "unit": self.unit,
            "focus": self.focus,
            "value": self.value,
            "message": {"id": self.message.get("id", ""), "en": self.message.get("en", "")},
            "line": self.line,
            "shape": self.shape,
            "row": self.row,
        }


def _text(term: object) -> str | None:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else None


def load_findings(store: QueryableStore, qualification: str | None = None, result: str | None = None) -> list[Finding]:
    """Every finding of every report graph (or those about one qualification, or one result), sorted
    by qualification, severity, rule and line."""
    scope = ""
    if qualification:
        scope = f"FILTER (?q = <{ox.NamedNode(qualification).value}>)"
    if result:
        scope = f"FILTER (?r = <{ox.NamedNode(result).value}>)"
    rows = select(
        store,
        f"""SELECT ?g ?r ?sev ?rule ?focus ?value ?q ?unit ?line ?shape ?msg WHERE {{
          GRAPH ?g {{
            ?r a <{SH}ValidationResult> ; <{SH}resultSeverity> ?sev .
            OPTIONAL {{ ?r <{KSH}ruleId> ?rule }}
            OPTIONAL {{ ?r <{SH}focusNode> ?focus }}
            OPTIONAL {{ ?r <{SH}value> ?value }}
            OPTIONAL {{ ?r <{KSH}qualification> ?q }}
            OPTIONAL {{ ?r <{KSH}unitCode> ?unit }}
            OPTIONAL {{ ?r <{KSH}sourceLine> ?line }}
            OPTIONAL {{ ?r <{SH}sourceShape> ?shape }}
            OPTIONAL {{ ?r <{SH}resultMessage> ?msg }}
          }}
          {scope}
        }}""",
    )
    found: dict[str, dict[str, object]] = {}
    for row in rows:
        iri = _text(row["r"]) or ""
        f = found.get(iri)
        if f is None:
            line = _text(row["line"])
            value = row["value"]
            f = found[iri] = {
                "iri": iri,
                "graph": _text(row["g"]) or "",
                "severity": _SEVERITY.get(_text(row["sev"]) or "", "violation"),
                "rule": _text(row["rule"]) or "",
                "focus": _text(row["focus"]),
                "value": _text(value),
                "value_is_iri": isinstance(value, ox.NamedNode),
                "qualification": _text(row["q"]),
                "unit": _text(row["unit"]),
                "line": int(line) if line and line.isdigit() else None,
                "shape": _text(row["shape"]),
                "message": {},
            }
        msg = row["msg"]
        if isinstance(msg, ox.Literal):
            f["message"][msg.language or ""] = msg.value  # type: ignore[index]
    rows_at = _rows_at_lines(store, {(str(f["qualification"]), int(f["line"])) for f in found.values() if f["qualification"] and f["line"]})  # type: ignore[call-overload]
    for f in found.values():
        f["row"] = rows_at.get((str(f["qualification"]), f["line"]))  # type: ignore[arg-type]
    out = [Finding(**f) for f in found.values()]  # type: ignore[arg-type]
    return sorted(out, key=lambda f: (f.qualification or "~", SEVERITIES.index(f.severity), f.rule, f.line or 0, f.unit or "", f.iri))


def _rows_at_lines(store: QueryableStore, wanted: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The unit-table row, else the printed prerequisite, that each (qualification, source line) is about."""
    if not wanted:
        return {}
    values = " ".join(sorted({f"<{ox.NamedNode(q).value}>" for q, _ in wanted}))
    rows = select(
        store,
        f"""SELECT ?q ?line ?x ?listing WHERE {{ VALUES ?q {{ {values} }}
        ?x <{KKNI}qualification> ?q ; <{KKNI}sourceLine> ?line .
        OPTIONAL {{ ?x a ?listing FILTER (?listing = <{KKNI}UnitListing>) }} }}""",
    )
    out: dict[tuple[str, int], str] = {}
    for r in sorted(rows, key=lambda r: r["listing"] is None):  # rows before prerequisites
        key = (r["q"].value, int(r["line"].value))
        if key in wanted:
            out.setdefault(key, r["x"].value)
    return out


@dataclass(frozen=True)
class Selection:
    """A filter of the findings: by qualification (IRI or short id), rule and severity."""

    qualification: str = ""
    rule: str = ""
    severity: str = ""

    def keeps(self, f: Finding) -> bool:
        if self.qualification and self.qualification not in (f.qualification, f.qualification_id):
            return False
        if self.rule and f.rule != self.rule:
            return False
        return not (self.severity and f.severity != self.severity)


def counts(findings: list[Finding]) -> dict[str, int]:
    c = Counter(f.severity for f in findings)
    return {s: c.get(s, 0) for s in SEVERITIES}


def by_rule(findings: list[Finding]) -> list[tuple[str, str, int]]:
    """(rule, severity, count), the most severe first."""
    c = Counter((f.rule, f.severity) for f in findings)
    return sorted(((r, s, n) for (r, s), n in c.items()), key=lambda t: (SEVERITIES.index(t[1]), t[0]))
