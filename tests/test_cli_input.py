"""The command line with hostile and careless input (issue 11, items 4, 8, 14): exit 2 with a message
that says what and where, never a crash (a subprocess, where a crash must be caught) and never a
request to the network."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.guard import Refused
from tests.endpoint.test_e2e import Listener
from tests.helpers import run_cli


def kkni(*argv: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "kkni_rdf", *argv], input=stdin, capture_output=True, timeout=300, check=False)


def assert_usage_error(done: subprocess.CompletedProcess[bytes], *words: str) -> str:
    err = done.stderr.decode(errors="replace")
    assert done.returncode == 2, (done.returncode, err[-2000:])  # not 139 (a segfault), not 1
    assert err.startswith("kkni: error:") and "Traceback" not in err
    for w in words:
        assert w in err, err
    return err


def test_query_nested_10000_deep(tmp_path: Path) -> None:  # item 4
    f = tmp_path / "deep.rq"
    f.write_text("SELECT * WHERE\n" + "{ " * 10_000 + "?s ?p ?o" + " }" * 10_000)
    assert_usage_error(kkni("query", str(f)), "nested", "line 2", "column")


def deep_jsonld(depth: int) -> str:
    return '{"@context": {"@vocab": "http://a/"}, "@id": "http://a/x", "p": ' + '{"p": ' * depth + '"v"' + "}" * depth + "}"


def test_validate_jsonld_10000_deep(tmp_path: Path) -> None:  # item 4
    f = tmp_path / "deep.jsonld"
    f.write_text(deep_jsonld(10_000))
    assert_usage_error(kkni("validate", str(f)), "deep.jsonld", "nested", "line 1", "column")


def test_check_file_jsonld_10000_deep(tmp_path: Path) -> None:  # item 4
    f = tmp_path / "deep.jsonld"
    f.write_text(deep_jsonld(10_000))
    assert_usage_error(kkni("check", "N78SPS01-4-asesor", "--file", str(f)), "deep.jsonld", "nested")


def test_validate_turtle_with_20000_nested_triple_terms(tmp_path: Path) -> None:  # item 4
    f = tmp_path / "deep.ttl"
    f.write_text("<http://a/s> <http://a/p> " + "<<( <http://a/s> <http://a/p> " * 20_000 + "<http://a/o>" + " )>>" * 20_000 + " .\n")
    assert_usage_error(kkni("validate", str(f)), "deep.ttl", "nested", "line 1")


def test_validate_turtle_deep_blank_nodes_and_lists(tmp_path: Path) -> None:  # item 4
    f = tmp_path / "deep.ttl"
    f.write_text("<http://a/s> <http://a/p>\n" + "[ <http://a/p> ( " * 5_000 + "1" + " ) ]" * 5_000 + " .\n")
    assert_usage_error(kkni("validate", str(f)), "deep.ttl", "nested", "line 2")


def test_query_with_service_makes_no_request(tmp_path: Path) -> None:  # item 8
    listener = Listener()
    try:
        f = tmp_path / "service.rq"
        f.write_text(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}\n")
        assert_usage_error(kkni("query", str(f)), "SERVICE")
        assert listener.requests == []
    finally:
        listener.close()


def test_query_format_for_the_wrong_form_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:  # item 14
    code, _, err = run_cli(capsys, "query", "--query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--format", "turtle")
    assert code == 2 and "turtle" in err and "SELECT" in err
    code, _, err = run_cli(capsys, "query", "--query", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "--format", "csv")
    assert code == 2 and "csv" in err and "CONSTRUCT" in err


def test_query_file_mistakes_say_what_they_are(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:  # item 14
    code, _, err = run_cli(capsys, "query", str(tmp_path))
    assert code == 2 and "is a folder" in err
    empty = tmp_path / "empty.rq"
    empty.write_text("# only a comment\n")
    code, _, err = run_cli(capsys, "query", str(empty))
    assert code == 2 and "empty" in err
    code, _, err = run_cli(capsys, "query", "--query", "INSERT DATA { <http://a/s> <http://a/p> <http://a/o> }")
    assert code == 2 and "updates are not supported here" in err


def test_query_cli_refuses_unknown_graphs(capsys: pytest.CaptureFixture[str]) -> None:  # item 8, the same guard
    code, _, err = run_cli(capsys, "query", "--query", "SELECT * FROM <http://127.0.0.1:9/x.ttl> WHERE { ?s ?p ?o }", "--format", "json")
    assert code == 2 and "http://127.0.0.1:9/x.ttl" in err


def test_in_store_validation_uses_the_guard() -> None:  # item 8: every entry point, one guard
    store = KkniStore()
    with pytest.raises(Refused):
        store.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
