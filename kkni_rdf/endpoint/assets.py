"""Third-party front-end code the endpoint serves itself: YASGUI (the query page), Swagger UI (``/docs``) and
Viz.js (Graphviz as WebAssembly: the pages' pictures).

Neither is kept in the repository. ``make setup`` (or ``python -m kkni_rdf.endpoint.assets``) fetches
each pinned package from the npm registry with npm's own client (``npm pack``) or, on a machine
without npm, as the registry serves it to npm (the tarball at ``{registry}/{package}/-/{name}-{version}.tgz``,
over HTTPS; the registry is ``npm_config_registry``, else npm's default), checks the tarball against
the integrity recorded here (the registry's ``dist.integrity``, SHA-512), and unpacks only the
built files into ``static/vendor/{name}/`` (git-ignored; a wheel built afterwards carries them).
The endpoint serves them under ``/assets/vendor/``, so the pages work offline. Where they are
absent the endpoint falls back to its own pages: the plain query editor and an operations list.

``KKNI_VENDOR_DIR`` points the endpoint at another folder of fetched assets (an empty folder
shows the fallbacks).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "static" / "vendor"


@dataclass(frozen=True)
class Pin:
    """One npm package: its exact version, the tarball's integrity and the files the endpoint serves."""

    name: str  # the folder under static/vendor/
    package: str
    version: str
    integrity: str  # npm's dist.integrity: "sha512-" + base64 of the tarball's SHA-512
    files: tuple[str, ...]  # paths inside the tarball's package/ folder

    @property
    def spec(self) -> str:
        return f"{self.package}@{self.version}"


YASGUI = Pin(
    "yasgui",
    "@zazuko/yasgui",
    "4.6.2",
    "sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw==",
    ("build/yasgui.min.js", "build/yasgui.min.css", "package.json"),
)
SWAGGER_UI = Pin(
    "swagger-ui",
    "swagger-ui-dist",
    "5.35.0",
    "sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==",
    ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE", "package.json"),
)
#: Graphviz compiled to WebAssembly: the pages' pictures (prerequisite graphs, the qualifications chart) drawn as SVG in the browser.
VIZ = Pin(
    "viz",
    "@viz-js/viz",
    "3.31.0",
    "sha512-r7zlQdRvcwvIpjHGgs+KNWHeE/P5/Dq7k8ZAKaMCbZqomxCBJV78gVuQYaHzFVca+kB0mX0fMW9UFevCOBG50A==",
    ("dist/viz-global.js", "package.json"),
)
PINS = (YASGUI, SWAGGER_UI, VIZ)


def vendor_dir() -> Path:
    """Where the fetched assets are (``KKNI_VENDOR_DIR``, else ``static/vendor/``)."""
    return Path(os.environ.get("KKNI_VENDOR_DIR") or VENDOR)


def present(pin: Pin) -> bool:
    """Whether every file of ``pin`` has been fetched."""
    folder = vendor_dir() / pin.name
    return all((folder / Path(f).name).is_file() for f in pin.files)


def asset_path(pin: Pin, filename: str) -> Path | None:
    """A fetched file of ``pin`` by its bare name (``yasgui.min.js``), or None."""
    path = vendor_dir() / pin.name / filename
    return path if filename in {Path(f).name for f in pin.files} and path.is_file() else None


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


class FetchError(RuntimeError):
    pass


DEFAULT_REGISTRY = "https://registry.npmjs.org/"


def tarball_url(pin: Pin, registry: str | None = None) -> str:
    """Where the registry keeps the pin's tarball (npm's layout: ``@scope/name/-/name-1.2.3.tgz``)."""
    configured = os.environ.get("npm_config_registry") or os.environ.get("NPM_CONFIG_REGISTRY")  # noqa: SIM112 - npm reads either spelling
    base = (registry or configured or DEFAULT_REGISTRY).rstrip("/")
    return f"{base}/{pin.package}/-/{pin.package.rsplit('/', 1)[-1]}-{pin.version}.tgz"


def _download(pin: Pin) -> bytes:
    """The pin's tarball straight from the registry (no npm on this machine)."""
    url = tarball_url(pin)
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            data: bytes = answer.read()
            return data
    except (urllib.error.URLError, OSError) as exc:
        raise FetchError(f"could not download {url} (without npm, the tarball is read from the registry directly): {exc}") from None


def _tarball(pin: Pin) -> bytes:
    """The pin's tarball: by ``npm pack`` where npm is installed, else from the registry directly."""
    if shutil.which("npm") is None:
        return _download(pin)
    with tempfile.TemporaryDirectory() as tmp:
        return _npm_pack(pin.spec, Path(tmp)).read_bytes()


def _npm_pack(spec: str, folder: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise FetchError("npm is not installed")
    done = subprocess.run([npm, "pack", spec, "--silent"], cwd=folder, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise FetchError(f"npm pack {spec} failed: {done.stderr.strip() or done.stdout.strip()}")
    tarballs = sorted(folder.glob("*.tgz"))
    if len(tarballs) != 1:
        raise FetchError(f"npm pack {spec} wrote {len(tarballs)} tarballs")
    return tarballs[0]


def unpack(pin: Pin, tarball: bytes, into: Path) -> None:
    """Check ``tarball`` against the pin's integrity and write the pin's files into ``into/{name}/``."""
    got = integrity(tarball)
    if got != pin.integrity:
        raise FetchError(f"{pin.spec}: the tarball's integrity is {got}, not the pinned {pin.integrity}")
    target = into / pin.name
    staging = Path(tempfile.mkdtemp(prefix=f".{pin.name}-", dir=into))
    staging.chmod(0o755)
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
            for name in pin.files:
                member = tar.extractfile(f"package/{name}")
                if member is None:
                    raise FetchError(f"{pin.spec} has no file {name}")
                (staging / Path(name).name).write_bytes(member.read())
        (staging / "INTEGRITY").write_text(f"{pin.spec} {pin.integrity}\n", encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def fetched(pin: Pin, into: Path) -> bool:
    """Whether ``into/{name}`` already holds this exact version (its INTEGRITY file)."""
    stamp = into / pin.name / "INTEGRITY"
    return stamp.is_file() and stamp.read_text(encoding="utf-8").split() == [pin.spec, pin.integrity]


def fetch(pins: tuple[Pin, ...] = PINS, into: Path | None = None) -> list[str]:
    """Fetch every pin not yet there (``npm pack``, else from the registry), verified; returns what was fetched."""
    into = into or VENDOR
    into.mkdir(parents=True, exist_ok=True)
    done = []
    for pin in pins:
        if fetched(pin, into):
            continue
        unpack(pin, _tarball(pin), into)
        done.append(pin.spec)
    return done


def main() -> int:
    try:
        for spec in fetch():
            print(f"fetched {spec} into {VENDOR}")
    except FetchError as exc:
        print(f"kkni: cannot fetch the front-end assets: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
