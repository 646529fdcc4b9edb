"""Any SPARQL 1.1 store as the project's store: queries over the SPARQL 1.1 Protocol, loading
over the SPARQL 1.1 Graph Store Protocol (GSP). Tested against `oxigraph serve` and Virtuoso 7.

``RemoteStore(url)`` answers ``query(text)`` like ``KkniStore.query``: the project's prefixes
may be used undeclared, the default graph is the union of the project's named graphs, and the
result is an Oxigraph result object (``QuerySolutions``, ``QueryBoolean`` or ``QueryTriples``)
parsed by Oxigraph from what the server sends (SPARQL results in JSON or XML for SELECT and ASK;
N-Triples, Turtle or RDF/XML for CONSTRUCT and DESCRIBE). A query the server rejects (HTTP 400)
raises ``store.QueryError`` with the server's message and, where the server gives it, the line
(and column) in the user's text; any other failure raises ``RemoteError`` with the store's own
message and what to try.

``load_into(url, files)`` PUTs each file into its named graph, as N-Triples (the one syntax every
store reads alike: Virtuoso 7.2's Turtle reader keeps the backslash of ``qual:a\\/b`` in the IRI);
the GSP address is given or derived from the query address (see ``graph_store_url``).

**The project's graphs.** A store may hold graphs that are not ours: Virtuoso lists its own
system graphs (``http://www.openlinksw.com/schemas/virtrdf#``, ``http://www.w3.org/ns/ldp#``,
``http://localuriqaserver/sparql`` …), and a store may be shared. ``graphs()`` is the named graphs
under the base (``base``, or the default base the files are loaded under), and every query sees
only those as its named graphs (``named-graph-uri``).

**The default graph** is the union (an RDF merge: each triple once) of our named graphs, as
``KkniStore`` keeps it. ``load_into`` writes that union too:

- into the store's own default graph (GSP ``?default``) where it has one (Oxigraph, Fuseki);
  a store whose only graphs are ours and whose default graph holds triples is then queried as
  it is, with no dataset in the request;
- into the named graph ``{base}graph/union`` where the store's GSP has no default graph
  (Virtuoso refuses ``?default``: "the endpoint is not configured to have default graph"; its
  default graph is the union of *every* graph it holds, system graphs included, and a triple
  held by two graphs matches twice). Every query then gets that graph as its default graph
  (``default-graph-uri``), so the store's default graph never leaks in;
- otherwise (a store loaded by other means, or shared) every named graph of ours is sent as a
  ``default-graph-uri``; such a default graph is a bag on Virtuoso and Oxigraph (a triple held
  by two graphs matches twice).

**Virtuoso** (``is_virtuoso``: its ``Server`` header, or its system graph): every query is
rewritten as ``kkni_rdf.store.virtuoso`` says (integer division, booleans, aggregates inside
expressions, GROUP_CONCAT's separator, DESCRIBE), keeping its meaning; a query the store rejects
after rewriting is sent again as written, so that the error is about the user's own text. Its
answers are read as the standards say they should be:

- SELECT and ASK ask for SPARQL results, CONSTRUCT and DESCRIBE for RDF, never both in one
  ``Accept``: Virtuoso answers a CONSTRUCT with a table of ?s ?p ?o when SPARQL results are
  acceptable, and a SELECT with an RDF description of the result set (unexpanded ``rdf:type``)
  when N-Triples is; its TSV quotes every value as a string, so CSV and TSV are not asked for.
- Blank nodes come as ``nodeID://b10034`` in SPARQL results (not a valid blank node label) and
  as ``_:b10034`` in N-Triples: the results are read as ``_:b10034``; booleans come as ``1``/``0``
  and are read as ``true``/``false``.
- An answer cut at the server's row limit (Virtuoso's ``ResultSetMaxRows``, announced by the
  ``X-SPARQL-MaxRows`` header) or a partial "anytime" answer (``X-SQL-State``) is an error,
  never returned as if complete.
- Its errors are HTML (``<xmp>`` holds the message) or text followed by the query: the message
  is what is reported.

**Credentials** (``StoreAuth``): the user and password are sent as HTTP Digest or Basic,
whichever the store's 401 challenge asks for (Virtuoso's ``/sparql-graph-crud-auth`` asks for
Digest and answers a Basic header sent unasked with a bare 401). The password is read from
``KKNI_STORE_PASSWORD`` only (``credentials``), never from a command line or a URL.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import uuid
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from kkni_rdf.formats import rdf_format_of_media_type, results_format_of_media_type
from kkni_rdf.iris import Iris
from kkni_rdf.namespaces import DEFAULT_BASE
from kkni_rdf.store.derived import derived_triples
from kkni_rdf.store.embedded import GraphFile, default_graph_files, default_prefixes
from kkni_rdf.store.guard import analyse, check_dataset_clause, check_graphs, is_update, update_refused
from kkni_rdf.store.protocol import Dataset, QueryError, query_error
from kkni_rdf.store.syntax import undeclared_prefix
from kkni_rdf.store.virtuoso import fix_results, is_virtuoso, pragmas, rewrite

#: SELECT and ASK: SPARQL results in JSON, else XML.
ACCEPT_RESULTS = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
#: CONSTRUCT and DESCRIBE: N-Triples, else Turtle or RDF/XML.
ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
#: A query whose form cannot be told from its text (valid SPARQL always can be).
ACCEPT = f"{ACCEPT_RESULTS}, application/n-triples;q=0.8, text/turtle;q=0.7, application/rdf+xml;q=0.5"

USER_VARIABLE = "KKNI_STORE_USER"
PASSWORD_VARIABLE = "KKNI_STORE_PASSWORD"
#: Where a load puts its staging graphs (``load_into``): no IRI under a base, so never one of "our" graphs.
STAGING = "urn:x-kkni:staging:"
#: The named graph that holds the union of the project's graphs in a store without a default graph of its own.
UNION_GRAPH = "union"

Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Auth = tuple[str, str] | None


class RemoteError(RuntimeError):
    """The store cannot be reached or answered with an error that is not the query's fault.

    Every such fault is named (``kind``) and carries the status the endpoint answers with
    (``status``: 502 the store failed or sent a bad answer, 503 it is not there, 504 it is too
    slow), the store's own words where it said any (``said``) and what to try (``hint``)."""

    kind = "store error"
    status = 502

    def __init__(self, message: str, *, said: str = "", hint: str = "") -> None:
        super().__init__(message)
        self.said = said
        self.hint = hint


class StoreUnreachable(RemoteError):
    """No connection could be made: the name does not resolve, no route to the host, a reset."""

    kind = "store unreachable"


class StoreRefused(StoreUnreachable):
    """The store's host refused the connection: nothing listens there (the store is down or restarting)."""

    kind = "store refused connection"
    status = 503


class RemoteTimeout(RemoteError, TimeoutError):
    """The store did not answer in time (stalled, overloaded, or the query is too slow for it)."""

    kind = "store timeout"
    status = 504

    def __init__(self, message: str, *, said: str = "", hint: str = "", seconds: float = 0.0) -> None:
        super().__init__(message, said=said, hint=hint)
        self.seconds = seconds  # how long it was waited for


class StoreCutAnswer(RemoteError):
    """The store's answer is incomplete: the connection closed mid-answer, the body cannot be
    read, or the store says it stopped early (Virtuoso's ``ResultSetMaxRows``, an "anytime" answer)."""

    kind = "store answer cut"

    def __init__(self, message: str, *, said: str = "", hint: str = "", cap: int | None = None) -> None:
        super().__init__(message, said=said, hint=hint)
        self.cap = cap  # the row limit the store said it stopped at, where it said one


class StoreFailed(RemoteError):
    """The store answered with an error of its own (HTTP 401, 403, 5xx …): its words are in ``said``."""

    kind = "store error"


# --------------------------------------------------------------------------- credentials


def credentials(user: str | None = None) -> Auth:
    """``(user, password)`` for a store: ``user``, else ``$KKNI_STORE_USER``; the password from
    ``$KKNI_STORE_PASSWORD``. None when no user is named; ``ValueError`` when the password is missing."""
    user = user or os.environ.get(USER_VARIABLE) or None
    if user is None:
        return None
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        raise ValueError(f"a store user ({user}) needs the password in the environment variable {PASSWORD_VARIABLE}")
    return (user, password)


def check_url(url: str) -> str:
    """``url``, unless it carries a password (``http://user:secret@host/…``): ``ValueError`` then,
    as a URL is shown in process lists, logs and error messages."""
    if urlsplit(url).password is not None:
        raise ValueError(f"do not put a password in the store's address; give the user with --user and the password in {PASSWORD_VARIABLE}")
    return url


class StoreAuth(httpx.Auth):
    """A store's user and password, sent the way the store asks: HTTP Digest or Basic.

    Nothing is sent before the store answers 401; its ``WWW-Authenticate`` challenge picks the
    scheme (Digest when offered), which is then used from the first request on, per address.
    Sending Basic unasked would fail on Virtuoso's Graph Store endpoint: it answers a bare 401.
    """

    requires_request_body = True  # the request is sent again with credentials

    def __init__(self, user: str, password: str) -> None:
        self.user = user
        self._password = password
        self._schemes: dict[tuple[str, str], httpx.Auth] = {}  # (origin, path) → the scheme it asked for

    def __repr__(self) -> str:
        return f"StoreAuth(user={self.user!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        where = (f"{request.url.scheme}://{request.url.netloc.decode()}", request.url.path)
        known = self._schemes.get(where)
        if known is not None:
            yield from known.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        offered = {h.split(" ", 1)[0].strip().lower() for h in response.headers.get_list("www-authenticate")}
        if "digest" in offered:
            digest = httpx.DigestAuth(self.user, self._password)
            self._schemes[where] = digest
            flow = digest.auth_flow(request)
            next(flow)  # its first step sends the request without credentials: that has been done
            try:
                retry = flow.send(response)
            except StopIteration:
                return
            response = yield retry
            with contextlib.suppress(StopIteration):
                flow.send(response)
        elif "basic" in offered:
            basic = httpx.BasicAuth(self.user, self._password)
            self._schemes[where] = basic
            yield from basic.auth_flow(request)


def _client(timeout: float, auth: Auth) -> httpx.Client:
    return httpx.Client(timeout=timeout, auth=StoreAuth(*auth) if auth else None, follow_redirects=True)


# --------------------------------------------------------------------------- errors


def _describe_http_error(exc: httpx.HTTPError, url: str, timeout: float) -> RemoteError:
    """The named fault for a failed exchange with the store at ``url``."""
    if isinstance(exc, httpx.TimeoutException):
        return RemoteTimeout(
            f"{url} did not answer within {timeout:g} s",
            hint="the store may be stalled or overloaded: check that it runs and answers; try again shortly",
            seconds=timeout,
        )
    said = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        if "refused" in said.lower():
            return StoreRefused(
                f"cannot connect to {url}: it refused the connection ({said})",
                said=said,
                hint="is the store running, and is the address right? (it is asked again with every request)",
            )
        return StoreUnreachable(f"cannot connect to {url} ({said})", said=said, hint="is the address right, and is the store's host up?")
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
        return StoreCutAnswer(
            f"{url} closed the connection before its answer was complete ({said})",
            said=said,
            hint="the store may have stopped or restarted: try again shortly",
        )
    return StoreUnreachable(f"cannot talk to {url}: {said}", said=said, hint="check that the store runs and answers")


_MARKUP_BLOCK = re.compile(r"<(xmp|pre)\b[^>]*>(.*?)</\1\s*>", re.S | re.I)
_HEAD = re.compile(r"<head\b.*?</head\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def store_message(response: httpx.Response) -> str:
    """The store's own words in an error answer, as one line: the text of an HTML page (its
    ``<xmp>``/``<pre>`` block where it has one, as Virtuoso's pages do), without the query text
    that Virtuoso repeats after ``SPARQL query:``."""
    text = response.text
    if "html" in response.headers.get("content-type", "") or text.lstrip().startswith("<"):
        block = _MARKUP_BLOCK.search(text)
        text = block[2] if block else _TAG.sub(" ", _HEAD.sub(" ", text))
        text = html.unescape(text)
    text = re.split(r"\n\s*SPARQL query:", text, maxsplit=1)[0]
    return " ".join(text.split())


def _hint(response: httpx.Response) -> str:
    status = response.status_code
    sent_credentials = "authorization" in response.request.headers
    if status == 401 and sent_credentials:
        return f"the store did not accept the user name and password (check --user and {PASSWORD_VARIABLE})"
    if status == 401:
        return f"the store wants credentials: give --user NAME, with the password in {PASSWORD_VARIABLE}"
    if status == 403:
        return (
            "the store refuses this user the operation: use a user allowed to write "
            "(Virtuoso: GRANT SPARQL_UPDATE TO the user, in isql or the Conductor)"
        )
    if status in (404, 405):
        return "is this the right address for the store's endpoint? (the Graph Store Protocol's can be given with --graph-store)"
    if status == 413:
        return "the store refuses a body this large: raise its request size limit"
    if status >= 500:
        return "the store failed: its log says more"
    return ""


#: Virtuoso refusing a query on its cost estimate (its stock ini's MaxQueryCostEstimationTime = 400, often far off:
#: openlink/virtuoso-opensource#535, #1395, where its maintainers advise commenting the setting out).
_COST_ESTIMATE = re.compile(r"estimated execution time -?\d+ \(sec\) exceeds the limit", re.I)


def _status_error(response: httpx.Response, what: str) -> RemoteError:
    message = store_message(response)
    hint = _hint(response)
    if _COST_ESTIMATE.search(message):
        hint = (
            "the store refused the query on its own estimate of its cost, before running it (Virtuoso: "
            "MaxQueryCostEstimationTime in virtuoso.ini; its estimates can be far off: comment the setting out)"
        )
    said = f": {message[:500]}" if message else " (with no message)"
    return StoreFailed(
        f"{what}: {response.request.url} answered HTTP {response.status_code}{said}" + (f"; {hint}" if hint else ""),
        said=message[:500],
        hint=hint,
    )


# --------------------------------------------------------------------------- querying

# "error at 3:15: …" (Oxigraph); "Lexical error at line 3, column 15" / "line 3, column 15" (Jena, others);
# "Virtuoso 37000 Error SP030: SPARQL compiler, line 3: syntax error at 'x' before '}'" (Virtuoso: no column)
_POSITION = [
    re.compile(r"error at (\d+):(\d+):\s*(.*)", re.S),
    re.compile(r"(.*?)\bline (\d+), column (\d+)(.*)", re.S | re.I),
    re.compile(r"SPARQL compiler, line (\d+):\s*(.*)", re.S),
]
_VIRTUOSO_PREFIX = re.compile(r"Undefined namespace prefix at '([^']*)'")


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
    m = _POSITION[2].search(text)
    if m:
        detail = m[2].strip()
        prefix = _VIRTUOSO_PREFIX.search(detail)
        line = int(m[1])
        if prefix:
            message, pesan = undeclared_prefix(prefix[1])
            return QueryError(message, line - prologue_lines, None, pesan) if line > prologue_lines else QueryError(message, pesan=pesan)
        if not detail.lower().startswith("syntax error"):
            detail = f"syntax error: {detail}"
        return QueryError(detail, line - prologue_lines) if line > prologue_lines else QueryError(detail)
    return QueryError(text[:500] or "the store rejected the query")


# The first query-form keyword, skipping comments, strings and IRIs (a '#' in `PREFIX x: <…#>` is no comment).
_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*"
    r"|(?<![\w:.-])(select|ask|construct|describe)(?![\w:-])",
    re.I,
)


def query_form(text: str) -> str | None:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the query's form, or None (an update, or not SPARQL)."""
    for m in _TOKENS.finditer(text):
        if m[1]:
            return m[1].upper()
    return None


#: A graph IRI no store holds: the protocol has no other way to say "no named graphs" or "an empty default graph".
NO_GRAPH = "urn:x-kkni:no-graph"


def check_is_query(text: str, prefixes: dict[str, str], base_iri: str | None) -> None:
    """Raise unless Oxigraph's parser reads ``text`` as a query: an update is refused (403), anything
    else that is not a query is a ``QueryError`` with where it goes wrong. Parsed on an empty store,
    after the guard refused SERVICE (so nothing is fetched), before the text is sent anywhere."""
    try:
        ox.Store().query(text, prefixes=prefixes, base_iri=base_iri)
    except SyntaxError as exc:
        if is_update(text):
            raise update_refused() from None
        raise query_error(exc, text) from None
    except (RuntimeError, ValueError):  # read as a query; the store says what it makes of the rest
        pass


def accept_for(text: str) -> str:
    form = query_form(text)
    if form in ("SELECT", "ASK"):
        return ACCEPT_RESULTS
    if form in ("CONSTRUCT", "DESCRIBE"):
        return ACCEPT_GRAPH
    return ACCEPT


@dataclass
class RemoteStore:
    """A SPARQL 1.1 endpoint with ``KkniStore``'s query contract.

    ``auth`` is ``(user, password)``; without it, ``$KKNI_STORE_USER`` and
    ``$KKNI_STORE_PASSWORD`` are used when both are set (so the endpoint's query workers, started
    as processes, get credentials without a command line).
    """

    url: str
    timeout: float = 30.0
    auth: Auth = None
    base: str = DEFAULT_BASE
    union_default_graph: bool = True
    graph_store: str | None = None
    update: str | None = None  # its SPARQL Update address (a load's swap); default: update_url(url)
    #: Rows asked for in one page of a whole-graph read (``graph_quads``): under Virtuoso's stock limit of 10,000.
    page_rows: int = 5000

    def __post_init__(self) -> None:
        check_url(self.url)
        for other in (self.graph_store, self.update):
            if other:
                check_url(other)
        if self.auth is None and os.environ.get(USER_VARIABLE) and os.environ.get(PASSWORD_VARIABLE):
            self.auth = credentials()
        self._client = _client(self.timeout, self.auth)
        self._store_graphs: list[str] | None = None
        self._default_filled: bool | None = None
        self._server = ""  # the Server header of the store's first answer
        self._prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in default_prefixes(self.base).items())
        self._prologue_lines = self._prologue.count("\n")
        self._roots = list(dict.fromkeys([self.base, DEFAULT_BASE]))  # where our graphs' IRIs start
        self._union_graphs = [str(Iris(root).graph(UNION_GRAPH)) for root in self._roots]

    # -- the KkniStore contract

    def query(self, text: str, dataset: Dataset | None = None, base_iri: str | None = None) -> Result:
        """Run ``text`` on the store; the default graph is the union of the named graphs.

        ``dataset`` (``store.protocol.Dataset``) replaces the query's FROM and FROM NAMED: it
        becomes the protocol's ``default-graph-uri`` and ``named-graph-uri``. Without it the named
        graphs are ours (``graphs()``) wherever the store holds others. Relative IRIs resolve
        against ``base_iri`` (a ``BASE`` in front of the query), not the store's own URL.

        The guard runs here, before anything is sent: the store may follow SERVICE itself, so
        the text is refused whenever any reading of it could hold SERVICE (``store.guard``), and
        it must be a query as Oxigraph's parser reads it (an update is refused, 403)."""
        prefixes = default_prefixes(self.base)
        shape = analyse(text, prefixes, base_iri)
        check_is_query(text, prefixes, base_iri)
        if dataset is not None:
            check_graphs(dataset.graphs, self.graphs())
        elif shape.has_dataset:
            check_dataset_clause(text, shape, self.graphs(), prefixes, base_iri)
        virtuoso = self.is_virtuoso()
        sent = rewrite(text) if virtuoso else text
        base = f"BASE <{base_iri}> " if base_iri else ""  # on the first line: the store's line numbers stay right
        prologue = (pragmas(query_form(text)) if virtuoso else "") + base + self._prologue
        form: dict[str, str | list[str]] = {"query": prologue + sent}
        if dataset is not None:
            form["default-graph-uri"] = list(dataset.default) or [NO_GRAPH]  # NO_GRAPH: an empty default graph
            form["named-graph-uri"] = list(dataset.named) or [NO_GRAPH]  # no named graphs
        elif self.union_default_graph and (union := self.union_dataset()) is not None:
            form["default-graph-uri"] = union[0]
            form["named-graph-uri"] = union[1]
        try:
            return self._run(form, accept_for(text))
        except QueryError:
            if sent == text:
                raise
            # the store's message about the user's own text, not about our rewriting of it
            return self._run({**form, "query": prologue + text}, accept_for(text))

    def graphs(self) -> list[str]:
        """The project's named graphs (IRIs under the base) in the store, sorted; the store's
        own graphs, other data sets' and the union graph are left out."""
        return [g for g in self.store_graphs() if g.startswith(tuple(self._roots)) and g not in self._union_graphs]

    def store_graphs(self) -> list[str]:
        """Every named graph the store lists (asked once, then remembered)."""
        if self._store_graphs is None:
            # GROUP BY, not DISTINCT: Virtuoso takes 20 s over 30,000 quads for DISTINCT ?g, 0.04 s for this
            solutions = self._run({"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"}, ACCEPT_RESULTS)
            assert isinstance(solutions, ox.QuerySolutions)
            self._store_graphs = sorted(s["g"].value for s in solutions if isinstance(s["g"], ox.NamedNode))
        return list(self._store_graphs)

    def is_virtuoso(self) -> bool:
        """Whether the store is Virtuoso (``kkni_rdf.store.virtuoso``: its queries are rewritten, its answers read back)."""
        return is_virtuoso(self._server, self.store_graphs())

    def union_dataset(self) -> tuple[list[str], list[str]] | None:
        """The ``default-graph-uri`` and ``named-graph-uri`` that make the default graph the union
        of our graphs, or None when the store's own default graph is that union (its graphs are
        all ours and its default graph holds triples: what ``load_into`` leaves in Oxigraph)."""
        held = self.store_graphs()
        ours = self.graphs()
        union = next((g for g in self._union_graphs if g in held), None)
        if union is not None:
            return [union], ours or [union]
        held = [g for g in held if not g.startswith(STAGING)]  # a load's staging graphs (one killed midway) are not the store's
        if not ours:  # nothing of ours: an empty dataset (the union graph's IRI names no graph yet)
            return self._union_graphs[:1], self._union_graphs[:1]
        if len(ours) == len(held) and self._default_graph_filled():
            return None
        return ours, ours

    def __len__(self) -> int:
        """The triples in our named graphs, counted graph by graph (what the files hold)."""
        solutions = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(solutions, ox.QuerySolutions)
        n = next(iter(solutions))["n"]
        return int(n.value) if n is not None else 0

    def graph_quads(self, graph: str, expected: int | None = None) -> Iterator[ox.Quad]:
        """Every triple of our named graph ``graph`` as quads, read in pages of at most ``page_rows``
        rows (never one unpaged query: a store may cut an answer at its row limit, as Virtuoso's
        stock ``ResultSetMaxRows`` of 10,000 does, saying so or not).

        Pages are slices of one order (``ORDER BY`` in a sub-query: Virtuoso refuses to sort more
        than its limit for an outer ``ORDER BY`` with an ``OFFSET`` beyond it, SR353). A page the
        store says it cut (``X-SPARQL-MaxRows``) is asked again under that limit; a page shorter than
        asked while rows are still due is taken as a silent limit, and the next pages are that long.
        ``expected`` (the graph's triple count) is checked: fewer rows is a ``StoreCutAnswer``."""
        node = ox.NamedNode(graph)
        page, offset = self.page_rows, 0
        self.is_virtuoso()  # known before the first page: its blank nodes are read back (fix_results)
        while expected is None or offset < expected:
            text = (
                f"SELECT ?s ?p ?o WHERE {{ {{ SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o }} }} "
                f"LIMIT {page} OFFSET {offset}"
            )
            try:
                solutions = self._run({"query": text}, ACCEPT_RESULTS)
            except StoreCutAnswer as exc:
                if exc.cap is None or exc.cap <= 1 or page < exc.cap:
                    raise
                page = exc.cap - 1  # Virtuoso flags an answer of exactly its limit too
                continue
            if not isinstance(solutions, ox.QuerySolutions):
                raise StoreFailed(f"{self.url} answered a SELECT with something else than solutions")
            n = 0
            for row in solutions:
                s, p, o = row["s"], row["p"], row["o"]
                if isinstance(s, ox.NamedNode | ox.BlankNode) and isinstance(p, ox.NamedNode) and o is not None:
                    yield ox.Quad(s, p, o, node)
                n += 1
            if n == 0:
                break
            offset += n
            if n < page and (expected is None or offset < expected):
                page = n  # a limit it did not announce
        if expected is not None and offset < expected:
            raise StoreCutAnswer(
                f"{self.url} gave {offset} of the {expected} triples of <{graph}>",
                hint="the store may be loading or cutting answers; try again, or check its row limit",
            )

    def ping(self, deadline: float = 3.0) -> None:
        """Raise the named fault (``RemoteError``) unless the store answers a trivial query within
        ``deadline`` seconds (a bound for each of connecting, sending and reading): what ``/healthz``
        asks. Never waits longer, whatever the store does (a stopped process accepts connections)."""
        try:
            response = self._client.post(self.url, data={"query": "ASK {}"}, headers={"Accept": ACCEPT_RESULTS}, timeout=deadline)
        except httpx.HTTPError as exc:
            raise _describe_http_error(exc, self.url, deadline) from None
        if not response.is_success:
            raise _status_error(response, "the store's health check failed")

    def _default_graph_filled(self) -> bool:
        """Whether the store's own default graph holds triples (asked once, then remembered)."""
        if self._default_filled is None:
            answer = self._run({"query": "ASK { ?s ?p ?o }"}, ACCEPT_RESULTS)
            self._default_filled = bool(answer)
        return self._default_filled

    def forget_graphs(self) -> None:
        """Ask the store for its named graphs (and its default graph) again on the next query (after a load)."""
        self._store_graphs = None
        self._default_filled = None

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the protocol

    def _run(self, form: dict[str, str | list[str]], accept: str) -> Result:
        try:
            response = self._client.post(self.url, data=form, headers={"Accept": accept})
        except httpx.HTTPError as exc:
            raise _describe_http_error(exc, self.url, self.timeout) from None
        if not self._server:
            self._server = response.headers.get("server", "") or "unknown"
        if response.status_code == 400:
            sent = form.get("query")
            users = "\n".join(sent.split("\n")[self._prologue_lines :]) if isinstance(sent, str) else None
            raise server_query_error(store_message_keeping_lines(response), self._prologue_lines, users)
        if not response.is_success:
            raise _status_error(response, "the query failed")
        check_complete(response)
        content_type = response.headers.get("content-type", "")
        body = response.content
        if self._store_graphs is not None and self.is_virtuoso():
            body = fix_results(content_type, body)
        return parse_response(content_type, body)

    # -- loading

    def load(self, files: Sequence[GraphFile] | None = None) -> list[LoadedGraph]:
        """``load_into`` this store's address (and its ``graph_store``, if set)."""
        try:
            done = load_into(self.url, files, self.graph_store, timeout=self.timeout, auth=self.auth, base=self.base, update=self.update)
        finally:
            self.forget_graphs()
        return done


def store_message_keeping_lines(response: httpx.Response) -> str:
    """A 400 answer's text with its line breaks (the position parser needs them), without Virtuoso's echo of the query."""
    return re.split(r"\n\s*SPARQL query:", response.text, maxsplit=1)[0]


def check_complete(response: httpx.Response) -> None:
    """``StoreCutAnswer`` for an answer the store says is cut short: Virtuoso stops at
    ``ResultSetMaxRows`` rows and says so in ``X-SPARQL-MaxRows``; an "anytime" answer (a partial
    answer at its time limit) carries ``X-SQL-State``."""
    limit = response.headers.get("x-sparql-maxrows")
    if limit is not None:
        raise StoreCutAnswer(
            f"the store cut the answer at its limit of {limit} rows ({response.request.url}): the answer may be "
            "incomplete; raise the limit (Virtuoso: ResultSetMaxRows in the [SPARQL] section of virtuoso.ini) "
            "or ask for fewer rows",
            said=f"X-SPARQL-MaxRows: {limit}",
            hint="ask for fewer rows (LIMIT), or raise the store's limit (Virtuoso: ResultSetMaxRows)",
            cap=int(limit) if limit.strip().isdigit() else None,
        )
    state = response.headers.get("x-sql-state")
    if state is not None:
        said = response.headers.get("x-sql-message", "")
        raise StoreCutAnswer(
            f"the store gave a partial answer ({state}: {said}); raise its time limit (Virtuoso: MaxQueryExecutionTime)",
            said=f"{state}: {said}",
            hint="narrow the query, or raise the store's time limit (Virtuoso: MaxQueryExecutionTime)",
        )


def parse_response(content_type: str, body: bytes) -> Result:
    """The Oxigraph result object for a server's answer, by its media type."""
    media = content_type.split(";", maxsplit=1)[0].strip().lower()
    results_format = results_format_of_media_type(media)
    if results_format is not None:
        try:
            return ox.parse_query_results(body, format=results_format)
        except SyntaxError as exc:
            raise StoreCutAnswer(f"the store's answer ({media}) cannot be read: {exc}", said=str(exc)) from None
    graph_format = rdf_format_of_media_type(media)
    if graph_format is not None:
        # a QueryTriples like the embedded store's: the triples loaded into a scratch store
        scratch = ox.Store()
        try:
            scratch.load(body, format=graph_format, to_graph=ox.DefaultGraph())
        except SyntaxError as exc:
            raise StoreCutAnswer(f"the store's answer ({media}) cannot be read: {exc}", said=str(exc)) from None
        result = scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
        assert isinstance(result, ox.QueryTriples)
        return result
    raise StoreFailed(f"the store answered in a format we do not read: {content_type or 'no content type'}")


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
            "(Oxigraph: …/store, Fuseki: …/DATASET/data, GraphDB: …/repositories/REPO/rdf-graphs/service, "
            "Virtuoso: …/sparql-graph-crud-auth)"
        )
    return urlunsplit((parts.scheme, parts.netloc, new, "", ""))


def n_triples(path: Path) -> bytes:
    """A Turtle file as N-Triples: what every store reads alike (Virtuoso 7.2's Turtle reader keeps
    the backslash of an escaped prefixed name, ``qual:kepmenaker-3-2021\\/N78SPS01-5-asesor``,
    in the IRI; Turtle 1.1 drops it)."""
    try:
        return ox.serialize(ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()), format=ox.RdfFormat.N_TRIPLES) or b""
    except SyntaxError as exc:
        raise RemoteError(f"{path}: not valid Turtle: {exc}") from None


def update_url(query_url: str, auth: Auth = None) -> str:
    """The SPARQL 1.1 Update address that goes with a query address (a load's swap is sent there).

    - Oxigraph server: ``http://host:7878/query`` → ``http://host:7878/update``
    - Apache Jena Fuseki: ``http://host:3030/ds/sparql`` or ``…/ds/query`` → ``http://host:3030/ds/update``
    - GraphDB / RDF4J: ``http://host:7200/repositories/REPO`` → ``…/repositories/REPO/statements``
    - Virtuoso: ``http://host:8890/sparql`` → ``…/sparql-auth`` with credentials (HTTP Digest), else ``…/sparql``

    Anything else must be given (``--update``); ``ValueError`` says so.
    """
    parts = urlsplit(query_url)
    path = parts.path.rstrip("/")
    if path == "/query":
        new = "/update"
    elif path == "/sparql":
        new = "/sparql-auth" if auth else "/sparql"
    elif re.fullmatch(r"/[^/]+/(?:sparql|query)", path):
        new = path.rsplit("/", 1)[0] + "/update"
    elif re.fullmatch(r"(?:/[^/]+)*/repositories/[^/]+", path):
        new = path + "/statements"
    else:
        raise ValueError(
            f"cannot tell the SPARQL Update address for {query_url}; give it with --update "
            "(Oxigraph: …/update, Fuseki: …/DATASET/update, GraphDB: …/repositories/REPO/statements, Virtuoso: …/sparql-auth)"
        )
    return urlunsplit((parts.scheme, parts.netloc, new, "", ""))


def staging_graph(graph: str, run: str) -> str:
    """The staging graph the load ``run`` fills for ``graph`` before the swap (``load_into``). Each load
    has its own: a store may still be finishing the last request of a load killed midway (Oxigraph's
    PUT is a clear, then a load: two such PUTs into one graph at once leave its blank-node triples twice)."""
    return f"{STAGING}{run}:{graph}"


def _staging_graphs(http: httpx.Client, url: str, timeout: float) -> list[str]:
    """The staging graphs the store holds now: loads killed midway left them; the swap drops them."""
    query = f'SELECT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{STAGING}")) }} GROUP BY ?g'
    try:
        response = http.post(url, data={"query": query}, headers={"Accept": ACCEPT_RESULTS}, timeout=timeout)
    except httpx.HTTPError as exc:
        raise _describe_http_error(exc, url, timeout) from None
    if not response.is_success:
        raise _status_error(response, "listing the staging graphs of earlier loads failed")
    fmt = results_format_of_media_type(response.headers.get("content-type", "")) or ox.QueryResultsFormat.JSON
    solutions = ox.parse_query_results(response.content, format=fmt)
    if not isinstance(solutions, ox.QuerySolutions):
        raise RemoteError(f"the store at {url} answered a SELECT with a boolean")
    return [s["g"].value for s in solutions if isinstance(s["g"], ox.NamedNode)]


@dataclass
class _Staged:
    """What one load sends: each named graph's N-Triples, and the union (with the derived triples)."""

    graphs: dict[str, list[bytes]]
    union: bytes


def _read_files(todo: Sequence[GraphFile]) -> _Staged:
    """Every file read (as N-Triples) before the store is touched: a file that is not valid Turtle stops
    the load with the store as it was."""
    graphs: dict[str, list[bytes]] = {}
    merged = ox.Store()  # the union here too, for the derived triples
    for f in todo:
        data = n_triples(f.path)
        merged.load(data, format=ox.RdfFormat.N_TRIPLES)
        graphs.setdefault(f.graph, []).append(data)
    derived = (ox.serialize(derived_triples(merged), format=ox.RdfFormat.N_TRIPLES) or b"") if todo else b""
    return _Staged(graphs, b"".join(part for parts in graphs.values() for part in parts) + derived)


def load_into(
    url: str,
    files: Sequence[GraphFile] | None = None,
    graph_store: str | None = None,
    timeout: float = 300.0,
    auth: Auth = None,
    client: httpx.Client | None = None,
    base: str = DEFAULT_BASE,
    update: str | None = None,
) -> list[LoadedGraph]:
    """Replace each file's named graph on the store at ``url``, and the default graph by their union
    (as in ``KkniStore``) with the triples derived from it (the prerequisite closure,
    ``store.derived``): the same queries get the same answers from both. Several files for one graph
    (the ontology's) are merged.

    **Staged, then swapped**, so that readers see the old data or the new, never a part: every
    graph is first PUT (Graph Store Protocol) into its staging graph (``staging_graph``: an IRI
    under ``urn:x-kkni:staging:``, never one of the project's graphs), then one SPARQL Update
    request moves them all into place (``MOVE <staging> TO <graph>`` for each, and the union
    ``TO DEFAULT``), which the store applies as one transaction (Oxigraph; Virtuoso runs one
    request as one transaction). Each load stages in graphs of its own (``staging_graph``'s
    ``run``), never another's, not even one killed midway whose last request the store still
    finishes. A load stopped before the swap leaves the old data as it was (and staging graphs,
    which the next load's swap drops); a re-run loads the same again.

    A store whose Graph Store endpoint has no default graph (Virtuoso: ``HEAD ?default`` fails)
    gets the union in the named graph ``{base}graph/union`` instead, which ``RemoteStore`` then
    uses as the default graph.

    ``files`` defaults to what ``KkniStore.load_default`` serves (the ontology and every built
    decree, each in its named graph). ``graph_store`` defaults to ``graph_store_url(url)``,
    ``update`` to ``update_url(url, auth)``.
    """
    target = check_url(graph_store or graph_store_url(check_url(url)))
    update_at = check_url(update or update_url(url, auth))
    todo = list(files) if files is not None else default_graph_files()
    staged = _read_files(todo)
    own = client is None
    http = client or _client(timeout, auth)

    def send(method: str, params: dict[str, str], data: bytes, into: str, check: bool = True) -> httpx.Response:
        headers = {"Content-Type": "application/n-triples"}
        if not check:
            # a request that may be refused: Virtuoso answers it before reading the body, and the
            # next request on that connection would then get HTTP 501; so the connection ends here
            headers["Connection"] = "close"
        try:
            response = http.request(method, target, params=params, content=data, headers=headers, timeout=timeout)
        except httpx.HTTPError as exc:
            raise _describe_http_error(exc, target, timeout) from None
        if check and not response.is_success:
            raise _status_error(response, f"loading {into} failed")
        return response

    done: list[LoadedGraph] = []
    run = uuid.uuid4().hex[:12]  # this load's staging graphs: no other load's
    try:
        if not todo:
            return done
        has_default = send("HEAD", {"default": ""}, b"", "the default graph", check=False).is_success
        union = "DEFAULT" if has_default else f"<{Iris(base).graph(UNION_GRAPH)}>"
        moves = [f"DROP SILENT GRAPH <{g}>" for g in _staging_graphs(http, url, timeout)]  # what killed loads left
        for graph, parts in staged.graphs.items():
            data = b"".join(parts)
            if not data.strip():
                moves.append(f"DROP SILENT GRAPH <{graph}>")
                continue
            staging = staging_graph(graph, run)
            response = send("PUT", {"graph": staging}, data, f"<{graph}> (staged in <{staging}>)")
            moves.append(f"MOVE <{staging}> TO <{graph}>")
            done += [LoadedGraph(f.graph, f.path, len(part), response.status_code) for f, part in _files_of(todo, graph, parts)]
        union_staging = staging_graph(UNION_GRAPH if has_default else str(Iris(base).graph(UNION_GRAPH)), run)
        send("PUT", {"graph": union_staging}, staged.union, f"the union of the graphs (staged in <{union_staging}>)")
        moves.append(f"MOVE <{union_staging}> TO {union}")
        _swap(http, update_at, " ;\n".join(moves), timeout)
    finally:
        if own:
            http.close()
    return done


def _files_of(todo: Sequence[GraphFile], graph: str, parts: list[bytes]) -> list[tuple[GraphFile, bytes]]:
    """The files loaded into ``graph``, each with its N-Triples."""
    return list(zip([f for f in todo if f.graph == graph], parts, strict=True))


def _swap(http: httpx.Client, update_at: str, update: str, timeout: float) -> None:
    """The staged graphs moved into place: one SPARQL Update request (one transaction)."""
    try:
        response = http.post(update_at, data={"update": update}, timeout=timeout)
    except httpx.HTTPError as exc:
        raise _describe_http_error(exc, update_at, timeout) from None
    if not response.is_success:
        raise _status_error(response, "moving the staged graphs into place failed (the store holds its previous data)")


__all__ = [
    "ACCEPT",
    "ACCEPT_GRAPH",
    "ACCEPT_RESULTS",
    "PASSWORD_VARIABLE",
    "UNION_GRAPH",
    "USER_VARIABLE",
    "LoadedGraph",
    "RemoteError",
    "RemoteStore",
    "RemoteTimeout",
    "StoreAuth",
    "StoreCutAnswer",
    "StoreFailed",
    "StoreRefused",
    "StoreUnreachable",
    "check_url",
    "credentials",
    "graph_store_url",
    "load_into",
    "parse_response",
    "query_form",
    "staging_graph",
    "store_message",
    "update_url",
]
