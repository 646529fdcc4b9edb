"""The endpoint as a service: what it serves, and the plain typed methods that the HTTP routes call.

``EndpointConfig`` is every option of the endpoint with its default, stated once: ``kkni serve``'s
options are made from its fields (``cli.py``), and the query pool's ``Policy``, the answers'
``Limits`` and the ``StoreSource`` are made from it.

``Endpoint`` owns everything served, made once at start-up from the one store it serves (the
embedded store under ``--base``, or ``--store URL``): the store itself (for pages and
descriptions), its graphs and prefixes, the downloads, the named queries, the query page's setup,
the validation findings, the catalogue of qualifications ``/check`` checks against, the query
workers and the answer cache. Nothing else in the endpoint keeps data: no module-level caches, no
other state on the app. Methods that block (render a page, serialise a description) are called by
the routes in the thread pool; ``cached`` never blocks, ``evaluate`` waits in the event loop.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

import pyoxigraph as ox

from kkni_rdf import __version__
from kkni_rdf.checks.catalogue import Catalogue, catalogue_from_store
from kkni_rdf.endpoint import check, dcat, describe, errors, indexes, pages
from kkni_rdf.endpoint.cache import AnswerCache
from kkni_rdf.endpoint.errors import Outcome
from kkni_rdf.endpoint.execute import Job, Limits
from kkni_rdf.endpoint.findings import Finding, load_findings
from kkni_rdf.endpoint.i18n import Lang
from kkni_rdf.endpoint.named import NAME, NamedQuery, ParameterError, load_named_queries
from kkni_rdf.endpoint.pool import Policy, QueryPool, WorkerSetup
from kkni_rdf.endpoint.protocol import graph_format, page_or_graph_format
from kkni_rdf.endpoint.served import ServedStore, StoreSource
from kkni_rdf.formats import GRAPH_FORMATS, content_type, media_type_of, rdf_format
from kkni_rdf.namespaces import DEFAULT_BASE, KKNI_ONTOLOGY
from kkni_rdf.search import SearchIndex
from kkni_rdf.store.remote import RemoteError, RemoteStore

log = logging.getLogger("kkni.endpoint")
HTML_TYPE = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Option:
    """How a field of ``EndpointConfig`` is given to ``kkni serve``, and what values it may take."""

    help: str
    metavar: str | None = None
    flag: str | None = None  # default: --the-field-name
    unit: int = 1  # the option is given in units of this many (--worker-memory: MiB of the field's bytes)
    minimum: float | None = None  # the least value it may take
    maximum: float | None = None  # the most
    positive: bool = False  # it must be more than 0

    def flag_of(self, name: str) -> str:
        return self.flag or "--" + name.replace("_", "-")


def _option(default: Any, help: str, metavar: str | None = None, **rules: Any) -> Any:
    """A field of ``EndpointConfig``: its default, and the option that gives it (``Option``)."""
    return field(default=default, metadata={"option": Option(help, metavar, **rules)})


class ConfigError(ValueError):
    """An option's value it may not take: which field, and what it must be."""

    def __init__(self, name: str, requirement: str) -> None:
        super().__init__(f"{name} {requirement}")
        self.name = name
        self.requirement = requirement


@dataclass(frozen=True)
class EndpointConfig:
    """The endpoint's options, each default stated here and nowhere else."""

    # where it listens and what it serves
    host: str = _option("127.0.0.1", "address to listen on")
    port: int = _option(8000, "port to listen on", "PORT", minimum=0, maximum=65535)
    base: str = _option(DEFAULT_BASE, "base IRI of the data; request paths map onto it", "IRI")
    store_url: str | None = _option(
        None,
        "serve from this SPARQL 1.1 query endpoint (Oxigraph, Fuseki, GraphDB, Virtuoso, QLever) instead of the embedded store",
        "URL",
        flag="--store",
    )
    public_url: str | None = _option(None, "the endpoint's URL in its descriptions (default: the address it listens on)", "URL")
    forwarded_allow_ips: str = _option("127.0.0.1", "proxies whose X-Forwarded-For names the client", "IPS")
    # every query's deadline and caps
    timeout: float = _option(
        10.0, "deadline per query, evaluation and serialisation included; also per request to --store", "SECONDS", positive=True
    )
    workers: int = _option(2, "query worker processes", "N", minimum=1)
    max_results: int = _option(100_000, "most solutions or triples in one answer", "N", minimum=1)
    max_bytes: int = _option(64 * 1024 * 1024, "largest serialised answer, in bytes", "N", minimum=1)
    max_query_bytes: int = _option(256 * 1024, "longest query, or /check body, in bytes", "N", minimum=1)
    cache_entries: int = _option(2048, "finished answers kept (the data never changes); 0: none", "N", minimum=0)
    log_queries: bool = _option(False, "log query texts (by default only method, path, status and time)")
    # fair turns and limits (kkni_rdf.endpoint.pool.Policy; docs/endpoint.md "Safe by default")
    short_seconds: float = _option(1.0, "a query running longer is long", "S", positive=True)
    long_queries: int | None = _option(None, "long queries at once, one per client (default: workers - 1, at least 1)", "N", minimum=1)
    per_client: int = _option(2, "queries one client may have waiting or running; more get 429", "N", minimum=1)
    queue: int = _option(64, "queries waiting for a worker; more get 503", "N", minimum=0)
    worker_memory: int = _option(
        1024 * 2**20, "memory a query worker may use beyond its store, in MiB; 0: no limit", "MIB", unit=2**20, minimum=0
    )
    spare_workers: int = _option(0, "loaded workers kept ready to replace a stopped one at once", "N", minimum=0)
    require_isolation: bool = _option(
        False, "refuse to start unless the OS isolates the query workers from the network (a network namespace; not with --store)"
    )
    read_timeout: float = _option(10.0, "seconds to receive a request whole; 408 after", "S", positive=True)
    write_timeout: float = _option(
        30.0, "seconds a client may go without reading any of an answer it is sent; then it is dropped", "S", positive=True
    )
    shutdown_seconds: int = _option(
        10, "on SIGTERM or Ctrl-C, seconds for answers in flight to finish; then connections close, workers stop", "S", minimum=0
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            value, option = getattr(self, f.name), f.metadata.get("option")
            if option is None or value is None or isinstance(value, bool | str):
                continue
            if option.minimum is not None and value < option.minimum:
                raise ConfigError(f.name, f"must be at least {option.minimum:g}")
            if option.maximum is not None and value > option.maximum:
                raise ConfigError(f.name, f"must be at most {option.maximum:g}")
            if option.positive and value <= 0:
                raise ConfigError(f.name, "must be positive")
        if self.require_isolation and self.store_url:
            raise ConfigError("require_isolation", "cannot hold behind --store: the query workers reach the store over the network")
        if not self.base.endswith(("/", "#")):
            raise ConfigError("base", f"must end with '/' or '#': {self.base!r}")

    @property
    def source(self) -> StoreSource:
        return StoreSource(self.base, self.store_url, self.timeout)

    @property
    def limits(self) -> Limits:
        return Limits(self.max_results, self.max_bytes)

    @property
    def policy(self) -> Policy:
        return Policy(self.timeout, self.short_seconds, self.long_queries, self.per_client, self.queue)


#: how long /healthz waits for the store behind --store to answer a trivial query
STORE_PING_SECONDS = 3.0


class Endpoint:
    """Everything the endpoint serves and what it answers; made (the store loaded, the workers ready) once, at start-up."""

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self.served = ServedStore.open(config.source)
        store = self.served.store
        self.graphs = describe.graph_infos(store)
        self.default_triples = describe.default_graph_triples(store)
        self.in_force = dcat.in_force_since(store)
        self._downloads: dict[str, tuple[str, bytes]] = {}  # each download made when first asked (describe.build_download)
        self._downloads_lock = threading.Lock()
        self.named_queries = load_named_queries()
        self.example = self._example_resource()
        self.findings: list[Finding] = load_findings(store)
        self.catalogue: Catalogue = catalogue_from_store(store)
        self.workbench = pages.workbench(self.served, self.named_queries)
        self.known_paths = indexes.known_paths(self.served)  # what a 404 offers: indexes.nearest
        self.cache: AnswerCache[Outcome] = AnswerCache(config.cache_entries)
        self._ontology_pages: dict[str, str] = {}  # pyLODE's page of the ontology, by language (made when first asked)
        self._search: SearchIndex | None = None  # /search's index of the served store (made when first asked)
        self._search_lock = threading.Lock()
        self.pool = QueryPool(
            config.workers,
            WorkerSetup(config.source, config.limits, config.worker_memory, require_isolation=config.require_isolation),
            policy=config.policy,
            spares=config.spare_workers,
        )
        #: what /healthz asks: each says why no query can be answered now, or None (add a check here)
        self.health_checks: list[Callable[[], str | None]] = [self.pool.unavailable]
        self._store_fault: RemoteError | None = None  # what the store behind --store said at the last /healthz
        if isinstance(store, RemoteStore):
            self.health_checks.append(self._store_unavailable)

    def start(self) -> None:
        self.pool.start()

    def close(self) -> None:
        self.pool.close()

    def _example_resource(self) -> str | None:
        r = self.served.store.query("SELECT ?q WHERE { ?q a kkni:Qualification } ORDER BY ?q LIMIT 1")
        rows = list(r)  # type: ignore[arg-type]
        return rows[0]["q"].value if rows else None

    def _store_unavailable(self) -> str | None:
        """The store behind ``--store`` does not answer a trivial query within ``STORE_PING_SECONDS``:
        no query can be answered (a load balancer can act on the 503)."""
        store = self.served.store
        if not isinstance(store, RemoteStore):
            return None
        try:
            store.ping(STORE_PING_SECONDS)
        except RemoteError as exc:
            self._store_fault = exc
            return f"the SPARQL store behind --store: {exc}"
        self._store_fault = None
        return None

    def health(self) -> tuple[int, dict[str, object]]:
        """``/healthz``: 200 while queries can be answered (``status`` "ok", or "degraded" while fewer
        workers than configured are alive, a replacement starting), 503 ``unavailable`` with the
        ``reasons`` while none can. Each of ``health_checks`` gives a reason, or None."""
        reasons = [reason for check in self.health_checks if (reason := check()) is not None]
        alive = self.pool.alive
        status = "unavailable" if reasons else "degraded" if alive < self.pool.size else "ok"
        body: dict[str, object] = {
            "status": status,
            "reasons": reasons,
            "version": __version__,
            "workers": self.pool.size,
            "alive": alive,
            "starting": self.pool.starting,
            "idle": self.pool.idle,
            **self.pool.state(),
            "cached": len(self.cache),
            "isolation": self.pool.isolation,  # how the OS keeps the query workers off the network (None: it does not)
        }
        if self._store_fault is not None:  # the store's fault named as on /sparql: error, message, pesan, store, hint
            body = {**json.loads(errors.store_fault(self._store_fault, 503).body), **body}
        return 503 if reasons else 200, body

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
        return found or errors.not_found(f"No named query {name!r}; see /queries.", f"Kueri bernama {name!r} tidak ada; lihat /queries.")

    def named_query_text(self, name: str, values: dict[str, list[str]]) -> str | Outcome:
        """The text of the named query ``name`` with its parameters set to ``values``: 404 for no such
        query, 400 for a parameter it does not declare or a value it cannot take."""
        found = self.named_query(name)
        if isinstance(found, Outcome):
            return found
        try:
            return found.bind(values)
        except ParameterError as exc:
            return errors.error(400, "bad parameter", exc.message, exc.pesan, parameter=exc.parameter)

    # -- checks (kkni check over HTTP)

    def qualification_choices(self) -> list[tuple[str, str]]:
        """(short id, English label) of every qualification ``/check`` knows, sorted."""
        return sorted((q.short_id, q.label) for q in self.catalogue.qualifications.values())

    def check(self, submission: check.Submission, qualification: str | None, program: bool) -> dict[str, object] | Outcome:
        """``kkni check``'s report on ``submission``, against the qualifications of the served store; or a 400."""
        return check.run(self.catalogue, submission, qualification, program)

    # -- search

    def search_index(self) -> SearchIndex:
        """The search index of the served store (``kkni_rdf.search``), built when first asked (blocks: call off the event loop)."""
        with self._search_lock:
            if self._search is None:
                self._search = SearchIndex.from_store(self.served.store)
            return self._search

    # -- descriptions, downloads and pages

    def download(self, filename: str) -> tuple[str, bytes] | Outcome:
        """A download's media type and bytes, made when first asked and kept (the data never changes while
        the server runs): start-up does not wait for six serialisations of the whole store (at national
        scale, minutes), and a store behind ``--store`` is read, in pages, only by who asks. Blocks: call it
        from a thread."""
        if filename not in describe.DOWNLOADS:
            available = ", ".join(describe.DOWNLOADS)
            return errors.not_found(
                f"No download {filename!r}; available: {available}.", f"Unduhan {filename!r} tidak ada; yang tersedia: {available}."
            )
        with self._downloads_lock:  # one build of each, however many ask at once
            found = self._downloads.get(filename)
            if found is None:
                found = self._downloads[filename] = describe.build_download(self.served.store, filename)
        return found

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

    def service_description(self, endpoint_url: str, key: str | None) -> Outcome:
        """The SPARQL Service Description of this endpoint, reached at ``endpoint_url``, in the format ``key``."""
        cache_key = ("service description", endpoint_url, key)
        found = self.cache.get(cache_key)
        if found is None:
            triples = describe.service_description(self.graphs, endpoint_url, self._limits_note(), self.default_triples)
            found = self._graph(key, triples, "service description")
            self.cache.put(cache_key, found, len(found.body))
        return found

    def void(self, site: str, key: str | None) -> Outcome:
        """The VoID description of the dataset served at ``site``, in the format ``key``."""
        cache_key = ("void", site, key)
        found = self.cache.get(cache_key)
        if found is None:
            triples = describe.void_description(self.graphs, site, self.config.base, self.example, self.default_triples)
            found = self._graph(key, triples, "VoID description")
            self.cache.put(cache_key, found, len(found.body))
        return found

    def catalog(self, key: str | None) -> Outcome:
        """The DCAT-AP catalogue (``endpoint/dcat.py``) in the format ``key``: the checksums are of the bytes this endpoint serves."""
        cache_key = ("catalog", key)
        found = self.cache.get(cache_key)
        if found is None:
            if key is None:
                return errors.not_acceptable("catalogue", [f.media_type for f in GRAPH_FORMATS])
            body = ox.serialize(self._catalog_triples(), format=rdf_format(key), prefixes=dcat.PREFIXES) or b""
            found = Outcome(200, content_type(media_type_of(key)), body)
            self.cache.put(cache_key, found, len(found.body))
        return found

    def _catalog_triples(self) -> list[ox.Triple]:
        downloads = []
        for name in describe.DOWNLOADS:
            served = self.download(name)
            if not isinstance(served, Outcome):
                description = (f"The whole dataset as {name}.", f"Seluruh dataset sebagai {name}.")
                downloads.append(dcat.Served(name, f"download/{name}", served[0], served[1], description))
        graph_files = {}
        for g in self.graphs:
            path = f"{g.iri.removeprefix(self.config.base)}.ttl"
            answer = self.resource(path, None, None)
            if answer.status == 200:
                description = (f"The graph {g.name} in Turtle.", f"Graf {g.name} dalam Turtle.")
                graph_files[g.iri] = dcat.Served(path.rsplit("/", 1)[-1], path, answer.media_type, answer.body, description)
        return dcat.catalog_triples(self.graphs, downloads, graph_files, self.config.base, self.in_force)

    def ontology(self, accept: str | None, fmt: str | None, lang: Lang | None = None) -> Outcome:
        """The ontology: pyLODE's HTML documentation (in one language) for browsers (if it is there), else the ontology graph."""
        lang = lang or Lang()
        if page_or_graph_format(accept, fmt) == "html":
            page = self._ontology_pages.get(lang.code)
            if page is None:
                try:
                    from kkni_rdf.ontology_docs import render_html
                except ImportError:  # the generic page
                    return self.resource("ontology", accept, fmt, lang)
                page = self._ontology_pages[lang.code] = render_html(lang=lang.code)  # pyLODE takes seconds: once per language
            return Outcome(200, HTML_TYPE, pages.ontology_page(page, lang).encode("utf-8"))
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
        nearest = indexes.nearest(self.known_paths, path) if found is None else []
        if found is None and shown_as == "html":
            outcome = Outcome(404, HTML_TYPE, pages.not_found_page(path, lang, nearest).encode("utf-8"))
        elif found is None:
            outcome = errors.error(
                404,
                "not found",
                f"No resource has the IRI {self.config.base}{path}.",
                f"Tidak ada sumber daya dengan IRI {self.config.base}{path}.",
                suggestions=[{"iri": self.config.base + p, "path": "/" + p} for p in nearest],
            )
        elif shown_as == "html":
            outcome = Outcome(200, HTML_TYPE, pages.resource_page(self.served, *found, lang, here).encode("utf-8"))
        else:
            outcome = self._graph(shown_as, pages.describe_triples(self.served.store, *found))
        self.cache.put(key, outcome, len(outcome.body))
        return outcome
