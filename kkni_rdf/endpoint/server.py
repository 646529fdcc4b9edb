"""The HTTP server: uvicorn (httptools), with the limits a public endpoint needs before the app sees a request.

uvicorn on its own holds a connection that never finishes its request for ever (its keep-alive
timeout starts only after a first response), reads a request line and headers of any length,
and answers what its parser refuses with a plain-text 400 and a reset. A proxy-grade server
(nginx, HAProxy) in front would fix both, but ``kkni serve`` must be safe by itself, and the fix
is small: this subclass of uvicorn's httptools protocol (pinned in constraints.txt) adds

- a **read timeout**: a request's head and body must arrive within ``read_timeout`` seconds of
  its first byte (or of the connection's opening); otherwise 408, in JSON, and the connection is
  closed. Idle keep-alive connections are closed by uvicorn after ``timeout_keep_alive``;
- **size limits with JSON answers**: the request line and headers may take ``max_head`` bytes
  (enough for the longest query the endpoint takes, percent-encoded, in a GET), counted as they
  arrive; past it, 414 if the request line is not even complete, else 431. Other malformed
  requests get 400 in JSON;
- a **write timeout**: a client that reads nothing of its answer for ``write_timeout`` seconds
  while the answer waits for it (the transport's buffer over its high-water mark) is dropped, so
  that slow readers of a large download cannot hold connections and memory as long as they like
  (nginx's ``send_timeout``). A client that reads, however slowly, keeps its connection;
- a **lingering close**: after such an answer the connection is half-closed and what the client
  still sends is read and dropped (up to ``linger_bytes`` or ``linger_seconds``), so that the
  client reads the answer instead of a connection reset.

httptools (llhttp, in C) rather than h11 (pure Python): the same server answers about twice the
requests per second (``python -m bench.endpoint``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from kkni_rdf.endpoint import errors
from kkni_rdf.endpoint.errors import Outcome

log = logging.getLogger("kkni.endpoint")

#: bytes of request line and headers: a 256 KiB query percent-encoded is at most 768 KiB
MAX_HEAD = 1024 * 1024

_PARSE_URL_MAX = 65535  # bytes httptools.parse_url reads

_PHRASES = {400: "Bad Request", 408: "Request Timeout", 414: "URI Too Long", 431: "Request Header Fields Too Large"}


def raw_answer(outcome: Outcome) -> bytes:
    """An HTTP/1.1 answer, written directly (no request may have been read), that closes the connection."""
    head = [
        f"HTTP/1.1 {outcome.status} {_PHRASES.get(outcome.status, 'Error')}",
        f"content-type: {outcome.media_type}",
        f"content-length: {len(outcome.body)}",
        "connection: close",
        *(f"{k}: {v}" for k, v in outcome.headers),
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + outcome.body


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a read timeout, size limits and JSON answers to what it refuses, and a lingering close."""

    read_timeout: float = 10.0
    write_timeout: float = 30.0
    max_head: int = MAX_HEAD
    linger_seconds: float = 5.0
    linger_bytes: int = 64 * 1024 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_timer: asyncio.TimerHandle | None = None
        self._write_timer: asyncio.TimerHandle | None = None
        self._discarding = False
        self._discarded = 0
        self._receiving = False  # a request has begun and is not whole yet
        self._in_head = False  # ... and its head is not whole yet
        self._head = bytearray()  # the head's first bytes (up to max_head + 2), while it arrives
        self._head_size = 0

    # -- what a request is doing (the parser's callbacks)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._receiving = self._in_head = True
        self._head.clear()
        self._head_size = 0

    def on_headers_complete(self) -> None:
        self._in_head = False
        # httptools.parse_url (http-parser's) keeps offsets in 16 bits: a request target over 64 KiB
        # (a long query in a GET) is split here, at its first "?", the way it would split it
        query = None
        if len(self.url) > _PARSE_URL_MAX and b"?" in self.url:
            path, _, rest = self.url.partition(b"?")
            self.url, query = path, rest.partition(b"#")[0]
        super().on_headers_complete()
        if query is not None:
            self.scope["query_string"] = query  # read by the app's task, which has not started yet

    def on_message_complete(self) -> None:
        self._receiving = False
        super().on_message_complete()

    # -- the read timeout

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        if self._read_timer is None:
            self._read_timer = self.loop.call_later(self.read_timeout, self._read_timed_out)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def data_received(self, data: bytes) -> None:
        if self._discarding:
            self._discarded += len(data)
            if self._discarded > self.linger_bytes:
                self.transport.close()
            return
        super().data_received(data)
        if self._discarding or self.transport.is_closing():
            return
        if self._in_head and self._over_head_limit(data):
            return
        if self._receiving:  # a request is on its way
            self._arm()
        else:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self._stop_write_timer()
        super().connection_lost(exc)

    # -- the write timeout

    def pause_writing(self) -> None:
        """The client is not reading what it is sent as fast as it comes: it has ``write_timeout`` s to read some."""
        super().pause_writing()
        if self._write_timer is None:
            self._write_timer = self.loop.call_later(self.write_timeout, self._write_timed_out)

    def resume_writing(self) -> None:
        self._stop_write_timer()
        super().resume_writing()

    def _stop_write_timer(self) -> None:
        if self._write_timer is not None:
            self._write_timer.cancel()
            self._write_timer = None

    def _write_timed_out(self) -> None:
        self._write_timer = None
        if self.transport.is_closing():
            return
        log.info("- %s dropped (read nothing of its answer for %g s)", self._peer(), self.write_timeout)
        self.transport.abort()  # what is buffered for it is dropped; the answer's task is told it went away

    def _read_timed_out(self) -> None:
        self._read_timer = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if not self._receiving and cycle is not None:
            return  # between two requests: uvicorn's keep-alive timeout closes it
        if cycle is not None and not self._in_head and not cycle.response_complete:
            if cycle.response_started:
                self.transport.close()
                return
            cycle.disconnected = True  # the app waiting for the body is told the client went away
            cycle.message_event.set()
        log.info("- %s 408 (request not received whole within %g s)", self._peer(), self.read_timeout)
        self._refuse(errors.request_timeout(self.read_timeout))

    # -- what the parser refuses, and the head's size

    def _over_head_limit(self, data: bytes) -> bool:
        """Count ``data`` into the head; past ``max_head``: 414 if the request line is not even whole, else 431."""
        self._head_size += len(data)
        if len(self._head) <= self.max_head + 1:
            self._head += data[: self.max_head + 2 - len(self._head)]
        if self._head_size <= self.max_head:
            return False
        whole_line = b"\r\n" in self._head[: self.max_head]
        outcome = errors.headers_too_large(self.max_head) if whole_line else errors.uri_too_long(self.max_head)
        log.info("- %s %d (request head over %d bytes)", self._peer(), outcome.status, self.max_head)
        self._refuse(outcome)
        return True

    def send_400_response(self, msg: str) -> None:
        """The parser could not read the request: 400, in JSON."""
        log.info("- %s 400 (%s)", self._peer(), msg)
        self._refuse(errors.bad_request("The request is not valid HTTP/1.1.", "Permintaan bukan HTTP/1.1 yang valid."))

    def _peer(self) -> str:
        return f"{self.client[0]}:{self.client[1]}" if self.client else "-"

    def _refuse(self, outcome: Outcome) -> None:
        """Answer ``outcome`` and close: half-close, then read and drop what the client still sends."""
        self._disarm()
        self._unset_keepalive_if_required()
        self.transport.write(raw_answer(outcome))
        self._discarding = True
        self.transport.resume_reading()
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(self.linger_seconds, self.transport.close)

    def eof_received(self) -> bool | None:  # type: ignore[override]  # asyncio.Protocol: True keeps the transport open
        """The client has sent all it will (a half-close): its request is still answered, then the
        connection closed; an incomplete request still gets its 408 at the read timeout."""
        if self._discarding:
            self.transport.close()
            return None
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            cycle.keep_alive = False  # uvicorn closes the connection once the answer is written
            return True
        if self._receiving:
            return True
        return None  # nothing under way: the transport closes


def protocol_class(read_timeout: float, max_head: int = MAX_HEAD, write_timeout: float = 30.0) -> type[GuardedHttpToolsProtocol]:
    """The protocol class with these settings (uvicorn makes one protocol object per connection)."""
    settings = {"read_timeout": read_timeout, "max_head": max_head, "write_timeout": write_timeout}
    return type("KkniHttpProtocol", (GuardedHttpToolsProtocol,), settings)
