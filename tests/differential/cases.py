"""A query to send to both servers (``Case``), and what is read from a query's text without an engine."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import urljoin

#: How a query reaches `kkni serve` (SPARQL 1.1 Protocol §2.1): GET ``?query=``, POST form, POST body.
METHODS = ("get", "post-form", "post-body")

#: The tokens of a query that matter here, by the grammar's own rules (comments end at CR or LF; an
#: IRIREF excludes spaces and ``<>"{}|^`\``): enough to find the prologue, the form and the dataset.
TOKENS = re.compile(
    r"""(?P<comment>\#[^\r\n]*)"""
    r"""|(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")"""
    r"""|(?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)"""
    r"""|(?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*)?:(?:[\w\-\u00B7\u00C0-\uFFFF:%.\\]*[\w\-:%])?)"""
    r"""|(?P<var>[?$]\w+)"""
    r"""|(?P<word>[A-Za-z_]\w*)"""
    r"""|(?P<other>\S)""",
    re.DOTALL,
)

FORMS = ("select", "ask", "construct", "describe")
UPDATE_WORDS = frozenset({"insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with"})
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescaped(text: str) -> str:
    """``text`` with its ``\\u`` / ``\\U`` escapes decoded (SPARQL 1.1 §19.2)."""
    return _ESCAPE.sub(lambda m: chr(min(int(m[1] or m[2], 16), 0x10FFFF)), text)


def tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) of each token, comments included."""
    return [(m.lastgroup or "other", m.group()) for m in TOKENS.finditer(text)]


def _significant(text: str) -> list[tuple[str, str]]:
    return [(k, t) for k, t in tokens(text) if k != "comment"]


def prologue_end(text: str) -> int:
    """Where the query proper starts: the offset of its first keyword after BASE and PREFIX declarations."""
    expect = 0  # tokens still owed to a declaration (BASE <iri>: 1, PREFIX p: <iri>: 2)
    for m in TOKENS.finditer(text):
        kind, token = m.lastgroup, m.group()
        if kind == "comment":
            continue
        if expect:
            expect -= 1
        elif kind == "word" and token.lower() in ("base", "prefix"):
            expect = 1 if token.lower() == "base" else 2
        else:
            return m.start()
    return len(text)


def form_of(text: str) -> str:
    """The query's form (``select``, ``ask``, ``construct``, ``describe``) or ``update`` / ``unknown``."""
    for kind, token in _significant(text[prologue_end(text) :]):
        word = token.lower()
        if kind == "word" and word in FORMS:
            return word
        if kind == "word" and word in UPDATE_WORDS:
            return "update"
        return "unknown"
    return "unknown"


def mentions_service(text: str) -> bool:
    """Whether the word SERVICE occurs anywhere in the text (or in it with its escapes decoded)."""
    return any(re.search(r"(?i)(?<![\w])service(?![\w])", t) for t in (text, unescaped(text)))


def query_dataset(text: str, base: str) -> tuple[list[str], list[str]]:
    """The graphs of the query's ``FROM`` and ``FROM NAMED`` clauses, resolved (BASE after BASE, PREFIX
    against BASE, everything against ``base``: the endpoint's URL)."""
    current = base
    prefixes: dict[str, str] = {}
    toks = _significant(unescaped(text))
    default: list[str] = []
    named: list[str] = []

    def resolve(kind: str, token: str) -> str:
        if kind == "iri":
            return urljoin(current, token[1:-1])
        prefix, _, local = token.partition(":")
        return prefixes.get(prefix, "?") + re.sub(r"\\(.)", r"\1", local)

    for i, (kind, token) in enumerate(toks):
        word = token.lower() if kind == "word" else ""
        following = toks[i + 1 : i + 4]
        if word == "base" and following and following[0][0] == "iri":
            current = resolve(*following[0])
        elif word == "prefix" and len(following) >= 2 and following[1][0] == "iri":
            prefixes[following[0][1].rstrip(":")] = resolve(*following[1])
        elif word == "from" and following:
            is_named = following[0][0] == "word" and following[0][1].lower() == "named"
            target = following[1] if is_named and len(following) > 1 else following[0]
            if target[0] in ("iri", "pname"):
                (named if is_named else default).append(resolve(*target))
    return default, named


_PROJECTION = re.compile(r"\(((?:[^()]|\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\))*?)\s+AS\s+[?$](\w+)\s*\)", re.IGNORECASE)
_MIN_MAX = re.compile(r"(?i)\b(min|max)\s*\(")


def order_dependent(text: str) -> tuple[str, ...]:
    """The variables a query binds to MIN or MAX: over values SPARQL does not order (a string and an
    xsd:anyURI, say), which one wins depends on the order the engine reads them in."""
    body = TOKENS.sub(lambda m: " " if m.lastgroup in ("comment", "string") else m.group(), text)
    return tuple(sorted({m[2] for m in _PROJECTION.finditer(body) if _MIN_MAX.search(m[1])}))


_NONDETERMINISTIC = re.compile(r"(?i)\b(rand|now|uuid|struuid|sample)\s*\(|\bbnode\s*\(\s*\)")
_SLICE = re.compile(r"(?i)\b(limit|offset)\b")


def nondeterministic(text: str) -> bool:
    """RAND, NOW, UUID, STRUUID, BNODE(), SAMPLE, or LIMIT/OFFSET (without an order known to be total)."""
    body = " ".join(t for k, t in tokens(text) if k not in ("comment", "string", "iri"))
    return bool(_NONDETERMINISTIC.search(body) or _SLICE.search(body))


@dataclass(frozen=True)
class Case:
    """One query to send to both servers, and how to compare the answers."""

    source: str  # "generated", "named", "w3c", "dataset"
    name: str  # stable, readable id
    text: str
    form: str  # select | ask | construct | describe (| update | unknown)
    ordered: bool = False  # ORDER BY gives a total order: solutions compared as lists
    count_only: bool = False  # non-deterministic: compare the number of solutions/triples (and the variables)
    default_graphs: tuple[str, ...] | None = None  # protocol `default-graph-uri` (None: not sent)
    named_graphs: tuple[str, ...] | None = None  # protocol `named-graph-uri`
    methods: tuple[str, ...] = ("post-body",)  # how `kkni serve` is asked (assign_methods)
    loose: tuple[str, ...] = ()  # variables whose values are order-dependent (MIN, MAX): compared as bound or not

    @property
    def concat(self) -> bool:
        """GROUP_CONCAT: its order is not defined, so its values are compared as multisets of characters."""
        return "group_concat" in self.text.lower()

    @property
    def accept(self) -> str:
        if self.form in ("construct", "describe"):
            return "application/n-triples"
        if self.form in ("select", "ask"):
            return "application/sparql-results+json"
        return "application/sparql-results+json, application/n-triples;q=0.9"


def make_case(
    source: str,
    name: str,
    text: str,
    ordered: bool = False,
    default_graphs: tuple[str, ...] | None = None,
    named_graphs: tuple[str, ...] | None = None,
    count_only: bool | None = None,
    loose: tuple[str, ...] | None = None,
) -> Case:
    """A case whose form (and, unless told, what in its answer is deterministic) is read from its text."""
    if count_only is None:
        count_only = not ordered and nondeterministic(text)
    if loose is None:
        loose = order_dependent(text)
    return Case(source, name, text, form_of(text), ordered, count_only, default_graphs, named_graphs, loose=loose)


def assign_methods(cases: Sequence[Case], seed: int, share_all: float = 0.1) -> list[Case]:
    """Case i goes by method i % 3; a random tenth (by ``seed``) goes by all three."""
    rng = random.Random(f"methods-{seed}")
    out = []
    for i, case in enumerate(cases):
        methods = METHODS if rng.random() < share_all else (METHODS[i % 3],)
        out.append(replace(case, methods=methods))
    return out
