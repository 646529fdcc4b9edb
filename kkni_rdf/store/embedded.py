"""The embedded Oxigraph store: the ontology and the decrees' graphs, each in a named graph.

``KkniStore`` is a ``store.protocol.QueryableStore``: queries see the union of the named graphs
as their default graph and may use the project's prefixes undeclared; query errors are turned
into ``QueryError`` with the line and column Oxigraph reports. Use ``store.protocol``'s
``select``, ``ask`` and ``construct`` for a result of a known type.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kkni_rdf.iris import Iris, rebase_triple
from kkni_rdf.namespaces import DEFAULT_BASE, default_prefixes
from kkni_rdf.resources import ontology_files, served_data_files, shapes_files
from kkni_rdf.store.derived import refresh_derived
from kkni_rdf.store.guard import analyse, check_graphs
from kkni_rdf.store.protocol import QueryResult, query_error

ONTOLOGY_GRAPH = "ontology"
SHAPES_GRAPH = "shapes"


@dataclass(frozen=True)
class GraphFile:
    path: Path
    graph: str  # the named graph IRI it is loaded into


def default_graph_files(base: str = DEFAULT_BASE) -> list[GraphFile]:
    """The files the store serves, and the named graph each goes into.

    ``ontology/*.ttl`` go into ``graph/ontology``, ``shapes/*.ttl`` into ``graph/shapes``; each ``data/**/*.ttl`` into the graph named
    by its path under ``data/`` (``data/kepmenaker-3-2021.ttl`` → ``graph/kepmenaker-3-2021``,
    ``data/findings/kepmenaker-3-2021.ttl`` → ``graph/findings/kepmenaker-3-2021``). Users'
    examples, sources and curated inputs under ``data/`` are not served.
    """
    iris = Iris(base)
    files = [GraphFile(p, str(iris.graph(ONTOLOGY_GRAPH))) for p in ontology_files()]
    files += [GraphFile(p, str(iris.graph(SHAPES_GRAPH))) for p in shapes_files()]
    files += [GraphFile(p, str(iris.graph(name))) for name, p in served_data_files()]
    return files


def _rebased(quads: Iterable[ox.Quad], base: str, graph: ox.NamedNode | ox.DefaultGraph) -> Iterator[ox.Quad]:
    for q in quads:
        t = rebase_triple(q.triple, base)
        yield ox.Quad(t.subject, t.predicate, t.object, graph)


class KkniStore:
    """An Oxigraph store holding the project's graphs.

    Every file goes into its named graph and into the default graph as well: the default graph
    is the union (an RDF merge: each triple once) of the named graphs, kept as a real graph.
    Oxigraph's ``use_default_graph_as_union`` computes the union at query time, as a bag (a triple
    in two decrees' graphs matches twice) and far more slowly on large stores; the data is
    immutable, so the union is made once, at load time.
    """

    def __init__(self, base: str = DEFAULT_BASE, store: ox.Store | None = None) -> None:
        self.base = base
        self.store = store if store is not None else ox.Store()

    @classmethod
    def load_default(cls, base: str = DEFAULT_BASE) -> KkniStore:
        """The ontology, the shapes and every graph file in ``data/``."""
        kstore = cls(base)
        kstore.load_files(default_graph_files(base))
        return kstore

    def load_file(self, path: Path, graph: str, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> None:
        with path.open("rb") as f:
            self.load_bytes(f.read(), graph, fmt, base_iri=path.as_uri())

    def load_bytes(self, data: bytes, graph: str, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE, base_iri: str | None = None) -> None:
        """Load ``data`` into the named graph ``graph`` and into the default graph."""
        parsed: Iterable[ox.Quad] = ox.parse(data, format=fmt, base_iri=base_iri)
        if self.base != DEFAULT_BASE:
            parsed = _rebased(parsed, self.base, ox.DefaultGraph())
        triples = [q.triple for q in parsed]
        target = ox.NamedNode(graph)
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)

    def load_files(self, files: Iterable[GraphFile]) -> None:
        """Load several files, each into its named graph and the default graph, then derive the
        prerequisite closure over all of them (``store.derived``).

        Each file is read once and parsed by Oxigraph straight into each graph (``Store.load``, one
        transaction per graph). Its ``bulk_load`` gives the same store but, on an in-memory store,
        takes about 1.7 times the CPU (parallel parsing that only adds work there: 100 times the
        decree, 1.6 million quads, 13-15 s against 8 s); building the quads in Python to insert
        them once each is slower still.
        """
        for f in files:
            if self.base == DEFAULT_BASE:
                data = f.path.read_bytes()
                for graph in (ox.NamedNode(f.graph), ox.DefaultGraph()):
                    self.store.load(data, format=ox.RdfFormat.TURTLE, base_iri=f.path.as_uri(), to_graph=graph)
            else:
                self.load_file(f.path, f.graph)
        refresh_derived(self.store)  # the prerequisite closure over every decree loaded (store/derived.py)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def query(self, text: str, **kwargs: object) -> QueryResult:
        """Run a query; without dataset options its default graph is the union of the named graphs.
        The guard (``store.guard``) refuses it first if it is too deep, uses SERVICE, is an update or
        names a graph in FROM that the store does not hold (``Refused``)."""
        prefixes = default_prefixes(self.base)
        shape = analyse(text, prefixes)
        if shape.has_dataset:
            check_graphs([*shape.default_graphs, *shape.named_graphs], self.graphs())
        try:
            return self.store.query(text, prefixes=prefixes, **kwargs)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise query_error(exc, text) from None

    def __len__(self) -> int:
        """The quads in the named graphs (what the files hold; the default graph repeats them)."""
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, None)) - sum(
            1 for _ in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        )


# ``default_prefixes`` lives in ``kkni_rdf.namespaces``; it is re-exported here for the modules that
# still import it from the store (the endpoint's, ``store.remote``), until they import it from there.
__all__ = ["GraphFile", "KkniStore", "default_graph_files", "default_prefixes"]
