"""The packaging-rule checks run by the store itself, where the graph lives.

Each SHACL-SPARQL constraint of ``shapes/`` is a self-contained SELECT that also works with
``$this`` unbound (``kkni_rdf.validation.shapes.sparql_checks``): sent as a plain query to the store, it
returns every violating focus node over the whole graph at once. The store (embedded
``KkniStore`` or any SPARQL 1.1 endpoint through ``RemoteStore``) does the work; only the rows
come back. The findings are ``kkni_rdf.validation.findings.Finding``s, with the same rule ids, focus
nodes, values, lines and messages as the in-process run (which uses the same queries).

The core (non-SPARQL) structural shapes need a SHACL engine and are not run here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import URIRef

from kkni_rdf.namespaces import DEFAULT_BASE, KKNI
from kkni_rdf.store.protocol import Dataset, QueryableStore
from kkni_rdf.validation.findings import Finding, Report
from kkni_rdf.validation.shapes import SparqlCheck, check_rows, sparql_checks


def qualification_of(focus: str, base: str = DEFAULT_BASE) -> str | None:
    """The qualification a focus node belongs to, from the IRI scheme (``qualification/{decree}/{id}/…``)."""
    prefix = base + "qualification/"
    if not focus.startswith(prefix):
        return None
    parts = focus[len(prefix) :].split("/")
    return prefix + "/".join(parts[:2]) if len(parts) >= 2 else None


def decree_of(finding: Finding, base: str = DEFAULT_BASE) -> str | None:
    """The slug of the decree a finding comes from, where its focus or qualification names one."""
    for iri in (finding.qualification, finding.focus):
        q = qualification_of(str(iri), base) if iri is not None else None
        if q:
            return q[len(base + "qualification/") :].split("/")[0]
    return None


def _unit_code(focus: object, value: object, values: dict[str, str], base: str) -> str | None:
    """The unit a finding is about: its value's or focus's code (unit IRIs are ``unit/{code}``), else the printed code."""
    prefix = base + "unit/"
    for node in (value, focus):
        if isinstance(node, URIRef) and str(node).startswith(prefix):
            return str(node)[len(prefix) :]
    printed = values.get("printed")
    return printed if printed and printed != "-" else None


def findings_of(check: SparqlCheck, solutions: ox.QuerySolutions, base: str = DEFAULT_BASE) -> list[Finding]:
    """The check's rows as findings (what ``engine.run_sparql_check`` makes, without a local graph)."""
    out = []
    for r in check_rows(solutions):
        qualification = str(r.focus) if check.target_class == KKNI.Qualification else qualification_of(str(r.focus), base)
        out.append(r.finding(check, URIRef(qualification) if qualification else None, _unit_code(r.focus, r.value, r.values, base), r.line))
    return out


@dataclass(frozen=True)
class CheckTiming:
    rule: str
    seconds: float
    findings: int


#: Checks that compare resources of different decrees (a unit family printed in several versions,
#: a codification code and level used twice): with ``across_decrees``, also run over the union.
CROSS_DECREE_RULES = frozenset({"codification.ambiguous", "unit.versions"})


def validate_in_store(
    store: QueryableStore,
    checks: Sequence[SparqlCheck] | None = None,
    on_check: Callable[[CheckTiming], None] | None = None,
    across_decrees: bool = False,
) -> Report:
    """Run every SHACL-SPARQL check as queries on ``store``, once per named graph.

    Each check runs with one named graph as its default graph, graph by graph: a decree's
    qualifications, rows, prerequisites and the units they name are all in its graph, so this
    finds what one run over the union finds for every rule that looks inside one decree, while
    the queries stay small. Over the union, Oxigraph's joins and property paths grow much
    faster than the data (``elective.needs-outside`` on the decree: 24 s over the union, 0.1 s
    on its graph; ``unit.versions`` at 100 times the decree: over a minute against 1 s).
    ``across_decrees`` also runs ``CROSS_DECREE_RULES`` over the union, for findings that
    compare decrees with each other (slow at national scale).
    """
    graphs = store.graphs()
    findings: list[Finding] = []
    for check in checks if checks is not None else sparql_checks():
        t = time.perf_counter()
        got: list[Finding] = []
        datasets: list[Dataset | None] = [Dataset(default=(g,)) for g in graphs]
        if across_decrees and check.rule in CROSS_DECREE_RULES:
            datasets.append(None)  # the store's own dataset: the union
        for dataset in datasets:
            solutions = store.query(check.select, dataset)
            assert isinstance(solutions, ox.QuerySolutions), check.rule
            got += findings_of(check, solutions, store.base)
        findings += got
        if on_check:
            on_check(CheckTiming(check.rule, time.perf_counter() - t, len(got)))
    return Report.of(findings)


__all__ = [
    "CROSS_DECREE_RULES",
    "CheckTiming",
    "decree_of",
    "findings_of",
    "qualification_of",
    "validate_in_store",
]
