"""``/search``: the qualifications, units, job titles and findings of the served store that match a text
(``kkni_rdf.search``, the index ``Endpoint.search_index`` holds): a page for browsers, JSON otherwise
(``Accept``, or ``format=html|json``). The box on every page (``layout.html``) sends people here.

Parameters: ``q`` (the text, at most ``MAX_QUERY`` characters), ``kind`` (one of ``KINDS``, repeatable
or comma-separated; default all), ``limit`` (1 to ``MAX_RESULTS``, default 20), ``lang`` (the page's).
A parameter out of bounds is a 400 in both languages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from kkni_rdf.endpoint import errors, protocol
from kkni_rdf.endpoint.errors import Outcome
from kkni_rdf.endpoint.http import endpoint, language, page, respond
from kkni_rdf.endpoint.pages import Page
from kkni_rdf.search import KINDS, MAX_RESULTS, Hit

__all__ = ["router"]

MAX_QUERY = 200
DEFAULT_LIMIT = 20
KIND_NAMES = {
    "qualification": ("qualification", "kualifikasi"),
    "unit": ("unit of competency", "unit kompetensi"),
    "job-title": ("job title", "jabatan"),
    "finding": ("finding", "temuan"),
}

router = APIRouter()


@dataclass(frozen=True)
class Asked:
    text: str
    kinds: tuple[str, ...]
    limit: int


def read_params(request: Request) -> Asked | Outcome:
    """``q``, ``kind`` and ``limit``, or a 400 that says which and why, in English and Indonesian."""
    params = request.query_params
    text = params.get("q", "").strip()
    if len(text) > MAX_QUERY:
        return errors.error(
            400,
            "bad parameter",
            f"The search text is {len(text)} characters long; at most {MAX_QUERY} are read.",
            f"Teks pencarian sepanjang {len(text)} karakter; paling banyak {MAX_QUERY} yang dibaca.",
            parameter="q",
        )
    kinds = tuple(k.strip() for value in params.getlist("kind") for k in value.split(",") if k.strip()) or KINDS
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        return errors.error(
            400,
            "bad parameter",
            f"No kind {unknown[0]!r}: kind is one of {', '.join(KINDS)}.",
            f"Jenis {unknown[0]!r} tidak ada: jenis adalah salah satu dari {', '.join(KINDS)}.",
            parameter="kind",
        )
    raw = params.get("limit", str(DEFAULT_LIMIT)).strip()
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_RESULTS:
        return errors.error(
            400,
            "bad parameter",
            f"limit must be a whole number from 1 to {MAX_RESULTS}, not {raw!r}.",
            f"limit harus bilangan bulat dari 1 sampai {MAX_RESULTS}, bukan {raw!r}.",
            parameter="limit",
        )
    return Asked(text, kinds, int(raw))


def _as_json(asked: Asked, hits: list[Hit], shown: Page) -> dict[str, object]:
    return {
        "query": asked.text,
        "kinds": list(asked.kinds),
        "count": len(hits),
        "results": [{**h.as_dict(), "href": shown.href(h.document.iri)} for h in hits],
    }


@router.get(
    "/search",
    summary="Search qualifications, units (Indonesian and English titles), job titles and findings: ranked, stemmed, typo-tolerant",
    tags=["search"],
    responses={
        200: {"description": "The results, best first", "content": {"application/json": {}, "text/html": {}}},
        400: {"description": "No search text (JSON), or a parameter out of bounds"},
    },
    openapi_extra={
        "parameters": [
            {"name": "q", "in": "query", "description": "what to search, e.g. asesmen, assessment", "schema": {"type": "string"}},
            {"name": "kind", "in": "query", "description": f"one of {', '.join(KINDS)} (default all)", "schema": {"type": "string"}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS, "default": DEFAULT_LIMIT}},
            {"name": "format", "in": "query", "description": "html or json (default: by Accept)", "schema": {"type": "string"}},
            {"name": "lang", "in": "query", "description": "id or en: the page's language", "schema": {"type": "string"}},
        ]
    },
)
async def search(request: Request) -> Response:
    """The results for ``q``; parameters are read here (``read_params``), so that each mistake has its own message."""
    asked = read_params(request)
    format = request.query_params.get("format")
    q = request.query_params.get("q", "")
    as_html = format == "html" or (format is None and protocol.accepts_html(request.headers.get("accept")))
    if format not in (None, "html", "json"):
        asked = errors.error(
            400,
            "bad parameter",
            f"format is html or json, not {format!r}.",
            f"format adalah html atau json, bukan {format!r}.",
            parameter="format",
        )
    if isinstance(asked, Outcome) and not as_html:
        return respond(asked)
    e = endpoint(request)
    lang = language(request)
    shown = Page(e.config.base, lang)
    hits: list[Hit] = []
    if not isinstance(asked, Outcome) and asked.text:
        index = await run_in_threadpool(e.search_index)
        hits = await run_in_threadpool(index.search, asked.text, asked.kinds, asked.limit)
    if not as_html:
        if isinstance(asked, Outcome) or not asked.text:
            return respond(
                errors.error(
                    400,
                    "missing parameter",
                    "Say what to search: /search?q=TEXT.",
                    "Sebutkan apa yang dicari: /search?q=TEKS.",
                    parameter="q",
                )
            )
        return JSONResponse(_as_json(asked, hits, shown), headers={"Vary": "Accept"})
    error = json.loads(asked.body) if isinstance(asked, Outcome) else None
    return page(
        request,
        "search.html",
        status=400 if error else 200,
        title=lang.t("Search", "Cari"),
        q=q if error is None else q[:MAX_QUERY],
        error=error,
        hits=[(h, shown.href(h.document.iri), shown.href(h.document.context) if h.document.context else None) for h in hits],
        kind_names=KIND_NAMES,
        kinds=KINDS,
        chosen=() if isinstance(asked, Outcome) or asked.kinds == KINDS else asked.kinds,
    )
