"""The named queries: every ``queries/*.rq``, with the header comment that documents it.

A header is the file's leading ``#`` lines: ``# title:``, ``# question:``, ``# variables:`` (one
``?name  meaning`` per indented line) and ``# example:``; an indented line continues the field above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kkni_rdf.resources import query_files

_FIELD = re.compile(r"^#\s?(title|question|variables|example):\s*(.*)$", re.IGNORECASE)
_CONTINUED = re.compile(r"^#\s{2,}(\S.*)$")
_VARIABLE = re.compile(r"^\?(\w+)\s+(.*)$")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class NamedQuery:
    name: str  # the file name without .rq
    title: str
    question: str
    variables: dict[str, str] = field(default_factory=dict)
    example: str = ""
    text: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "question": self.question,
            "variables": self.variables,
            "example": self.example,
            "url": f"/queries/{self.name}",
            "query": self.text,
        }


def parse_named_query(name: str, text: str) -> NamedQuery:
    fields: dict[str, list[str]] = {}
    variables: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _FIELD.match(line)
        if m:
            current = m[1].lower()
            fields.setdefault(current, [])
            if m[2].strip():
                fields[current].append(m[2].strip())
            continue
        c = _CONTINUED.match(line)
        if c and current == "variables":
            v = _VARIABLE.match(c[1])
            if v:
                variables[v[1]] = v[2].strip()
            elif variables:
                last = next(reversed(variables))
                variables[last] += " " + c[1].strip()
        elif c and current:
            fields[current].append(c[1].strip())
    return NamedQuery(
        name=name,
        title=" ".join(fields.get("title", [])) or name,
        question=" ".join(fields.get("question", [])),
        variables=variables,
        example=" ".join(fields.get("example", [])),
        text=text,
    )


def load_named_queries(files: list[Path] | None = None) -> dict[str, NamedQuery]:
    """Every ``.rq`` file of ``queries/`` (read when called: new files are picked up on restart)."""
    out = {}
    for path in query_files() if files is None else files:
        out[path.stem] = parse_named_query(path.stem, path.read_text(encoding="utf-8"))
    return out
