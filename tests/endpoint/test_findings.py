"""The validation findings online: /findings, each finding's page, each qualification's findings (issue 12, item 3)."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef

from kkni_rdf.namespaces import KSH, SH
from kkni_rdf.resources import resource
from tests.endpoint.conftest import ASESOR_5, BASE, HTML


def report() -> Graph:
    """The decree's report as written by `kkni build` (read with rdflib, not through the endpoint)."""
    return Graph().parse(resource("data") / "findings" / "kepmenaker-3-2021.ttl", format="turtle")


def test_findings_page_lists_every_finding_with_its_message(web: TestClient) -> None:
    g = report()
    results = set(g.subjects(SH.resultSeverity, None))
    page = web.get("/findings", headers=HTML, params={"lang": "en"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.text.count('<tr class="finding">') == len(results) == 91
    assert "0 violations, 79 warnings, 12 infos" in page.text
    for r in list(results)[:10]:  # each links to its own page, with its message
        en = next(str(m) for m in g.objects(r, SH.resultMessage) if isinstance(m, Literal) and m.language == "en")
        assert f'href="/{str(r)[len(BASE) :]}?lang=en">' in page.text
        assert en in html.unescape(page.text)


def test_findings_filter_by_qualification_rule_and_severity(web: TestClient) -> None:
    g = report()

    def expected(q: str | None = None, rule: str | None = None, severity: URIRef | None = None) -> int:
        return sum(
            1
            for r in g.subjects(SH.resultSeverity, None)
            if (q is None or g.value(r, KSH.qualification) == URIRef(BASE + q))
            and (rule is None or str(g.value(r, KSH.ruleId)) == rule)
            and (severity is None or g.value(r, SH.resultSeverity) == severity)
        )

    cases = [
        ({"qualification": "N78SPS01-5-asesor"}, expected(q=ASESOR_5)),
        ({"qualification": BASE + ASESOR_5}, expected(q=ASESOR_5)),
        ({"rule": "codification.ambiguous"}, expected(rule="codification.ambiguous")),
        ({"severity": "info"}, expected(severity=SH.Info)),
        ({"severity": "warning", "rule": "unit.versions"}, expected(rule="unit.versions", severity=SH.Warning)),
    ]
    for params, n in cases:
        assert n > 0, params
        page = web.get("/findings", headers=HTML, params=params)
        assert page.text.count('<tr class="finding">') == n, params
        data = web.get("/findings", params=params).json()
        assert len(data["findings"]) == n and sum(data["counts"].values()) == n, params


def test_findings_link_to_the_rows_and_units_concerned(web: TestClient) -> None:
    page = web.get("/findings", headers=HTML, params={"rule": "prerequisite.not-listed"}).text
    rows = re.findall(r'class="row" href="/(qualification/[^"]+/(?:core|elective)/\d+[^"]*)"', page)
    units = re.findall(r'href="/(unit/[^"]+)"', page)
    assert rows and units
    for path in rows[:3] + units[:3]:
        assert web.get("/" + path, headers=HTML).status_code == 200


def test_a_findings_page_gives_the_message_in_both_languages(web: TestClient) -> None:
    g = report()
    r = next(iter(g.subjects(KSH.ruleId, None)))
    messages = {m.language: str(m) for m in g.objects(r, SH.resultMessage) if isinstance(m, Literal)}
    page = web.get("/" + str(r)[len(BASE) :], headers=HTML).text
    for lang in ("id", "en"):
        assert f'<p class="message" lang="{lang}">' in page
        assert messages[lang] in html.unescape(page)
    assert str(g.value(r, KSH.ruleId)) in page


def test_a_qualification_page_lists_its_findings_with_messages(web: TestClient) -> None:
    g = report()
    mine = [r for r in g.subjects(KSH.qualification, URIRef(BASE + ASESOR_5))]
    assert mine
    page = web.get(f"/{ASESOR_5}", headers=HTML, params={"lang": "en"}).text
    section = page.split("<h2>Findings (", 1)[1].split("</section>", 1)[0]
    assert section.startswith(f"{len(mine)})")
    for r in mine:
        en = next(str(m) for m in g.objects(r, SH.resultMessage) if isinstance(m, Literal) and m.language == "en")
        assert en in html.unescape(section)


def test_the_findings_graph_page_summarises_the_report(web: TestClient) -> None:
    page = web.get("/graph/findings/kepmenaker-3-2021", headers=HTML, params={"lang": "en"}).text
    assert "0 violations, 79 warnings, 12 infos" in page.replace("\n", " ") and 'href="/findings?lang=en"' in page
