"""One query: checked, evaluated on the store and serialised under the size caps.

This runs inside a query worker process (``kkni_rdf.endpoint.pool``), so that a deadline can stop
it; it is a plain function of the store and the job, and tests call it directly too.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass, field
from itertools import islice

import pyoxigraph as ox

from kkni_rdf.endpoint.guard import Refused, check_graphs, check_query
from kkni_rdf.formats import GRAPH_FORMATS, RESULT_FORMATS, content_type, media_type_of, rdf_format, results_format
from kkni_rdf.store.embedded import default_prefixes
from kkni_rdf.store.protocol import QueryableStore, QueryError

log = logging.getLogger("kkni.endpoint")

JSON_TYPE = "application/json"


@dataclass(frozen=True)
class Limits:
    max_results: int = 100_000  # solutions (SELECT) or triples (CONSTRUCT/DESCRIBE)
    max_bytes: int = 64 * 1024 * 1024  # of the serialised answer


@dataclass(frozen=True)
class Job:
    """A query and how its client wants the answer."""

    text: str
    result_format: str | None  # the negotiated key for SELECT/ASK, None if the client accepts none
    graph_format: str | None  # the negotiated key for CONSTRUCT/DESCRIBE
    default_graphs: tuple[str, ...] | None = None  # default-graph-uri (None: not given)
    named_graphs: tuple[str, ...] | None = None  # named-graph-uri
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True)
class Outcome:
    """A finished HTTP answer: status, Content-Type and body."""

    status: int
    media_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def cacheable(self) -> bool:
        return self.status < 500 and self.status not in (408, 429)


def error(status: int, payload: dict[str, object], headers: tuple[tuple[str, str], ...] = ()) -> Outcome:
    return Outcome(status, JSON_TYPE, json.dumps(payload, ensure_ascii=False).encode("utf-8"), headers)


def refused(r: Refused) -> Outcome:
    return error(r.status, r.as_dict())


def malformed(e: QueryError) -> Outcome:
    body = e.as_dict()
    body["pesan"] = "kueri tidak valid"
    return error(400, body)


def too_large(what: str, limit: int) -> Outcome:
    return error(
        422,
        {
            "error": "result too large",
            "message": f"The answer exceeds this endpoint's limit of {limit} {what}; add LIMIT or narrow the query.",
            "pesan": f"Jawaban melebihi batas {limit} {what}; tambahkan LIMIT atau persempit kueri.",
            "limit": limit,
            "unit": what,
        },
    )


def not_acceptable(form: str, offered: list[str]) -> Outcome:
    return error(
        406,
        {
            "error": "not acceptable",
            "message": f"No format the request accepts can carry a {form.upper()} result; this one can be sent as: {', '.join(offered)}.",
            "pesan": f"Tidak ada format yang diterima permintaan untuk hasil {form.upper()}.",
            "available": offered,
        },
    )


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


def serialise(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, job: Job, prefixes: dict[str, str]) -> Outcome:
    """The result in the negotiated format, or a 406/422 error; never a truncated body."""
    limits = job.limits
    if isinstance(result, ox.QueryTriples):
        if job.graph_format is None:
            return not_acceptable("construct/describe", [f.media_type for f in GRAPH_FORMATS])
        triples = list(islice(result, limits.max_results + 1))
        if len(triples) > limits.max_results:
            return too_large("triples", limits.max_results)
        out = _Capped(limits.max_bytes)
        try:
            ox.serialize(triples, out, format=rdf_format(job.graph_format), prefixes=prefixes)
        except _TooLarge:
            return too_large("bytes", limits.max_bytes)
        return _ok(job.graph_format, out.getvalue())
    if job.result_format is None:
        form = "ask" if isinstance(result, ox.QueryBoolean) else "select"
        return not_acceptable(form, [f.media_type for f in RESULT_FORMATS])
    fmt = results_format(job.result_format)
    if isinstance(result, ox.QueryBoolean):
        return _ok(job.result_format, result.serialize(format=fmt) or b"")
    # SELECT: the solutions are written once as TSV (one line per solution) to count them under
    # the caps, then, unless TSV was asked for, read back and written in the format asked for.
    tsv = _Capped(limits.max_bytes)
    try:
        result.serialize(tsv, format=ox.QueryResultsFormat.TSV)
    except _TooLarge:
        return too_large("bytes", limits.max_bytes)
    rows = tsv.getvalue().count(b"\n") - 1
    if rows > limits.max_results:
        return too_large("solutions", limits.max_results)
    if job.result_format == "tsv":
        return _ok("tsv", tsv.getvalue())
    out = _Capped(limits.max_bytes)
    try:
        ox.parse_query_results(tsv.getvalue(), format=ox.QueryResultsFormat.TSV).serialize(out, format=fmt)
    except _TooLarge:
        return too_large("bytes", limits.max_bytes)
    return _ok(job.result_format, out.getvalue())


def execute(store: QueryableStore, job: Job) -> Outcome:
    """Check, run and serialise ``job`` on ``store`` (read-only: only ``Store.query`` is called)."""
    prefixes = default_prefixes(store.base)
    known = store.graphs()
    try:
        shape = check_query(job.text, known, prefixes)
        kwargs: dict[str, object] = {}
        if job.default_graphs is not None or job.named_graphs is not None:
            # The protocol's dataset overrides the query's (SPARQL 1.1 Protocol §2.1.4).
            dg, ng = job.default_graphs or (), job.named_graphs
            check_graphs([*dg, *(ng or ())], known)
            kwargs = {"use_default_graph_as_union": False, "default_graph": [ox.NamedNode(g) for g in dg]}
            if ng is not None:
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in ng]
        elif shape.has_dataset:
            kwargs = {"use_default_graph_as_union": False}  # let FROM / FROM NAMED define the dataset
        result = store.query(job.text, **kwargs)
        return serialise(result, job, prefixes)
    except Refused as r:
        return refused(r)
    except QueryError as e:
        return malformed(e)
