"""The HTTP server: uvicorn (h11), with the limits a public endpoint needs before the app sees a request.

uvicorn on its own holds a connection that never finishes its request for ever (its keep-alive
timeout starts only after a first response), and answers a request line or headers past h11's
buffer limit (16 KiB) with a plain-text 400 and a reset. A proxy-grade server (nginx, HAProxy)
in front would fix both, but ``kkni serve`` must be safe by itself, and the fix is small: this
subclass of uvicorn's h11 protocol (pinned in constraints.txt) adds

- a **read timeout**: a request's head and body must arrive within ``read_timeout`` seconds of
  its first byte (or of the connection's opening); otherwise 408, in JSON, and the connection is
  closed. Idle keep-alive connections are closed by uvicorn after ``timeout_keep_alive``;
- **size limits with JSON answers**: the request line and headers may take ``max_head`` bytes
  (enough for the longest query the endpoint takes, percent-encoded, in a GET); past it, 414 if
  the request line is not even complete, else 431. Other malformed requests get 400 in JSON;
- a **lingering close**: after such an answer the connection is half-closed and what the client
  still sends is read and dropped (up to ``linger_bytes`` or ``linger_seconds``), so that the
  client reads the answer instead of a connection reset.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from kkni_rdf.endpoint import errors
from kkni_rdf.endpoint.errors import Outcome

log = logging.getLogger("kkni.endpoint")

#: bytes of request line and headers: a 256 KiB query percent-encoded is at most 768 KiB
MAX_HEAD = 1024 * 1024

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


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a read timeout, JSON answers to what h11 refuses, and a lingering close."""

    read_timeout: float = 10.0
    max_head: int = MAX_HEAD
    linger_seconds: float = 5.0
    linger_bytes: int = 64 * 1024 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_timer: asyncio.TimerHandle | None = None
        self._discarding = False
        self._discarded = 0

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
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY):  # a request is (or may be) on its way
            self._arm()
        else:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _read_timed_out(self) -> None:
        self._read_timer = None
        if self.transport.is_closing() or self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):
            return
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete and self.conn.their_state is h11.SEND_BODY:
            if cycle.response_started:
                self.transport.close()
                return
            cycle.disconnected = True  # the app waiting for the body is told the client went away
            cycle.message_event.set()
        elif self.conn.their_state is h11.IDLE and not self.conn.trailing_data[0] and cycle is not None:
            return  # between two requests: uvicorn's keep-alive timeout closes it
        log.info("- %s 408 (request not received whole within %g s)", self._peer(), self.read_timeout)
        self._refuse(errors.request_timeout(self.read_timeout))

    # -- what h11 refuses

    def send_400_response(self, msg: str) -> None:
        """h11 could not read the request: too long a head (414/431) or malformed (400), in JSON."""
        buffered, _ = self.conn.trailing_data
        if len(buffered) > self.max_head:
            outcome = (
                errors.uri_too_long(self.max_head) if b"\r\n" not in buffered[: self.max_head] else errors.headers_too_large(self.max_head)
            )
        else:
            outcome = errors.bad_request("The request is not valid HTTP/1.1.")
        log.info("- %s %d (%s)", self._peer(), outcome.status, msg)
        self._refuse(outcome)

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

    def eof_received(self) -> None:
        if self._discarding:
            self.transport.close()


def protocol_class(read_timeout: float, max_head: int = MAX_HEAD) -> type[GuardedH11Protocol]:
    """The protocol class with these settings (uvicorn makes one protocol object per connection)."""
    return type("KkniH11Protocol", (GuardedH11Protocol,), {"read_timeout": read_timeout, "max_head": max_head})
