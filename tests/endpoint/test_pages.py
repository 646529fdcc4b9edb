"""Pages people can read: attitudes with their text, rows in table order, proposed mappings marked,
the ontology one language at a time, an id/en choice (issue 12, item 4)."""

from __future__ import annotations

import csv
import html
import re

from fastapi.testclient import TestClient

from kkni_rdf.decree.model import Decree
from kkni_rdf.endpoint.i18n import choose
from kkni_rdf.endpoint.pages import natural_key
from kkni_rdf.resources import translations_file
from tests.endpoint.conftest import ASESOR_5, HTML


def test_a_qualification_page_shows_its_attitudes_and_job_titles_with_their_text(web: TestClient, decree: Decree) -> None:
    q = next(x for x in decree.qualifications if x.short_id == "N78SPS01-5-asesor")
    page = web.get(f"/{ASESOR_5}", headers=HTML).text.replace("&#39;", "'")
    assert "Sikap kerja" in page and "Sikap umum" in page
    texts = [a.text for a in q.work_attitudes] + [a.text for a in q.general_attitudes]
    assert len(texts) == 14
    for text in texts:
        assert text in page, text
    # in printed order
    positions = [page.index(a.text) for a in sorted(q.work_attitudes, key=lambda a: a.position)]
    assert positions == sorted(positions)
    assert "/work-attitude/belajar</a>" not in page  # never a bare IRI


def test_a_qualification_page_shows_its_rows_once_in_table_order(web: TestClient) -> None:
    page = web.get(f"/{ASESOR_5}", headers=HTML).text
    properties = page.split('<table class="properties">', 1)[1]  # the property list and what refers to the page
    elective = re.findall(r'href="/qualification/kepmenaker-3-2021/N78SPS01-5-asesor/elective/(\d+)"', properties)
    assert elective == []  # the rows are the tables', not repeated in the property list
    table = page.split("<h2>Kompetensi pilihan (31)</h2>", 1)[1].split("</table>", 1)[0]
    numbers = [int(n) for n in re.findall(r"<tr><td>(\d+)</td>", table)]
    assert numbers == list(range(1, 32))


def test_values_are_listed_in_their_natural_order() -> None:
    paths = [f"qualification/q/elective/{n}" for n in (1, 10, 11, 2, 3, 20)]
    assert sorted(paths, key=natural_key) == [f"qualification/q/elective/{n}" for n in (1, 2, 3, 10, 11, 20)]


def test_proposed_mappings_are_marked_as_proposed(web: TestClient) -> None:
    page = web.get("/level/5", headers=HTML, params={"lang": "en"}).text
    for target, relation in (
        ("http://data.europa.eu/snb/eqf/5", "closeMatch"),
        ("/aqrf/level/5", "closeMatch"),
        ("/aqf/level/5", "narrowMatch"),
        ("/aqf/level/6", "narrowMatch"),
    ):
        row = next(line for line in page.splitlines() if target in line and relation in line)
        assert 'class="status proposed"' in row and ">proposed</a>" in row, row
    assert ">diusulkan</a>" in web.get("/level/5", headers=HTML, params={"lang": "id"}).text


def test_the_ontology_is_documented_one_language_at_a_time(web: TestClient) -> None:
    en = web.get("/ontology", headers=HTML, params={"lang": "en"}).text
    id_ = web.get("/ontology", headers=HTML, params={"lang": "id"}).text
    assert "Candidate record" in en and "Catatan kompetensi peserta" not in en and '<html lang="en">' in en
    assert "Catatan kompetensi peserta" in id_ and "Candidate record" not in id_ and '<html lang="id">' in id_
    assert 'href="/ontology?lang=id"' in en


def test_the_language_is_chosen_by_lang_then_accept_language_then_indonesian(web: TestClient) -> None:
    def lang_of(headers: dict[str, str], params: dict[str, str] | None = None) -> str:
        text = web.get(f"/{ASESOR_5}", headers={**HTML, **headers}, params=params).text
        return re.search(r'<html lang="(\w+)">', text)[1]  # type: ignore[index]

    assert lang_of({}) == "id"
    assert lang_of({"Accept-Language": "en-US,en;q=0.9"}) == "en"
    assert lang_of({"Accept-Language": "id-ID,id;q=0.9,en;q=0.8"}) == "id"
    assert lang_of({"Accept-Language": "en"}, {"lang": "id"}) == "id"
    assert lang_of({"Accept-Language": "fr"}) == "id"
    en = web.get(f"/{ASESOR_5}", headers=HTML, params={"lang": "en"}).text
    assert "<h1>Assessor, KKNI level 5</h1>" in en and "Core units" in en and "Kompetensi inti" not in en
    assert 'href="/unit/M.74SPS03.088.2?lang=en"' in en  # the choice is kept in the page's links
    assert 'hreflang="id"' in en
    id_ = web.get(f"/{ASESOR_5}", headers=HTML).text
    assert "<h1>Jenjang Kualifikasi 5 Kelompok Asesor</h1>" in id_ and "Kompetensi inti" in id_ and "Core units" not in id_
    assert web.get(f"/{ASESOR_5}", headers=HTML).headers["vary"].lower().count("accept-language") == 1


def test_literals_in_both_languages_are_listed_indonesian_first(web: TestClient) -> None:
    page = web.get("/level/5", headers=HTML, params={"lang": "en"}).text
    assert page.index("Jenjang 5") < page.index("KKNI level 5</span>")


def test_choose() -> None:
    assert choose(None, None).code == "id" and not choose(None, None).explicit
    assert choose("EN", None).code == "en" and choose("EN", None).explicit
    assert choose("xx", "en-GB;q=0.5, id;q=0.4").code == "en"
    assert choose(None, "in").code == "id"


def _english_labels(kind: str) -> dict[str, str]:
    """The project's English labels of one kind (``unit``, ``aspect``, ``job-role``), by key, from translations-en.csv."""
    with translations_file().open(encoding="utf-8", newline="") as f:
        return {row["key"]: row["english"] for row in csv.DictReader(f) if row["kind"] == kind}


def test_english_mode_is_english_throughout_with_the_printed_indonesian_beside(web: TestClient, decree: Decree) -> None:
    q = next(x for x in decree.qualifications if x.short_id == "N78SPS01-5-asesor")
    en = html.unescape(web.get(f"/{ASESOR_5}", headers=HTML, params={"lang": "en"}).text)
    units, aspects = _english_labels("unit"), _english_labels("aspect")
    # every unit row: its English title, the printed title beside it
    translated = [row for row in q.rows if row.code.code in units]
    assert len(translated) == len(q.rows)
    for row in translated:
        assert f'<span lang="en">{units[row.code.code]}</span> <span class="printed" lang="id">({row.title})</span>' in en, row.code
    # the packaging sentence, said in English from the printed numbers, the printed sentence beside
    p = q.packaging
    assert f"{p.total} competency units to be completed: {p.core} core units and {p.elective} elective units." in en
    assert p.text in en
    # the work attitudes under their aspects' English names, the printed name and text beside
    for a in q.work_attitudes:
        assert f'{aspects[a.aspect]}</a> <span class="printed" lang="id">({a.printed_name})</span>' in en, a.aspect
        assert a.text in en
    # Indonesian mode stays as printed
    id_ = html.unescape(web.get(f"/{ASESOR_5}", headers=HTML, params={"lang": "id"}).text)
    assert "competency units to be completed" not in id_ and "Communication" not in id_
    assert all(units[r.code.code] not in id_ for r in translated)


def test_graph_descriptions_say_whose_each_graph_is(web: TestClient) -> None:
    sd = web.get("/sparql", headers={"Accept": "text/turtle"}).text
    void = web.get("/.well-known/void", headers={"Accept": "text/turtle"}).text
    page = html.unescape(web.get("/sparql", headers=HTML, params={"lang": "en"}).text)
    for text in (sd, void, page):
        assert "as printed" not in text  # the crosswalks and shapes are not the decree's
        assert "KKNI levels mapped to EQF levels: proposed by the kkni-rdf project" in text
        assert "The kkni-rdf project's SHACL shapes" in text
        assert "The decree Kepmenaker 3/2021: its printed text as RDF" in text


def test_graph_descriptions_are_in_the_pages_language(web: TestClient) -> None:
    id_ = html.unescape(web.get("/.well-known/void", headers=HTML, params={"lang": "id"}).text)
    assert "Jenjang KKNI dipetakan ke jenjang EQF: diusulkan proyek kkni-rdf" in id_ and "proposed by the kkni-rdf project" not in id_
