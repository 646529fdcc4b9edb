"""The qualifications' unit tables, read from a store: what a candidate's units are checked against.

``catalogue_from_store`` takes the store whose data is checked against (``kkni check``: the embedded
store; ``kkni serve``: the store it serves, embedded under ``--base`` or ``--store URL``); this module
builds no store of its own and keeps no catalogue: its caller holds the one it reads.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from kkni_rdf.namespaces import KKNI
from kkni_rdf.store.protocol import QueryableStore, select


class CheckError(ValueError):
    """Bad input: an unknown or ambiguous qualification, or an unreadable file (with the line and column, where known)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, pesan: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.pesan = pesan  # the same in Indonesian (``/check`` answers both)

    def prefixed(self, where: str) -> CheckError:
        """The same error about ``where`` (a file): ``where: message``, in both languages."""
        return CheckError(f"{where}: {self}", self.line, self.column, f"{where}: {self.pesan}")


def code_key(code: str) -> str:
    """A unit code without its case and its dots: what a code read from a spreadsheet is matched on."""
    return re.sub(r"[.\s]", "", code).upper()


@dataclass(frozen=True)
class Qual:
    iri: str
    short_id: str
    label: str
    required_units: int
    required_core: int
    required_elective: int
    core: tuple[str, ...]  # unit codes, printed order
    elective: tuple[str, ...]
    prerequisites: dict[str, tuple[str, ...]]  # unit code -> codes its row(s) in this table require

    def listed(self) -> set[str]:
        return set(self.core) | set(self.elective)

    def needs(self, code: str) -> set[str]:
        """Every unit ``code`` needs, transitively, through this table's prerequisites."""
        seen: set[str] = set()
        todo = list(self.prerequisites.get(code, ()))
        while todo:
            c = todo.pop()
            if c not in seen and c != code:
                seen.add(c)
                todo.extend(self.prerequisites.get(c, ()))
        return seen


@dataclass
class Catalogue:
    """The qualifications and unit codes of the decree(s) a store holds, for checks (``catalogue_from_store``)."""

    qualifications: dict[str, Qual]
    units: set[str]
    _by_key: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for u in sorted(self.units):
            self._by_key.setdefault(code_key(u), []).append(u)

    def read_code(self, given: str) -> str:
        """The decree's code that ``given`` names, its case and dots aside (``m74sps03.104.1`` → ``M.74SPS03.104.1``);
        ``given`` itself when it is a code of the decree, or names none (or more than one)."""
        if given in self.units:
            return given
        found = self._by_key.get(code_key(given), [])
        return found[0] if len(found) == 1 else given

    def find(self, ref: str) -> Qual:
        ref = ref.strip()
        if ref in self.qualifications:
            return self.qualifications[ref]
        by_short = {q.short_id: q for q in self.qualifications.values()}
        if ref in by_short:
            return by_short[ref]
        # a printed codification code (N78SPS01) or code and level (N78SPS01-5): every qualification it names
        named = sorted(s for s in by_short if s.lower().startswith(ref.lower() + "-"))
        if len(named) == 1:
            return by_short[named[0]]
        if named:
            raise CheckError(
                f"{ref!r} names {len(named)} qualifications; give one of them: {', '.join(named)}",
                pesan=f"{ref!r} menunjuk {len(named)} kualifikasi; sebutkan salah satunya: {', '.join(named)}",
            )
        near = difflib.get_close_matches(ref, list(by_short), n=5, cutoff=0.4)
        hint = f"; nearest: {', '.join(near)}" if near else f"; known: {', '.join(sorted(by_short))}"
        petunjuk = f"; yang terdekat: {', '.join(near)}" if near else f"; yang dikenal: {', '.join(sorted(by_short))}"
        raise CheckError(f"unknown qualification {ref!r}{hint}", pesan=f"kualifikasi {ref!r} tidak dikenal{petunjuk}")

    def unknown_codes(self, codes: list[str]) -> list[str]:
        return [c for c in codes if c not in self.units]

    def nearest_units(self, code: str) -> list[str]:
        same = [u for u in sorted(self.units) if u.lower() == code.lower()]  # m.74sps03.088.2: only the case differs
        return same or difflib.get_close_matches(code, sorted(self.units), n=3, cutoff=0.6)


_TABLES_QUERY = """
SELECT ?q ?total ?core ?elective ?role ?pos ?code ?req WHERE {
  ?q a kkni:Qualification ; kkni:packagingRule ?rule .
  ?rule kkni:requiredUnits ?total ; kkni:requiredCore ?core ; kkni:requiredElective ?elective .
  ?row kkni:qualification ?q ; kkni:role ?role ; kkni:position ?pos ; kkni:unit/kkni:code ?code .
  OPTIONAL { ?row kkni:hasPrerequisite/kkni:requiredUnit/kkni:code ?req }
}
"""
#: The labels apart: with the OPTIONAL label in the tables' query, Virtuoso (stock ini) estimates it at hours and refuses it.
_LABELS_QUERY = 'SELECT ?q ?label WHERE { ?q a kkni:Qualification ; rdfs:label ?label FILTER (LANGMATCHES(LANG(?label), "en")) }'
_UNITS_QUERY = "SELECT DISTINCT ?c WHERE { ?u a kkni:Unit ; kkni:code ?c }"


def _select(store: QueryableStore, query: str) -> ox.QuerySolutions:
    return select(store, query)


def catalogue_from_store(store: QueryableStore) -> Catalogue:
    """Read the qualifications' tables from ``store`` (its default graph: the union of its graphs); their
    IRIs are the store's (under its base)."""
    rules: dict[str, tuple[str, int, int, int]] = {}
    entries: dict[str, set[tuple[str, int, str]]] = {}
    prereqs: dict[str, dict[str, set[str]]] = {}
    labels: dict[str, str] = {}
    for s in _select(store, _LABELS_QUERY):
        labels.setdefault(s["q"].value, s["label"].value)
    for s in _select(store, _TABLES_QUERY):
        q = s["q"].value
        if q not in rules:
            rules[q] = (labels.get(q, ""), int(s["total"].value), int(s["core"].value), int(s["elective"].value))
            entries[q] = set()
            prereqs[q] = {}
        role = "core" if s["role"].value == str(KKNI.Core) else "elective"
        code = s["code"].value
        entries[q].add((role, int(s["pos"].value), code))
        if s["req"] is not None:
            prereqs[q].setdefault(code, set()).add(s["req"].value)
    units = {s["c"].value for s in _select(store, _UNITS_QUERY)}
    quals = {}
    for q, (label, total, core, elective) in rules.items():
        ordered = sorted(entries[q], key=lambda t: (t[0], t[1]))
        quals[q] = Qual(
            iri=q,
            short_id=q.rsplit("/", 1)[-1],
            label=label,
            required_units=total,
            required_core=core,
            required_elective=elective,
            core=tuple(dict.fromkeys(c for r, _, c in ordered if r == "core")),
            elective=tuple(dict.fromkeys(c for r, _, c in ordered if r == "elective")),
            prerequisites={k: tuple(sorted(v)) for k, v in prereqs[q].items()},
        )
    return Catalogue(quals, units)
