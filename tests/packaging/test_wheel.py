"""`pip install .` gives a `kkni` that works from any directory: the wheel carries the resources."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", str(out), str(root)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("kkni_rdf-*.whl")
    return path


def test_wheel_carries_ontology_data_shapes_and_queries(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "kkni_rdf/_resources/ontology/kkni.ttl",
        "kkni_rdf/_resources/data/kepmenaker-3-2021.ttl",
        "kkni_rdf/_resources/data/source/kepmenaker-3-2021.txt",
        "kkni_rdf/_resources/queries/qualifications.rq",
    ):
        assert expected in names
    assert any(n.startswith("kkni_rdf/_resources/shapes/") for n in names)


def test_installed_kkni_runs_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = subprocess.run(
        [sys.executable, "-c", "import kkni_rdf, kkni_rdf.resources as r; print(kkni_rdf.__file__); print(r.resource_root())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    module_file, resource_root = probe.stdout.split()
    assert module_file.startswith(str(target)) and resource_root.startswith(str(target))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "kkni_rdf",
            "query",
            "--query",
            "SELECT (COUNT(*) AS ?n) WHERE { ?q a kkni:Qualification }",
            "--format",
            "csv",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,  # the exit code is asserted, with the error output
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["n", "14"]
