"""What a person sees in headless Chromium (issue 21): a comma list pasted into /check gets the right
verdict, with the codes read noted; "asesmen" and "assessment" typed in the box every page carries
find the assessment units, in the page's language; each result opens its page."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.conftest import Browser

WAIT = 30  # seconds at most for the page to show something (never asserted as a timing)


def wait(browser: Browser) -> WebDriverWait:  # type: ignore[type-arg]
    return WebDriverWait(browser.driver, WAIT)


def test_a_pasted_comma_list_gets_the_right_verdict(browser: Browser, tmp_path: Path) -> None:
    d = browser.driver
    browser.get("/check?lang=en")
    form = d.find_element(By.ID, "check-form")  # type: ignore[attr-defined]
    Select(form.find_element(By.NAME, "qualification")).select_by_value("N78SPS01-4-asesor")
    # as pasted from a spreadsheet (issue 21: .088.2 and .090.1 were reported missing), one code without its first dot
    form.find_element(By.NAME, "units").send_keys("M.74SPS03.088.2, M.74SPS03.090.1, M74SPS03.104.1")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    report = wait(browser).until(ec.presence_of_element_located((By.ID, "report")))
    assert report.find_element(By.CSS_SELECTOR, "h2.verdict").text == "N78SPS01-4-asesor: achieved"
    assert report.find_element(By.CSS_SELECTOR, ".missing-core").text == "—"
    assert report.find_element(By.CSS_SELECTOR, ".read-as").text == "M74SPS03.104.1 → M.74SPS03.104.1"
    browser.screenshot(tmp_path / "check-comma-list.png")
    # the report's link to the qualification opens its page
    report.find_element(By.PARTIAL_LINK_TEXT, "N78SPS01-4-asesor").click()
    wait(browser).until(lambda _: d.find_element(By.TAG_NAME, "h1").text == "Assessor, KKNI level 4")  # type: ignore[attr-defined]
    # a semicolon list in lower case, as a link (GET /check?qualification=…&units=…)
    browser.get("/check?lang=en&qualification=N78SPS01-4-asesor&units=m.74sps03.088.2%3Bm.74sps03.090.1%3Bm.74sps03.104.1")
    verdict = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#report h2.verdict")))
    assert verdict.text == "N78SPS01-4-asesor: achieved"
    assert browser.outside() == []


def search_from_the_box(browser: Browser, start: str, text: str) -> list[str]:
    d = browser.driver
    browser.get(start)
    box = d.find_element(By.CSS_SELECTOR, "header form.search-box input[name=q]")  # type: ignore[attr-defined]
    box.send_keys(text)
    box.submit()
    results = wait(browser).until(ec.presence_of_element_located((By.ID, "search-results")))
    return [li.text for li in results.find_elements(By.CSS_SELECTOR, "li.hit")]


def test_search_asesmen_and_assessment_from_the_box(browser: Browser, tmp_path: Path) -> None:
    d = browser.driver
    indonesian = search_from_the_box(browser, "/findings", "asesmen")  # Accept-Language en-US: but the decree's words match
    assert indonesian and "M.74SPS03.090.1" in indonesian[0]
    english = search_from_the_box(browser, "/check?lang=en", "assessment")
    assert "M.74SPS03.090.1 Conduct Assessment" in english[0] and "(Melaksanakan Asesmen)" in english[0]  # the printed title beside ours
    assert d.current_url.endswith("/search?lang=en&q=assessment")  # type: ignore[attr-defined]  # the box keeps the page's language
    browser.screenshot(tmp_path / "search.png")
    # Indonesian: the printed title first
    browser.get("/search?lang=id&q=asesmen")
    first = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#search-results li.hit a")))
    assert first.text == "M.74SPS03.090.1 Melaksanakan Asesmen"
    first.click()  # the result opens the unit's page
    wait(browser).until(ec.url_contains("/unit/M.74SPS03.090.1"))
    assert "Melaksanakan Asesmen" in d.find_element(By.TAG_NAME, "main").text  # type: ignore[attr-defined]
    # a typo still finds it
    assert "M.74SPS03.090.1" in search_from_the_box(browser, "/?lang=en", "asesmn")[0]
    assert browser.outside() == []
