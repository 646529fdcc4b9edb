"""The endpoint's answers as values (``Outcome``), and every error answer, built here and nowhere else.

An error is JSON: ``{"error": …, "message": … (English), "pesan": … (Indonesian), …}`` plus the
fields that say what and where (``line``/``column``, ``limit``/``unit``, ``unknown``/``known``,
``available``). The statuses are listed in docs/endpoint.md; a 500 only ever means our fault.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace

from kkni_rdf.store.guard import Refused, service_refused, too_deep, unknown_graphs, update_refused
from kkni_rdf.store.protocol import QueryError
from kkni_rdf.store.remote import RemoteError, RemoteTimeout

__all__ = ["Outcome", "Refused", "refused", "service_refused", "too_deep", "unknown_graphs", "update_refused"]

JSON_TYPE = "application/json"


@dataclass(frozen=True)
class Outcome:
    """A finished HTTP answer: status, Content-Type and body (and extra headers)."""

    status: int
    media_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def cacheable(self) -> bool:
        """Whether the answer depends only on the request (the data never changes while the server runs)."""
        return self.status < 500 and self.status not in (408, 429)


def error(status: int, error: str, message: str, pesan: str, /, **extra: object) -> Outcome:
    body = {"error": error, "message": message, "pesan": pesan, **extra}
    return Outcome(status, JSON_TYPE, json.dumps(body, ensure_ascii=False).encode("utf-8"))


# -- what a query may not do (400, 403): built by the one guard, ``kkni_rdf.store.guard``


def refused(r: Refused) -> Outcome:
    return error(r.status, r.error, r.message, r.pesan, **r.extra)


def malformed(e: QueryError) -> Outcome:
    return error(400, "malformed query", e.message, e.pesan, line=e.line, column=e.column)


def query_failed(message: str) -> Outcome:
    """400: the engine refused to evaluate the query, or failed on it (an unsupported function, …): its own words."""
    return error(
        400,
        "query error",
        f'The query engine cannot evaluate this query: "{message}"',
        f'Mesin kueri tidak dapat mengevaluasi kueri ini: "{message}"',
    )


# -- requests the protocol cannot read (400, 413, 415)


def missing_query(message: str = "The query is empty.", pesan: str = "Kueri kosong.") -> Outcome:
    return error(400, "missing query", message, pesan)


def missing_form_query() -> Outcome:
    return missing_query("The form has no `query` field.", "Formulir tidak memiliki isian `query`.")


def unknown_format(fmt: str, available: list[str]) -> Outcome:
    return error(400, "unknown format", f"Unknown format {fmt!r}.", f"Format {fmt!r} tidak dikenal.", available=available)


def bad_encoding(charset: str, exc: UnicodeDecodeError) -> Outcome:
    return error(
        400,
        "bad encoding",
        f"The body is not valid {charset}: {exc.reason} at byte {exc.start}.",
        f'Isi permintaan bukan {charset} yang valid: byte {exc.start} tidak dapat dibaca ("{exc.reason}").',
    )


def request_too_large(limit: int) -> Outcome:
    return error(
        413, "request too large", f"The query is longer than {limit} bytes.", f"Kueri lebih panjang dari {limit} byte.", limit=limit
    )


def unsupported_media_type(media: str) -> Outcome:
    return error(
        415,
        "unsupported media type",
        f"POST a query as application/sparql-query or as a form (application/x-www-form-urlencoded), not {media or 'no content type'}.",
        f"Kirim kueri sebagai application/sparql-query atau sebagai formulir (application/x-www-form-urlencoded), bukan {media or 'tanpa jenis konten'}.",
    )


def unsupported_charset(charset: str) -> Outcome:
    return error(415, "unsupported charset", f"Unknown charset {charset!r}.", f"Charset {charset!r} tidak dikenal.")


# -- what cannot be answered (404, 406, 422)


def not_found(message: str, pesan: str) -> Outcome:
    return error(404, "not found", message, pesan)


def not_acceptable(form: str, offered: list[str]) -> Outcome:
    return error(
        406,
        "not acceptable",
        f"No format the request accepts can carry a {form.upper()} result; this one can be sent as: {', '.join(offered)}.",
        f"Tidak ada format yang diterima permintaan yang dapat membawa hasil {form.upper()}; hasil ini dapat dikirim sebagai: {', '.join(offered)}.",
        available=offered,
    )


def too_large(what: str, limit: int) -> Outcome:
    return error(
        422,
        "result too large",
        f"The answer exceeds this endpoint's limit of {limit} {what}; add LIMIT or narrow the query.",
        f"Jawaban melebihi batas {limit} {what}; tambahkan LIMIT atau persempit kueri.",
        limit=limit,
        unit=what,
    )


# -- the query workers (500, 503, 504)


def internal(message: str, pesan: str) -> Outcome:
    return error(500, "internal error", message, pesan)


def engine_crashed() -> Outcome:
    """500: the worker evaluating the query died, neither stopped by us nor out of memory: the engine
    crashed on it (a panic that aborts, a fault). The pool logs the query and the worker's last words."""
    return error(
        500,
        "engine crashed",
        "The query engine crashed on this query; this is our fault (or the engine's), not the query's. "
        "The query was logged and the worker replaced.",
        "Mesin kueri mogok pada kueri ini; ini kesalahan kami (atau mesin kueri), bukan kesalahan kueri. "
        "Kueri dicatat dan pekerja kueri diganti.",
    )


def _retry(answer: Outcome, seconds: float) -> Outcome:
    return replace(answer, headers=(("Retry-After", str(max(1, math.ceil(seconds)))),))


def stopping() -> Outcome:
    """503: the server is stopping (SIGTERM) and ``--shutdown-seconds`` ran out before this answer was
    ready; another instance, or this one restarted, will answer."""
    answer = error(
        503,
        "stopping",
        "The server is stopping and could not finish this answer in time; send the request again.",
        "Server sedang berhenti dan tidak sempat menyelesaikan jawaban ini; kirim permintaan itu lagi.",
    )
    return _retry(answer, 1)


def busy(retry_after: float = 1.0) -> Outcome:
    """503: every query worker stayed busy until the deadline, or the queue of waiting queries is full."""
    answer = error(
        503, "busy", "Every query worker is busy; try again shortly.", "Semua pekerja kueri sedang sibuk; coba lagi sebentar lagi."
    )
    return _retry(answer, retry_after)


def long_lane_full(limit: int, retry_after: float) -> Outcome:
    """503: the query ran past the short time while the long queries' slots were all taken; it was stopped."""
    answer = error(
        503,
        "busy",
        f"The query ran long while {limit} other long {'query was' if limit == 1 else 'queries were'} running; it was stopped "
        "so that short queries keep being answered. Try again later, or narrow the query.",
        f"Kueri berjalan lama sementara {limit} kueri panjang lain sedang berjalan; kueri dihentikan "
        "agar kueri pendek tetap dijawab. Coba lagi nanti, atau persempit kueri.",
        lane="long",
    )
    return _retry(answer, retry_after)


def too_many_requests(limit: int, retry_after: float, running_long: bool = False, stopped: bool = False) -> Outcome:
    """429: this client already has its share of queries waiting or running (or its one long query), or
    came back before the Retry-After it was given when its long query was stopped."""
    what = "a long query running" if running_long else f"{limit} queries waiting or running"
    message = f"You already have {what}; wait for {'it' if running_long else 'them'} to finish."
    apa = "satu kueri panjang yang sedang berjalan" if running_long else f"{limit} kueri yang menunggu atau berjalan"
    pesan = f"Anda sudah memiliki {apa}; tunggu sampai {'kueri itu' if running_long else 'semuanya'} selesai."
    if stopped:
        message = "Your last query was stopped for running long while the long-query lane was taken; wait for Retry-After."
        pesan = "Kueri terakhir Anda dihentikan karena berjalan lama saat jalur kueri panjang terpakai; tunggu selama Retry-After."
    answer = error(
        429,
        "too many requests",
        message,
        pesan,
        limit=1 if running_long else limit,
    )
    return _retry(answer, retry_after)


def memory_limit(limit: int) -> Outcome:
    """422: evaluating the query needed more memory than a query worker may take (the worker was replaced)."""
    return error(
        422,
        "memory limit",
        f"The query needed more than this endpoint's {limit // 2**20} MiB of working memory and was stopped; add LIMIT or narrow the query.",
        f"Kueri membutuhkan lebih dari {limit // 2**20} MiB memori dan dihentikan; tambahkan LIMIT atau persempit kueri.",
        limit=limit,
        unit="bytes of memory",
    )


def timeout(seconds: float) -> Outcome:
    return error(
        504,
        "query timeout",
        f"The query did not finish within this endpoint's deadline of {seconds:g} s and was stopped.",
        f"Kueri tidak selesai dalam batas waktu {seconds:g} detik dan dihentikan.",
        timeout=seconds,
    )


# -- what the HTTP server refuses before the app sees the request (400, 405, 408, 414, 431)


def query_twice() -> Outcome:
    return error(
        400,
        "query given twice",
        "Give the `query` parameter exactly once (SPARQL 1.1 Protocol §2.1).",
        "Berikan parameter `query` tepat satu kali (SPARQL 1.1 Protocol §2.1).",
    )


def bad_request(message: str, pesan: str, **extra: object) -> Outcome:
    return error(400, "bad request", message, pesan, **extra)


def method_not_allowed(method: str, allowed: list[str]) -> Outcome:
    answer = error(
        405,
        "method not allowed",
        f"{method} is not allowed here; use {', '.join(allowed)}.",
        f"Metode {method} tidak diizinkan di sini; gunakan {', '.join(allowed)}.",
        allowed=allowed,
    )
    return replace(answer, headers=(("Allow", ", ".join(allowed)),))


def request_timeout(seconds: float) -> Outcome:
    return error(
        408,
        "request timeout",
        f"The request was not received whole within {seconds:g} s; the connection is closed.",
        f"Permintaan tidak diterima utuh dalam {seconds:g} detik; koneksi ditutup.",
        timeout=seconds,
    )


def uri_too_long(limit: int) -> Outcome:
    return error(
        414,
        "uri too long",
        f"The request line is longer than {limit} bytes; POST long queries (up to the query limit) instead.",
        f"Baris permintaan lebih panjang dari {limit} byte; kirim kueri panjang dengan POST (sampai batas ukuran kueri).",
        limit=limit,
    )


def headers_too_large(limit: int) -> Outcome:
    return error(
        431,
        "headers too large",
        f"The request's headers are longer than {limit} bytes.",
        f"Header permintaan lebih panjang dari {limit} byte.",
        limit=limit,
    )


# -- the store behind --store (502, 503, 504): its faults, named, never our 500

#: What each named fault of ``store.remote`` says happened, in English and Indonesian.
_STORE_FAULTS: dict[str, tuple[str, str]] = {
    "store unreachable": ("cannot be reached", "tidak dapat dijangkau"),
    "store refused connection": (
        "refused the connection: it is not running, or restarting",
        "menolak koneksi: tidak berjalan, atau sedang dimulai ulang",
    ),
    "store timeout": ("did not answer in time", "tidak menjawab tepat waktu"),
    "store answer cut": ("sent an incomplete answer", "mengirim jawaban yang tidak lengkap"),
    "store error": ("answered with an error of its own", "menjawab dengan galatnya sendiri"),
}


def store_fault(exc: RemoteError, status: int | None = None, /, **extra: object) -> Outcome:
    """502, 503 or 504 (``exc.status``): the SPARQL store this endpoint serves from (``--store``) failed,
    not the query and not this endpoint. The body names the fault (``error``), carries the store's own
    words (``store``) and what to try (``hint``); 503 and 504 say when to try again (Retry-After)."""
    what, apa = _STORE_FAULTS.get(exc.kind, _STORE_FAULTS["store error"])
    if isinstance(exc, RemoteTimeout) and exc.seconds:
        what, apa = f"did not answer within {exc.seconds:g} s", f"tidak menjawab dalam {exc.seconds:g} detik"
    said = f' It said: "{exc.said}".' if exc.said else ""
    hint = exc.hint or "try again shortly"
    code = status or exc.status
    answer = error(
        code,
        exc.kind,
        f"The SPARQL store this endpoint serves from {what}.{said} Try: {hint}.",
        f"Penyimpanan SPARQL yang dilayani endpoint ini {apa}.{said} Coba lagi sebentar lagi; pengelola endpoint dapat memeriksa penyimpanannya.",
        store=exc.said or None,
        hint=hint,
        **extra,
    )
    return _retry(answer, 5) if code in (503, 504) else answer
