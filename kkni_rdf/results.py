"""Query results in the formats the command line offers, and terms as people read them (``term_text``).

The standard formats (SPARQL results in CSV, TSV, JSON and XML; Turtle, N-Triples, …) are
written by Oxigraph's own serialisers; only the plain-text table for people is made here.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from kkni_rdf.formats import GRAPH_FORMATS, RESULT_FORMATS, rdf_format, results_format
from kkni_rdf.terms import to_ox

TEXT_FORMATS = ("table", *(f.key for f in RESULT_FORMATS))
GRAPH_FORMAT_KEYS = tuple(f.key for f in GRAPH_FORMATS)


def term_text(term: object, prefixes: Mapping[str, str] | None = None) -> str:
    """A term as a person reads it, in a table, a page or a message.

    An IRI as a prefixed name where one of ``prefixes`` fits (its local part without ``/`` or
    ``#``), else whole; a literal as its value (no quotes, language or datatype); a blank node as
    ``_:id``; ``None`` (an unbound variable) as the empty string. Oxigraph's terms and rdflib's
    alike: ``term_text(URIRef(x)) == term_text(NamedNode(x))``.
    """
    if term is None:
        return ""
    if isinstance(term, URIRef | BNode | Literal):
        term = to_ox(term)
    if isinstance(term, ox.NamedNode):
        for prefix, iri in sorted((prefixes or {}).items(), key=lambda kv: -len(kv[1])):
            local = term.value[len(iri) :]
            if term.value.startswith(iri) and local and "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
        return term.value
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def table(result: ox.QuerySolutions, prefixes: Mapping[str, str] | None = None) -> str:
    """A plain-text table: a header, a rule, one line per solution, and a count."""
    names = [v.value for v in result.variables]
    rows = [[term_text(sol[name], prefixes) for name in names] for sol in result]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def render(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialise a query's result for the command line in ``fmt``."""
    if isinstance(result, ox.QueryTriples):
        return ox.serialize(result, format=rdf_format(fmt) if fmt in GRAPH_FORMAT_KEYS else ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    if fmt == "table":
        if isinstance(result, ox.QueryBoolean):
            return b"true\n" if bool(result) else b"false\n"
        return table(result, prefixes).encode("utf-8")
    if fmt not in TEXT_FORMATS:
        raise ValueError(f"unknown result format {fmt!r}; expected one of {', '.join(TEXT_FORMATS)}")
    return result.serialize(format=results_format(fmt)) or b""
