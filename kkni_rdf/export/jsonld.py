"""The decree's data as JSON-LD with the project's published context, version 1 (``--to jsonld``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import Graph

from kkni_rdf.export.common import data_graph
from kkni_rdf.resources import resource
from kkni_rdf.store.embedded import KkniStore

CONTEXT_IRI = "https://w3id.org/kkni/context/v1.jsonld"


def context_file() -> Path:
    """The published JSON-LD context, version 1 (served at ``CONTEXT_IRI``)."""
    return resource("data") / "context" / "kkni-v1.jsonld"


def load_context() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(context_file().read_text(encoding="utf-8"))
    return data


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _sorted(value: Any) -> Any:
    """Every unordered array sorted: JSON-LD arrays are sets, except under ``@list`` (the context
    declares no ``@list`` container) and in the ``@context``, which is kept as published."""
    if isinstance(value, dict):
        return {k: v if k == "@context" else [_sorted(x) for x in v] if k == "@list" else _sorted(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted(x) for x in value), key=_key)
    return value


def serialize_jsonld(graph: Graph, context: dict[str, Any]) -> bytes:
    """rdflib's compaction, made byte-stable: rdflib orders nodes and values as the graph iterates,
    so the document is read back and written with its nodes, keys and (unordered) values sorted."""
    text = graph.serialize(format="json-ld", context=context, auto_compact=True)
    doc = _sorted(json.loads(text))
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"


def jsonld_document(store: KkniStore) -> bytes:
    """The decree, crosswalks and alignments, compacted with the published context (carried inline)."""
    return serialize_jsonld(data_graph(store), load_context()["@context"])


__all__ = ["CONTEXT_IRI", "context_file", "jsonld_document", "load_context", "serialize_jsonld"]
