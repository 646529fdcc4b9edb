"""The decree's data as JSON-LD with the project's published context, version 1 (``--to jsonld``,
and the endpoint's ``/download/kkni.jsonld``).

The context (``data/context/kkni-v1.jsonld``) gives every term of the ontology, and the SKOS,
Dublin Core and RDFS terms the data uses, a plain name: ``"level": "https://w3id.org/kkni/level/5"``
(``@type: @id``), ``"label": {"id": "…", "en": "…"}`` (a language map), ``"levelNumber": 5``
(typed). It uses JSON-LD 1.0 features only (no ``@version``), so 1.0 and 1.1 processors read it.
Each named graph of the store stays a named graph of the document (``{"id": graph, "@graph": […]}``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset

from kkni_rdf.iris import Iris
from kkni_rdf.namespaces import KKNI_CONTEXT, XSD
from kkni_rdf.resources import resource
from kkni_rdf.store.embedded import ONTOLOGY_GRAPH, SHAPES_GRAPH, KkniStore
from kkni_rdf.store.protocol import select

CONTEXT_IRI = KKNI_CONTEXT
#: Typed values written as JSON numbers and booleans (when their lexical form is the canonical one,
#: so that reading them back gives the same literal).
_NATIVE = {f"xsd:{XSD.integer.fragment}": int, f"xsd:{XSD.boolean.fragment}": bool}


def context_file() -> Path:
    """The published JSON-LD context, version 1 (served at ``CONTEXT_IRI``)."""
    return resource("data") / "context" / "kkni-v1.jsonld"


def load_context() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(context_file().read_text(encoding="utf-8"))
    return data


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _native(value: Any, kind: type) -> Any:
    if isinstance(value, list):
        return [_native(v, kind) for v in value]
    if not isinstance(value, str):
        return value
    if kind is bool:
        return {"true": True, "false": False}.get(value, value)
    return int(value) if value.lstrip("-").isdigit() and str(int(value)) == value else value


class _Terms:
    """What the document's shape depends on in the context: the terms whose arrays are ordered
    (``@container: @list``) and the terms whose values are written as JSON numbers or booleans."""

    def __init__(self, context: dict[str, Any]) -> None:
        defs = {k: v for k, v in context.items() if isinstance(v, dict)}
        self.lists = {k for k, v in defs.items() if v.get("@container") == "@list"}
        self.native = {k: _NATIVE[v["@type"]] for k, v in defs.items() if v.get("@type") in _NATIVE}

    def tidy(self, value: Any) -> Any:
        """Every unordered array sorted (JSON-LD arrays are sets, except lists; the ``@context`` is
        kept as published) and the typed values of ``native`` terms made JSON numbers or booleans."""
        if isinstance(value, list):
            return sorted((self.tidy(x) for x in value), key=_key)
        if not isinstance(value, dict):
            return value
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k == "@context":
                out[k] = v
            elif k in self.lists or k == "@list":
                out[k] = [self.tidy(x) for x in v] if isinstance(v, list) else self.tidy(v)
            elif k in self.native:
                out[k] = self.tidy(_native(v, self.native[k]))
            else:
                out[k] = self.tidy(v)
        return out


def serialize_jsonld(quads: Iterable[ox.Quad], context: dict[str, Any]) -> bytes:
    """The quads as compact JSON-LD with ``context`` carried inline, one named graph per graph.

    rdflib's compaction, made byte-stable: rdflib orders nodes and values as the graph iterates,
    so the document is read back and written with its nodes, keys and (unordered) values sorted."""
    dataset = Dataset()
    dataset.parse(data=(ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8"), format="nquads")
    text = dataset.serialize(format="json-ld", context=context, auto_compact=True)
    doc = _Terms(context).tidy(json.loads(text))
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"


def store_quads(store: KkniStore, *, data_only: bool) -> list[ox.Quad]:
    """The store's named graphs, as quads; with ``data_only`` the decrees, crosswalks and
    alignments only (not the ontology, the shapes or the findings)."""
    iris = Iris(store.base)
    skip = f"""FILTER (?g NOT IN (<{iris.graph(ONTOLOGY_GRAPH)}>, <{iris.graph(SHAPES_GRAPH)}>)
      && !STRSTARTS(STR(?g), "{iris.graph("findings/")}"))"""
    rows = select(store, f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {skip if data_only else ''} }}")
    return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]


def jsonld_document(store: KkniStore) -> bytes:
    """The decrees, crosswalks and alignments, each in its named graph, compacted with the
    published context (carried inline)."""
    return serialize_jsonld(store_quads(store, data_only=True), load_context()["@context"])


__all__ = ["CONTEXT_IRI", "context_file", "jsonld_document", "load_context", "serialize_jsonld", "store_quads"]
