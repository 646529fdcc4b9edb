"""The HTTP app: a SPARQL 1.1 endpoint, linked-data pages and a query editor over the served store.

The routes are thin: they read the request (``protocol``), answer from the cache when they can,
and otherwise call the ``Endpoint`` (``service``: the one object that holds what is served, with
plain, typed methods) in the thread pool. Clients' queries are evaluated in worker processes with
a deadline (``pool``); nothing a request does changes the store.

``/sparql`` is answered by one function, ``sparql``: ``SparqlFastPath`` calls it without FastAPI's
routing, and the routes that describe ``/sparql`` in OpenAPI call it too.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import re
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import uvicorn
from fastapi import APIRouter, FastAPI, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kkni_rdf import __version__
from kkni_rdf.endpoint import assets, errors, protocol, search, web
from kkni_rdf.endpoint.caching import HttpCaching
from kkni_rdf.endpoint.errors import Outcome
from kkni_rdf.endpoint.http import answer, endpoint, public_url, respond
from kkni_rdf.endpoint.i18n import choose
from kkni_rdf.endpoint.named import NamedQuery
from kkni_rdf.endpoint.server import MAX_HEAD, protocol_class
from kkni_rdf.endpoint.service import Endpoint, EndpointConfig
from kkni_rdf.export.jsonld import context_file
from kkni_rdf.formats import GRAPH_FORMATS, RESULT_FORMATS, known_format_names
from kkni_rdf.store.remote import RemoteError

__all__ = ["Endpoint", "EndpointConfig", "create_app", "serve", "sparql"]

log = logging.getLogger("kkni.endpoint")
STATIC = Path(__file__).resolve().parent / "static"


#: uvicorn's message when it cancels the requests still running at the end of a graceful shutdown
SHUTDOWN = "timeout graceful shutdown exceeded"


class RequestLog:
    """Logs method, path, status and time of each request: the path only, never the query string
    or body (which carry query texts) unless --log-queries. Plain ASGI, for speed. Outermost: an
    answer still unfinished when ``--shutdown-seconds`` runs out (uvicorn cancels its task with
    ``SHUTDOWN``) is a JSON 503 ``stopping`` here; any other cancellation goes on as it came."""

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

        try:
            await self.app(scope, receive, sending)
        except asyncio.CancelledError as exc:  # an answer unfinished when --shutdown-seconds ran out
            if status[0] or not any(SHUTDOWN in str(arg) for arg in exc.args):
                raise
            await respond(errors.stopping())(scope, receive, sending)  # not uvicorn's bare 500 and a traceback
        log.info("%s %s %d %.1f ms", scope["method"], loggable(scope["path"]), status[0], (time.perf_counter() - start) * 1000)


_UNPRINTABLE = re.compile(r"[\x00-\x20\x7f-\xa0\u2028\u2029]")


def loggable(text: str) -> str:
    """``text`` with control characters, spaces and line breaks percent-encoded: one log record stays one line."""
    return _UNPRINTABLE.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode("utf-8")), text)


class Methods:
    """Answers ``OPTIONS`` (204) and methods no route takes (405, JSON) with the ``Allow`` of every route
    matching the path: Starlette's own 405 names only the first route's methods (``Allow: GET`` on
    ``/sparql``, which takes POST as well). CORS preflights are answered before this, by CORSMiddleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "POST"):
            await self.app(scope, receive, send)
            return
        allowed = _methods([*scope["app"].router.routes, *router.routes], {**scope, "method": "GET"}) | {"OPTIONS"}
        order = ["GET", "HEAD", "POST", "OPTIONS"]
        names = sorted(allowed, key=lambda m: order.index(m) if m in order else len(order))
        if scope["method"] == "OPTIONS":
            response = Response(status_code=204, headers={"Allow": ", ".join(names)})
        else:
            response = respond(errors.method_not_allowed(scope["method"], names))
        await response(scope, receive, send)


class SparqlFastPath:
    """Every ``GET`` and ``POST`` of ``/sparql``, answered by ``sparql`` (the one function that answers
    ``/sparql``, which the routes call too) without FastAPI's routing and parameter injection, which
    took most of the HTTP process's time per cached answer (py-spy). Everything else goes on to the
    routes. Innermost of the middleware: the log, CORS, HEAD, ETags and 304s see these answers as
    they see every other."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/sparql" or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await sparql(request)
        except RemoteError as exc:  # the store behind --store failed: as store_error
            response = await store_error(request, exc)
        except Exception as exc:  # noqa: BLE001 - as server_error: our fault, in JSON, the traceback to the log
            response = await server_error(request, exc)
        await response(scope, receive, send)


def _methods(routes: Iterable[BaseRoute], scope: Scope) -> set[str]:
    """The methods of every route (with methods, or a static mount) that matches the path of ``scope``."""
    allowed: set[str] = set()
    for route in routes:
        methods = getattr(route, "methods", None) or ({"GET", "HEAD"} if isinstance(route, Mount) else None)
        if methods and route.matches(scope)[0] != Match.NONE:
            allowed |= methods
    return allowed


# ----------------------------------------------------------------------------- OpenAPI descriptions

_ERRORS: dict[int | str, dict[str, object]] = {
    400: {
        "description": "Malformed query (JSON: error, message, pesan, line, column), SERVICE or an unknown graph refused, unknown format"
    },
    403: {"description": "An update: this endpoint is read-only"},
    406: {"description": "No acceptable format for this kind of result"},
    413: {"description": "The query or the request body is too large"},
    415: {"description": "The request body's content type is not a SPARQL query or a form"},
    422: {"description": "The answer would exceed the result caps (never a truncated 200), or its evaluation the memory limit"},
    429: {"description": "This client already has its share of queries waiting or running (Retry-After)"},
    503: {"description": "Every query worker is busy, or the query turned long while the long-query lane was taken (Retry-After)"},
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
    200: {"description": "RDF, by Accept or `format`", "content": {f.media_type: {} for f in GRAPH_FORMATS}},
    400: {"description": "Unknown `format`"},
    406: {"description": "No acceptable format for this description"},
}
_POST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            protocol.SPARQL_QUERY: {"schema": {"type": "string", "minLength": 1}},
            protocol.FORM: {
                "schema": {
                    "type": "object",
                    "required": ["query"],
                    "properties": {
                        "query": {"type": "string", "minLength": 1},
                        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "format": {"type": "string", "enum": known_format_names()},
                    },
                }
            },
        },
    }
}

_FORMAT_DESCRIPTION = "A format name or media type, overriding Accept (json, xml, csv, tsv, turtle, ntriples, nquads, trig, jsonld, rdfxml)"
FormatParam = Annotated[str | None, Query(description=_FORMAT_DESCRIPTION, json_schema_extra={"enum": known_format_names()})]
AcceptHeader = Annotated[str | None, Header(description="Media types the client accepts")]
LangParam = Annotated[str | None, Query(description="The page's language, id or en (default: Accept-Language, else id)")]


def _parameter(name: str, where: str, description: str, schema: dict[str, object]) -> dict[str, object]:
    """An OpenAPI parameter, for the routes that read theirs from the request (once) rather than by FastAPI's injection."""
    return {"name": name, "in": where, "required": False, "description": description, "schema": schema}


_FORMAT = _parameter("format", "query", _FORMAT_DESCRIPTION, {"type": "string", "enum": known_format_names()})
_ACCEPT = _parameter("accept", "header", "Media types the client accepts", {"type": "string"})
_GET_PARAMETERS = {
    "parameters": [
        _parameter(
            "query", "query", "The SPARQL query, once; without it the service description is returned", {"type": "string", "minLength": 1}
        ),
        _parameter("default-graph-uri", "query", "Graphs that make the default graph", {"type": "array", "items": {"type": "string"}}),
        _parameter("named-graph-uri", "query", "Graphs available to GRAPH", {"type": "array", "items": {"type": "string"}}),
        _parameter("update", "query", "Refused: updates are not accepted (403)", {"type": "string"}),
        _FORMAT,
        _ACCEPT,
    ]
}


# ----------------------------------------------------------------------------- /sparql


async def sparql(request: Request) -> Response:
    """The answer to any ``GET`` or ``POST`` of ``/sparql``, and the only function that gives one.

    A POST is read by ``protocol.read_post``. A GET's parameters are read here, once: an ``update``
    is refused (403), two ``query`` are a 400; without a query, the service description (a page
    for a browser that names no ``format``, else RDF); with one, its answer (``protocol.job``).
    Relative IRIs in a query resolve against the endpoint's URL (``public_url``), as the service
    description names it."""
    e = endpoint(request)
    url = public_url(request) + "sparql"
    if request.method == "POST":
        return await answer(request, await protocol.read_post(request, e.config.max_query_bytes, base_iri=url))
    params = request.query_params
    if "update" in params:
        return respond(errors.refused(errors.update_refused()))
    texts = params.getlist("query")
    if len(texts) > 1:
        return respond(errors.query_twice())
    accept, fmt = request.headers.get("accept"), params.get("format")
    if not texts:
        if fmt is None and protocol.accepts_html(accept):
            return await run_in_threadpool(web.service_page, request)
        return respond(await run_in_threadpool(e.service_description, url, protocol.graph_format(accept, fmt)))
    dg, ng = protocol.graph_list(params.getlist("default-graph-uri")), protocol.graph_list(params.getlist("named-graph-uri"))
    if web.opens_as_page(request):  # a browser opening a query's URL: its answer as a table (clients' formats unchanged)
        return await web.query_page(
            request, protocol.job(texts[0], web.BROWSER_ACCEPT, None, dg, ng, e.config.max_query_bytes, url), texts[0]
        )
    return await answer(request, protocol.job(texts[0], accept, fmt, dg, ng, e.config.max_query_bytes, base_iri=url))


# ----------------------------------------------------------------------------- routes

router = APIRouter()


@router.get(
    "/healthz",
    summary="Liveness and the query workers' state: 200 ok or degraded, 503 (with the reasons) while no query can be answered",
    tags=["service"],
    responses={503: {"description": "No query can be answered now; `reasons` says why"}},
)
async def healthz(request: Request) -> JSONResponse:
    status, body = await run_in_threadpool(endpoint(request).health)  # a store behind --store is asked (bounded)
    return JSONResponse(body, status_code=status, headers={"Retry-After": "5"} if status == 503 else None)


@router.get(
    "/sparql",
    summary="SPARQL 1.1 query by GET; without a query: the service description",
    tags=["sparql"],
    responses=_QUERY_RESULTS,
    openapi_extra=_GET_PARAMETERS,
)
async def sparql_get(request: Request) -> Response:
    """(``SparqlFastPath`` answers these requests before routing; this route describes them in OpenAPI.)"""
    return await sparql(request)


@router.post(
    "/sparql",
    summary="SPARQL 1.1 query by POST (application/sparql-query, or a form with `query`)",
    tags=["sparql"],
    responses=_QUERY_RESULTS,
    openapi_extra=_POST_BODY,
)
async def sparql_post(request: Request) -> Response:
    """(``SparqlFastPath`` answers these requests before routing; this route describes them in OpenAPI.)"""
    return await sparql(request)


@router.get("/.well-known/void", summary="The VoID description of the dataset", tags=["service"], responses=_RDF_200)
def void(request: Request, format: FormatParam = None, accept: AcceptHeader = None) -> Response:
    return respond(endpoint(request).void(public_url(request), protocol.graph_format(accept, format)))


@router.get(
    "/catalog",
    summary="The DCAT-AP 3 catalogue: the datasets (one per graph), their downloads with sizes and SHA-256 checksums, the endpoint",
    tags=["service"],
    responses=_RDF_200,
)
def catalog(request: Request, format: FormatParam = None, accept: AcceptHeader = None) -> Response:
    return respond(endpoint(request).catalog(protocol.graph_format(accept, format)))


@router.get("/queries", summary="The named queries (queries/*.rq) with their header comments", tags=["queries"])
async def queries(request: Request) -> list[dict[str, object]]:
    return [q.as_dict() for q in endpoint(request).named_queries.values()]


_NOT_PARAMETERS = ("format", "lang")  # a named query's URL parameters that are not the query's own


@router.get(
    "/queries/{name}",
    summary="Run a named query, with its parameters (same negotiation as /sparql)",
    tags=["queries"],
    responses={**_QUERY_RESULTS, 404: {"description": "No such named query"}},
    openapi_extra={"parameters": [_FORMAT, _ACCEPT]},
)
async def named_query(request: Request, name: str) -> Response:
    """Every named query, with the values of its parameters (each named query's own path in OpenAPI: ``named_query_paths``)."""
    e = endpoint(request)
    values: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        if key not in _NOT_PARAMETERS:
            values.setdefault(key, []).append(value)
    text = e.named_query_text(name, values)
    if isinstance(text, Outcome):
        return respond(text)
    fmt = request.query_params.get("format")
    if web.opens_as_page(request):  # a browser opening a named query: its answer as a table
        found = e.named_query(name)
        named = None if isinstance(found, Outcome) else found
        return await web.query_page(
            request, protocol.job(text, web.BROWSER_ACCEPT, None, None, None, e.config.max_query_bytes), text, named
        )
    return await answer(request, protocol.job(text, request.headers.get("accept"), fmt, None, None, e.config.max_query_bytes))


def named_query_paths(named: Iterable[NamedQuery]) -> dict[str, object]:
    """Each named query as its own path in OpenAPI, with its parameters (answered by ``named_query``)."""
    paths: dict[str, object] = {}
    for q in named:
        declared = [
            {
                "name": p.name,
                "in": "query",
                "required": False,
                "description": f"{p.description} (sets VALUES ?{p.variable}; default: {', '.join(p.defaults) or 'none'}; "
                "repeat for several values)",
                "schema": {"type": "array", "items": {"type": "number" if p.kind == "number" else "string"}},
                "style": "form",
                "explode": True,
            }
            for p in q.parameters
        ]
        variables = "\n\nVariables:\n" + "\n".join(f"- `?{v}`: {m}" for v, m in q.variables.items()) if q.variables else ""
        paths[f"/queries/{q.name}"] = {
            "get": {
                "tags": ["queries"],
                "summary": q.title,
                "description": q.question + variables,
                "operationId": "named_query_" + re.sub(r"\W", "_", q.name),
                "parameters": [*declared, _FORMAT],
                "responses": {str(k): v for k, v in _QUERY_RESULTS.items()},
            }
        }
    return paths


@router.get(
    "/download/{filename}",
    summary="The whole graph: kkni.ttl, kkni.nt, kkni.rdf (named graphs merged), kkni.nq, kkni.trig, kkni.jsonld (with named graphs)",
    tags=["downloads"],
    responses={200: {"content": {f.media_type: {} for f in GRAPH_FORMATS}}, 404: {"description": "No such download"}},
)
async def download(request: Request, filename: str) -> Response:
    found = await run_in_threadpool(endpoint(request).download, filename)  # made when first asked
    if isinstance(found, Outcome):
        return respond(found)
    media, body = found
    headers = {
        "Cache-Control": "public, max-age=3600",
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Vary": "Accept-Encoding",
    }
    if protocol.accepts_gzip(request.headers.get("accept-encoding")):  # compressed once, kept in the answer cache
        key = ("download, gzip", filename)
        packed = endpoint(request).cache.get(key)
        if packed is None:
            packed = Outcome(200, media, await run_in_threadpool(gzip.compress, body, 6, mtime=0))
            endpoint(request).cache.put(key, packed, len(packed.body))
        return Response(packed.body, media_type=media, headers={**headers, "Content-Encoding": "gzip"})
    return Response(body, media_type=media, headers=headers)


@router.get(
    "/context/v1.jsonld",
    summary="The JSON-LD context, version 1, of kkni.jsonld and `kkni export --to jsonld` (published as https://w3id.org/kkni/context/v1.jsonld)",
    tags=["downloads"],
    responses={200: {"content": {"application/ld+json": {}}}},
)
def jsonld_context() -> Response:
    return Response(context_file().read_bytes(), media_type="application/ld+json", headers={"Cache-Control": "public, max-age=3600"})


@router.get(
    "/ontology",
    summary="The ontology: HTML documentation for browsers, the ontology graph for machines",
    tags=["linked data"],
    responses={**_RDF_200, 200: {"content": {"text/html": {}, **{f.media_type: {} for f in GRAPH_FORMATS}}}, 404: {}},
)
def ontology(request: Request, format: FormatParam = None, accept: AcceptHeader = None, lang: LangParam = None) -> Response:
    return respond(endpoint(request).ontology(accept, format, choose(lang, request.headers.get("accept-language"))))


@router.get(
    "/{path:path}",
    summary="Linked data: the IRI base + path as an HTML page (browsers) or RDF (Turtle, JSON-LD, … by Accept or `format`)",
    tags=["linked data"],
    responses={
        200: {"content": {"text/html": {}, **{f.media_type: {} for f in GRAPH_FORMATS}}},
        404: {"description": "No resource has that IRI"},
        406: {},
    },
)
def linked_data(request: Request, path: str, format: FormatParam = None, accept: AcceptHeader = None, lang: LangParam = None) -> Response:
    return respond(endpoint(request).resource(path, accept, format, choose(lang, request.headers.get("accept-language"))))


def create_app(config: EndpointConfig | None = None) -> FastAPI:
    """The FastAPI app; its ``Endpoint`` (the store, everything read from it, the query workers) is made
    when it starts (lifespan) and is the only state the app holds (``app.state.endpoint``)."""
    config = config or EndpointConfig()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        e = await run_in_threadpool(Endpoint, config)
        await run_in_threadpool(e.start)
        app.state.endpoint = e
        try:
            yield
        finally:
            await run_in_threadpool(e.close)

    app = FastAPI(
        title="KKNI SPARQL endpoint",
        version=__version__,
        description="SPARQL 1.1 Protocol (read-only, safe by default), linked data and downloads for the KKNI qualifications of Kepmenaker 3/2021.",
        lifespan=lifespan,
        docs_url=None,  # /docs is web.docs: Swagger UI served from this server
    )
    default_openapi = app.openapi

    def openapi() -> dict[str, object]:
        """FastAPI's description, with each named query of the endpoint as its own path (once it has started)."""
        if app.openapi_schema is None:
            schema = optional_parameters_as_plain(default_openapi())
            started: Endpoint | None = getattr(app.state, "endpoint", None)
            if started is None:
                return schema  # (not kept: the named queries are read when the app starts)
            schema["paths"] = {**named_query_paths(started.named_queries.values()), **schema["paths"]}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(SparqlFastPath)  # the SPARQL protocol's requests without FastAPI's routing (innermost)
    app.add_middleware(HttpCaching)  # HEAD, ETag and Last-Modified, 304 (innermost: the log sees HEAD as HEAD)
    app.add_middleware(Methods)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type"],
        max_age=86400,
    )
    app.add_middleware(RequestLog)  # outermost: the log sees every answer (and answers 503 stopping at the shutdown bound)
    app.mount("/assets/vendor", StaticFiles(directory=assets.vendor_dir(), check_dir=False), name="vendor")  # YASGUI, Swagger UI
    app.mount("/assets", StaticFiles(directory=STATIC), name="assets")
    app.include_router(web.router)  # the query page, pages for browsers, /docs, /findings, /check: before the catch-all
    app.include_router(search.router)  # /search: the served store's qualifications, units, job titles and findings
    app.include_router(router)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(Exception, server_error)
    app.add_exception_handler(RemoteError, store_error)  # the store behind --store failed (pages, descriptions): 502/503/504
    return app


async def store_error(request: Request, exc: Exception) -> Response:
    """The store behind ``--store`` failed while a page or description was made: its fault, named
    (``errors.store_fault``), with its own words; logged in one line, no traceback (not our bug)."""
    if not isinstance(exc, RemoteError):  # pragma: no cover - registered for RemoteError only
        return await server_error(request, exc)
    log.warning("%s %s: the store failed: %s", request.method, loggable(request.url.path), exc)
    return respond(errors.store_fault(exc))


async def server_error(request: Request, exc: Exception) -> Response:
    """Our fault, in JSON like every other answer (the traceback goes to the log, never to the client)."""
    log.error("%s %s failed", request.method, loggable(request.url.path), exc_info=exc)
    return respond(errors.internal("The server failed; this is our fault.", "Server gagal; ini kesalahan kami."))


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (a path no route reads, …) as this endpoint's JSON."""
    status = exc.status_code if isinstance(exc, StarletteHTTPException) else 500
    if status == 404:
        path = loggable(request.url.path)
        return respond(errors.not_found(f"Nothing is served at {path}.", f"Tidak ada yang disajikan di {path}."))
    if status == 405:
        return respond(errors.method_not_allowed(request.method, ["GET", "POST", "OPTIONS"]))
    detail = exc.detail if isinstance(exc, StarletteHTTPException) else "error"
    return respond(errors.error(status, "http error", str(detail), f"Permintaan gagal (HTTP {status}): {detail}."))


async def invalid_request(request: Request, exc: Exception) -> Response:
    """A parameter FastAPI could not read (an empty ``query``, …): 400 in this endpoint's JSON, never 422."""
    problems = exc.errors() if isinstance(exc, RequestValidationError) else []
    if any(list(p.get("loc", ()))[-1:] == ["query"] for p in problems):
        return respond(errors.missing_query())
    where = [{"in": ".".join(str(x) for x in p.get("loc", ())), "problem": str(p.get("msg", ""))} for p in problems]
    return respond(errors.bad_request("A parameter is not valid.", "Sebuah parameter tidak valid.", problems=where))


def optional_parameters_as_plain(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional parameter is a plain schema in the description: a URL parameter is absent or a
    string, never JSON ``null`` (FastAPI writes ``anyOf: [string, null]`` for ``str | None``)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for param in operation.get("parameters", []):
                inner = param.get("schema", {})
                options = [o for o in inner.get("anyOf", []) if o.get("type") != "null"]
                if "anyOf" in inner and len(options) == 1:
                    rest = {k: v for k, v in inner.items() if k != "anyOf"}
                    param["schema"] = {**options[0], **rest}
    return schema


def serve(config: EndpointConfig) -> None:
    """Run the app on uvicorn (httptools, with the read timeout and size limits of ``server``) until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = uvicorn.Config(
        create_app(config),
        host=config.host,
        port=config.port,
        http=protocol_class(config.read_timeout, MAX_HEAD, config.write_timeout),
        timeout_keep_alive=5,
        timeout_graceful_shutdown=config.shutdown_seconds,  # then the answers still running are cancelled, the workers stopped
        proxy_headers=True,  # the client's address (per-client limits) from X-Forwarded-For, only from these proxies
        forwarded_allow_ips=config.forwarded_allow_ips,
        access_log=False,
        log_level="info",
    )
    uvicorn.Server(settings).run()
