"""What the routes of ``app`` and ``web`` share: the ``Endpoint`` a request is served by, an ``Outcome``
as a response, a page, the page's language, the endpoint's own URL, and the answer to a query job.

Both route modules import this one, and neither imports the other's routes: ``app`` includes
``web``'s router, ``web`` never imports ``app``.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from kkni_rdf.endpoint.errors import Outcome
from kkni_rdf.endpoint.execute import Job
from kkni_rdf.endpoint.i18n import Lang, choose
from kkni_rdf.endpoint.pages import TEMPLATES
from kkni_rdf.endpoint.service import Endpoint

__all__ = ["answer", "endpoint", "language", "page", "public_url", "respond"]


def endpoint(request: Request) -> Endpoint:
    """The one object that holds what this app serves (made at start-up: ``app.create_app``'s lifespan)."""
    found: Endpoint = request.app.state.endpoint
    return found


def respond(outcome: Outcome) -> Response:
    return Response(
        outcome.body, status_code=outcome.status, headers={"Vary": "Accept", **dict(outcome.headers)}, media_type=outcome.media_type
    )


def language(request: Request) -> Lang:
    return choose(request.query_params.get("lang"), request.headers.get("accept-language"))


def page(request: Request, template: str, status: int = 200, **context: object) -> HTMLResponse:
    """The page ``template`` (``templates/``) for ``request``, in its language."""
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status)
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def public_url(request: Request) -> str:
    """The endpoint's own URL for its descriptions: ``--public-url``, else the address the server listens on.
    Never the client's Host header: a description must not say what a client made up (nor vary with it)."""
    configured = endpoint(request).config.public_url
    if configured:
        return configured.rstrip("/") + "/"
    host, port = request.scope.get("server") or ("127.0.0.1", 80)
    scheme = request.scope.get("scheme", "http")
    host = f"[{host}]" if ":" in str(host) else host
    default = (scheme == "http" and port == 80) or (scheme == "https" and port == 443)
    return f"{scheme}://{host}/" if default or port is None else f"{scheme}://{host}:{port}/"


async def answer(request: Request, job: Job | Outcome) -> Response:
    """The answer to a query: from the cache, else from a query worker (waited for in the event loop)."""
    if isinstance(job, Outcome):
        return respond(job)
    e = endpoint(request)
    hit = e.cached(job)
    return respond(hit if hit is not None else await e.evaluate(job, request.client.host if request.client else ""))
