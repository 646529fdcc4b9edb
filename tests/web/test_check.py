"""Checks over HTTP: POST /check returns kkni check's report (issue 12, item 5); over a real socket too."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kkni_rdf.checks.candidate import read_input, run_check
from kkni_rdf.checks.catalogue import default_catalogue
from kkni_rdf.resources import resource
from tests.helpers import free_port, serving
from tests.web.conftest import HTML

EXAMPLES = resource("data") / "examples"
TYPES = {".ttl": "text/turtle", ".jsonld": "application/ld+json", ".csv": "text/csv", ".json": "application/json"}


def cli_report(path: Path, qualification: str | None = None) -> dict[str, object]:
    """What `kkni check --file PATH --format json` prints."""
    return run_check(default_catalogue(), qualification, read_input(path)).as_dict()


@pytest.mark.parametrize(
    ("name", "qualification"),
    [
        ("record-asesor-4-achieved.ttl", None),
        ("record-instruktur-3-incomplete.jsonld", None),
        ("record-instruktur-3-incomplete.json", "N78SPS02-3-instruktur"),
        ("program-tenaga-pelatihan-3.csv", "N78SPS01-3-tenaga-pelatihan"),
    ],
)
def test_post_check_gives_the_report_of_kkni_check(web: TestClient, name: str, qualification: str | None) -> None:
    path = EXAMPLES / name
    params = {"qualification": qualification} if qualification else {}
    r = web.post("/check", content=path.read_bytes(), headers={"Content-Type": TYPES[path.suffix]}, params=params)
    assert r.status_code == 200, r.text
    assert r.json() == cli_report(path, qualification)


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
def test_post_check_over_a_real_socket(live: str) -> None:
    path = EXAMPLES / "record-instruktur-3-incomplete.jsonld"
    request = urllib.request.Request(
        live + "/check", data=path.read_bytes(), headers={"Content-Type": "application/ld+json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.status == 200 and r.headers["content-type"].startswith("application/json")
        assert json.load(r) == cli_report(path)
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
