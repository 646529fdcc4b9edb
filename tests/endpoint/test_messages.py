"""Every error message whole in each language (issue 21, item 5): the Indonesian `pesan` says what the
English `message` says (its figures, names and quoted parts), in Indonesian, never English after an
Indonesian prefix; an undeclared prefix is named, end to end."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kkni_rdf.checks.candidate import UserInput, read_input, run_check
from kkni_rdf.checks.catalogue import CheckError, catalogue_from_store
from kkni_rdf.endpoint import errors
from kkni_rdf.limits import TooDeep
from kkni_rdf.store import guard
from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.protocol import QueryError

#: English words no Indonesian sentence uses (outside quotes, names and media types).
ENGLISH = {
    "the", "is", "are", "was", "not", "this", "that", "query", "cannot", "be", "of", "and", "with", "for", "has", "have", "to",
    "it", "must", "no", "or", "on", "from", "by", "your", "you", "found", "expected", "unknown", "missing", "allowed", "invalid",
    "name", "file", "line", "column", "after", "did", "mean", "give", "one", "them", "than", "more", "longer", "nothing", "served",
}  # fmt: skip
_QUOTED = re.compile(r"\"[^\"]*\"|(?<!\w)'[^']*'(?!\w)|`[^`]*`|<[^>]*>|\([^()]*\b(?:e\.g\.|mis\.)[^()]*\)")


def english_words(pesan: str) -> set[str]:
    bare = _QUOTED.sub(" ", pesan)
    tokens = [t for t in bare.split() if not re.search(r"[/:@.=_-]\w", t)]  # media types, prefixed names, codes, IRIs
    return {w for t in tokens if (w := t.strip(".,;:!?()[]{}…").lower()) in ENGLISH and t.strip(".,;:!?()[]{}…").islower()}


def assert_whole(message: str, pesan: str) -> None:
    assert pesan and pesan != message, (message, pesan)
    assert not english_words(pesan), (english_words(pesan), pesan)
    for figure in re.findall(r"\d+(?:\.\d+)?", _QUOTED.sub(" ", message)):
        assert figure in pesan, (figure, message, pesan)
    for quoted in re.findall(r"(?<!\w)'[^']*'(?!\w)|`[^`]*`|<[^>]*>", message):
        assert quoted in pesan, (quoted, message, pesan)


def body(outcome: errors.Outcome) -> dict[str, str]:
    found: dict[str, str] = json.loads(outcome.body)
    return found


ERRORS = [
    errors.missing_query(),
    errors.missing_form_query(),
    errors.unknown_format("xls", ["json", "csv"]),
    errors.bad_encoding("utf-8", UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")),
    errors.request_too_large(262144),
    errors.unsupported_media_type("image/png"),
    errors.unsupported_media_type(""),
    errors.unsupported_charset("koi8-r"),
    errors.not_acceptable("select", ["application/sparql-results+json", "text/csv"]),
    errors.too_large("solutions", 10000),
    errors.engine_crashed(),
    errors.busy(),
    errors.long_lane_full(2, 3.0),
    errors.too_many_requests(4, 1.0),
    errors.too_many_requests(1, 1.0, running_long=True),
    errors.too_many_requests(4, 1.0, stopped=True),
    errors.memory_limit(512 * 2**20),
    errors.timeout(30.0),
    errors.query_twice(),
    errors.method_not_allowed("PUT", ["GET", "POST", "OPTIONS"]),
    errors.request_timeout(10.0),
    errors.uri_too_long(16384),
    errors.headers_too_large(65536),
    errors.refused(guard.service_refused()),
    errors.refused(guard.update_refused()),
    errors.refused(guard.unknown_graphs(["urn:x"], ["urn:y"])),
    errors.refused(guard.too_deep(TooDeep("SPARQL", 64, 3, 9))),
]


@pytest.mark.parametrize("outcome", ERRORS, ids=lambda o: body(o)["error"])
def test_every_error_is_whole_in_both_languages(outcome: errors.Outcome) -> None:
    b = body(outcome)
    assert_whole(b["message"], b["pesan"])


BAD_QUERIES = [
    "SELECT * WHERE { ?s foo:bar ?o }",
    "SELEC * WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } LIMT 5",
    "SELECT * WHERE { ?s ?p ",
    "SELECT * WHERE { ?s ?p ?o ?x }",
    "PREFIX x: <urn:x>\nSELECT * WHERE { ?s ?p ?o FILTER(?o = unknown:thing) }",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_syntax_errors_in_both_languages(store: KkniStore, query: str) -> None:
    with pytest.raises(QueryError) as err:
        store.query(query)
    assert_whole(err.value.message, err.value.pesan)
    assert err.value.pesan.startswith(("kesalahan sintaks", "prefiks"))


def test_the_undeclared_prefix_is_named_end_to_end(web: TestClient) -> None:
    r = web.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s foo:bar ?o\n}"}, headers={"Accept": "application/sparql-results+json"})
    b = r.json()
    assert r.status_code == 400 and b["error"] == "malformed query" and (b["line"], b["column"]) == (2, 6)
    assert b["message"].startswith("undeclared prefix 'foo'") and "PREFIX foo: <…>" in b["message"]
    assert b["pesan"].startswith("prefiks 'foo' tidak dideklarasikan") and "PREFIX foo: <…>" in b["pesan"]
    r = web.post("/sparql", content=b"SELEC * WHERE { ?s ?p ?o }", headers={"Content-Type": "application/sparql-query"})
    b = r.json()
    assert (
        r.status_code == 400
        and b["pesan"]
        == "kesalahan sintaks pada 'SELEC': maksud Anda SELECT? kueri diawali SELECT, CONSTRUCT, DESCRIBE atau ASK (setelah baris PREFIX-nya)"
    )


def check_errors(tmp_path: Path, store: KkniStore) -> list[CheckError]:
    catalogue = catalogue_from_store(store)
    files: dict[str, str | bytes] = {
        "bad.json": '["N.78SPS02.011.1",',
        "obj.json": '{"units": 5}',
        "deep.json": "[" * 100 + "]" * 100,
        "bad.ttl": "@prefix kkni: <https://w3id.org/kkni/ontology#> .\n<urn:x> a kkni:CandidateRecord ;\n  kkni:holdsUnit <urn:y> <urn:z> .\n",
        "none.ttl": "<urn:x> <urn:y> <urn:z> .\n",
        "units.ttl": "@prefix kkni: <https://w3id.org/kkni/ontology#> .\n<urn:x> a kkni:CandidateRecord ; kkni:holdsUnit <urn:y> .\n",
        "latin1.txt": b"N.78SPS02.011.1 \xff",
    }
    found = []
    for name, text in files.items():
        path = tmp_path / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        with pytest.raises(CheckError) as err:
            read_input(path)
        found.append(err.value)
    for qualification in (None, "N78SPS01", "N78SPS01-4-asesr", "zzz"):
        with pytest.raises(CheckError) as err:
            run_check(catalogue, qualification, UserInput(["M.74SPS03.088.2"]))
        found.append(err.value)
    with pytest.raises(CheckError) as err:
        read_input(tmp_path / "absent.csv")
    return [*found, err.value]


def test_every_check_error_in_both_languages(tmp_path: Path, store: KkniStore) -> None:
    for err in check_errors(tmp_path, store):
        assert_whole(str(err), err.pesan)


def test_check_over_http_answers_in_both_languages(web: TestClient) -> None:
    r = web.post("/check", content=b"M.74SPS03.088.2", headers={"Content-Type": "text/plain"}, params={"qualification": "N78SPS01-4-asesr"})
    b = r.json()
    assert r.status_code == 400 and b["pesan"].startswith("kualifikasi 'N78SPS01-4-asesr' tidak dikenal; yang terdekat: N78SPS01-4-asesor")
    r = web.post(
        "/check",
        content=b'["N.78SPS02.011.1",',
        headers={"Content-Type": "application/json"},
        params={"qualification": "N78SPS02-3-instruktur"},
    )
    b = r.json()
    assert (
        r.status_code == 400
        and b["pesan"].startswith("record.json: bukan JSON yang valid pada baris 1, kolom")
        and "/tmp" not in b["pesan"]
    )
    r = web.post("/check", content=b"x", headers={"Content-Type": "image/png"})
    assert_whole(r.json()["message"], r.json()["pesan"])
    r = web.get("/nothing/here", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.json()["pesan"] == "Tidak ada sumber daya dengan IRI https://w3id.org/kkni/nothing/here."
