"""What every export shares: running a CONSTRUCT on the store, the served data as one graph,
the curated inputs under ``data/curated/``, and reading language-tagged values."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kkni_rdf.iris import Iris
from kkni_rdf.namespaces import DEFAULT_BASE, KKNI_ONTOLOGY, KSH, bind_prefixes, sparql_prologue
from kkni_rdf.resources import resource
from kkni_rdf.store.embedded import ONTOLOGY_GRAPH, SHAPES_GRAPH, KkniStore
from kkni_rdf.store.protocol import construct as construct_triples


def construct(store: KkniStore, query: str) -> Graph:
    """Run a CONSTRUCT on the store; the triples as an rdflib graph with the project's prefixes."""
    result = construct_triples(store, sparql_prologue(store.base) + query)
    data = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b""
    graph = Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    return bind_prefixes(graph, store.base)


def data_graph(store: KkniStore) -> Graph:
    """Every served data graph (decrees, crosswalks, alignments), without the ontology, shapes and findings."""
    iris = Iris(store.base)
    return construct(
        store,
        f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER (?g NOT IN (<{iris.graph(ONTOLOGY_GRAPH)}>, <{iris.graph(SHAPES_GRAPH)}>) && !STRSTARTS(STR(?g), "{iris.graph("findings/")}"))
}}""",
    )


def curated_file(name: str) -> Path:
    return resource("data") / "curated" / name


def _rebase(term: Node, base: str) -> Node:
    """A data IRI of a curated file (written under the default base) moved to ``base``, as the store does."""
    if base == DEFAULT_BASE or not isinstance(term, URIRef):
        return term
    value = str(term)
    if value.startswith(DEFAULT_BASE) and not value.startswith((KKNI_ONTOLOGY, str(KSH).rstrip("#"))):
        return URIRef(base + value[len(DEFAULT_BASE) :])
    return term


def curated_graph(name: str, base: str = DEFAULT_BASE) -> Graph:
    """A curated Turtle file of ``data/curated/`` (an input of an export, not served), rebased like the store's data."""
    parsed = Graph().parse(curated_file(name), format="turtle")
    graph = Graph()
    for s, p, o in parsed:
        graph.add((_rebase(s, base), p, _rebase(o, base)))
    return bind_prefixes(graph, base)


def text(graph: Graph, subject: Node | None, prop: URIRef, lang: str) -> str | None:
    """The value of ``prop`` in language ``lang`` (the smallest, if the data has several), or None."""
    if subject is None:
        return None
    values = sorted(str(o) for o in graph.objects(subject, prop) if isinstance(o, Literal) and o.language == lang)
    return values[0] if values else None


def texts(graph: Graph, subject: Node | None, prop: URIRef) -> dict[str, str]:
    """``prop``'s language-tagged values, one per language (the smallest where the data has several)."""
    out: dict[str, str] = {}
    if subject is None:
        return out
    for o in sorted(graph.objects(subject, prop), key=str):
        if isinstance(o, Literal) and o.language and o.language not in out:
            out[o.language] = str(o)
    return out


def integer(graph: Graph, subject: Node | None, prop: URIRef, default: int = 0) -> int:
    """An integer value (``kkni:position``, ``kkni:requiredCore`` ...), or ``default`` where there is none."""
    value = graph.value(subject, prop) if subject is not None else None
    return int(value) if isinstance(value, Literal) else default


def objects(graph: Graph, subject: Node | None, prop: URIRef) -> list[Node]:
    """The values of ``prop``, sorted (by their text) so that every run walks them in the same order."""
    return sorted(graph.objects(subject, prop), key=str) if subject is not None else []


__all__ = ["construct", "curated_file", "curated_graph", "data_graph", "integer", "objects", "text", "texts"]
