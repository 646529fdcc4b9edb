"""The decree as printed, as plain typed records: what ``decree.parser`` reads and ``graph.build`` writes.

A ``Decree`` holds its preamble (number, year, title, legal bases, diktums, enactment) and its
``Qualification`` sections; each qualification its description, work attitudes, job titles,
``PackagingRule`` and ``UnitRow`` table, with the line of the text each came from. The records
say what the decree prints, inconsistencies included; they know nothing of RDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: The kinds of legal act a decree cites, and the slug each has in an act's IRI (``act/{slug}-{n}-{year}``).
ACT_TYPE_SLUGS = {
    "Undang-Undang": "uu",
    "Peraturan Pemerintah": "pp",
    "Peraturan Presiden": "perpres",
    "Peraturan Menteri Ketenagakerjaan": "permenaker",
    "Keputusan Menteri Ketenagakerjaan": "kepmenaker",
}

#: A decree's operative articles, in order (KESATU is diktum 1).
DIKTUM_ORDINALS = ["KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KEENAM", "KETUJUH", "KEDELAPAN"]


@dataclass(frozen=True)
class UnitCode:
    """A unit code such as ``N.78SPS02.019.2``, read into its parts."""

    code: str
    section: str  # KBLI section letter, "N"
    division: str  # KBLI division, "78"
    standard: str  # the standard's code, "SPS02"
    number: str  # the unit number, "019"
    version: int  # the unit's version, 2

    @property
    def family(self) -> str:
        """The code without its version: ``N.78SPS02.019``."""
        return f"{self.section}.{self.division}{self.standard}.{self.number}"

    @property
    def standard_id(self) -> str:
        """The competency standard's id: ``N.78SPS02``."""
        return f"{self.section}.{self.division}{self.standard}"


@dataclass(frozen=True)
class Prerequisite:
    code: UnitCode
    position: int  # n-th code printed in the cell
    line: int


@dataclass(frozen=True)
class UnitRow:
    """One row of a qualification's unit table, as printed."""

    role: str  # "core" | "elective"
    position: int  # the printed row number
    code: UnitCode
    title: str  # as printed (markup stripped, whitespace collapsed)
    prerequisites: tuple[Prerequisite, ...]
    line: int


@dataclass(frozen=True)
class PackagingRule:
    total: int
    total_words: str
    core: int
    core_words: str
    core_marker: str
    elective: int
    elective_words: str
    elective_marker: str
    text: str
    line: int


@dataclass(frozen=True)
class Item:
    """A lettered list item (a., b., …) as printed."""

    marker: str
    text: str
    line: int


@dataclass(frozen=True)
class WorkAttitude:
    aspect: str  # slug of the canonical aspect, e.g. "penyelesaian-masalah"
    printed_name: str  # as printed, e.g. "Penyelesaian masalah"
    text: str
    position: int
    line: int


@dataclass
class Qualification:
    letter: str  # annex section letter, "A" … "N"
    level: int
    group_name: str  # as printed in the section heading, title-cased: "Instruktur"
    group_slug: str
    subfield_name: str
    subfield_slug: str
    code: str  # codification code, "N78SPS02"
    codification_text: str
    description: str
    work_attitudes: list[WorkAttitude]
    general_attitudes: list[Item]
    work_role: str
    job_roles: list[Item]
    job_role_notes: list[Item]
    packaging: PackagingRule
    rows: list[UnitRow]
    line: int

    @property
    def short_id(self) -> str:
        return f"{self.code}-{self.level}-{self.group_slug}"


@dataclass(frozen=True)
class LegalCitation:
    act_type: str  # "Undang-Undang", "Peraturan Pemerintah", …
    number: int
    year: int
    title: str
    citation: str  # the whole item as printed
    line: int

    @property
    def slug(self) -> str:
        return f"{ACT_TYPE_SLUGS[self.act_type]}-{self.number}-{self.year}"


@dataclass
class Decree:
    act_type: str  # "Keputusan Menteri Ketenagakerjaan"
    number: int
    year: int
    title: str  # "Penetapan Jenjang Kualifikasi Nasional Indonesia Bidang …"
    field_name: str  # "Pelatihan Kerja dan Sertifikasi"
    considering: str
    implements: str  # the provision it carries out, as cited in Menimbang
    legal_bases: list[LegalCitation]
    diktums: list[tuple[str, str, int]]  # (ordinal word, text, line)
    revokes: LegalCitation | None
    review_years: int
    in_force_after_months: int
    place: str
    date_enacted: dt.date
    signatory: str
    qualifications: list[Qualification] = field(default_factory=list)
    source_name: str = ""

    @property
    def slug(self) -> str:
        return f"{ACT_TYPE_SLUGS[self.act_type]}-{self.number}-{self.year}"

    @property
    def date_in_force(self) -> dt.date:
        return add_months(self.date_enacted, self.in_force_after_months)


def add_months(date: dt.date, months: int) -> dt.date:
    """``date`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month0 = date.month - 1 + months
    year, month = date.year + month0 // 12, month0 % 12 + 1
    for day in range(date.day, 27, -1):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return dt.date(year, month, min(date.day, 28))
