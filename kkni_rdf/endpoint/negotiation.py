"""HTTP content negotiation: which of the registry's formats (``kkni_rdf.formats``) an ``Accept`` header asks for."""

from __future__ import annotations

from kkni_rdf.formats import Format

HTML = "text/html"


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


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    return _match(media_type, ranges)[1]


def _match(media_type: str, ranges: list[tuple[str, float]]) -> tuple[int, float]:
    """(specificity, q) of the most specific range that matches ``media_type`` (RFC 9110 §12.5.1)."""
    best: tuple[int, float] = (-1, 0.0)
    major = media_type.split("/")[0]
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
    html_q = _quality(HTML, ranges)
    if html_q <= 0:
        return False
    explicit = [q for rng, q in ranges if rng not in ("*/*", "*", "text/*") and rng != HTML]
    return all(html_q >= q for q in explicit) and any(rng == HTML for rng, _ in ranges)
