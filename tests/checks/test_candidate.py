"""Lists of unit codes as people paste them (issue 21, item 1): separated by commas, semicolons, spaces or
lines, in another case or with a dot missing; a unit held is never reported missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kkni_rdf.checks.candidate import UserInput, codes_from_text, read_input, run_check, split_codes
from kkni_rdf.checks.catalogue import Catalogue, catalogue_from_store
from kkni_rdf.store.embedded import KkniStore
from tests.helpers import run_cli

ASESOR_4 = "N78SPS01-4-asesor"  # 2 core (M.74SPS03.088.2, M.74SPS03.090.1) + 1 elective (M.74SPS03.104.1 among them)
HELD = ["M.74SPS03.088.2", "M.74SPS03.090.1", "M.74SPS03.104.1"]


@pytest.fixture(scope="module")
def catalogue(store: KkniStore) -> Catalogue:
    return catalogue_from_store(store)


def test_the_units_are_those_the_decree_lists_for_the_qualification(catalogue: Catalogue) -> None:
    q = catalogue.find(ASESOR_4)
    assert list(q.core) == HELD[:2] and HELD[2] in q.elective and (q.required_core, q.required_elective) == (2, 1)


@pytest.mark.parametrize(
    "pasted",
    [
        "M.74SPS03.088.2, M.74SPS03.090.1, M.74SPS03.104.1",  # the report of issue 21: .088.2 and .090.1 said missing
        "M.74SPS03.088.2;M.74SPS03.090.1;M.74SPS03.104.1",
        "M.74SPS03.088.2 ; M.74SPS03.090.1 ;\tM.74SPS03.104.1;",
        "M.74SPS03.088.2\r\nM.74SPS03.090.1\r\n\r\nM.74SPS03.104.1\r\n",
        "M.74SPS03.088.2,\nM.74SPS03.090.1,\nM.74SPS03.104.1,",
    ],
)
def test_a_pasted_list_of_held_units_is_achieved(catalogue: Catalogue, pasted: str) -> None:
    assert split_codes(pasted) == HELD
    result = run_check(catalogue, ASESOR_4, UserInput(codes_from_text(pasted, ".txt")))
    assert result.ok and result.missing_core == [] and result.units == HELD and result.read_as == {}
    assert result.not_in_qualification == [] and result.other_versions == {}


def test_case_and_a_missing_dot_are_read_with_a_note(catalogue: Catalogue) -> None:
    given = ["m.74sps03.088.2", "M74SPS03.090.1", "m74sps03.104.1"]
    result = run_check(catalogue, ASESOR_4, UserInput(given))
    assert result.ok and result.units == HELD
    assert result.read_as == dict(zip(given, HELD, strict=True))
    assert result.as_dict()["readAs"] == [{"given": g, "code": c} for g, c in sorted(zip(given, HELD, strict=True))]
    assert "note: M74SPS03.090.1 read as M.74SPS03.090.1" in result.text()


def test_a_code_no_unit_has_is_still_reported_unknown(catalogue: Catalogue) -> None:
    result = run_check(catalogue, ASESOR_4, UserInput(["M.74SPS03.088.2", "M.74SPS03.090.1", "M74SPS03.999.1"]))
    assert not result.ok and result.missing_core == [] and "M74SPS03.999.1" in result.unknown_codes and result.read_as == {}


def test_csv_and_json_cells_with_lists(tmp_path: Path, catalogue: Catalogue) -> None:
    csv = tmp_path / "units.csv"
    csv.write_text('code,title\n"M.74SPS03.088.2; M.74SPS03.090.1",x\nm.74sps03.104.1,y\n', encoding="utf-8")
    assert run_check(catalogue, ASESOR_4, read_input(csv)).ok
    js = tmp_path / "units.json"
    js.write_text(json.dumps({"units": ", ".join(HELD)}), encoding="utf-8")
    assert run_check(catalogue, ASESOR_4, read_input(js)).ok


def test_kkni_check_reads_a_pasted_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "check", ASESOR_4, "M.74SPS03.088.2, M.74SPS03.090.1, M74SPS03.104.1")
    assert (
        code == 0 and f"{ASESOR_4}: ACHIEVED" in out and "core units missing (0)" in out and "M74SPS03.104.1 read as M.74SPS03.104.1" in out
    )
