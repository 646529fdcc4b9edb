"""The one guard every SPARQL query passes before it reaches an engine.

Used by every entry point that evaluates SPARQL, once per query: ``KkniStore.query`` and
``RemoteStore.query`` (so ``kkni query``, ``kkni check``, ``kkni validate --store``, the exports,
the endpoint's pages and its query workers, which call the store). It refuses (``Refused``, with
an HTTP status and a bilingual message):

- a query nested deeper than ``kkni_rdf.limits.MAX_DEPTH`` (400, with line and column): the
  engines' parsers recurse once per level and a few thousand levels crash the process;
- ``SERVICE`` (400): an engine answers it by making an HTTP request to the named endpoint;
- ``FROM`` / ``FROM NAMED`` naming a graph the store does not hold (400): no engine here fetches
  graphs, and an empty answer would hide the mistake;
- an update (403), which the engine itself cannot run (``Store.query`` parses queries only): the
  store asks ``is_update`` to tell a client who sent one why it was refused.

**Why no token scan decides.** SPARQL cannot be split into tokens without parsing it: ``<`` starts
an IRI in one place and is less-than in another (``FILTER(STR(?a)<STR(?b))GRAPH#>`` holds no
IRI), so a scan can read a keyword as part of an IRI and a comment end where the engine does not.
Each question the guard answers is therefore put so that no reading of the text can make the
answer wrong:

- **SERVICE.** The text is refused if the word ``SERVICE`` (in any letter case, with its ``\\u``
  escapes decoded or not) stands anywhere that any lexical reading of the text has in code: the
  guard follows every way a lexer may go at once (``<`` as an IRI's start and as less-than; a
  comment ended by a carriage return and not; a backslash in a string as an escape and not; see
  ``_steps``), so a word only ever inside a string, a comment or a prologue IRI passes
  (``FILTER(CONTAINS(?label, "services"))``), while a keyword no reading can rule out is refused.
  A variable (``?service``) and the local part of a prefixed name (``ex:service``) are not the
  keyword. A keyword is spelt with its letters, so an engine can read ``SERVICE`` only where the
  word is. This holds whatever engine is behind (a remote store's parser included), which is
  what ``--store`` needs.
- **Which graphs a query reads** (the embedded store answers a query that reads only its default
  graph from a store holding that graph alone). A query reads named graphs only through
  ``GRAPH`` or ``FROM``; it is taken to read them if either word appears, in any case, anywhere
  but in the prologue and on lines that Oxigraph reads as comments or as the inside of a long
  string (a line whose first character other than white space is ``#``; Oxigraph ends a
  comment at a line feed or a carriage return, and an IRI cannot span lines). A word in a
  string or an IRI only sends the query to the store that holds everything: slower, never wrong.
- **Which graphs ``FROM`` names**, for the refusal of graphs the store does not hold. The IRI or
  prefixed name after each word ``FROM`` that some lexical reading has in code, resolved as the
  standard says (against each ``BASE`` in turn, the first against the endpoint's URL): a cautious
  reading, which decides when every graph it finds is held. Otherwise rdflib's SPARQL parser (a
  maintained grammar) reads the query, and a graph it finds that is not held is refused; a query
  it cannot read is judged by the cautious reading. Either reading is only ever used to refuse:
  the engine reads a graph it does not hold as empty and never fetches one.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

from kkni_rdf.limits import MAX_DEPTH, TooDeep, rdf_depth

__all__ = [
    "QueryShape",
    "Refused",
    "analyse",
    "check_dataset_clause",
    "check_graphs",
    "is_update",
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
        "SERVICE is not allowed: this endpoint never makes requests to other servers. Query them yourself, or load their data. "
        "(The word SERVICE is refused wherever it could be read as the keyword, in an IRI too; inside a string or a comment it is fine.)",
        "SERVICE tidak diizinkan: endpoint ini tidak pernah mengirim permintaan ke server lain. Kueri server itu sendiri, atau muat datanya. "
        "(Kata SERVICE ditolak di mana pun ia dapat dibaca sebagai kata kunci, juga di dalam IRI; di dalam string atau komentar boleh.)",
    )


def update_refused() -> Refused:
    return Refused(
        403,
        "update refused",
        "This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) is refused; updates are not supported here.",
        "Endpoint ini hanya-baca: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) ditolak; pembaruan tidak didukung di sini.",
    )


def unknown_graphs(unknown: Iterable[str], known: Iterable[str]) -> Refused:
    return Refused(
        400,
        "unknown graph",
        "The dataset names graphs this store does not hold; graphs are never fetched from the web.",
        "Dataset menyebut graf yang tidak disimpan di penyimpan data ini; graf tidak pernah diambil dari web.",
        unknown=sorted(set(unknown)),
        known=sorted(known),
    )


def too_deep(exc: TooDeep) -> Refused:
    return Refused(
        400,
        "too deeply nested",
        f"The query is nested more than {exc.limit} levels deep (brackets, braces, triple terms); write it flatter.",
        f"Kueri bersarang lebih dari {exc.limit} tingkat (kurung siku, kurung kurawal, triple term); tulis lebih datar.",
        line=exc.line,
        column=exc.column,
        limit=exc.limit,
    )


@dataclass(frozen=True)
class QueryShape:
    """What the guard learnt about a query it let through."""

    reads_named: bool  # it may read named graphs (GRAPH or FROM); False is certain, True may be cautious
    default_graphs: tuple[str, ...] = ()  # FROM, resolved (as rdflib reads them)
    named_graphs: tuple[str, ...] = ()  # FROM NAMED, resolved

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRI = r"""<[^<>"{}|^`\\\x00-\x20]*>"""
#: BASE and PREFIX declarations at the start, with white space and comments between: where ``<``
#: can only open an IRI (no expression is allowed there).
_PROLOGUE = re.compile(rf"\A(?:\s+|#[^\r\n]*|BASE\s*{_IRI}|PREFIX\s*[^\s:<>#]*:\s*{_IRI})*", re.IGNORECASE)
_SERVICE = re.compile(r"(?<![?$:])SERVICE")
_LINE = re.compile(r"[\r\n]")


def _unescaped(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(min(int(m[1] or m[2], 16), 0x10FFFF)), text)


def _views(text: str) -> tuple[str, ...]:
    """The text as written and, if it has ``\\u`` escapes, decoded (as the SPARQL grammar reads it first)."""
    return (text, _unescaped(text)) if "\\" in text and _ESCAPE.search(text) else (text,)


def _body(view: str) -> str:
    """The text after its prologue."""
    prologue = _PROLOGUE.match(view)
    return view[prologue.end() :] if prologue else view


# -- every lexical reading of a text: where a word may be code
#
# Lexers agree on what SPARQL is made of (comments, strings, IRIs, code) but not always on where
# each ends, and SPARQL's own lexer depends on the parse (``<``). So the guard follows every way a
# lexer may go at once: ``<`` opens an IRI or is less-than; a comment ends at a line feed, and at
# a carriage return or not; three quotes open a long string or an empty string and a quote; a
# backslash in a string escapes the next character or does not; a character an IRI may not hold
# ends it (a strict lexer) or not (a lenient one); a backslash in code escapes the next character
# (``ex:a\\#b``: no comment) or not. A word is code if any of these readings has it
# in code. A reading that meets a line break in a one-line string stops: every lexer rejects it.

_CODE, _COMMENT, _STR1, _STR2, _LONG1, _LONG2, _IN_IRI = range(7)
_QUOTE = {_STR1: "'", _STR2: '"', _LONG1: "'", _LONG2: '"'}
_IRI_CHAR = re.compile(r'[^<>"{}|^`\\\x00-\x20]')


def _steps(text: str, i: int, state: int) -> list[tuple[int, int]]:  # noqa: C901 - one case per lexer state
    """Where a reading in ``state`` at position ``i`` goes next, every way a lexer may go: (position, state)."""
    c = text[i]
    if state == _CODE:
        if c == "#":
            return [(i + 1, _COMMENT)]
        if c in "'\"":
            single, long = (_STR1, _LONG1) if c == "'" else (_STR2, _LONG2)
            return [(i + 1, single), (i + 3, long)] if text.startswith(c * 3, i) else [(i + 1, single)]
        if c == "<":
            return [(i + 1, _IN_IRI), (i + 1, _CODE)]  # an IRI, or less-than
        if c == "\\":
            return [(i + 2, _CODE), (i + 1, _CODE)]  # an escape in a prefixed name (ex:a\#b), or not
        return [(i + 1, _CODE)]
    if state == _COMMENT:
        if c == "\n":
            return [(i + 1, _CODE)]
        return [(i + 1, _CODE), (i + 1, _COMMENT)] if c == "\r" else [(i + 1, _COMMENT)]
    if state == _IN_IRI:
        if c == ">":
            return [(i + 1, _CODE)]
        return [(i + 1, _IN_IRI)] if _IRI_CHAR.match(c) else [(i, _CODE), (i + 1, _IN_IRI)]
    quote = _QUOTE[state]
    if c == "\\":
        return [(i + 2, state), (i + 1, state)]  # an escape, or a lexer that knows none
    if state in (_STR1, _STR2):
        if c == quote:
            return [(i + 1, _CODE)]
        return [] if c in "\r\n" else [(i + 1, state)]
    if text.startswith(quote * 3, i):
        return [(i + 3, _CODE), (i + 1, state)]
    return [(i + 1, state)]


def _code_at(text: str) -> list[bool]:
    """For each position of ``text`` (which starts in code), whether any reading has it in code."""
    n = len(text)
    states: list[set[int]] = [set() for _ in range(n + 3)]
    states[0].add(_CODE)
    code = [False] * n
    for i in range(n):
        todo = list(states[i])
        while todo:
            for j, nxt in _steps(text, i, todo.pop()):
                if j > i:
                    states[min(j, n)].add(nxt)
                elif nxt not in states[i]:
                    states[i].add(nxt)
                    todo.append(nxt)
        code[i] = _CODE in states[i]
    return code


def _upper(text: str) -> str:
    """``text`` in capitals, one character for one (``ſ`` is ``S``, as to Java's ``toUpperCase``)."""
    upper = text.upper()
    if len(upper) == len(text):  # no character became two (none ever becomes none): the positions hold
        return upper
    return "".join(u if len(u := c.upper()) == 1 else c for c in text)


def mentions_service(text: str) -> bool:
    """Whether any reading of ``text`` could hold the keyword ``SERVICE`` (see the module's docstring)."""
    for view in _views(text):
        body = _body(view)
        found = [m.start() for m in _SERVICE.finditer(_upper(body))]
        if found and any(_code_at(body)[i] for i in found):
            return True
    return False


def _mentions(text: str, word: str) -> bool:
    """Whether ``word`` (in capitals) appears in ``text`` in any case outside its prologue and comment lines."""
    for view in _views(text):
        code = "\n".join(line for line in _LINE.split(_body(view)) if not line.lstrip().startswith("#")).upper()
        if word in code:
            return True
    return False


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


@lru_cache(maxsize=256)
def _dataset_clause(text: str, prefixes: tuple[tuple[str, str], ...], base_iri: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(FROM, FROM NAMED) IRIs as rdflib's SPARQL parser reads them, resolved; empty if it cannot read the query."""
    from pyparsing import ParseBaseException  # noqa: PLC0415  # rdflib's SPARQL grammar takes a moment to import
    from rdflib.plugins.sparql.parser import parseQuery  # noqa: PLC0415
    from rdflib.plugins.sparql.parserutils import CompValue  # noqa: PLC0415

    try:
        parsed = parseQuery(text.replace("\r", "\n"))  # rdflib ends a comment at a line feed only; Oxigraph at a carriage return too
    except (ParseBaseException, RecursionError, ValueError, TypeError):
        return _dataset_words(text, dict(prefixes), base_iri)
    base = base_iri
    declared = dict(prefixes)
    for decl in parsed[0]:
        if decl.name == "Base":
            base = _resolve(str(decl.iri), base)
        elif decl.name == "PrefixDecl":
            declared[decl.prefix or ""] = _resolve(str(decl.iri), base)

    def iri_of(term: object) -> str:
        if isinstance(term, CompValue) and term.name == "pname":
            local = re.sub(r"\\(.)", r"\1", term.localname or "")
            return declared.get(term.prefix or "", f"{term.prefix}:") + local
        return _resolve(str(term), base)

    default: list[str] = []
    named: list[str] = []
    query = parsed[1]
    clauses = query["datasetClause"] if "datasetClause" in query else ()  # noqa: SIM401  # CompValue.get answers a missing key with its name
    for clause in clauses:
        if "default" in clause:
            default.append(iri_of(clause["default"]))
        else:
            named.append(iri_of(clause["named"]))
    return tuple(default), tuple(named)


_FROM = re.compile(rf"FROM\s+(NAMED\s+)?({_IRI}|[^\s<>{{}}]*:[^\s<>{{}}]*)", re.IGNORECASE)
_PREFIX = re.compile(rf"PREFIX\s*([^\s:<>#]*):\s*({_IRI})", re.IGNORECASE)
_BASE = re.compile(rf"BASE\s*({_IRI})", re.IGNORECASE)


def _dataset_words(text: str, prefixes: dict[str, str], base_iri: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(FROM, FROM NAMED) of a query rdflib cannot read (SPARQL 1.2, nested past its recursion, or a
    construct it reads otherwise than Oxigraph): the IRI or prefixed name after each word ``FROM``
    that some lexical reading has in code, read cautiously, for the refusal of graphs not held (a
    word that is not the keyword can only add a refusal, never hide a graph)."""
    default: list[str] = []
    named: list[str] = []
    for view in _views(text):
        prologue = _PROLOGUE.match(view)
        head = prologue[0] if prologue else ""
        base = base_iri
        for m in _BASE.finditer(head):
            base = _resolve(m[1][1:-1], base)
        declared = {**prefixes, **{m[1]: _resolve(m[2][1:-1], base) for m in _PREFIX.finditer(head)}}
        body = view[len(head) :]
        code = _code_at(body) if _FROM.search(body) else []
        for m in _FROM.finditer(body):
            if not code[m.start()]:  # in a comment or a string in every reading: not the keyword
                continue
            term = m[2]
            if term.startswith("<"):
                iri = _resolve(term[1:-1], base)
            else:
                prefix, _, local = term.partition(":")
                iri = declared.get(prefix, f"{prefix}:") + re.sub(r"\\(.)", r"\1", local)
            (named if m[1] else default).append(iri)
    return tuple(dict.fromkeys(default)), tuple(dict.fromkeys(named))


def analyse(text: str, prefixes: Mapping[str, str] | None = None, base_iri: str | None = None) -> QueryShape:
    """Refuse (``Refused``) a query that is too deep or may use SERVICE; else what it reads.
    ``base_iri`` is the URL relative IRIs resolve against (the endpoint's), if any."""
    try:
        for view in _views(text):
            rdf_depth(view, "SPARQL", MAX_DEPTH)  # escapes may spell brackets
    except TooDeep as exc:
        raise too_deep(exc) from None
    if mentions_service(text):
        raise service_refused()
    if not _mentions(text, "FROM"):
        return QueryShape(reads_named=_mentions(text, "GRAPH"))
    default, named = _dataset_words(text, dict(prefixes or {}), base_iri)
    return QueryShape(True, default, named)


def check_graphs(iris: Iterable[str], known: Collection[str]) -> None:
    """Refuse a dataset that names a graph outside ``known``."""
    unknown = [i for i in iris if i not in known]
    if unknown:
        raise unknown_graphs(unknown, known)


def check_dataset_clause(
    text: str, shape: QueryShape, known: Collection[str], prefixes: Mapping[str, str] | None = None, base_iri: str | None = None
) -> None:
    """Refuse a query whose ``FROM`` / ``FROM NAMED`` names a graph outside ``known``. The shape's
    graphs (the cautious reading: every ``FROM`` some lexical reading has in code) decide when all
    are held; otherwise rdflib's parser reads the query (milliseconds), and its reading decides."""
    if all(g in known for g in (*shape.default_graphs, *shape.named_graphs)):
        return
    default, named = _dataset_clause(text, tuple(sorted((prefixes or {}).items())), base_iri)
    check_graphs([*default, *named], known)


_UPDATE_WORDS = re.compile(r"\A\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)


def is_update(text: str) -> bool:
    """Whether ``text``, which the engine could not read as a query, is a SPARQL Update (to say 403, not 400).
    rdflib's update grammar decides; where it cannot read the text, its first word after the prologue."""
    from pyparsing import ParseBaseException  # noqa: PLC0415
    from rdflib.plugins.sparql.parser import parseUpdate  # noqa: PLC0415

    try:
        parsed = parseUpdate(text)
    except (ParseBaseException, RecursionError, ValueError, TypeError):
        return any(_UPDATE_WORDS.match(_body(view)) for view in _views(text))
    return "request" in parsed  # a prologue alone reads as an empty update (CompValue.get answers a missing key with its name)
