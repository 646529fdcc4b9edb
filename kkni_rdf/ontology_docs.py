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

from kkni_rdf.files import write_text
from kkni_rdf.namespaces import KKNI_ONTOLOGY, OWL, RDF, bind_prefixes
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


@cache
def _ontpub() -> Any:
    """pyLODE's ``OntPub`` class, imported on first use (pyLODE is slow to import, and only
    ``kkni build`` and the endpoint's ``/ontology`` need it).

    pyLODE 3.4.1's ``pylode/version.py`` reads the version from ``../pyproject.toml``, a file its
    wheel does not ship, so ``import pylode`` fails with ``FileNotFoundError`` once installed
    (https://github.com/RDFLib/pyLODE/issues/260). Upstream fixed it after 3.4.1, but no later
    release is available to us, and there is no cleaner way round it: the failure happens while
    pyLODE's own ``__init__`` runs, before any of its API can be reached, and only ``sys.modules``
    decides which module ``from .version import __version__`` gets. So only when that import
    fails, ``pylode.version`` is registered as a module holding the installed distribution's
    version (``importlib.metadata``), and the import is tried again. With a fixed pyLODE the first
    import succeeds and nothing is patched.
    """
    with _root_logger_kept():
        try:
            from pylode import OntPub  # noqa: PLC0415  (imported on first use, see above)
        except FileNotFoundError:
            version = types.ModuleType("pylode.version")
            version.__version__ = importlib.metadata.version("pylode")  # type: ignore[attr-defined]
            sys.modules["pylode.version"] = version
            from pylode import OntPub  # noqa: PLC0415
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


#: How the ontology declares a term (external ones too, for OWL 2 DL tools).
_DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)


def own_terms(graph: Graph) -> Graph:
    """``graph`` without the declarations of external terms (``eli:LegalResource a owl:Class``, ...), which
    the ontology states for OWL 2 DL tools only: the page documents the ``kkni:`` terms, not those."""
    out = bind_prefixes(Graph())
    for s, p, o in graph:
        if p == RDF.type and o in _DECLARATIONS and not str(s).startswith(KKNI_ONTOLOGY):  # kkni: is KKNI_ONTOLOGY + '#'
            continue
        out.add((s, p, o))
    return out


def render_html(files: list[Path] | None = None, lang: str | None = None) -> str:
    """The HTML page for the given ontology files (default: ``ontology/*.ttl``), in one language
    (``id`` or ``en``: the other's labels and comments left out) or, without ``lang``, both."""
    ontpub = _ontpub()
    graph = own_terms(ontology_graph(files))
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
    write_text(path, render_html())
    return path


__all__ = ["ontology_graph", "ontology_html", "own_terms", "render_html", "write_ontology_html"]
