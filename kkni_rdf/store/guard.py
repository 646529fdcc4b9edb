"""The one guard every SPARQL query passes before it reaches an engine.

Used by every entry point that evaluates SPARQL: ``KkniStore.query`` and ``RemoteStore.query``
(so ``kkni query``, ``kkni check``, ``kkni validate --store``, the exports and the endpoint's pages),
and the endpoint's query workers (``kkni_rdf.endpoint.execute``), which also need the query's
dataset. It refuses (``Refused``, with an HTTP status and a bilingual message):

- a query nested deeper than ``kkni_rdf.limits.MAX_DEPTH`` (400, with line and column): the
  engines' parsers recurse once per level and a few thousand levels crash the process;
- ``SERVICE`` (400): Oxigraph answers it by making an HTTP request to the named endpoint;
- an update (403): ``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, … (only ``Store.query`` is ever
  called, which cannot run one, but the client is told why);
- ``FROM`` / ``FROM NAMED`` naming a graph the store does not hold (400, ``check_query``): no
  engine here fetches graphs, and an empty answer would hide the mistake.

pyoxigraph cannot parse a query without evaluating it, and rdflib's parser recurses (it fails at
about 35 nested groups) and does not read SPARQL 1.2. So the guard does not parse: it reads the
query's tokens once with one regular expression (``kkni_rdf.limits.RDF_TOKENS``: the SPARQL
grammar's own rules for comments, strings, IRIs, variables and prefixed names), which is linear,
cannot overflow, and costs tens of microseconds. ``SERVICE`` is a reserved word of the grammar,
used only in a service pattern, so a keyword token ``SERVICE`` anywhere is refused; a word
inside a string, an IRI, a comment, a variable (``?service``) or a prefixed name (``ex:service``)
is not a keyword and does not count. A query with ``\\u`` escapes is also screened with the escapes
decoded, whatever they spell. The first keyword after the prologue (``BASE``, ``PREFIX``,
``VERSION``) is the query's form; an update keyword there is refused. ``FROM`` graphs are resolved
against the query's ``PREFIX``es, the store's prefixes and its ``BASE``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

from kkni_rdf.limits import MAX_DEPTH, RDF_TOKENS, TooDeep, rdf_depth

__all__ = [
    "QueryShape",
    "Refused",
    "analyse",
    "check_graphs",
    "check_query",
    "service_refused",
    "too_deep",
    "unknown_graphs",
    "update_refused",
]


class Refused(Exception):
    """A query no engine here will run: its HTTP status, error name and bilingual message."""

    def __init__(self, status: int, error: str, message: str, pesan: str, **extra: object) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.pesan = pesan
        self.extra = extra

    def as_dict(self) -> dict[str, object]:
        return {"error": self.error, "message": self.message, "pesan": self.pesan, **self.extra}

    def __str__(self) -> str:
        where = f" (line {self.extra['line']}, column {self.extra['column']})" if "line" in self.extra else ""
        unknown = f": {', '.join(map(str, self.extra['unknown']))}" if "unknown" in self.extra else ""  # type: ignore[call-overload]
        return f"{self.message}{where}{unknown}"


def service_refused() -> Refused:
    return Refused(
        400,
        "service refused",
        "SERVICE is not allowed: this endpoint never makes requests to other servers. Query them yourself, or load their data.",
        "SERVICE tidak diizinkan: endpoint ini tidak pernah mengirim permintaan ke server lain.",
    )


def update_refused() -> Refused:
    return Refused(
        403,
        "update refused",
        "This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) is refused; updates are not supported here.",
        "Endpoint ini hanya-baca: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) ditolak.",
    )


def unknown_graphs(unknown: Iterable[str], known: Iterable[str]) -> Refused:
    return Refused(
        400,
        "unknown graph",
        "The dataset names graphs this store does not hold; graphs are never fetched from the web.",
        "Dataset menyebut graf yang tidak ada di sini; graf tidak pernah diambil dari web.",
        unknown=sorted(set(unknown)),
        known=sorted(known),
    )


def too_deep(exc: TooDeep) -> Refused:
    return Refused(
        400,
        "too deeply nested",
        f"The query is nested more than {exc.limit} levels deep (brackets, braces, triple terms); write it flatter.",
        f"Kueri bersarang lebih dari {exc.limit} tingkat; tulis lebih datar.",
        line=exc.line,
        column=exc.column,
        limit=exc.limit,
    )


@dataclass(frozen=True)
class QueryShape:
    """What the guard learnt about a query."""

    form: str | None  # "select", "ask", "construct", "describe"; None for SPARQL 1.2 syntax (or no form: a syntax error)
    default_graphs: tuple[str, ...] = ()  # FROM
    named_graphs: tuple[str, ...] = ()  # FROM NAMED
    uses_graph: bool = False  # the GRAPH keyword: the query reads named graphs

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)

    @property
    def default_graph_only(self) -> bool:
        """Whether the answer depends on the store's default graph alone (no FROM, no GRAPH)."""
        return not self.has_dataset and not self.uses_graph


_FORMS = frozenset({"select", "ask", "construct", "describe"})
_UPDATES = frozenset({"insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with"})
_PROLOGUE = frozenset({"base", "prefix", "version"})
_SPARQL_12 = frozenset({"lateral", "version"})
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescaped(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(min(int(m[1] or m[2], 16), 0x10FFFF)), text)


@dataclass(frozen=True)
class _Reading:
    """A query's tokens as the guard needs them (independent of the store: cached by text)."""

    form: str | None
    service: bool
    update: bool
    graph: bool  # the GRAPH keyword is used
    dataset: tuple[tuple[bool, str, str], ...]  # (named, kind "iri"/"pname", token) of each FROM
    prefixes: tuple[tuple[str, str], ...]  # PREFIX declarations, in order (prefix, IRI token)
    base: str | None


Token = tuple[str, str]  # (kind: "iri", "pname" or "word"; its text)


def _prologue(tokens: list[Token]) -> tuple[str | None, tuple[tuple[str, str], ...], int]:
    """The BASE and PREFIX declarations at the start, and where the query itself begins."""
    base: str | None = None
    prefixes: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens) and tokens[i][0] == "word" and tokens[i][1].lower() in _PROLOGUE:
        word = tokens[i][1].lower()
        if word == "base" and i + 1 < len(tokens) and tokens[i + 1][0] == "iri":
            base, i = tokens[i + 1][1][1:-1], i + 2
        elif word == "prefix" and i + 2 < len(tokens) and tokens[i + 1][0] == "pname" and tokens[i + 2][0] == "iri":
            prefixes.append((tokens[i + 1][1].split(":", 1)[0], tokens[i + 2][1][1:-1]))
            i += 3
        else:  # VERSION "1.2", or a declaration the engine will call a syntax error
            i += 1
    return base, tuple(prefixes), i


def _dataset(tokens: list[Token]) -> tuple[tuple[bool, str, str], ...]:
    """(named, kind, token) of every ``FROM`` and ``FROM NAMED`` graph."""
    found = []
    for i, (kind, token) in enumerate(tokens):
        if kind != "word" or token.lower() != "from":
            continue
        named = i + 1 < len(tokens) and tokens[i + 1][0] == "word" and tokens[i + 1][1].lower() == "named"
        j = i + 2 if named else i + 1
        if j < len(tokens) and tokens[j][0] in ("iri", "pname"):
            found.append((named, tokens[j][0], tokens[j][1]))
    return tuple(found)


@lru_cache(maxsize=256)
def _read(text: str) -> _Reading:
    """The query's names, IRIs and keywords, read once (its depth is checked before, without recursion)."""
    tokens = [(m.lastgroup or "", m.group()) for m in RDF_TOKENS.finditer(text) if m.lastgroup in ("iri", "pname", "word")]
    base, prefixes, start = _prologue(tokens)
    words = {token.lower() for kind, token in tokens if kind == "word"}
    first = tokens[start][1].lower() if start < len(tokens) and tokens[start][0] == "word" else ""
    sparql12 = "<<" in text or "{|" in text or bool(words & _SPARQL_12)
    service, graph = "service" in words, "graph" in words
    if not (service and graph) and _ESCAPE.search(text):
        decoded = _read(_unescaped(text))  # \u escapes may spell the keywords: read it decoded too
        service, graph = service or decoded.service, graph or decoded.graph
    form = first if first in _FORMS and not sparql12 else None
    return _Reading(form, service, first in _UPDATES, graph, _dataset(tokens), prefixes, base)


def _resolve(kind: str, token: str, reading: _Reading, prefixes: Mapping[str, str]) -> str:
    if kind == "iri":
        iri = _unescaped(token[1:-1])
        return urljoin(reading.base, iri) if reading.base and ":" not in iri.split("/")[0] else iri
    prefix, _, local = token.partition(":")
    declared = dict(reading.prefixes)
    namespace = declared.get(prefix, prefixes.get(prefix))
    if namespace is None:
        return token  # an undeclared prefix: the engine reports it; the graph is unknown meanwhile
    namespace = urljoin(reading.base, namespace) if reading.base and ":" not in namespace.split("/")[0] else namespace
    return namespace + re.sub(r"\\(.)", r"\1", local)


def analyse(text: str, prefixes: Mapping[str, str] | None = None) -> QueryShape:
    """Refuse (``Refused``) a query that is too deep, uses SERVICE or is an update; else its shape."""
    try:
        rdf_depth(text, "SPARQL", MAX_DEPTH)
        if "\\" in text and _ESCAPE.search(text):
            rdf_depth(_unescaped(text), "SPARQL", MAX_DEPTH)  # escapes may spell brackets
    except TooDeep as exc:
        raise too_deep(exc) from None
    reading = _read(text) if len(text) <= 64 * 1024 else _read.__wrapped__(text)
    if reading.update:
        raise update_refused()
    if reading.service:
        raise service_refused()
    default = [_resolve(k, t, reading, prefixes or {}) for named, k, t in reading.dataset if not named]
    named = [_resolve(k, t, reading, prefixes or {}) for is_named, k, t in reading.dataset if is_named]
    return QueryShape(reading.form, tuple(default), tuple(named), reading.graph)


def check_graphs(iris: Iterable[str], known: Collection[str]) -> None:
    """Refuse a dataset that names a graph outside ``known``."""
    unknown = [i for i in iris if i not in known]
    if unknown:
        raise unknown_graphs(unknown, known)


def check_query(text: str, known_graphs: Collection[str], prefixes: Mapping[str, str] | None = None) -> QueryShape:
    """``analyse``, and refuse a FROM / FROM NAMED naming a graph outside ``known_graphs``."""
    shape = analyse(text, prefixes)
    check_graphs([*shape.default_graphs, *shape.named_graphs], known_graphs)
    return shape
