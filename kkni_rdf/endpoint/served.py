"""The store as the endpoint serves it: opened once, with what never changes read once.

The data is read-only and immutable while the server runs, so the prefixes a query may use and
the named graphs (for the guard, the pages and the descriptions) are computed when the store is
opened: in the HTTP process at start-up, and once in each query worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from kkni_rdf.store.embedded import KkniStore, default_prefixes
from kkni_rdf.store.protocol import QueryableStore
from kkni_rdf.store.remote import RemoteStore


@dataclass(frozen=True)
class StoreSource:
    """Where the data comes from: the embedded store, or a SPARQL 1.1 endpoint (``--store URL``).
    The endpoint makes it from its config (``EndpointConfig.source``), where the options' defaults are."""

    base: str
    store_url: str | None = None  # None: the embedded store
    timeout: float | None = None  # seconds for one request to a remote store (the endpoint's query deadline); None: the store's own


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
        """The store ``source`` names; with ``whole``, the embedded store given its default graph
        beside the named graphs at once (``KkniStore.whole``: the query workers' choice, so that no
        client's query pays for it within its deadline)."""
        if source.store_url:
            remote = (
                RemoteStore(source.store_url, base=source.base)
                if source.timeout is None
                # under the query's deadline: a stalled store is the worker's named 504 (store timeout), not a killed worker
                else RemoteStore(source.store_url, timeout=source.timeout * 0.8, base=source.base)
            )
            return cls(remote, default_prefixes(source.base), tuple(sorted(remote.graphs())))
        store = KkniStore.load_default(source.base)
        if whole:
            store.whole()
        return cls(store, default_prefixes(source.base), tuple(sorted(store.graphs())))
