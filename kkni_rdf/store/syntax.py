"""Readable SPARQL syntax errors: where the first wrong token is, and what was expected there.

Oxigraph's parser (a PEG) reports the furthest point any of its alternatives reached, often the end
of the text, with the grammar's internal alternatives ("expected one of LATERAL, SERVICE, [_]" for
an incomplete triple). rdflib's parser (pyparsing) backtracks to where the construct that cannot be
read begins (``SELEC`` at column 1, ``LIMT`` after the WHERE clause). The error names the earlier of
the two positions, the token found there, and a hint in words: the query forms, a keyword it is
close to, a triple's three parts, or a query that ends too early.
"""

from __future__ import annotations

import difflib
import re

KEYWORDS = (
    "SELECT", "CONSTRUCT", "DESCRIBE", "ASK", "WHERE", "PREFIX", "BASE", "DISTINCT", "REDUCED", "FROM", "NAMED", "GRAPH",
    "OPTIONAL", "UNION", "MINUS", "FILTER", "BIND", "VALUES", "SERVICE", "EXISTS", "NOT", "AS", "GROUP", "BY", "HAVING",
    "ORDER", "ASC", "DESC", "LIMIT", "OFFSET", "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "SEPARATOR",
    "STR", "LANG", "LANGMATCHES", "DATATYPE", "BOUND", "IRI", "URI", "BNODE", "CONCAT", "CONTAINS", "STRSTARTS", "STRENDS",
    "REGEX", "REPLACE", "COALESCE", "IF", "IN", "LCASE", "UCASE", "STRLEN", "SUBSTR", "ISIRI", "ISLITERAL", "ISBLANK",
)  # fmt: skip
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
_TOKEN = re.compile(
    r"""<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[?$]\w+|[A-Za-z_][\w.-]*(?::[\w.:%-]*)?|:[\w.:%-]*|\d+(?:\.\d+)?|\S"""
)
_PROLOGUE = re.compile(r"""\A(?:\s|#[^\n]*\n|(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>))*""", re.IGNORECASE)
_RDFLIB_POSITION = re.compile(r"\(at char (\d+)\)")


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(x) + 1 for x in lines[: line - 1]) + column - 1


def _line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _rdflib_offset(text: str) -> tuple[int, str] | None:
    """Where rdflib's parser gives up on ``text``, and its message; None if it reads the query."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(text)
    except Exception as exc:  # pyparsing's ParseException (or a RecursionError on deep nesting)
        loc = getattr(exc, "loc", None)
        if isinstance(loc, int):
            return loc, str(exc)
        m = _RDFLIB_POSITION.search(str(exc))
        return (int(m[1]), str(exc)) if m else None
    return None


def readable(text: str, line: int, column: int, detail: str) -> tuple[str, int, int]:
    """A syntax error in words, at the first wrong token: (message, line, column). ``line``, ``column``
    and ``detail`` are Oxigraph's."""
    if "Prefix not found" in detail:
        return "undeclared prefix (add a PREFIX line for it)", line, column
    offset = min(_offset(text, line, column), len(text))
    other = _rdflib_offset(text)
    rdflib_message = ""
    if other is not None and other[0] < offset:
        offset, rdflib_message = other
    while offset < len(text) and text[offset].isspace():
        offset += 1
    at_line, at_column = _line_column(text, offset)
    if offset >= len(text):
        return (
            "syntax error: the query ends too early; something is missing at its end (a closing } or ), or a triple's object?)",
            at_line,
            at_column,
        )
    m = _TOKEN.match(text, offset)
    token = m[0] if m else text[offset]
    where = f"at {token!r}"
    word = token.upper()
    if offset == len(_PROLOGUE.match(text)[0]) and word not in _FORMS:  # type: ignore[index]
        hint = "a query starts with SELECT, CONSTRUCT, DESCRIBE or ASK (after its PREFIX lines)"
        near = difflib.get_close_matches(word, _FORMS, n=1, cutoff=0.6)
        if near:
            hint = f"did you mean {near[0]}? " + hint
        return f"syntax error {where}: {hint}", at_line, at_column
    if token.isalpha() and word not in KEYWORDS:
        near = difflib.get_close_matches(word, KEYWORDS, n=1, cutoff=0.75)
        if near:
            return f"syntax error {where}: did you mean {near[0]}?", at_line, at_column
    if rdflib_message and (token[0] in "?$<:" or (token[0].isalpha() and ":" in token)):
        return (
            f"syntax error {where}: this triple pattern cannot be read; a triple needs a subject, a predicate and an object, "
            "and triples are separated by '.'",
            at_line,
            at_column,
        )
    expected = [o.strip() for o in re.sub(r"^expected (one of )?", "", detail).split(",")] if detail.startswith("expected ") else []
    expected = [o for o in expected if o and o != "[_]" and not o.startswith(('"', "'"))]
    if 0 < len(expected) <= 2:
        return f"syntax error {where}: expected {' or '.join(expected)} after it", at_line, at_column
    return f"syntax error {where}: the query cannot be read from here", at_line, at_column
