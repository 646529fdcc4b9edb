"""The HTTP app: a SPARQL 1.1 endpoint, linked-data pages and a query editor over the embedded store.

The routes are thin: the work is done by ``Endpoint`` (plain, typed, blocking methods run in the
thread pool) and the modules of ``kkni_rdf.endpoint``. Clients' queries are evaluated in worker
processes with a deadline (``kkni_rdf.endpoint.pool``); nothing a request does changes the store.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import FastAPI, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kkni_rdf import __version__
from kkni_rdf.endpoint import describe, pages
from kkni_rdf.endpoint.cache import AnswerCache
from kkni_rdf.endpoint.execute import Job, Limits, Outcome, error, not_acceptable
from kkni_rdf.endpoint.guard import refuse_update
from kkni_rdf.endpoint.named import NAME, NamedQuery, load_named_queries
from kkni_rdf.endpoint.negotiation import accepts_html, negotiate
from kkni_rdf.endpoint.pool import QueryPool
from kkni_rdf.formats import GRAPH_FORMATS, RESULT_FORMATS, content_type, format_key, known_format_names, media_type_of, rdf_format
from kkni_rdf.namespaces import DEFAULT_BASE, KKNI_ONTOLOGY
from kkni_rdf.store.embedded import KkniStore, default_prefixes
from kkni_rdf.store.protocol import QueryableStore

log = logging.getLogger("kkni.endpoint")
STATIC = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class EndpointConfig:
    base: str = DEFAULT_BASE
    timeout: float = 10.0  # seconds per query, evaluation and serialisation included
    workers: int = 2  # query worker processes
    max_results: int = 100_000  # solutions or triples in one answer
    max_bytes: int = 64 * 1024 * 1024  # bytes of one serialised answer
    max_query_bytes: int = 256 * 1024  # bytes of a query (a request body, or the query parameter)
    cache_entries: int = 2048  # finished answers kept (the data is immutable)
    log_queries: bool = False  # log query texts (off: only method, path, status and time)
    store_url: str | None = None  # serve from this SPARQL 1.1 endpoint instead of the embedded store


def open_store(config: EndpointConfig) -> QueryableStore:
    """The embedded Oxigraph store, or a SPARQL 1.1 endpoint given by ``--store URL``."""
    if config.store_url:
        from kkni_rdf.store.remote import RemoteStore

        return RemoteStore(config.store_url, timeout=config.timeout, base=config.base)
    return KkniStore.load_default(config.base)


class Endpoint:
    """The service's state: the store (for pages), the query workers, the answer cache, the downloads."""

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self.store = open_store(config)
        self.graphs = describe.graph_infos(self.store)
        self.downloads = describe.build_downloads(self.store)
        self.cache: AnswerCache[Outcome] = AnswerCache(config.cache_entries)
        self.pool = QueryPool(config.workers, config.base, store_url=config.store_url)
        self.limits = Limits(config.max_results, config.max_bytes)
        self.example = self._example_resource()

    def start(self) -> None:
        self.pool.start()

    def close(self) -> None:
        self.pool.close()

    def _example_resource(self) -> str | None:
        r = self.store.query("SELECT ?q WHERE { ?q a kkni:Qualification } ORDER BY ?q LIMIT 1")
        rows = list(r)  # type: ignore[arg-type]
        return rows[0]["q"].value if rows else None

    # -- SPARQL

    def choose_formats(self, accept: str | None, fmt: str | None) -> tuple[str | None, str | None] | Outcome:
        if fmt:
            rf, gf = format_key(fmt, RESULT_FORMATS), format_key(fmt, GRAPH_FORMATS)
            if rf is None and gf is None:
                return error(
                    400,
                    {
                        "error": "unknown format",
                        "message": f"Unknown format {fmt!r}.",
                        "pesan": f"Format {fmt!r} tidak dikenal.",
                        "available": known_format_names(),
                    },
                )
            return rf, gf
        return negotiate(accept, RESULT_FORMATS), negotiate(accept, GRAPH_FORMATS)

    def cached(
        self,
        text: str,
        accept: str | None,
        fmt: str | None = None,
        default_graphs: tuple[str, ...] | None = None,
        named_graphs: tuple[str, ...] | None = None,
    ) -> Outcome | None:
        """A finished answer from the cache, or None (never blocks: safe in the event loop)."""
        if self.config.log_queries:
            return None  # take the logged path
        formats = self.choose_formats(accept, fmt)
        if isinstance(formats, Outcome):
            return None
        return self.cache.get((text, *formats, default_graphs, named_graphs))

    def answer(
        self,
        text: str,
        accept: str | None,
        fmt: str | None = None,
        default_graphs: tuple[str, ...] | None = None,
        named_graphs: tuple[str, ...] | None = None,
    ) -> Outcome:
        """The answer to a query (blocking: call it from a worker thread)."""
        if len(text.encode("utf-8")) > self.config.max_query_bytes:
            return too_big_request(self.config.max_query_bytes)
        if not text.strip():
            return error(400, {"error": "missing query", "message": "The query is empty.", "pesan": "Kueri kosong."})
        formats = self.choose_formats(accept, fmt)
        if isinstance(formats, Outcome):
            return formats
        if self.config.log_queries:
            log.info("query: %s", " ".join(text.split()))
        key = (text, *formats, default_graphs, named_graphs)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        job = Job(text, formats[0], formats[1], default_graphs, named_graphs, self.limits)
        outcome = self.pool.run(job, self.config.timeout)
        if outcome.cacheable:
            self.cache.put(key, outcome, len(outcome.body) + len(text))
        return outcome

    # -- descriptions and pages

    def graph_answer(self, triples: list[ox.Triple], accept: str | None, fmt: str | None, form: str = "description") -> Outcome:
        key = format_key(fmt, GRAPH_FORMATS) if fmt else negotiate(accept, GRAPH_FORMATS)
        if key is None:
            return not_acceptable(form, [f.media_type for f in GRAPH_FORMATS])
        body = ox.serialize(triples, format=rdf_format(key), prefixes=default_prefixes(self.config.base)) or b""
        return Outcome(200, content_type(media_type_of(key)), body)

    def limits_note(self) -> str:
        c = self.config
        return (
            f"Read-only. Each query has a deadline of {c.timeout:g} s and at most {c.max_results} results or {c.max_bytes} bytes; "
            "SERVICE and graphs this endpoint does not hold are refused. The findings graphs hold the validation report of the decree."
        )

    @lru_cache(maxsize=64)  # noqa: B019 - one Endpoint per app; keyed by the site URL it is reached at
    def service_description(self, endpoint_url: str) -> list[ox.Triple]:
        return describe.service_description(self.graphs, endpoint_url, self.limits_note())

    @lru_cache(maxsize=64)  # noqa: B019
    def void(self, site: str) -> list[ox.Triple]:
        return describe.void_description(self.graphs, site, self.config.base, self.example)

    def resource(self, path: str, accept: str | None, fmt: str | None) -> Outcome:
        """A linked-data answer for the IRI ``base + path``: an HTML page or its description as RDF."""
        key = ("resource", path, accept if not fmt else None, fmt)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        found = pages.resolve_path(self.store, path)
        if found is None:
            if accepts_html(accept) and not fmt:
                outcome = Outcome(404, "text/html; charset=utf-8", pages.not_found_page(path).encode("utf-8"))
            else:
                outcome = error(
                    404,
                    {
                        "error": "not found",
                        "message": f"No resource has the IRI {self.config.base}{path}.",
                        "pesan": "Sumber daya tidak ditemukan.",
                    },
                )
        elif accepts_html(accept) and not fmt:
            outcome = Outcome(200, "text/html; charset=utf-8", pages.resource_page(self.store, *found).encode("utf-8"))
        else:
            outcome = self.graph_answer(pages.describe_triples(self.store, *found), accept, fmt)
        self.cache.put(key, outcome, len(outcome.body))
        return outcome


class RequestLog:
    """Logs method, path, status and time of each request: the path only, never the query string
    or body (which carry query texts) unless --log-queries. Plain ASGI, for speed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [0]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        await self.app(scope, receive, sending)
        log.info("%s %s %d %.1f ms", scope["method"], scope["path"], status[0], (time.perf_counter() - start) * 1000)


def too_big_request(limit: int) -> Outcome:
    return error(
        413,
        {
            "error": "request too large",
            "message": f"The query is longer than {limit} bytes.",
            "pesan": f"Kueri lebih panjang dari {limit} byte.",
            "limit": limit,
        },
    )


def respond(outcome: Outcome) -> Response:
    headers = {"Vary": "Accept", **dict(outcome.headers)}
    return Response(outcome.body, status_code=outcome.status, headers=headers, media_type=outcome.media_type)


def _site(request: Request) -> str:
    return str(request.base_url)


def _graph_list(values: list[str]) -> tuple[str, ...] | None:
    return tuple(values) if values else None


# ----------------------------------------------------------------------------- OpenAPI descriptions

_ERRORS: dict[int | str, dict[str, object]] = {
    400: {
        "description": "Malformed query (JSON: error, message, pesan, line, column), SERVICE or an unknown graph refused, unknown format"
    },
    403: {"description": "An update: this endpoint is read-only"},
    406: {"description": "No acceptable format for this kind of result"},
    413: {"description": "The query or the request body is too large"},
    415: {"description": "The request body's content type is not a SPARQL query or a form"},
    422: {"description": "The answer would exceed the result caps (never a truncated 200)"},
    503: {"description": "Every query worker is busy (Retry-After)"},
    504: {"description": "The query passed the deadline and was stopped"},
}
_QUERY_RESULTS: dict[int | str, dict[str, object]] = {
    200: {
        "description": "SELECT/ASK results or CONSTRUCT/DESCRIBE graph, by Accept or `format`",
        "content": {f.media_type: {} for f in (*RESULT_FORMATS, *GRAPH_FORMATS)},
    },
    **_ERRORS,
}
_RDF_200: dict[int | str, dict[str, object]] = {
    200: {"description": "RDF, by Accept or `format`", "content": {f.media_type: {} for f in GRAPH_FORMATS}}
}

FormatParam = Annotated[
    str | None,
    Query(
        description="A format name or media type, overriding Accept (json, xml, csv, tsv, turtle, ntriples, nquads, trig, jsonld, rdfxml)"
    ),
]
AcceptHeader = Annotated[str | None, Header(description="Media types the client accepts")]


def create_app(config: EndpointConfig | None = None) -> FastAPI:
    """The FastAPI app; the store, downloads and query workers are made when it starts (lifespan)."""
    config = config or EndpointConfig()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        endpoint = await run_in_threadpool(Endpoint, config)
        await run_in_threadpool(endpoint.start)
        app.state.endpoint = endpoint
        try:
            yield
        finally:
            await run_in_threadpool(endpoint.close)

    app = FastAPI(
        title="KKNI SPARQL endpoint",
        version=__version__,
        description="SPARQL 1.1 Protocol (read-only, safe by default), linked data and downloads for the KKNI qualifications of Kepmenaker 3/2021.",
        lifespan=lifespan,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type"],
        max_age=86400,
    )

    app.add_middleware(RequestLog)

    def ep(request: Request) -> Endpoint:
        endpoint: Endpoint = request.app.state.endpoint
        return endpoint

    editor_html = (STATIC / "editor.html").read_text(encoding="utf-8").replace("{{BASE}}", escape(config.base))
    app.mount("/assets", StaticFiles(directory=STATIC), name="assets")

    @app.get("/", response_class=HTMLResponse, summary="The SPARQL query editor", tags=["editor"])
    def editor() -> HTMLResponse:
        return HTMLResponse(editor_html)

    @app.get("/healthz", summary="Liveness and the query workers' state", tags=["service"])
    async def healthz(request: Request) -> dict[str, object]:
        e = ep(request)
        return {
            "status": "ok",
            "version": __version__,
            "workers": e.pool.size,
            "alive": e.pool.alive,
            "idle": e.pool.idle,
            "cached": len(e.cache),
        }

    @app.get(
        "/sparql", summary="SPARQL 1.1 query by GET; without a query: the service description", tags=["sparql"], responses=_QUERY_RESULTS
    )
    async def sparql_get(
        request: Request,
        query: Annotated[str | None, Query(description="The SPARQL query; without it the service description is returned")] = None,
        default_graph_uri: Annotated[list[str], Query(alias="default-graph-uri", description="Graphs that make the default graph")] = [],  # noqa: B006
        named_graph_uri: Annotated[list[str], Query(alias="named-graph-uri", description="Graphs available to GRAPH")] = [],  # noqa: B006
        update: Annotated[str | None, Query(description="Refused: updates are not accepted (403)")] = None,
        format: FormatParam = None,
        accept: AcceptHeader = None,
    ) -> Response:
        e = ep(request)
        if update is not None:
            return respond(error(403, refuse_update().as_dict()))
        if query is None:
            sd = await run_in_threadpool(e.service_description, str(request.url_for("sparql_get")))
            return respond(e.graph_answer(sd, accept, format, "service description"))
        dg, ng = _graph_list(default_graph_uri), _graph_list(named_graph_uri)
        hit = e.cached(query, accept, format, dg, ng)
        return respond(hit if hit is not None else await run_in_threadpool(e.answer, query, accept, format, dg, ng))

    @app.post(
        "/sparql",
        summary="SPARQL 1.1 query by POST (application/sparql-query, or a form with `query`)",
        tags=["sparql"],
        responses=_QUERY_RESULTS,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/sparql-query": {"schema": {"type": "string"}},
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "required": ["query"],
                            "properties": {
                                "query": {"type": "string"},
                                "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                                "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                                "format": {"type": "string"},
                            },
                        }
                    },
                },
            }
        },
    )
    async def sparql_post(request: Request) -> Response:
        e = ep(request)
        outcome = await read_post(request, e.config.max_query_bytes)
        if isinstance(outcome, Outcome):
            return respond(outcome)
        text, params = outcome
        accept = request.headers.get("accept")
        fmt = params.get("format", [None])[-1]
        dg = _graph_list(params.get("default-graph-uri", []))
        ng = _graph_list(params.get("named-graph-uri", []))
        hit = e.cached(text, accept, fmt, dg, ng)
        return respond(hit if hit is not None else await run_in_threadpool(e.answer, text, accept, fmt, dg, ng))

    @app.get("/.well-known/void", summary="The VoID description of the dataset", tags=["service"], responses=_RDF_200)
    def void(request: Request, format: FormatParam = None, accept: AcceptHeader = None) -> Response:
        e = ep(request)
        return respond(e.graph_answer(e.void(_site(request)), accept, format, "VoID description"))

    @app.get("/queries", summary="The named queries (queries/*.rq) with their header comments", tags=["queries"])
    def queries() -> list[dict[str, object]]:
        return [q.as_dict() for q in load_named_queries().values()]

    @app.get(
        "/queries/{name}",
        summary="Run a named query (same negotiation as /sparql)",
        tags=["queries"],
        responses={**_QUERY_RESULTS, 404: {"description": "No such named query"}},
    )
    def named_query(request: Request, name: str, format: FormatParam = None, accept: AcceptHeader = None) -> Response:
        found: NamedQuery | None = load_named_queries().get(name) if NAME.match(name) else None
        if found is None:
            return respond(
                error(
                    404,
                    {
                        "error": "not found",
                        "message": f"No named query {name!r}; see /queries.",
                        "pesan": f"Kueri bernama {name!r} tidak ada.",
                    },
                )
            )
        return respond(ep(request).answer(found.text, accept, format))

    @app.get(
        "/download/{filename}",
        summary="The whole graph: kkni.ttl, kkni.nt, kkni.jsonld, kkni.rdf (named graphs merged), kkni.nq, kkni.trig (with named graphs)",
        tags=["downloads"],
        responses={200: {"content": {f.media_type: {} for f in GRAPH_FORMATS}}, 404: {"description": "No such download"}},
    )
    def download(request: Request, filename: str) -> Response:
        item = ep(request).downloads.get(filename)
        if item is None:
            return respond(
                error(
                    404,
                    {
                        "error": "not found",
                        "message": f"No download {filename!r}; available: {', '.join(describe.DOWNLOADS)}.",
                        "pesan": "Unduhan tidak ada.",
                    },
                )
            )
        media, body = item
        return Response(body, media_type=media, headers={"Cache-Control": "public, max-age=3600"})

    @app.get(
        "/ontology",
        summary="The ontology: HTML documentation for browsers, the ontology graph for machines",
        tags=["linked data"],
        responses={**_RDF_200, 404: {}},
    )
    def ontology(request: Request, format: FormatParam = None, accept: AcceptHeader = None) -> Response:
        e = ep(request)
        if accepts_html(accept) and not format:
            try:  # the pyLODE documentation (kkni_rdf.ontology_docs); the generic page if it is not there
                return HTMLResponse(importlib.import_module("kkni_rdf.ontology_docs").ontology_html())
            except ImportError:
                return respond(e.resource("ontology", accept, format))
        graph = next((g.iri for g in e.graphs if g.iri.endswith("/graph/ontology")), None)
        triples = pages.describe_triples(e.store, graph, "graph") if graph else pages.describe_triples(e.store, KKNI_ONTOLOGY, "resource")
        return respond(e.graph_answer(triples, accept, format))

    @app.get(
        "/{path:path}",
        summary="Linked data: the IRI base + path as an HTML page (browsers) or RDF (Turtle, JSON-LD, … by Accept or `format`)",
        tags=["linked data"],
        responses={
            200: {"content": {"text/html": {}, **{f.media_type: {} for f in GRAPH_FORMATS}}},
            404: {"description": "No resource has that IRI"},
            406: {},
        },
    )
    def linked_data(request: Request, path: str, format: FormatParam = None, accept: AcceptHeader = None) -> Response:
        return respond(ep(request).resource(path, accept, format))

    return app


async def read_post(request: Request, limit: int) -> tuple[str, dict[str, list[str]]] | Outcome:
    """The query text and the parameters of a POST, or the error to answer with (403, 400, 413, 415)."""
    ctype = request.headers.get("content-type", "")
    media, _, rest = ctype.partition(";")
    media = media.strip().lower()
    charset = "utf-8"
    for param in rest.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    if media == "application/sparql-update":
        return error(403, refuse_update().as_dict())
    if media not in ("application/sparql-query", "application/x-www-form-urlencoded"):
        return error(
            415,
            {
                "error": "unsupported media type",
                "message": f"POST a query as application/sparql-query or as a form (application/x-www-form-urlencoded), not {media or 'no content type'}.",
                "pesan": "Kirim kueri sebagai application/sparql-query atau formulir.",
            },
        )
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return too_big_request(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return too_big_request(limit)
    try:
        text = bytes(body).decode(charset)
    except LookupError:
        return error(
            415,
            {"error": "unsupported charset", "message": f"Unknown charset {charset!r}.", "pesan": f"Charset {charset!r} tidak dikenal."},
        )
    except UnicodeDecodeError as exc:
        return error(
            400,
            {
                "error": "bad encoding",
                "message": f"The body is not valid {charset}: {exc.reason} at byte {exc.start}.",
                "pesan": "Isi permintaan tidak valid.",
            },
        )
    params = parse_qs(str(request.url.query), keep_blank_values=True)
    if media == "application/sparql-query":
        return text, params
    form = parse_qs(text, keep_blank_values=True, encoding=charset)
    if "update" in form:
        return error(403, refuse_update().as_dict())
    if "query" not in form:
        return error(
            400, {"error": "missing query", "message": "The form has no `query` field.", "pesan": "Formulir tidak memiliki isian `query`."}
        )
    for k, v in form.items():
        if k != "query":
            params.setdefault(k, []).extend(v)
    return form["query"][-1], params


def serve(config: EndpointConfig, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app on uvicorn until interrupted."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(create_app(config), host=host, port=port, access_log=False, log_level="info")
