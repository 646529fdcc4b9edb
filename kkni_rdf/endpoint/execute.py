"""One query: checked, evaluated on the store and serialised once, under the caps.

This runs inside a query worker process (``kkni_rdf.endpoint.pool``), so that a deadline can stop
it; it is a plain function of the served store and the job.

The caps give 422, never a truncated 200. The answer is written by Oxigraph, in the format asked
for, into a buffer that refuses to grow past ``max_bytes``; then its solutions (SELECT) are
counted in what was written: TSV has one line per solution (line breaks inside terms are
escaped), CSV one record per line break outside quotes (Oxigraph cannot read CSV back: it is
lossy), and JSON and XML are read back by Oxigraph's own parser, which stops past the cap, when
they are long enough to hold more solutions than the cap (a JSON solution takes 3 bytes at least).
CONSTRUCT and DESCRIBE triples are taken one past the cap before anything is written.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from kkni_rdf.endpoint import errors
from kkni_rdf.endpoint.errors import Outcome
from kkni_rdf.endpoint.served import ServedStore
from kkni_rdf.formats import GRAPH_FORMATS, RESULT_FORMATS, content_type, media_type_of, rdf_format, results_format
from kkni_rdf.store.guard import Refused
from kkni_rdf.store.protocol import Dataset, QueryError
from kkni_rdf.store.remote import RemoteError


@dataclass(frozen=True)
class Limits:
    max_results: int  # solutions (SELECT) or triples (CONSTRUCT/DESCRIBE)
    max_bytes: int  # of the serialised answer (no defaults: EndpointConfig states them, once)


@dataclass(frozen=True)
class Job:
    """A query and how its client wants the answer; also the answer's key in the cache."""

    text: str
    result_format: str | None  # the negotiated key for SELECT/ASK, None if the client accepts none
    graph_format: str | None  # the negotiated key for CONSTRUCT/DESCRIBE
    dataset: Dataset | None = None  # default-graph-uri and named-graph-uri (None: neither given)
    base_iri: str | None = None  # the endpoint's URL: relative IRIs in the query resolve against it


class _Capped(io.BytesIO):
    """A byte buffer that refuses to grow past ``limit`` (so no truncated answer is ever sent)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, b: bytes, /) -> int:  # type: ignore[override]  # (Buffer is typing 3.12)
        if self.tell() + memoryview(b).nbytes > self.limit:
            raise _TooLarge
        return super().write(b)


class _TooLarge(Exception):
    pass


def _ok(key: str, body: bytes) -> Outcome:
    return Outcome(200, content_type(media_type_of(key)), body)


def _solutions_in(body: bytes, key: str, at_most: int) -> int:
    """How many solutions the SELECT answer ``body`` (in format ``key``) holds; counting stops past ``at_most``."""
    if key == "tsv":
        return body.count(b"\n") - 1  # the header line, then one line per solution
    if key == "csv":
        outside_quotes = body.split(b'"')[::2]  # a quoted field may hold line breaks; "" inside it splits harmlessly
        return sum(part.count(b"\r\n") for part in outside_quotes) - 1
    solutions = ox.parse_query_results(body, format=results_format(key))
    if not isinstance(solutions, ox.QuerySolutions):  # a boolean answer has no rows to count
        return 0
    return sum(1 for _ in islice(solutions, at_most + 1))


#: The fewest bytes one solution takes in a JSON or XML answer (``{},`` and ``<result/>``): an answer
#: shorter than that many times the cap cannot pass it, and is not read back (most answers).
_MIN_SOLUTION_BYTES = {"json": 3, "xml": 9}


def _may_hold_more(body: bytes, key: str, at_most: int) -> bool:
    """Whether ``body`` is long enough to hold more than ``at_most`` solutions (TSV and CSV: counted anyway, cheaply)."""
    return len(body) >= _MIN_SOLUTION_BYTES.get(key, 0) * (at_most + 1)


def _written(write: Callable[[_Capped], object], limit: int) -> bytes | None:
    """What ``write(buffer)`` wrote, or None if it passed ``limit`` bytes."""
    out = _Capped(limit)
    try:
        write(out)
    except _TooLarge:
        return None
    return out.getvalue()


def serialise(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, job: Job, limits: Limits, prefixes: dict[str, str]) -> Outcome:
    """The result in the negotiated format, or a 406/422 error; never a truncated body."""
    if isinstance(result, ox.QueryTriples):
        if job.graph_format is None:
            return errors.not_acceptable("construct/describe", [f.media_type for f in GRAPH_FORMATS])
        triples = list(islice(result, limits.max_results + 1))
        if len(triples) > limits.max_results:
            return errors.too_large("triples", limits.max_results)
        fmt = rdf_format(job.graph_format)
        try:
            body = _written(lambda out: ox.serialize(triples, out, format=fmt, prefixes=prefixes), limits.max_bytes)
        except (OSError, ValueError):  # a format that cannot carry these triples (JSON-LD has no triple terms)
            others = [f.media_type for f in GRAPH_FORMATS if f.key != job.graph_format]
            return errors.not_acceptable("construct/describe (with triple terms)", others)
        return errors.too_large("bytes", limits.max_bytes) if body is None else _ok(job.graph_format, body)
    if job.result_format is None:
        form = "ask" if isinstance(result, ox.QueryBoolean) else "select"
        return errors.not_acceptable(form, [f.media_type for f in RESULT_FORMATS])
    key = job.result_format
    body = _written(lambda out: result.serialize(out, format=results_format(key)), limits.max_bytes)
    if body is None:
        return errors.too_large("bytes", limits.max_bytes)
    if (
        isinstance(result, ox.QuerySolutions)
        and _may_hold_more(body, key, limits.max_results)
        and _solutions_in(body, key, limits.max_results) > limits.max_results
    ):
        return errors.too_large("solutions", limits.max_results)
    return _ok(key, body)


def execute(served: ServedStore, job: Job, limits: Limits) -> Outcome:
    """Run and serialise ``job``: the store's guard checks it once, on its way in (read-only: only
    ``query`` is ever called on the store). The user's query is a 400 with the engine's words
    wherever the engine refuses or fails on it; anything else raised is ours (the worker's 500)."""
    try:
        result = served.store.query(job.text, job.dataset, job.base_iri)
    except Refused as r:
        return errors.refused(r)
    except QueryError as e:
        return errors.malformed(e)
    except RemoteError as e:  # the store behind --store failed: 502/503/504 with its words, never our 500
        return errors.store_fault(e)
    try:
        return serialise(result, job, limits, served.prefixes)
    except RuntimeError as e:
        if type(e) is not RuntimeError:  # RecursionError, NotImplementedError: ours, the worker's 500
            raise
        # Oxigraph evaluates lazily, as the answer is written: what it cannot evaluate surfaces
        # here as a plain RuntimeError (its evaluation error), the user's query's fault
        return errors.query_failed(str(e))
