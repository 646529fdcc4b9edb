"""The index pages, the pictures, English mode and a query opened in the browser, in headless Chromium:
what a person sees, checked against the decree's text. Screenshots go to each test's tmp_path."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from kkni_rdf.decree.model import Decree
from kkni_rdf.decree.parser import parse_decree_file
from kkni_rdf.endpoint import assets
from tests.browser.conftest import Browser
from tests.browser.test_pages import NOT_FETCHED, wait
from tests.conftest import SOURCE

ASESOR_5 = "/qualification/kepmenaker-3-2021/N78SPS01-5-asesor"


def _decree() -> Decree:
    return parse_decree_file(SOURCE)


def test_the_qualifications_index_and_its_chart_by_group_and_level(browser: Browser, tmp_path: Path) -> None:
    assert assets.present(assets.VIZ), NOT_FETCHED
    d = browser.driver
    browser.get("/qualification?lang=en")
    assert d.find_element(By.TAG_NAME, "h1").text == "Qualifications (14)"  # type: ignore[attr-defined]
    # the chart: drawn as SVG by Viz.js, one linked cell per qualification, the levels' proposed EQF/AQF/AQRF levels
    chart = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#picture-chart .drawing.drawn svg")))
    hrefs = "return [...arguments[0].querySelectorAll('a')].map(a => a.getAttribute('xlink:href') || a.getAttribute('href'))"
    links = set(d.execute_script(hrefs, chart))  # type: ignore[attr-defined]
    for q in _decree().qualifications:
        assert any(f"/qualification/kepmenaker-3-2021/{q.short_id}?lang=en" in (h or "") for h in links), q.short_id
    texts = [t.text for t in chart.find_elements(By.CSS_SELECTOR, "text")]
    assert "EQF" in texts and "AQF" in texts and "AQRF" in texts and "5*" in texts  # level 5 -> 5, proposed
    assert "5* / 6*" in texts  # KKNI 5 spans AQF 5 and 6 (crosswalks/aqf.ttl), both shown
    groups = [h.text for h in d.find_elements(By.CSS_SELECTOR, "section.index-group h2")]  # type: ignore[attr-defined]
    assert groups == ["Assessors (3)", "Certification Body Managers (3)", "Instructors (4)", "Training Personnel (4)"]
    browser.screenshot(tmp_path / "qualifications.png")
    # the other indexes, one click away
    d.find_element(By.LINK_TEXT, "Units of competency").click()  # type: ignore[attr-defined]
    wait(browser).until(ec.url_contains("/unit"))
    codes = {c.text for c in d.find_elements(By.CSS_SELECTOR, "table.index code")}  # type: ignore[attr-defined]
    assert {row.code.code for q in _decree().qualifications for row in q.rows} <= codes
    d.find_element(By.LINK_TEXT, "Possible job titles").click()  # type: ignore[attr-defined]
    wait(browser).until(ec.url_contains("/job-title"))
    assert len(d.find_elements(By.CSS_SELECTOR, "table.index td.entry")) == sum(len(q.job_roles) for q in _decree().qualifications)  # type: ignore[attr-defined]
    d.find_element(By.LINK_TEXT, "KKNI levels").click()  # type: ignore[attr-defined]
    wait(browser).until(ec.url_contains("/level"))
    assert d.find_element(By.TAG_NAME, "h1").text == "KKNI levels (9)"  # type: ignore[attr-defined]
    assert browser.outside() == []


def test_a_qualifications_prerequisite_picture(browser: Browser, tmp_path: Path) -> None:
    assert assets.present(assets.VIZ), NOT_FETCHED
    q = next(x for x in _decree().qualifications if x.short_id == "N78SPS02-5-instruktur")
    browser.get(f"/qualification/kepmenaker-3-2021/{q.short_id}?lang=en")
    svg = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#picture-prerequisites .drawing.drawn svg")))
    core = {str(n.get_attribute("id")) for n in svg.find_elements(By.CSS_SELECTOR, "g.node.core")}
    elective = {str(n.get_attribute("id")) for n in svg.find_elements(By.CSS_SELECTOR, "g.node.elective")}
    assert core == {f"unit-{r.code.code}" for r in q.rows if r.role == "core"}
    assert elective == {f"unit-{r.code.code}" for r in q.rows if r.role == "elective"} - core
    # core and elective drawn apart: filled and outlined
    fills = {n.find_element(By.CSS_SELECTOR, "polygon").get_attribute("fill") for n in svg.find_elements(By.CSS_SELECTOR, "g.node.core")}
    assert fills == {"#12355b"}
    assert "white" in {
        n.find_element(By.CSS_SELECTOR, "polygon").get_attribute("fill") for n in svg.find_elements(By.CSS_SELECTOR, "g.node.elective")
    }
    # an arrow for each printed prerequisite (visible edges; rows of unlinked units are held by invisible ones)
    printed = sum(len(r.prerequisites) for r in q.rows)
    visible = [e for e in svg.find_elements(By.CSS_SELECTOR, "g.edge") if e.find_elements(By.CSS_SELECTOR, "path[stroke='black']")]
    assert printed > 0 and len(visible) == printed
    browser.screenshot(tmp_path / "prerequisites.png")
    # a node opens the unit's page
    first = sorted(core)[0]
    svg.find_element(By.CSS_SELECTOR, f"g[id='{first}'] a").click()
    wait(browser).until(ec.url_contains("/unit/" + first.removeprefix("unit-")))
    assert browser.outside() == []


def test_english_mode_reads_in_english_with_the_printed_indonesian_beside(browser: Browser, tmp_path: Path) -> None:
    d = browser.driver
    browser.get(ASESOR_5 + "?lang=en")
    main = d.find_element(By.TAG_NAME, "main").text  # type: ignore[attr-defined]
    assert "competency units to be completed" in main
    assert "Plan Assessment Activities and Processes (Merencanakan Aktivitas dan Proses Asesmen)" in main
    assert "Communication (Komunikasi)" in main and "Teamwork (Kerjasama)" in main
    assert "EQF level 5 proposed" in main and "AQRF level 5 proposed" in main
    browser.screenshot(tmp_path / "english.png")
    assert browser.outside() == []


def test_a_named_query_opens_as_a_table_and_a_mistyped_iri_offers_the_nearest(browser: Browser, tmp_path: Path) -> None:
    d = browser.driver
    browser.get("/queries/qualification-unit-table?qualification=N78SPS01-5-asesor&lang=en")
    assert d.find_element(By.TAG_NAME, "h1").text == "One qualification's unit table"  # type: ignore[attr-defined]
    rows = d.find_elements(By.CSS_SELECTOR, "table.results tbody tr")  # type: ignore[attr-defined]
    assert len(rows) == 34  # N78SPS01-5-asesor: 3 core and 31 elective rows
    assert "M.74SPS03.088.2" in rows[0].text
    downloads = [a.text for a in d.find_elements(By.CSS_SELECTOR, "p.downloads a")]  # type: ignore[attr-defined]
    assert downloads == ["CSV", "TSV", "JSON", "XML"]
    browser.screenshot(tmp_path / "named-query.png")
    browser.get("/unit/N78SPS02.016.1?lang=en")
    assert d.find_element(By.TAG_NAME, "h1").text == "Not found"  # type: ignore[attr-defined]
    d.find_element(By.CSS_SELECTOR, "ul.suggestions a").click()  # type: ignore[attr-defined]
    wait(browser).until(ec.url_contains("/unit/N.78SPS02.016.1"))
    assert d.find_element(By.TAG_NAME, "h1").text == "Design an E-Learning Platform"  # type: ignore[attr-defined]
    assert browser.outside() == []


def _run_in_yasgui(browser: Browser, query: str) -> object:
    d = browser.driver
    d.execute_script("kkniYasgui.getTab().setQuery(arguments[0])", query)  # type: ignore[attr-defined]
    active = d.find_element(By.CSS_SELECTOR, ".tabPanel.active")  # type: ignore[attr-defined]
    active.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    return active


def test_yasgui_opens_result_iris_here_and_shows_a_refusal_readably(browser: Browser, tmp_path: Path) -> None:
    assert assets.present(assets.YASGUI), NOT_FETCHED
    browser.get("/?lang=en")
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    active = _run_in_yasgui(browser, "SELECT ?level WHERE { ?level a kkni:Level } ORDER BY ?level")
    wait(browser).until(lambda _: len(active.find_elements(By.CSS_SELECTOR, ".yasr a.local")) == 9)  # type: ignore[attr-defined]
    links = active.find_elements(By.CSS_SELECTOR, ".yasr a.local")  # type: ignore[attr-defined]
    assert links[0].get_attribute("href") == browser.server.url + "/level/1" and not links[0].get_attribute("target")
    links[0].click()
    wait(browser).until(ec.url_to_be(browser.server.url + "/level/1"))
    browser.get("/?lang=en")
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    active = _run_in_yasgui(browser, "SELECT * WHERE { ?s ?p }")
    error = wait(browser).until(lambda _: active.find_element(By.CSS_SELECTOR, ".kkni-error"))  # type: ignore[attr-defined]
    assert error.find_element(By.TAG_NAME, "h3").text.endswith("malformed query")
    messages = error.find_elements(By.CSS_SELECTOR, "p.message")
    assert [m.get_attribute("lang") for m in messages] == ["en", "id"] and "syntax error" in messages[0].text
    assert "line 1, column" in error.find_element(By.CSS_SELECTOR, "p.where").text
    browser.screenshot(tmp_path / "yasgui-error.png")
    assert browser.outside() == []
