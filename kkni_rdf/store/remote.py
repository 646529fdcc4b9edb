"""Any SPARQL 1.1 store as the project's store: queries over the SPARQL 1.1 Protocol, loading
over the SPARQL 1.1 Graph Store Protocol (GSP).

``RemoteStore(url)`` answers ``query(text)`` like ``KkniStore.query``: the project's prefixes
may be used undeclared, the default graph is the union of the named graphs, and the result is
an Oxigraph result object (``QuerySolutions``, ``QueryBoolean`` or ``QueryTriples``) parsed by
Oxigraph from what the server sends (SPARQL results in JSON/XML/CSV/TSV, RDF in N-Triples,
Turtle or RDF/XML). A query the server rejects (HTTP 400) raises ``store.QueryError`` with
the server's message and, where the server gives it, the line and column in the user's text.

``load_into(url, files)`` PUTs each graph file into its named graph; the GSP address is given
or derived from the query address (see ``graph_store_url``).

The default graph is the union of the named graphs. ``load_into`` writes that union into the
store's own default graph too (an RDF merge: each triple once), as ``KkniStore`` keeps it; a
store whose default graph holds triples is queried as it is (that also covers a server
configured with a union default graph, Fuseki's ``tdb2:unionDefaultGraph``). Only when the
store's default graph is empty is the union asked for through the protocol: every named graph
sent as a ``default-graph-uri`` (and as a ``named-graph-uri``, so that ``GRAPH ?g`` still sees
them); servers such as Oxigraph then match a triple held by two graphs twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from kkni_rdf.formats import rdf_format_of_media_type, results_format_of_media_type
from kkni_rdf.namespaces import DEFAULT_BASE
from kkni_rdf.store.embedded import GraphFile, default_graph_files, default_prefixes
from kkni_rdf.store.protocol import QueryError, query_error

#: What we accept, best first: SPARQL JSON results (SELECT, ASK) and N-Triples (CONSTRUCT, DESCRIBE).
ACCEPT = (
    "application/sparql-results+json, application/n-triples;q=0.9, application/sparql-results+xml;q=0.8, "
    "text/turtle;q=0.7, application/rdf+xml;q=0.5, text/csv;q=0.2, text/tab-separated-values;q=0.2"
)
Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Auth = tuple[str, str] | None


class RemoteError(RuntimeError):
    """The store cannot be reached or answered with an error that is not the query's fault."""


class RemoteTimeout(RemoteError, TimeoutError):
    """The store did not answer in time."""


def _describe_http_error(exc: httpx.HTTPError, url: str, timeout: float) -> RemoteError:
    if isinstance(exc, httpx.TimeoutException):
        return RemoteTimeout(f"{url} did not answer within {timeout:g} s")
    if isinstance(exc, httpx.ConnectError):
        return RemoteError(f"cannot connect to {url} ({exc}); is the store running, and is the address right?")
    return RemoteError(f"cannot talk to {url}: {exc}")


def _status_error(response: httpx.Response, what: str) -> RemoteError:
    body = response.text.strip().replace("\n", " ")
    hint = ""
    if response.status_code in (401, 403):
        hint = " (give credentials: --user, with the password in KKNI_STORE_PASSWORD)"
    elif response.status_code in (404, 405):
        hint = " (is this the right address for the store's endpoint?)"
    return RemoteError(f"{what}: {response.request.url} answered HTTP {response.status_code}{hint}: {body[:300]}")


# --------------------------------------------------------------------------- querying

# "error at 3:15: …" (Oxigraph); "Lexical error at line 3, column 15" / "line 3, column 15" (Jena, others)
_POSITION = [
    re.compile(r"error at (\d+):(\d+):\s*(.*)", re.S),
    re.compile(r"(.*?)\bline (\d+), column (\d+)(.*)", re.S | re.I),
]


def server_query_error(body: str, prologue_lines: int, query: str | None = None) -> QueryError:
    """A ``QueryError`` from a server's 400 answer, its position moved back past our PREFIX lines (and, given the
    user's ``query``, to its first wrong token, as the embedded store says it)."""
    text = body.strip()
    m = _POSITION[0].search(text)
    if m:
        line, column = int(m[1]), int(m[2])
        if line > prologue_lines:
            err = query_error(SyntaxError(f"error at {line - prologue_lines}:{column}: {m[3]}"), query)
            return err
        return QueryError(f"syntax error: {m[3]}")
    m = _POSITION[1].search(text)
    if m and int(m[2]) > prologue_lines:
        return QueryError(f"syntax error: {(m[1] + m[4]).strip() or text}", int(m[2]) - prologue_lines, int(m[3]))
    return QueryError(text[:500] or "the store rejected the query")


@dataclass
class RemoteStore:
    """A SPARQL 1.1 endpoint with ``KkniStore``'s query contract."""

    url: str
    timeout: float = 30.0
    auth: Auth = None
    base: str = DEFAULT_BASE
    union_default_graph: bool = True
    graph_store: str | None = None

    def __post_init__(self) -> None:
        self._client = httpx.Client(timeout=self.timeout, auth=self.auth, follow_redirects=True)
        self._graphs: list[str] | None = None
        self._default_filled: bool | None = None
        self._prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in default_prefixes(self.base).items())
        self._prologue_lines = self._prologue.count("\n")

    # -- the KkniStore contract

    def query(self, text: str, **kwargs: object) -> Result:
        """Run ``text`` on the store; the default graph is the union of the named graphs.

        Accepts ``KkniStore.query``'s dataset options: ``use_default_graph_as_union`` (default
        true), ``default_graph`` and ``named_graphs`` (``NamedNode``s); they become the
        protocol's ``default-graph-uri`` and ``named-graph-uri``.
        """
        union = bool(kwargs.get("use_default_graph_as_union", True))
        default = _iris(kwargs.get("default_graph"))
        named = _iris(kwargs.get("named_graphs"))
        form: dict[str, str | list[str]] = {"query": self._prologue + text}
        if default is not None:
            form["default-graph-uri"] = default
            form["named-graph-uri"] = named if named is not None else self.graphs()
        elif union and self.union_default_graph and not self._default_graph_filled():
            graphs = self.graphs()
            form["default-graph-uri"] = graphs
            form["named-graph-uri"] = named if named is not None else graphs
        elif named is not None:
            form["named-graph-uri"] = named
        return self._run(form)

    def graphs(self) -> list[str]:
        """The store's named graphs (IRIs), sorted; asked once, then remembered."""
        if self._graphs is None:
            solutions = self._run({"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
            assert isinstance(solutions, ox.QuerySolutions)
            self._graphs = sorted(s["g"].value for s in solutions if isinstance(s["g"], ox.NamedNode))
        return list(self._graphs)

    def __len__(self) -> int:
        solutions = self._run({"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"})
        assert isinstance(solutions, ox.QuerySolutions)
        n = next(iter(solutions))["n"]
        return int(n.value) if n is not None else 0

    def _default_graph_filled(self) -> bool:
        """Whether the store's own default graph holds triples (asked once, then remembered)."""
        if self._default_filled is None:
            answer = self._run({"query": "ASK { ?s ?p ?o }"})
            self._default_filled = bool(answer)
        return self._default_filled

    def forget_graphs(self) -> None:
        """Ask the store for its named graphs (and its default graph) again on the next query (after a load)."""
        self._graphs = None
        self._default_filled = None

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the protocol

    def _run(self, form: dict[str, str | list[str]]) -> Result:
        try:
            response = self._client.post(self.url, data=form, headers={"Accept": ACCEPT})
        except httpx.HTTPError as exc:
            raise _describe_http_error(exc, self.url, self.timeout) from None
        if response.status_code == 400:
            sent = form.get("query")
            users = "\n".join(sent.split("\n")[self._prologue_lines :]) if isinstance(sent, str) else None
            raise server_query_error(response.text, self._prologue_lines, users)
        if not response.is_success:
            raise _status_error(response, "the query failed")
        return parse_response(response.headers.get("content-type", ""), response.content)

    # -- loading

    def load(self, files: Sequence[GraphFile] | None = None) -> list[LoadedGraph]:
        """``load_into`` this store's address (and its ``graph_store``, if set)."""
        done = load_into(self.url, files, self.graph_store, timeout=self.timeout, auth=self.auth, client=self._client)
        self.forget_graphs()
        return done


def _iris(value: object) -> list[str] | None:
    if value is None:
        return None
    items: Iterable[object] = value if isinstance(value, list | tuple) else [value]
    return [i.value if isinstance(i, ox.NamedNode) else str(i) for i in items]


def parse_response(content_type: str, body: bytes) -> Result:
    """The Oxigraph result object for a server's answer, by its media type."""
    media = content_type.split(";", maxsplit=1)[0].strip().lower()
    results_format = results_format_of_media_type(media)
    if results_format is not None:
        return ox.parse_query_results(body, format=results_format)
    graph_format = rdf_format_of_media_type(media)
    if graph_format is not None:
        # a QueryTriples like the embedded store's: the triples loaded into a scratch store
        scratch = ox.Store()
        scratch.load(body, format=graph_format, to_graph=ox.DefaultGraph())
        result = scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
        assert isinstance(result, ox.QueryTriples)
        return result
    raise RemoteError(f"the store answered in a format we do not read: {content_type or 'no content type'}")


# --------------------------------------------------------------------------- loading (GSP)


@dataclass(frozen=True)
class LoadedGraph:
    graph: str
    path: Path
    bytes: int
    status: int


def graph_store_url(query_url: str) -> str:
    """The SPARQL 1.1 Graph Store Protocol address that goes with a query address.

    - Oxigraph server: ``http://host:7878/query`` → ``http://host:7878/store``
    - Apache Jena Fuseki: ``http://host:3030/ds/sparql`` or ``…/ds/query`` → ``http://host:3030/ds/data``
    - GraphDB / RDF4J: ``http://host:7200/repositories/REPO`` → ``…/repositories/REPO/rdf-graphs/service``
    - Virtuoso: ``http://host:8890/sparql`` → ``http://host:8890/sparql-graph-crud-auth``

    Anything else (QLever has no GSP) must be given (``--graph-store``); ``ValueError`` says so.
    """
    parts = urlsplit(query_url)
    path = parts.path.rstrip("/")
    if path == "/query":
        new = "/store"
    elif path == "/sparql":
        new = "/sparql-graph-crud-auth"
    elif re.fullmatch(r"/[^/]+/(?:sparql|query)", path):
        new = path.rsplit("/", 1)[0] + "/data"
    elif re.fullmatch(r"(?:/[^/]+)*/repositories/[^/]+", path):
        new = path + "/rdf-graphs/service"
    else:
        raise ValueError(
            f"cannot tell the Graph Store Protocol address for {query_url}; give it with --graph-store "
            "(Oxigraph: …/store, Fuseki: …/DATASET/data, GraphDB: …/repositories/REPO/rdf-graphs/service)"
        )
    return urlunsplit((parts.scheme, parts.netloc, new, "", ""))


def load_into(
    url: str,
    files: Sequence[GraphFile] | None = None,
    graph_store: str | None = None,
    timeout: float = 300.0,
    auth: Auth = None,
    client: httpx.Client | None = None,
) -> list[LoadedGraph]:
    """PUT each file into its named graph on the store at ``url`` (replacing what the graph held),
    and all of them into the default graph, which becomes their union (as in ``KkniStore``).

    Several files for one graph (the ontology's) are PUT, then POSTed (merged) in turn.

    ``files`` defaults to what ``KkniStore.load_default`` serves (the ontology and every built
    decree, each in its named graph). ``graph_store`` defaults to ``graph_store_url(url)``.
    """
    target = graph_store or graph_store_url(url)
    todo = list(files) if files is not None else default_graph_files()
    own = client is None
    http = client or httpx.Client(timeout=timeout, auth=auth, follow_redirects=True)
    done = []
    seen: set[str] = set()

    def send(method: str, params: dict[str, str], data: bytes, into: str) -> httpx.Response:
        try:
            response = http.request(
                method, target, params=params, content=data, headers={"Content-Type": "text/turtle; charset=utf-8"}, timeout=timeout
            )
        except httpx.HTTPError as exc:
            raise _describe_http_error(exc, target, timeout) from None
        if not response.is_success:
            raise _status_error(response, f"loading {into} failed")
        return response

    try:
        for f in todo:
            data = f.path.read_bytes()
            # the first file of a graph replaces it (PUT); further files of the graph add to it (POST)
            method = "POST" if f.graph in seen else "PUT"
            seen.add(f.graph)
            response = send(method, {"graph": f.graph}, data, f"{f.path.name} into <{f.graph}>")
            done.append(LoadedGraph(f.graph, f.path, len(data), response.status_code))
        # and the union of them all into the default graph: the first file replaces it, the rest merge
        for k, f in enumerate(todo):
            send("PUT" if k == 0 else "POST", {"default": ""}, f.path.read_bytes(), f"{f.path.name} into the default graph")
    finally:
        if own:
            http.close()
    return done


__all__ = ["LoadedGraph", "RemoteError", "RemoteStore", "RemoteTimeout", "graph_store_url", "load_into", "parse_response"]
