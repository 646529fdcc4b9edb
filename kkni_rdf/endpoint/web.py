"""The endpoint's face for people, and the routes that go with it (an ``APIRouter`` the app includes
before its own, so that its exact paths come first):

- ``/``: the query page (YASGUI, or the project's own editor), set up from ``Endpoint.workbench``;
- pages for browsers where a machine gets RDF or JSON: ``/.well-known/void`` and ``/queries`` (the
  gallery of named queries). These routes match only requests that prefer HTML and name no
  ``format`` (``PageRoute``); every other request goes on to the protocol's routes, unchanged. The
  service description's page (``service_page``) is answered by ``app.sparql``, the one function
  that answers ``/sparql``;
- ``/docs``: Swagger UI served from this server (``assets``), else a plain list of the operations;
- ``/findings``: the validation report, filterable by qualification, rule and severity (HTML or JSON);
- ``/check``: a candidate's record or a training program checked against a qualification, over HTTP,
  against the qualifications of the served store (``Endpoint.catalogue``).

Everything shown comes from the ``Endpoint`` (``http.endpoint``); the pages are Jinja2 templates
(``templates/``), in Indonesian or English (``i18n``). This module never imports ``app``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.routing import Match
from starlette.types import Scope

from kkni_rdf.endpoint import assets, check, errors, indexes, protocol
from kkni_rdf.endpoint.describe import DOWNLOADS, LICENSE, TITLE_EN, TITLE_ID
from kkni_rdf.endpoint.errors import Outcome
from kkni_rdf.endpoint.execute import Job
from kkni_rdf.endpoint.findings import SEVERITIES, Selection, by_rule, counts
from kkni_rdf.endpoint.http import endpoint, language, page, public_url, respond
from kkni_rdf.endpoint.i18n import with_param
from kkni_rdf.endpoint.named import NamedQuery
from kkni_rdf.endpoint.pages import Page, show_findings
from kkni_rdf.endpoint.protocol import read_body
from kkni_rdf.formats import GRAPH_FORMATS, RESULT_FORMATS, content_type, media_type_of, rdf_format

__all__ = ["BROWSER_ACCEPT", "PageRoute", "opens_as_page", "query_page", "router", "service_page"]

RESULTS_JSON = "application/sparql-results+json"


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


@router.get("/", response_class=HTMLResponse, summary="The SPARQL query editor", tags=["editor"])
def editor(request: Request) -> HTMLResponse:
    e = endpoint(request)
    return page(
        request,
        "editor.html",
        title="SPARQL editor",
        base=e.config.base,
        queries=list(e.named_queries.values()),
        workbench=e.workbench,
    )


# ----------------------------------------------------------------------------- pages where machines get RDF


def service_page(request: Request) -> HTMLResponse:
    """The service description as a page (``app.sparql`` answers a browser's ``GET /sparql`` with it)."""
    e = endpoint(request)
    return page(
        request,
        "service.html",
        title=language(request).t("Service description", "Deskripsi layanan"),
        url=public_url(request) + "sparql",
        graphs=e.graphs,
        total=e.default_triples,
        result_formats=RESULT_FORMATS,
        graph_formats=GRAPH_FORMATS,
        config=e.config,
    )


@pages.get("/.well-known/void", include_in_schema=False)
def void_page(request: Request) -> HTMLResponse:
    e = endpoint(request)
    return page(
        request,
        "void.html",
        title="VoID",
        dataset_title={"en": TITLE_EN, "id": TITLE_ID},
        site=public_url(request),
        license=LICENSE,
        downloads=list(DOWNLOADS),
        graphs=e.graphs,
        total=e.default_triples,
        example=Page(e.config.base, language(request)).href(e.example) if e.example else None,
    )


@pages.get("/queries", include_in_schema=False)
def gallery_page(request: Request) -> HTMLResponse:
    e = endpoint(request)
    return page(
        request, "gallery.html", title=language(request).t("Example queries", "Contoh kueri"), queries=list(e.named_queries.values())
    )


# ----------------------------------------------------------------------------- a query opened in a browser

#: What a query's answer is asked for in, to be shown as a page: its rows (SELECT, ASK) or its triples.
BROWSER_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
_TABLE_FORMATS = (("CSV", "csv"), ("TSV", "tsv"), ("JSON", "json"), ("XML", "xml"))
_GRAPH_DOWNLOADS = (("Turtle", "turtle"), ("N-Triples", "ntriples"), ("JSON-LD", "jsonld"), ("RDF/XML", "rdfxml"))


def opens_as_page(request: Request) -> bool:
    """A query's answer is a page where a browser asks (HTML first, as browsers send) and names no ``format``."""
    return "format" not in request.query_params and protocol.accepts_html(request.headers.get("accept"))


async def query_page(request: Request, job: Job | Outcome, text: str, named: NamedQuery | None = None) -> Response:
    """A query's answer as a page: the same job a client's ``Accept: application/sparql-results+json``
    (or Turtle) would run, shown as a table, with links to the machine formats; or why there is none."""
    e = endpoint(request)
    if isinstance(job, Outcome):
        outcome = job
    else:
        outcome = e.cached(job) or await e.evaluate(job, request.client.host if request.client else "")
    return await run_in_threadpool(_results_page, request, outcome, text, named)


def _here(request: Request) -> str:
    """The request's own local URL (path and query)."""
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def _results_page(request: Request, outcome: Outcome, text: str, named: NamedQuery | None) -> HTMLResponse:
    e = endpoint(request)
    lang = language(request)
    shown = Page(e.config.base, lang, e.served.prefixes)
    context: dict[str, object] = {"variables": [], "rows": [], "boolean": None, "error": None, "downloads": []}
    if outcome.status != 200:
        context["error"] = json.loads(outcome.body) if outcome.media_type.startswith("application/json") else {"message": "", "pesan": ""}
    elif outcome.media_type.startswith(RESULTS_JSON):
        answer = ox.parse_query_results(outcome.body, format=ox.QueryResultsFormat.JSON)
        if isinstance(answer, ox.QueryBoolean):
            context["boolean"] = bool(answer)
        else:
            names = [v.value for v in answer.variables]
            context["variables"] = ["?" + n for n in names]
            context["rows"] = [[shown.show(row[n]) for n in names] for row in answer]
        context["downloads"] = [(name, with_param(_here(request), "format", key)) for name, key in _TABLE_FORMATS]
    else:
        triples = list(ox.parse(outcome.body, format=ox.RdfFormat.TURTLE))
        context["variables"] = ["subject", "predicate", "object"]
        context["rows"] = [[shown.show(t.subject), shown.show(t.predicate), shown.show(t.object)] for t in triples]
        context["downloads"] = [(name, with_param(_here(request), "format", key)) for name, key in _GRAPH_DOWNLOADS]
    return page(
        request,
        "results.html",
        status=outcome.status,
        title=named.title if named else lang.t("Query results", "Hasil kueri"),
        question=named.question if named else "",
        query=text,
        status_code=outcome.status,
        **context,
    )


# ----------------------------------------------------------------------------- index pages


_HTML_TYPE = "text/html; charset=utf-8"


def _index_answer(request: Request, index: indexes.Index, fmt: str | None) -> Outcome:
    """The index as a page (a browser naming no ``format``) or as RDF (by Accept or ``format``), kept in the answer cache."""
    e = endpoint(request)
    lang = language(request)
    shown_as = protocol.page_or_graph_format(request.headers.get("accept"), fmt)
    key = ("index", index.path, shown_as, lang)
    found = e.cache.get(key)
    if found is not None:
        return found
    if shown_as == "html":
        here = lang.href("/" + index.path)
        found = Outcome(200, _HTML_TYPE, indexes.index_page(e.served, index, lang, here).encode("utf-8"))
    elif shown_as is None and fmt:
        found = errors.unknown_format(fmt, [f.key for f in GRAPH_FORMATS])
    elif shown_as is None:
        found = errors.not_acceptable("index as RDF", [f.media_type for f in GRAPH_FORMATS])
    else:
        body = ox.serialize(indexes.index_triples(e.served, index), format=rdf_format(shown_as), prefixes=e.served.prefixes) or b""
        found = Outcome(200, content_type(media_type_of(shown_as)), body)
    if found.status == 200:  # (a refusal depends on more than the key: the format asked for)
        e.cache.put(key, found, len(found.body))
    return found


def _index_route(index: indexes.Index) -> None:
    def answer(request: Request, format: str | None = None) -> Response:
        outcome = _index_answer(request, index, format)
        response = respond(outcome)
        response.headers["Vary"] = "Accept, Accept-Language"
        return response

    router.add_api_route(
        "/" + index.path,
        answer,
        methods=["GET"],
        summary=f"{index.title_en}, grouped: an HTML page for browsers, RDF (a skos:Collection) by Accept or `format`",
        tags=["linked data"],
        responses={200: {"content": {"text/html": {}, **{f.media_type: {} for f in GRAPH_FORMATS}}}, 406: {}},
        name=f"index_{index.path}",
    )


for _index in indexes.INDEXES.values():
    _index_route(_index)


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


@router.get(
    "/findings",
    summary="The validation findings (the decree's SHACL report): HTML for browsers, JSON otherwise",
    tags=["findings"],
    responses={200: {"content": {"application/json": {}, "text/html": {}}}},
)
def findings(request: Request, qualification: str = "", rule: str = "", severity: str = "", format: str | None = None) -> Response:
    e = endpoint(request)
    every = e.findings
    selection = Selection(qualification.strip(), rule.strip(), severity.strip().lower())
    chosen = [f for f in every if selection.keeps(f)]
    as_html = format == "html" or (format is None and protocol.accepts_html(request.headers.get("accept")))
    if not as_html:
        body = {"counts": counts(chosen), "selection": selection.__dict__, "findings": [f.as_dict() for f in chosen]}
        return JSONResponse(body, headers={"Vary": "Accept"})
    lang = language(request)
    shown = show_findings(chosen, Page(e.config.base, lang, e.served.prefixes))
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


@router.get(
    "/check",
    summary="The check form; with `units`, a check as a link: the report (HTML for browsers, JSON otherwise)",
    tags=["check"],
    responses={200: {"content": {"application/json": {}, "text/html": {}}}},
)
async def check_get(
    request: Request, qualification: str | None = None, units: str | None = None, program: bool = False, format: str | None = None
) -> Response:
    """``GET /check`` is the form; ``GET /check?qualification=…&units=…`` checks those codes (separated by commas,
    semicolons, spaces or lines), answered as ``POST /check`` answers."""
    if units is None:
        return await run_in_threadpool(_check_form, request)
    submission = check.read_query(dict(request.query_params))
    report = await run_in_threadpool(endpoint(request).check, submission, None, False)
    if not _wants_html(format, request.headers.get("accept"), False):
        return respond(report) if isinstance(report, Outcome) else JSONResponse(report, headers={"Vary": "Accept"})
    return await run_in_threadpool(_check_page, request, submission, None, False, report)


def _check_form(request: Request) -> HTMLResponse:
    return page(
        request,
        "check.html",
        title=language(request).t("Check a candidate", "Periksa peserta"),
        choices=endpoint(request).qualification_choices(),
        report=None,
        error=None,
        chosen={},
    )


def _wants_html(fmt: str | None, accept: str | None, from_form: bool) -> bool:
    """A page: ``format=html``, else a browser's Accept, else a form that does not ask for JSON (``curl -F``)."""
    if fmt is not None:
        return fmt == "html"
    if protocol.accepts_html(accept):
        return True
    return from_form and "json" not in (accept or "").lower()


_CHECK_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            **{media: {"schema": {"type": "string"}} for media in check.SUFFIXES},
            "application/json": {
                "schema": {
                    "oneOf": [
                        {
                            "type": "object",
                            "properties": {
                                "qualification": {"type": "string", "description": "IRI or short id, e.g. N78SPS01-4-asesor"},
                                "units": {
                                    "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}],
                                    "description": "unit codes: a list, or one text separated by commas, semicolons, spaces or lines",
                                },
                                "program": {"type": "boolean"},
                            },
                            "required": ["units"],
                        },
                        {"type": "array", "items": {"type": "string"}},
                    ]
                },
                "example": {"qualification": "N78SPS01-4-asesor", "units": ["M.74SPS03.088.2", "M.74SPS03.090.1", "M.74SPS03.104.1"]},
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "qualification": {"type": "string"},
                        "units": {"type": "string", "description": "unit codes, separated by commas, semicolons, spaces or lines"},
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
    from_form = media in check.FORMS
    as_html = _wants_html(request.query_params.get("format"), request.headers.get("accept"), from_form)
    if media not in check.SUFFIXES and not from_form:
        known = ", ".join([*check.SUFFIXES, *check.FORMS])
        return respond(
            errors.error(
                415,
                "unsupported media type",
                f"POST a record as one of {known}, not {media or 'no content type'}.",
                f"Kirim catatan sebagai salah satu dari {known}, bukan {media or 'tanpa jenis konten'}.",
            )
        )
    limit = e.config.max_query_bytes
    body = await read_body(request, limit)
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
    if from_form:
        submission = check.read_form(media, content_type, body)
    elif media == "application/json":
        submission = check.read_json(body)
    else:
        submission = check.Submission(body, check.SUFFIXES[media])
    if isinstance(submission, Outcome):
        return respond(submission)
    qualification = request.query_params.get("qualification") or None
    program = request.query_params.get("program", "").lower() in ("1", "true", "yes", "on")
    report = await run_in_threadpool(e.check, submission, qualification, program)
    if not as_html:
        return respond(report) if isinstance(report, Outcome) else JSONResponse(report, headers={"Vary": "Accept"})
    return await run_in_threadpool(_check_page, request, submission, qualification, program, report)


def _check_page(
    request: Request, submission: check.Submission, qualification: str | None, program: bool, report: dict[str, object] | Outcome
) -> HTMLResponse:
    """The form with the report of a check (or why there is none), its link to the qualification's page under the served base."""
    e = endpoint(request)
    lang = language(request)
    error = json.loads(report.body) if isinstance(report, Outcome) else None
    checked = None if isinstance(report, Outcome) else report
    return page(
        request,
        "check.html",
        status=report.status if isinstance(report, Outcome) else 200,
        title=lang.t("Check a candidate", "Periksa peserta"),
        choices=e.qualification_choices(),
        report=checked,
        qualification_href=Page(e.config.base, lang).href(str(checked["qualification"])) if checked else None,
        error=error,
        chosen={
            "qualification": qualification or submission.qualification or "",
            "units": submission.fields.get("units", ""),
            "program": program or submission.program,
        },
    )


router.include_router(pages)
