"""How deep input may nest, checked before any recursive parser sees it.

Oxigraph's SPARQL, Turtle and JSON-LD parsers, rdflib's and pyparsing's all recurse once per
nesting level: a few thousand nested braces, blank-node property lists, triple terms or JSON
objects overflow the stack of the process that reads them (a segfault, not an exception). So every
text a user gives (a query, a data file) is first scanned here, without recursion, by a regular
expression that skips what cannot nest (strings, IRIs, comments): a text that nests deeper than
``MAX_DEPTH`` is refused with ``TooDeep``, which says where (line and column) the limit was passed.

- SPARQL and Turtle (``rdf_depth``): ``{ } ( ) [ ]`` and the triple terms ``<< >>`` / ``<<( )>>``,
  outside strings, IRIs and comments (they share their lexical rules).
- JSON and JSON-LD (``json_depth``): ``{ } [ ]`` outside strings.
- RDF/XML (``xml_depth``): element depth, counted by expat (a streaming parser, no recursion).

The scans are linear and cheap: a text with fewer opening brackets than the limit is not scanned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.parsers import expat

#: The deepest nesting accepted (a real query or record nests ten or twenty levels deep at most).
MAX_DEPTH = 128

__all__ = ["MAX_DATA_BYTES", "MAX_DEPTH", "MAX_QUERY_BYTES", "TooDeep", "check_depth", "json_depth", "rdf_depth", "xml_depth"]


@dataclass(frozen=True)
class TooDeep(ValueError):
    """Input nested deeper than the limit; ``line`` and ``column`` (1-based) where it passed it."""

    kind: str  # "SPARQL", "Turtle", "JSON", "RDF/XML"
    limit: int
    line: int
    column: int

    def __str__(self) -> str:
        return f"the {self.kind} is nested more than {self.limit} levels deep at line {self.line}, column {self.column}"


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - text.rfind("\n", 0, offset)


_HEX = "[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS = _PN_CHARS_BASE + "_0-9\\-\u00b7\u0300-\u036f\u203f-\u2040"

# The lexical rules shared by SPARQL, Turtle and TriG, as their grammars (and Oxigraph) read them:
# what is skipped (a backslash escape, comments, strings, variables, blank nodes, language tags),
# IRIs (read whole, as the grammar does: a '#' or a bracket inside one is neither a comment nor a
# nesting), what nests, and the names a query's guard looks at (prefixed names, keywords).
# Long strings before short ones; an IRI before '<<'.
RDF_TOKENS = re.compile(
    rf"""
    (?P<skip>
        \\[\s\S]
      | \#[^\r\n]*
      | \"\"\"(?:[^"\\]|\\[\s\S]|"(?!""))*\"\"\"
      | '''(?:[^'\\]|\\[\s\S]|'(?!''))*'''
      | "(?:[^"\\\r\n]|\\[\s\S])*"
      | '(?:[^'\\\r\n]|\\[\s\S])*'
      | [?$][{_PN_CHARS}]+
      | _:[{_PN_CHARS}.]*
      | @[A-Za-z]+(?:-[A-Za-z0-9]+)*
    )
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<open><<\(?|[{{(\[])
  | (?P<close>\)>>|>>|[}})\]])
  | (?P<pname>(?:[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)?:(?:[{_PN_CHARS}:.%]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
  | (?P<word>[A-Za-z_][A-Za-z_0-9]*)
    """,
    re.VERBOSE,
)
_RDF_OPENERS = re.compile(r"<<|[{(\[]")

JSON_TOKENS = re.compile(r'(?P<skip>"(?:[^"\\]|\\[\s\S])*")|(?P<open>[{\[])|(?P<close>[}\]])')
_JSON_OPENERS = re.compile(r"[{\[]")


def _depth(text: str, tokens: re.Pattern[str], openers: re.Pattern[str], kind: str, limit: int) -> None:
    if len(openers.findall(text)) <= limit:
        return  # cannot nest deeper than it has brackets
    depth = 0
    for m in tokens.finditer(text):
        group = m.lastgroup
        if group == "open":
            depth += 1
            if depth > limit:
                raise TooDeep(kind, limit, *position(text, m.start()))
        elif group == "close" and depth:
            depth -= 1
        elif group == "iri":  # brackets inside an IRI count as if they nested: an IRI never hides nesting
            iri = m.group()
            depth += iri.count("(") + iri.count("[")
            if depth > limit:
                raise TooDeep(kind, limit, *position(text, m.start()))
            depth = max(0, depth - iri.count(")") - iri.count("]"))


def rdf_depth(text: str, kind: str = "SPARQL", limit: int = MAX_DEPTH) -> None:
    """``TooDeep`` if the SPARQL or Turtle ``text`` nests deeper than ``limit``."""
    _depth(text, RDF_TOKENS, _RDF_OPENERS, kind, limit)


def json_depth(text: str, kind: str = "JSON", limit: int = MAX_DEPTH) -> None:
    """``TooDeep`` if the JSON ``text`` nests deeper than ``limit``."""
    _depth(text, JSON_TOKENS, _JSON_OPENERS, kind, limit)


def xml_depth(data: bytes, limit: int = MAX_DEPTH) -> None:
    """``TooDeep`` if the XML document ``data`` has elements deeper than ``limit``; malformed XML is
    left to the RDF/XML parser, which says what is wrong."""
    parser = expat.ParserCreate()
    depth = 0

    def start(name: str, attrs: object) -> None:
        nonlocal depth
        depth += 1
        if depth > limit:
            raise TooDeep("RDF/XML", limit, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return


#: the depth check for each kind of RDF file, by the name of its pyoxigraph ``RdfFormat``
def check_depth(data: bytes, format_name: str, limit: int = MAX_DEPTH) -> None:
    """``TooDeep`` if ``data`` (an RDF file in the format named ``format_name``) nests deeper than ``limit``."""
    name = format_name.upper().replace("-", "_").replace(" ", "_")
    if name in ("RDF_XML", "RDFXML"):
        xml_depth(data, limit)
        return
    text = data.decode("utf-8", errors="replace")
    if name in ("JSON_LD", "JSONLD", "JSON"):
        json_depth(text, "JSON-LD", limit)
    elif name in ("N_TRIPLES", "N_QUADS"):
        rdf_depth(text, "N-Triples" if name == "N_TRIPLES" else "N-Quads", limit)  # triple terms nest
    else:
        rdf_depth(text, "Turtle" if name == "TURTLE" else name.title(), limit)


# --------------------------------------------------------------------------- how large input may be

#: The longest query text (and ``/check`` record) read whole: ``kkni serve``'s ``--max-query-bytes``
#: default, which ``kkni query`` and ``kkni check --file`` share (tests/test_cli_limits.py checks they agree).
MAX_QUERY_BYTES = 256 * 1024

#: The most RDF ``kkni validate`` reads, all files together: its parsers and the SHACL engine hold 18
#: to 60 times the file in memory (measured: 196 MB of Turtle took 3.5 GB, 23.4 MB of short triples
#: with literals 1.39 GB), so 16 MiB stays within about 1 GiB, the endpoint's memory allowance for a
#: query worker (``--worker-memory``). The decree's graph is 0.64 MB; ``--max-bytes`` reads more.
MAX_DATA_BYTES = 16 * 1024 * 1024
