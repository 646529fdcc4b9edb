"""Validation runs: the shapes (``shapes/*.ttl``) on the decree or on users' files.

How a run works (see ``docs/validation.md``):

- the core SHACL constraints (the structural shapes) run in pySHACL, on an rdflib graph,
  without inference;
- the SHACL-SPARQL constraints (the packaging-rule checks) are self-contained SELECT queries
  that also work with ``$this`` unbound; they run once each, over the whole graph, in Oxigraph,
  and every row is a result for its ``$this``. That is the same result set SHACL defines
  (each query starts from ``$this a <target class>``), found in one query instead of one per
  focus node; ``validate_with_pyshacl`` runs everything in pySHACL for comparison.

Every result becomes a ``Finding``: severity, stable rule id, qualification, unit code,
focus node, message in Indonesian and English, and the line of the decree's text it is about.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from kkni_rdf.formats import rdf_format_of_path
from kkni_rdf.limits import TooDeep, check_depth
from kkni_rdf.namespaces import DEFAULT_BASE, KKNI, KSH, PREFIXES, bind_prefixes, data_prefixes
from kkni_rdf.resources import decree_data_files, ontology_files, resource
from kkni_rdf.terms import to_ox, to_rdflib

SEVERITIES: dict[URIRef, str] = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
SEVERITY_IRIS: dict[str, URIRef] = {v: k for k, v in SEVERITIES.items()}
#: Most severe first.
SEVERITY_ORDER = ("violation", "warning", "info")
LANGS = ("id", "en")

#: The RDF files a user may give (Turtle, N-Triples, JSON-LD).
RDF_SUFFIXES = (".json", ".jsonld", ".nt", ".ntriples", ".ttl", ".turtle")

FINDINGS_HEADER = """\
# GENERATED FILE: do not edit by hand.
# The SHACL validation report of {title} ({decree}),
# by the shapes in shapes/*.ttl, as written by kkni-rdf {version} with:
#     kkni build   (or: kkni validate --write-findings)
# Served by the store in the named graph graph/findings/{decree}.
# Each result: sh:focusNode, sh:resultSeverity, sh:resultMessage (@id, @en),
# sh:sourceShape, ksh:ruleId, ksh:qualification, ksh:unitCode, ksh:sourceLine.
# Read with the write-up in docs/findings.md.
"""


class InputError(ValueError):
    """A file that cannot be read as RDF, with where the problem is."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, column: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        where = f"{path}:{line}:{column}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


# --------------------------------------------------------------------------- findings


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


# --------------------------------------------------------------------------- shapes


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


def shape_files() -> list[Path]:
    return sorted(resource("shapes").glob("*.ttl"))


@cache
def shapes_graph() -> Graph:
    """All the shapes (parsed once)."""
    g = Graph()
    for path in shape_files():
        g.parse(path, format="turtle")
    return g


@cache
def core_shapes_graph() -> Graph:
    """The shapes without the SHACL-SPARQL ones (those run in Oxigraph)."""
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


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


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
        assert isinstance(shape, URIRef), f"SPARQL shapes are named: {shape}"
        for constraint in g.objects(shape, SH.sparql):
            select = str(g.value(constraint, SH.select))
            prefixes = g.value(constraint, SH.prefixes)
            prologue = _prologue(g, prefixes) if prefixes is not None else ""
            messages = {m.language or "": str(m) for m in g.objects(constraint, SH.message) if isinstance(m, Literal)}
            target = g.value(shape, SH.targetClass)
            assert isinstance(target, URIRef)
            checks.append(
                SparqlCheck(
                    shape=shape,
                    constraint=constraint,
                    rule=str(g.value(shape, KSH.ruleId)),
                    severity=SEVERITIES[g.value(shape, SH.severity, default=SH.Violation)],  # type: ignore[index]
                    target_class=target,
                    select=prologue + select,
                    messages=messages,
                )
            )
    return tuple(sorted(checks, key=lambda c: c.rule))


def packaging_queries() -> list[tuple[str, str, str]]:
    """(rule id, severity, SELECT with PREFIX lines) of every SHACL-SPARQL check.

    Run as plain SELECTs with ``$this`` unbound, each returns one row per finding over the
    whole graph (``?this`` the focus node, ``?value`` the unit it is about, ``?line`` the source line).
    """
    return [(c.rule, c.severity, c.select) for c in sparql_checks()]


@cache
def _shape_info() -> dict[Node, tuple[str, str, dict[str, str]]]:
    """rule id, severity and message templates of every shape that has a rule id."""
    g = shapes_graph()
    info = {}
    for shape, rule in g.subject_objects(KSH.ruleId):
        sev = SEVERITIES[g.value(shape, SH.severity, default=SH.Violation)]  # type: ignore[index]
        msgs = {m.language or "": str(m) for m in g.objects(shape, SH.message) if isinstance(m, Literal)}
        info[shape] = (str(rule), sev, msgs)
    return info


# --------------------------------------------------------------------------- reading data


def rdf_format(path: Path) -> ox.RdfFormat:
    fmt = rdf_format_of_path(path) if path.suffix.lower() in RDF_SUFFIXES else None
    if fmt is None:
        raise InputError(path, f"unknown RDF file type {path.suffix!r}; expected one of {', '.join(RDF_SUFFIXES)}")
    return fmt


def parse_file(path: Path) -> list[ox.Triple]:
    """The triples of one Turtle, N-Triples or JSON-LD file; ``InputError`` with line and column."""
    if not path.is_file():
        raise InputError(path, "no such file")
    fmt = rdf_format(path)
    data = path.read_bytes()
    try:
        check_depth(data, fmt.name)  # before the recursive parser sees it
    except TooDeep as exc:
        raise InputError(path, str(exc), exc.line, exc.column) from None
    try:
        return [q.triple for q in ox.parse(data, format=fmt, base_iri=path.resolve().as_uri())]
    except SyntaxError as exc:
        detail = str(exc.msg if hasattr(exc, "msg") else exc)
        detail = re.sub(r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: ", "", detail)
        raise InputError(path, f"not valid {fmt.name}: {detail}", exc.lineno, exc.offset) from None
    except ValueError as exc:
        raise InputError(path, f"not valid {fmt.name}: {exc}") from None


@dataclass
class DataGraphs:
    """The same triples as an Oxigraph store and as an rdflib graph."""

    store: ox.Store
    graph: Graph

    @classmethod
    def from_triples(cls, triples: Iterable[ox.Triple]) -> DataGraphs:
        triples = list(triples)
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
        graph = Graph()
        add = graph.add
        for t in triples:
            add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return cls(store, graph)

    @classmethod
    def from_graph(cls, graph: Graph) -> DataGraphs:
        data = graph.serialize(format="nt", encoding="utf-8")
        return cls.from_triples(q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


def load_data(files: Sequence[Path], with_ontology: bool = True) -> DataGraphs:
    """The given files (and the ontology), read with Oxigraph's parsers."""
    triples: list[ox.Triple] = []
    for path in [*(ontology_files() if with_ontology else []), *files]:
        triples.extend(parse_file(path))
    return DataGraphs.from_triples(triples)


@cache
def decree_data() -> DataGraphs:
    """The ontology and the built decree graphs in ``data/*.ttl`` (read once)."""
    return load_data(decree_data_files())


# --------------------------------------------------------------------------- running the shapes


class _Context:
    """What findings need from the data: qualification, unit code, source line."""

    def __init__(self, g: Graph, base: str = DEFAULT_BASE) -> None:
        self.g = g
        self.base = base

    def qualification(self, focus: Node) -> URIRef | None:
        g = self.g
        if (focus, RDF.type, KKNI.Qualification) in g:
            return focus  # type: ignore[return-value]
        for p in (KKNI.qualification, KKNI.targetQualification):
            q = g.value(focus, p)
            if isinstance(q, URIRef):
                return q
        q = g.value(None, KKNI.packagingRule, focus)
        return q if isinstance(q, URIRef) else None

    def unit(self, focus: Node, value: Node | None) -> str | None:
        g = self.g
        for node in (value, focus):
            if node is None or isinstance(node, Literal):
                continue
            if (node, RDF.type, KKNI.Unit) in g or (node, RDF.type, KKNI.UnitFamily) in g:
                code = g.value(node, KKNI.code)
                if code is not None:
                    return str(code)
        code = g.value(focus, KKNI.printedCode) or g.value(focus, KKNI.requiredUnitCode)
        return str(code) if code is not None else None

    def line(self, focus: Node) -> int | None:
        line = self.g.value(focus, KKNI.sourceLine)
        return int(line) if isinstance(line, Literal) and isinstance(line.value, int) else None


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{[?$](\w+)\}", lambda m: values.get(m[1], m[0]), template)


def _core_findings(results: Graph, ctx: _Context) -> list[Finding]:
    info = _shape_info()
    out = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        shape = results.value(r, SH.sourceShape)
        focus = results.value(r, SH.focusNode)
        assert focus is not None and shape is not None
        value = results.value(r, SH.value)
        rule, severity, templates = info.get(shape, ("shape." + short(shape), "violation", {}))
        sev_iri = results.value(r, SH.resultSeverity)
        sev = SEVERITIES.get(sev_iri, severity) if isinstance(sev_iri, URIRef) else severity
        subst = {"this": short(focus, ctx.base), "value": short(value, ctx.base) if value is not None else "-"}
        if templates:
            message = {lang: _fill(templates[lang], subst) for lang in LANGS if lang in templates}
        else:
            text = " ".join(str(m) for m in results.objects(r, SH.resultMessage))
            message = {"id": text, "en": text}
        out.append(
            Finding(
                severity=sev,
                rule=rule,
                focus=focus,
                message=message,
                qualification=ctx.qualification(focus),
                unit=ctx.unit(focus, value),
                value=value,
                shape=shape if isinstance(shape, URIRef) else None,
                component=results.value(r, SH.sourceConstraintComponent),  # type: ignore[arg-type]
                path=results.value(r, SH.resultPath),
                source_line=ctx.line(focus),
            )
        )
    return out


def run_core(graph: Graph) -> Graph:
    """The structural shapes on ``graph`` in pySHACL: the results graph."""
    from pyshacl import validate

    _conforms, results, _text = validate(
        graph, shacl_graph=core_shapes_graph(), inference="none", advanced=False, allow_warnings=True, inplace=True
    )
    return results  # type: ignore[no-any-return]


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
            message={lang: _fill(check.messages[lang], self.values) for lang in LANGS if lang in check.messages},
            qualification=qualification,
            unit=unit,
            value=self.value,
            shape=check.shape,
            component=SH.SPARQLConstraintComponent,
            source_line=line,
        )


def check_rows(solutions: ox.QuerySolutions) -> Iterator[CheckRow]:
    """The rows of a check's SELECT that name a focus node (``?this``)."""
    names = [v.value for v in solutions.variables]
    for row in solutions:
        this = row["this"]
        if this is None:
            continue
        focus = to_rdflib(this)
        # as in SHACL: without ?value, a node shape's value node is the focus node itself
        value = to_rdflib(row["value"]) if "value" in names and row["value"] is not None else focus
        yield CheckRow(focus, value, solution_values(row, names))


def run_sparql_check(check: SparqlCheck, store: ox.Store, ctx: _Context) -> list[Finding]:
    solutions = store.query(check.select)
    assert isinstance(solutions, ox.QuerySolutions)
    out = []
    for r in check_rows(solutions):
        line = r.line
        out.append(
            r.finding(check, ctx.qualification(r.focus), ctx.unit(r.focus, r.value), line if line is not None else ctx.line(r.focus))
        )
    return out


def validate_data(data: DataGraphs, base: str = DEFAULT_BASE) -> Report:
    """All the shapes on ``data``: pySHACL for the core constraints, Oxigraph for the SPARQL ones."""
    ctx = _Context(data.graph, base)
    findings = _core_findings(run_core(data.graph), ctx)
    for check in sparql_checks():
        findings.extend(run_sparql_check(check, data.store, ctx))
    unique = {(f.rule, f.focus, f.value, f.message.get("en")): f for f in findings}
    return Report(sorted(unique.values(), key=Finding.sort_key))


def validate_files(files: Sequence[Path], base: str = DEFAULT_BASE) -> Report:
    return validate_data(load_data(files), base)


def validate_decree(base: str = DEFAULT_BASE) -> Report:
    return validate_data(decree_data(), base)


def validate_with_pyshacl(graph: Graph) -> Graph:
    """Every shape, core and SPARQL, in pySHACL alone (slow; for comparison and the bench)."""
    from pyshacl import validate

    _conforms, results, _text = validate(graph, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True)
    return results  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- report formats


def report_graph(report: Report, name: str, base: str = DEFAULT_BASE) -> Graph:
    """The report as a SHACL validation report with stable IRIs for every result."""
    g = bind_prefixes(Graph(), base)
    g.bind("sh", SH, override=True, replace=True)
    node = URIRef(f"{base}graph/findings/{name}/report")
    g.add((node, RDF.type, SH.ValidationReport))
    g.add((node, SH.conforms, Literal(not report.findings)))
    for f in report.findings:
        r = URIRef(f"{base}graph/findings/{name}/result/{f.identity()}")
        g.add((node, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.focusNode, f.focus))
        g.add((r, SH.resultSeverity, SEVERITY_IRIS[f.severity]))
        for lang in LANGS:
            if lang in f.message:
                g.add((r, SH.resultMessage, Literal(f.message[lang], lang=lang)))
        if f.shape is not None:
            g.add((r, SH.sourceShape, f.shape))
        if f.component is not None:
            g.add((r, SH.sourceConstraintComponent, f.component))
        if f.value is not None:
            g.add((r, SH.value, f.value))
        if isinstance(f.path, URIRef):
            g.add((r, SH.resultPath, f.path))
        g.add((r, KSH.ruleId, Literal(f.rule)))
        if f.qualification is not None:
            g.add((r, KSH.qualification, f.qualification))
        if f.unit is not None:
            g.add((r, KSH.unitCode, Literal(f.unit)))
        if f.source_line is not None:
            g.add((r, KSH.sourceLine, Literal(f.source_line, datatype=XSD.integer)))
    return g


def to_json(report: Report, fail_on: str = "violation") -> str:
    body = {
        "conforms": report.conforms(fail_on),
        "failOn": fail_on,
        "counts": report.counts(),
        "findings": [f.as_dict() for f in report.findings],
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def _groups(report: Report) -> list[tuple[str | None, list[Finding]]]:
    groups: dict[str | None, list[Finding]] = defaultdict(list)
    for f in report.findings:
        groups[str(f.qualification) if f.qualification else None].append(f)
    return sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))


def to_text(report: Report, fail_on: str = "violation", base: str = DEFAULT_BASE) -> str:
    counts = report.counts()
    lines = [
        f"{'Conforms' if report.conforms(fail_on) else 'Does not conform'} (fail on: {fail_on}): "
        f"{counts['violation']} violations, {counts['warning']} warnings, {counts['info']} infos.",
    ]
    if report.findings:
        lines.append("")
        lines.append("By rule:")
        for rule, sev, n in report.by_rule():
            lines.append(f"  {n:4d}  {sev:<9}  {rule}")
    for qual, findings in _groups(report):
        lines.append("")
        title = short(URIRef(qual), base) if qual else "Not about one qualification (units, families, other resources)"
        lines.append(f"== {title} ({len(findings)})")
        for f in findings:
            where = f" line {f.source_line}" if f.source_line else ""
            unit = f" {f.unit}" if f.unit else ""
            lines.append(f"  [{f.severity}] {f.rule}{unit}{where}")
            lines.append(f"      en: {f.message.get('en', '')}")
            lines.append(f"      id: {f.message.get('id', '')}")
    return "\n".join(lines) + "\n"


def to_html(report: Report, fail_on: str = "violation", title: str = "KKNI validation report", base: str = DEFAULT_BASE) -> str:
    e = html.escape
    counts = report.counts()
    rows = "".join(f"<tr><td>{e(rule)}</td><td class='{e(sev)}'>{e(sev)}</td><td>{n}</td></tr>" for rule, sev, n in report.by_rule())
    sections = []
    for qual, findings in _groups(report):
        heading = e(short(URIRef(qual), base)) if qual else "Not about one qualification"
        items = "".join(
            "<tr>"
            f"<td class='{e(f.severity)}'>{e(f.severity)}</td><td><code>{e(f.rule)}</code></td>"
            f"<td>{e(f.unit or '')}</td><td>{f.source_line or ''}</td>"
            f"<td><p lang='en'>{e(f.message.get('en', ''))}</p><p lang='id'>{e(f.message.get('id', ''))}</p></td>"
            "</tr>"
            for f in findings
        )
        sections.append(
            f"<section><h2>{heading} <small>({len(findings)})</small></h2>"
            "<table><thead><tr><th>severity</th><th>rule</th><th>unit</th><th>line</th><th>message</th></tr></thead>"
            f"<tbody>{items}</tbody></table></section>"
        )
    status = "Conforms" if report.conforms(fail_on) else "Does not conform"
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{e(title)}</title><style>"
        "body{font-family:sans-serif;margin:2em;max-width:75em}table{border-collapse:collapse;width:100%;margin-bottom:1em}"
        "td,th{border:1px solid #ccc;padding:.3em;vertical-align:top;text-align:left}p{margin:0 0 .3em}"
        "p[lang=id]{color:#555}.violation{color:#b00}.warning{color:#a60}.info{color:#06a}"
        "</style></head><body>"
        f"<h1>{e(title)}</h1><p>{status} (fail on: {e(fail_on)}): {counts['violation']} violations, "
        f"{counts['warning']} warnings, {counts['info']} infos.</p>"
        f"<h2>Counts by rule</h2><table><thead><tr><th>rule</th><th>severity</th><th>count</th></tr></thead><tbody>{rows}</tbody></table>"
        + "".join(sections)
        + "</body></html>\n"
    )


# --------------------------------------------------------------------------- the decree's findings file


#: Prefixes of a written report (the project's bindings, kkni_rdf.namespaces).
REPORT_PREFIXES = ("rdf", "xsd", "sh", "ksh", "kkni")


def report_turtle(graph: Graph, header: str = "", base: str = DEFAULT_BASE) -> str:
    """The report as sorted, stable Turtle (Oxigraph's serialiser), one block per subject."""

    def key(t: tuple[Node, Node, Node]) -> tuple[str, bool, str, str]:
        return (str(t[0]), t[1] != RDF.type, str(t[1]), t[2].n3())

    triples = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in sorted(graph, key=key)]  # type: ignore[arg-type]
    prefixes = {p: PREFIXES[p] for p in REPORT_PREFIXES} | data_prefixes(base)
    body = (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"").decode("utf-8")
    # Oxigraph writes the prefix lines in its own order: sort them; a blank line before each block.
    lines = body.split("\n")
    head = sorted(line for line in lines if line.startswith("@prefix "))
    rest = "\n".join(line for line in lines if not line.startswith("@prefix "))
    rest = re.sub(r"\n(?=[^\t\n])", "\n\n", rest.lstrip("\n"))
    return header + "\n".join(head) + "\n\n" + rest


def findings_path(decree: str = "kepmenaker-3-2021", data_dir: Path | None = None) -> Path:
    return (data_dir or resource("data")) / "findings" / f"{decree}.ttl"


def findings_text(report: Report, decree: str = "kepmenaker-3-2021", base: str = DEFAULT_BASE) -> str:
    from kkni_rdf import __version__

    header = FINDINGS_HEADER.format(title=_decree_title(decree), decree=decree, version=__version__)
    return report_turtle(report_graph(report, decree, base), header, base)


def _decree_title(slug: str) -> str:
    kinds = {"kepmenaker": "Keputusan Menteri Ketenagakerjaan"}
    m = re.fullmatch(r"([a-z]+)-(\d+)-(\d{4})", slug)
    return f"{kinds.get(m[1], m[1])} Nomor {m[2]} Tahun {m[3]}" if m else slug


def write_findings(decree: str = "kepmenaker-3-2021", data_dir: Path | None = None) -> tuple[Path, Report]:
    """Validate a built decree (``{data_dir}/{decree}.ttl`` with the ontology) and write its
    report to ``{data_dir}/findings/{decree}.ttl`` if it changed. ``data_dir`` defaults to ``data/``."""
    folder = data_dir or resource("data")
    report = validate_data(load_data([folder / f"{decree}.ttl"]))
    path = findings_path(decree, folder)
    text = findings_text(report, decree)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path, report
