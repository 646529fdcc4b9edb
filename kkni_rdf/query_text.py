"""The text of the query a user gives ``kkni query``: a file, standard input (``-``), or the text itself."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TextIO


class QueryInputError(ValueError):
    """No query, two queries, or a file that cannot be read as one."""


def read_query_text(file: str | None, text: str | None, stdin: TextIO | None = None) -> str:
    """The query: ``text`` if given, else the file ``file`` (``-``: ``stdin``, default standard input)."""
    if text is not None:
        if file:
            raise QueryInputError("give a query file or --query, not both")
        return text
    if not file:
        raise QueryInputError("give a query file, '-' for standard input, or --query TEXT")
    if file == "-":
        return (stdin or sys.stdin).read()
    path = Path(file)
    if path.is_dir():
        raise QueryInputError(f"{path} is a folder, not a query file")
    if not path.is_file():
        raise QueryInputError(f"no such query file: {path}")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise QueryInputError(f"{path} is not UTF-8 text") from None


def check_not_empty(text: str) -> str:
    """``text``, unless it holds nothing but comments and white space (``QueryInputError``)."""
    if not re.sub(r"#[^\n]*", "", text).strip():
        raise QueryInputError("the query is empty (nothing but comments and white space)")
    return text


__all__ = ["QueryInputError", "check_not_empty", "read_query_text"]
