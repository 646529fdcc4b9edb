"""Users' RDF files (Turtle, N-Triples, JSON-LD) as triples, read by Oxigraph's parsers.

A file that cannot be read raises ``InputError``, which says where: the file, and the line and
column the parser stopped at (``kkni`` prints it and exits with 2).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from kkni_rdf.formats import rdf_format_of_path
from kkni_rdf.limits import TooDeep, check_depth

#: The RDF files a user may give (Turtle, N-Triples, JSON-LD).
RDF_SUFFIXES = (".json", ".jsonld", ".nt", ".ntriples", ".ttl", ".turtle")

_POSITION = re.compile(r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: ")


class InputError(ValueError):
    """A file that cannot be read as RDF, with where the problem is."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, column: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        where = f"{path}:{line}:{column}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


def rdf_format(path: Path) -> ox.RdfFormat:
    """The format a user's file is read in, from its extension (``InputError`` for any other file)."""
    fmt = rdf_format_of_path(path) if path.suffix.lower() in RDF_SUFFIXES else None
    if fmt is None:
        raise InputError(path, f"unknown RDF file type {path.suffix!r}; expected one of {', '.join(RDF_SUFFIXES)}")
    return fmt


def read_rdf(path: Path) -> list[ox.Triple]:
    """The triples of one Turtle, N-Triples or JSON-LD file; ``InputError`` with line and column."""
    if not path.is_file():
        raise InputError(path, "no such file")
    fmt = rdf_format(path)
    data = path.read_bytes()
    try:
        check_depth(data, fmt.name)  # before the recursive parser sees it
    except TooDeep as exc:
        raise InputError(path, str(exc), exc.line, exc.column) from None
    try:
        return [q.triple for q in ox.parse(data, format=fmt, base_iri=path.resolve().as_uri())]
    except SyntaxError as exc:
        detail = _POSITION.sub("", str(exc.msg if hasattr(exc, "msg") else exc))
        raise InputError(path, f"not valid {fmt.name}: {detail}", exc.lineno, exc.offset) from None
    except ValueError as exc:
        raise InputError(path, f"not valid {fmt.name}: {exc}") from None


def read_store(path: Path) -> ox.Store:
    """One file's triples in the default graph of a new Oxigraph store."""
    store = ox.Store()
    store.extend(as_quads(read_rdf(path)))
    return store


def as_quads(triples: list[ox.Triple]) -> list[ox.Quad]:
    """Triples as quads of the default graph."""
    return [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
