"""The shapes (``shapes/*.ttl``) as the validation runs use them.

- ``shapes_graph``: every shape; ``core_shapes_graph``: the core SHACL ones (the structural
  shapes), which pySHACL runs;
- ``sparql_checks``: the SHACL-SPARQL constraints (the packaging-rule checks). Each is a
  self-contained SELECT that also works with ``$this`` unbound: run once over a whole graph,
  every row is a result for its ``?this``. That is the result set SHACL defines (each query
  starts from ``$this a <target class>``), found in one query instead of one per focus node.
  ``check_rows`` reads a check's rows, from any store, as ``CheckRow``s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kkni_rdf.namespaces import KSH, RDF, SH
from kkni_rdf.resources import shapes_files
from kkni_rdf.terms import to_rdflib
from kkni_rdf.validation.findings import LANGS, SEVERITIES, Finding, fill


@cache
def shapes_graph() -> Graph:
    """All the shapes (parsed once)."""
    g = Graph()
    for path in shapes_files():
        g.parse(path, format="turtle")
    return g


@cache
def core_shapes_graph() -> Graph:
    """The shapes without the SHACL-SPARQL ones (those run as queries, ``sparql_checks``)."""
    full = shapes_graph()
    sparql_shapes = set(full.subjects(SH.sparql, None))
    g = Graph()
    skip: set[Node] = set(sparql_shapes)
    for s in sparql_shapes:
        skip.update(o for o in full.objects(s, SH.sparql) if isinstance(o, BNode))
    for t in full:
        if t[0] not in skip:
            g.add(t)
    return _targets_on_property_shapes(g)


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def _targets_on_property_shapes(g: Graph) -> Graph:
    """Give each property shape its node shape's targets, in place of ``sh:property``.

    The same constraints on the same focus nodes, so the same results (each names the property
    shape as ``sh:sourceShape`` either way); but pySHACL evaluates a property shape reached
    through ``sh:property`` once per focus node, and one with its own target once for all of
    them: about 7 times faster on the decree. The files keep the readable grouping.
    """
    for node_shape, prop in list(g.subject_objects(SH.property)):
        targets = [(p, o) for p, o in g.predicate_objects(node_shape) if p in _TARGETS]
        if not targets or (node_shape, RDF.type, SH.NodeShape) not in g or (None, SH.node, node_shape) in g:
            continue  # only top-level node shapes: one reached through sh:node keeps its properties
        for p, o in targets:
            g.add((prop, p, o))
        g.remove((node_shape, SH.property, prop))
    return g


def _messages(g: Graph, holder: Node) -> dict[str, str]:
    """A shape's or constraint's ``sh:message`` templates by language."""
    return {m.language or "": str(m) for m in g.objects(holder, SH.message) if isinstance(m, Literal)}


def _severity(g: Graph, shape: Node) -> str:
    return SEVERITIES[g.value(shape, SH.severity, default=SH.Violation)]  # type: ignore[index]


@cache
def shape_info() -> dict[Node, tuple[str, str, dict[str, str]]]:
    """Rule id, severity and message templates of every shape that has a rule id."""
    g = shapes_graph()
    return {shape: (str(rule), _severity(g, shape), _messages(g, shape)) for shape, rule in g.subject_objects(KSH.ruleId)}


# --------------------------------------------------------------------------- the SPARQL checks


@dataclass(frozen=True)
class SparqlCheck:
    """One SHACL-SPARQL constraint: its shape, rule id, severity, messages and query."""

    shape: URIRef
    constraint: Node
    rule: str
    severity: str
    target_class: URIRef
    select: str  # with its PREFIX lines
    messages: dict[str, str]  # templates by language


def _prologue(g: Graph, prefixes_node: Node) -> str:
    lines = []
    for decl in g.objects(prefixes_node, SH.declare):
        prefix, ns = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
        lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(sorted(lines)) + "\n"


@cache
def sparql_checks() -> tuple[SparqlCheck, ...]:
    """Every SHACL-SPARQL constraint of the shapes, sorted by rule id."""
    g = shapes_graph()
    checks = []
    for shape in set(g.subjects(SH.sparql, None)):
        if not isinstance(shape, URIRef):
            raise TypeError(f"SPARQL shapes are named: {shape}")
        for constraint in g.objects(shape, SH.sparql):
            prefixes = g.value(constraint, SH.prefixes)
            prologue = _prologue(g, prefixes) if prefixes is not None else ""
            target = g.value(shape, SH.targetClass)
            if not isinstance(target, URIRef):
                raise TypeError(f"a SPARQL shape targets one class: {shape}")
            checks.append(
                SparqlCheck(
                    shape=shape,
                    constraint=constraint,
                    rule=str(g.value(shape, KSH.ruleId)),
                    severity=_severity(g, shape),
                    target_class=target,
                    select=prologue + str(g.value(constraint, SH.select)),
                    messages=_messages(g, constraint),
                )
            )
    return tuple(sorted(checks, key=lambda c: c.rule))


def packaging_queries() -> list[tuple[str, str, str]]:
    """(rule id, severity, SELECT with PREFIX lines) of every SHACL-SPARQL check.

    Run as plain SELECTs with ``$this`` unbound, each returns one row per finding over the
    whole graph (``?this`` the focus node, ``?value`` the unit it is about, ``?line`` the source line).
    """
    return [(c.rule, c.severity, c.select) for c in sparql_checks()]


#: Variables of the SPARQL checks that hold lists (GROUP_CONCAT): sorted for stable messages.
_LIST_SEPARATORS = {"by": ", ", "outside": ", ", "needs": ", ", "listedCodes": ", ", "others": ", ", "positions": ", ", "versions": "; "}


def _sorted_list(text: str, sep: str) -> str:
    def key(part: str) -> tuple[int, str]:
        return (int(part), "") if part.isdigit() else (0, part)

    parts = sorted({p.strip() for p in text.split(sep) if p.strip()}, key=key)
    if sep == "; ":  # "code [qid, qid]" items: sort inside the brackets too
        parts = [re.sub(r"\[([^\]]*)\]", lambda m: "[" + _sorted_list(m[1], ", ") + "]", p) for p in parts]
    return sep.join(parts)


def solution_values(row: ox.QuerySolution, names: list[str]) -> dict[str, str]:
    """A check's row as the texts its message fills in (lists sorted, for stable messages)."""
    values = {}
    for name in names:
        term = row[name]
        if term is None:
            continue
        text = term.value if isinstance(term, ox.Literal | ox.NamedNode | ox.BlankNode) else str(term)
        values[name] = _sorted_list(text, _LIST_SEPARATORS[name]) if name in _LIST_SEPARATORS else text
    return values


@dataclass(frozen=True)
class CheckRow:
    """One row of a SPARQL check: its focus node, value node, and the texts its message fills in."""

    focus: Node
    value: Node
    values: dict[str, str]

    @property
    def line(self) -> int | None:
        text = self.values.get("line", "")
        return int(text) if text.isdigit() else None

    def finding(self, check: SparqlCheck, qualification: URIRef | None, unit: str | None, line: int | None) -> Finding:
        return Finding(
            severity=check.severity,
            rule=check.rule,
            focus=self.focus,
            message={lang: fill(check.messages[lang], self.values) for lang in LANGS if lang in check.messages},
            qualification=qualification,
            unit=unit,
            value=self.value,
            shape=check.shape,
            component=SH.SPARQLConstraintComponent,
            source_line=line,
        )


def check_rows(solutions: ox.QuerySolutions) -> Iterator[CheckRow]:
    """The rows of a check's SELECT that name a focus node (``?this``), from any store."""
    names = [v.value for v in solutions.variables]
    for row in solutions:
        this = row["this"]
        if this is None:
            continue
        focus = to_rdflib(this)
        # as in SHACL: without ?value, a node shape's value node is the focus node itself
        value = to_rdflib(row["value"]) if "value" in names and row["value"] is not None else focus
        yield CheckRow(focus, value, solution_values(row, names))
