"""/search over HTTP (issue 21, item 3): JSON for machines, a page for browsers, a box on every page,
links to pages this endpoint serves, and mistakes answered in both languages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kkni_rdf.endpoint.app import EndpointConfig, create_app
from tests.endpoint.conftest import HTML

OTHER_BASE = "https://example.org/kkni/"


def test_json_results_ranked_with_links(web: TestClient) -> None:
    r = web.get("/search", params={"q": "assessment", "limit": "5"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json") and "Accept" in r.headers["vary"]
    body = r.json()
    assert body["query"] == "assessment" and body["count"] == len(body["results"]) == 5
    first = body["results"][0]
    assert first["kind"] == "unit" and first["title"] == {"en": "Conduct Assessment", "id": "Melaksanakan Asesmen"}
    assert first["href"] == "/unit/" + first["code"] and [x["score"] for x in body["results"]] == sorted(
        (x["score"] for x in body["results"]), reverse=True
    )
    assert web.get(first["href"], headers={"Accept": "text/turtle"}).status_code == 200
    units = web.get("/search", params={"q": "asesmen", "kind": "unit,job-title"}).json()["results"]
    assert units and {x["kind"] for x in units} <= {"unit", "job-title"}
    assert (
        web.get("/search", params={"q": "asesmen", "format": "json"}, headers=HTML).headers["content-type"].startswith("application/json")
    )


def test_the_page_lists_results_in_the_chosen_language(web: TestClient) -> None:
    r = web.get("/search", params={"q": "asesmen", "lang": "en"}, headers=HTML)
    assert r.status_code == 200 and 'id="search-results"' in r.text
    assert '<a href="/unit/M.74SPS03.090.1?lang=en"><code>M.74SPS03.090.1</code> Conduct Assessment</a>' in r.text
    assert '<span class="other" lang="id">(Melaksanakan Asesmen)</span>' in r.text and 'value="asesmen"' in r.text
    r = web.get("/search", params={"q": "assessment"}, headers={**HTML, "Accept-Language": "id"})
    assert "<code>M.74SPS03.090.1</code> Melaksanakan Asesmen</a>" in r.text and "hasil untuk" in r.text
    # every link of the results leads to a page this endpoint serves
    results = r.text[r.text.index('id="search-results"') :]
    links = set(re.findall(r'href="(/[^"]+)"', results.split("</ol>", 1)[0]))
    assert links and all(web.get(link, headers=HTML).status_code == 200 for link in links)
    empty = web.get("/search", headers=HTML)
    assert empty.status_code == 200 and 'id="search-q"' in empty.text and 'id="search-results"' not in empty.text


@pytest.mark.parametrize("path", ["/", "/findings", "/check", "/queries", "/search", "/unit/M.74SPS03.090.1", "/nothing/here"])
def test_a_search_box_on_every_page(web: TestClient, path: str) -> None:
    r = web.get(path, params={"lang": "en"}, headers=HTML)
    assert '<form class="search-box" action="/search" method="get" role="search"><input type="hidden" name="lang" value="en">' in r.text, (
        path
    )


@pytest.mark.parametrize(
    ("params", "parameter", "message", "pesan"),
    [
        ({}, "q", "Say what to search", "Sebutkan apa yang dicari"),
        (
            {"q": "x", "limit": "0"},
            "limit",
            "limit must be a whole number from 1 to 100, not '0'",
            "limit harus bilangan bulat dari 1 sampai 100",
        ),
        ({"q": "x", "limit": "many"}, "limit", "not 'many'", "bukan 'many'"),
        ({"q": "x", "kind": "course"}, "kind", "No kind 'course'", "Jenis 'course' tidak ada"),
        ({"q": "a" * 201}, "q", "201 characters long; at most 200", "sepanjang 201 karakter"),
        ({"q": "x", "format": "xml"}, "format", "format is html or json, not 'xml'", "format adalah html atau json"),
    ],
)
def test_mistakes_are_400_in_both_languages(web: TestClient, params: dict[str, str], parameter: str, message: str, pesan: str) -> None:
    r = web.get("/search", params=params)
    body = r.json()
    assert r.status_code == 400 and body["parameter"] == parameter and message in body["message"] and pesan in body["pesan"]
    if params and "format" not in params:  # a browser reads the message on the page, in its language
        page = web.get("/search", params={**params, "lang": "id"}, headers=HTML)
        assert page.status_code == 400 and 'id="search-error"' in page.text and pesan in page.text.replace("&#39;", "'")


def test_results_link_under_the_served_base() -> None:
    with TestClient(create_app(EndpointConfig(base=OTHER_BASE, workers=1))) as other:
        first = other.get("/search", params={"q": "M.74SPS03.090.1"}).json()["results"][0]
        assert first["iri"] == OTHER_BASE + "unit/M.74SPS03.090.1" and first["href"] == "/unit/M.74SPS03.090.1"
        assert other.get(first["href"], headers={"Accept": "application/n-triples"}).text.count(f"<{OTHER_BASE}unit/M.74SPS03.090.1>") > 0
