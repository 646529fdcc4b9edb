"""HTML documentation of the ontology, made by pyLODE from the files in ``ontology/``.

All ``ontology/*.ttl`` modules (the core ``kkni.ttl``, ``kkni-interop.ttl``, ...) are documented
as one ontology, the core one: the other modules' own ``owl:Ontology`` headers are left out of
the page (their terms are in the same ``kkni:`` namespace). ``kkni build`` writes the page to
``docs/ontology/index.html``; the endpoint serves ``ontology_html()`` at ``/ontology``.
"""

from __future__ import annotations

import importlib.metadata
import logging
import re
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from kkni_rdf.namespaces import KKNI_ONTOLOGY, bind_prefixes
from kkni_rdf.resources import ontology_files


def ontology_graph(files: list[Path] | None = None) -> Graph:
    """The ontology modules merged into one graph, with one ``owl:Ontology`` (the core one)."""
    graph = Graph()
    for path in files if files is not None else ontology_files():
        graph.parse(path, format="turtle")
    core = URIRef(KKNI_ONTOLOGY)
    for module in set(graph.subjects(RDF.type, OWL.Ontology)) - {core}:
        graph.remove((module, None, None))
    return bind_prefixes(graph)


@contextmanager
def _root_logger_kept() -> Iterator[None]:
    """pyLODE calls ``logging.basicConfig(level=DEBUG)`` when imported: undo it afterwards, so
    that importing it does not turn on every library's debug messages in our process."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        yield
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers


def _ontpub() -> Any:
    """pyLODE's ``OntPub`` class.

    pyLODE 3.4.1's wheel reads its version from a ``pyproject.toml`` it does not ship
    (``pylode/version.py``), so importing it fails with ``FileNotFoundError`` once installed.
    If so, the version module is given the installed distribution's version instead.
    """
    with _root_logger_kept():
        try:
            from pylode import OntPub
        except FileNotFoundError:
            stub = types.ModuleType("pylode.version")
            stub.__version__ = importlib.metadata.version("pylode")  # type: ignore[attr-defined]
            sys.modules["pylode.version"] = stub
            from pylode import OntPub
    return OntPub


def in_language(graph: Graph, lang: str) -> Graph:
    """``graph`` without the literals tagged with another language: pyLODE shows every label and
    comment of a term one after the other ("Candidate recordCatatan kompetensi peserta")."""
    out = bind_prefixes(Graph())
    for s, p, o in graph:
        if isinstance(o, Literal) and o.language and o.language.lower().split("-")[0] != lang:
            continue
        out.add((s, p, o))
    return out


def render_html(files: list[Path] | None = None, lang: str | None = None) -> str:
    """The HTML page for the given ontology files (default: ``ontology/*.ttl``), in one language
    (``id`` or ``en``: the other's labels and comments left out) or, without ``lang``, both."""
    ontpub = _ontpub()
    graph = ontology_graph(files)
    with _root_logger_kept():
        html = ontpub(ontology=in_language(graph, lang) if lang else graph, sort_subjects=True).make_html()
    return re.sub(r"<html[^>]*>", f'<html lang="{lang}">', str(html), count=1) if lang else str(html)


@cache
def ontology_html(lang: str | None = None) -> str:
    """The HTML page for ``ontology/*.ttl`` in ``lang``, made once per process (the endpoint's ``/ontology``)."""
    return render_html(lang=lang)


def write_ontology_html(path: Path) -> Path:
    """Write the HTML page to ``path`` (its folder is created); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(), encoding="utf-8")
    return path


__all__ = ["ontology_graph", "ontology_html", "render_html", "write_ontology_html"]
