"""What a validation run finds: ``Finding`` (one result, as people and programs read it) and
``Report`` (all of them), with the severities and the languages of the messages."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, URIRef
from rdflib.term import Node

from kkni_rdf.namespaces import DEFAULT_BASE, KKNI, SH

SEVERITIES: dict[URIRef, str] = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
SEVERITY_IRIS: dict[str, URIRef] = {v: k for k, v in SEVERITIES.items()}
#: Most severe first.
SEVERITY_ORDER = ("violation", "warning", "info")
#: The languages of every message (the shapes' ``sh:message`` literals).
LANGS = ("id", "en")


@dataclass(frozen=True)
class Finding:
    """One validation result, as people and programs read it."""

    severity: str
    rule: str
    focus: Node
    message: dict[str, str] = field(compare=False, hash=False)
    qualification: URIRef | None = None
    unit: str | None = None
    value: Node | None = None
    shape: URIRef | None = None
    component: URIRef | None = None
    path: Node | None = None
    source_line: int | None = None

    def sort_key(self) -> tuple[object, ...]:
        return (
            str(self.qualification or "~"),
            SEVERITY_ORDER.index(self.severity),
            self.rule,
            self.source_line or 0,
            self.unit or "",
            str(self.focus),
            str(self.value or ""),
            self.message.get("en", ""),
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "rule": self.rule,
            "qualification": str(self.qualification) if self.qualification else None,
            "unit": self.unit,
            "focus": term_text(self.focus),
            "value": term_text(self.value) if self.value is not None else None,
            "message": {"id": self.message.get("id", ""), "en": self.message.get("en", "")},
            "line": self.source_line,
            "shape": str(self.shape) if self.shape else None,
        }

    def identity(self) -> str:
        """A stable key for the result's IRI in a report graph."""
        text = "\n".join([self.rule, str(self.focus), str(self.value or ""), self.message.get("en", "")])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Report:
    findings: list[Finding]

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Report:
        """The findings, each once (same rule, focus, value and message), in the reports' order.

        Of two results that differ only in the constraint that found them (a value that breaks a
        ``sh:nodeKind`` and a ``sh:pattern`` with one message), the first in that order stays.
        """
        unique: dict[tuple[object, ...], Finding] = {}
        for f in sorted(findings, key=lambda f: (f.sort_key(), str(f.component or ""), str(f.shape or ""), str(f.path or ""))):
            unique.setdefault((f.rule, f.focus, f.value, f.message.get("en")), f)
        return cls(list(unique.values()))

    def counts(self) -> dict[str, int]:
        c = Counter(f.severity for f in self.findings)
        return {s: c.get(s, 0) for s in SEVERITY_ORDER}

    def conforms(self, fail_on: str = "violation") -> bool:
        """No finding at ``fail_on`` or more severe."""
        limit = SEVERITY_ORDER.index(fail_on)
        return not any(SEVERITY_ORDER.index(f.severity) <= limit for f in self.findings)

    def by_rule(self) -> list[tuple[str, str, int]]:
        c = Counter((f.rule, f.severity) for f in self.findings)
        return sorted(((r, s, n) for (r, s), n in c.items()), key=lambda t: (SEVERITY_ORDER.index(t[1]), t[0]))


def term_text(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def short(term: Node | None, base: str = DEFAULT_BASE) -> str:
    """A term as people read it in a message: data IRIs without the base, literals as values."""
    if term is None:
        return "-"
    text = term_text(term)
    if isinstance(term, URIRef):
        for prefix in (base, str(KKNI)):
            if text.startswith(prefix):
                return ("kkni:" if prefix == str(KKNI) else "") + text[len(prefix) :]
    return text


def fill(template: str, values: dict[str, str]) -> str:
    """A message template with its ``{?name}`` / ``{$name}`` placeholders filled in (unknown ones stay)."""
    return re.sub(r"\{[?$](\w+)\}", lambda m: values.get(m[1], m[0]), template)
