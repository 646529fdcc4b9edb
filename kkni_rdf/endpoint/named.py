"""The named queries: every ``queries/*.rq``, with the header comment that documents it.

A header is the file's leading ``#`` lines: ``# title:``, ``# question:``, ``# variables:`` (one
``?name  meaning`` per indented line), ``# example:`` and, for a query that takes parameters,
``# parameters:`` (one ``name  ?variable  meaning`` per indented line, or ``?variable  meaning``
where the parameter is named like the variable); an indented line continues the field above.

A parameter sets the values of the query's ``VALUES ?variable { … }`` block: over HTTP,
``/queries/qualification-unit-table?qualification=N78SPS01-5-asesor`` runs the query with
``VALUES ?id { "N78SPS01-5-asesor" }`` (a parameter may be repeated: several values). Each value
is written as the same kind of term as the block's defaults (a string, an IRI or a number), so a
value can never change the query around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kkni_rdf.resources import query_files

_FIELD = re.compile(r"^#\s?([a-z]+):\s*(.*)$", re.IGNORECASE)
_CONTINUED = re.compile(r"^#\s{2,}(\S.*)$")
_VARIABLE = re.compile(r"^\?(\w+)\s+(.*)$")
_PARAMETER = re.compile(r"^(?:([A-Za-z][\w-]*)\s+)?\?(\w+)\s+(.*)$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


class ParameterError(ValueError):
    """A parameter value the query cannot take: bilingual, with the parameter's name."""

    def __init__(self, parameter: str, message: str, pesan: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message
        self.pesan = pesan


@dataclass(frozen=True)
class Parameter:
    """A query parameter: its HTTP name, the variable of the ``VALUES`` block it sets, what it means."""

    name: str
    variable: str
    description: str
    defaults: tuple[str, ...] = ()  # the block's values as written in the query
    kind: str = "string"  # "string", "iri" or "number": how a value is written into the query

    def term(self, value: str) -> str:
        """``value`` as a SPARQL term of this parameter's kind (``ParameterError`` if it cannot be one)."""
        if self.kind == "number":
            if not _NUMBER.match(value.strip()):
                raise ParameterError(self.name, f"{self.name} must be a number, not {value!r}.", f"{self.name} harus berupa angka.")
            return value.strip()
        if self.kind == "iri":
            if not value or _IRI_FORBIDDEN.search(value) or ":" not in value:
                raise ParameterError(
                    self.name, f"{self.name} must be an absolute IRI, not {value!r}.", f"{self.name} harus berupa IRI absolut."
                )
            return f"<{value}>"
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        return f'"{escaped}"'

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "variable": self.variable,
            "description": self.description,
            "kind": self.kind,
            "default": list(self.defaults),
        }


def _values_block(variable: str) -> re.Pattern[str]:
    return re.compile(r"VALUES\s+\?" + re.escape(variable) + r"\s*\{([^{}]*)\}", re.IGNORECASE)


def _defaults(text: str, variable: str) -> tuple[tuple[str, ...], str]:
    m = _values_block(variable).search(text)
    if m is None:
        return (), "string"
    terms = tuple(re.findall(r'"(?:[^"\\]|\\.)*"|<[^>]*>|\S+', m[1]))
    first = terms[0] if terms else '""'
    kind = "iri" if first.startswith("<") else "number" if _NUMBER.match(first) else "string"
    return tuple(t[1:-1] if t[0] in '"<' else t for t in terms), kind


NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class NamedQuery:
    name: str  # the file name without .rq
    title: str
    question: str
    variables: dict[str, str] = field(default_factory=dict)
    example: str = ""
    text: str = ""
    parameters: tuple[Parameter, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "question": self.question,
            "variables": self.variables,
            "example": self.example,
            "url": f"/queries/{self.name}",
            "parameters": [p.as_dict() for p in self.parameters],
            "query": self.text,
        }

    def bind(self, values: dict[str, list[str]]) -> str:
        """The query text with the given parameters' values in their ``VALUES`` blocks (``ParameterError``
        for an unknown parameter or a value the parameter cannot take)."""
        known = {p.name: p for p in self.parameters}
        text = self.text
        for name, given in values.items():
            p = known.get(name)
            if p is None:
                names = ", ".join(known) or "none"
                raise ParameterError(
                    name,
                    f"The query {self.name} has no parameter {name!r} (its parameters: {names}).",
                    f"Kueri {self.name} tidak memiliki parameter {name!r}.",
                )
            if not given:
                continue
            block = f"VALUES ?{p.variable} {{ {' '.join(p.term(v) for v in given)} }}"
            m = _values_block(p.variable).search(text)
            if m is not None:
                text = text[: m.start()] + block + text[m.end() :]
        return text


def _header_fields(text: str) -> dict[str, list[str]]:
    """The header's fields: each ``# name: value`` with its indented continuation lines, one item per line."""
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _FIELD.match(line)
        if m:
            current = fields.setdefault(m[1].lower(), [])
            if m[2].strip():
                current.append(m[2].strip())
        elif (c := _CONTINUED.match(line)) and current is not None:
            current.append(c[1].strip())
    return fields


def _entries(lines: list[str], pattern: re.Pattern[str]) -> list[list[str]]:
    """A field's entries (``pattern``'s groups), a line that is no entry continuing the one before."""
    entries: list[list[str]] = []
    for line in lines:
        m = pattern.match(line)
        if m:
            entries.append([g or "" for g in m.groups()])
        elif entries:
            entries[-1][-1] += " " + line
    return entries


def parse_named_query(name: str, text: str) -> NamedQuery:
    fields = _header_fields(text)
    variables = {v: meaning.strip() for v, meaning in _entries(fields.get("variables", []), _VARIABLE)}
    parameters = [
        (http or variable, variable, meaning.strip()) for http, variable, meaning in _entries(fields.get("parameters", []), _PARAMETER)
    ]
    return NamedQuery(
        name=name,
        title=" ".join(fields.get("title", [])) or name,
        question=" ".join(fields.get("question", [])),
        variables=variables,
        example=" ".join(fields.get("example", [])),
        text=text,
        parameters=tuple(Parameter(http, variable, meaning, *_defaults(text, variable)) for http, variable, meaning in parameters),
    )


def load_named_queries(files: list[Path] | None = None) -> dict[str, NamedQuery]:
    """Every ``.rq`` file of ``queries/`` (read when called: new files are picked up on restart)."""
    out = {}
    for path in query_files() if files is None else files:
        out[path.stem] = parse_named_query(path.stem, path.read_text(encoding="utf-8"))
    return out
