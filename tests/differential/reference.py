"""The reference dataset, built without ``KkniStore``: what plain Oxigraph serves beside `kkni serve`.

Each file of ``default_graph_files()`` is parsed once into its named graph; the default graph is
the RDF merge of the named graphs (the same quads copied, so the same blank nodes) plus the
derived triples (``store.derived.derived_triples``) computed on that union. The whole dataset is
written as one N-Quads file (blank node labels stay consistent within one file) for
``oxigraph load``.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kkni_rdf.store.derived import derived_triples
from kkni_rdf.store.embedded import default_graph_files


def reference_store() -> ox.Store:
    """An in-memory store holding the reference dataset."""
    named: list[ox.Quad] = []
    for f in default_graph_files():
        graph = ox.NamedNode(f.graph)
        parsed = ox.parse(path=f.path, format=ox.RdfFormat.TURTLE, base_iri=f.path.as_uri())
        named += [ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed]
    store = ox.Store()
    store.extend(named)
    default = ox.DefaultGraph()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, default) for q in named)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in derived_triples(store))
    return store


def write_nquads(store: ox.Store, path: Path) -> Path:
    """``store`` as one N-Quads file."""
    ox.serialize(store, output=path, format=ox.RdfFormat.N_QUADS)
    return path


def named_graphs(store: ox.Store) -> list[str]:
    """The IRIs of the store's named graphs, sorted."""
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
