"""The SPARQL 1.1 Protocol as this endpoint reads it: the query of a GET or a POST, its dataset
(``default-graph-uri``, ``named-graph-uri``) and the format of the answer (``Accept`` or ``format``).

Reading a request ends in a ``Job`` (what to evaluate and how to write it; also its cache key) or
in the ``Outcome`` to answer with at once: 400, 403, 413 or 415 (``kkni_rdf.endpoint.errors``).

Content negotiation is the small function below, over the one format registry
(``kkni_rdf.formats``). The maintained helpers on PyPI were weighed and each answers some
``Accept`` headers differently from this endpoint's documented behaviour: python-mimeparse breaks
ties by specificity and then by the *last* offer, treats a malformed ``q`` as 1 and rejects a
range without ``/``; werkzeug's ``MIMEAccept`` matches ``text/turtle;charset=utf-8`` to no offer
(parameters must be equal) and also breaks ties by specificity; content-negotiation drops
``q=0`` ranges, so ``text/turtle;q=0, */*;q=0.1`` can still get Turtle. Here a format's quality
is that of the most specific range naming it (``q=0`` excludes it), parameters other than ``q``
are ignored, and ties go to the registry's order (its first format is the default).

POST bodies are read here too, under the size limit while they arrive. A form is parsed with the
standard library (``urllib.parse``) after the body is decoded in its declared charset:
Starlette's form parser (python-multipart) decodes urlencoded fields as UTF-8 (raw bytes as
Latin-1) whatever the charset says, and answers an oversized field with its own 400 instead of
this endpoint's bilingual 413; so the endpoint does not use it, nor depend on python-multipart.
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import parse_qs

from starlette.requests import ClientDisconnect, Request

from kkni_rdf.endpoint import errors
from kkni_rdf.endpoint.errors import Outcome
from kkni_rdf.endpoint.execute import Job
from kkni_rdf.formats import GRAPH_FORMATS, RESULT_FORMATS, Format, format_key, known_format_names
from kkni_rdf.store.protocol import Dataset

HTML = "text/html"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
FORM = "application/x-www-form-urlencoded"

# ----------------------------------------------------------------------------- negotiation


def _ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values (parameters other than q ignored)."""
    out = []
    for part in accept.split(","):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            name, _, value = b.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        out.append((bits[0].lower(), q))
    return out


def _match(media_type: str, ranges: list[tuple[str, float]]) -> tuple[int, float]:
    """(specificity, q) of the most specific range that matches ``media_type`` (RFC 9110 §12.5.1)."""
    best: tuple[int, float] = (-1, 0.0)
    major = media_type.split("/", maxsplit=1)[0]
    for rng, q in ranges:
        if rng == media_type:
            spec = 2
        elif rng == f"{major}/*":
            spec = 1
        elif rng in ("*/*", "*"):
            spec = 0
        else:
            continue
        if spec > best[0]:
            best = (spec, q)
    return best


def negotiate(accept: str | None, offers: tuple[Format, ...]) -> str | None:
    """The key of the best of ``offers`` for ``accept`` (the first offer if there is no header), or None."""
    if not accept or not accept.strip():
        return offers[0].key
    ranges = _ranges(accept)
    best_key, best_q = None, 0.0
    for f in offers:
        # the format's quality is that of the most specific range naming any of its media types,
        # so "text/turtle;q=0" is not undone by "*/*" matching an alias
        # (aliases count only when named exactly: "text/*" means CSV, not XML by way of text/xml)
        matches = [_match(f.media_type, ranges)] + [m for a in f.aliases if "/" in a and (m := _match(a, ranges))[0] == 2]
        _, q = max(matches)
        if q > best_q:
            best_key, best_q = f.key, q
    return best_key


def accepts_html(accept: str | None) -> bool:
    """True where a browser asks for HTML before any RDF or JSON format."""
    if not accept:
        return False
    ranges = _ranges(accept)
    html_q = _match(HTML, ranges)[1]
    if html_q <= 0:
        return False
    explicit = [q for rng, q in ranges if rng not in ("*/*", "*", "text/*") and rng != HTML]
    return all(html_q >= q for q in explicit) and any(rng == HTML for rng, _ in ranges)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header takes gzip (RFC 9110 §12.5.3: ``gzip`` or ``*`` with a q above 0)."""
    ranges = dict(_ranges(accept_encoding)) if accept_encoding else {}
    return ranges.get("gzip", ranges.get("x-gzip", ranges.get("*", 0.0))) > 0


def graph_format(accept: str | None, fmt: str | None) -> str | None:
    """The RDF format of a graph answer (a description, a resource): ``format`` if given, else by Accept; None: 406."""
    return format_key(fmt, GRAPH_FORMATS) if fmt else negotiate(accept, GRAPH_FORMATS)


def page_or_graph_format(accept: str | None, fmt: str | None) -> str | None:
    """``"html"`` where a browser prefers a page (and names no ``format``), else ``graph_format``."""
    return "html" if accepts_html(accept) and not fmt else graph_format(accept, fmt)


# ----------------------------------------------------------------------------- queries


def graph_list(values: list[str]) -> tuple[str, ...] | None:
    """A dataset parameter (``default-graph-uri``, ``named-graph-uri``): None when not given."""
    return tuple(values) if values else None


def job(
    text: str,
    accept: str | None,
    fmt: str | None,
    default_graphs: tuple[str, ...] | None,
    named_graphs: tuple[str, ...] | None,
    max_query_bytes: int,
    base_iri: str | None = None,
) -> Job | Outcome:
    """The job for a query text, or why there is none: 413 (too long), 400 (empty, unknown ``format``)."""
    if len(text.encode("utf-8")) > max_query_bytes:
        return errors.request_too_large(max_query_bytes)
    if not text.strip():
        return errors.missing_query()
    if fmt:
        results, graph = format_key(fmt, RESULT_FORMATS), format_key(fmt, GRAPH_FORMATS)
        if results is None and graph is None:
            return errors.unknown_format(fmt, known_format_names())
    else:
        results, graph = negotiate(accept, RESULT_FORMATS), negotiate(accept, GRAPH_FORMATS)
    return Job(text, results, graph, Dataset.of(default_graphs, named_graphs), base_iri)


#: The character sets a body may declare: Python's codecs for real character sets (UTF-8/16/32,
#: ASCII, ISO 8859, Windows and other code pages, the East Asian sets), not the transforms it also
#: registers (``undefined``, ``punycode``, ``idna``, ``unicode_escape``, ``rot13``, …).
_CHARSET_CODECS = re.compile(
    r"(utf_(8|16|32)(_[lb]e)?|ascii|latin_1|iso8859_\d+|cp\d+|mac_\w+|koi8_\w+|kz1048|ptcp154|"
    r"big5(hkscs)?|gb2312|gbk|gb18030|hz|euc_\w+|shift_jis\w*|iso2022_\w+|johab|tis_620)"
)


def usable_charset(name: str) -> bool:
    """Whether ``name`` is a character set this endpoint decodes bodies in."""
    try:
        codec = codecs.lookup(name).name.replace("-", "_")
    except (LookupError, ValueError):
        return False
    return _CHARSET_CODECS.fullmatch(codec) is not None


def _content_type(header: str) -> tuple[str, str]:
    """The media type (lower case) and the charset (default UTF-8) of a Content-Type header."""
    media, _, rest = header.partition(";")
    charset = "utf-8"
    for param in rest.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    return media.strip().lower(), charset


async def read_body(request: Request, limit: int) -> bytes | None:
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


def _decoded(body: bytes, charset: str) -> str | Outcome:
    """The body as text in its declared charset; 415 for a charset this endpoint does not read, 400 for bytes it does not hold."""
    if not usable_charset(charset):
        return errors.unsupported_charset(charset)
    try:
        return body.decode(charset)
    except UnicodeDecodeError as exc:
        return errors.bad_encoding(charset, exc)
    except (UnicodeError, LookupError, ValueError):  # a codec that cannot read this body at all
        return errors.unsupported_charset(charset)


def _form_query(body: str, charset: str, params: dict[str, list[str]]) -> str | Outcome:
    """The query of a form body; its other fields join ``params`` (the URL's). 403 for an update, 400 without a query or with two."""
    form = parse_qs(body, keep_blank_values=True, encoding=charset)
    if "update" in form:
        return errors.refused(errors.update_refused())
    if "query" not in form:
        return errors.missing_form_query()
    if len(form["query"]) + len(params.get("query", [])) > 1:
        return errors.query_twice()
    text = form.pop("query")[0]
    for name, values in form.items():
        params.setdefault(name, []).extend(values)
    return text


async def read_post(request: Request, max_query_bytes: int, base_iri: str | None = None) -> Job | Outcome:
    """The job of a POST: a query body (``application/sparql-query``) or a form with ``query``."""
    media, charset = _content_type(request.headers.get("content-type", ""))
    if media == SPARQL_UPDATE:
        return errors.refused(errors.update_refused())
    if media not in (SPARQL_QUERY, FORM):
        return errors.unsupported_media_type(media)
    try:
        body = await read_body(request, max_query_bytes)
    except ClientDisconnect:  # gone, or cut off by the server's read timeout: nobody reads this answer
        return errors.request_timeout(0)
    if body is None:
        return errors.request_too_large(max_query_bytes)
    text = _decoded(body, charset)
    if isinstance(text, Outcome):
        return text
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        params.setdefault(name, []).append(value)
    if media == FORM:
        found = _form_query(text, charset, params)
        if isinstance(found, Outcome):
            return found
        text = found
    elif "query" in params:  # the body is the query: one in the URL as well is a second
        return errors.query_twice()
    return job(
        text,
        request.headers.get("accept"),
        params.get("format", [None])[-1],
        graph_list(params.get("default-graph-uri", [])),
        graph_list(params.get("named-graph-uri", [])),
        max_query_bytes,
        base_iri,
    )
