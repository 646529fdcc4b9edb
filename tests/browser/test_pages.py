"""What a person sees, in headless Chromium: the workbench runs a gallery query, the findings and a
qualification page show their content, /docs is Swagger UI, and nothing is requested from other
servers. Each test saves a screenshot of what it checked in its tmp_path (pytest --basetemp=DIR keeps them)."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from kkni_rdf.endpoint import assets
from kkni_rdf.resources import resource
from tests.browser.conftest import Browser

WAIT = 30  # seconds at most for the page to show something (never asserted as a timing)
NOT_FETCHED = "the front-end assets were not fetched: run `make setup`"


def wait(browser: Browser) -> WebDriverWait:  # type: ignore[type-arg]
    return WebDriverWait(browser.driver, WAIT)


def test_yasgui_runs_a_gallery_query_and_shows_its_rows(browser: Browser, tmp_path: Path) -> None:
    assert assets.present(assets.YASGUI), NOT_FETCHED
    d = browser.driver
    browser.get("/")
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    assert d.execute_script("return typeof Yasgui") == "function"  # type: ignore[attr-defined]
    # the gallery: one example per query file, with title, question and "open in editor"
    d.find_element(By.ID, "examples-open").click()  # type: ignore[attr-defined]
    gallery = wait(browser).until(ec.visibility_of_element_located((By.ID, "gallery")))
    examples = gallery.find_elements(By.CSS_SELECTOR, ".example")
    assert len(examples) == len(list(resource("queries").glob("*.rq")))
    gallery.find_element(By.ID, "gallery-filter").send_keys("one qualification's unit table")
    shown = [e for e in examples if e.is_displayed()]
    assert [e.get_attribute("data-name") for e in shown] == ["qualification-unit-table"]
    assert "row by row" in shown[0].find_element(By.CSS_SELECTOR, ".question").text
    shown[0].find_element(By.CSS_SELECTOR, "a.open").click()
    wait(browser).until(ec.invisibility_of_element_located((By.ID, "gallery")))
    # a new tab, named after the example, holding its query; run it with YASQE's button
    active = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".tabPanel.active")))
    assert "One qualification's unit table" in d.find_element(By.CSS_SELECTOR, ".tabsList .tab.active").text  # type: ignore[attr-defined]
    assert 'VALUES ?id { "N78SPS02-3-instruktur" }' in d.execute_script("return kkniYasgui.getTab().getQuery()")  # type: ignore[attr-defined]
    active.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait(browser).until(lambda _: len(active.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")) > 1)
    rows = active.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")
    cells = [[c.text for c in r.find_elements(By.TAG_NAME, "td")] for r in rows]
    assert len(rows) == 11  # the table of N78SPS02-3-instruktur: 5 core and 6 elective rows
    assert any("N.78SPS02.011.1" in c for c in cells[0]) and any("Mengidentifikasi Standar Kompetensi" in c for c in cells[0])
    browser.screenshot(tmp_path / "workbench.png")
    # completion of the project's prefixes and the ontology's terms, from this server
    assert d.execute_script("return Yasgui.Yasqe.defaults.autocompleters") == ["kkni-prefixes", "variables", "kkni-class", "kkni-property"]  # type: ignore[attr-defined]
    assert browser.outside() == []


def test_findings_filter_in_the_page(browser: Browser, tmp_path: Path) -> None:
    d = browser.driver
    browser.get("/findings?lang=en")
    assert d.find_element(By.TAG_NAME, "h1").text.startswith("Findings")  # type: ignore[attr-defined]
    assert len(d.find_elements(By.CSS_SELECTOR, "tr.finding")) == 91  # type: ignore[attr-defined]
    Select(d.find_element(By.NAME, "severity")).select_by_visible_text("info")  # type: ignore[attr-defined]
    d.find_element(By.CSS_SELECTOR, "form.filter button").click()  # type: ignore[attr-defined]
    wait(browser).until(ec.url_contains("severity=info"))
    rows = d.find_elements(By.CSS_SELECTOR, "tr.finding")  # type: ignore[attr-defined]
    assert len(rows) == 12 and all(r.find_element(By.TAG_NAME, "td").text == "info" for r in rows)
    assert "0 violations, 0 warnings, 12 infos" in d.find_element(By.ID, "counts").text  # type: ignore[attr-defined]
    browser.screenshot(tmp_path / "findings.png")
    rows[0].find_element(By.CSS_SELECTOR, "a.message").click()  # a finding's own page: its message in both languages
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".finding-detail")))
    assert {p.get_attribute("lang") for p in d.find_elements(By.CSS_SELECTOR, ".finding-detail p.message")} == {"id", "en"}  # type: ignore[attr-defined]
    assert browser.outside() == []


def test_a_qualification_page_reads_as_the_decree_prints_it(browser: Browser, tmp_path: Path) -> None:
    d = browser.driver
    browser.get("/qualification/kepmenaker-3-2021/N78SPS01-5-asesor?lang=en")
    assert d.find_element(By.TAG_NAME, "h1").text == "Assessor, KKNI level 5"  # type: ignore[attr-defined]
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"  # type: ignore[attr-defined]
    text = d.find_element(By.TAG_NAME, "main").text  # type: ignore[attr-defined]
    for heading in ("Packaging rule", "Core units (3)", "Elective units (31)", "Work attitudes", "General attitudes", "Findings ("):
        assert heading in text, heading
    assert "Bertaqwa kepada Tuhan Yang Maha Esa" in text  # a general attitude, by its text
    assert len(d.find_elements(By.CSS_SELECTOR, "table.findings tr.finding")) >= 1  # type: ignore[attr-defined]
    browser.screenshot(tmp_path / "qualification.png")
    d.find_element(By.CSS_SELECTOR, "a.switch").click()  # type: ignore[attr-defined]
    wait(browser).until(lambda _: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "id")  # type: ignore[attr-defined]
    assert d.find_element(By.TAG_NAME, "h1").text == "Jenjang Kualifikasi 5 Kelompok Asesor"  # type: ignore[attr-defined]
    assert browser.outside() == []


def test_docs_is_swagger_ui_served_from_here(browser: Browser, tmp_path: Path) -> None:
    assert assets.present(assets.SWAGGER_UI), NOT_FETCHED
    d = browser.driver
    browser.get("/docs")
    wait(browser).until(lambda _: len(d.find_elements(By.CSS_SELECTOR, ".opblock")) > 20)  # type: ignore[attr-defined]
    paths = {e.text for e in d.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}  # type: ignore[attr-defined]
    assert {"/sparql", "/findings", "/check", "/queries/qualification-unit-table"} <= paths
    browser.screenshot(tmp_path / "docs.png")
    assert browser.outside() == []


def test_without_the_assets_the_fallback_editor_runs_queries(bare_browser: Browser, tmp_path: Path) -> None:
    d = bare_browser.driver
    bare_browser.get("/")
    editor = d.find_element(By.ID, "query")  # type: ignore[attr-defined]
    assert d.execute_script("return typeof Yasgui") == "undefined"  # type: ignore[attr-defined]
    d.find_element(By.ID, "run").click()  # type: ignore[attr-defined]
    wait(bare_browser).until(lambda _: len(d.find_elements(By.CSS_SELECTOR, "#results tbody tr")) > 0)  # type: ignore[attr-defined]
    assert len(d.find_elements(By.CSS_SELECTOR, "#results tbody tr")) == 14  # type: ignore[attr-defined]
    # a SELECT is offered as tables, never as Turtle (which would answer 406)
    offered = [a.text for a in d.find_elements(By.CSS_SELECTOR, "#as a")]  # type: ignore[attr-defined]
    assert offered == ["CSV", "TSV", "JSON", "XML"]
    editor.clear()
    editor.send_keys("CONSTRUCT { ?s a kkni:Level } WHERE { ?s a kkni:Level }")
    offered = [a.text for a in d.find_elements(By.CSS_SELECTOR, "#as a")]  # type: ignore[attr-defined]
    assert offered == ["Turtle", "JSON-LD", "N-Triples", "RDF/XML"]
    bare_browser.screenshot(tmp_path / "fallback.png")
    bare_browser.get("/docs")  # and /docs lists the operations
    assert "/sparql" in d.find_element(By.CSS_SELECTOR, "table.operations").text  # type: ignore[attr-defined]
    assert bare_browser.outside() == []


def test_a_certification_body_checks_a_record_by_uploading_it(browser: Browser, tmp_path: Path) -> None:
    d = browser.driver
    browser.get("/check?lang=en")
    form = d.find_element(By.ID, "check-form")  # type: ignore[attr-defined]
    form.find_element(By.NAME, "record").send_keys(str(resource("data") / "examples" / "record-instruktur-3-incomplete.jsonld"))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    report = wait(browser).until(ec.presence_of_element_located((By.ID, "report")))
    assert "N78SPS02-3-instruktur: not achieved" in report.find_element(By.CSS_SELECTOR, "h2.verdict").text
    assert report.find_element(By.CSS_SELECTOR, ".missing-core").text  # the core units still missing, by code
    browser.screenshot(tmp_path / "check.png")
    assert browser.outside() == []
