"""Read a KKNI decree, as converted from its PDF, into plain typed records.

The records are in ``decree.model``. The reader knows the annex format of the KKNI decrees (sections per qualification:
Kodifikasi, Deskripsi, Sikap Kerja, Peran Kerja, Kemungkinan Jabatan, Aturan Pengemasan
and the unit tables). It survives the conversion's noise (repeated table headers at page
breaks, tabs or spaces between columns, ``<i>`` tags, ``- a.`` list items, hyphens left
at line breaks, several prerequisite codes on one line) and records what the decree
prints, inconsistencies included. On text it cannot read it raises ``DecreeParseError``
with the line number: it never returns a partial decree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from kkni_rdf.decree.model import (
    ACT_TYPE_SLUGS,
    DIKTUM_ORDINALS,
    Decree,
    Item,
    LegalCitation,
    PackagingRule,
    Prerequisite,
    Qualification,
    UnitCode,
    UnitRow,
    WorkAttitude,
)
from kkni_rdf.schemes import work_attitude_aspects

UNIT_CODE = r"[A-Z]\.\d{2}[A-Z]{3}\d{2}\.\d{3}\.\d+"
_UNIT_CODE_PARTS = re.compile(r"^([A-Z])\.(\d{2})([A-Z]{3}\d{2})\.(\d{3})\.(\d+)$")


def parse_unit_code(code: str) -> UnitCode:
    """Read a unit code into its parts; ``ValueError`` if it has not the code's form."""
    m = _UNIT_CODE_PARTS.match(code)
    if not m:
        raise ValueError(f"not a unit code: {code!r} (expected a form like N.78SPS02.019.2)")
    return UnitCode(code, m[1], m[2], m[3], m[4], int(m[5]))


class DecreeParseError(ValueError):
    """The text is not in the annex format the reader knows; says where and why."""

    def __init__(self, line: int, message: str, source: str = "") -> None:
        self.line = line
        self.message = message
        self.source = source
        where = f"{source}:{line}" if source else f"line {line}"
        super().__init__(f"{where}: {message}")


# --------------------------------------------------------------------------- vocabulary

MONTHS = {
    "januari": 1, "februari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "agustus": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12,
}  # fmt: skip

NUMBER_WORDS = {
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "delapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11,
}  # fmt: skip

SECTIONS = ["Kodifikasi", "Deskripsi", "Sikap Kerja", "Peran Kerja", "Kemungkinan Jabatan", "Aturan Pengemasan"]


def number_from_words(words: str) -> int | None:
    """The value of an Indonesian number word up to 99 ("empat belas" → 14), or None."""
    w = words.lower().split()
    if not w:
        return None
    if len(w) == 2 and w[1] == "belas" and w[0] in NUMBER_WORDS:
        return 10 + NUMBER_WORDS[w[0]]
    if len(w) >= 2 and w[1] == "puluh" and w[0] in NUMBER_WORDS:
        rest = number_from_words(" ".join(w[2:])) if len(w) > 2 else 0
        return None if rest is None else NUMBER_WORDS[w[0]] * 10 + rest
    if len(w) == 1:
        return NUMBER_WORDS.get(w[0])
    return None


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --------------------------------------------------------------------------- text clean-up

_TAGS = re.compile(r"</?[a-zA-Z]+>")
_EMPHASIS = re.compile(r"\*{1,2}")
# A hyphen left by a line break inside a word ("Pengorganisasi-an"): a lowercase stem
# followed by a lowercase Indonesian suffix.
_BREAK_HYPHEN = re.compile(r"(?<=[a-z]{3})-(?=(?:an|kan|nya|i)\b)")
# A reduplication split at a line break ("Unit- unit"): the space is noise.
_SPLIT_REDUPLICATION = re.compile(r"\b(\w+)- (\w+)\b")


def clean(text: str) -> str:
    """Strip conversion markup and collapse white space; keep the printed words."""
    # each substitution only where its pattern's literal character occurs (most lines have none)
    if "<" in text:
        text = _TAGS.sub("", text)
    if "*" in text:
        text = _EMPHASIS.sub("", text)
    if "-" in text:
        text = _BREAK_HYPHEN.sub("", text)
        if "- " in text:
            text = _SPLIT_REDUPLICATION.sub(lambda m: f"{m[1]}-{m[2]}" if m[1].lower() == m[2].lower() else m[0], text)
    return " ".join(text.split())  # the runs of white space (``\s+``, which is ``str.isspace``) as one space


# --------------------------------------------------------------------------- the reader

_LIST_ITEM = re.compile(r"^\s*(?:-\s+)?([a-z])\.\s+(.*)$")
_NOTE_ITEM = re.compile(r"^\s*(?:-\s+)?(\d+)\)\s+(.*)$")
_SUBFIELD = re.compile(r"^([IVX]+)\.\s+SUBBIDANG\s+(.+?)\s+KELOMPOK\s+(.+?)\s*$")
_QUALIFICATION = re.compile(r"^([A-Z])\.\s+JENJANG KUALIFIKASI\s+(\d+)\s+KELOMPOK\s+(.+?)\s*$")
_SECTION = re.compile(r"^(\d)\.\s+(" + "|".join(SECTIONS) + r")\s*$")
_ROW = re.compile(rf"^\s*(\d+)\.\s+({UNIT_CODE})(?=\s)(.*)$")
_PREREQ_TAIL = re.compile(rf"(?:\s|^)((?:Tidak ada)|(?:{UNIT_CODE})(?:\s+{UNIT_CODE})*)\s*$")
_TOTAL = re.compile(r"^(\d+)\s+\(([a-z ]+)\)\s+unit kompetensi\s+(?:yang\s+)?harus\s+diselesaikan")
_PART = re.compile(r"^\s*(?:-\s+)?([a-z])\.\s+(\d+)\s+\(([a-z ]+)\)\s+unit kompetensi\s+(inti|pilihan)\s*$")
_TABLE_HEADER = re.compile(r"^\s*DAFTAR UNIT KOMPETENSI\b.*PERSYARATAN KOMPETENSI\s*$")
_ROLE_HEADER = re.compile(r"^\s*KOMPETENSI\s+(INTI|PILIHAN)\s*$")
_END_OF_ANNEX = re.compile(r"^\s*(\*\*)?MENTERI KETENAGAKERJAAN\s*(\*\*)?\s*$")


class _Lines:
    """The text's lines with their 1-based numbers; blank lines are kept for paragraphs."""

    def __init__(self, text: str, source: str) -> None:
        self.lines = text.splitlines()
        self.source = source

    def error(self, line: int, message: str) -> DecreeParseError:
        return DecreeParseError(line, message, self.source)

    def numbered(self, start: int, end: int) -> Iterator[tuple[int, str]]:
        for i in range(start, end):
            yield i + 1, self.lines[i]


def parse_decree(text: str, source: str = "") -> Decree:
    """Read a whole decree; raise ``DecreeParseError`` on anything it cannot read."""
    lines = _Lines(text.replace("\r\n", "\n").replace("\r", "\n"), source)
    annex_start = _find(lines, r"^\s*LAMPIRAN\s*$", 0, "the annex heading 'LAMPIRAN'")
    decree = _parse_preamble(lines, annex_start)
    decree.source_name = source
    decree.qualifications = _parse_annex(lines, annex_start)
    if not decree.qualifications:
        raise lines.error(annex_start + 1, "the annex holds no qualification section ('A. JENJANG KUALIFIKASI …')")
    return decree


def parse_decree_file(path: str | Path) -> Decree:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DecreeParseError(1, f"not UTF-8 text ({exc.reason} at byte {exc.start})", str(path)) from None
    return parse_decree(text, path.name)


def _find(lines: _Lines, pattern: str, start: int, what: str, end: int | None = None) -> int:
    rx = re.compile(pattern)
    stop = len(lines.lines) if end is None else end
    for i in range(start, stop):
        if rx.search(lines.lines[i]):
            return i
    raise lines.error(start + 1, f"expected {what} after this line, found none")


# ----------------------------------------------------------------- preamble (the decree itself)


def _parse_preamble(lines: _Lines, end: int) -> Decree:
    """The decree itself: everything before the annex (``end``)."""
    number, year, title, field_name = _heading(lines, "\n".join(lines.lines[:end]))

    considering_i = _find(lines, r"^\s*Menimbang\s*:", 0, "'Menimbang :'", end)
    considering = clean(lines.lines[considering_i].split(":", 1)[1])
    im = re.search(r"ketentuan (Pasal .+? Peraturan Presiden Nomor \d+ Tahun \d{4})", considering)

    bases_i = _find(lines, r"^\s*Mengingat\s*:", considering_i, "'Mengingat :'", end)
    decide_i = _find(lines, r"^\s*MEMUTUSKAN\s*:", bases_i, "'MEMUTUSKAN:'", end)
    legal_bases = _legal_bases(lines, bases_i, decide_i)
    sign_i = _find(lines, r"^\s*Ditetapkan di\s+", decide_i, "'Ditetapkan di …'", end)
    diktums = _diktums(lines, decide_i, sign_i)
    review_years, months, revokes = _diktum_provisions(lines, diktums, decide_i)
    place, date_enacted = _enactment(lines, sign_i, end)
    return Decree(
        act_type="Keputusan Menteri Ketenagakerjaan",
        number=number,
        year=year,
        title=title,
        field_name=field_name,
        considering=considering,
        implements=im[1] if im else "",
        legal_bases=legal_bases,
        diktums=diktums,
        revokes=revokes,
        review_years=review_years,
        in_force_after_months=months,
        place=place,
        date_enacted=date_enacted,
        signatory=next((clean(raw) for raw in reversed(lines.lines) if raw.strip()), ""),
    )


def _heading(lines: _Lines, head: str) -> tuple[int, int, str, str]:
    """The decree's number, year, title and field, from its heading ('… NOMOR n TAHUN yyyy TENTANG …')."""
    m = re.search(r"KEPUTUSAN MENTERI KETENAGAKERJAAN\s+REPUBLIK INDONESIA\s+NOMOR\s+(\d+)\s+TAHUN\s+(\d{4})", head)
    if not m:
        raise lines.error(1, "expected the decree's heading 'KEPUTUSAN MENTERI KETENAGAKERJAAN … NOMOR n TAHUN yyyy'")
    number, year = int(m[1]), int(m[2])
    m = re.search(r"TENTANG\W*\n\s*\**\s*(.+?)\s*\**\s*\n\s*\n", head[m.end() :], re.S)
    if not m:
        raise lines.error(1, "expected the decree's title after 'TENTANG'")
    title = _title_case(clean(m[1]))
    fm = re.search(r"Bidang (.+)$", title)
    if not fm:
        raise lines.error(1, f"the title {title!r} names no field ('Bidang …')")
    return number, year, title, fm[1]


def _legal_bases(lines: _Lines, bases_i: int, decide_i: int) -> list[LegalCitation]:
    """The numbered acts under 'Mengingat :' (0-based ``bases_i``), up to 'MEMUTUSKAN:'."""
    legal_bases = []
    for no, raw in lines.numbered(bases_i, decide_i):
        text = clean(raw.split(":", 1)[1] if no == bases_i + 1 else raw)
        if not text:
            continue
        item = re.match(r"^\d+\.\s+(.*)$", text)
        if not item:
            raise lines.error(no, f"expected a numbered legal basis ('1. Undang-Undang …'), found {text[:60]!r}")
        legal_bases.append(_citation(lines, no, item[1]))
    return legal_bases


_DIKTUM = re.compile(r"^\s*(?:-\s+)?(" + "|".join(DIKTUM_ORDINALS) + r")\s*:\s*(.*)$")


def _diktums(lines: _Lines, decide_i: int, sign_i: int) -> list[tuple[str, str, int]]:
    """(ordinal word, text, line) of each diktum after 'MEMUTUSKAN:', in order (KESATU, KEDUA, …)."""
    diktums: list[tuple[str, str, int]] = []
    for no, raw in lines.numbered(decide_i, sign_i):
        dm = _DIKTUM.match(raw)
        if dm:
            diktums.append((dm[1], clean(dm[2]), no))
        elif diktums and raw.strip():
            ordinal, text, at = diktums[-1]
            item = _LIST_ITEM.match(raw)
            piece = f"{item[1]}. {clean(item[2])}" if item else clean(raw)
            diktums[-1] = (ordinal, f"{text}\n{piece}", at)
    if [d[0] for d in diktums] != DIKTUM_ORDINALS[: len(diktums)] or not diktums:
        raise lines.error(decide_i + 1, f"expected the diktums KESATU, KEDUA, … in order, found {[d[0] for d in diktums]}")
    return diktums


def _diktum_provisions(lines: _Lines, diktums: list[tuple[str, str, int]], decide_i: int) -> tuple[int, int, LegalCitation | None]:
    """What the diktums provide: the review interval in years, the months until the decree is in
    force, and the act it revokes."""
    revokes = None
    review_years = months = 0
    for _ordinal, text, no in diktums:
        rv = re.search(r"dikaji ulang setiap (\d+) \((\w+)\) tahun", text)
        if rv:
            review_years = int(rv[1])
        fm = re.search(r"mulai berlaku setelah (\d+) \((\w+)\) bulan", text)
        if fm:
            months = int(fm[1])
        rk = re.search(r"Pada saat .*?mulai berlaku, (.+?), dicabut", text)
        if rk:
            revokes = _citation(lines, no, rk[1])
    if not months:
        raise lines.error(decide_i + 1, "no diktum says when the decree comes into force ('mulai berlaku setelah n (…) bulan')")
    return review_years, months, revokes


def _enactment(lines: _Lines, sign_i: int, end: int) -> tuple[str, dt.date]:
    """Where and when the decree was enacted: 'Ditetapkan di …' (0-based ``sign_i``) and 'pada tanggal …'."""
    place_m = re.match(r"^\s*Ditetapkan di\s+(.+?)\s*$", lines.lines[sign_i])
    date_line = lines.lines[sign_i + 1] if sign_i + 1 < end else ""
    dm = re.match(r"^\s*pada tanggal\s+(\d{1,2})\s+(\w+)\s+(\d{4})\s*$", date_line)
    if not dm or dm[2].lower() not in MONTHS:
        raise lines.error(sign_i + 2, f"expected the date of enactment ('pada tanggal 20 Januari 2021'), found {date_line.strip()!r}")
    return (place_m[1] if place_m else ""), dt.date(int(dm[3]), MONTHS[dm[2].lower()], int(dm[1]))


def _citation(lines: _Lines, no: int, text: str) -> LegalCitation:
    types = "|".join(sorted(ACT_TYPE_SLUGS, key=len, reverse=True))
    m = re.match(rf"^({types})\s+Nomor\s+(\d+)\s+Tahun\s+(\d{{4}})\s+tentang\s+(.+?)(?:\s+\(.*\))?\s*;?\s*(?:dan)?\s*$", text)
    if not m:
        raise lines.error(no, f"cannot read the legal act cited here: {text[:80]!r}")
    return LegalCitation(m[1], int(m[2]), int(m[3]), m[4].rstrip(";"), text.rstrip(";"), no)


def _title_case(text: str) -> str:
    small = {"dan", "di", "ke", "dari", "untuk", "atau", "pada", "yang"}
    words = text.lower().split()
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))


# ----------------------------------------------------------------- the annex


def _parse_annex(lines: _Lines, start: int) -> list[Qualification]:
    """The qualification sections of the annex (which starts at the 0-based line ``start``)."""
    end = len(lines.lines)
    for i in range(start + 1, end):
        if _END_OF_ANNEX.match(lines.lines[i]) and i > start + 10:
            end = i
            break
    heads = _qualification_heads(lines, start, end)
    quals = []
    for n, (i, qm, (sub_name, sub_group)) in enumerate(heads):
        stop = heads[n + 1][0] if n + 1 < len(heads) else end
        # a subfield heading just before the next qualification belongs to that one
        for j in range(stop - 1, i, -1):
            if _SUBFIELD.match(lines.lines[j].strip()):
                stop = j
                break
        group_name = _title_case(qm[3])
        if group_name.lower() != _title_case(sub_group).lower():
            raise lines.error(i + 1, f"the group {qm[3]!r} differs from the subfield heading's group {sub_group!r}")
        quals.append(_parse_qualification(lines, i, stop, qm, _title_case(sub_name)))
    letters = [q.letter for q in quals]
    if len(set(letters)) != len(letters):
        raise lines.error(start + 1, f"section letters repeat: {letters}")
    return quals


def _qualification_heads(lines: _Lines, start: int, end: int) -> list[tuple[int, re.Match[str], tuple[str, str]]]:
    """Each qualification section's heading (0-based line, match) with the (subfield, group) heading above it."""
    heads: list[tuple[int, re.Match[str], tuple[str, str]]] = []
    subfield: tuple[str, str] | None = None
    for i in range(start, end):
        raw = lines.lines[i].strip()
        sm = _SUBFIELD.match(raw)
        if sm:
            subfield = (sm[2], sm[3])
            continue
        qm = _QUALIFICATION.match(raw)
        if qm:
            if subfield is None:
                raise lines.error(i + 1, "a qualification section before any 'SUBBIDANG … KELOMPOK …' heading")
            heads.append((i, qm, subfield))
    return heads


def _paragraphs(lines: _Lines, start: int, end: int) -> list[tuple[int, str]]:
    """Non-empty lines between start and end (0-based, exclusive), with line numbers."""
    return [(no, raw) for no, raw in lines.numbered(start, end) if raw.strip()]


def _join(pieces: list[str]) -> str:
    """Join printed paragraphs: a page break mid-sentence joins with a space."""
    out = ""
    for piece in pieces:
        if not out:
            out = piece
        elif re.search(r"[.:;!?]$", out):
            out += "\n" + piece
        else:
            out += " " + piece
    return out


def _parse_qualification(lines: _Lines, head: int, end: int, qm: re.Match[str], subfield_name: str) -> Qualification:
    letter, level, group_raw = qm[1], int(qm[2]), qm[3]
    # find the six numbered sections in order
    found: dict[str, int] = {}
    expected = 0
    for no, raw in lines.numbered(head + 1, end):
        sm = _SECTION.match(raw.strip())
        if sm and expected < len(SECTIONS) and sm[2] == SECTIONS[expected]:
            if int(sm[1]) != expected + 1:
                raise lines.error(no, f"section {sm[2]!r} is numbered {sm[1]}, expected {expected + 1}")
            found[sm[2]] = no - 1
            expected += 1
    if expected < len(SECTIONS):
        raise lines.error(
            head + 1,
            f"section {letter} ({qm[0].strip()}) lacks '{expected + 1}. {SECTIONS[expected]}'"
            + (f" after '{expected}. {SECTIONS[expected - 1]}'" if expected else ""),
        )
    bounds = {name: (found[name] + 1, found[SECTIONS[k + 1]] if k + 1 < len(SECTIONS) else end) for k, name in enumerate(SECTIONS)}

    cod = _paragraphs(lines, *bounds["Kodifikasi"])
    if not cod:
        raise lines.error(found["Kodifikasi"] + 1, "'Kodifikasi' is empty")
    cm = re.match(r"^\s*([A-Z]\d{2}[A-Z]{3}\d{2})\s+(.*)$", cod[0][1])
    if not cm:
        raise lines.error(cod[0][0], f"expected a codification code like N78SPS02, found {cod[0][1].strip()[:40]!r}")
    codification_text = clean(" ".join([cm[2]] + [raw for _, raw in cod[1:]]))

    desc = _paragraphs(lines, *bounds["Deskripsi"])
    if not desc:
        raise lines.error(found["Deskripsi"] + 1, "'Deskripsi' is empty")
    description = _join([clean(raw) for _, raw in desc])

    attitudes, general = _parse_attitudes(lines, *bounds["Sikap Kerja"])
    role_lines = _paragraphs(lines, *bounds["Peran Kerja"])
    if not role_lines:
        raise lines.error(found["Peran Kerja"] + 1, "'Peran Kerja' is empty")
    work_role = _join([_item_text(raw) for _, raw in role_lines])

    jobs, notes = _parse_jobs(lines, *bounds["Kemungkinan Jabatan"])
    packaging, rows = _parse_packaging(lines, *bounds["Aturan Pengemasan"])
    group = _title_case(group_raw)
    return Qualification(
        letter=letter,
        level=level,
        group_name=group,
        group_slug=slugify(group),
        subfield_name=subfield_name,
        subfield_slug=slugify(subfield_name),
        code=cm[1],
        codification_text=codification_text,
        description=description,
        work_attitudes=attitudes,
        general_attitudes=general,
        work_role=work_role,
        job_roles=jobs,
        job_role_notes=notes,
        packaging=packaging,
        rows=rows,
        line=head + 1,
    )


def _item_text(raw: str) -> str:
    item = _LIST_ITEM.match(raw)
    return f"{item[1]}. {clean(item[2])}" if item else clean(raw)


def _aspect_of(text: str) -> str | None:
    name = clean(text).rstrip(":").strip()
    slug = slugify(name)
    return slug if slug in work_attitude_aspects() else None


def _parse_attitudes(lines: _Lines, start: int, end: int) -> tuple[list[WorkAttitude], list[Item]]:
    general_i = None
    for no, raw in lines.numbered(start, end):
        if re.match(r"^\s*Secara umum memiliki sikap kerja\s*:?\s*$", raw):
            general_i = no - 1
            break
    if general_i is None:
        raise lines.error(start, "'Sikap Kerja' lacks 'Secara umum memiliki sikap kerja:'")
    aspects: list[tuple[str, str, int, list[str]]] = []
    for no, raw in _paragraphs(lines, start, general_i):
        item = _LIST_ITEM.match(raw)
        slug = _aspect_of(item[2]) if item else None
        if item and slug:
            aspects.append((slug, clean(item[2]).rstrip(":"), no, []))
        elif aspects:
            aspects[-1][3].append(clean(raw))
        else:
            raise lines.error(no, f"expected a work-attitude aspect ('a. Komunikasi'), found {raw.strip()[:60]!r}")
    slugs = [a[0] for a in aspects]
    expected = work_attitude_aspects()
    if slugs != list(expected):
        missing = [name for slug, name in expected.items() if slug not in slugs]
        raise lines.error(
            start, f"'Sikap Kerja' should print the eight aspects in order; found {slugs}" + (f", missing {missing}" if missing else "")
        )
    attitudes = []
    for pos, (slug, printed, no, text) in enumerate(aspects, 1):
        if not text:
            raise lines.error(no, f"the aspect {printed!r} has no text")
        attitudes.append(WorkAttitude(slug, printed, _join(text), pos, no))
    general = _items(lines, general_i + 1, end, "a general work attitude")
    return attitudes, general


def _items(lines: _Lines, start: int, end: int, what: str, rx: re.Pattern[str] = _LIST_ITEM) -> list[Item]:
    items: list[Item] = []
    for no, raw in _paragraphs(lines, start, end):
        m = rx.match(raw)
        if m:
            items.append(Item(m[1], clean(m[2]), no))
        elif items:
            last = items[-1]
            items[-1] = Item(last.marker, clean(last.text + " " + raw), last.line)
        else:
            raise lines.error(no, f"expected {what} as a list item ('a. …'), found {raw.strip()[:60]!r}")
    if not items:
        raise lines.error(start, f"expected at least one {what}")
    return items


def _parse_jobs(lines: _Lines, start: int, end: int) -> tuple[list[Item], list[Item]]:
    note_i = end
    for no, raw in lines.numbered(start, end):
        if re.match(r"^\s*Catatan\s*:\s*$", raw):
            note_i = no - 1
            break
    jobs = _items(lines, start, note_i, "a job title")
    notes = _items(lines, note_i + 1, end, "a note", _NOTE_ITEM) if note_i < end else []
    return jobs, notes


def _parse_packaging(lines: _Lines, start: int, end: int) -> tuple[PackagingRule, list[UnitRow]]:
    paras = _paragraphs(lines, start, end)
    if not paras:
        raise lines.error(start, "'Aturan Pengemasan' is empty")
    total_no, total_raw = paras[0]
    tm = _TOTAL.match(clean(total_raw))
    if not tm:
        raise lines.error(total_no, f"expected 'N (words) unit kompetensi harus diselesaikan…', found {total_raw.strip()[:70]!r}")
    parts: dict[str, tuple[str, int, str]] = {}
    table_i = None
    for k, (no, raw) in enumerate(paras[1:], 1):
        if _TABLE_HEADER.match(raw):
            table_i = k
            break
        pm = _PART.match(raw)
        if not pm:
            raise lines.error(no, f"expected 'a. N (words) unit kompetensi inti' or '… pilihan', found {raw.strip()[:70]!r}")
        role = "core" if pm[4] == "inti" else "elective"
        if role in parts:
            raise lines.error(no, f"the packaging rule states the {role} count twice")
        parts[role] = (pm[1], int(pm[2]), pm[3])
    for role in ("core", "elective"):
        if role not in parts:
            raise lines.error(
                total_no, f"the packaging rule gives no {role} count ('unit kompetensi {'inti' if role == 'core' else 'pilihan'}')"
            )
    if table_i is None:
        raise lines.error(total_no, "no unit table ('DAFTAR UNIT KOMPETENSI … PERSYARATAN KOMPETENSI') follows the packaging rule")
    rule = PackagingRule(
        total=int(tm[1]),
        total_words=tm[2].strip(),
        core=parts["core"][1],
        core_words=parts["core"][2].strip(),
        core_marker=parts["core"][0],
        elective=parts["elective"][1],
        elective_words=parts["elective"][2].strip(),
        elective_marker=parts["elective"][0],
        text=clean(total_raw),
        line=total_no,
    )
    return rule, _parse_table(lines, paras[table_i:])


def _parse_table(lines: _Lines, paras: list[tuple[int, str]]) -> list[UnitRow]:
    """The unit table: its core rows, then its elective rows, each numbered from 1."""
    rows: list[UnitRow] = []
    role: str | None = None
    expected = {"core": 1, "elective": 1}
    for no, raw in paras:
        if _TABLE_HEADER.match(raw):
            continue
        rh = _ROLE_HEADER.match(raw)
        if rh:
            new = "core" if rh[1] == "INTI" else "elective"
            if (role, new) not in ((None, "core"), ("core", "elective")):
                raise lines.error(no, f"'KOMPETENSI {rh[1]}' out of order (core units first, then elective)")
            role = new
            continue
        rows.append(_parse_row(lines, no, raw, role, expected))
    if expected["core"] == 1:
        raise lines.error(paras[0][0], "the unit table lists no core unit ('KOMPETENSI INTI')")
    if role != "elective":
        raise lines.error(paras[-1][0], "the unit table has no 'KOMPETENSI PILIHAN' part")
    return rows


def _parse_row(lines: _Lines, no: int, raw: str, role: str | None, expected: dict[str, int]) -> UnitRow:
    """One row of the unit table: number, code, title and the prerequisite column ('Tidak ada' or codes).
    ``expected`` is the next row number of each role (counted on here)."""
    rm = _ROW.match(raw)
    if not rm:
        raise lines.error(no, f"expected a unit row ('1. N.78SPS02.011.1  Title  Prerequisites'), found {raw.strip()[:70]!r}")
    if role is None:
        raise lines.error(no, "a unit row before 'KOMPETENSI INTI'")
    position, rest = int(rm[1]), rm[3]
    if position != expected[role]:
        raise lines.error(no, f"row {position} of the {role} units, expected row {expected[role]}: a row is missing or misnumbered")
    expected[role] += 1
    pm = _PREREQ_TAIL.search(rest)
    if not pm:
        raise lines.error(
            no, f"row {position} ({rm[2]}) has no prerequisite column: expected 'Tidak ada' or unit codes at the end of the row"
        )
    title = clean(rest[: pm.start()])
    if not title:
        raise lines.error(no, f"row {position} ({rm[2]}) has no title")
    prereqs: tuple[Prerequisite, ...] = ()
    if pm[1] != "Tidak ada":
        prereqs = tuple(Prerequisite(parse_unit_code(c), k, no) for k, c in enumerate(pm[1].split(), 1))
    return UnitRow(role, position, parse_unit_code(rm[2]), title, prereqs, no)
