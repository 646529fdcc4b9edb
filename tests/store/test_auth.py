"""Credentials for a store (kkni_rdf/store/remote.py): sent only when the store asks, the way it asks.
Digest is shown against Virtuoso (test_virtuoso.py); Basic here, against a small real HTTP server
that asks for it."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from kkni_rdf.store.remote import PASSWORD_VARIABLE, USER_VARIABLE, RemoteStore, StoreAuth, check_url, credentials

USER, PASSWORD = "kkni", "s3cret"


class Recording(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), BasicOnly)
        self.seen: list[str | None] = []  # the Authorization header of every request, in order


class BasicOnly(BaseHTTPRequestHandler):
    """``/private`` wants HTTP Basic (and says so in its 401); ``/open`` wants nothing."""

    server: Recording

    def do_GET(self) -> None:
        self.server.seen.append(self.headers.get("Authorization"))
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if self.path.startswith("/private") and self.headers.get("Authorization") != expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="test"')
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def basic_server() -> Iterator[Recording]:
    server = Recording()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def address(server: Recording) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def test_basic_when_the_store_asks_for_it(basic_server: Recording) -> None:
    with httpx.Client(auth=StoreAuth(USER, PASSWORD)) as client:
        assert client.get(f"{address(basic_server)}/private").status_code == 200
        assert client.get(f"{address(basic_server)}/private").status_code == 200
        assert client.get(f"{address(basic_server)}/open").status_code == 200
    first, answer, second, open_ = basic_server.seen
    assert first is None  # nothing is sent before the store asks
    assert answer is not None and answer.startswith("Basic ")
    assert second == answer  # then sent at once to that address
    assert open_ is None  # and never to an address that did not ask


def test_wrong_credentials_are_not_retried_forever(basic_server: Recording) -> None:
    with httpx.Client(auth=StoreAuth(USER, "wrong")) as client:
        assert client.get(f"{address(basic_server)}/private").status_code == 401
    assert len(basic_server.seen) == 2


def test_credentials_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(USER_VARIABLE, raising=False)
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    assert credentials() is None
    with pytest.raises(ValueError, match=PASSWORD_VARIABLE):
        credentials("someone")
    monkeypatch.setenv(PASSWORD_VARIABLE, PASSWORD)
    assert credentials("someone") == ("someone", PASSWORD)
    monkeypatch.setenv(USER_VARIABLE, USER)
    assert credentials() == (USER, PASSWORD)
    # the endpoint's query workers make their RemoteStore with no auth: they get the environment's
    with RemoteStore("http://127.0.0.1:9/sparql") as store:
        assert store.auth == (USER, PASSWORD) and PASSWORD not in repr(StoreAuth(USER, PASSWORD))


def test_a_password_in_a_store_address_is_refused() -> None:
    assert check_url("http://127.0.0.1:8890/sparql") == "http://127.0.0.1:8890/sparql"
    with pytest.raises(ValueError, match=PASSWORD_VARIABLE):
        check_url(f"http://{USER}:{PASSWORD}@127.0.0.1:8890/sparql")
    with pytest.raises(ValueError):
        RemoteStore(f"http://{USER}:{PASSWORD}@127.0.0.1:8890/sparql")
