"""Every file under data/examples/ is its own test: the command a user runs, and its exit code."""

from __future__ import annotations

from pathlib import Path

import pytest

from kkni_rdf.cli import main
from tests.validation.support import EXAMPLES

#: file -> (kkni arguments before the file, exit code): 0 conforms/achieved/completable, 1 not.
EXPECTED: dict[str, tuple[list[str], int]] = {
    "decree-small.ttl": (["validate", "--fail-on", "info"], 0),
    "record-malformed.ttl": (["validate"], 1),
    "record-asesor-4-achieved.ttl": (["check", "N78SPS01-4-asesor", "--file"], 0),
    "record-instruktur-3-incomplete.json": (["check", "N78SPS02-3-instruktur", "--file"], 1),
    "record-instruktur-3-incomplete.jsonld": (["check", "N78SPS02-3-instruktur", "--file"], 1),
    "program-tenaga-pelatihan-3.csv": (["check", "N78SPS01-3-tenaga-pelatihan", "--program", "--file"], 0),
    "program-instruktur-4-blocked.ttl": (["check", "N78SPS02-4-instruktur", "--file"], 1),
}


def example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.iterdir() if p.is_file())


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
def test_example(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert path.name in EXPECTED, f"add {path.name} to EXPECTED with its command and exit code"
    argv, code = EXPECTED[path.name]
    assert main([*argv, str(path)]) == code
    out = capsys.readouterr().out
    assert out


def test_records_and_programs_in_rdf_conform_to_the_shapes() -> None:
    for name in ("record-asesor-4-achieved.ttl", "program-instruktur-4-blocked.ttl", "record-instruktur-3-incomplete.jsonld"):
        assert main(["validate", str(EXAMPLES / name)]) == 0, name
