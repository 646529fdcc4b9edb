"""The index pages (/qualification, /unit, /level, /job-title: a page for browsers, a skos:Collection for
machines) and the 404 that offers the nearest IRIs, checked against the decree's own text."""

from __future__ import annotations

import csv
import html
import json

import pyoxigraph as ox
from fastapi.testclient import TestClient

from kkni_rdf.decree.model import Decree
from kkni_rdf.endpoint.indexes import nearest
from kkni_rdf.namespaces import SKOS
from kkni_rdf.resources import translations_file
from tests.endpoint.conftest import HTML

BASE = "https://w3id.org/kkni/"


def _page(web: TestClient, path: str, lang: str = "en") -> str:
    r = web.get(path, headers=HTML, params={"lang": lang})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), path
    return html.unescape(r.text)


def _section(page: str, heading: str) -> str:
    """The group of an index page under the heading ``heading``."""
    return page.split(f">{heading}</a>", 1)[1].split("<section", 1)[0]


def test_the_qualifications_index_groups_every_qualification_by_group_with_its_levels(web: TestClient, decree: Decree) -> None:
    page = _page(web, "/qualification")
    assert f'Qualifications <span class="count">({len(decree.qualifications)})</span>' in page
    with translations_file().open(encoding="utf-8", newline="") as f:
        groups = {row["key"]: row["english"] for row in csv.DictReader(f) if row["kind"] == "group"}
    for q in decree.qualifications:
        group = _section(page, groups[q.group_slug])
        assert f'href="/qualification/kepmenaker-3-2021/{q.short_id}?lang=en"' in group, q.short_id
        row = next(line for line in page.splitlines() if f"<code>{q.short_id}</code>" in line)
        rest = page[page.index(row) :].split("</tr>", 1)[0]
        assert f"level {q.level}</a>" in rest and f"EQF level {q.level}</a>" in rest and f"AQRF level {q.level}</a>" in rest
        assert 'class="status proposed"' in rest  # the crosswalks are the project's proposals
    assert "Jenjang Kualifikasi 5 Kelompok Asesor" in page  # the printed name beside the English one


def test_the_units_index_lists_every_printed_unit_by_standard(web: TestClient, decree: Decree) -> None:
    page = _page(web, "/unit", "id")
    codes = {row.code.code for q in decree.qualifications for row in q.rows}
    for code in codes:
        assert f"<code>{code}</code>" in page, code
    standards = {c.rsplit(".", 2)[0] for c in codes}
    for standard in standards:
        section = _section(page, f"SKKNI {standard} (sektor: " + page.split(f"SKKNI {standard} (sektor: ", 1)[1].split(")", 1)[0] + ")")
        assert all(f"<code>{c}</code>" in section for c in codes if c.startswith(standard + "."))


def test_the_levels_index_shows_each_levels_proposed_frameworks_and_qualifications(web: TestClient, decree: Decree) -> None:
    page = _page(web, "/level")
    assert 'KKNI levels <span class="count">(9)</span>' in page
    for q in decree.qualifications:
        section = page.split(f'href="/level/{q.level}?lang=en"', 1)[1].split("<section", 1)[0]
        assert q.short_id in section and f"EQF level {q.level}</a>" in section


def test_the_job_titles_index_lists_every_printed_job_title_by_level(web: TestClient, decree: Decree) -> None:
    page = _page(web, "/job-title", "id")
    for q in decree.qualifications:
        section = page.split(f'href="/level/{q.level}?lang=id"', 1)[1].split("<section", 1)[0]
        for j in q.job_roles:
            assert j.text in section, (q.short_id, j.marker)


def test_an_index_as_rdf_is_a_collection_of_its_members(web: TestClient, decree: Decree) -> None:
    for path, n in (
        ("qualification", len(decree.qualifications)),
        ("level", 9),
        ("job-title", sum(len(q.job_roles) for q in decree.qualifications)),
    ):
        r = web.get(f"/{path}", headers={"Accept": "text/turtle"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
        triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
        members = [t for t in triples if t.subject == ox.NamedNode(BASE + path) and t.predicate == ox.NamedNode(str(SKOS.member))]
        assert len(members) == n, path
    # the levels' concept scheme keeps its own description; ?format= from a browser is data too
    r = web.get("/level", headers=HTML, params={"format": "ntriples"})
    assert r.headers["content-type"].startswith("application/n-triples")
    assert f"<{BASE}level> <{SKOS.hasTopConcept}>" in r.text or f"<{SKOS.inScheme}> <{BASE}level>" in r.text
    assert web.get("/unit", headers={"Accept": "application/sparql-results+json"}).status_code == 406
    unknown = web.get("/unit", params={"format": "nonsense"})
    assert unknown.status_code == 400 and unknown.json()["error"] == "unknown format" and "turtle" in unknown.json()["available"]


def test_a_mistyped_iri_gets_a_404_offering_the_nearest(web: TestClient) -> None:
    r = web.get("/unit/N78SPS02.016.1", headers=HTML, params={"lang": "en"})
    assert r.status_code == 404 and "Did you mean:" in r.text
    assert '<a href="/unit/N.78SPS02.016.1?lang=en">' in r.text
    r = web.get("/qualification/kepmenaker-3-2021/N78SPS02-6-instruktr", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
    body = json.loads(r.text)
    assert body["suggestions"][0] == {
        "iri": BASE + "qualification/kepmenaker-3-2021/N78SPS02-6-instruktur",
        "path": "/qualification/kepmenaker-3-2021/N78SPS02-6-instruktur",
    }
    assert "message" in body and "pesan" in body


def test_nearest() -> None:
    paths = ["unit/N.78SPS02.016.1", "unit/N.78SPS02.061.1", "qualification", "level/5"]
    assert nearest(paths, "unit/n.78sps02.016.1")[0] == "unit/N.78SPS02.016.1"
    assert nearest(paths, "qualifcation") == ["qualification"]
    assert nearest(paths, "completely/different/thing") == []
