"""What the generator draws from: the predicates, classes, graphs and values actually in the reference dataset."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

# Every prefix a generated query may use; each query declares the ones it uses (the reference knows none).
PREFIXES = {
    "kkni": "https://w3id.org/kkni/ontology#",
    "ksh": "https://w3id.org/kkni/shapes#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
    "ex": "http://example.org/differential#",
}


@dataclass(frozen=True)
class Predicate:
    iri: str
    count: int
    literals: int  # objects that are literals
    iris: int  # objects that are IRIs
    blank_objects: int
    blank_subjects: int
    numeric: int  # numeric literal objects
    tagged: int  # language-tagged literal objects

    @property
    def never_blank(self) -> bool:
        return not self.blank_objects and not self.blank_subjects


@dataclass(frozen=True)
class Vocabulary:
    predicates: dict[str, Predicate]
    classes: dict[str, int]  # class → instances
    class_predicates: dict[str, tuple[str, ...]]  # predicates of a class's instances
    instances: dict[str, tuple[str, ...]]  # some IRIs of each class
    subjects: dict[str, tuple[str, ...]]  # some IRI subjects of each predicate
    objects: dict[str, tuple[str, ...]]  # some objects of each predicate, as SPARQL terms (no blank nodes)
    joins: tuple[tuple[str, str], ...]  # (p, q) with answers to ?a p ?b . ?b q ?c (?b not blank)
    blank_links: tuple[tuple[str, str], ...]  # (p, q) with answers to ?a p ?b . ?b q ?c, ?b blank
    graphs: tuple[str, ...]  # the named graphs
    graph_predicates: dict[str, tuple[str, ...]]  # predicates used in each named graph
    words: tuple[str, ...]  # words of the labels (for CONTAINS and REGEX)

    def where(self, test: str) -> list[str]:
        """The predicates passing ``test``: literal, iri, numeric, tagged, string, never-blank, any."""
        checks: dict[str, Callable[[Predicate], bool]] = {
            "any": lambda p: True,
            "literal": lambda p: p.literals > 0,
            "iri": lambda p: p.iris > 0,
            "numeric": lambda p: p.numeric > 0 and p.numeric == p.literals,
            "tagged": lambda p: p.tagged > 0,
            "string": lambda p: p.literals > 0 and p.numeric == 0 and p.tagged == 0,
            "never-blank": lambda p: p.never_blank,
            "link": lambda p: p.iris > 0 and p.never_blank,
        }
        return sorted(i for i, p in self.predicates.items() if checks[test](p))


def _rows(store: ox.Store, query: str) -> Iterator[ox.QuerySolution]:
    result = store.query(query)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("expected solutions")
    yield from result


def _int(term: object) -> int:
    return int(term.value) if isinstance(term, ox.Literal) else 0


def _spread(items: list[str], most: int) -> tuple[str, ...]:
    """At most ``most`` of ``items``, evenly spread over the sorted list."""
    items = sorted(set(items))
    if len(items) <= most:
        return tuple(items)
    step = len(items) / most
    return tuple(items[int(i * step)] for i in range(most))


def _predicates(store: ox.Store) -> dict[str, Predicate]:
    query = """SELECT ?p (COUNT(*) AS ?n) (SUM(IF(isLiteral(?o), 1, 0)) AS ?lit) (SUM(IF(isIRI(?o), 1, 0)) AS ?iri)
      (SUM(IF(isBlank(?o), 1, 0)) AS ?bo) (SUM(IF(isBlank(?s), 1, 0)) AS ?bs) (SUM(IF(isNumeric(?o), 1, 0)) AS ?num)
      (SUM(IF(isLiteral(?o) && LANG(?o) != "", 1, 0)) AS ?tag)
      WHERE { ?s ?p ?o } GROUP BY ?p"""
    out = {}
    for r in _rows(store, query):
        p = r["p"]
        if isinstance(p, ox.NamedNode):
            values = [_int(r[v]) for v in ("n", "lit", "iri", "bo", "bs", "num", "tag")]
            out[p.value] = Predicate(p.value, *values)
    return out


def _grouped(store: ox.Store, query: str, key: str, value: str, most: int) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = defaultdict(list)
    for r in _rows(store, query):
        k, v = r[key], r[value]
        if isinstance(k, ox.NamedNode) and v is not None:
            text = str(v)
            if len(text) <= 90 and "\\n" not in text:
                found[k.value].append(text)
    return {k: _spread(vs, most) for k, vs in found.items()}


def read_vocabulary(store: ox.Store) -> Vocabulary:
    """The vocabulary of ``store``'s default graph and named graphs (a few seconds' worth of queries at most)."""
    predicates = _predicates(store)
    classes = {r["c"].value: _int(r["n"]) for r in _rows(store, "SELECT ?c (COUNT(?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c")}
    class_predicates = {
        c: tuple(sorted(ps)) for c, ps in _grouped(store, "SELECT DISTINCT ?c ?p WHERE { ?x a ?c ; ?p ?o }", "c", "p", 400).items()
    }
    class_predicates = {c: tuple(p[1:-1] for p in ps) for c, ps in class_predicates.items()}
    instances = _grouped(store, "SELECT ?c ?x WHERE { ?x a ?c FILTER(isIRI(?x)) }", "c", "x", 24)
    instances = {c: tuple(x[1:-1] for x in xs) for c, xs in instances.items()}
    subjects = _grouped(store, "SELECT DISTINCT ?p ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }", "p", "s", 16)
    subjects = {p: tuple(s[1:-1] for s in ss) for p, ss in subjects.items()}
    objects = _grouped(store, "SELECT DISTINCT ?p ?o WHERE { ?s ?p ?o FILTER(!isBlank(?o)) }", "p", "o", 12)
    link = "SELECT DISTINCT ?p ?q WHERE {{ ?a ?p ?b . ?b ?q ?c FILTER({}(?b)) }}"
    joins = tuple(sorted((r["p"].value, r["q"].value) for r in _rows(store, link.format("!isBlank"))))
    blank_links = tuple(sorted((r["p"].value, r["q"].value) for r in _rows(store, link.format("isBlank"))))
    graphs = tuple(sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)))
    graph_predicates = _grouped(store, "SELECT DISTINCT ?g ?p WHERE { GRAPH ?g { ?s ?p ?o } }", "g", "p", 400)
    graph_predicates = {g: tuple(p[1:-1] for p in ps) for g, ps in graph_predicates.items()}
    words: Counter[str] = Counter()
    for r in _rows(store, "SELECT ?l WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l }"):
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", r["l"].value))
    common = tuple(sorted(w for w, _ in words.most_common(80)))
    return Vocabulary(
        predicates, classes, class_predicates, instances, subjects, objects, joins, blank_links, graphs, graph_predicates, common
    )
