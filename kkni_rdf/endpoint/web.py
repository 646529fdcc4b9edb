"""The endpoint's face for people, and the routes that go with it (an ``APIRouter`` the app includes
before its own, so that its exact paths come first):

- pages for browsers where a machine gets RDF or JSON: ``/sparql`` without a query (the service
  description), ``/.well-known/void`` and ``/queries`` (the gallery of named queries). These routes
  match only requests that prefer HTML and name no ``format`` (``PageRoute``); every other request
  goes on to the protocol's routes, unchanged;
- ``/docs``: Swagger UI served from this server (``assets``), else a plain list of the operations;
- ``/findings``: the validation report, filterable by qualification, rule and severity (HTML or JSON);
- ``/check``: a candidate's record or a training program checked against a qualification, over HTTP;
- ``/queries/{name}`` for each named query, with its parameters (declared in its header) in OpenAPI.

The pages are Jinja2 templates (``templates/``), in Indonesian or English (``i18n``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.routing import Match
from starlette.types import Scope

from kkni_rdf.checks.catalogue import default_catalogue
from kkni_rdf.endpoint import assets, check, errors, protocol
from kkni_rdf.endpoint.describe import DOWNLOADS, LICENSE, TITLE_EN, TITLE_ID
from kkni_rdf.endpoint.errors import Outcome
from kkni_rdf.endpoint.findings import SEVERITIES, Finding, Selection, by_rule, counts, load_findings
from kkni_rdf.endpoint.i18n import Lang, choose
from kkni_rdf.endpoint.named import NamedQuery, ParameterError, load_named_queries
from kkni_rdf.endpoint.pages import TEMPLATES, Page, show_findings
from kkni_rdf.endpoint.service import Endpoint
from kkni_rdf.formats import GRAPH_FORMATS, RESULT_FORMATS

__all__ = ["PageRoute", "router"]

HTML_TYPE = "text/html; charset=utf-8"


class PageRoute(APIRoute):
    """A route for browsers only: it matches a request that prefers HTML (``protocol.accepts_html``)
    and names no ``format`` (nor a ``query`` or ``update``); any other request goes on to the next
    route with the same path, the protocol's."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        if match is Match.NONE:
            return match, child
        params = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if not protocol.accepts_html(Headers(scope=scope).get("accept")) or {"format", "query", "update"} & params.keys():
            return Match.NONE, {}
        return match, child


router = APIRouter()
pages = APIRouter(route_class=PageRoute)


def endpoint(request: Request) -> Endpoint:
    found: Endpoint = request.app.state.endpoint
    return found


def language(request: Request) -> Lang:
    return choose(request.query_params.get("lang"), request.headers.get("accept-language"))


def page(request: Request, template: str, status: int = 200, **context: object) -> HTMLResponse:
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status)
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def respond(outcome: Outcome) -> Response:
    return Response(
        outcome.body, status_code=outcome.status, headers={"Vary": "Accept", **dict(outcome.headers)}, media_type=outcome.media_type
    )


# ----------------------------------------------------------------------------- pages where machines get RDF


@pages.get("/sparql", include_in_schema=False)
def service_page(request: Request) -> HTMLResponse:
    e = endpoint(request)
    c = e.config
    return page(
        request,
        "service.html",
        title=language(request).t("Service description", "Deskripsi layanan"),
        url=str(request.url_for("sparql_get")),
        graphs=e.graphs,
        total=sum(g.triples for g in e.graphs),
        result_formats=RESULT_FORMATS,
        graph_formats=GRAPH_FORMATS,
        config=c,
    )


@pages.get("/.well-known/void", include_in_schema=False)
def void_page(request: Request) -> HTMLResponse:
    e = endpoint(request)
    site = str(request.base_url)
    return page(
        request,
        "void.html",
        title="VoID",
        dataset_title={"en": TITLE_EN, "id": TITLE_ID},
        site=site,
        license=LICENSE,
        downloads=list(DOWNLOADS),
        graphs=e.graphs,
        total=sum(g.triples for g in e.graphs),
        example=Page(e.config.base, language(request)).href(e.example) if e.example else None,
    )


@pages.get("/queries", include_in_schema=False)
def gallery_page(request: Request) -> HTMLResponse:
    e = endpoint(request)
    return page(
        request, "gallery.html", title=language(request).t("Example queries", "Contoh kueri"), queries=list(e.named_queries.values())
    )


# ----------------------------------------------------------------------------- /docs, offline


@router.get("/docs", include_in_schema=False)
def docs(request: Request) -> HTMLResponse:
    """Swagger UI from this server's own copy, or (where it was not fetched) the operations as a plain page."""
    openapi_url = request.app.openapi_url or "/openapi.json"
    if assets.present(assets.SWAGGER_UI):
        root = "/assets/vendor/swagger-ui/"
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{request.app.title} · API",
            swagger_js_url=root + "swagger-ui-bundle.js",
            swagger_css_url=root + "swagger-ui.css",
            swagger_favicon_url=root + "favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None, "tryItOutEnabled": True},
        )
    spec = request.app.openapi()
    operations = [
        {"method": method.upper(), "path": path, "summary": op.get("summary", ""), "description": op.get("description", "")}
        for path, methods in spec.get("paths", {}).items()
        for method, op in methods.items()
    ]
    return page(
        request, "docs.html", title="API", operations=operations, openapi_url=openapi_url, version=spec.get("info", {}).get("version", "")
    )


# ----------------------------------------------------------------------------- findings

_FINDINGS_LOCK = threading.Lock()


def all_findings(request: Request) -> list[Finding]:
    """The store's findings, read once (the data never changes while the server runs)."""
    state = request.app.state
    with _FINDINGS_LOCK:
        found: list[Finding] | None = getattr(state, "kkni_findings", None)
        if found is None:
            found = load_findings(endpoint(request).served.store)
            state.kkni_findings = found
    return found


@router.get(
    "/findings",
    summary="The validation findings (the decree's SHACL report): HTML for browsers, JSON otherwise",
    tags=["findings"],
    responses={200: {"content": {"application/json": {}, "text/html": {}}}},
)
async def findings(request: Request, qualification: str = "", rule: str = "", severity: str = "", format: str | None = None) -> Response:
    every = await run_in_threadpool(all_findings, request)
    selection = Selection(qualification.strip(), rule.strip(), severity.strip().lower())
    chosen = [f for f in every if selection.keeps(f)]
    as_html = format == "html" or (format is None and protocol.accepts_html(request.headers.get("accept")))
    if not as_html:
        body = {"counts": counts(chosen), "selection": selection.__dict__, "findings": [f.as_dict() for f in chosen]}
        return JSONResponse(body, headers={"Vary": "Accept"})
    lang = language(request)
    shown = show_findings(chosen, Page(endpoint(request).config.base, lang, endpoint(request).served.prefixes))
    groups: dict[str, list[Any]] = {}
    for s in shown:
        groups.setdefault(s.finding.qualification_id, []).append(s)
    return page(
        request,
        "findings.html",
        title=lang.t("Findings", "Temuan"),
        selection=selection,
        counts=counts(chosen),
        total=len(every),
        rules=by_rule(chosen),
        groups=sorted(groups.items(), key=lambda kv: (kv[0] == "", kv[0])),
        choices={
            "qualification": sorted({f.qualification_id for f in every if f.qualification}),
            "rule": sorted({f.rule for f in every}),
            "severity": list(SEVERITIES),
        },
    )


# ----------------------------------------------------------------------------- checks over HTTP


async def _body(request: Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it is longer than ``limit`` bytes (declared or sent)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def _qualifications() -> list[tuple[str, str]]:
    return sorted((q.short_id, q.label) for q in default_catalogue().qualifications.values())


@router.get("/check", response_class=HTMLResponse, summary="A form to check a candidate's record or a training program", tags=["check"])
async def check_form(request: Request) -> HTMLResponse:
    choices = await run_in_threadpool(_qualifications)
    return page(
        request,
        "check.html",
        title=language(request).t("Check a candidate", "Periksa peserta"),
        choices=choices,
        report=None,
        error=None,
        chosen={},
    )


_CHECK_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            **{media: {"schema": {"type": "string"}} for media in check.SUFFIXES},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "qualification": {"type": "string"},
                        "units": {"type": "string", "description": "unit codes, separated by spaces or lines"},
                        "record": {
                            "type": "string",
                            "format": "binary",
                            "description": "a record or program file (.ttl, .jsonld, .csv, .json, .txt)",
                        },
                        "program": {"type": "boolean"},
                    },
                }
            },
        },
    },
    "parameters": [
        {
            "name": "qualification",
            "in": "query",
            "required": False,
            "description": "The qualification's IRI or short id (default: the record's kkni:targetQualification)",
            "schema": {"type": "string"},
        },
        {
            "name": "program",
            "in": "query",
            "required": False,
            "description": "The units are a training program's offer (default: a candidate's record, or what the file says)",
            "schema": {"type": "boolean"},
        },
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "json or html (default: by Accept)",
            "schema": {"type": "string"},
        },
    ],
}


@router.post(
    "/check",
    summary="Check a candidate's record or a training program against a qualification: the report of `kkni check`",
    tags=["check"],
    responses={
        200: {
            "description": "The report (achieved / completable, missing core units, electives, prerequisites, units not belonging)",
            "content": {"application/json": {}, "text/html": {}},
        },
        400: {"description": "A file that cannot be read (line, column), an unknown or ambiguous qualification, nesting too deep"},
        413: {"description": "The body is larger than the endpoint's query size limit"},
        415: {"description": "Another content type"},
    },
    openapi_extra=_CHECK_BODY,
)
async def check_post(request: Request) -> Response:
    e = endpoint(request)
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    fmt = request.query_params.get("format")
    from_form = media in check.FORMS
    as_html = fmt == "html" or (fmt is None and (from_form or protocol.accepts_html(request.headers.get("accept"))) and fmt != "json")
    if media not in check.SUFFIXES and not from_form:
        known = ", ".join([*check.SUFFIXES, *check.FORMS])
        return respond(
            errors.error(
                415,
                "unsupported media type",
                f"POST a record as one of {known}, not {media or 'no content type'}.",
                "Kirim catatan sebagai Turtle, JSON-LD, CSV, atau formulir.",
            )
        )
    limit = e.config.max_query_bytes
    body = await _body(request, limit)
    if body is None:
        return respond(
            errors.error(
                413,
                "request too large",
                f"The record is longer than {limit} bytes.",
                f"Catatan lebih panjang dari {limit} byte.",
                limit=limit,
            )
        )
    submission = check.read_form(media, content_type, body) if from_form else check.Submission(body, check.SUFFIXES[media])
    if isinstance(submission, Outcome):
        return respond(submission)
    qualification = request.query_params.get("qualification") or None
    program = request.query_params.get("program", "").lower() in ("1", "true", "yes", "on")
    report = await run_in_threadpool(check.run, submission, qualification, program)
    if not as_html:
        return respond(report) if isinstance(report, Outcome) else JSONResponse(report)
    error = json.loads(report.body) if isinstance(report, Outcome) else None
    choices = await run_in_threadpool(_qualifications)
    return page(
        request,
        "check.html",
        status=report.status if isinstance(report, Outcome) else 200,
        title=language(request).t("Check a candidate", "Periksa peserta"),
        choices=choices,
        report=None if isinstance(report, Outcome) else report,
        error=error,
        chosen={
            "qualification": qualification or submission.qualification or "",
            "units": submission.fields.get("units", ""),
            "program": program or submission.program,
        },
    )


# ----------------------------------------------------------------------------- named queries with their parameters


def _named_query_route(q: NamedQuery) -> Callable[[Request], Coroutine[Any, Any, Response]]:
    async def run(request: Request) -> Response:
        from kkni_rdf.endpoint.app import answer  # noqa: PLC0415 - app.py includes this router, so it is imported when called

        e = endpoint(request)
        values: dict[str, list[str]] = {}
        for name, value in request.query_params.multi_items():
            if name not in ("format", "lang"):
                values.setdefault(name, []).append(value)
        try:
            text = q.bind(values)
        except ParameterError as exc:
            return respond(errors.error(400, "bad parameter", exc.message, exc.pesan, parameter=exc.parameter))
        fmt = request.query_params.get("format")
        return await answer(request, protocol.job(text, request.headers.get("accept"), fmt, None, None, e.config.max_query_bytes))

    return run


def _openapi_parameters(q: NamedQuery) -> list[dict[str, object]]:
    declared: list[dict[str, object]] = [
        {
            "name": p.name,
            "in": "query",
            "required": False,
            "description": f"{p.description} (sets VALUES ?{p.variable}; default: {', '.join(p.defaults) or 'none'}; repeat for several values)",
            "schema": {"type": "array", "items": {"type": "number" if p.kind == "number" else "string"}},
            "style": "form",
            "explode": True,
        }
        for p in q.parameters
    ]
    declared.append(
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "A format name or media type, overriding Accept",
            "schema": {"type": "string"},
        }
    )
    return declared


_QUERY_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The query's results, by Accept or `format`",
        "content": {f.media_type: {} for f in (*RESULT_FORMATS, *GRAPH_FORMATS)},
    },
    400: {"description": "A parameter value the query cannot take, or an unknown parameter"},
}

for _q in load_named_queries().values():
    router.add_api_route(
        f"/queries/{_q.name}",
        _named_query_route(_q),
        methods=["GET"],
        summary=_q.title,
        description=_q.question
        + ("\n\nVariables:\n" + "\n".join(f"- `?{v}`: {m}" for v, m in _q.variables.items()) if _q.variables else ""),
        tags=["queries"],
        responses=_QUERY_RESPONSES,
        openapi_extra={"parameters": _openapi_parameters(_q)},
        name=f"named_query_{_q.name}",
    )


router.include_router(pages)


def config_json(value: object) -> str:
    """JSON for a ``<script type="application/json">`` block (no ``</`` inside)."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")
