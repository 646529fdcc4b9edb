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
from kkni_rdf.store.guard import analyse, check_dataset_clause, check_graphs, is_update, update_refused
from kkni_rdf.store.protocol import Dataset, QueryError, QueryResult, query_error

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


def _rebased(quads: Iterable[ox.Quad], base: str, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    for q in quads:
        t = rebase_triple(q.triple, base)
        yield ox.Quad(t.subject, t.predicate, t.object, graph)


class KkniStore:
    """The project's RDF dataset in Oxigraph: each file in its named graph, and the default graph.

    ``whole`` holds the dataset: the named graphs, one per file, each file parsed once, and the
    default graph, the union of the named graphs (an RDF merge: each triple once) with the
    triples derived from it (``store.derived``), made from the named graphs' own quads, so a blank
    node is the same node in a named graph and in the default graph. ``union`` holds a copy of that
    default graph alone, the same terms copied quad by quad (never parsed again): the store for a
    query that reads nothing else (no ``FROM``, no ``GRAPH``, no dataset given), where Oxigraph's
    lookups do not pass the named graphs' copies (about 20% less CPU for the named queries).
    ``same_terms`` checks that the two agree. Which store a query goes to is decided by the guard
    (``store.guard``: a query is sent to ``union`` only when it cannot read a named graph); the
    answer is the one ``whole`` gives.

    Oxigraph's ``use_default_graph_as_union`` computes the union at query time, as a bag (a triple
    in two decrees' graphs matches twice) and far more slowly on large stores; the data is
    immutable, so the union is made once, at load time.
    """

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base
        self.whole = ox.Store()  # the dataset: named graphs and default graph
        self.union = ox.Store()  # the default graph alone, the same terms

    @classmethod
    def load_default(cls, base: str = DEFAULT_BASE) -> KkniStore:
        """The ontology, the shapes and every graph file in ``data/``."""
        kstore = cls(base)
        kstore.load_files(default_graph_files(base))
        return kstore

    def load_file(self, path: Path, graph: str, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> None:
        """Load one file into its named graph and the default graph (and derive again)."""
        with path.open("rb") as f:
            self.load_bytes(f.read(), graph, fmt, base_iri=path.as_uri())

    def load_bytes(self, data: bytes, graph: str, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE, base_iri: str | None = None) -> None:
        """Load ``data`` into the named graph ``graph`` and into the default graph, and derive again."""
        self._parse(data, graph, fmt, base_iri)
        self._merge([graph])

    def _parse(self, data: bytes | Path, graph: str, fmt: ox.RdfFormat, base_iri: str | None) -> None:
        """Parse into the named graph ``graph`` of ``whole`` (once: its blank nodes are made here)."""
        target = ox.NamedNode(graph)
        if self.base == DEFAULT_BASE:
            if isinstance(data, Path):
                self.whole.load(path=data, format=fmt, base_iri=base_iri, to_graph=target)
            else:
                self.whole.load(data, format=fmt, base_iri=base_iri, to_graph=target)
            return
        parsed = (
            ox.parse(path=data, format=fmt, base_iri=base_iri) if isinstance(data, Path) else ox.parse(data, format=fmt, base_iri=base_iri)
        )
        self.whole.extend(_rebased(parsed, self.base, target))

    def load_files(self, files: Iterable[GraphFile]) -> None:
        """Load several files, each into its named graph, then make the default graph: their union and
        the prerequisite closure over every graph loaded (``store.derived``).

        Each file is parsed once, by Oxigraph straight into the store (``Store.load``, one
        transaction per file); the default graph is made from the quads that parse gave.
        """
        files = list(files)
        for f in files:
            self._parse(f.path, f.graph, ox.RdfFormat.TURTLE, f.path.as_uri())
        self._merge([f.graph for f in files])

    def _merge(self, graphs: Iterable[str]) -> None:
        """Add ``graphs`` to the default graph, derive the closure again, and copy the default graph to ``union``."""
        default = ox.DefaultGraph()
        for graph in dict.fromkeys(graphs):
            quads = self.whole.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            self.whole.extend(ox.Quad(q.subject, q.predicate, q.object, default) for q in quads)
        refresh_derived(self.whole)  # the prerequisite closure over every decree loaded (store/derived.py)
        union = ox.Store()
        union.extend(self.whole.quads_for_pattern(None, None, None, default))
        self.union = union

    def same_terms(self) -> bool:
        """Whether ``union`` holds exactly the default graph of ``whole``, blank nodes included."""
        default = set(self.whole.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        return len(self.union) == len(default) and all(q in default for q in self.union)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.whole.named_graphs() if isinstance(g, ox.NamedNode))

    def query(self, text: str, dataset: Dataset | None = None, base_iri: str | None = None) -> QueryResult:
        """Run a query on the dataset (or on ``dataset``, which replaces the query's FROM and FROM
        NAMED); relative IRIs resolve against ``base_iri``. The guard (``store.guard``) refuses it
        first if it is too deep, may use SERVICE, or names a graph the store does not hold
        (``Refused``); an update is refused (403) when the engine finds it is not a query."""
        prefixes = default_prefixes(self.base)
        shape = analyse(text, prefixes, base_iri)
        if dataset is not None:
            check_graphs(dataset.graphs, self.graphs())
        elif shape.has_dataset:
            check_dataset_clause(text, shape, self.graphs(), prefixes, base_iri)
        store = self.union if dataset is None and not shape.reads_named else self.whole
        options: dict[str, list[ox.NamedNode]] = {}
        if dataset is not None:
            options = {
                "default_graph": [ox.NamedNode(g) for g in dataset.default],
                "named_graphs": [ox.NamedNode(g) for g in dataset.named],
            }
        try:
            return store.query(text, prefixes=prefixes, base_iri=base_iri, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            if is_update(text):
                raise update_refused() from None
            raise query_error(exc, text) from None
        except RuntimeError as exc:  # the engine cannot evaluate what the query asks (an unknown function, …)
            raise QueryError(f"the query cannot be evaluated: {exc}") from None

    def __len__(self) -> int:
        """The quads in the named graphs (what the files hold)."""
        return len(self.whole) - len(self.union)


# ``default_prefixes`` lives in ``kkni_rdf.namespaces``; it is re-exported here for the modules that
# still import it from the store (the endpoint's, ``store.remote``), until they import it from there.
__all__ = ["GraphFile", "KkniStore", "default_graph_files", "default_prefixes"]
