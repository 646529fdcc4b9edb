"""`pip install .` gives a `kkni` that works from any directory: the wheel carries the resources."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest

from kkni_rdf.endpoint import assets
from tests.helpers import ROOT, free_port, serving


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


# --------------------------------------------------------------------------- pip users get what `make serve` gives


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The wheel installed into a folder of its own (not the checkout), and the environment that runs it from there."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)], check=True)
    env = {k: v for k, v in os.environ.items() if k != "KKNI_VENDOR_DIR"}
    env["PYTHONPATH"] = str(target)
    return env


def test_wheel_carries_yasgui_and_swagger_ui_checked(wheel: Path) -> None:
    """Fetched and checked when the wheel was built (hatch_build.py), never committed."""
    tracked = subprocess.run(["git", "ls-files", "kkni_rdf/endpoint/static/vendor"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert tracked.stdout == ""
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for pin in assets.PINS:
            folder = f"kkni_rdf/endpoint/static/vendor/{pin.name}"
            for f in pin.files:
                assert f"{folder}/{Path(f).name}" in names
            assert z.read(f"{folder}/INTEGRITY").decode().split() == [pin.spec, pin.integrity]


def test_installed_wheel_serves_yasgui_and_swagger_ui(installed: dict[str, str], wheel: Path, tmp_path: Path) -> None:
    env = installed
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving([sys.executable, "-m", "kkni_rdf", "serve", "--port", str(port)], f"{base}/healthz", cwd=tmp_path, env=env):
        page = httpx.get(f"{base}/", headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200 and '<script src="/assets/vendor/yasgui/yasgui.min.js">' in page.text
        script = httpx.get(f"{base}/assets/vendor/yasgui/yasgui.min.js", timeout=30)
        assert script.status_code == 200
        assert script.content == zipfile.ZipFile(wheel).read("kkni_rdf/endpoint/static/vendor/yasgui/yasgui.min.js")
        docs = httpx.get(f"{base}/docs", timeout=30)
        assert docs.status_code == 200 and "/assets/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
        assert "make setup" not in docs.text
        assert httpx.get(f"{base}/assets/vendor/swagger-ui/swagger-ui-bundle.js", timeout=30).status_code == 200


def test_installed_kkni_runs_a_shipped_query_by_name(installed: dict[str, str], tmp_path: Path) -> None:
    env = installed
    done = subprocess.run(
        [sys.executable, "-m", "kkni_rdf", "query", "qualifications", "--format", "csv"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1 + 14  # a header, the decree's 14 qualifications


def test_wheel_build_that_cannot_fetch_the_assets_stops_saying_why(tmp_path: Path) -> None:
    """A clean clone (nothing fetched) whose registry does not answer: no wheel that lacks YASGUI unnoticed."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    clone = tmp_path / "clone"
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    assert not (clone / "kkni_rdf/endpoint/static/vendor").exists()
    closed = f"http://127.0.0.1:{free_port()}/"
    env = {**os.environ, "npm_config_registry": closed, "npm_config_fetch_retries": "0", "npm_config_cache": str(tmp_path / "npm")}
    argv = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(tmp_path / "out"), str(clone)]
    failed = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    assert failed.returncode != 0
    assert "kkni-rdf's wheel carries @zazuko/yasgui@4.6.2, which could not be fetched" in failed.stdout + failed.stderr
    assert "KKNI_WHEEL_WITHOUT_ASSETS=1" in failed.stdout + failed.stderr
    assert not list(tmp_path.glob("out/*.whl"))
    built = subprocess.run(argv, env={**env, "KKNI_WHEEL_WITHOUT_ASSETS": "1"}, capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "out").glob("kkni_rdf-*.whl")
    assert not [n for n in zipfile.ZipFile(wheel).namelist() if "/vendor/" in n]
