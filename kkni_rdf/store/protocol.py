"""What every store offers the rest of the package: ``QueryableStore``, the typed helpers, ``QueryError``.

``KkniStore`` (``store.embedded``, Oxigraph in process) and ``RemoteStore`` (``store.remote``, any
SPARQL 1.1 server) both satisfy ``QueryableStore``: ``query(text, **dataset_options)`` answers
with an Oxigraph result object, and the store's default graph is the union of its named graphs.
Queries' syntax errors become ``QueryError`` with the line and column the engine reports.

Callers that know the form of their query use the helpers, which work on any
``QueryableStore`` and return the one type that form answers with::

    for row in select(store, "SELECT ?q WHERE { ?q a kkni:Qualification }"):
        ...
    if ask(store, "ASK { ?s ?p ?o }"):
        ...
    triples = construct(store, "CONSTRUCT WHERE { ?s a kkni:Unit }")

A query of another form than the helper's raises ``QueryError`` (it is the query's mistake).
"""

from __future__ import annotations

import re
from typing import Protocol, TypeVar

import pyoxigraph as ox


class QueryError(ValueError):
    """A query the engine cannot parse or run, with where the problem is."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        where = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"{message}{where}")

    def as_dict(self) -> dict[str, object]:
        return {"error": "malformed query", "message": self.message, "line": self.line, "column": self.column}


_ORACLE_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.S)


def query_error(exc: SyntaxError) -> QueryError:
    """A readable ``QueryError`` from Oxigraph's ``SyntaxError``."""
    text = str(exc)
    m = _ORACLE_POSITION.match(text)
    if not m:
        return QueryError(text)
    line, column, detail = int(m[1]), int(m[2]), m[3]
    if "Prefix not found" in detail:
        detail = "undeclared prefix (add a PREFIX line for it)"
    elif detail.startswith("expected one of "):
        options = [o.strip() for o in detail[len("expected one of ") :].split(",") if o.strip() and "'" not in o]
        detail = "unexpected text; expected " + ", ".join(options[:8]) if options else "unexpected text"
    return QueryError(f"syntax error: {detail}", line, column)


#: What a query answers with: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE).
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class QueryableStore(Protocol):
    """What the endpoint and the queries need of a store: ``KkniStore`` or ``remote.RemoteStore``."""

    base: str

    def query(self, text: str, **kwargs: object) -> QueryResult:
        """Run ``text``; ``kwargs`` are Oxigraph's dataset options (``default_graph``, ``named_graphs``,
        ``use_default_graph_as_union``). The project's prefixes may be used undeclared."""
        ...

    def graphs(self) -> list[str]:
        """The IRIs of the store's named graphs, sorted."""
        ...


def select(store: QueryableStore, text: str, **kwargs: object) -> ox.QuerySolutions:
    """The solutions of a SELECT query (``QueryError`` if ``text`` is another form)."""
    return _expect(store.query(text, **kwargs), ox.QuerySolutions, "a SELECT")


def ask(store: QueryableStore, text: str, **kwargs: object) -> bool:
    """The answer of an ASK query (``QueryError`` if ``text`` is another form)."""
    return bool(_expect(store.query(text, **kwargs), ox.QueryBoolean, "an ASK"))


def construct(store: QueryableStore, text: str, **kwargs: object) -> ox.QueryTriples:
    """The triples of a CONSTRUCT or DESCRIBE query (``QueryError`` if ``text`` is another form)."""
    return _expect(store.query(text, **kwargs), ox.QueryTriples, "a CONSTRUCT or DESCRIBE")


def graph_sizes(store: QueryableStore) -> list[tuple[str, int]]:
    """(IRI, number of triples) of each of the store's non-empty named graphs, by IRI."""
    rows = select(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    return [(row["g"].value, int(row["n"].value)) for row in rows]


_ANSWERS = {ox.QuerySolutions: "solutions (a SELECT query)", ox.QueryBoolean: "a boolean (an ASK query)", ox.QueryTriples: "triples"}


_R = TypeVar("_R", ox.QuerySolutions, ox.QueryBoolean, ox.QueryTriples)


def _expect(result: QueryResult, kind: type[_R], form: str) -> _R:
    if not isinstance(result, kind):
        raise QueryError(f"expected {form} query; this one answers with {_ANSWERS[type(result)]}")
    return result
