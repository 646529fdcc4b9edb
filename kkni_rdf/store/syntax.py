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
#: The prefixed name a text ends with (its prefix in group 1, possibly empty).
_PNAME_BEFORE = re.compile(r"(?<![\w.:-])([A-Za-z][\w.-]*|):[\w.%:\\-]*\Z")
_PROLOGUE = re.compile(r"""\A(?:\s|#[^\n]*\n|(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>))*""", re.IGNORECASE)


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(x) + 1 for x in lines[: line - 1]) + column - 1


def _line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _rdflib_offset(text: str) -> tuple[int, str] | None:
    """Where rdflib's parser gives up on ``text``, and its message; None if it reads the query."""
    # only for a query that failed: rdflib's SPARQL grammar takes a moment to import
    from pyparsing import ParseException  # noqa: PLC0415
    from rdflib.plugins.sparql.parser import parseQuery  # noqa: PLC0415

    try:
        parseQuery(text)
    except ParseException as exc:
        return exc.loc, str(exc)
    except RecursionError:  # nested too deep for pyparsing: Oxigraph's position stands
        return None
    return None


def _hint(token: str, at_start: bool, from_rdflib: bool, detail: str) -> tuple[str, str]:
    """What to say about the wrong ``token``: (in English, in Indonesian)."""
    word = token.upper()
    if at_start and word not in _FORMS:
        near = difflib.get_close_matches(word, _FORMS, n=1, cutoff=0.6)
        return (
            (f"did you mean {near[0]}? " if near else "")
            + "a query starts with SELECT, CONSTRUCT, DESCRIBE or ASK (after its PREFIX lines)",
            (f"maksud Anda {near[0]}? " if near else "") + "kueri diawali SELECT, CONSTRUCT, DESCRIBE atau ASK (setelah baris PREFIX-nya)",
        )
    near = difflib.get_close_matches(word, KEYWORDS, n=1, cutoff=0.75) if token.isalpha() and word not in KEYWORDS else []
    if near:
        return f"did you mean {near[0]}?", f"maksud Anda {near[0]}?"
    if from_rdflib and (token[0] in "?$<:" or (token[0].isalpha() and ":" in token)):
        return (
            "this triple pattern cannot be read; a triple needs a subject, a predicate and an object, and triples are separated by '.'",
            "pola triple ini tidak dapat dibaca; triple memerlukan subjek, predikat dan objek, dan antar-triple dipisahkan dengan '.'",
        )
    expected = [o.strip() for o in re.sub(r"^expected (one of )?", "", detail).split(",")] if detail.startswith("expected ") else []
    expected = [o for o in expected if o and o != "[_]" and not o.startswith(('"', "'"))]
    if 0 < len(expected) <= 2:
        return f"expected {' or '.join(expected)} after it", f"setelahnya diharapkan {' atau '.join(expected)}"
    return "the query cannot be read from here", "kueri tidak dapat dibaca mulai dari sini"


def undeclared_prefix(prefix: str | None) -> tuple[str, str]:
    """The message for a prefix the query uses without a PREFIX line: (in English, in Indonesian), naming it where known."""
    if prefix is None:
        return "undeclared prefix (add a PREFIX line for it)", "prefiks tidak dideklarasikan (tambahkan baris PREFIX untuknya)"
    return (
        f"undeclared prefix {prefix!r} (add a PREFIX line for it, e.g. PREFIX {prefix}: <…>)",
        f"prefiks {prefix!r} tidak dideklarasikan (tambahkan baris PREFIX untuknya, mis. PREFIX {prefix}: <…>)",
    )


def readable(text: str, line: int, column: int, detail: str) -> tuple[str, str, int, int]:
    """A syntax error in words, at the first wrong token: (message, pesan: the same in Indonesian, line, column).
    ``line``, ``column`` and ``detail`` are Oxigraph's."""
    if "Prefix not found" in detail:  # Oxigraph points just past the prefixed name: name its prefix, where it starts
        before = text[: min(_offset(text, line, column), len(text))]
        m = _PNAME_BEFORE.search(before)
        if m is None:
            return *undeclared_prefix(None), line, column
        at_line, at_column = _line_column(text, m.start(1))
        return *undeclared_prefix(m[1]), at_line, at_column
    offset = min(_offset(text, line, column), len(text))
    other = _rdflib_offset(text)
    from_rdflib = other is not None and other[0] < offset
    if other is not None and from_rdflib:
        offset = other[0]
    while offset < len(text) and text[offset].isspace():
        offset += 1
    at_line, at_column = _line_column(text, offset)
    if offset >= len(text):
        return (
            "syntax error: the query ends too early; something is missing at its end (a closing } or ), or a triple's object?)",
            "kesalahan sintaks: kueri berakhir terlalu cepat; ada yang kurang di akhirnya (} atau ) penutup, atau objek sebuah triple?)",
            at_line,
            at_column,
        )
    m = _TOKEN.match(text, offset)
    token = m[0] if m else text[offset]
    prologue = _PROLOGUE.match(text)
    at_start = prologue is not None and offset == len(prologue[0])
    en, id_ = _hint(token, at_start, from_rdflib, detail)
    return f"syntax error at {token!r}: {en}", f"kesalahan sintaks pada {token!r}: {id_}", at_line, at_column
