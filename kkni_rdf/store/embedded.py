"""The embedded Oxigraph store: the ontology and the decrees' graphs, each in a named graph.

``KkniStore`` is a ``store.protocol.QueryableStore``: queries see the union of the named graphs
as their default graph and may use the project's prefixes undeclared; query errors are turned
into ``QueryError`` with the line and column Oxigraph reports. Use ``store.protocol``'s
``select``, ``ask`` and ``construct`` for a result of a known type.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kkni_rdf.iris import Iris, rebase_triple
from kkni_rdf.namespaces import DEFAULT_BASE, default_prefixes
from kkni_rdf.resources import ontology_files, served_data_files, shapes_files
from kkni_rdf.store.derived import copy_derived, refresh_derived
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
    """The project's RDF dataset in Oxigraph: each file in its named graph, and the default graph,
    the union of the named graphs (an RDF merge: each triple once) with the triples derived from it
    (``store.derived``), kept in two Oxigraph stores that hold the same terms.

    ``union`` holds the default graph alone: the store for a query that reads nothing else (no
    ``FROM``, no ``GRAPH``, no dataset given; the guard tells, ``store.guard``), where Oxigraph's
    lookups do not pass the named graphs' copies. ``named`` holds the named graphs, one per file;
    ``whole()`` adds the default graph to it, copied inside the store (``INSERT … WHERE { GRAPH ?g
    … }``: the same terms, blank nodes included), the first time a query needs both (the
    endpoint's workers make it when they start). Every file is parsed by Oxigraph straight into
    each store, the two in parallel (Oxigraph holds no Python lock while it parses, and two stores
    do not contend); a parse gives blank nodes new names, so the blank-node triples of ``union``
    (a few hundred at 100 times the decree) are then replaced by those of ``named``: one dataset,
    whichever store answers. ``same_terms`` checks it.

    Oxigraph's ``use_default_graph_as_union`` computes the union at query time, as a bag (a triple
    in two decrees' graphs matches twice) and far more slowly on large stores; the data is
    immutable, so the union is made once, at load time.
    """

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base
        self.union = ox.Store()  # the default graph
        self.named = ox.Store()  # the named graphs, and the default graph too once ``whole()`` made it
        self._whole = False
        self._lock = threading.Lock()

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
        parsed: Iterable[ox.Quad] = ox.parse(data, format=fmt, base_iri=base_iri, rename_blank_nodes=True)
        self._add_parsed(parsed, graph)
        self._derive([graph])

    def _add_parsed(self, parsed: Iterable[ox.Quad], graph: str) -> None:
        """Quads parsed once (and rebased under another base) into both stores: the same terms."""
        if self.base != DEFAULT_BASE:
            parsed = _rebased(parsed, self.base, ox.NamedNode(graph))
        triples = [q.triple for q in parsed]
        target, default = ox.NamedNode(graph), ox.DefaultGraph()
        self.named.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)
        self.union.extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in triples)

    def load_files(self, files: Iterable[GraphFile]) -> None:
        """Load several files, each into its named graph and the default graph, then derive the
        prerequisite closure over all of them (``store.derived``).

        Under the default base each file is parsed by Oxigraph straight into each store
        (``Store.load``, one transaction per file), the two stores in two threads, and the default
        graph's blank-node triples are then taken from the named graphs (``_share_blank_nodes``).
        Its ``bulk_load`` gives the same store but, on an in-memory store, takes about 1.7 times the
        CPU; building the quads in Python to insert them is slower still, and Oxigraph's lookups
        in a store filled from Python are slower too (its layout follows the order of insertion).
        """
        files = list(files)
        if self.base == DEFAULT_BASE:
            before = set(_blank_triples(self.union))
            with ThreadPoolExecutor(max_workers=2) as pool:
                loads = [pool.submit(_load, self.named, files, None), pool.submit(_load, self.union, files, ox.DefaultGraph())]
                for done in loads:
                    done.result()  # a file that cannot be read raises here
            self._share_blank_nodes([f.graph for f in files], before)
        else:
            for f in files:
                self._add_parsed(
                    ox.parse(path=f.path, format=ox.RdfFormat.TURTLE, base_iri=f.path.as_uri(), rename_blank_nodes=True), f.graph
                )
        self._derive([f.graph for f in files])

    def _share_blank_nodes(self, graphs: list[str], before: set[ox.Triple]) -> None:
        """Make the blank-node triples ``union`` got from its own parse of ``graphs`` those of ``named``."""
        default = ox.DefaultGraph()
        for t in _blank_triples(self.union):
            if t not in before:
                self.union.remove(ox.Quad(t.subject, t.predicate, t.object, default))
        for graph in graphs:
            self.union.extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in _blank_triples(self.named, graph))

    def _derive(self, graphs: list[str]) -> None:
        """The prerequisite closure over every decree loaded (store/derived.py); the graphs just loaded
        join the default graph of ``named`` too if it has one."""
        refresh_derived(self.union, self.named)
        if self._whole:
            for graph in dict.fromkeys(graphs):
                self.named.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
            copy_derived(self.union, self.named)

    def whole(self) -> ox.Store:
        """``named`` with the default graph in it as well, copied inside the store (the same terms): the
        store for a query that reads named graphs (it may read the default graph beside them)."""
        with self._lock:
            if not self._whole:
                self.named.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
                copy_derived(self.union, self.named)
                self._whole = True
        return self.named

    def same_terms(self) -> bool:
        """Whether ``union`` holds exactly the default graph of the whole dataset, blank nodes included."""
        default = set(self.whole().quads_for_pattern(None, None, None, ox.DefaultGraph()))
        return len(self.union) == len(default) and all(q in default for q in self.union)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.named.named_graphs() if isinstance(g, ox.NamedNode))

    def query(self, text: str, dataset: Dataset | None = None, base_iri: str | None = None) -> QueryResult:
        """Run a query on the dataset (or on ``dataset``, which replaces the query's FROM and FROM
        NAMED); relative IRIs resolve against ``base_iri``. The guard (``store.guard``) refuses it
        first if it is too deep, may use SERVICE, or names a graph the store does not hold
        (``Refused``); an update is refused (403) when the engine finds it is not a query."""
        prefixes = default_prefixes(self.base)
        shape = analyse(text, prefixes, base_iri)
        options: dict[str, list[ox.NamedNode]] = {}
        if dataset is not None:  # named graphs only: the store's own default graph is never read
            check_graphs(dataset.graphs, self.graphs())
            store = self.named
            options = {
                "default_graph": [ox.NamedNode(g) for g in dataset.default],
                "named_graphs": [ox.NamedNode(g) for g in dataset.named],
            }
        elif not shape.reads_named:
            store = self.union
        else:
            if shape.has_dataset:
                check_dataset_clause(text, shape, self.graphs(), prefixes, base_iri)
            store = self.whole()
        try:
            return store.query(text, prefixes=prefixes, base_iri=base_iri, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            if is_update(text):
                raise update_refused() from None
            raise query_error(exc, text) from None
        except RuntimeError as exc:  # the engine cannot evaluate what the query asks (an unknown function, …)
            raise QueryError(
                f"the query cannot be evaluated: {exc}",
                pesan=f'kueri tidak dapat dievaluasi; kata-kata mesin kueri (bahasa Inggris): "{exc}"',
            ) from None

    def __len__(self) -> int:
        """The quads in the named graphs (what the files hold; the default graph repeats them)."""
        return len(self.named) - (len(self.union) if self._whole else 0)


def _load(store: ox.Store, files: list[GraphFile], graph: ox.DefaultGraph | None) -> None:
    """Parse ``files`` into ``store``: each into ``graph``, or into its own named graph if None."""
    for f in files:
        target = graph if graph is not None else ox.NamedNode(f.graph)
        store.load(path=f.path, format=ox.RdfFormat.TURTLE, base_iri=f.path.as_uri(), to_graph=target)


_BLANK = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {0} FILTER (isBlank(?s) || isBlank(?o)) }}"


def _blank_triples(store: ox.Store, graph: str | None = None) -> list[ox.Triple]:
    """The triples of the default graph of ``store`` (or of its named graph ``graph``) with a blank
    node, found by Oxigraph (a scan in the store, not in Python)."""
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    result = store.query(_BLANK.format(pattern))
    return list(result) if isinstance(result, ox.QueryTriples) else []  # (a CONSTRUCT: always triples)


# ``default_prefixes`` lives in ``kkni_rdf.namespaces``; it is re-exported here for the modules that
# still import it from the store (the endpoint's, ``store.remote``), until they import it from there.
__all__ = ["GraphFile", "KkniStore", "default_graph_files", "default_prefixes"]
