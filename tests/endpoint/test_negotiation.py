"""Where a person lands, a page; where a machine asks, the same data as before (issue 12, item 2)."""

from __future__ import annotations

import html

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
    # a query from a browser is answered as a page (test_a_query_opened_in_a_browser_is_a_table)
    r = web.get("/sparql", headers=HTML, params={"query": "ASK { ?s ?p ?o }"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html") and "<strong>true</strong>" in r.text


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


LEVELS = "SELECT ?level ?n WHERE { ?level a kkni:Level ; kkni:levelNumber ?n } ORDER BY ?n"
#: What SPARQL clients send: they get exactly what they got before the pages (no HTML, ever).
CLIENTS: tuple[dict[str, str], ...] = (
    {},
    {"Accept": "*/*"},
    {"Accept": "application/sparql-results+json"},
    {"Accept": "application/sparql-results+xml, */*;q=0.1"},
)


def test_a_query_opened_in_a_browser_is_a_table(web: TestClient) -> None:
    r = web.get("/sparql", headers=HTML, params={"query": LEVELS, "lang": "en"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    table = r.text.split('<table class="results">', 1)[1].split("</table>", 1)[0]
    assert "<th>?level</th><th>?n</th>" in table and table.count("<tr>") == 10  # the head, the nine levels
    assert '<a href="/level/1?lang=en"' in table  # IRIs open the local pages
    assert 'format=csv" download>CSV</a>' in r.text and 'format=json" download>JSON</a>' in r.text
    # CONSTRUCT: its triples as a table, the graph formats to download
    r = web.get("/sparql", headers=HTML, params={"query": "CONSTRUCT WHERE { ?l a kkni:Level }"})
    assert r.status_code == 200 and r.text.count('<a href="/level/') == 9 and 'format=turtle" download>Turtle</a>' in r.text


def test_clients_get_the_machine_formats_as_before(web: TestClient) -> None:
    for headers in CLIENTS:
        r = web.get("/sparql", headers=headers, params={"query": LEVELS})
        assert r.status_code == 200 and not r.headers["content-type"].startswith("text/html"), headers
        results = ox.parse_query_results(
            r.content, format=ox.QueryResultsFormat.XML if "xml" in r.headers["content-type"] else ox.QueryResultsFormat.JSON
        )
        assert len(list(results)) == 9  # type: ignore[arg-type]
        named = web.get("/queries/level-progression", headers=headers)
        assert named.status_code == 200 and not named.headers["content-type"].startswith("text/html"), headers
    # a browser naming a format gets that format
    r = web.get("/sparql", headers=HTML, params={"query": LEVELS, "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv") and r.text.count("\r\n") == 10


def test_a_named_query_opened_in_a_browser_is_a_table_under_its_title(web: TestClient) -> None:
    r = web.get("/queries/qualification-unit-table", headers=HTML, params={"qualification": "N78SPS01-5-asesor", "lang": "en"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<h1>One qualification&#39;s unit table</h1>" in r.text and "M.74SPS03.088.2" in r.text
    assert 'href="/queries/qualification-unit-table?qualification=N78SPS01-5-asesor&amp;lang=en&amp;format=csv"' in r.text


def test_a_bad_query_opened_in_a_browser_says_why_in_both_languages(web: TestClient) -> None:
    r = web.get("/sparql", headers=HTML, params={"query": "SELECT * WHERE { ?s ?p }", "lang": "en"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    body = web.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}).json()
    assert 'role="alert"' in r.text and body["message"] in html.unescape(r.text) and body["pesan"] in html.unescape(r.text)


def test_downloads_are_attachments_compressed_when_the_client_accepts_gzip(web: TestClient) -> None:
    plain = web.get("/download/kkni.ttl", headers={"Accept-Encoding": "identity"})
    assert plain.headers["content-disposition"] == 'attachment; filename="kkni.ttl"' and "content-encoding" not in plain.headers
    packed = web.get("/download/kkni.ttl", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["content-encoding"] == "gzip" and "accept-encoding" in packed.headers["vary"].lower()
    assert packed.content == plain.content  # (httpx decodes it)
    assert int(packed.headers["content-length"]) < len(plain.content) // 5
    assert packed.headers["etag"] != plain.headers["etag"]
    assert list(ox.parse(packed.content, format=ox.RdfFormat.TURTLE))
