"""The safety check every query passes before it reaches the engine.

Oxigraph follows ``SERVICE`` by making an HTTP request to the named endpoint (and reports what it
got back in its error), so a query could make the server reach the network. The check parses the
query with rdflib's SPARQL parser (``rdflib.plugins.sparql.parser``) and walks the parse tree:

- a ``SERVICE`` anywhere (``ServiceGraphPattern``, also inside sub-queries, OPTIONAL, EXISTS) is refused;
- ``FROM`` / ``FROM NAMED`` may only name graphs this endpoint holds: the endpoint never fetches a graph;
- text that rdflib's *update* parser accepts is an update, and refused (the endpoint is read-only).

Oxigraph also reads SPARQL 1.2 syntax rdflib does not know (triple terms, ``LATERAL``). Such a query
is let through to Oxigraph only if the word ``SERVICE`` appears nowhere in it (a conservative
screen, not a parse: it may refuse a query that only mentions the word in a string).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue


class Refused(Exception):
    """A request the endpoint will not run: an HTTP status and a bilingual message."""

    def __init__(self, status: int, error: str, message: str, pesan: str, **extra: object) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.pesan = pesan
        self.extra = extra

    def as_dict(self) -> dict[str, object]:
        return {"error": self.error, "message": self.message, "pesan": self.pesan, **self.extra}


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


def _walk(node: Any) -> Iterable[CompValue]:
    stack = [node]
    while stack:
        x = stack.pop()
        if isinstance(x, CompValue):
            yield x
            stack.extend(dict.values(x))
        elif isinstance(x, list | tuple) or type(x).__name__ == "ParseResults":
            stack.extend(x)


def refuse_service() -> Refused:
    return Refused(
        400,
        "service refused",
        "SERVICE is not allowed: this endpoint never makes requests to other servers. Query them yourself, or load their data.",
        "SERVICE tidak diizinkan: endpoint ini tidak pernah mengirim permintaan ke server lain.",
    )


def refuse_update() -> Refused:
    return Refused(
        403,
        "update refused",
        "This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) is refused.",
        "Endpoint ini hanya-baca: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) ditolak.",
    )


def refuse_graphs(unknown: Iterable[str], known: Iterable[str]) -> Refused:
    return Refused(
        400,
        "unknown graph",
        "The dataset names graphs this endpoint does not hold; it never fetches graphs from the web.",
        "Dataset menyebut graf yang tidak ada di endpoint ini; endpoint tidak pernah mengambil graf dari web.",
        unknown=sorted(set(unknown)),
        known=sorted(known),
    )


def check_graphs(iris: Iterable[str], known: Iterable[str]) -> None:
    known_set = set(known)
    unknown = [i for i in iris if i not in known_set]
    if unknown:
        raise refuse_graphs(unknown, known_set)


def check_query(text: str, known_graphs: Iterable[str], prefixes: Mapping[str, str] | None = None) -> QueryShape:
    """Refuse (``Refused``) what must not run; else say what kind of query ``text`` is."""
    try:
        parsed = parseQuery(text)
    except Exception:  # pyparsing's ParseException, or RecursionError on very deep nesting
        parsed = None
    if parsed is None:
        try:
            parseUpdate(text)
        except Exception:
            pass
        else:
            raise refuse_update()
        if _SERVICE_WORD.search(text):
            raise refuse_service()
        return QueryShape(None)  # Oxigraph reports the syntax error, or runs SPARQL 1.2 syntax

    if any(n.name == "ServiceGraphPattern" for n in _walk(parsed)):
        raise refuse_service()
    query = parsed[1]
    form = _FORMS.get(query.name)
    clauses = dict.get(query, "datasetClause") or []  # CompValue.get defaults to the key itself
    default: list[str] = []
    named: list[str] = []
    if clauses:
        prologue = translatePrologue(parsed[0], None, initNs=dict(prefixes or {}))
        for c in clauses:
            for key, into in (("default", default), ("named", named)):
                iri = dict.get(c, key)
                if iri is not None:
                    into.append(str(prologue.absolutize(iri)))
        check_graphs([*default, *named], known_graphs)
    return QueryShape(form, tuple(default), tuple(named))
