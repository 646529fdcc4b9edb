"""HTTP that caches well: HEAD on every GET route, validators on every answer, 304s (RFC 9110, 9111).

The data never changes while the server runs, so an answer's bytes identify it: each complete 200
answer to a GET gets a strong ``ETag`` (a hash of its body) and ``Last-Modified`` (when the served
data last changed: the newest of the embedded store's files, or the server's start for a remote
store); ``If-None-Match`` (or, without it, ``If-Modified-Since``) that still holds gets ``304 Not
Modified`` without a body. A HEAD request is answered as the GET would be, without the body
(FastAPI routes declare GET only). HTML pages also vary by ``Accept-Language`` (``i18n``).

A plain ASGI middleware; answers that carry their own validators (the static files) pass as they are.
"""

from __future__ import annotations

import hashlib
import time
from email.utils import formatdate, parsedate_to_datetime

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kkni_rdf.store.embedded import default_graph_files


def data_time() -> float:
    """When the embedded store's data last changed: the newest modification time of its files."""
    return max((f.path.stat().st_mtime for f in default_graph_files()), default=time.time())


def _etag_matches(header: str, etag: str) -> bool:
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


def _not_modified_since(header: str, modified: float) -> bool:
    try:
        return parsedate_to_datetime(header).timestamp() >= int(modified)
    except (TypeError, ValueError, IndexError):
        return False


class HttpCaching:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._modified: float | None = None

    def modified(self, scope: Scope) -> float:
        if self._modified is None:
            endpoint = getattr(scope["app"].state, "endpoint", None)
            remote = endpoint is not None and endpoint.config.store_url
            self._modified = time.time() if remote else data_time()
        return self._modified

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        request = Headers(scope=scope)
        start: Message | None = None
        chunks: list[bytes] = []
        passing = False  # an answer this middleware leaves as it is (not a 200, or one with its own validators)

        async def sending(message: Message) -> None:
            nonlocal start, passing
            if message["type"] == "http.response.start":
                headers = Headers(raw=message["headers"])
                if message["status"] != 200 or "etag" in headers:
                    passing = True
                    await send(message)
                else:
                    start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            if passing:
                await send({**message, "body": b""} if head else message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            if start is None:  # a body before its start: not ASGI
                raise RuntimeError("response body sent before its start")
            await self._finish(scope, request, start, b"".join(chunks), head, send)

        await self.app({**scope, "method": "GET"} if head else scope, receive, sending)

    async def _finish(self, scope: Scope, request: Headers, start: Message, body: bytes, head: bool, send: Send) -> None:
        etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
        modified = self.modified(scope)
        headers = MutableHeaders(raw=list(start["headers"]))
        headers["ETag"] = etag
        headers["Last-Modified"] = formatdate(modified, usegmt=True)
        if headers.get("content-type", "").startswith("text/html") and "accept-language" not in headers.get("vary", "").lower():
            headers["Vary"] = ", ".join(v for v in (headers.get("vary"), "Accept-Language") if v)
        if_none_match = request.get("if-none-match")
        fresh = _etag_matches(if_none_match, etag) if if_none_match else _not_modified_since(request.get("if-modified-since", ""), modified)
        if fresh:
            kept = [(k, v) for k, v in headers.raw if k not in (b"content-length", b"content-type")]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({**start, "headers": headers.raw})
        await send({"type": "http.response.body", "body": b"" if head else body})
