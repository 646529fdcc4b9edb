"""Where a person lands, a page; where a machine asks, the same data as before (issue 12, item 2)."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi.testclient import TestClient

from kkni_rdf.resources import query_files
from tests.endpoint.conftest import HTML


def test_service_description_is_a_page_for_browsers_and_rdf_for_machines(web: TestClient) -> None:
    page = web.get("/sparql", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "http://testserver/sparql" in page.text and "graph/kepmenaker-3-2021" in page.text
    assert "application/sparql-results+json" in page.text  # the formats it answers in
    for headers, params in (({}, {}), ({"Accept": "text/turtle"}, {}), (HTML, {"format": "turtle"})):
        r = web.get("/sparql", headers=headers, params=params)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle"), (headers, params)
        assert list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    # a query from a browser is still a query
    r = web.get("/sparql", headers=HTML, params={"query": "ASK { ?s ?p ?o }"})
    assert r.status_code == 200 and not r.headers["content-type"].startswith("text/html") and b"true" in r.content


def test_void_is_a_page_for_browsers_and_says_its_licence(web: TestClient) -> None:
    page = web.get("/.well-known/void", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in page.text and "kkni.ttl" in page.text
    r = web.get("/.well-known/void", headers={"Accept": "text/turtle"})
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    licence = [t.object for t in triples if t.predicate.value == "http://purl.org/dc/terms/license"]
    assert licence == [ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")]


def test_named_queries_are_a_gallery_for_browsers_and_json_for_machines(web: TestClient) -> None:
    page = web.get("/queries", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    names = [p.stem for p in query_files()]
    assert page.text.count('<article class="example"') == len(names) == 27
    for name in names:  # title, question, open in the editor, run
        assert f'data-name="{name}"' in page.text and f'href="/queries/{name}?format=csv"' in page.text
    assert page.text.count('class="open" href="/#query=') == len(names)
    listed = web.get("/queries").json()  # a machine (no Accept, or JSON) gets the list as before
    assert [q["name"] for q in listed] == names
    assert web.get("/queries", headers={"Accept": "application/json"}).json() == listed


def test_pages_link_to_each_other_and_to_their_data(web: TestClient) -> None:
    for path in ("/sparql", "/.well-known/void", "/queries", "/findings", "/"):
        text = web.get(path, headers=HTML).text
        for link in ('href="/findings"', 'href="/queries"', 'href="/sparql"', 'href="/docs"'):
            assert link in text, (path, link)
