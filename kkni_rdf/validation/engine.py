"""Validation runs in process: the shapes on the decree or on users' files.

How a run works (see ``docs/validation.md``):

- the data is an Oxigraph store: the decree as the store layer loads it (``KkniStore``, the
  ontology's and the decrees' graphs), or users' files (``reader``) with the ontology;
- the core SHACL constraints (the structural shapes) run in pySHACL, without inference, on an
  rdflib copy of the store's triples that oxrdflib makes (``ValidationData``);
- the SHACL-SPARQL constraints (the packaging-rule checks, ``shapes.sparql_checks``) run once
  each, over the whole graph, in the Oxigraph store itself; ``in_store`` runs the same queries
  in any store. ``validate_with_pyshacl`` runs everything in pySHACL, for comparison.

pySHACL reads rdflib's memory store three to five times faster than an oxrdflib view of the
Oxigraph store (the core shapes on the decree: 0.45 s against 1.7 to 2.3 s, ``python -m
bench.validate``), hence the copy.
Every result becomes a ``findings.Finding``: severity, stable rule id, qualification, unit
code, focus node, message in Indonesian and English, and the line of the decree's text it is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kkni_rdf.namespaces import DEFAULT_BASE, KKNI
from kkni_rdf.resources import decree_data_files, ontology_files
from kkni_rdf.store.embedded import KkniStore, default_graph_files
from kkni_rdf.validation.findings import LANGS, SEVERITIES, Finding, Report, fill, short
from kkni_rdf.validation.reader import as_quads, read_rdf
from kkni_rdf.validation.shapes import SparqlCheck, check_rows, core_shapes_graph, shape_info, shapes_graph, sparql_checks


def oxigraph_view(store: ox.Store) -> Graph:
    """The default graph of an Oxigraph store as an rdflib ``Graph`` (oxrdflib): the same triples, not a copy."""
    return Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID)


@dataclass(frozen=True)
class ValidationData:
    """What a run reads: an Oxigraph store, whose default graph holds the triples to validate and
    which the SPARQL checks query, and the same triples in rdflib's memory store, for pySHACL."""

    store: ox.Store
    graph: Graph

    @classmethod
    def of(cls, store: ox.Store) -> ValidationData:
        graph = Graph()
        graph += oxigraph_view(store)
        return cls(store, graph)


def _loaded(files: list[Path], base: str = DEFAULT_BASE) -> ox.Store:
    """The store layer's graph files among ``files``, loaded by ``KkniStore``: a store holding their union.

    Only the union (``KkniStore``'s default graph) is kept: Oxigraph answers the SPARQL checks on
    the default graph about a third faster when the store holds no named graphs besides.
    """
    wanted = set(files)
    selected = [f for f in default_graph_files(base) if f.path in wanted]
    assert len(selected) == len(wanted), f"not graph files of the store: {wanted - {f.path for f in selected}}"
    kstore = KkniStore(base)
    kstore.load_files(selected)
    return kstore.union


def files_store(files: Sequence[Path]) -> ox.Store:
    """Users' RDF files (``InputError`` if one cannot be read) and the ontology, in one default graph."""
    triples = [t for path in files for t in read_rdf(path)]
    store = _loaded(ontology_files())
    store.extend(as_quads(triples))
    return store


def decree_data(base: str = DEFAULT_BASE) -> ValidationData:
    """The ontology and the decrees' graphs (``data/*.ttl``), as the store serves them (read once)."""
    return _decree_data(base)


@cache
def _decree_data(base: str) -> ValidationData:  # one cache entry per base, however it is passed
    return ValidationData.of(_loaded([*ontology_files(), *decree_data_files()], base))


# --------------------------------------------------------------------------- running the shapes


class _Context:
    """What findings need from the data: qualification, unit code, source line."""

    def __init__(self, g: Graph, base: str = DEFAULT_BASE) -> None:
        self.g = g
        self.base = base

    def qualification(self, focus: Node) -> URIRef | None:
        """The qualification ``focus`` is or belongs to (the first IRI in order, where it names several)."""
        g = self.g
        if (focus, RDF.type, KKNI.Qualification) in g:
            return focus  # type: ignore[return-value]
        for found in (
            g.objects(focus, KKNI.qualification),
            g.objects(focus, KKNI.targetQualification),
            g.subjects(KKNI.packagingRule, focus),
        ):
            iris = sorted(q for q in found if isinstance(q, URIRef))
            if iris:
                return iris[0]
        return None

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


def _core_findings(results: Graph, ctx: _Context) -> list[Finding]:
    info = shape_info()
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
            message = {lang: fill(templates[lang], subst) for lang in LANGS if lang in templates}
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


def validate_data(data: ValidationData, base: str = DEFAULT_BASE) -> Report:
    """All the shapes on ``data``: pySHACL for the core constraints, Oxigraph for the SPARQL ones."""
    ctx = _Context(data.graph, base)
    findings = _core_findings(run_core(data.graph), ctx)
    for check in sparql_checks():
        findings.extend(run_sparql_check(check, data.store, ctx))
    return Report.of(findings)


def validate_store(store: ox.Store, base: str = DEFAULT_BASE) -> Report:
    """All the shapes on the default graph of ``store``."""
    return validate_data(ValidationData.of(store), base)


def validate_files(files: Sequence[Path], base: str = DEFAULT_BASE) -> Report:
    """Users' files, with the ontology (``InputError`` if one cannot be read)."""
    return validate_store(files_store(files), base)


def validate_decree(base: str = DEFAULT_BASE) -> Report:
    return validate_data(decree_data(base), base)


def validate_with_pyshacl(graph: Graph) -> Graph:
    """Every shape, core and SPARQL, in pySHACL alone (slow; for comparison and the bench)."""
    from pyshacl import validate

    _conforms, results, _text = validate(graph, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True)
    return results  # type: ignore[no-any-return]
