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
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kkni_rdf.iris import Iris, rebase_triple
from kkni_rdf.namespaces import DEFAULT_BASE, default_prefixes
from kkni_rdf.resources import ontology_files, served_data_files, shapes_files
from kkni_rdf.store.derived import copy_derived, refresh_derived
from kkni_rdf.store.guard import QueryShape, analyse, check_graphs
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
    """An Oxigraph store holding the project's graphs, as two Oxigraph stores.

    ``union`` holds the default graph alone: the union (an RDF merge: each triple once) of the
    named graphs, and the triples derived from it (``store.derived``). ``named`` holds the named
    graphs, one per file. Every file is loaded into both, the two in parallel (Oxigraph parses and
    inserts without holding Python's lock, and two stores do not contend with each other: 100
    times the decree loads in the time of one copy, about 3.6 s against 6.6 s for both copies in
    one store).

    A query is answered by the store that holds what it reads (``reads``): the default graph
    alone (most queries: no ``FROM``, no ``GRAPH``) by ``union``, where each lookup reads half as
    much as in a store that also holds the named graphs; named graphs alone (``FROM``, a dataset
    the caller gives, or ``GRAPH`` with every triple pattern inside it) by ``named``; both
    (``GRAPH`` beside patterns on the default graph) by ``whole()``: ``named`` with the default
    graph copied into it, the first time a query needs it (3-4 s at 100 times the decree; the
    endpoint's query workers make it when they start). The answers are those of one store
    holding everything.

    Oxigraph's ``use_default_graph_as_union`` computes the union at query time, as a bag (a triple
    in two decrees' graphs matches twice) and far more slowly on large stores; the data is
    immutable, so the union is made once, at load time.
    """

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base
        self.union = ox.Store()  # the default graph
        self.named = ox.Store()  # the named graphs, and the default graph too once ``whole()`` is called
        self._whole = False
        self._lock = threading.Lock()

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
        """Load ``data`` into the named graph ``graph`` and into the default graph (no derived triples: ``load_files`` makes them)."""
        parsed: Iterable[ox.Quad] = ox.parse(data, format=fmt, base_iri=base_iri)
        if self.base != DEFAULT_BASE:
            parsed = _rebased(parsed, self.base, ox.DefaultGraph())
        triples = [q.triple for q in parsed]
        target = ox.NamedNode(graph)
        self.named.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)
        for store in self._default_graphs():
            store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)

    def load_files(self, files: Iterable[GraphFile]) -> None:
        """Load several files, each into its named graph and the default graph, then derive the
        prerequisite closure over all of them (``store.derived``).

        Each file is parsed by Oxigraph straight into each store (``Store.load``, one transaction
        per file), the default graph and the named graphs in two threads. Its ``bulk_load`` gives
        the same store but, on an in-memory store, takes about 1.7 times the CPU (parallel parsing
        that only adds work there); building the quads in Python to insert them is slower still.
        """
        files = list(files)
        if self.base == DEFAULT_BASE:
            with ThreadPoolExecutor(max_workers=2) as pool:
                loads = [pool.submit(_load, self.named, files, None), pool.submit(_load, self.union, files, ox.DefaultGraph())]
                for done in loads:
                    done.result()  # a file that cannot be read raises here
            if self._whole:
                _load(self.named, files, ox.DefaultGraph())
        else:
            for f in files:
                self.load_file(f.path, f.graph)
        refresh_derived(self.union, self.named)  # the prerequisite closure over every decree loaded (store/derived.py)
        if self._whole:
            copy_derived(self.union, self.named)

    def _default_graphs(self) -> list[ox.Store]:
        return [self.union, self.named] if self._whole else [self.union]

    def whole(self) -> ox.Store:
        """``named`` with the default graph in it as well: the store for a query that reads both."""
        with self._lock:
            if not self._whole:
                self.named.extend(self.union.quads_for_pattern(None, None, None, ox.DefaultGraph()))
                self._whole = True
        return self.named

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.named.named_graphs() if isinstance(g, ox.NamedNode))

    def query(self, text: str, **kwargs: object) -> QueryResult:
        """Run a query; without dataset options its default graph is the union of the named graphs.
        The guard (``store.guard``) refuses it first if it is too deep, uses SERVICE, is an update or
        names a graph in FROM that the store does not hold (``Refused``)."""
        prefixes = default_prefixes(self.base)
        shape = analyse(text, prefixes)
        if shape.has_dataset:
            check_graphs([*shape.default_graphs, *shape.named_graphs], self.graphs())
        store = self._store_for(text, shape, kwargs)
        try:
            return store.query(text, prefixes=prefixes, **kwargs)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise query_error(exc, text) from None

    def _store_for(self, text: str, shape: QueryShape, options: dict[str, object]) -> ox.Store:
        """The store that holds what the query reads (``reads``); once made whole, ``named`` holds everything."""
        if self._whole and (options or not shape.default_graph_only):
            return self.named
        default, named = reads(text, shape, options)
        if not named:
            return self.union
        return self.whole() if default else self.named

    def __len__(self) -> int:
        """The quads in the named graphs (what the files hold; the default graph repeats them)."""
        return len(self.named) - (len(self.union) if self._whole else 0)


def reads(text: str, shape: QueryShape, options: dict[str, object]) -> tuple[bool, bool]:
    """Whether a query (its text, what the guard found in it, and Oxigraph's dataset options)
    reads the store's default graph, and whether it reads named graphs."""
    if options.get("use_default_graph_as_union"):
        return True, True  # Oxigraph's union takes in the default graph as well as the named graphs
    if "default_graph" in options:
        given = list(options["default_graph"])  # type: ignore[call-overload]
        in_default = any(isinstance(g, ox.DefaultGraph) for g in given)
        return in_default, shape.uses_graph or any(not isinstance(g, ox.DefaultGraph) for g in given)
    if shape.default_graphs:
        return False, True  # FROM: the default graph is made of named graphs
    if shape.named_graphs:
        return False, shape.uses_graph  # FROM NAMED alone: the default graph is empty
    if shape.uses_graph:
        return patterns_outside_graph(text), True
    return True, False


@lru_cache(maxsize=1024)
def patterns_outside_graph(text: str) -> bool:
    """Whether a query has triple patterns outside every ``GRAPH`` (or is a DESCRIBE, which describes
    from the default graph): what reads the default graph. rdflib's SPARQL parser reads the query
    (a few milliseconds); a query it cannot read is taken to have some."""
    # only for a query that reads named graphs: rdflib's SPARQL grammar takes a moment to import
    from pyparsing import ParseResults  # noqa: PLC0415
    from rdflib.plugins.sparql.parser import parseQuery  # noqa: PLC0415
    from rdflib.plugins.sparql.parserutils import CompValue  # noqa: PLC0415

    def outside(node: object, inside: bool) -> bool:
        if isinstance(node, CompValue):
            if node.name == "DescribeQuery":
                return True
            if node.name == "GraphGraphPattern":
                return outside(node.get("graph"), inside=True)
            if node.name == "TriplesBlock" and not inside:
                return True
            return any(outside(v, inside) for k, v in node.items() if k != "template")  # a CONSTRUCT template reads nothing
        if isinstance(node, list | tuple | ParseResults):
            return any(outside(v, inside) for v in node)
        return False

    try:
        parsed = parseQuery(text)
    except Exception:  # noqa: BLE001  # pyparsing's errors, or rdflib's on what it does not support: the safe answer
        return True
    return outside(parsed, inside=False)


def _load(store: ox.Store, files: list[GraphFile], graph: ox.DefaultGraph | None) -> None:
    """Parse ``files`` into ``store``: each into ``graph``, or into its own named graph if None."""
    for f in files:
        target = graph if graph is not None else ox.NamedNode(f.graph)
        store.load(path=f.path, format=ox.RdfFormat.TURTLE, base_iri=f.path.as_uri(), to_graph=target)


# ``default_prefixes`` lives in ``kkni_rdf.namespaces``; it is re-exported here for the modules that
# still import it from the store (the endpoint's, ``store.remote``), until they import it from there.
__all__ = ["GraphFile", "KkniStore", "default_graph_files", "default_prefixes", "patterns_outside_graph", "reads"]
