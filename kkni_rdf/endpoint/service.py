"""The endpoint as a service: plain typed methods that the HTTP routes call.

``Endpoint`` holds what is made once at start-up: the store (for pages and descriptions), its
graphs and prefixes, the downloads, the named queries, the query workers and the answer cache.
Methods that block (evaluate a query, render a page, serialise a description) are called by the
routes in the thread pool; ``cached`` never blocks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from kkni_rdf import __version__
from kkni_rdf.endpoint import describe, errors, pages
from kkni_rdf.endpoint.cache import AnswerCache
from kkni_rdf.endpoint.errors import Outcome
from kkni_rdf.endpoint.execute import Job, Limits
from kkni_rdf.endpoint.i18n import Lang
from kkni_rdf.endpoint.named import NAME, NamedQuery, load_named_queries
from kkni_rdf.endpoint.pool import Policy, QueryPool, WorkerSetup
from kkni_rdf.endpoint.protocol import graph_format, page_or_graph_format
from kkni_rdf.endpoint.served import ServedStore, StoreSource
from kkni_rdf.formats import GRAPH_FORMATS, content_type, media_type_of, rdf_format
from kkni_rdf.namespaces import DEFAULT_BASE, KKNI_ONTOLOGY

log = logging.getLogger("kkni.endpoint")
HTML_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True)
class EndpointConfig:
    base: str = DEFAULT_BASE
    timeout: float = 10.0  # seconds per query, evaluation and serialisation included; also per request to a remote store
    workers: int = 2  # query worker processes
    max_results: int = 100_000  # solutions or triples in one answer
    max_bytes: int = 64 * 1024 * 1024  # bytes of one serialised answer
    max_query_bytes: int = 256 * 1024  # bytes of a query (a request body, or the query parameter)
    cache_entries: int = 2048  # finished answers kept (the data is immutable)
    log_queries: bool = False  # log query texts (off: only method, path, status and time)
    store_url: str | None = None  # serve from this SPARQL 1.1 endpoint instead of the embedded store
    # fair turns and limits (kkni_rdf.endpoint.pool.Policy; docs/endpoint.md "Safe by default")
    short_seconds: float = 1.0  # a query running longer is long
    long_queries: int | None = None  # long queries at once (None: workers - 1, at least 1)
    per_client: int = 2  # queries one client may have waiting or running (more: 429)
    queue: int = 64  # queries waiting for a worker (more: 503)
    worker_memory: int = 1024 * 2**20  # bytes a worker may take beyond its loaded store (0: no limit)
    spare_workers: int = 0  # loaded processes kept ready to replace a stopped worker at once
    read_timeout: float = 10.0  # seconds to receive a request's head and body (408 after)
    public_url: str | None = None  # the endpoint's own URL in its descriptions (default: the address it listens on)

    @property
    def source(self) -> StoreSource:
        return StoreSource(self.base, self.store_url, self.timeout)

    @property
    def limits(self) -> Limits:
        return Limits(self.max_results, self.max_bytes)

    @property
    def policy(self) -> Policy:
        return Policy(self.timeout, self.short_seconds, self.long_queries, self.per_client, self.queue)


class Endpoint:
    """The service's state and what it answers; made (and the store loaded) once, at start-up."""

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self.served = ServedStore.open(config.source)
        self.graphs = describe.graph_infos(self.served.store)
        self.downloads = describe.build_downloads(self.served.store)
        self.named_queries = load_named_queries()
        self.example = self._example_resource()
        self.cache: AnswerCache[Outcome] = AnswerCache(config.cache_entries)
        self.pool = QueryPool(
            config.workers,
            WorkerSetup(config.source, config.limits, config.worker_memory),
            policy=config.policy,
            spares=config.spare_workers,
        )

    def start(self) -> None:
        self.pool.start()

    def close(self) -> None:
        self.pool.close()

    def _example_resource(self) -> str | None:
        r = self.served.store.query("SELECT ?q WHERE { ?q a kkni:Qualification } ORDER BY ?q LIMIT 1")
        rows = list(r)  # type: ignore[arg-type]
        return rows[0]["q"].value if rows else None

    def health(self) -> dict[str, object]:
        return {
            "status": "ok",
            "version": __version__,
            "workers": self.pool.size,
            "alive": self.pool.alive,
            "idle": self.pool.idle,
            **self.pool.state(),
            "cached": len(self.cache),
        }

    # -- SPARQL

    def cached(self, job: Job) -> Outcome | None:
        """The finished answer to ``job`` from the cache, or None; logs the query with --log-queries (never blocks)."""
        if self.config.log_queries:
            log.info("query: %s", " ".join(job.text.split()))
        return self.cache.get(job)

    async def evaluate(self, job: Job, client: str = "") -> Outcome:
        """The answer to ``job`` from a query worker, under the deadline and the pool's fair turns (holds no thread while it waits)."""
        outcome = await self.pool.run(job, client)
        if outcome.cacheable:
            self.cache.put(job, outcome, len(outcome.body) + len(job.text))
        return outcome

    def named_query(self, name: str) -> NamedQuery | Outcome:
        found = self.named_queries.get(name) if NAME.match(name) else None
        return found or errors.not_found(f"No named query {name!r}; see /queries.", f"Kueri bernama {name!r} tidak ada.")

    # -- descriptions, downloads and pages

    def download(self, filename: str) -> tuple[str, bytes] | Outcome:
        found = self.downloads.get(filename)
        return found or errors.not_found(f"No download {filename!r}; available: {', '.join(describe.DOWNLOADS)}.", "Unduhan tidak ada.")

    def _graph(self, key: str | None, triples: list[ox.Triple], form: str = "description") -> Outcome:
        if key is None:
            return errors.not_acceptable(form, [f.media_type for f in GRAPH_FORMATS])
        body = ox.serialize(triples, format=rdf_format(key), prefixes=self.served.prefixes) or b""
        return Outcome(200, content_type(media_type_of(key)), body)

    def _limits_note(self) -> str:
        c = self.config
        return (
            f"Read-only. Each query has a deadline of {c.timeout:g} s and at most {c.max_results} results or {c.max_bytes} bytes; "
            "SERVICE and graphs this endpoint does not hold are refused. The findings graphs hold the validation report of the decree."
        )

    @lru_cache(maxsize=64)  # noqa: B019 - one Endpoint per app; keyed by the URL it is reached at and the format
    def service_description(self, endpoint_url: str, key: str | None) -> Outcome:
        triples = describe.service_description(self.graphs, endpoint_url, self._limits_note())
        return self._graph(key, triples, "service description")

    @lru_cache(maxsize=64)  # noqa: B019
    def void(self, site: str, key: str | None) -> Outcome:
        return self._graph(key, describe.void_description(self.graphs, site, self.config.base, self.example), "VoID description")

    def ontology(self, accept: str | None, fmt: str | None, lang: Lang | None = None) -> Outcome:
        """The ontology: pyLODE's HTML documentation (in one language) for browsers (if it is there), else the ontology graph."""
        lang = lang or Lang()
        if page_or_graph_format(accept, fmt) == "html":
            try:
                from kkni_rdf.ontology_docs import ontology_html
            except ImportError:  # the generic page
                return self.resource("ontology", accept, fmt, lang)
            return Outcome(200, HTML_TYPE, pages.ontology_page(ontology_html(lang.code), lang).encode("utf-8"))
        graph = next((g.iri for g in self.graphs if g.iri.endswith("/graph/ontology")), None)
        store = self.served.store
        triples = pages.describe_triples(store, graph, "graph") if graph else pages.describe_triples(store, KKNI_ONTOLOGY, "resource")
        return self._graph(graph_format(accept, fmt), triples)

    def resource(self, path: str, accept: str | None, fmt: str | None, lang: Lang | None = None) -> Outcome:
        """A linked-data answer for the IRI ``base + path``: an HTML page (in ``lang``) or its description as RDF.
        ``path.ttl`` (``.jsonld``, ``.nt``, ``.rdf``) is the description of ``path`` in that format."""
        lang = lang or Lang()
        shown_as = page_or_graph_format(accept, fmt)
        key = ("resource", path, shown_as, lang)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        found = pages.resolve_path(self.served, path)
        suffixed = pages.split_suffix(path) if found is None and not fmt else None
        if suffixed is not None and (found := pages.resolve_path(self.served, suffixed[0])) is not None:
            shown_as = suffixed[1]
        here = lang.href("/" + path)
        if found is None and shown_as == "html":
            outcome = Outcome(404, HTML_TYPE, pages.not_found_page(path, lang).encode("utf-8"))
        elif found is None:
            outcome = errors.not_found(f"No resource has the IRI {self.config.base}{path}.", "Sumber daya tidak ditemukan.")
        elif shown_as == "html":
            outcome = Outcome(200, HTML_TYPE, pages.resource_page(self.served, *found, lang, here).encode("utf-8"))
        else:
            outcome = self._graph(shown_as, pages.describe_triples(self.served.store, *found))
        self.cache.put(key, outcome, len(outcome.body))
        return outcome
