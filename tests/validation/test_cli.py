"""`kkni validate`, in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli as run
from tests.validation.support import EXAMPLES

JSON_FINDING_KEYS = {"severity", "rule", "qualification", "unit", "focus", "message"}


def test_validate_decree_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--format", "json")
    body = json.loads(out)
    assert code == 0 and body["conforms"] is True
    assert len(body["findings"]) == 91
    for f in body["findings"]:
        assert set(f) >= JSON_FINDING_KEYS
        assert f["severity"] in ("violation", "warning", "info")
        assert set(f["message"]) == {"id", "en"}
    assert any(f["unit"] == "M.74SPS03.097.1" and f["rule"] == "listing.core-and-elective" for f in body["findings"])


def test_validate_fail_on_warning_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--fail-on", "warning")
    assert code == 1
    assert out.startswith("Does not conform (fail on: warning): 0 violations, 79 warnings, 12 infos.")
    assert "== qualification/kepmenaker-3-2021/N78SPS02-4-instruktur" in out


def test_validate_html_is_self_contained_and_escaped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "validate", "--format", "html")
    assert code == 0 and out.startswith("<!DOCTYPE html>")
    assert "<script" not in out and "http://" not in out.split("<body>")[1].split("https://")[0]
    assert "&quot;Kelompok Pengelola Lembaga Sertifikasi&quot;" in out
    bad = tmp_path / "evil.ttl"
    bad.write_text(
        (EXAMPLES / "decree-small.ttl")
        .read_text(encoding="utf-8")
        .replace('"Unit Satu"@id ;\n    kkni:versionOf', '"Unit Satu"@id ; skos:altLabel "<b>Unit</b> Pertama"@id ;\n    kkni:versionOf'),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "validate", str(bad), "--format", "html", "--fail-on", "warning")
    assert code == 1
    assert "&lt;b&gt;Unit&lt;/b&gt; Pertama" in out and "<b>Unit</b>" not in out


def test_validate_turtle_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", str(EXAMPLES / "record-malformed.ttl"), "--format", "turtle")
    assert code == 1
    assert "sh:ValidationReport" in out and '"candidate-record.unit"' in out


def test_validate_malformed_file_names_line_and_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix kkni: <https://w3id.org/kkni/ontology#> .\n<urn:x> kkni:code "unterminated .\n', encoding="utf-8")
    code, out, err = run(capsys, "validate", str(bad))
    assert code == 2 and out == ""
    assert f"{bad}:2:" in err and "Traceback" not in err


def test_validate_unknown_file_type_and_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "nope.ttl"))
    assert code == 2 and "no such file" in err
    other = tmp_path / "data.xlsx"
    other.write_text("x", encoding="utf-8")
    code, _, err = run(capsys, "validate", str(other))
    assert code == 2 and "unknown RDF file type" in err
