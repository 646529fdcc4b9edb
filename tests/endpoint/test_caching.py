"""HTTP that caches and links well: HEAD, ETag and Last-Modified, 304s, .ttl/.jsonld IRIs, byte-stable
exports (issue 12, item 6; VoID's licence is in test_negotiation)."""

from __future__ import annotations

import os
import subprocess
import sys
from email.utils import parsedate_to_datetime

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from tests.endpoint.conftest import ASESOR_5, BASE, HTML

PATHS = [f"/{ASESOR_5}", "/unit/N.78SPS02.019.2", "/level/5", "/download/kkni.ttl", "/download/kkni.jsonld", "/findings", "/queries", "/"]


@pytest.mark.parametrize("path", PATHS)
def test_head_answers_like_get_without_a_body(web: TestClient, path: str) -> None:
    for headers in (HTML, {"Accept": "text/turtle"}):
        got, head = web.get(path, headers=headers), web.head(path, headers=headers)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b""
        for name in ("content-type", "content-length", "etag", "last-modified"):
            assert head.headers[name] == got.headers[name], (path, name)


@pytest.mark.parametrize("path", PATHS)
def test_answers_carry_validators_and_revalidate(web: TestClient, path: str) -> None:
    r = web.get(path, headers=HTML)
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    assert etag.startswith('"') and parsedate_to_datetime(modified)
    again = web.get(path, headers={**HTML, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert web.get(path, headers={**HTML, "If-Modified-Since": modified}).status_code == 304
    assert web.get(path, headers={**HTML, "If-None-Match": '"other"'}).status_code == 200
    assert web.get(path, headers={**HTML, "If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200


def test_each_representation_has_its_own_etag(web: TestClient) -> None:
    tags = {web.get(f"/{ASESOR_5}", headers={"Accept": a}).headers["etag"] for a in ("text/html", "text/turtle", "application/ld+json")}
    assert len(tags) == 3
    assert (
        web.get(f"/{ASESOR_5}", headers=HTML, params={"lang": "en"}).headers["etag"]
        != web.get(f"/{ASESOR_5}", headers=HTML).headers["etag"]
    )


def test_errors_and_queries_by_post_are_left_alone(web: TestClient) -> None:
    assert "etag" not in web.get("/no/such/thing").headers
    assert "etag" not in web.post("/sparql", data={"query": "ASK {}"}).headers


@pytest.mark.parametrize(
    ("suffix", "fmt", "media"),
    [
        (".ttl", ox.RdfFormat.TURTLE, "text/turtle"),
        (".jsonld", ox.RdfFormat.JSON_LD, "application/ld+json"),
        (".nt", ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    ],
)
def test_suffix_iris_are_the_description_in_that_format(web: TestClient, suffix: str, fmt: ox.RdfFormat, media: str) -> None:
    r = web.get(f"/{ASESOR_5}{suffix}", headers=HTML)  # even a browser gets the file it named
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    plain = web.get(f"/{ASESOR_5}", headers={"Accept": "application/n-triples"})
    expected = {q.triple for q in ox.parse(plain.content, format=ox.RdfFormat.N_TRIPLES)}
    assert {q.triple for q in ox.parse(r.content, format=fmt)} == expected
    assert ox.NamedNode(BASE + ASESOR_5) in {t.subject for t in expected}
    assert web.get(f"/unit/N.00XXX00.000.0{suffix}").status_code == 404


def test_exports_are_byte_stable_from_run_to_run(tmp_path: object) -> None:
    for target in ("jsonld", "ctdl", "elm"):
        outs = []
        for seed in ("1", "2"):  # a different hash seed: a different order of every set and dict of strings
            done = subprocess.run(
                [sys.executable, "-m", "kkni_rdf", "export", "--to", target],
                capture_output=True,
                check=True,
                env={**os.environ, "PYTHONHASHSEED": seed},
            )
            outs.append(done.stdout)
        assert outs[0] == outs[1] and len(outs[0]) > 10_000, target
