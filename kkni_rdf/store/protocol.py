"""What every store offers the rest of the package: ``QueryableStore`` and ``QueryError``.

``KkniStore`` (``store.embedded``, Oxigraph in process) and ``RemoteStore`` (``store.remote``, any
SPARQL 1.1 server) both satisfy ``QueryableStore``; queries' syntax errors become ``QueryError``
with the line and column the engine reports.
"""

from __future__ import annotations

import re
from typing import Protocol

import pyoxigraph as ox


class QueryError(ValueError):
    """A query the engine cannot parse or run, with where the problem is."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
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
        from kkni_rdf.store.syntax import readable

        message, line, column = readable(query, line, column, detail)
        return QueryError(message, line, column)
    if "Prefix not found" in detail:
        detail = "undeclared prefix (add a PREFIX line for it)"
    elif detail.startswith("expected one of "):
        options = [o.strip() for o in detail[len("expected one of ") :].split(",") if o.strip() and "'" not in o]
        detail = "unexpected text; expected " + ", ".join(options[:8]) if options else "unexpected text"
    return QueryError(f"syntax error: {detail}", line, column)


class QueryableStore(Protocol):
    """What the endpoint and the queries need of a store: ``KkniStore`` or ``remote.RemoteStore``."""

    base: str

    def query(self, text: str, **kwargs: object) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples: ...

    def graphs(self) -> list[str]: ...
