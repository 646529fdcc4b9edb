"""The safety check every query passes before it reaches the engine.

Oxigraph follows ``SERVICE`` by making an HTTP request to the named endpoint (and reports what it
got back in its error), so a query could make the server reach the network. pyoxigraph (0.5) has
no way to parse a query without evaluating it (``Store.query`` does both; its SPARQL algebra is
not exposed to Python), so the check reads the query once with rdflib's public SPARQL API
(``prepareQuery``: parsed and translated to the algebra, with the project's prefixes) and walks
the algebra (``algebra.traverse``):

- a ``SERVICE`` anywhere (also inside sub-queries, OPTIONAL, MINUS, EXISTS) is refused;
- ``FROM`` / ``FROM NAMED`` may only name graphs this endpoint holds: the endpoint never fetches a graph.

Only text that is not a query is read a second time, as an update: if it is one it is refused
with 403 (the endpoint is read-only). Oxigraph also reads SPARQL 1.2 syntax rdflib does not know
(triple terms, ``LATERAL``); such a query, or one rdflib cannot translate (an undeclared prefix),
is let through to Oxigraph only if the word ``SERVICE`` appears nowhere in it (a conservative
screen, not a parse: it may refuse a query that only mentions the word in a string). Oxigraph
then reports any syntax error with its line and column.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from rdflib.plugins.sparql import prepareQuery, prepareUpdate
from rdflib.plugins.sparql.algebra import traverse
from rdflib.plugins.sparql.parserutils import CompValue

from kkni_rdf.endpoint.errors import Refused, service_refused, unknown_graphs, update_refused

__all__ = ["QueryShape", "Refused", "check_graphs", "check_query"]


@dataclass(frozen=True)
class QueryShape:
    """What the check learnt about a query."""

    form: str | None  # "select", "ask", "construct", "describe"; None where only Oxigraph can read it
    default_graphs: tuple[str, ...] = ()  # FROM
    named_graphs: tuple[str, ...] = ()  # FROM NAMED

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


_FORMS = {"SelectQuery": "select", "AskQuery": "ask", "ConstructQuery": "construct", "DescribeQuery": "describe"}
_SERVICE_WORD = re.compile(r"service", re.IGNORECASE)


def check_graphs(iris: Iterable[str], known: Collection[str]) -> None:
    unknown = [i for i in iris if i not in known]
    if unknown:
        raise unknown_graphs(unknown, known)


def _has_service(algebra: CompValue) -> bool:
    found = []

    def visit(node: object) -> None:
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            found.append(node)

    traverse(algebra, visitPre=visit)
    return bool(found)


def _is_update(text: str) -> bool:
    try:
        prepareUpdate(text)
    except Exception:  # pyparsing's ParseException, or RecursionError on very deep nesting
        return False
    return True


def check_query(text: str, known_graphs: Collection[str], prefixes: Mapping[str, str] | None = None) -> QueryShape:
    """Refuse (``Refused``) what must not run; else say what kind of query ``text`` is."""
    try:
        algebra = prepareQuery(text, initNs=dict(prefixes or {})).algebra
    except Exception:  # not a query rdflib can read: an update, SPARQL 1.2, or a mistake Oxigraph will point at
        if _is_update(text):
            raise update_refused() from None
        if _SERVICE_WORD.search(text):
            raise service_refused() from None
        return QueryShape(None)
    if _has_service(algebra):
        raise service_refused()
    default: list[str] = []
    named: list[str] = []
    for clause in algebra.datasetClause or []:  # IRIs already resolved against BASE and the prefixes
        if clause.default is not None:
            default.append(str(clause.default))
        if clause.named is not None:
            named.append(str(clause.named))
    check_graphs([*default, *named], known_graphs)
    return QueryShape(_FORMS.get(algebra.name), tuple(default), tuple(named))
