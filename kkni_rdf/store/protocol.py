"""What every store offers the rest of the package: ``QueryableStore``, the typed helpers, ``QueryError``.

``KkniStore`` (``store.embedded``, Oxigraph in process) and ``RemoteStore`` (``store.remote``, any
SPARQL 1.1 server) both satisfy ``QueryableStore``: ``query(text, dataset, base_iri)`` answers
with an Oxigraph result object, and the store's default graph is the union of its named graphs.
A ``Dataset`` given with a query replaces the query's own ``FROM`` and ``FROM NAMED``, as the
SPARQL 1.1 Protocol's ``default-graph-uri`` and ``named-graph-uri`` do.
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
from dataclasses import dataclass
from typing import Protocol, TypeVar

import pyoxigraph as ox

from kkni_rdf.store.syntax import readable, undeclared_prefix


class QueryError(ValueError):
    """A query the engine cannot parse or run, with where the problem is."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, pesan: str | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        # the same in Indonesian; else the words of whoever refused it (an engine, a store), quoted
        self.pesan = pesan or f'Kueri tidak dapat dijalankan; pesan aslinya (bahasa Inggris): "{message}"'
        where = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"{message}{where}")

    def as_dict(self) -> dict[str, object]:
        return {"error": "malformed query", "message": self.message, "line": self.line, "column": self.column}


_ORACLE_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.S)


def query_error(exc: SyntaxError, query: str | None = None) -> QueryError:
    """A readable ``QueryError`` from Oxigraph's ``SyntaxError``; given the query's text, at its first
    wrong token (``kkni_rdf.store.syntax``)."""
    text = str(exc)
    m = _ORACLE_POSITION.match(text)
    if not m:
        return QueryError(text)
    line, column, detail = int(m[1]), int(m[2]), m[3]
    if query is not None:
        message, pesan, line, column = readable(query, line, column, detail)
        return QueryError(message, line, column, pesan)
    if "Prefix not found" in detail:
        message, pesan = undeclared_prefix(None)
        return QueryError(message, line, column, pesan)
    if detail.startswith("expected one of "):
        options = [o.strip() for o in detail[len("expected one of ") :].split(",") if o.strip() and "'" not in o]
        if options:
            shown = ", ".join(options[:8])
            return QueryError(
                f"syntax error: unexpected text; expected {shown}", line, column, f"kesalahan sintaks: teks tak terduga; diharapkan {shown}"
            )
        return QueryError("syntax error: unexpected text", line, column, "kesalahan sintaks: teks tak terduga")
    return QueryError(f"syntax error: {detail}", line, column, f'kesalahan sintaks; kata-kata pengurai (bahasa Inggris): "{detail}"')


#: What a query answers with: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE).
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a query is evaluated on, given beside it (SPARQL 1.1 Protocol §2.1.4): the
    graphs whose merge is its default graph and the graphs ``GRAPH`` may read. It replaces the
    query's ``FROM`` and ``FROM NAMED`` as a whole: a dataset with default graphs only has no
    named graphs, one with named graphs only has an empty default graph."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    @classmethod
    def of(cls, default: tuple[str, ...] | None, named: tuple[str, ...] | None) -> Dataset | None:
        """The Protocol's ``default-graph-uri`` and ``named-graph-uri`` (None: not given) as a dataset; None if neither was given."""
        if default is None and named is None:
            return None
        return cls(tuple(default or ()), tuple(named or ()))

    @property
    def graphs(self) -> tuple[str, ...]:
        return (*self.default, *self.named)


class QueryableStore(Protocol):
    """What the endpoint and the queries need of a store: ``KkniStore`` or ``remote.RemoteStore``."""

    base: str

    def query(self, text: str, dataset: Dataset | None = None, base_iri: str | None = None) -> QueryResult:
        """Run ``text`` on the store's dataset (its default graph: the union of its named graphs), or on
        ``dataset``; relative IRIs resolve against ``base_iri`` (the endpoint's URL). The project's
        prefixes may be used undeclared."""
        ...

    def graphs(self) -> list[str]:
        """The IRIs of the store's named graphs, sorted."""
        ...


def select(store: QueryableStore, text: str, dataset: Dataset | None = None) -> ox.QuerySolutions:
    """The solutions of a SELECT query (``QueryError`` if ``text`` is another form)."""
    return _expect(store.query(text, dataset), ox.QuerySolutions, "a SELECT")


def ask(store: QueryableStore, text: str, dataset: Dataset | None = None) -> bool:
    """The answer of an ASK query (``QueryError`` if ``text`` is another form)."""
    return bool(_expect(store.query(text, dataset), ox.QueryBoolean, "an ASK"))


def construct(store: QueryableStore, text: str, dataset: Dataset | None = None) -> ox.QueryTriples:
    """The triples of a CONSTRUCT or DESCRIBE query (``QueryError`` if ``text`` is another form)."""
    return _expect(store.query(text, dataset), ox.QueryTriples, "a CONSTRUCT or DESCRIBE")


def graph_sizes(store: QueryableStore) -> list[tuple[str, int]]:
    """(IRI, number of triples) of each of the store's non-empty named graphs, by IRI."""
    rows = select(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    return [(row["g"].value, int(row["n"].value)) for row in rows]


_ANSWERS = {ox.QuerySolutions: "solutions (a SELECT query)", ox.QueryBoolean: "a boolean (an ASK query)", ox.QueryTriples: "triples"}
_JAWABAN = {ox.QuerySolutions: "solusi (kueri SELECT)", ox.QueryBoolean: "boolean (kueri ASK)", ox.QueryTriples: "triple"}


_R = TypeVar("_R", ox.QuerySolutions, ox.QueryBoolean, ox.QueryTriples)


def _expect(result: QueryResult, kind: type[_R], form: str) -> _R:
    if not isinstance(result, kind):
        raise QueryError(
            f"expected {form} query; this one answers with {_ANSWERS[type(result)]}",
            pesan=f"diharapkan kueri {form.split(' ', 1)[-1]}; kueri ini menjawab dengan {_JAWABAN[type(result)]}",
        )
    return result
