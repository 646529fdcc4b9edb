"""A ``Report`` as people and programs read it: text, JSON, HTML (``templates/report.html``),
and RDF (a SHACL validation report with stable IRIs, written as sorted Turtle); and the
decree's findings file, ``data/findings/{decree}.ttl``."""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader
from markupsafe import Markup
from rdflib import Graph, Literal, URIRef

from kkni_rdf import __version__
from kkni_rdf.files import write_text
from kkni_rdf.namespaces import DEFAULT_BASE, KSH, PREFIXES, RDF, SH, XSD, bind_prefixes, data_prefixes
from kkni_rdf.resources import resource
from kkni_rdf.validation.engine import oxigraph_view, validate_files
from kkni_rdf.validation.findings import LANGS, SEVERITY_IRIS, Finding, Report, short

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

#: Prefixes of a written report (the project's bindings, kkni_rdf.namespaces).
REPORT_PREFIXES = ("rdf", "xsd", "sh", "ksh", "kkni")


def _groups(report: Report) -> list[tuple[str | None, list[Finding]]]:
    """The findings by qualification (those about none last)."""
    groups: dict[str | None, list[Finding]] = defaultdict(list)
    for f in report.findings:
        groups[str(f.qualification) if f.qualification else None].append(f)
    return sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))


def _summary(report: Report, fail_on: str) -> str:
    counts = report.counts()
    return (
        f"{'Conforms' if report.conforms(fail_on) else 'Does not conform'} (fail on: {fail_on}): "
        f"{counts['violation']} violations, {counts['warning']} warnings, {counts['info']} infos."
    )


# --------------------------------------------------------------------------- text, JSON, HTML


def to_text(report: Report, fail_on: str = "violation", base: str = DEFAULT_BASE) -> str:
    lines = [_summary(report, fail_on)]
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


def to_json(report: Report, fail_on: str = "violation") -> str:
    body = {
        "conforms": report.conforms(fail_on),
        "failOn": fail_on,
        "counts": report.counts(),
        "findings": [f.as_dict() for f in report.findings],
    }
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def _escaped(value: object) -> object:
    """Every value a template prints, escaped as ``html.escape`` does (``&quot;``, ``&#x27;``)."""
    return value if isinstance(value, Markup) else Markup(html.escape(str(value)))


@cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("kkni_rdf.validation", "templates"),
        autoescape=True,
        finalize=_escaped,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def to_html(report: Report, fail_on: str = "violation", title: str = "KKNI validation report", base: str = DEFAULT_BASE) -> str:
    """A self-contained page: no scripts, nothing loaded from elsewhere."""
    groups = [(short(URIRef(qual), base) if qual else "Not about one qualification", findings) for qual, findings in _groups(report)]
    return (
        _templates()
        .get_template("report.html")
        .render(
            title=title,
            status="Conforms" if report.conforms(fail_on) else "Does not conform",
            fail_on=fail_on,
            counts=report.counts(),
            by_rule=report.by_rule(),
            groups=groups,
        )
    )


# --------------------------------------------------------------------------- RDF


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


def _turtle_order(q: ox.Quad) -> tuple[str, bool, str, str]:
    """Subject, then ``rdf:type`` first, then predicate, then object (as N-Triples writes it)."""
    subject = q.subject.value if isinstance(q.subject, ox.NamedNode | ox.BlankNode) else str(q.subject)
    return (subject, q.predicate.value != str(RDF.type), q.predicate.value, str(q.object))


def report_turtle(graph: Graph, header: str = "", base: str = DEFAULT_BASE) -> str:
    """The report as sorted, stable Turtle (Oxigraph's serialiser), one block per subject."""
    store = ox.Store()
    view = oxigraph_view(store)
    view += graph  # rdflib's terms as Oxigraph's (oxrdflib)
    triples = [q.triple for q in sorted(store, key=_turtle_order)]
    prefixes = {p: PREFIXES[p] for p in REPORT_PREFIXES} | data_prefixes(base)
    body = (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"").decode("utf-8")
    # Oxigraph writes the prefix lines in its own order: sort them; a blank line before each block.
    lines = body.split("\n")
    head = sorted(line for line in lines if line.startswith("@prefix "))
    rest = "\n".join(line for line in lines if not line.startswith("@prefix "))
    rest = re.sub(r"\n(?=[^\t\n])", "\n\n", rest.lstrip("\n"))
    return header + "\n".join(head) + "\n\n" + rest


# --------------------------------------------------------------------------- the decree's findings file


def findings_path(decree: str = "kepmenaker-3-2021", data_dir: Path | None = None) -> Path:
    return (data_dir or resource("data")) / "findings" / f"{decree}.ttl"


def findings_text(report: Report, decree: str = "kepmenaker-3-2021", base: str = DEFAULT_BASE) -> str:
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
    report = validate_files([folder / f"{decree}.ttl"])
    path = findings_path(decree, folder)
    text = findings_text(report, decree)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        write_text(path, text)  # atomic: a kill leaves the previous findings whole, never an empty file
    return path, report
