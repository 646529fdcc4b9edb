"""Comparing two servers' answers to one query, and the refusals `kkni serve` may answer instead.

Answers are compared as RDF, never as text: SELECT results as multisets of solutions (as lists
when the query's ORDER BY is a total order), ASK as booleans, CONSTRUCT and DESCRIBE as graphs
up to blank node renaming (Oxigraph's canonicalisation). In solutions, blank nodes are relabelled
by what they occur with (a few rounds of refinement, the same for any renaming). Relative IRIs
resolve against each server's own URL, so both URLs are replaced by placeholders first. A
non-deterministic query (``Case.count_only``) is compared by its number of solutions or triples
and its variables only; GROUP_CONCAT's values by their characters (the order of concatenation is
not defined).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import pyoxigraph as ox

from tests.differential.cases import Case, form_of, mentions_service, query_dataset

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass(frozen=True)
class Answer:
    """One server's answer to one request (``failure``: no HTTP answer at all, e.g. a client timeout)."""

    status: int
    body: bytes = b""
    media_type: str = ""
    failure: str = ""

    @property
    def error(self) -> str:
        """The ``error`` field of a JSON error body, or the start of the body."""
        try:
            parsed = json.loads(self.body)
        except ValueError:
            return self.body[:200].decode("utf-8", "replace")
        return str(parsed.get("error", "")) if isinstance(parsed, dict) else ""

    def brief(self) -> str:
        if self.failure:
            return self.failure
        text = self.body[:300].decode("utf-8", "replace").replace("\n", " ")
        return f"{self.status} {text}"


# ---------------------------------------------------------------------------- allowed refusals


def allowed_refusal(case: Case, answer: Answer, held: Collection[str], endpoint: str) -> str | None:
    """The kind of policy refusal ``answer`` (from `kkni serve`) is, or None if it is not one.

    These are the only answers in which `kkni serve` may differ from plain Oxigraph:

    - ``service``: 400 "service refused" to a query whose text contains the word SERVICE (kkni
      refuses SERVICE, and refuses conservatively: the word anywhere, escapes decoded);
    - ``update``: 403 "update refused" to an update;
    - ``unknown graph``: 400 "unknown graph" when the dataset (the protocol's ``default-graph-uri``
      and ``named-graph-uri`` if given, else the query's FROM and FROM NAMED, resolved against its
      BASEs and ``endpoint``) names a graph the store does not hold (``held``);
    - ``result cap``: 422 "result too large";
    - ``deadline``: 504 "query timeout".
    """
    status, error = answer.status, answer.error
    if status == 400 and error == "service refused" and mentions_service(case.text):
        return "service"
    if status == 403 and error == "update refused" and form_of(case.text) == "update":
        return "update"
    if status == 400 and error == "unknown graph":
        if case.default_graphs is not None or case.named_graphs is not None:
            graphs = [*(case.default_graphs or ()), *(case.named_graphs or ())]
        else:
            default, named = query_dataset(case.text, endpoint)
            graphs = [*default, *named]
        return "unknown graph" if any(g not in held for g in graphs) else None
    if status == 422 and error == "result too large":
        return "result cap"
    if status == 504 and error == "query timeout":
        return "deadline"
    return None


# ---------------------------------------------------------------------------- canonical answers


class Placeholders:
    """Replaces a server's own URL (and its origin) in IRIs and strings, where relative IRIs resolve."""

    def __init__(self, endpoint: str) -> None:
        parts = urlsplit(endpoint)
        self.pairs = [(endpoint, "urn:endpoint"), (f"{parts.scheme}://{parts.netloc}", "urn:origin")]

    def text(self, value: str) -> str:
        for old, new in self.pairs:
            value = value.replace(old, new)
        return value

    def term(self, term: Term) -> Term:
        if isinstance(term, ox.NamedNode):
            return ox.NamedNode(self.text(term.value))
        if isinstance(term, ox.Literal):
            if term.language:
                return ox.Literal(self.text(term.value), language=term.language)
            return ox.Literal(self.text(term.value), datatype=term.datatype)
        if isinstance(term, ox.Triple):
            return ox.Triple(self.term(term.subject), self.term(term.predicate), self.term(term.object))  # type: ignore[arg-type]
        return term


@dataclass(frozen=True)
class Canonical:
    """An answer reduced to what must be equal."""

    kind: str  # "boolean", "solutions", "graph"
    variables: frozenset[str] = frozenset()
    size: int = 0
    content: object = None  # bool; Counter or list of rows; frozenset of N-Quads lines


def _text(term: Term, concat: bool) -> str:
    if isinstance(term, ox.Literal) and concat:
        return str(ox.Literal("".join(sorted(term.value)), datatype=term.datatype))
    return str(term)


def canonical_rows(rows: Sequence[Sequence[Term | None]], concat: bool = False) -> list[tuple[str | None, ...]]:
    """Rows with each blank node named by what it occurs with (invariant under renaming); other terms as N-Triples."""
    blanks = {t.value for row in rows for t in row if isinstance(t, ox.BlankNode)}
    labels = dict.fromkeys(blanks, "_:b")

    def render() -> list[tuple[str | None, ...]]:
        return [
            tuple(None if t is None else labels[t.value] if isinstance(t, ox.BlankNode) else _text(t, concat) for t in row) for row in rows
        ]

    rendered = render()
    for _ in range(3 if blanks else 0):
        seen: dict[str, list[tuple[int, tuple[str | None, ...]]]] = defaultdict(list)
        for row, shown in zip(rows, rendered, strict=True):
            for column, t in enumerate(row):
                if isinstance(t, ox.BlankNode):
                    seen[t.value].append((column, shown))
        labels = {b: "_:" + hashlib.sha1(repr(sorted(seen[b], key=repr)).encode()).hexdigest()[:16] for b in blanks}
        rendered = render()
    return rendered


def _quad(places: Placeholders, triple: ox.Triple) -> ox.Quad:
    subject, predicate, object_ = (places.term(t) for t in (triple.subject, triple.predicate, triple.object))
    if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode):
        raise ValueError(f"not a triple: {triple}")
    return ox.Quad(subject, predicate, object_)


#: What stands for a value that is order-dependent (``Case.loose``): only whether it is bound is compared.
LOOSE = ox.Literal("(order-dependent)")


def _value(term: Term | None, loose: bool, places: Placeholders) -> Term | None:
    if term is None:
        return None
    return LOOSE if loose else places.term(term)


def canonical(case: Case, answer: Answer, places: Placeholders) -> Canonical:
    """``answer`` (a 200 to ``case``) reduced for comparison; ValueError/SyntaxError if it cannot be read."""
    if case.form in ("construct", "describe") or answer.media_type in ("application/n-triples", "text/turtle"):
        triples = [q.triple for q in ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)]
        if case.count_only:
            return Canonical("graph", size=len(triples))
        dataset = ox.Dataset(_quad(places, t) for t in triples)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        return Canonical("graph", size=len(triples), content=frozenset(str(q) for q in dataset))
    result = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON)
    if isinstance(result, ox.QueryBoolean):
        return Canonical("boolean", content=bool(result))
    variables = [v.value for v in result.variables]
    rows = [tuple(_value(s[v], v in case.loose, places) for v in variables) for s in result]
    if case.count_only:
        return Canonical("solutions", frozenset(variables), len(rows))
    shown = canonical_rows(rows, case.concat)
    content: object = shown if case.ordered else Counter(shown)
    return Canonical("solutions", frozenset(variables), len(rows), content)


def difference(ours: Canonical, theirs: Canonical) -> str | None:
    """What differs between two canonical answers (None: nothing)."""
    if ours.kind != theirs.kind:
        return f"a {ours.kind} answer where the reference gives a {theirs.kind} one"
    if ours.variables != theirs.variables:
        return f"variables {sorted(ours.variables)} where the reference has {sorted(theirs.variables)}"
    if ours.size != theirs.size:
        return f"{ours.size} {'triples' if ours.kind == 'graph' else 'solutions'} where the reference has {theirs.size}"
    if ours.content == theirs.content:
        return None
    if ours.kind == "boolean":
        return f"{ours.content} where the reference says {theirs.content}"
    mine, reference = _bag(ours.content), _bag(theirs.content)
    if mine == reference:
        return "the same solutions in another order"
    extra, missing = list((mine - reference).elements()), list((reference - mine).elements())
    return f"{len(extra)} not in the reference (e.g. {_short(extra)}), {len(missing)} missing (e.g. {_short(missing)})"


def _bag(content: object) -> Counter[object]:
    """Solutions or triples as a multiset."""
    if isinstance(content, Counter | list | frozenset):
        return Counter(content)
    raise TypeError(f"not a collection: {content!r}")


def _short(items: list[object]) -> str:
    return repr(items[0])[:240] if items else "-"
