"""Linked-data pages, the named queries, the downloads' neighbours and the query editor."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from kkni_rdf.endpoint.pages import resolve_path
from kkni_rdf.endpoint.served import ServedStore
from kkni_rdf.resources import query_files
from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.protocol import construct, select

BASE = "https://w3id.org/kkni/"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "Accept-Language": "en-US,en;q=0.9"}
ASESOR_5 = "qualification/kepmenaker-3-2021/N78SPS01-5-asesor"


@pytest.mark.parametrize(
    "path",
    [ASESOR_5, "unit/N.78SPS02.019.2", "act/kepmenaker-3-2021", "level/5", "group/asesor", "graph/kepmenaker-3-2021"],
)
def test_pages_for_browsers_and_rdf_for_machines(client: TestClient, store: KkniStore, path: str) -> None:
    page = client.get(f"/{path}", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert BASE + path in page.text
    r = client.get(f"/{path}", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    assert triples
    r = client.get(f"/{path}", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    assert {q.triple for q in ox.parse(r.content, format=ox.RdfFormat.JSON_LD)} == {q.triple for q in triples}


def test_resource_description_is_the_resources_cbd(client: TestClient, store: KkniStore) -> None:
    r = client.get("/unit/N.78SPS02.019.2", params={"format": "ntriples"})
    got = {q.triple for q in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)}
    assert got == set(construct(store, f"DESCRIBE <{BASE}unit/N.78SPS02.019.2>"))
    assert all(t.subject == ox.NamedNode(BASE + "unit/N.78SPS02.019.2") for t in got if isinstance(t.subject, ox.NamedNode))


def test_qualification_page_shows_rule_and_units_with_prerequisites(client: TestClient, store: KkniStore) -> None:
    text = client.get(f"/{ASESOR_5}", headers=HTML).text
    labels = {lab.language: lab.value for lab in (s["l"] for s in select(store, f"SELECT ?l WHERE {{ <{BASE}{ASESOR_5}> rdfs:label ?l }}"))}
    assert {"id", "en"} <= set(labels)
    for lang in ("id", "en"):
        assert labels[lang] in text.replace("&#x27;", "'")
    rule = next(iter(select(store, f"SELECT ?t WHERE {{ <{BASE}{ASESOR_5}> kkni:packagingRule/kkni:text ?t }}")))["t"].value
    assert rule in text  # "13 (tiga belas) unit kompetensi harus diselesaikan/dipenuhi, …" as printed
    assert "Core units" in text and "Elective units" in text
    # every unit of the table links to its page; a prerequisite printed in a row links to the unit it names
    rows = select(
        store,
        f"SELECT ?unit ?pre WHERE {{ <{BASE}{ASESOR_5}> kkni:hasListing ?l . ?l kkni:unit ?unit . OPTIONAL {{ ?l kkni:hasPrerequisite/kkni:requiredUnit ?pre }} }}",
    )
    units, prereqs = set(), set()
    for row in rows:
        units.add(row["unit"].value)
        if row["pre"] is not None:
            prereqs.add(row["pre"].value)
    assert prereqs  # the decree prints prerequisites in this table (e.g. N.78SPS02.028.2 needs N.78SPS02.019.2)
    for iri in units | prereqs:
        assert f'href="/{iri[len(BASE) :]}"' in text


def test_links_in_pages_are_local(client: TestClient) -> None:
    text = client.get("/level/5", headers=HTML).text
    hrefs = re.findall(r'href="([^"]+)"', text)
    assert not [h for h in hrefs if h.startswith(BASE)]
    assert "/ontology#levelNumber" in hrefs


def test_unknown_iris_are_404(client: TestClient) -> None:
    r = client.get("/unit/N.00XXX00.000.0")
    assert r.status_code == 404 and r.json()["error"] == "not found"
    r = client.get("/no/such/thing", headers=HTML)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")


def test_resource_406_for_a_format_it_cannot_give(client: TestClient) -> None:
    r = client.get("/level/5", headers={"Accept": "image/png"})
    assert r.status_code == 406


def test_every_iri_of_the_graph_dereferences(store: KkniStore, served: ServedStore) -> None:
    rows = select(
        store, f'SELECT DISTINCT ?x WHERE {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }} FILTER (isIRI(?x) && STRSTARTS(STR(?x), "{BASE}")) }}'
    )
    iris = [r["x"].value for r in rows]
    assert len(iris) > 1000
    for iri in iris:
        path = iri[len(BASE) :].split("#", 1)[0]  # a browser sends no fragment: ontology terms resolve to /ontology
        assert resolve_path(served, path) is not None, iri


def test_ontology_route(client: TestClient, store: KkniStore) -> None:
    r = client.get("/ontology", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    r = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    got = {q.triple for q in ox.parse(r.content, format=ox.RdfFormat.TURTLE)}
    assert (
        ox.Triple(
            ox.NamedNode(BASE + "ontology#Qualification"),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("http://www.w3.org/2002/07/owl#Class"),
        )
        in got
    )


def test_named_queries_are_listed_with_their_headers(client: TestClient) -> None:
    listed = client.get("/queries").json()
    assert [q["name"] for q in listed] == [p.stem for p in query_files()]
    for q in listed:
        assert q["title"] and q["title"] != q["name"], q["name"]  # every file has a `# title:` line
        assert q["url"] == f"/queries/{q['name']}"
    prereq = next(q for q in listed if q["name"] == "prerequisites")
    assert prereq["title"] == "Every printed prerequisite"
    assert set(prereq["variables"]) == {"qualification", "unitCode", "requiredUnitCode"}


@pytest.mark.parametrize("path", query_files(), ids=lambda p: p.stem)
def test_each_named_query_runs_like_kkni_query(client: TestClient, store: KkniStore, path: Path) -> None:
    name = path.stem
    r = client.get(f"/queries/{name}", params={"format": "tsv"})
    assert r.status_code == 200, r.text
    expected = store.query(path.read_text(encoding="utf-8"))
    if isinstance(expected, ox.QuerySolutions):
        assert r.text.count("\n") - 1 == len(list(expected))


def test_named_query_negotiation_and_404(client: TestClient) -> None:
    r = client.get("/queries/qualifications", headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert client.get("/queries/no-such-query").status_code == 404
    assert client.get("/queries/..%2Fpyproject").status_code == 404


def test_editor_is_self_contained(client: TestClient, tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KKNI_VENDOR_DIR", str(tmp_path))  # YASGUI not fetched: the project's own editor (test_workbench.py for YASGUI)
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<textarea" in r.text and 'data-base="https://w3id.org/kkni/"' in r.text
    # no third-party code: every script and stylesheet comes from this server
    live = re.sub(r"<!--.*?-->", "", r.text, flags=re.S)  # the YASGUI hook is a comment: off
    assert re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?:)?//', live) == []
    js = client.get("/assets/editor.js")
    assert js.status_code == 200 and 'fetch("/queries")' in js.text and "/sparql" in js.text
    assert client.get("/assets/style.css").status_code == 200
