"""What Virtuoso 7 needs to answer standard SPARQL as the standard says: the query rewritten
before it is sent, its answers read back. ``RemoteStore`` applies both when the store is Virtuoso.

Each rewrite keeps the query's meaning under SPARQL 1.1 and works around one Virtuoso
deviation (checked on Debian's virtuoso-opensource 7.2.5):

- **Integer division.** ``4 / 7`` is ``0`` on Virtuoso, ``0.571…`` (``xsd:decimal``) in SPARQL
  (§17.4, ``op:numeric-divide``; openlink/virtuoso-opensource#475). A multiplicative chain with a
  division gets ``1.0 *`` in front: ``1.0 * a / b`` is ``a / b`` for every numeric type (decimal
  times integer or decimal is decimal, times float or double is that type, exactly) and makes
  Virtuoso divide as decimals.
- **Booleans.** Virtuoso evaluates comparisons, ``EXISTS``, ``BOUND`` … and the literals ``true``
  and ``false`` to the integers 1 and 0. Every boolean-valued expression bound by ``BIND``, a
  projection or a ``GROUP BY`` (``(E AS ?v)``) is sent as ``xsd:boolean(E)``, which Virtuoso
  answers as ``"1"^^xsd:boolean``; ``fix_results`` then writes the canonical ``true``/``false``
  (Virtuoso keeps no lexical form of a boolean: a stored ``false`` comes back as ``"0"`` in
  SPARQL results and as ``"false"`` in N-Triples).
- **Aggregates inside expressions.** ``(COALESCE(GROUP_CONCAT(?c; separator=" "), "") AS ?p)``
  in a query that groups by a ``BIND`` variable stops Virtuoso's compiler ("SQ156: Internal
  Optimized compiler error … Bad dfe in sqlo_place_exp"). The aggregates are computed in a
  sub-query that groups as the query does, and the expressions over them in the query around it
  (the standard's own translation of aggregates: §18.2.4.1).
- **GROUP_CONCAT without a separator** fails ("SR183: Required argument delim … not supplied");
  the standard's default separator, a space, is sent explicitly.

A rewrite that cannot be applied safely (unbalanced brackets, an aggregate in ``ORDER BY``, a
``GROUP BY`` on a bare expression) is skipped and the query sent as it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
#: A graph every Virtuoso holds (its own RDF views' metadata): a store that lists it is Virtuoso.
SYSTEM_GRAPH = "http://www.openlinksw.com/schemas/virtrdf#"


def is_virtuoso(server_header: str, graphs: list[str]) -> bool:
    """Whether the store is Virtuoso: its ``Server`` header says so, or it lists its system graph."""
    return server_header.lower().startswith("virtuoso") or SYSTEM_GRAPH in graphs


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    kind: str  # string, lang, iri, var, number, bnode, pname, name, op, punct, other
    text: str
    start: int
    end: int

    def is_name(self, *names: str) -> bool:
        return self.kind == "name" and self.text.upper() in names


_PN_CHARS = r"\w\u00b7\u00c0-\uffff"
_TOKEN = re.compile(
    r"(?P<space>\s+|#[^\n]*)"
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\')'
    r"|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"
    r"|(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)"
    r"|(?P<var>[?$][" + _PN_CHARS + r"]+)"
    r"|(?P<number>(?:\d+\.\d*|\.\d+)[eE][+-]?\d+|\d+[eE][+-]?\d+|\d*\.\d+|\d+)"
    r"|(?P<bnode>_:[" + _PN_CHARS + r"](?:[" + _PN_CHARS + r".\-]*[" + _PN_CHARS + r"\-])?)"
    r"|(?P<pname>(?:[A-Za-z\u00c0-\uffff][" + _PN_CHARS + r".\-]*)?:(?:[" + _PN_CHARS + r"\-:%]|\\.|\.(?=[" + _PN_CHARS + r"\-:%\\]))*)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\|\||&&|!=|<=|>=|\^\^|[=<>!+\-*/|^?])"
    r"|(?P<punct>[(){}\[\],;.])"
    r"|(?P<other>.)",
    re.S,
)


def tokenize(text: str) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind != "space":
            out.append(Token(kind, m.group(), m.start(), m.end()))
    return out


_OPEN = {"(": ")", "{": "}", "[": "]"}


def match_brackets(tokens: list[Token]) -> dict[int, int] | None:
    """Index of each bracket → index of its partner, or None when they do not balance."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, t in enumerate(tokens):
        if t.kind != "punct":
            continue
        if t.text in _OPEN:
            stack.append(i)
        elif t.text in (")", "}", "]"):
            if not stack or _OPEN[tokens[stack[-1]].text] != t.text:
                return None
            j = stack.pop()
            pairs[i], pairs[j] = j, i
    return pairs if not stack else None


@dataclass
class _Edits:
    """Insertions and replacements at character offsets, applied together."""

    text: str

    def __post_init__(self) -> None:
        self._edits: list[tuple[int, int, str]] = []

    def insert(self, at: int, what: str) -> None:
        self._edits.append((at, at, what))

    def replace(self, start: int, end: int, what: str) -> None:
        self._edits.append((start, end, what))

    def apply(self) -> str:
        out, last = [], 0
        for start, end, what in sorted(self._edits, key=lambda e: (e[0], e[1])):
            out.append(self.text[last:start])
            out.append(what)
            last = max(last, end)
        out.append(self.text[last:])
        return "".join(out)


# --------------------------------------------------------------------------- expressions

_CALLERS = ("name", "pname", "iri")  # a token that, before "(", makes it a call
_OPERAND_ENDS = ("var", "number", "string", "lang")
_AGGREGATES = ("COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT")
_BOOLEAN_FUNCTIONS = (
    "BOUND",
    "ISIRI",
    "ISURI",
    "ISBLANK",
    "ISLITERAL",
    "ISNUMERIC",
    "ISTRIPLE",
    "REGEX",
    "SAMETERM",
    "LANGMATCHES",
    "CONTAINS",
    "STRSTARTS",
    "STRENDS",
)
_RELATIONAL = ("=", "!=", "<", ">", "<=", ">=", "&&", "||")


def _is_expression_group(tokens: list[Token], pairs: dict[int, int], open_at: int) -> bool:
    """Whether the brackets opening at ``open_at`` hold an expression (not a property path)."""
    if open_at > 0 and tokens[open_at - 1].kind in _CALLERS and not tokens[open_at - 1].is_name("A"):
        return True
    inner = tokens[open_at + 1 : pairs[open_at]]
    return any(t.kind in ("var", "number", "string") or t.is_name("TRUE", "FALSE") for t in inner)


def _operand_start(tokens: list[Token], pairs: dict[int, int], end: int) -> int | None:
    """The index of the first token of the operand that ends at ``end``, or None if it is no
    expression operand (a path step)."""
    t = tokens[end]
    if t.kind in ("var", "number") or t.is_name("TRUE", "FALSE"):
        return end
    if t.kind in ("string", "lang"):
        return end if t.kind == "string" else end - 1
    if t.kind in ("iri", "pname") and end >= 2 and tokens[end - 1].text == "^^" and tokens[end - 2].kind == "string":
        return end - 2  # a typed literal
    if t.kind == "punct" and t.text == ")" and end in pairs:
        open_at = pairs[end]
        if not _is_expression_group(tokens, pairs, open_at):
            return None
        if open_at > 0 and tokens[open_at - 1].kind in _CALLERS:
            return open_at - 1
        return open_at
    return None


def decimal_division(text: str) -> str:
    """``1.0 *`` before every multiplicative chain that divides (see the module's docstring)."""
    tokens = tokenize(text)
    pairs = match_brackets(tokens)
    if pairs is None:
        return text
    starts: set[int] = set()
    for i, t in enumerate(tokens):
        if not (t.kind == "op" and t.text == "/" and i > 0):
            continue
        start = _operand_start(tokens, pairs, i - 1)
        if start is None:
            continue
        # walk back to the chain's first operand: a * b / c → before a
        while start >= 2 and tokens[start - 1].kind == "op" and tokens[start - 1].text in ("*", "/"):
            previous = _operand_start(tokens, pairs, start - 2)
            if previous is None:
                break
            start = previous
        starts.add(tokens[start].start)
    edits = _Edits(text)
    for at in starts:
        edits.insert(at, "1.0 * ")
    return edits.apply()


def _split_args(tokens: list[Token], pairs: dict[int, int], open_at: int) -> list[tuple[int, int]]:
    """The ``[start, end)`` token ranges of a call's arguments (split at top-level commas)."""
    close = pairs[open_at]
    args, start, i = [], open_at + 1, open_at + 1
    while i < close:
        t = tokens[i]
        if t.kind == "punct" and t.text in _OPEN:
            i = pairs[i] + 1
            continue
        if t.kind == "punct" and t.text == ",":
            args.append((start, i))
            start = i + 1
        i += 1
    if start < close:
        args.append((start, close))
    return args


def _is_boolean(tokens: list[Token], pairs: dict[int, int], lo: int, hi: int) -> bool:
    """Whether the expression ``tokens[lo:hi]`` has a boolean value."""
    if lo >= hi:
        return False
    i = lo
    while i < hi:  # an operator of the lowest precedences at the top level
        t = tokens[i]
        if t.kind == "punct" and t.text in _OPEN:
            i = pairs[i] + 1
            continue
        if (t.kind == "op" and t.text in _RELATIONAL) or t.is_name("IN"):
            return True
        i += 1
    first = tokens[lo]
    if first.kind == "op" and first.text == "!":
        return True
    if hi - lo == 1 and first.is_name("TRUE", "FALSE"):
        return True
    if first.is_name("NOT") and lo + 1 < hi and tokens[lo + 1].is_name("EXISTS"):
        return True
    if first.is_name("EXISTS"):
        return True
    if first.kind == "punct" and first.text == "(" and pairs.get(lo) == hi - 1:
        return _is_boolean(tokens, pairs, lo + 1, hi - 1)
    if first.kind == "name" and lo + 1 < hi and tokens[lo + 1].text == "(" and pairs.get(lo + 1) == hi - 1:
        name = first.text.upper()
        if name in _BOOLEAN_FUNCTIONS:
            return True
        args = _split_args(tokens, pairs, lo + 1)
        if name == "IF" and len(args) == 3:
            return all(_is_boolean(tokens, pairs, a, b) for a, b in args[1:])
        if name == "COALESCE" and args:
            return all(_is_boolean(tokens, pairs, a, b) for a, b in args)
    return False


def _bindings(tokens: list[Token], pairs: dict[int, int]) -> list[tuple[int, int, int]]:
    """Every ``( E AS ?v )``: (index of "(", index of AS, index of ")")."""
    found = []
    for i, t in enumerate(tokens):
        if not (t.kind == "punct" and t.text == "(" and i in pairs):
            continue
        close = pairs[i]
        j = i + 1
        while j < close:
            u = tokens[j]
            if u.kind == "punct" and u.text in _OPEN:
                j = pairs[j] + 1
                continue
            if u.is_name("AS") and j + 2 == close and tokens[j + 1].kind == "var":
                found.append((i, j, close))
                break
            j += 1
    return found


def typed_booleans(text: str) -> str:
    """``xsd:boolean(E)`` for every boolean-valued ``E`` in ``(E AS ?v)`` (see the module's docstring)."""
    tokens = tokenize(text)
    pairs = match_brackets(tokens)
    if pairs is None:
        return text
    edits = _Edits(text)
    for open_at, as_at, _ in _bindings(tokens, pairs):
        lo, hi = open_at + 1, as_at
        if _is_boolean(tokens, pairs, lo, hi):
            edits.insert(tokens[lo].start, f"<{XSD_BOOLEAN}>(")
            edits.insert(tokens[hi - 1].end, ")")
    return edits.apply()


def explicit_separator(text: str) -> str:
    """``GROUP_CONCAT(x)`` as ``GROUP_CONCAT(x; separator=" ")``, the standard's default."""
    tokens = tokenize(text)
    pairs = match_brackets(tokens)
    if pairs is None:
        return text
    edits = _Edits(text)
    for i, t in enumerate(tokens[:-1]):
        if t.is_name("GROUP_CONCAT") and tokens[i + 1].text == "(" and i + 1 in pairs:
            close = pairs[i + 1]
            if not any(u.kind == "punct" and u.text == ";" for u in tokens[i + 2 : close]):
                edits.insert(tokens[close].start, '; separator=" "')
    return edits.apply()


# --------------------------------------------------------------------------- aggregates in expressions


def _aggregate_calls(tokens: list[Token], pairs: dict[int, int], lo: int, hi: int) -> list[tuple[int, int]]:
    """The outermost aggregate calls in ``tokens[lo:hi]``: (index of the name, index of ")")."""
    calls, i = [], lo
    while i < hi:
        t = tokens[i]
        if t.kind == "name" and t.text.upper() in _AGGREGATES and i + 1 < hi and tokens[i + 1].text == "(" and i + 1 in pairs:
            calls.append((i, pairs[i + 1]))
            i = pairs[i + 1] + 1
            continue
        i += 1
    return calls


def _clause_end(tokens: list[Token], pairs: dict[int, int], i: int, stop: int, keywords: tuple[str, ...]) -> int:
    """The index where a solution modifier starting at ``i`` ends: the next of ``keywords`` at its level, or ``stop``."""
    while i < stop:
        t = tokens[i]
        if t.kind == "punct" and t.text in _OPEN:
            i = pairs[i] + 1
            continue
        if t.kind == "name" and t.text.upper() in keywords:
            return i
        i += 1
    return stop


def _group_keys(tokens: list[Token], pairs: dict[int, int], lo: int, hi: int) -> list[str] | None:
    """The variables a ``GROUP BY`` (``tokens[lo:hi]``, after the two keywords) groups by, or None
    when it groups by an unnamed expression (nothing outside the sub-query could refer to it)."""
    keys, k = [], lo
    while k < hi:
        u = tokens[k]
        if u.kind == "var":
            keys.append(u.text)
            k += 1
        elif u.text == "(" and k in pairs:
            close = pairs[k]
            if not (close - k >= 3 and tokens[close - 2].is_name("AS") and tokens[close - 1].kind == "var"):
                return None
            keys.append(tokens[close - 1].text)
            k = close + 1
        else:
            return None  # GROUP BY STR(?x), or something we do not read
    return keys


def _lift_one(text: str) -> str | None:
    """The query with the first SELECT whose projection nests an aggregate in an expression
    rewritten, or None when there is none (or it cannot be rewritten safely)."""
    tokens = tokenize(text)
    pairs = match_brackets(tokens)
    if pairs is None:
        return None
    for s, t in enumerate(tokens):
        if not t.is_name("SELECT"):
            continue
        # the projection: up to WHERE, FROM or the group's "{"
        p = s + 1
        distinct = ""
        if p < len(tokens) and tokens[p].is_name("DISTINCT", "REDUCED"):
            distinct = tokens[p].text + " "
            p += 1
        items: list[tuple[int, int]] = []  # token ranges [start, end)
        q = p
        while q < len(tokens) and not (tokens[q].is_name("WHERE", "FROM") or tokens[q].text == "{"):
            end = pairs[q] + 1 if tokens[q].text == "(" and q in pairs else q + 1
            items.append((q, end))
            q = end
        calls_of = {a: _aggregate_calls(tokens, pairs, a + 1, b - 3) for a, b in items if tokens[a].text == "(" and b - a >= 4}
        if not any(calls and calls != [(a + 1, items_end - 4)] for (a, items_end) in items for calls in [calls_of.get(a, [])]):
            continue
        # the dataset clauses, then the group pattern
        g = q
        while g < len(tokens) and tokens[g].text != "{":
            g += 1
        if g >= len(tokens) or g not in pairs:
            return None
        group_end = pairs[g]
        # where the query ends: the "}" around a sub-query, else the end (a trailing VALUES included)
        stop = min((c for o, c in pairs.items() if tokens[o].text == "{" and o < s < c), default=len(tokens))
        m = group_end + 1
        group_by = having = (m, m)
        if m < stop and tokens[m].is_name("GROUP"):
            end = _clause_end(tokens, pairs, m, stop, ("HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"))
            group_by, m = (m, end), end
        order_at = _clause_end(tokens, pairs, m, stop, ("ORDER", "LIMIT", "OFFSET", "VALUES"))
        if m < stop and tokens[m].is_name("HAVING"):
            having = (m, order_at)
        keys = _group_keys(tokens, pairs, group_by[0] + 2, group_by[1]) if group_by[1] > group_by[0] else []
        if keys is None or _aggregate_calls(tokens, pairs, order_at, stop):
            return None  # an unnamed GROUP BY expression, or ORDER BY COUNT(…): left as it is
        outer: list[str] = []
        inner: list[str] = list(dict.fromkeys(keys))
        n = 0
        for a, b in items:
            start, end = tokens[a].start, tokens[b - 1].end
            calls = calls_of.get(a, [])
            if not calls:
                outer.append(text[start:end])
                if tokens[a].kind == "var" and tokens[a].text not in inner:
                    inner.append(tokens[a].text)
                continue
            piece, shift = text[start:end], start
            for c0, c1 in calls:
                n += 1
                name = f"?kkni_aggregate_{n}"
                call = text[tokens[c0].start : tokens[c1].end]
                inner.append(f"({call} AS {name})")
                at = tokens[c0].start - shift
                piece = piece[:at] + name + piece[at + len(call) :]
                shift += len(call) - len(name)
            outer.append(piece)

        def span(lo: int, hi: int) -> str:
            return text[tokens[lo].start : tokens[hi - 1].end] if hi > lo else ""

        w = q  # FROM … up to WHERE (or the group)
        while w < g and not tokens[w].is_name("WHERE"):
            w += 1
        dataset = span(q, w)
        modifiers = " ".join(x for x in (span(*group_by), span(*having)) if x)
        rewritten = (
            f"SELECT {distinct}{' '.join(outer)} {dataset + ' ' if dataset else ''}WHERE {{ {{ SELECT {' '.join(inner)} WHERE "
            f"{span(g, group_end + 1)} {modifiers} }} }} {span(order_at, stop)}"
        )
        return text[: t.start] + rewritten.rstrip() + text[tokens[stop - 1].end :]
    return None


def lift_aggregates(text: str) -> str:
    """Aggregates nested in projected expressions computed in a sub-query (see the module's docstring)."""
    for _ in range(20):  # one SELECT at a time; a query has few
        lifted = _lift_one(text)
        if lifted is None:
            return text
        text = lifted
    return text


def pragmas(form: str | None) -> str:
    """Virtuoso's ``define`` clauses for a query of this form (``SELECT``, ``DESCRIBE`` …), sent on
    the line of our first PREFIX so that the store's line numbers stay right: a DESCRIBE answers
    with the resource's concise bounded description, as Oxigraph's does (Virtuoso's own adds the
    triples that point to the resource)."""
    return 'define sql:describe-mode "CBD" ' if form == "DESCRIBE" else ""


REWRITES: tuple[Callable[[str], str], ...] = (explicit_separator, typed_booleans, lift_aggregates, decimal_division)


def rewrite(text: str) -> str:
    """The query as Virtuoso should be sent it (every rewrite of the module's docstring)."""
    for step in REWRITES:
        text = step(text)
    return text


# --------------------------------------------------------------------------- answers


_XML_BOOLEAN = re.compile(rb'(<literal datatype="' + re.escape(XSD_BOOLEAN.encode()) + rb'">)([01])(</literal>)')


def fix_results(content_type: str, body: bytes) -> bytes:
    """Virtuoso's SPARQL results made standard: blank nodes ``nodeID://b10034`` as ``b10034``
    (the label its N-Triples use), booleans ``"1"``/``"0"`` as ``true``/``false``. Other answers
    are returned as they are."""
    media = content_type.split(";", maxsplit=1)[0].strip().lower()
    if b"nodeID://" not in body and XSD_BOOLEAN.encode() not in body:
        return body
    if media in ("application/sparql-results+json", "application/json"):
        data = json.loads(body)
        for binding in data.get("results", {}).get("bindings", []):
            for term in binding.values():
                if not isinstance(term, dict):
                    continue
                value = str(term.get("value", ""))
                if term.get("type") == "bnode" and value.startswith("nodeID://"):
                    term["value"] = value[len("nodeID://") :]
                elif term.get("datatype") == XSD_BOOLEAN and value in ("0", "1"):
                    term["value"] = "true" if value == "1" else "false"
        return json.dumps(data).encode()
    if media == "application/sparql-results+xml":
        body = body.replace(b"<bnode>nodeID://", b"<bnode>")
        return _XML_BOOLEAN.sub(lambda m: m[1] + (b"true" if m[2] == b"1" else b"false") + m[3], body)
    return body


__all__ = ["SYSTEM_GRAPH", "fix_results", "is_virtuoso", "pragmas", "rewrite", "tokenize"]
