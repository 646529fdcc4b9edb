"""`kkni check`, in-process: a candidate's units or a training program against a qualification."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kkni_rdf.cli import main
from tests.validation.support import EXAMPLES


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_units_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "N78SPS01-4-asesor", "M.74SPS03.088.2", "M.74SPS03.090.1", "M.74SPS03.089.1", "--format", "json")
    body = json.loads(out)
    assert code == 0 and body["achieved"] is True and body["electivesNeeded"] == 0
    code, out, _ = run(capsys, "check", "https://w3id.org/kkni/qualification/kepmenaker-3-2021/N78SPS01-4-asesor", "M.74SPS03.088.2")
    assert code == 1
    assert "core units missing (1): M.74SPS03.090.1" in out and "electives still needed: 1" in out


def test_check_unknown_qualification_and_unit_suggest_nearest(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "N78SPS01-4-asesr", "M.74SPS03.088.2")
    assert code == 2 and "unknown qualification 'N78SPS01-4-asesr'; nearest: N78SPS01-4-asesor" in err
    # an unknown code is reported as not belonging, with the nearest known codes (issue 12): the check goes on
    code, out, _ = run(capsys, "check", "N78SPS01-4-asesor", "M.74SPS03.088.3")
    assert code == 1 and "units not in this qualification: M.74SPS03.088.3" in out and "(nearest: M.74SPS03.088.2" in out


def test_check_unmet_prerequisite(capsys: pytest.CaptureFixture[str]) -> None:
    # A (N78SPS02-3-instruktur): core 3, N.78SPS02.028.2, requires N.78SPS02.019.2 (line 142)
    code, out, _ = run(capsys, "check", "N78SPS02-3-instruktur", "N.78SPS02.028.2", "--format", "json")
    body = json.loads(out)
    assert code == 1 and {"unit": "N.78SPS02.028.2", "requires": "N.78SPS02.019.2"} in body["unmetPrerequisites"]


def test_check_bad_json_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "units.json"
    bad.write_text('["N.78SPS02.011.1",', encoding="utf-8")
    code, _, err = run(capsys, "check", "N78SPS02-3-instruktur", "--file", str(bad))
    assert code == 2 and "line 1, column" in err


def test_json_list_and_json_ld_record_agree(capsys: pytest.CaptureFixture[str]) -> None:
    outs = []
    for name in ("record-instruktur-3-incomplete.json", "record-instruktur-3-incomplete.jsonld"):
        main(["check", "N78SPS02-3-instruktur", "--format", "json", "--file", str(EXAMPLES / name)])
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1]
    assert '"N.78SPS02.075.1": "N.78SPS02.075.2"' in outs[0]  # A lists 075.2; the record holds 075.1


def test_check_a_record_whose_units_are_not_unit_iris(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "N78SPS01-4-asesor", "--file", str(EXAMPLES / "record-malformed.ttl"))
    assert code == 2 and out == ""
    assert "<https://w3id.org/kkni/ontology#holdsUnit> must name unit IRIs" in err and 'found "M.74SPS03.088.2"' in err
