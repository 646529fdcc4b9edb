"""Checks over HTTP: POST /check returns kkni check's report (issue 12, item 5); over a real socket too;
and always against the data the endpoint serves: under its --base, from its --store."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from kkni_rdf.checks.candidate import read_input, run_check
from kkni_rdf.checks.catalogue import Catalogue, catalogue_from_store
from kkni_rdf.cli import main
from kkni_rdf.endpoint.app import EndpointConfig, create_app
from kkni_rdf.namespaces import DEFAULT_BASE
from kkni_rdf.resources import resource
from kkni_rdf.store.embedded import KkniStore
from tests.endpoint.conftest import HTML
from tests.helpers import free_port, serving

EXAMPLES = resource("data") / "examples"
TYPES = {".ttl": "text/turtle", ".jsonld": "application/ld+json", ".csv": "text/csv", ".json": "application/json"}


@pytest.fixture(scope="module")
def catalogue(store: KkniStore) -> Catalogue:
    """The qualifications `kkni check` checks against: those of the embedded store."""
    return catalogue_from_store(store)


def cli_report(catalogue: Catalogue, path: Path, qualification: str | None = None) -> dict[str, object]:
    """What `kkni check --file PATH --format json` prints."""
    return run_check(catalogue, qualification, read_input(path)).as_dict()


@pytest.mark.parametrize(
    ("name", "qualification"),
    [
        ("record-asesor-4-achieved.ttl", None),
        ("record-instruktur-3-incomplete.jsonld", None),
        ("record-instruktur-3-incomplete.json", "N78SPS02-3-instruktur"),
        ("program-tenaga-pelatihan-3.csv", "N78SPS01-3-tenaga-pelatihan"),
    ],
)
def test_post_check_gives_the_report_of_kkni_check(web: TestClient, catalogue: Catalogue, name: str, qualification: str | None) -> None:
    path = EXAMPLES / name
    params = {"qualification": qualification} if qualification else {}
    r = web.post("/check", content=path.read_bytes(), headers={"Content-Type": TYPES[path.suffix]}, params=params)
    assert r.status_code == 200, r.text
    assert r.json() == cli_report(catalogue, path, qualification)


def test_a_program_is_checked_as_a_program(web: TestClient) -> None:
    path = EXAMPLES / "program-tenaga-pelatihan-3.csv"
    r = web.post(
        "/check",
        content=path.read_bytes(),
        headers={"Content-Type": "text/csv"},
        params={"qualification": "N78SPS01-3-tenaga-pelatihan", "program": "true"},
    )
    body = r.json()
    assert body["kind"] == "program" and "completable" in body


def test_unreadable_records_are_400_with_line_and_column(web: TestClient) -> None:
    r = web.post(
        "/check",
        content=b"@prefix kkni: <https://w3id.org/kkni/ontology#> .\n<urn:x> a kkni:CandidateRecord ;\n  kkni:holdsUnit <urn:y> <urn:z> .\n",
        headers={"Content-Type": "text/turtle"},
    )
    assert r.status_code == 400
    body = r.json()
    assert body["error"] == "bad input" and body["line"] == 3 and body["column"] and body["pesan"]
    assert "/tmp" not in body["message"] and "kkni-check-" not in body["message"]
    r = web.post(
        "/check",
        content=b'["N.78SPS02.011.1",',
        headers={"Content-Type": "application/json"},
        params={"qualification": "N78SPS02-3-instruktur"},
    )
    assert r.status_code == 400 and r.json()["line"] == 1
    r = web.post("/check", content=b"N.78SPS02.011.1", headers={"Content-Type": "text/plain"}, params={"qualification": "N78SPS01"})
    assert r.status_code == 400 and "names 10 qualifications" in r.json()["message"]


def test_limits_and_media_types(web: TestClient) -> None:
    deep = b'{"@context": {}, "x": ' + b"[" * 100 + b"]" * 100 + b"}"
    r = web.post("/check", content=deep, headers={"Content-Type": "application/ld+json"})
    assert r.status_code == 400 and "deeper" in r.json()["message"]
    big = b"N.78SPS02.011.1\n" * 20_000
    r = web.post("/check", content=big, headers={"Content-Type": "text/plain"}, params={"qualification": "N78SPS02-3-instruktur"})
    assert r.status_code == 413 and r.json()["limit"] == 256 * 1024
    assert web.post("/check", content=b"x", headers={"Content-Type": "image/png"}).status_code == 415


def test_the_form_on_the_page_uploads_a_record(web: TestClient) -> None:
    form = web.get("/check", headers=HTML)
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text and form.text.count('<option value="N78') == 14
    path = EXAMPLES / "record-asesor-4-achieved.ttl"
    r = web.post(
        "/check",
        files={"record": (path.name, path.read_bytes(), "text/turtle")},
        data={"qualification": ""},
        headers={**HTML, "Accept-Language": "en"},
    )
    assert r.status_code == 200 and 'class="verdict ok"' in r.text and "achieved" in r.text
    r = web.post(
        "/check",
        data={"qualification": "N78SPS01-4-asesor", "units": "M.74SPS03.088.2\nm.74sps03.090.1"},
        headers={**HTML, "Accept-Language": "en"},
    )
    assert (
        r.status_code == 200
        and 'class="verdict not-ok"' in r.text
        and "m.74sps03.090.1" in r.text
        and 'href="/unit/M.74SPS03.090.1"' in r.text
    )


@pytest.fixture(scope="module")
def live() -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with serving(
        [sys.executable, "-m", "kkni_rdf", "serve", "--port", str(port), "--workers", "1"], url + "/healthz", cwd=Path(__file__).parent
    ):
        yield url


@pytest.mark.e2e
def test_post_check_over_a_real_socket(live: str, catalogue: Catalogue) -> None:
    path = EXAMPLES / "record-instruktur-3-incomplete.jsonld"
    request = urllib.request.Request(
        live + "/check", data=path.read_bytes(), headers={"Content-Type": "application/ld+json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.status == 200 and r.headers["content-type"].startswith("application/json")
        assert json.load(r) == cli_report(catalogue, path)
    # a form upload, as the page sends it
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="record"; filename="record.ttl"\r\nContent-Type: text/turtle\r\n\r\n'.encode()
        + (EXAMPLES / "record-asesor-4-achieved.ttl").read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        live + "/check?format=json", data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as r:
        assert json.load(r)["achieved"] is True
    request = urllib.request.Request(live + "/check", data=b"<urn:x> <urn:y> .", headers={"Content-Type": "text/turtle"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=30)
    assert err.value.code == 400 and json.load(err.value)["line"] == 1


def test_cli_check_file_needs_no_qualification(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kkni_rdf", "check", "--file", str(EXAMPLES / "record-asesor-4-achieved.ttl")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "N78SPS01-4-asesor: ACHIEVED" in done.stdout, done.stderr


# --------------------------------------------------------------------------- against the data served

OTHER_BASE = "https://example.org/kkni/"
ASESOR_4 = "qualification/kepmenaker-3-2021/N78SPS01-4-asesor"
ASESOR_5 = "qualification/kepmenaker-3-2021/N78SPS01-5-asesor"
ACHIEVED = EXAMPLES / "record-asesor-4-achieved.ttl"  # N78SPS01-4-asesor: 2 core + 1 elective, achieved


def post_check(url: str, body: bytes, media: str, **params: str) -> httpx.Response:
    return httpx.post(url + "/check", content=body, headers={"Content-Type": media}, params=params, timeout=30)


def test_an_endpoint_under_another_base_checks_against_its_own_store(web: TestClient) -> None:
    """Two endpoints in one process, each with its own store: nothing the check reads is kept outside its Endpoint."""
    with TestClient(create_app(EndpointConfig(base=OTHER_BASE, workers=1))) as other:
        codes = "\n".join(read_input(ACHIEVED).codes).encode()
        here = web.post("/check", content=codes, headers={"Content-Type": "text/plain"}, params={"qualification": "N78SPS01-4-asesor"})
        there = other.post("/check", content=codes, headers={"Content-Type": "text/plain"}, params={"qualification": "N78SPS01-4-asesor"})
        assert here.status_code == there.status_code == 200
        assert here.json()["qualification"] == DEFAULT_BASE + ASESOR_4 and there.json()["qualification"] == OTHER_BASE + ASESOR_4
        assert {**there.json(), "qualification": None} == {**here.json(), "qualification": None}


@pytest.fixture(scope="module")
def rebased() -> Iterator[str]:
    """`kkni serve --base https://example.org/kkni/`: the embedded store under another base."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "kkni_rdf", "serve", "--base", OTHER_BASE, "--port", str(port), "--workers", "1"]
    with serving(argv, url + "/healthz", cwd=Path(__file__).parent):
        yield url


@pytest.mark.e2e
def test_check_behind_base_answers_under_the_served_base(rebased: str, catalogue: Catalogue) -> None:
    # unit codes, the qualification by its short id: kkni check's report, with the qualification under the served base
    r = post_check(rebased, "\n".join(read_input(ACHIEVED).codes).encode(), "text/plain", qualification="N78SPS01-4-asesor", format="json")
    assert r.status_code == 200, r.text
    expected = {**cli_report(catalogue, ACHIEVED), "qualification": OTHER_BASE + ASESOR_4}
    assert r.json() == expected and r.json()["achieved"] is True
    # a record that names its qualification and units by their IRIs under the served base
    record = ACHIEVED.read_text(encoding="utf-8")
    for path in ("qualification/", "unit/"):
        record = record.replace(DEFAULT_BASE + path, OTHER_BASE + path)
    r = post_check(rebased, record.encode(), "text/turtle")
    assert r.status_code == 200 and r.json() == expected
    # without one core unit: not achieved, that unit missing
    r = post_check(rebased, b"M.74SPS03.088.2 M.74SPS03.104.1", "text/plain", qualification="N78SPS01-4-asesor")
    assert r.status_code == 200 and r.json()["achieved"] is False and r.json()["missingCore"] == ["M.74SPS03.090.1"]
    # the page: its link goes to the qualification's page, which is the resource under the served base
    form = {"qualification": "N78SPS01-4-asesor", "units": "M.74SPS03.088.2\nM.74SPS03.090.1\nM.74SPS03.104.1"}
    page = httpx.post(rebased + "/check", data=form, headers={**HTML, "Accept-Language": "en"}, timeout=30)
    assert page.status_code == 200 and 'class="verdict ok"' in page.text
    link = re.search(r'<a href="([^"]+)">' + re.escape(OTHER_BASE + ASESOR_4) + "</a>", page.text)
    assert link is not None and link[1] == "/" + ASESOR_4, page.text
    assert page.text.count('<option value="N78') == 14
    target = httpx.get(rebased + link[1], headers={"Accept": "application/n-triples"}, timeout=30)
    assert target.status_code == 200 and f"<{OTHER_BASE}{ASESOR_4}>" in target.text


def oxigraph_binary() -> str:
    """The `oxigraph` server of the dev extra (PyPI package `oxigraph`): next to Python, or on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        pytest.fail("the `oxigraph` server is not installed: pip install -e '.[dev]' (it comes with the PyPI package oxigraph)")
    return found


#: What differs in the store behind `kkni serve --store` (after `kkni load`): N78SPS01-5-asesor is gone, and
#: N78SPS01-4-asesor needs two electives (the decree prints one), in the default graph and in the named graphs.
CHANGES = f"""PREFIX kkni: <https://w3id.org/kkni/ontology#>
DELETE WHERE {{ <{DEFAULT_BASE}{ASESOR_5}> ?p ?o }} ;
DELETE WHERE {{ GRAPH ?g {{ <{DEFAULT_BASE}{ASESOR_5}> ?p ?o }} }} ;
DELETE {{ ?rule kkni:requiredElective ?n }} INSERT {{ ?rule kkni:requiredElective 2 }}
WHERE {{ <{DEFAULT_BASE}{ASESOR_4}> kkni:packagingRule ?rule . ?rule kkni:requiredElective ?n }} ;
DELETE {{ GRAPH ?g {{ ?rule kkni:requiredElective ?n }} }} INSERT {{ GRAPH ?g {{ ?rule kkni:requiredElective 2 }} }}
WHERE {{ GRAPH ?g {{ <{DEFAULT_BASE}{ASESOR_4}> kkni:packagingRule ?rule . ?rule kkni:requiredElective ?n }} }}
"""


@pytest.fixture(scope="module")
def changed_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `oxigraph serve`, loaded by `kkni load --into`, then changed (``CHANGES``): its data is no longer the embedded store's."""
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    argv = [oxigraph_binary(), "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")), "--bind", f"127.0.0.1:{port}"]
    with serving(argv, root + "/", wait=20):
        assert main(["load", "--into", root + "/query"]) == 0
        r = httpx.post(root + "/update", content=CHANGES.encode(), headers={"Content-Type": "application/sparql-update"}, timeout=60)
        assert r.status_code in (200, 204), r.text
        yield root + "/query"


@pytest.fixture(scope="module")
def remote(changed_store: str) -> Iterator[str]:
    """`kkni serve --store URL` over the changed store."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "kkni_rdf", "serve", "--store", changed_store, "--port", str(port), "--workers", "1"]
    with serving(argv, url + "/healthz", cwd=Path(__file__).parent):
        yield url


@pytest.mark.e2e
def test_check_behind_store_answers_from_the_remote_data(remote: str, web: TestClient, catalogue: Catalogue) -> None:
    codes = "\n".join(read_input(ACHIEVED).codes).encode()
    # the embedded store: achieved with one elective
    here = web.post("/check", content=codes, headers={"Content-Type": "text/plain"}, params={"qualification": "N78SPS01-4-asesor"})
    assert here.status_code == 200 and here.json()["achieved"] is True and here.json()["rule"]["elective"] == 1
    # the store served: two electives are needed, so the same units do not achieve it
    there = post_check(remote, codes, "text/plain", qualification="N78SPS01-4-asesor")
    assert there.status_code == 200, there.text
    body = there.json()
    assert body["achieved"] is False and body["rule"]["elective"] == 2 and body["electivesNeeded"] == 1
    assert body["qualification"] == DEFAULT_BASE + ASESOR_4 and body["missingCore"] == []
    # the record file says the same
    r = post_check(remote, ACHIEVED.read_bytes(), "text/turtle")
    assert r.status_code == 200 and r.json()["achieved"] is False
    # a qualification the store served does not hold is unknown there, though the embedded store knows it
    assert catalogue.find("N78SPS01-5-asesor").iri == DEFAULT_BASE + ASESOR_5
    r = post_check(remote, b"M.74SPS03.088.2", "text/plain", qualification="N78SPS01-5-asesor")
    assert r.status_code == 400 and r.json()["error"] == "bad input" and "unknown qualification" in r.json()["message"]
    # the form offers the served store's qualifications
    form = httpx.get(remote + "/check", headers=HTML, timeout=30)
    assert form.status_code == 200 and form.text.count('<option value="N78') == 13 and "N78SPS01-5-asesor" not in form.text


# --------------------------------------------------------------------------- lists as people paste them (issue 21)

PASTED = "M.74SPS03.088.2, M.74SPS03.090.1, M.74SPS03.104.1"  # N78SPS01-4-asesor: 2 core + 1 elective, all held


def test_a_comma_list_is_achieved_over_every_way_in(web: TestClient) -> None:
    q = "N78SPS01-4-asesor"
    answers = [
        web.post("/check", content=PASTED.encode(), headers={"Content-Type": "text/plain"}, params={"qualification": q}),
        web.post("/check", json={"qualification": q, "units": PASTED.split(", ")}),
        web.post("/check", json={"qualification": q, "units": PASTED}),
        web.get("/check", params={"qualification": q, "units": PASTED}),
        web.get("/check", params={"qualification": q, "units": PASTED, "format": "json"}, headers=HTML),
        web.post("/check", data={"qualification": q, "units": PASTED}, headers={"Accept": "application/json"}),
        web.post("/check", files={"units": (None, PASTED), "qualification": (None, q)}, headers={"Accept": "application/json"}),
    ]
    for r in answers:
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), r.text
        body = r.json()
        assert body["achieved"] is True and body["missingCore"] == [] and body["notInQualification"] == [] and body["otherVersions"] == {}


def test_the_json_body_is_read_whole_and_checked(web: TestClient) -> None:
    r = web.post("/check", json={"units": ["M.74SPS03.088.2"]})
    assert r.status_code == 400 and "name the qualification" in r.json()["message"]
    r = web.post("/check", json={"qualification": 5, "units": []})
    assert (
        r.status_code == 400
        and '"qualification" must be a string' in r.json()["message"]
        and r.json()["pesan"].startswith('"qualification" harus')
    )
    r = web.post("/check", json={"qualification": "N78SPS01-4-asesor", "units": ["M.74SPS03.088.2"], "program": "yes"})
    assert r.status_code == 400 and '"program" must be true or false' in r.json()["message"]
    r = web.post("/check", json={"qualification": "N78SPS01-3-tenaga-pelatihan", "units": [], "program": True})
    assert r.status_code == 200 and r.json()["kind"] == "program"


def test_a_check_as_a_link_is_a_page_for_browsers(web: TestClient) -> None:
    r = web.get(
        "/check",
        params={"qualification": "N78SPS01-4-asesor", "units": "m74sps03.088.2;M.74SPS03.090.1;M.74SPS03.104.1", "lang": "en"},
        headers=HTML,
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'class="verdict ok"' in r.text and "achieved" in r.text and 'class="read-as"><code>m74sps03.088.2</code>' in r.text
    assert '<option value="N78SPS01-4-asesor" selected>' in r.text
    # every link of the report leads to a page this endpoint serves
    report = r.text[r.text.index('id="report"') : r.text.index("</section>")]
    links = set(re.findall(r'href="(/[^"]+)"', report))
    assert links and all(web.get(link.replace("&amp;", "&"), headers=HTML).status_code == 200 for link in links), links
    # a form post (as a browser sends it) is still a page; with Accept: application/json, JSON
    form = {"qualification": "N78SPS01-4-asesor", "units": PASTED}
    assert web.post("/check", data=form, headers=HTML).headers["content-type"].startswith("text/html")
    assert web.post("/check", data=form).headers["content-type"].startswith("text/html")  # a form, no Accept: as a browser
    assert web.post("/check", data=form, params={"format": "json"}, headers=HTML).headers["content-type"].startswith("application/json")
    r = web.get("/check", params={"qualification": "N78SPS01", "units": PASTED})
    assert r.status_code == 400 and "names 10 qualifications" in r.json()["message"]


@pytest.mark.e2e
def test_a_json_check_with_curl_over_a_real_socket(live: str) -> None:
    curl = shutil.which("curl")
    assert curl, "curl is missing (apt-get install curl)"
    body = json.dumps({"qualification": "N78SPS01-4-asesor", "units": PASTED.split(", ")})
    done = subprocess.run(
        [
            curl,
            "-sS",
            "-w",
            "\n%{http_code} %{content_type}",
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            body,
            live + "/check",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    text, _, status = done.stdout.rpartition("\n")
    assert done.returncode == 0 and status.startswith("200 application/json"), done.stdout + done.stderr
    assert json.loads(text)["achieved"] is True and json.loads(text)["missingCore"] == []
    # the README's form example: curl -F, asking for JSON
    done = subprocess.run(
        [curl, "-sS", "-H", "Accept: application/json", "-F", "qualification=N78SPS01-4-asesor", "-F", f"units={PASTED}", live + "/check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and json.loads(done.stdout)["achieved"] is True, done.stdout + done.stderr
    # the link
    done = subprocess.run(
        [curl, "-sS", "-G", "--data-urlencode", "qualification=N78SPS01-4-asesor", "--data-urlencode", f"units={PASTED}", live + "/check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and json.loads(done.stdout)["achieved"] is True, done.stdout + done.stderr
