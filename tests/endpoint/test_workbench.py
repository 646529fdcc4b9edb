"""The query page: YASGUI served by the endpoint itself, its assets fetched and verified, the fallback
where they are absent; /docs offline (issue 12, item 1). The browser runs them in tests/browser."""

from __future__ import annotations

import http.server
import io
import json
import re
import tarfile
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kkni_rdf.endpoint import assets
from kkni_rdf.resources import query_files
from tests.endpoint.conftest import HTML

NOT_FETCHED = "the front-end assets were not fetched: run `make setup` (it runs `python -m kkni_rdf.endpoint.assets`)"


def _external(html: str) -> list[str]:
    """Scripts, styles and images the page would load from another server."""
    return re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="((?:https?:)?//[^"]+)"', html)


def test_the_pins_were_fetched_and_verified() -> None:
    for pin in assets.PINS:
        assert assets.present(pin), NOT_FETCHED
        stamp = (assets.vendor_dir() / pin.name / "INTEGRITY").read_text(encoding="utf-8").split()
        assert stamp == [pin.spec, pin.integrity]
    assert assets.YASGUI.spec == "@zazuko/yasgui@4.6.2"


def _tarball(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def test_a_tarball_is_unpacked_only_if_its_integrity_is_the_pinned_one(tmp_path: Path) -> None:
    tarball = _tarball({"build/x.min.js": b"x()", "package.json": b"{}"})
    pin = assets.Pin("x", "x", "1.0.0", assets.integrity(tarball), ("build/x.min.js", "package.json"))
    assets.unpack(pin, tarball, tmp_path)
    assert (tmp_path / "x" / "x.min.js").read_bytes() == b"x()" and assets.fetched(pin, tmp_path)
    tampered = _tarball({"build/x.min.js": b"evil()", "package.json": b"{}"})
    with pytest.raises(assets.FetchError, match="integrity"):
        assets.unpack(pin, tampered, tmp_path / "other")
    assert not (tmp_path / "other" / "x").exists()


def test_without_npm_the_tarball_comes_from_the_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No npm on the PATH: the pinned tarball is read over HTTP where the registry keeps it
    (a registry on a loopback port here, named as npm would name it), verified, and unpacked."""
    tarball = _tarball({"build/x.min.js": b"x()", "package.json": b"{}"})
    pin = assets.Pin("x", "@scope/x", "1.0.0", assets.integrity(tarball), ("build/x.min.js", "package.json"))
    asked: list[str] = []

    class Registry(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            found = self.path == "/@scope/x/-/x-1.0.0.tgz"
            self.send_response(200 if found else 404)
            self.end_headers()
            self.wfile.write(tarball if found else b"")

        def log_message(self, *args: object) -> None:
            pass

    registry = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Registry)
    threading.Thread(target=registry.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("PATH", str(tmp_path / "no-npm-here"))
        monkeypatch.setenv("npm_config_registry", f"http://127.0.0.1:{registry.server_address[1]}/")
        assert assets.fetch((pin,), tmp_path / "vendor") == ["@scope/x@1.0.0"]
        assert (tmp_path / "vendor" / "x" / "x.min.js").read_bytes() == b"x()"
        missing = assets.Pin("y", "y", "2.0.0", pin.integrity, pin.files)
        with pytest.raises(assets.FetchError, match="could not download"):
            assets.fetch((missing,), tmp_path / "vendor")
    finally:
        registry.shutdown()
        registry.server_close()
    assert asked == ["/@scope/x/-/x-1.0.0.tgz", "/y/-/y-2.0.0.tgz"]


def test_the_editor_is_yasgui_served_from_here(web: TestClient) -> None:
    assert assets.present(assets.YASGUI), NOT_FETCHED
    r = web.get("/")
    assert r.status_code == 200
    assert '<script src="/assets/vendor/yasgui/yasgui.min.js">' in r.text and "/assets/vendor/yasgui/yasgui.min.css" in r.text
    assert _external(r.text) == []
    setup = json.loads(re.search(r'<script type="application/json" id="workbench">(.*?)</script>', r.text, re.S)[1])  # type: ignore[index]
    assert setup["endpoint"] == "/sparql"
    assert setup["prefixes"]["kkni"] == "https://w3id.org/kkni/ontology#" and "qual" in setup["prefixes"]
    assert "https://w3id.org/kkni/ontology#Qualification" in setup["terms"]["class"]
    assert "https://w3id.org/kkni/ontology#hasListing" in setup["terms"]["property"]
    assert [q["name"] for q in setup["queries"]] == [p.stem for p in query_files()]
    assert r.text.count('<article class="example"') == len(query_files())  # the gallery: title, question, open in the editor
    for name in ("yasgui.min.js", "yasgui.min.css"):
        asset = web.get(f"/assets/vendor/yasgui/{name}")
        assert asset.status_code == 200 and len(asset.content) > 50_000
    js = web.get("/assets/workbench.js").text
    assert "forkAutocompleter" in js and '"kkni-prefixes", "variables", "kkni-class", "kkni-property"' in js  # no LOV, no prefix.cc


def test_without_the_assets_the_editor_is_the_projects_own(web: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KKNI_VENDOR_DIR", str(tmp_path))  # an empty folder: nothing fetched
    r = web.get("/")
    assert r.status_code == 200 and "<textarea" in r.text and "/assets/editor.js" in r.text
    assert "yasgui" not in r.text.lower().replace("yasgui was not", "")
    assert _external(r.text) == []
    js = web.get("/assets/editor.js").text
    assert '"turtle"' in js and "CONSTRUCT|DESCRIBE" in js  # graph formats only for CONSTRUCT and DESCRIBE


def test_docs_are_swagger_ui_served_from_here(web: TestClient) -> None:
    assert assets.present(assets.SWAGGER_UI), NOT_FETCHED
    r = web.get("/docs")
    assert r.status_code == 200
    assert "/assets/vendor/swagger-ui/swagger-ui-bundle.js" in r.text and "/assets/vendor/swagger-ui/swagger-ui.css" in r.text
    assert _external(r.text) == [] and "cdn." not in r.text and '"validatorUrl": null' in r.text
    assert web.get("/assets/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_without_the_assets_docs_list_the_operations(web: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KKNI_VENDOR_DIR", str(tmp_path))
    r = web.get("/docs", headers=HTML)
    assert r.status_code == 200 and _external(r.text) == []
    assert "<code>/sparql</code>" in r.text and "<code>/findings</code>" in r.text and 'href="/openapi.json"' in r.text
