"""The store as the endpoint serves it: opened once, with what never changes read once.

The data is read-only and immutable while the server runs, so the prefixes a query may use and
the named graphs (for the guard, the pages and the descriptions) are computed when the store is
opened: in the HTTP process at start-up, and once in each query worker.

**Every store ready.** The embedded store answers a query that reads both the default graph
and named graphs (``GRAPH`` beside patterns outside it) from a store it completes the first time
(``KkniStore.whole``): the query workers complete it when they start (``open(whole=True)``), so
that no client query pays for it within its deadline. The HTTP process's own queries (the
downloads, the graphs' sizes, the findings) read named graphs alone and never need it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kkni_rdf.store.embedded import KkniStore, default_prefixes
from kkni_rdf.store.protocol import QueryableStore
from kkni_rdf.store.remote import RemoteStore


@dataclass(frozen=True)
class StoreSource:
    """Where the data comes from: the embedded store, or a SPARQL 1.1 endpoint (``--store URL``)."""

    base: str
    store_url: str | None = None
    timeout: float = 10.0  # seconds for one request to a remote store: the endpoint's query deadline


@dataclass(frozen=True)
class ServedStore:
    store: QueryableStore
    prefixes: dict[str, str]  # the project's prefixes: queries need not declare them
    graphs: tuple[str, ...]  # the named graphs, sorted

    @property
    def base(self) -> str:
        return self.store.base

    @classmethod
    def open(cls, source: StoreSource, whole: bool = False) -> ServedStore:
        """The store ``source`` names; with ``whole``, the embedded store made ready at once for
        every query (the query workers' choice: the HTTP process evaluates no client query)."""
        if source.store_url:
            remote = RemoteStore(source.store_url, timeout=source.timeout, base=source.base)
            return cls(remote, default_prefixes(source.base), tuple(sorted(remote.graphs())))
        store = KkniStore.load_default(source.base)
        if whole:
            store.whole()
        return cls(store, default_prefixes(source.base), tuple(sorted(store.graphs())))
