"""The pages in a real browser: Debian's headless Chromium driven by Selenium, against `kkni serve`
started on a free loopback port. CI installs Chromium and ChromeDriver (.ci/run); without them these
tests fail, saying so (they are never skipped)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.helpers import free_port, serving

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
#: As the machine's own check starts it: no sandbox (root), no GPU, and no background requests to the web.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--window-size=1400,1000",
)


def _missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists() and not shutil.which(Path(path).name):
            return f"{path} is missing: the browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run installs them)"
    return None


@dataclass
class Server:
    url: str
    vendor: str | None = None  # KKNI_VENDOR_DIR the server was started with


@dataclass
class Browser:
    """A Chromium session that records every URL the page requests (Chrome's performance log)."""

    driver: object
    server: Server
    requested: list[str] = field(default_factory=list)

    def get(self, path: str) -> None:
        self.driver.get(self.server.url + path)  # type: ignore[attr-defined]

    def requests(self) -> list[str]:
        """Every URL requested since the last call (documents, scripts, styles, fetches, images, …)."""
        for entry in self.driver.get_log("performance"):  # type: ignore[attr-defined]
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self.requested.append(message["params"]["request"]["url"])
        out, self.requested = self.requested, []
        return out

    def outside(self) -> list[str]:
        """The requests that left this machine's loopback (none may)."""
        return [
            u
            for u in self.requests()
            if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).hostname not in ("127.0.0.1", "localhost")
        ]

    def screenshot(self, path: Path) -> Path:
        self.driver.save_screenshot(str(path))  # type: ignore[attr-defined]
        return path


def start_server(vendor: str | None = None) -> Iterator[Server]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    if vendor is not None:
        env["KKNI_VENDOR_DIR"] = vendor
    cmd = [sys.executable, "-m", "kkni_rdf", "serve", "--port", str(port), "--workers", "1", "--timeout", "20"]
    with serving(cmd, url + "/healthz", cwd=Path(tempfile.gettempdir()), env=env):
        yield Server(url, vendor)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """`kkni serve` with the front-end assets `make setup` fetched."""
    yield from start_server()


@pytest.fixture(scope="session")
def bare_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`kkni serve` where the front-end assets were not fetched (an empty KKNI_VENDOR_DIR): the fallback pages."""
    yield from start_server(str(tmp_path_factory.mktemp("no-vendor")))


def _driver(profile: Path) -> object:
    missing = _missing()
    if missing:
        pytest.fail(missing)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")  # a fresh profile: nothing remembered between tests
    options.add_argument("--lang=en-US")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture
def browser(server: Server, tmp_path: Path) -> Iterator[Browser]:
    driver = _driver(tmp_path / "profile")
    try:
        yield Browser(driver, server)
    finally:
        driver.quit()  # type: ignore[attr-defined]


@pytest.fixture
def bare_browser(bare_server: Server, tmp_path: Path) -> Iterator[Browser]:
    driver = _driver(tmp_path / "profile")
    try:
        yield Browser(driver, bare_server)
    finally:
        driver.quit()  # type: ignore[attr-defined]
