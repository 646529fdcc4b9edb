"""Generate a seeded, KKNI-like national framework: decree texts, a manifest, and their RDF.

    python -m bench.synth --scale 100 --out /tmp/kkni-national          # ~1,400 qualifications
    python -m bench.synth --scale 1 --out /tmp/kkni-1 --no-rdf          # texts and manifest only

Writes OUT/text/{decree}.txt (the annex format of Kepmenaker 3/2021, read by the project's own
reader), OUT/text/manifest.json (every planted inconsistency: kind, decree, section, and the
findings it must raise: rule id, focus node, value) and, unless --no-rdf, OUT/rdf/{decree}.ttl
built by ``kkni_rdf.graph.build.build_many`` (as ``kkni build`` would). Each sector also lists a few
units of Kepmenaker 3/2021 under the same code and title, so units are shared between decrees.

A seeded, KKNI-like national framework for benchmarks and multi-decree tests.

``synthesize(scale, seed)`` writes decrees in the annex format of Kepmenaker 3/2021 (so the real
reader, ``kkni_rdf.decree.parser``, reads them): one decree per sector, up to 25 qualifications each,
about ``scale`` times the decree's 14 qualifications and 372 unit rows in all. Every sector also
lists a few units of Kepmenaker 3/2021 under the same code and title (units are shared between
decrees). Inconsistencies are planted at known places and listed in a manifest: each plant says
which findings (rule id, focus node, value) the shapes must report for it. Everything else is
consistent, so that a validator's findings can be compared with the manifest both ways.

The generator knows the IRI scheme (``kkni_rdf.iris``) only to name the expected focus nodes.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kkni_rdf.decree.model import Decree
from kkni_rdf.decree.parser import parse_decree_file, slugify
from kkni_rdf.files import write_text
from kkni_rdf.graph.build import build_many
from kkni_rdf.iris import Iris
from kkni_rdf.namespaces import DEFAULT_BASE
from kkni_rdf.resources import decree_sources, translations_file

#: The decree's size, the unit of ``scale``.
DECREE_QUALIFICATIONS = 14
DECREE_ROWS = 372
MAX_PER_DECREE = 25  # section letters A..Y (the reader allows one letter per qualification)

INDUSTRIES = [
    "Pengolahan Pangan", "Konstruksi Gedung", "Teknologi Informasi", "Pariwisata", "Pertanian",
    "Perikanan", "Logistik", "Kesehatan", "Otomotif", "Energi Terbarukan", "Tekstil",
    "Pertambangan", "Perhotelan", "Kehutanan", "Perkapalan", "Percetakan",
]  # fmt: skip
BRANCHES = ["Dasar", "Terapan", "Industri", "Jasa", "Digital", "Maritim", "Hijau", "Modern"]
SUBFIELDS = ["Produksi", "Pengawasan", "Perencanaan", "Pemeliharaan", "Pemasaran"]
ROLES = ["Operator", "Teknisi", "Analis", "Supervisor", "Manajer"]
VERBS = [
    "Menyusun", "Melaksanakan", "Mengevaluasi", "Merencanakan", "Mengelola", "Memeriksa",
    "Menganalisis", "Mengoperasikan", "Memelihara", "Mendokumentasikan", "Mengawasi", "Menerapkan",
]  # fmt: skip
OBJECTS = [
    "Rencana Kerja", "Prosedur Operasi", "Laporan Harian", "Pengendalian Mutu", "Peralatan Kerja",
    "Bahan Baku", "Jadwal Produksi", "Anggaran Kegiatan", "Data Teknis", "Keselamatan Kerja",
    "Sistem Informasi", "Kebutuhan Pelanggan", "Dokumen Pengadaan", "Inventaris Gudang",
    "Program Pelatihan", "Standar Teknis", "Risiko Operasional", "Kinerja Tim",
]  # fmt: skip
NUMBER_WORDS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
DIKTUM = ["KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA"]
ASPECT_NAMES = [
    "Komunikasi", "Kerjasama", "Penyelesaian Masalah", "Inisiatif dan Kewirausahaan",
    "Perencanaan dan Pengorganisasian", "Manajemen Diri", "Belajar", "Penggunaan Teknologi",
]  # fmt: skip
SECTION_LETTERS = "CFGHJKMN"  # KBLI sections used for the sectors' codes
TABLE_HEADER = "DAFTAR UNIT KOMPETENSI\t\t\tPERSYARATAN KOMPETENSI"

#: Every kind of plant, with the rule ids it must raise (see shapes/kkni-packaging.ttl).
PLANT_KINDS: dict[str, tuple[str, ...]] = {
    "total-mismatch": ("packaging.total",),
    "core-count": ("packaging.core-count",),
    "electives-offered": ("packaging.electives-offered",),
    "number-words": ("packaging.number-words",),
    "item-markers": ("packaging.item-markers",),
    "duplicate-row": ("listing.duplicate",),
    "core-and-elective": ("listing.core-and-elective",),
    "prerequisite-not-listed": ("prerequisite.not-listed",),
    "prerequisite-other-version": ("prerequisite.other-version", "unit.versions"),
    "core-requires-elective": ("prerequisite.core-requires-elective",),
    "elective-needs-outside": ("elective.needs-outside", "prerequisite.not-listed"),
    "elective-exceeds-slots": ("elective.exceeds-slots",),
    "prerequisite-cycle": ("prerequisite.cycle",),
    "title-variant": ("unit.title-variant",),
    "title-case-variant": ("unit.title-case-variant",),
    "codification-level": ("codification.level",),
    "codification-group-name": ("codification.group-name",),
    "codification-ambiguous": ("codification.ambiguous",),
}


def number_words(n: int) -> str:
    """Indonesian number words for 0..99, as the decree prints them ("tujuh belas")."""
    if n < 10:
        return NUMBER_WORDS[n]
    if n == 10:
        return "sepuluh"
    if n == 11:
        return "sebelas"
    if n < 20:
        return f"{NUMBER_WORDS[n - 10]} belas"
    tens, ones = divmod(n, 10)
    return f"{NUMBER_WORDS[tens]} puluh" + (f" {NUMBER_WORDS[ones]}" if ones else "")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ExpectedFinding:
    """A finding the shapes must report: its rule id, focus node and (where the rule has one) value."""

    rule: str
    focus: str
    value: str | None = None


#: What planting an inconsistency gives: the findings the shapes must report, and a note for people.
_Planted = tuple[list[ExpectedFinding], str]


@dataclass
class Plant:
    kind: str
    decree: str  # the decree's slug
    qualification: str  # its IRI
    section: str  # the annex section letter
    expected: list[ExpectedFinding]
    note: str


@dataclass
class Manifest:
    seed: int
    scale: float
    base: str
    decrees: list[str] = field(default_factory=list)  # file names of the decree texts
    qualifications: int = 0
    unit_rows: int = 0
    plants: list[Plant] = field(default_factory=list)

    def expected(self) -> list[ExpectedFinding]:
        return [e for p in self.plants for e in p.expected]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def load(cls, path: Path) -> Manifest:
        raw = json.loads(path.read_text(encoding="utf-8"))
        plants = [Plant(**{**p, "expected": [ExpectedFinding(**e) for e in p["expected"]]}) for p in raw.pop("plants")]
        return cls(**raw, plants=plants)


@dataclass
class _Unit:
    code: str
    title: str
    prereq: str | None = None  # the code of its one prerequisite (a base unit), if any
    kind: str = "plain"  # "base" (others require it), "dependent" (requires a base), "plain", "shared"


@dataclass
class _Row:
    unit: _Unit
    title: str
    prereqs: list[str]


@dataclass
class _Qual:
    letter: str
    level: int
    code: str
    group: str
    subfield: str
    core: list[_Row]
    elective: list[_Row]
    total: int = 0
    n_core: int = 0
    n_elective: int = 0
    words: tuple[str, str, str] | None = None
    markers: tuple[str, str] = ("a", "b")
    codification_text: str = ""


# --------------------------------------------------------------------------- generation


@dataclass(frozen=True)
class SharedUnit:
    """A unit of an existing decree that the synthetic sectors also list (same code, same title)."""

    code: str
    title: str


def shared_units_from(decree: Decree, limit: int = 4) -> list[SharedUnit]:
    """Units of ``decree`` printed under one title only, with no prerequisite and required by none."""
    titles: dict[str, set[str]] = {}
    involved: set[str] = set()
    for q in decree.qualifications:
        for r in q.rows:
            titles.setdefault(r.code.code, set()).add(r.title)
            if r.prerequisites:
                involved.add(r.code.code)
                involved.update(p.code.code for p in r.prerequisites)
    families: dict[str, set[str]] = {}
    for code in [*titles, *involved]:
        families.setdefault(code.rsplit(".", 1)[0], set()).add(code)
    clean = [
        SharedUnit(code, next(iter(t)))
        for code, t in sorted(titles.items())
        if len(t) == 1 and code not in involved and len(families[code.rsplit(".", 1)[0]]) == 1
    ]
    return clean[:limit]


class _Sector:
    """One synthetic sector decree."""

    def __init__(self, index: int, n_quals: int, rng: random.Random, shared: Sequence[SharedUnit], iris: Iris) -> None:
        self.index = index
        self.rng = rng
        self.iris = iris
        self.number = 500 + index
        self.year = 2022 + index % 3
        self.slug = f"kepmenaker-{self.number}-{self.year}"
        self.field = f"{INDUSTRIES[index % len(INDUSTRIES)]} {BRANCHES[(index // len(INDUSTRIES)) % len(BRANCHES)]}"
        if index >= len(INDUSTRIES) * len(BRANCHES):
            raise ValueError(f"at most {len(INDUSTRIES) * len(BRANCHES)} sectors")
        self.section = SECTION_LETTERS[index % len(SECTION_LETTERS)]
        self.division = f"{10 + index % 90:02d}"
        self.std = "".join(chr(ord("A") + (index // 26**k) % 26) for k in (2, 1, 0))
        self.shared = list(shared)
        # groups: one per subfield, 3 to 5 levels each
        self.groups: list[tuple[str, str, list[int]]] = []
        left, g = n_quals, 0
        while left > 0:
            levels = min(left, 5 if left > 7 else left if left <= 5 else 3)
            start = 2 + g % 3
            sub = f"{SUBFIELDS[g % len(SUBFIELDS)]} {self.field}" + ("" if g < len(SUBFIELDS) else f" {ROLES[g // len(SUBFIELDS)]}")
            self.groups.append((sub, f"{ROLES[g % len(ROLES)]} {sub}", list(range(start, start + levels))))
            left -= levels
            g += 1
        self.pools = [self._pool(g) for g in range(len(self.groups))]
        self.quals: list[_Qual] = []
        self.plants: list[Plant] = []
        self.fresh = 900  # unit numbers for codes printed only as prerequisites
        self.partners: set[str] = set()  # sections whose code another section borrows (left unplanted)

    def code(self, g: int) -> str:
        return f"{self.section}{self.division}{self.std}{g + 1:02d}"

    def unit_code(self, g: int, number: int, version: int = 1) -> str:
        return f"{self.section}.{self.division}{self.std}{g + 1:02d}.{number:03d}.{version}"

    def _pool(self, g: int) -> list[_Unit]:
        """About 40 units per group: bases, units that require one base, and plain units."""
        rng = self.rng
        units: list[_Unit] = []
        objects = rng.sample(OBJECTS, len(OBJECTS))
        for n in range(1, 41):
            title = f"{VERBS[(n * 7 + g) % len(VERBS)]} {objects[n % len(objects)]} {self.groups[g][0].split()[0]}"
            if n > 1:
                title += f" Tahap {n}"
            kind = "base" if n <= 6 else "dependent" if n <= 16 else "plain"
            units.append(_Unit(self.unit_code(g, n), title, kind=kind))
        bases = [u for u in units if u.kind == "base"]
        for u in units:
            if u.kind == "dependent":
                u.prereq = rng.choice(bases).code
        return units

    # -- qualifications

    def build(self, plant_every: int, plant_offset: int) -> None:
        letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXY")
        for g, (sub, group, levels) in enumerate(self.groups):
            for level in levels:
                self.quals.append(self._qual(next(letters), g, level, sub, group))
        k = plant_offset
        kinds = list(PLANT_KINDS)
        used_units: set[str] = set()
        for i, q in enumerate(self.quals):
            if i % plant_every or q.letter in self.partners:
                continue
            # the next kind in turn; a kind this qualification has no room for waits for the next one
            for tried in range(len(kinds)):
                if self._plant(q, kinds[(k + tried) % len(kinds)], used_units):
                    k += tried + 1
                    break

    def _qual(self, letter: str, g: int, level: int, sub: str, group: str) -> _Qual:
        rng = self.rng
        pool = self.pools[g]
        by_code = {u.code: u for u in pool}
        n_core = rng.randint(5, 8)
        n_elect = rng.randint(12, 24)
        picked = rng.sample(pool, n_core + n_elect)
        core_units, elect_units = picked[:n_core], picked[n_core:]
        # close over prerequisites: a core unit's base is core; an elective's base is core or elective
        core_codes = {u.code for u in core_units}
        for u in list(core_units):
            if u.prereq and u.prereq not in core_codes:
                core_units.append(by_code[u.prereq])
                core_codes.add(u.prereq)
        elect_units = [u for u in elect_units if u.code not in core_codes]
        elect_codes = {u.code for u in elect_units}
        for u in list(elect_units):
            if u.prereq and u.prereq not in core_codes and u.prereq not in elect_codes:
                elect_units.append(by_code[u.prereq])
                elect_codes.add(u.prereq)
        if level <= 3 and self.shared:
            for s in self.shared[: 1 + level % 2]:
                core_units.append(_Unit(s.code, s.title, kind="shared"))
        core_units.sort(key=lambda u: u.code)
        elect_units.sort(key=lambda u: u.code)
        q = _Qual(
            letter, level, self.code(g), group, sub,
            [_Row(u, u.title, [u.prereq] if u.prereq else []) for u in core_units],
            [_Row(u, u.title, [u.prereq] if u.prereq else []) for u in elect_units],
        )  # fmt: skip
        q.n_core = len(q.core)
        # electives to choose: at least 3, at most the electives offered less 2 (room for plants)
        q.n_elective = max(3, min(len(q.elective) - 2, rng.randint(3, 9)))
        q.total = q.n_core + q.n_elective
        q.codification_text = f"Kualifikasi {level} Bidang {self.field} Subbidang {sub} Kelompok {group}"
        return q

    def qual_iri(self, q: _Qual) -> str:
        return str(self.iris.qualification(self.slug, f"{q.code}-{q.level}-{slugify(group_title(q.group))}"))

    def unit_iri(self, code: str) -> str:
        return str(self.iris.unit(code))

    def _fresh_code(self, g: int) -> str:
        self.fresh += 1
        return self.unit_code(g, self.fresh)

    def _plain_rows(self, rows: list[_Row], used: set[str], n: int) -> list[_Row]:
        """``n`` rows of plain units no other plant touches (so that plants do not interact)."""
        out = [r for r in rows if r.unit.kind == "plain" and not r.prereqs and r.unit.code not in used][:n]
        if len(out) < n:
            raise _NoRoom
        used.update(r.unit.code for r in out)
        return out

    def _plant(self, q: _Qual, kind: str, used: set[str]) -> bool:
        try:
            expected, note = self._apply(q, kind, used)
        except _NoRoom:
            return False
        self.plants.append(Plant(kind, self.slug, self.qual_iri(q), q.letter, expected, note))
        return True

    def _apply(self, q: _Qual, kind: str, used: set[str]) -> _Planted:
        for plant in (self._plant_packaging, self._plant_table, self._plant_naming):
            planted = plant(q, kind, used)
            if planted is not None:
                return planted
        raise ValueError(f"unknown plant kind {kind!r}")

    def _plant_packaging(self, q: _Qual, kind: str, used: set[str]) -> _Planted | None:
        """A packaging rule that does not add up, or is printed oddly."""
        qi = self.qual_iri(q)
        if kind == "total-mismatch":
            q.total += 1
            return [ExpectedFinding("packaging.total", qi)], f"prints {q.total} units in all, {q.n_core} + {q.n_elective}"
        if kind == "core-count":
            q.n_core += 1
            q.total += 1
            return [ExpectedFinding("packaging.core-count", qi)], f"asks for {q.n_core} core units, lists {len(q.core)}"
        if kind == "electives-offered":
            offered = len({r.unit.code for r in q.elective})
            q.total += offered + 1 - q.n_elective
            q.n_elective = offered + 1
            return [ExpectedFinding("packaging.electives-offered", qi)], f"asks for {q.n_elective} electives, offers {offered}"
        if kind == "number-words":
            q.words = (number_words(q.total), number_words(q.n_core + 1), number_words(q.n_elective))
            return [ExpectedFinding("packaging.number-words", qi)], f"prints {q.n_core} ({q.words[1]})"
        if kind == "item-markers":
            q.markers = ("a", "c")
            return [ExpectedFinding("packaging.item-markers", qi)], "items lettered a. and c."
        return None

    def _plant_table(self, q: _Qual, kind: str, used: set[str]) -> _Planted | None:
        """A unit table that lists a unit twice, or whose prerequisites are wrong."""
        qi = self.qual_iri(q)
        g = next(i for i, grp in enumerate(self.groups) if grp[1] == q.group)
        if kind == "duplicate-row":
            (row,) = self._plain_rows(q.elective, used, 1)
            q.elective.append(_Row(row.unit, row.title, []))
            return [ExpectedFinding("listing.duplicate", qi, self.unit_iri(row.unit.code))], f"{row.unit.code} listed twice as elective"
        if kind == "core-and-elective":
            (row,) = self._plain_rows(q.core, used, 1)
            q.elective.append(_Row(row.unit, row.title, []))
            return [ExpectedFinding("listing.core-and-elective", qi, self.unit_iri(row.unit.code))], f"{row.unit.code} core and elective"
        if kind == "prerequisite-not-listed":
            (row,) = self._plain_rows(q.core, used, 1)
            code = self._fresh_code(g)
            row.prereqs = [code]
            return [ExpectedFinding("prerequisite.not-listed", qi, self.unit_iri(code))], f"core {row.unit.code} requires unlisted {code}"
        if kind == "prerequisite-other-version":
            (row,) = self._plain_rows(q.core, used, 1)
            (target,) = self._plain_rows(q.elective, used, 1)
            other = target.unit.code[:-1] + "2"
            row.prereqs = [other]
            family = target.unit.code.rsplit(".", 1)[0]
            return [
                ExpectedFinding("prerequisite.other-version", qi, self.unit_iri(other)),
                ExpectedFinding("unit.versions", self.unit_iri(family)),
            ], f"core {row.unit.code} requires {other}; the table lists {target.unit.code}"
        if kind == "core-requires-elective":
            (row,) = self._plain_rows(q.core, used, 1)
            (target,) = self._plain_rows(q.elective, used, 1)
            row.prereqs = [target.unit.code]
            return [
                ExpectedFinding("prerequisite.core-requires-elective", qi, self.unit_iri(target.unit.code))
            ], f"core {row.unit.code} requires elective {target.unit.code}"
        if kind == "elective-needs-outside":
            (row,) = self._plain_rows(q.elective, used, 1)
            code = self._fresh_code(g)
            row.prereqs = [code]
            return [
                ExpectedFinding("elective.needs-outside", qi, self.unit_iri(row.unit.code)),
                ExpectedFinding("prerequisite.not-listed", qi, self.unit_iri(code)),
            ], f"elective {row.unit.code} requires unlisted {code}"
        if kind == "elective-exceeds-slots":
            rows = self._plain_rows(q.elective, used, q.n_elective + 1)
            rows[0].prereqs = [r.unit.code for r in rows[1:]]
            return [
                ExpectedFinding("elective.exceeds-slots", qi, self.unit_iri(rows[0].unit.code))
            ], f"elective {rows[0].unit.code} requires {q.n_elective} other electives; {q.n_elective} allowed"
        if kind == "prerequisite-cycle":
            a, b = self._plain_rows(q.core, used, 2)
            a.prereqs, b.prereqs = [b.unit.code], [a.unit.code]
            return [
                ExpectedFinding("prerequisite.cycle", qi, self.unit_iri(a.unit.code)),
                ExpectedFinding("prerequisite.cycle", qi, self.unit_iri(b.unit.code)),
            ], f"{a.unit.code} and {b.unit.code} require each other"
        return None

    def _plant_naming(self, q: _Qual, kind: str, used: set[str]) -> _Planted | None:
        """A unit printed under another title, or a codification that does not match its section."""
        qi = self.qual_iri(q)
        g = next(i for i, grp in enumerate(self.groups) if grp[1] == q.group)
        if kind in ("title-variant", "title-case-variant"):
            candidates = [r for r in q.core + q.elective if self._listed_elsewhere(q, r.unit.code)]
            (row,) = self._plain_rows(candidates, used, 1)
            # a variant printed here only; the usual title is printed in other sections
            row.title = row.title.upper() if kind == "title-case-variant" else row.title + " Lanjutan"
            rule = "unit.title-variant" if kind == "title-variant" else "unit.title-case-variant"
            focus = self.unit_iri(row.unit.code)
            return [ExpectedFinding(rule, focus)], f"{row.unit.code} printed as {row.title!r}"
        if kind == "codification-level":
            q.codification_text = q.codification_text.replace(f"Kualifikasi {q.level} ", f"Kualifikasi {q.level + 1} ", 1)
            return [ExpectedFinding("codification.level", qi)], f"level {q.level}, codification says {q.level + 1}"
        if kind == "codification-group-name":
            q.codification_text = q.codification_text.replace(" Kelompok ", " Kelompok Kerja ", 1)
            return [ExpectedFinding("codification.group-name", qi)], "codification names another group"
        if kind == "codification-ambiguous":
            other_g = next((i for i, grp in enumerate(self.groups) if i != g and q.level in grp[2]), None)
            if other_g is None:
                raise _NoRoom
            partner = next(p for p in self.quals if p.code == self.code(other_g) and p.level == q.level)
            if any(p.code == partner.code and p.level == q.level and p is not partner for p in self.quals):
                raise _NoRoom
            self.partners.add(partner.letter)
            q.code = partner.code
            qi = self.qual_iri(q)
            return [
                ExpectedFinding("codification.ambiguous", qi),
                ExpectedFinding("codification.ambiguous", self.qual_iri(partner)),
            ], f"uses {partner.code} at level {q.level}, as section {partner.letter} does"
        return None

    def _listed_elsewhere(self, q: _Qual, code: str) -> int:
        return sum(1 for p in self.quals if p is not q for r in p.core + p.elective if r.unit.code == code)

    # -- the text

    def text(self) -> str:
        out: list[str] = []
        w = out.append
        w("\n\n**MENTERI KETENAGAKERJAAN\nREPUBLIK INDONESIA**\n")
        w(f"**KEPUTUSAN MENTERI KETENAGAKERJAAN\nREPUBLIK INDONESIA\nNOMOR {self.number} TAHUN {self.year}\nTENTANG**\n")
        w(f"**PENETAPAN JENJANG KUALIFIKASI NASIONAL INDONESIA\nBIDANG {self.field.upper()}**\n")
        w("DENGAN RAHMAT TUHAN YANG MAHA ESA\n\nMENTERI KETENAGAKERJAAN REPUBLIK INDONESIA,\n")
        w(
            "Menimbang : bahwa untuk melaksanakan ketentuan Pasal 9 ayat (1) Peraturan Presiden Nomor 8 Tahun 2012 tentang "
            "Kerangka Kualifikasi Nasional Indonesia perlu menetapkan Keputusan Menteri tentang Penetapan Jenjang Kualifikasi "
            f"Nasional Indonesia Bidang {self.field};\n"
        )
        w(LEGAL_BASES)
        w("MEMUTUSKAN:\n")
        w(
            f"Menetapkan : KEPUTUSAN MENTERI KETENAGAKERJAAN TENTANG PENETAPAN JENJANG KUALIFIKASI NASIONAL INDONESIA BIDANG {self.field.upper()}.\n"
        )
        w(
            f"KESATU : Jenjang Kualifikasi Nasional Indonesia Bidang {self.field} sebagaimana tercantum dalam Lampiran dan "
            "merupakan bagian yang tidak terpisahkan dari Keputusan Menteri ini.\n"
        )
        w(f"KEDUA : Kualifikasi Nasional Indonesia Bidang {self.field} sebagaimana dimaksud dalam Diktum KESATU, meliputi:")
        for n, (sub, group, levels) in enumerate(self.groups):
            lv = ", ".join(str(x) for x in levels[:-1]) + f", dan {levels[-1]}"
            w(f" - {chr(97 + n)}. Subbidang {sub} Kelompok {group} jenjang {lv};")
        w("")
        w(
            f"KETIGA : Jenjang Kualifikasi Nasional Indonesia Bidang {self.field} sebagaimana dimaksud dalam Diktum KESATU "
            "dikaji ulang setiap 5 (lima) tahun atau sesuai dengan kebutuhan.\n"
        )
        w("KEEMPAT : Keputusan Menteri ini mulai berlaku setelah 6 (enam) bulan dihitung sejak tanggal ditetapkan.\n")
        w(f"Ditetapkan di Jakarta\npada tanggal {1 + self.index % 28} Maret {self.year}\n")
        w("MENTERI KETENAGAKERJAAN\nREPUBLIK INDONESIA,\n\n\n")
        w("LAMPIRAN\nKEPUTUSAN MENTERI KETENAGAKERJAAN\nREPUBLIK INDONESIA")
        w(
            f"NOMOR {self.number} TAHUN {self.year}\nTENTANG\nPENETAPAN JENJANG KUALIFIKASI\nNASIONAL INDONESIA BIDANG {self.field.upper()}\n"
        )
        current = None
        for q in self.quals:
            if q.subfield != current:
                current = q.subfield
                g = next(i for i, grp in enumerate(self.groups) if grp[0] == q.subfield)
                w(f"{ROMAN[g]}. SUBBIDANG {q.subfield.upper()} KELOMPOK {q.group.upper()}\n")
            self._qual_text(q, w)
        w("MENTERI KETENAGAKERJAAN\n\nREPUBLIK INDONESIA,\n\n\n\nNAMA MENTERI SINTETIS")
        return "\n".join(out) + "\n"

    def _qual_text(self, q: _Qual, w: Callable[[str], None]) -> None:
        w(f"{q.letter}. JENJANG KUALIFIKASI {q.level} KELOMPOK {q.group.upper()}\n")
        w(f"1. Kodifikasi\n\n{q.code} {q.codification_text}\n")
        w(
            f"2. Deskripsi\n\nKualifikasi ini meliputi kemampuan pada jenjang {q.level} dalam bidang {self.field.lower()}, "
            "menggunakan alat, informasi dan prosedur kerja yang lazim, serta menunjukkan kinerja dengan mutu dan kuantitas yang terukur.\n"
        )
        w("3. Sikap Kerja\n")
        for n, name in enumerate(ASPECT_NAMES):
            w(f"- {chr(97 + n)}. {name}\nMenunjukkan sikap {name.lower()} yang sesuai pada jenjang {q.level}.")
        w("\nSecara umum memiliki sikap kerja:\n")
        w(
            "- a. Bertaqwa kepada Tuhan Yang Maha Esa.\n- b. Memiliki moral, etika dan kepribadian yang baik di dalam menyelesaikan tugasnya.\n"
        )
        w(f"4. Peran Kerja\n\nJenjang Kualifikasi {q.level} Kelompok {q.group} berperan dalam melaksanakan pekerjaan di bidangnya.\n")
        w(f"5. Kemungkinan Jabatan\n\n- a. {q.group} Muda\n- b. {q.group} Jenjang {q.level}\n")
        w("Catatan:\n\n- 1) Nama/judul jabatan yang dimungkinkan tidak terbatas pada yang disebutkan di atas.\n")
        words = q.words or (number_words(q.total), number_words(q.n_core), number_words(q.n_elective))
        w("6. Aturan Pengemasan\n")
        w(f"{q.total} ({words[0]}) unit kompetensi harus diselesaikan/dipenuhi, dengan perincian:\n")
        w(
            f"- {q.markers[0]}. {q.n_core} ({words[1]}) unit kompetensi inti\n- {q.markers[1]}. {q.n_elective} ({words[2]}) unit kompetensi pilihan\n"
        )
        w(TABLE_HEADER)
        lines = 1
        for role, rows in (("INTI", q.core), ("PILIHAN", q.elective)):
            w(f"KOMPETENSI {role}\t\t\t")
            for n, r in enumerate(rows, 1):
                if lines % 14 == 0:  # a page break repeats the table's header
                    w(f"\n{TABLE_HEADER}")
                sep = "\t" if lines % 3 else " "
                w(f"{n}.{sep}{r.unit.code}\t{r.title}\t{' '.join(r.prereqs) if r.prereqs else 'Tidak ada'}")
                lines += 1
        w("")


class _NoRoom(Exception):
    """The qualification has no room for this plant; the next qualification gets it."""


LEGAL_BASES = """\
Mengingat : 1. Undang-Undang Nomor 13 Tahun 2003 tentang Ketenagakerjaan (Lembaran Negara Republik Indonesia Tahun 2003 Nomor 39, Tambahan Lembaran Negara Republik Indonesia Nomor 4279);

2. Peraturan Pemerintah Nomor 31 Tahun 2006 tentang Sistem Pelatihan Kerja Nasional (Lembaran Negara Republik Indonesia Tahun 2006 Nomor 67, Tambahan Lembaran Negara Republik Indonesia Nomor 4637);

3. Peraturan Presiden Nomor 8 Tahun 2012 tentang Kerangka Kualifikasi Nasional Indonesia (Lembaran Negara Republik Indonesia Tahun 2012 Nomor 24);

4. Peraturan Presiden Nomor 95 Tahun 2020 tentang Kementerian Ketenagakerjaan (Lembaran Negara Republik Indonesia Tahun 2020 Nomor 213);
5. Peraturan Menteri Ketenagakerjaan Nomor 21 Tahun 2014 tentang Pedoman Penerapan Kerangka Kualifikasi Nasional Indonesia (Berita Negara Republik Indonesia Tahun 2014 Nomor 1792);
"""


def group_title(name: str) -> str:
    """The group's name as the reader title-cases it from the heading."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in name.split())


def sector_sizes(scale: float) -> list[int]:
    """Qualifications per sector decree: about ``14 * scale`` in all, at most 25 per decree."""
    total = max(3, round(DECREE_QUALIFICATIONS * scale))
    n = math.ceil(total / MAX_PER_DECREE)
    return [total // n + (1 if i < total % n else 0) for i in range(n)]


def synthesize(
    out_dir: Path,
    scale: float = 1.0,
    seed: int = 6,
    shared: Sequence[SharedUnit] = (),
    plant_every: int = 2,
    base: str = DEFAULT_BASE,
) -> Manifest:
    """Write the decrees' texts to ``out_dir`` and return the manifest (also written, as manifest.json)."""
    rng = random.Random(seed)
    iris = Iris(base)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(seed=seed, scale=scale, base=base)
    offset = 0
    for index, size in enumerate(sector_sizes(scale)):
        sector = _Sector(index, size, rng, shared, iris)
        sector.build(plant_every, offset)
        offset += len(sector.plants) + 1
        name = f"{sector.slug}.txt"
        write_text(out_dir / name, sector.text())
        manifest.decrees.append(name)
        manifest.qualifications += len(sector.quals)
        manifest.unit_rows += sum(len(q.core) + len(q.elective) for q in sector.quals)
        manifest.plants += sector.plants
    write_text(out_dir / "manifest.json", manifest.to_json())
    return manifest


# --------------------------------------------------------------------------- checking


@dataclass
class PlantCheck:
    """How a validator's findings compare with the manifest."""

    expected: int
    found: int
    missed: list[ExpectedFinding]
    unexpected: list[ExpectedFinding]

    @property
    def all_found(self) -> bool:
        return not self.missed


def check_plants(manifest: Manifest, findings: Iterable[ExpectedFinding], rules: Iterable[str] | None = None) -> PlantCheck:
    """Compare findings (rule, focus, value) with the manifest's expected findings.

    ``rules`` limits the comparison to the rules the validator ran. A finding without a value
    in the manifest matches any finding on that focus under that rule.
    """
    ran = set(rules) if rules is not None else None
    expected = [e for e in manifest.expected() if ran is None or e.rule in ran]
    got = {(f.rule, f.focus, f.value) for f in findings}
    got_focus = {(r, f) for r, f, _ in got}
    missed = [e for e in expected if ((e.rule, e.focus, e.value) not in got if e.value else (e.rule, e.focus) not in got_focus)]
    exp_keys = {(e.rule, e.focus, e.value) for e in expected}
    exp_focus = {(e.rule, e.focus) for e in expected if e.value is None}
    unexpected = [ExpectedFinding(r, f, v) for r, f, v in sorted(got, key=str) if (r, f, v) not in exp_keys and (r, f) not in exp_focus]
    return PlantCheck(len(expected), len(expected) - len(missed), missed, unexpected)


def generate(out: Path, scale: float, seed: int, rdf: bool = True, jobs: int | None = None) -> Manifest:
    real = [s for s in decree_sources() if s.name == "kepmenaker-3-2021.txt"]
    shared = shared_units_from(parse_decree_file(real[0])) if real else []
    manifest = synthesize(out / "text", scale=scale, seed=seed, shared=shared)
    if rdf:
        build_many([out / "text" / name for name in manifest.decrees], out / "rdf", translations_path=translations_file(), jobs=jobs)
    return manifest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=float, default=1.0, help="size as a multiple of Kepmenaker 3/2021 (14 qualifications, 372 rows)")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--out", type=Path, required=True, help="output folder (text/ and rdf/ inside)")
    p.add_argument("--no-rdf", action="store_true", help="write the texts and manifest only")
    p.add_argument("--jobs", type=int, help="build processes (default: one per core)")
    args = p.parse_args(argv)
    t = time.perf_counter()
    m = generate(args.out, args.scale, args.seed, not args.no_rdf, args.jobs)
    kinds = sorted({pl.kind for pl in m.plants})
    print(
        f"{len(m.decrees)} decrees, {m.qualifications} qualifications, {m.unit_rows} unit rows, "
        f"{len(m.plants)} plants of {len(kinds)} kinds ({len(m.expected())} expected findings) in {time.perf_counter() - t:.1f} s -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
