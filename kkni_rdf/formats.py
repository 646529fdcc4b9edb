"""The one registry of formats: a short key ↔ pyoxigraph's format, its media type and extension.

Every serialiser and parser is Oxigraph's; this table only names them. The command line's
``--format``, the endpoint's ``format`` parameter and content negotiation, the remote store's
``Accept`` and the readers of users' files all look formats up here. Media types and file
extensions come from pyoxigraph itself (``RdfFormat.media_type``, ``from_extension`` …); the
aliases are the extra names people and servers use for the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    key: str  # the short name `--format` and a `format` parameter take
    ox: ox.RdfFormat | ox.QueryResultsFormat
    aliases: tuple[str, ...] = ()  # other media types and names that mean this format

    @property
    def media_type(self) -> str:
        """The bare media type (no parameters), as a Content-Type names it."""
        return self.ox.media_type.split(";")[0].strip()

    @property
    def extension(self) -> str:
        return self.ox.file_extension

    @property
    def is_dataset(self) -> bool:
        return isinstance(self.ox, ox.RdfFormat) and self.ox.supports_datasets

    def names(self) -> tuple[str, ...]:
        return (self.key, self.media_type, *self.aliases)


#: SELECT and ASK results; the first is the default.
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", ox.QueryResultsFormat.JSON, ("application/json",)),
    Format("xml", ox.QueryResultsFormat.XML, ("application/xml", "text/xml")),
    Format("csv", ox.QueryResultsFormat.CSV),
    Format("tsv", ox.QueryResultsFormat.TSV),
)
#: RDF graphs and datasets (CONSTRUCT and DESCRIBE results, downloads, pages); the first is the default.
#: (Aliases with a slash also count in ``Accept``; SPARQLWrapper sends ``application/turtle`` and
#: ``application/x-json+ld`` in it, and ``rdf+xml`` as a ``format``.)
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("turtle", ox.RdfFormat.TURTLE, ("application/x-turtle", "application/turtle", "ttl")),
    Format("ntriples", ox.RdfFormat.N_TRIPLES, ("text/plain", "nt")),
    Format("nquads", ox.RdfFormat.N_QUADS, ("nq",)),
    Format("trig", ox.RdfFormat.TRIG),
    Format("jsonld", ox.RdfFormat.JSON_LD, ("application/json", "application/x-json+ld", "json-ld", "json")),
    Format("rdfxml", ox.RdfFormat.RDF_XML, ("application/xml", "text/xml", "rdf", "rdf+xml", "xml")),
)
ALL_FORMATS = (*RESULT_FORMATS, *GRAPH_FORMATS)
_BY_KEY = {f.key: f for f in ALL_FORMATS}

#: Media types sent as text, so their Content-Type says ``charset=utf-8``.
TEXT_TYPES = ("text/", "application/sparql-results+", "application/n-", "application/trig", "application/ld+json", "application/rdf+xml")

#: File extensions people give RDF files that Oxigraph does not know by that name.
_EXTRA_EXTENSIONS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "json": ox.RdfFormat.JSON_LD}


def by_key(key: str) -> Format:
    """The format with this short name (``KeyError`` if there is none)."""
    return _BY_KEY[key]


def rdf_format(key: str) -> ox.RdfFormat:
    fmt = by_key(key).ox
    if not isinstance(fmt, ox.RdfFormat):
        raise KeyError(f"{key} is a query results format, not an RDF format")
    return fmt


def results_format(key: str) -> ox.QueryResultsFormat:
    fmt = by_key(key).ox
    if not isinstance(fmt, ox.QueryResultsFormat):
        raise KeyError(f"{key} is an RDF format, not a query results format")
    return fmt


def media_type_of(key: str) -> str:
    return by_key(key).media_type


def content_type(media_type: str) -> str:
    """The Content-Type header for ``media_type`` (text formats say they are UTF-8)."""
    return f"{media_type}; charset=utf-8" if media_type.startswith(TEXT_TYPES) else media_type


def rdf_format_of_path(path: Path) -> ox.RdfFormat | None:
    """The RDF format a file's extension names (``.ttl``, ``.nt``, ``.jsonld``, ``.json`` …), or None."""
    ext = path.suffix.lower().lstrip(".")
    return _EXTRA_EXTENSIONS.get(ext) or ox.RdfFormat.from_extension(ext)


def rdf_format_of_media_type(media_type: str) -> ox.RdfFormat | None:
    return ox.RdfFormat.from_media_type(media_type.split(";", maxsplit=1)[0].strip())


def results_format_of_media_type(media_type: str) -> ox.QueryResultsFormat | None:
    return ox.QueryResultsFormat.from_media_type(media_type.split(";", maxsplit=1)[0].strip())


#: N3 is not served, but a Turtle document is an N3 document (N3 extends Turtle): a client asking
#: for N3 (SPARQLWrapper's ``N3``: ``format=n3``) gets Turtle, as Oxigraph's own server answers it.
_AS_TURTLE = (ox.RdfFormat.N3,)


def _oxigraph_reads(name: str, offers: tuple[Format, ...]) -> str | None:
    """The offer Oxigraph reads ``name`` as, where its command line reads a format name: a file
    extension (``srj``, ``n3``, …), else a media type (with its aliases: ``text/x-nquads``, …)."""
    for kind in {type(f.ox) for f in offers}:
        found = kind.from_extension(name) or kind.from_media_type(name)
        if found in _AS_TURTLE:
            found = ox.RdfFormat.TURTLE
        for f in offers:
            if found is not None and f.ox == found:
                return f.key
    return None


def format_key(value: str, offers: tuple[Format, ...]) -> str | None:
    """The key of the offer that ``value`` names, or None.

    ``value`` is a ``format`` parameter as clients send it: a short name (``turtle``, ``json``), a
    file extension (``ttl``, ``srj``), a media type, with parameters or not (``text/csv;
    charset=utf-8``), or several of them separated by commas (SPARQLWrapper's JSON-LD:
    ``application/ld+json,application/x-json+ld``): the first one that names an offer wins. Our
    names and aliases first; then what Oxigraph reads the name as (``_oxigraph_reads``), and N3 as
    Turtle. (Oxigraph's server itself ignores ``format``: it reads ``Accept`` only.)"""
    for item in value.split(","):
        name = item.strip().lower()
        bare = name.partition(";")[0].strip()
        if not bare:
            continue
        for f in offers:
            if name in f.names() or bare in f.names():
                return f.key
        found = _oxigraph_reads(bare, offers)
        if found is not None:
            return found
    return None


def known_format_names() -> list[str]:
    """Every short name and media type, each once, in the registry's order."""
    names: list[str] = []
    for f in ALL_FORMATS:
        for n in (f.key, f.media_type):
            if n not in names:
                names.append(n)
    return names
