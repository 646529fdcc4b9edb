"""The decree reader: what it reads from the real text, and how it fails on text it cannot read."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest

from kkni_rdf.decree.model import Decree
from kkni_rdf.decree.parser import DecreeParseError, clean, number_from_words, parse_decree, parse_unit_code

# Per annex section, as printed (checked by hand against data/source/kepmenaker-3-2021.txt):
# (short id, level, group, units in all, core, elective, core rows, elective rows, job titles, prerequisites)
PRINTED = [
    ("N78SPS02-3-instruktur", 3, "Instruktur", 9, 5, 4, 5, 6, 5, 1),
    ("N78SPS02-4-instruktur", 4, "Instruktur", 14, 7, 7, 7, 31, 3, 39),
    ("N78SPS02-5-instruktur", 5, "Instruktur", 17, 8, 9, 8, 24, 2, 33),
    ("N78SPS02-6-instruktur", 6, "Instruktur", 14, 8, 6, 8, 19, 2, 8),
    ("N78SPS01-3-tenaga-pelatihan", 3, "Tenaga Pelatihan", 7, 3, 4, 3, 15, 5, 0),
    ("N78SPS01-4-tenaga-pelatihan", 4, "Tenaga Pelatihan", 10, 3, 7, 3, 35, 6, 8),
    ("N78SPS01-5-tenaga-pelatihan", 5, "Tenaga Pelatihan", 13, 6, 7, 6, 26, 5, 24),
    ("N78SPS01-6-tenaga-pelatihan", 6, "Tenaga Pelatihan", 14, 6, 8, 6, 15, 4, 2),
    ("N78SPS01-4-asesor", 4, "Asesor", 3, 2, 1, 2, 19, 3, 0),
    ("N78SPS01-5-asesor", 5, "Asesor", 13, 3, 10, 3, 31, 3, 2),
    ("N78SPS01-6-asesor", 6, "Asesor", 8, 4, 4, 4, 22, 1, 0),
    ("N78SPS01-3-pengelola-lembaga-sertifikasi", 3, "Pengelola Lembaga Sertifikasi", 5, 1, 4, 1, 7, 1, 0),
    ("N78SPS01-5-pengelola-lembaga-sertifikasi", 5, "Pengelola Lembaga Sertifikasi", 13, 6, 7, 6, 32, 3, 0),
    ("N78SPS01-6-pengelola-lembaga-sertifikasi", 6, "Pengelola Lembaga Sertifikasi", 10, 5, 5, 5, 23, 1, 0),
]


def test_reads_fourteen_qualifications_in_annex_order(decree: Decree) -> None:
    assert [q.letter for q in decree.qualifications] == list("ABCDEFGHIJKLMN")
    assert [q.short_id for q in decree.qualifications] == [p[0] for p in PRINTED]


@pytest.mark.parametrize("expected", PRINTED, ids=[p[0] for p in PRINTED])
def test_counts_per_qualification_match_the_text(decree: Decree, expected: tuple[object, ...]) -> None:
    q = next(q for q in decree.qualifications if q.short_id == expected[0])
    rows = [r for r in q.rows]
    got = (
        q.short_id,
        q.level,
        q.group_name,
        q.packaging.total,
        q.packaging.core,
        q.packaging.elective,
        sum(r.role == "core" for r in rows),
        sum(r.role == "elective" for r in rows),
        len(q.job_roles),
        sum(len(r.prerequisites) for r in rows),
    )
    assert got == expected
    assert len(q.work_attitudes) == 8
    assert len(q.general_attitudes) == 6
    assert [n.marker for n in q.job_role_notes] == ["1", "2"]


def test_row_counts_agree_with_a_plain_scan_of_the_text(decree: Decree, source_text: str) -> None:
    """An independent count: every line that starts with a row number and a unit code."""
    row = re.compile(r"^\s*\d+\.\s+[A-Z]\.\d{2}[A-Z]{3}\d{2}\.\d{3}\.\d+\s")
    assert sum(1 for line in source_text.splitlines() if row.match(line)) == sum(len(q.rows) for q in decree.qualifications) == 372
    tidak_ada = sum(line.count("Tidak ada") for line in source_text.splitlines() if row.match(line))
    assert tidak_ada == sum(1 for q in decree.qualifications for r in q.rows if not r.prerequisites)


def test_decree_metadata(decree: Decree) -> None:
    assert (decree.number, decree.year) == (3, 2021)
    assert decree.title == "Penetapan Jenjang Kualifikasi Nasional Indonesia Bidang Pelatihan Kerja dan Sertifikasi"
    assert decree.date_enacted == dt.date(2021, 1, 20)
    assert decree.in_force_after_months == 6
    assert decree.date_in_force == dt.date(2021, 7, 20)
    assert decree.review_years == 5
    assert decree.place == "Jakarta"
    assert decree.signatory == "IDA FAUZIYAH"
    assert decree.revokes is not None and (decree.revokes.slug, decree.revokes.line) == ("kepmenaker-233-2016", 50)
    assert [b.slug for b in decree.legal_bases] == [
        "uu-13-2003",
        "pp-31-2006",
        "perpres-8-2012",
        "perpres-95-2020",
        "permenaker-21-2014",
        "permenaker-8-2015",
        "kepmenaker-333-2020",
    ]
    assert decree.implements == "Pasal 9 ayat (1) Peraturan Presiden Nomor 8 Tahun 2012"
    assert [d[0] for d in decree.diktums] == ["KESATU", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KEENAM"]


def test_spot_values(decree: Decree) -> None:
    a, b, d = decree.qualifications[0], decree.qualifications[1], decree.qualifications[3]
    # A, core row 3 (line 142): 028.2 with the prerequisite 019.2, the italic tags stripped
    r = next(r for r in a.rows if r.role == "core" and r.position == 3)
    assert (r.code.code, r.title, [p.code.code for p in r.prerequisites], r.line) == (
        "N.78SPS02.028.2",
        "Melaksanakan Pelatihan Tatap Muka (Face To Face)",
        ["N.78SPS02.019.2"],
        142,
    )
    # B, elective row 26: six prerequisite codes on one line
    r = next(r for r in b.rows if r.role == "elective" and r.position == 26)
    assert [p.code.code for p in r.prerequisites] == [f"N.78SPS02.0{n}.1" for n in range(64, 70)]
    # D, elective row 3: "Unit- unit" split at a line break is one word again
    r = next(r for r in d.rows if r.role == "elective" and r.position == 3)
    assert r.title == "Melakukan Pengemasan Unit-unit Kompetensi"
    assert a.code == "N78SPS02" and a.codification_text.startswith("Kualifikasi 3 Bidang Pelatihan Kerja dan Sertifikasi Subbidang")
    assert a.job_roles[2].text == "Asisten Instruktur/ Trainer Assistant"
    assert a.work_attitudes[2].printed_name == "Penyelesaian Masalah"
    assert a.work_attitudes[2].text == "Antisipatif terhadap hal yang potensial menjadi masalah."
    assert a.general_attitudes[0].text == "Bertaqwa kepada Tuhan Yang Maha Esa."
    # B's description crosses a page break mid-sentence: joined with a space
    assert "serta mampu menunjukkan kinerja" in b.description


def test_as_printed_inconsistencies_are_kept(decree: Decree) -> None:
    by_id = {q.short_id: q for q in decree.qualifications}
    m = by_id["N78SPS01-5-pengelola-lembaga-sertifikasi"]
    assert (m.packaging.core_marker, m.packaging.elective_marker) == ("c", "d")  # printed c./d., not a./b.
    assert m.codification_text.endswith("Kelompok Pengelola Kelembagaan")
    i = by_id["N78SPS01-4-asesor"]
    assert i.general_attitudes[0].text == "Bertakwa kepada Tuhan Yang Maha Esa."  # elsewhere "Bertaqwa"
    f = by_id["N78SPS01-4-tenaga-pelatihan"]
    # F core row 1 printed "Pengorganisasi-an" across a line break: the hyphen is conversion noise
    assert f.rows[0].title == "Melakukan Pengorganisasian SDM Pelatihan Kerja"


def test_unit_codes_read_into_parts() -> None:
    uc = parse_unit_code("N.78SPS02.019.2")
    assert (uc.section, uc.division, uc.standard, uc.number, uc.version, uc.family, uc.standard_id) == (
        "N",
        "78",
        "SPS02",
        "019",
        2,
        "N.78SPS02.019",
        "N.78SPS02",
    )
    with pytest.raises(ValueError, match="not a unit code"):
        parse_unit_code("N78SPS02.019.2")


@pytest.mark.parametrize(
    ("words", "value"), [("sembilan", 9), ("empat belas", 14), ("tujuh belas", 17), ("sepuluh", 10), ("dua puluh satu", 21), ("xyz", None)]
)
def test_number_words(words: str, value: int | None) -> None:
    assert number_from_words(words) == value


def test_clean_strips_markup_and_keeps_words() -> None:
    assert clean("Merancang Konten <i>e-Learning</i>") == "Merancang Konten e-Learning"
    assert clean("**Inisiatif dan   Kewirausahaan**") == "Inisiatif dan Kewirausahaan"
    assert clean("Dasar-Dasar Produktivitas") == "Dasar-Dasar Produktivitas"


# --------------------------------------------------------------------------- altered copies


def summary(d: Decree) -> list[tuple[object, ...]]:
    return [
        (
            q.short_id,
            replace(q.packaging, line=0),
            [(r.role, r.position, r.code.code, r.title, tuple(p.code.code for p in r.prerequisites)) for r in q.rows],
        )
        for q in d.qualifications
    ]


def test_spacing_changes_do_not_change_what_is_read(decree: Decree, source_text: str) -> None:
    spaced = source_text.replace("\t", "    ")
    assert summary(parse_decree(spaced)) == summary(decree)
    tabbed = re.sub(r"(?m)^(\s*\d+\.) (N\.|M\.)", r"\1\t\t\2", source_text)
    assert summary(parse_decree(tabbed)) == summary(decree)


def test_extra_page_break_headers_are_skipped(decree: Decree, source_text: str) -> None:
    header = "\nDAFTAR UNIT KOMPETENSI\t\tPERSYARATAN KOMPETENSI\n"
    lines = source_text.splitlines()
    # after every 5th table row, a repeated table header as a page break would print it
    out, n = [], 0
    for line in lines:
        out.append(line)
        if re.match(r"^\s*\d+\.\s+[NM]\.\d", line):
            n += 1
            if n % 5 == 0:
                out.append(header)
    assert summary(parse_decree("\n".join(out))) == summary(decree)


def test_windows_line_endings_are_read(decree: Decree, source_text: str) -> None:
    assert summary(parse_decree(source_text.replace("\n", "\r\n"))) == summary(decree)


def line_of(text: str, needle: str) -> int:
    for no, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return no
    raise AssertionError(needle)


def test_removed_prerequisite_column_is_an_error_with_its_line(source_text: str) -> None:
    needle = "N.78SPS02.061.1\tMelakukan Komunikasi di Tempat Kerja\tTidak ada"
    no = line_of(source_text, needle)
    broken = source_text.replace(needle, "N.78SPS02.061.1\tMelakukan Komunikasi di Tempat Kerja", 1)
    with pytest.raises(DecreeParseError) as err:
        parse_decree(broken, "copy.txt")
    assert err.value.line == no
    assert str(err.value).startswith(f"copy.txt:{no}: row 5 (N.78SPS02.061.1) has no prerequisite column")


def test_removed_title_column_is_an_error(source_text: str) -> None:
    needle = "N.78SPS02.011.1\tMengidentifikasi Standar Kompetensi dan Kualifikasi Kerja\tTidak ada"
    no = line_of(source_text, needle)
    with pytest.raises(DecreeParseError, match=rf"^{no}|line {no}: row 1 \(N\.78SPS02\.011\.1\) has no title"):
        parse_decree(source_text.replace(needle, "N.78SPS02.011.1\tTidak ada", 1))


def test_missing_row_is_an_error(source_text: str) -> None:
    needle = "2.\tN.78SPS02.019.2\tMerencanakan Penyajian Materi Pelatihan Kerja\tTidak ada\n"
    no = line_of(source_text, "3.\tN.78SPS02.028.2")
    with pytest.raises(DecreeParseError) as err:
        parse_decree(source_text.replace(needle, "", 1))
    assert err.value.line == no - 1  # the next row moved up one line
    assert "row 3 of the core units, expected row 2" in err.value.message


def test_missing_section_is_an_error(source_text: str) -> None:
    start = line_of(source_text, "B. JENJANG KUALIFIKASI 4 KELOMPOK INSTRUKTUR")
    broken = source_text.replace(
        "4. Peran Kerja\n\nJenjang Kualifikasi 4 Kelompok Instruktur", "Jenjang Kualifikasi 4 Kelompok Instruktur", 1
    )
    with pytest.raises(DecreeParseError) as err:
        parse_decree(broken)
    assert err.value.line == start
    assert "lacks '4. Peran Kerja'" in err.value.message


def test_garbled_packaging_rule_is_an_error(source_text: str) -> None:
    needle = "- b. 4 (empat) unit kompetensi pilihan"
    no = line_of(source_text, needle)
    with pytest.raises(DecreeParseError) as err:
        parse_decree(source_text.replace(needle, "- b. empat unit kompetensi pilihan", 1))
    assert err.value.line == no


def test_unreadable_date_is_an_error(source_text: str) -> None:
    no = line_of(source_text, "pada tanggal 20 Januari 2021")
    with pytest.raises(DecreeParseError) as err:
        parse_decree(source_text.replace("pada tanggal 20 Januari 2021", "pada tanggal 20 Jan 2021"))
    assert err.value.line == no


@pytest.mark.parametrize("text", ["", "hello\nworld\n", "LAMPIRAN\n"])
def test_text_that_is_no_decree_is_an_error(text: str) -> None:
    with pytest.raises(DecreeParseError):
        parse_decree(text)
