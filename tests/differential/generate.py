"""Legal SPARQL queries over the decree's vocabulary, deterministic from a seed.

``Generator(vocabulary, seed).cases(n)`` gives ``n`` queries, the templates in turn (so every
feature is covered whatever ``n``), each filled with predicates, classes, graphs and values drawn
from the reference dataset (``vocabulary.read_vocabulary``), then written in one of several
equivalent spellings (``decorate``): keywords in mixed case, comments ended by CR, LF or CRLF,
``\\u`` escapes in strings and IRIs, no spaces around brackets. Every query declares the prefixes
it uses. ``named_query_cases`` gives the 26 queries of ``queries/`` in three shapes.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kkni_rdf.resources import query_files
from tests.differential.cases import TOKENS, Case, make_case, prologue_end
from tests.differential.vocabulary import PREFIXES, Vocabulary

KKNI = PREFIXES["kkni"]
RDF = PREFIXES["rdf"]
RDFS_LABEL = PREFIXES["rdfs"] + "label"

#: Words whose case SPARQL ignores (all but ``a``), as the mixed-case spelling may change them.
KEYWORDS = frozenset(
    [
        "select",
        "distinct",
        "reduced",
        "where",
        "from",
        "named",
        "graph",
        "optional",
        "union",
        "minus",
        "filter",
        "bind",
        "as",
        "values",
        "undef",
        "group",
        "by",
        "having",
        "order",
        "asc",
        "desc",
        "limit",
        "offset",
        "ask",
        "construct",
        "describe",
        "prefix",
        "base",
        "exists",
        "not",
        "in",
        "count",
        "sum",
        "min",
        "max",
        "avg",
        "sample",
        "group_concat",
        "separator",
        "str",
        "lang",
        "langmatches",
        "datatype",
        "bound",
        "iri",
        "uri",
        "bnode",
        "rand",
        "abs",
        "ceil",
        "floor",
        "round",
        "concat",
        "strlen",
        "ucase",
        "lcase",
        "encode_for_uri",
        "contains",
        "strstarts",
        "strends",
        "strbefore",
        "strafter",
        "year",
        "month",
        "day",
        "if",
        "coalesce",
        "isiri",
        "isuri",
        "isblank",
        "isliteral",
        "isnumeric",
        "regex",
        "substr",
        "replace",
        "sameterm",
        "strdt",
        "strlang",
        "md5",
        "sha1",
        "sha256",
        "now",
        "uuid",
        "struuid",
    ]
)


@dataclass(frozen=True)
class Draft:
    """A template's query, before prefixes and spelling."""

    text: str
    ordered: bool = False  # ORDER BY gives a total order
    count_only: bool = False  # non-deterministic


Template = Callable[[], Draft]


class Generator:
    """Queries drawn from ``vocabulary`` with the random numbers of ``seed``."""

    def __init__(self, vocabulary: Vocabulary, seed: int) -> None:
        self.v = vocabulary
        self.seed = seed
        self.rng = random.Random(f"differential-{seed}")

    # ------------------------------------------------------------------ drawing terms

    def pick(self, items: Sequence[str]) -> str:
        return self.rng.choice(sorted(items))

    def iri(self, iri: str) -> str:
        """An IRI written as a prefixed name (mostly) or in full."""
        if self.rng.random() < 0.8:
            for prefix, ns in PREFIXES.items():
                local = iri[len(ns) :]
                if iri.startswith(ns) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", local):
                    return f"{prefix}:{local}"
        return f"<{iri}>"

    def pred(self, kind: str = "any") -> str:
        return self.pick(self.v.where(kind))

    def p(self, kind: str = "any") -> str:
        return self.iri(self.pred(kind))

    def cls(self) -> str:
        return self.pick([c for c in self.v.classes if c in self.v.instances and c in self.v.class_predicates])

    def class_pred(self, cls: str) -> str:
        return self.pick([p for p in self.v.class_predicates[cls] if p != RDF + "type"] or [RDFS_LABEL])

    def instance(self, cls: str) -> str:
        return self.iri(self.pick(self.v.instances[cls]))

    def subject(self, pred: str) -> str:
        return self.iri(self.pick(self.v.subjects.get(pred) or [KKNI + "missing"]))

    def obj(self, pred: str) -> str:
        return self.pick(self.v.objects.get(pred) or ['"missing"'])

    def graph(self) -> str:
        return self.pick(self.v.graphs)

    def join(self) -> tuple[str, str]:
        return self.rng.choice(self.v.joins)

    def word(self) -> str:
        return self.pick(self.v.words)

    def num(self, low: int = 0, high: int = 12) -> int:
        return self.rng.randint(low, high)

    # ------------------------------------------------------------------ templates

    def t_basic(self) -> Draft:
        p = self.pred()
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?s ?o\nWHERE {{ ?s {self.iri(p)} ?o }}",
                    f"SELECT DISTINCT ?s\nWHERE {{ ?s {self.iri(p)} ?o }}",
                    f"SELECT ?o\nWHERE {{ {self.subject(p)} {self.iri(p)} ?o }}",
                    f"SELECT ?s\nWHERE {{ ?s {self.iri(p)} {self.obj(p)} }}",
                    f"SELECT *\nWHERE {{ ?s {self.iri(p)} ?o . }}",
                    f"SELECT (COUNT(*) AS ?n)\nWHERE {{ ?s {self.iri(p)} ?o }}",
                    f"SELECT REDUCED ?p ?o\nWHERE {{ {self.subject(p)} ?p ?o }}",
                ]
            )
        )

    def t_typed(self) -> Draft:
        c = self.cls()
        p, q = self.class_pred(c), self.class_pred(c)
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?x ?v\nWHERE {{ ?x a {self.iri(c)} ; {self.iri(p)} ?v }}",
                    f"SELECT ?x ?v ?w\nWHERE {{\n  ?x a {self.iri(c)} .\n  ?x {self.iri(p)} ?v .\n  ?x {self.iri(q)} ?w .\n}}",
                    f"SELECT DISTINCT ?v\nWHERE {{ ?x a {self.iri(c)} ; {self.iri(p)} ?v , ?v }}",
                    f"SELECT ?x\nWHERE {{ ?x {self.iri(RDF + 'type')} {self.iri(c)} }}",
                ]
            )
        )

    def t_join(self) -> Draft:
        p, q = self.join()
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?a ?c\nWHERE {{\n  ?a {self.iri(p)} ?b .\n  ?b {self.iri(q)} ?c .\n}}",
                    f"SELECT DISTINCT ?b\nWHERE {{ ?a {self.iri(p)} ?b . ?b {self.iri(q)} ?c }}",
                    f"SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?a) AS ?a_n)\nWHERE {{ ?a {self.iri(p)} ?b . ?b {self.iri(q)} ?c }}",
                    f"SELECT ?a ?b ?c\nWHERE {{ ?b {self.iri(q)} ?c . ?a {self.iri(p)} ?b . FILTER(?a != ?c) }}",
                ]
            )
        )

    def t_optional(self) -> Draft:
        c = self.cls()
        p, q = self.class_pred(c), self.pred()
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?x ?v\nWHERE {{\n  ?x a {self.iri(c)} .\n  OPTIONAL {{ ?x {self.iri(q)} ?v }}\n}}",
                    f"SELECT ?x ?v ?w\nWHERE {{\n  ?x a {self.iri(c)} .\n  OPTIONAL {{ ?x {self.iri(p)} ?v OPTIONAL {{ ?v {self.iri(q)} ?w }} }}\n}}",
                    f"SELECT ?x ?v\nWHERE {{\n  ?x a {self.iri(c)} .\n  OPTIONAL {{ ?x {self.iri(p)} ?v FILTER(isLiteral(?v)) }}\n}}",
                    f"SELECT ?x\nWHERE {{\n  ?x a {self.iri(c)} .\n  OPTIONAL {{ ?x {self.iri(q)} ?v }}\n  FILTER(!BOUND(?v))\n}}",
                ]
            )
        )

    def t_union(self) -> Draft:
        p, q = self.pred(), self.pred()
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?x ?v\nWHERE {{\n  {{ ?x {self.iri(p)} ?v }}\n  UNION\n  {{ ?x {self.iri(q)} ?v }}\n}}",
                    f"SELECT ?x ?v ?w\nWHERE {{ {{ ?x {self.iri(p)} ?v }} UNION {{ ?x {self.iri(q)} ?w }} }}",
                    f"SELECT (COUNT(*) AS ?n)\nWHERE {{ {{ ?x {self.iri(p)} ?v }} UNION {{ ?x {self.iri(q)} ?v }} UNION {{ ?x a ?v }} }}",
                ]
            )
        )

    def t_minus(self) -> Draft:
        c = self.cls()
        p = self.class_pred(c)
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?x\nWHERE {{\n  ?x a {self.iri(c)} .\n  MINUS {{ ?x {self.iri(p)} ?v }}\n}}",
                    f"SELECT ?x ?v\nWHERE {{\n  ?x {self.iri(p)} ?v .\n  MINUS {{ ?x a {self.iri(self.cls())} }}\n}}",
                    f"SELECT ?x\nWHERE {{ ?x a {self.iri(c)} MINUS {{ ?y {self.p()} ?z }} }}",
                ]
            )
        )

    def t_compare(self) -> Draft:
        """Comparisons written without spaces around ``<`` and ``>`` (an IRI's brackets to a careless reader)."""
        p, q = self.join()
        n = self.pred("numeric")
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?a ?b\nWHERE {{ ?a {self.iri(p)} ?b . ?b {self.iri(q)} ?c FILTER(STR(?a)<STR(?c)) }}",
                    f"SELECT ?a ?c\nWHERE {{ ?a {self.iri(p)} ?b . ?b {self.iri(q)} ?c FILTER(STR(?a)>STR(?c)) }}",
                    f"SELECT ?x ?v\nWHERE {{ ?x {self.iri(n)} ?v FILTER(?v>{self.num()}&&?v<{self.num(5, 400)}) }}",
                    f'SELECT ?x ?o\nWHERE {{ ?x {self.p("literal")} ?o FILTER(STR(?o)>"M"&&STR(?o)<"t") }}',
                    f"SELECT ?x ?y\nWHERE {{ ?x {self.iri(n)} ?v . ?y {self.iri(n)} ?w FILTER(?v<?w) FILTER(?w<=?v+1) }}",
                    f"SELECT ?x\nWHERE{{?x {self.iri(n)} ?v.FILTER(?v<{self.num()})GRAPH ?g{{?x ?p ?o}}FILTER(?v>=0)}}",
                ]
            )
        )

    def t_text(self) -> Draft:
        lit = self.p("literal")
        tagged = self.p("tagged")
        w = self.word()
        return Draft(
            self.rng.choice(
                [
                    f'SELECT ?x ?l\nWHERE {{ ?x {lit} ?l FILTER(CONTAINS(LCASE(STR(?l)), "{w}")) }}',
                    f'SELECT ?x ?l\nWHERE {{ ?x {lit} ?l FILTER(REGEX(?l, "^{w[:3]}", "i")) }}',
                    f'SELECT ?x ?l\nWHERE {{ ?x {tagged} ?l FILTER(langMatches(LANG(?l), "{self.pick(["en", "id", "*", "EN"])}")) }}',
                    f'SELECT ?x ?l\nWHERE {{ ?x {tagged} ?l FILTER(LANG(?l) = "id" && STRSTARTS(LCASE(?l), "{w[:2]}")) }}',
                    f'SELECT ?x (UCASE(?l) AS ?u)\nWHERE {{ ?x {lit} ?l FILTER(STRENDS(STR(?l), "{w[-2:]}")) }}',
                    f'SELECT ?x\nWHERE {{ ?x <{RDFS_LABEL}> ?l FILTER(REGEX(STR(?l), "{w}|{self.word()}")) }}',
                ]
            )
        )

    def t_numeric(self) -> Draft:
        n = self.p("numeric")
        k = self.num()
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?x ?v\nWHERE {{ ?x {n} ?v FILTER(?v > {k}) }}",
                    f"SELECT ?x ?v ?m\nWHERE {{ ?x {n} ?v BIND(?v * 2 + 1 AS ?m) FILTER(?m >= {k}) }}",
                    f"SELECT ?x\nWHERE {{ ?x {n} ?v FILTER(?v IN (1, 3, {k})) }}",
                    f"SELECT ?x\nWHERE {{ ?x {n} ?v FILTER(?v NOT IN (1, 2)) }}",
                    f"SELECT ?v (?v / 2 AS ?half) (xsd:integer(?v) AS ?i)\nWHERE {{ ?x {n} ?v }}",
                ]
            )
        )

    def t_path(self) -> Draft:
        p, q = self.join()
        link = self.pred("link")
        r = self.pred()
        paths = [
            (f"?a {self.iri(p)}/{self.iri(q)} ?c", "?a ?c"),
            (f"?c ^{self.iri(p)} ?a", "?a ?c"),
            (f"{self.subject(link)} {self.iri(link)}* ?c", "?c"),
            (f"?a {self.iri(link)}+ ?c", "?a ?c"),
            (f"?a {self.iri(link)}? {self.obj(link)}", "?a"),
            (f"?a ({self.iri(p)}|{self.iri(r)}) ?c", "?a ?c"),
            (f"{self.subject(r)} !({self.iri(RDF + 'type')}|{self.iri(r)}) ?c", "?c"),
            (f"?a ({self.iri(p)}/{self.iri(q)})+ ?c", "?a ?c"),
            (f"?c ^({self.iri(p)}/{self.iri(q)}) ?a", "?a ?c"),
            (f"{self.subject(link)} ({self.iri(link)}|^{self.iri(link)})* ?c", "?c"),
            (f"?a {self.iri(KKNI + 'requires')}+ ?c", "?a ?c"),
            (f"?a {self.iri(PREFIXES['rdfs'] + 'subClassOf')}* ?c", "?a ?c"),
            (f"?l {self.iri(RDF + 'rest')}*/{self.iri(RDF + 'first')} ?c", "?l ?c"),
            (f"?a !{self.iri(RDF + 'type')} {self.obj(r)}", "?a"),
        ]
        pattern, projected = self.rng.choice(paths)
        distinct = self.rng.choice(["", "DISTINCT "])
        return Draft(f"SELECT {distinct}{projected}\nWHERE {{ {pattern} }}")

    def t_aggregate(self) -> Draft:
        c = self.cls()
        p = self.class_pred(c)
        n = self.p("numeric")
        k = self.num(1, 6)
        return Draft(
            self.rng.choice(
                [
                    "SELECT ?p (COUNT(*) AS ?n)\nWHERE { ?s ?p ?o }\nGROUP BY ?p",
                    f"SELECT ?x (COUNT(?v) AS ?n)\nWHERE {{ ?x a {self.iri(c)} ; {self.iri(p)} ?v }}\nGROUP BY ?x\nHAVING (COUNT(?v) > {k})",
                    f"SELECT ?c (COUNT(DISTINCT ?x) AS ?n)\nWHERE {{ ?x a ?c ; {self.iri(p)} ?v }}\nGROUP BY ?c",
                    f"SELECT (SUM(?v) AS ?sum) (AVG(?v) AS ?avg) (MIN(?v) AS ?min) (MAX(?v) AS ?max)\nWHERE {{ ?x {n} ?v }}",
                    f"SELECT ?x (MAX(?v) AS ?m)\nWHERE {{ ?x {n} ?v }}\nGROUP BY ?x\nHAVING (MAX(?v) >= {k} && COUNT(*) >= 1)",
                    f'SELECT ?c (GROUP_CONCAT(DISTINCT STR(?v); separator=", ") AS ?all)\nWHERE {{ ?x a ?c ; {self.iri(p)} ?v }}\nGROUP BY ?c',
                    "SELECT (COUNT(*) AS ?n)\nWHERE { ?s ?p ?o }",
                    f"SELECT ?v (COUNT(?x) AS ?n)\nWHERE {{ ?x {self.iri(p)} ?v }}\nGROUP BY ?v\nHAVING (COUNT(?x) > 1)",
                    f"SELECT (COUNT(DISTINCT ?o) AS ?n) (COUNT(?o) AS ?all)\nWHERE {{ ?s {self.iri(p)} ?o }}",
                ]
            )
        )

    def t_subselect(self) -> Draft:
        c = self.cls()
        p = self.class_pred(c)
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?x ?n\nWHERE {{\n  {{ SELECT ?x (COUNT(?v) AS ?n) WHERE {{ ?x {self.iri(p)} ?v }} GROUP BY ?x }}\n  FILTER(?n > 1)\n}}",
                    f"SELECT ?x ?l\nWHERE {{\n  {{ SELECT DISTINCT ?x WHERE {{ ?x a {self.iri(c)} }} }}\n  ?x {self.p()} ?l\n}}",
                    f"SELECT ?c ?n\nWHERE {{\n  ?c a {self.iri(PREFIXES['owl'] + 'Class')} .\n"
                    f"  {{ SELECT ?c (COUNT(?x) AS ?n) WHERE {{ ?x a ?c }} GROUP BY ?c }}\n}}",
                    f"SELECT *\nWHERE {{ {{ SELECT ?x WHERE {{ ?x a {self.iri(c)} }} }} {{ SELECT ?x ?v WHERE {{ ?x {self.iri(p)} ?v }} }} }}",
                ]
            )
        )

    def t_values(self) -> Draft:
        c = self.cls()
        xs = sorted(set(self.rng.sample(self.v.instances[c], min(3, len(self.v.instances[c])))))
        p = self.class_pred(c)
        listed = " ".join(self.iri(x) for x in xs)
        first = self.iri(xs[0])
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?x ?v\nWHERE {{\n  VALUES ?x {{ {listed} }}\n  ?x {self.iri(p)} ?v .\n}}",
                    f"SELECT ?x ?v\nWHERE {{\n  VALUES (?x ?v) {{ ({first} UNDEF) (UNDEF {self.obj(p)}) }}\n  ?x {self.iri(p)} ?v .\n}}",
                    f"SELECT ?x ?v\nWHERE {{ ?x {self.iri(p)} ?v }}\nVALUES ?x {{ {listed} }}",
                    f"SELECT ?k ?x\nWHERE {{ VALUES ?k {{ 1 2 3 }} VALUES ?x {{ {listed} }} }}",
                    "SELECT ?x\nWHERE { VALUES ?x { } ?x ?p ?o }",
                ]
            )
        )

    def t_bind(self) -> Draft:
        p = self.pred()
        lit = self.p("literal")
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?x ?len\nWHERE {{ ?x {lit} ?v BIND(STRLEN(STR(?v)) AS ?len) }}",
                    f'SELECT ?k\nWHERE {{ ?x {self.iri(p)} ?v BIND(CONCAT(STR(?x), "|", STR(?v)) AS ?k) }}',
                    f'SELECT ?x ?kind\nWHERE {{ ?x {self.iri(p)} ?v BIND(IF(isLiteral(?v), "literal", IF(isIRI(?v), "iri", "blank")) AS ?kind) }}',
                    f'SELECT ?x ?l\nWHERE {{ ?x a ?c OPTIONAL {{ ?x {lit} ?v }} BIND(COALESCE(?v, "none") AS ?l) }}',
                    f"SELECT ?x ?s\nWHERE {{ ?x {lit} ?v BIND(SUBSTR(STR(?v), 2, 5) AS ?s) BIND(ENCODE_FOR_URI(?s) AS ?e) }}",
                    f'SELECT ?x ?a ?b\nWHERE {{ ?x {lit} ?v BIND(STRBEFORE(STR(?v), " ") AS ?a) BIND(STRAFTER(STR(?v), " ") AS ?b) }}',
                    f'SELECT ?r\nWHERE {{ ?x {lit} ?v BIND(REPLACE(STR(?v), "[aeiou]", "_", "i") AS ?r) }}',
                ]
            )
        )

    def t_exists(self) -> Draft:
        c = self.cls()
        p = self.class_pred(c)
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?x\nWHERE {{ ?x a {self.iri(c)} FILTER EXISTS {{ ?x {self.iri(p)} ?v }} }}",
                    f"SELECT ?x\nWHERE {{ ?x a {self.iri(c)} FILTER NOT EXISTS {{ ?x {self.p()} ?v }} }}",
                    f"SELECT ?x ?has\nWHERE {{ ?x a {self.iri(c)} BIND(EXISTS {{ ?x {self.p()} ?v }} AS ?has) }}",
                    f"SELECT ?x (NOT EXISTS {{ ?y {self.p('iri')} ?x }} AS ?root)\nWHERE {{ ?x a {self.iri(c)} }}",
                    f"SELECT ?x\nWHERE {{ ?x a {self.iri(c)} FILTER NOT EXISTS {{ GRAPH ?g {{ ?x {self.iri(p)} ?v }} }} }}",
                ]
            )
        )

    def t_ordered(self) -> Draft:
        """ORDER BY a total order (DISTINCT rows, no blank nodes, every projected variable a key), then a slice."""
        p = self.pred("never-blank")
        n = self.p("numeric")
        limit, offset = self.num(1, 15), self.num(0, 10)
        direction = self.rng.choice(["?s ?o", "DESC(?s) ?o", "?o ?s", "ASC(?o) DESC(?s)"])
        return Draft(
            self.rng.choice(
                [
                    f"SELECT DISTINCT ?s ?o\nWHERE {{ ?s {self.iri(p)} ?o }}\nORDER BY {direction}\nLIMIT {limit} OFFSET {offset}",
                    f"SELECT DISTINCT ?s\nWHERE {{ ?s {self.iri(p)} ?o }}\nORDER BY DESC(?s)\nLIMIT {limit}",
                    f"SELECT ?x (COUNT(*) AS ?n)\nWHERE {{ ?x {n} ?v FILTER(isIRI(?x)) }}\nGROUP BY ?x\nORDER BY DESC(?n) ?x\nLIMIT {limit}",
                    f"SELECT DISTINCT ?s ?o\nWHERE {{ ?s {self.iri(p)} ?o }}\nORDER BY {direction}\nOFFSET {offset}",
                ]
            ),
            ordered=True,
        )

    def t_ask(self) -> Draft:
        p = self.pred()
        return Draft(
            self.rng.choice(
                [
                    f"ASK {{ ?s {self.iri(p)} {self.obj(p)} }}",
                    f"ASK WHERE {{ {self.subject(p)} {self.iri(p)} ?o FILTER(isLiteral(?o)) }}",
                    f"ASK {{ {self.subject(p)} {self.iri(p)} {self.iri(PREFIXES['ex'] + 'nothing')} }}",
                    f"ASK {{ GRAPH ?g {{ ?s {self.iri(p)} ?o }} }}",
                    f"ASK {{ GRAPH {self.iri(self.graph())} {{ ?s {self.iri(p)} ?o }} }}",
                ]
            )
        )

    def t_construct(self) -> Draft:
        p, q = self.join()
        r = self.pred()
        c = self.cls()
        return Draft(
            self.rng.choice(
                [
                    f"CONSTRUCT {{ ?s {self.iri(r)} ?o }}\nWHERE {{ ?s {self.iri(r)} ?o }}",
                    f"CONSTRUCT {{ ?a ex:via ?c }}\nWHERE {{ ?a {self.iri(p)} ?b . ?b {self.iri(q)} ?c }}",
                    f"CONSTRUCT WHERE {{ ?s {self.iri(r)} ?o }}",
                    f"CONSTRUCT {{ ?x ex:has [ ex:value ?v ; ex:kind {self.iri(c)} ] }}\nWHERE {{ ?x a {self.iri(c)} ; {self.iri(self.class_pred(c))} ?v }}",
                    f"CONSTRUCT {{ ?s ?p ?o }}\nWHERE {{ GRAPH {self.iri(self.graph())} {{ ?s ?p ?o }} }}",
                    f"CONSTRUCT {{ ?g ex:holds ?s }}\nWHERE {{ GRAPH ?g {{ ?s a {self.iri(c)} }} }}",
                ]
            )
        )

    def t_describe(self) -> Draft:
        c = self.cls()
        p = self.pred()
        if self.rng.random() < 0.25:  # the first resources of a class, by IRI: a total order
            return Draft(
                f"DESCRIBE ?x\nWHERE {{ ?x a {self.iri(c)} FILTER(isIRI(?x)) }}\nORDER BY ?x\nLIMIT {self.num(1, 3)}", ordered=True
            )
        return Draft(
            self.rng.choice(
                [
                    f"DESCRIBE {self.instance(c)}",
                    f"DESCRIBE {self.subject(p)} {self.instance(c)}",
                    f"DESCRIBE ?x WHERE {{ ?x {self.iri(p)} {self.obj(p)} }}",
                    f"DESCRIBE ?x WHERE {{ GRAPH {self.iri(self.graph())} {{ ?x {self.iri(p)} {self.obj(p)} }} }}",
                ]
            )
        )

    def t_graph(self) -> Draft:
        g = self.graph()
        p = self.pick(self.v.graph_predicates.get(g) or [RDFS_LABEL])
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?g (COUNT(*) AS ?n)\nWHERE {{ GRAPH ?g {{ ?s {self.p()} ?o }} }}\nGROUP BY ?g",
                    f"SELECT ?s ?o\nWHERE {{ GRAPH {self.iri(g)} {{ ?s {self.iri(p)} ?o }} }}",
                    "SELECT DISTINCT ?g\nWHERE { GRAPH ?g { } }",
                    f"SELECT ?g ?s\nWHERE {{ GRAPH ?g {{ ?s {self.iri(p)} ?o }} FILTER(?g != {self.iri(g)}) }}",
                    f"SELECT ?s\nWHERE {{ GRAPH ?g {{ ?s a ?c }} VALUES ?g {{ {self.iri(g)} }} }}",
                    "SELECT ?g (COUNT(*) AS ?n)\nWHERE { GRAPH ?g { ?s ?p ?o } }\nGROUP BY ?g",
                ]
            )
        )

    def t_graph_mixed(self) -> Draft:
        c = self.cls()
        p = self.class_pred(c)
        g = self.graph()
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?g ?x ?v\nWHERE {{\n  GRAPH ?g {{ ?x a {self.iri(c)} }}\n  ?x {self.iri(p)} ?v .\n}}",
                    f"SELECT ?g ?x\nWHERE {{\n  ?x a {self.iri(c)} .\n  GRAPH ?g {{ ?x {self.iri(p)} ?v }}\n}}",
                    f"SELECT ?x ?v\nWHERE {{\n  ?x {self.iri(p)} ?v .\n  FILTER NOT EXISTS {{ GRAPH {self.iri(g)} {{ ?x ?q ?w }} }}\n}}",
                    f"SELECT (COUNT(*) AS ?n)\nWHERE {{ {{ ?s a {self.iri(c)} }} UNION {{ GRAPH ?g {{ ?s a {self.iri(c)} }} }} }}",
                    f"SELECT ?g ?x\nWHERE {{ GRAPH ?g {{ ?x a {self.iri(c)} }} OPTIONAL {{ ?x {self.iri(KKNI + 'requires')} ?r }} }}",
                    f"SELECT ?x ?g\nWHERE {{ ?x a {self.iri(c)} {{ SELECT ?x ?g WHERE {{ GRAPH ?g {{ ?x {self.iri(p)} ?v }} }} }} }}",
                    f"ASK {{ GRAPH ?g {{ ?x a {self.iri(c)} }} ?x {self.iri(p)} ?v }}",
                    f"CONSTRUCT {{ ?x ex:in ?g ; ex:value ?v }}\nWHERE {{ GRAPH ?g {{ ?x a {self.iri(c)} }} ?x {self.iri(p)} ?v }}",
                ]
            )
        )

    def t_blank_join(self) -> Draft:
        """Joins on blank nodes across a named graph and the default graph (the same nodes: an RDF merge)."""
        p, q = self.rng.choice(self.v.blank_links)
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?g ?s ?v\nWHERE {{\n  GRAPH ?g {{ ?s {self.iri(p)} ?b }}\n  ?b {self.iri(q)} ?v .\n}}",
                    f"SELECT ?g ?s ?v\nWHERE {{\n  ?s {self.iri(p)} ?b .\n  GRAPH ?g {{ ?b {self.iri(q)} ?v }}\n}}",
                    f"SELECT ?g ?act\nWHERE {{ GRAPH ?g {{ ?d {self.iri(KKNI + 'legalBasisList')} ?list }} "
                    f"?list {self.iri(RDF + 'rest')}*/{self.iri(RDF + 'first')} ?act }}",
                    "SELECT ?g ?shape ?m\nWHERE { GRAPH ?g { ?shape sh:sparql ?c } ?c sh:message ?m }",
                    f"SELECT (COUNT(*) AS ?n)\nWHERE {{ GRAPH ?g {{ ?s {self.iri(p)} ?b }} GRAPH ?h {{ ?b {self.iri(q)} ?v }} }}",
                    f"SELECT ?s ?v\nWHERE {{ ?s {self.iri(p)} ?b . ?b {self.iri(q)} ?v }}",
                ]
            )
        )

    def t_from(self) -> Draft:
        g, h = self.rng.sample(self.v.graphs, 2)
        c = self.cls()
        return Draft(
            self.rng.choice(
                [
                    f"SELECT (COUNT(*) AS ?n)\nFROM <{g}>\nWHERE {{ ?s ?p ?o }}",
                    f"SELECT ?s\nFROM <{g}>\nFROM <{h}>\nWHERE {{ ?s a {self.iri(c)} }}",
                    f"SELECT ?g (COUNT(*) AS ?n)\nFROM NAMED <{g}>\nFROM NAMED <{h}>\nWHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}\nGROUP BY ?g",
                    f"SELECT ?g ?x\nFROM <{g}>\nFROM NAMED <{h}>\nWHERE {{ ?x ?p ?o . GRAPH ?g {{ ?x ?q ?w }} }}",
                    f"SELECT (COUNT(*) AS ?n)\nFROM NAMED <{g}>\nWHERE {{ ?s ?p ?o }}",
                    f"ASK\nFROM <{g}>\nWHERE {{ ?s a {self.iri(c)} }}",
                    f"CONSTRUCT {{ ?s a ?c }}\nFROM <{g}>\nWHERE {{ ?s a ?c }}",
                ]
            )
        )

    def t_base(self) -> Draft:
        """BASE, two BASEs in a row (the second relative to the first), and IRIs relative to them."""
        g = self.graph().removeprefix("https://w3id.org/kkni/graph/")
        return Draft(
            self.rng.choice(
                [
                    f"BASE <https://w3id.org/kkni/>\nBASE <graph/>\nSELECT (COUNT(*) AS ?n)\nFROM <{g}>\nWHERE {{ ?s ?p ?o }}",
                    "BASE <https://w3id.org/kkni/>\nBASE <graph/>\nSELECT (COUNT(*) AS ?n)\nFROM <ontology>\nWHERE { ?s ?p ?o }",
                    "BASE <https://w3id.org/kkni/>\nSELECT ?x\nWHERE { ?x a <ontology#Level> }",
                    "BASE <https://w3id.org/>\nBASE <kkni/level/>\nSELECT ?p ?o\nWHERE { <5> ?p ?o }",
                    f"BASE <https://w3id.org/kkni/graph/>\nSELECT ?s\nWHERE {{ GRAPH <{g}> {{ ?s a ?c }} }}",
                    "BASE <https://w3id.org/kkni/>\nPREFIX k: <ontology#>\nSELECT ?x ?n\nWHERE { ?x k:levelNumber ?n }",
                    f"BASE <https://w3id.org/kkni/graph/x/>\nSELECT ?g (COUNT(*) AS ?n)\nFROM NAMED <../{g}>\nWHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}\nGROUP BY ?g",
                    "PREFIX kg: <https://w3id.org/kkni/graph/>\nSELECT (COUNT(*) AS ?n)\nFROM kg:shapes\nWHERE { ?s ?p ?o }",
                ]
            )
        )

    def t_relative(self) -> Draft:
        """Relative IRIs without BASE: they resolve against the endpoint's URL."""
        return Draft(
            self.rng.choice(
                [
                    "SELECT ?x\nWHERE { BIND(<relative/thing> AS ?x) }",
                    "SELECT (STR(<a>) AS ?s)\nWHERE { }",
                    "SELECT ?x\nWHERE { VALUES ?x { <one> <two#three> } }",
                    "SELECT ?s\nWHERE { ?s ?p <nowhere> }",
                    "ASK { FILTER(<x> != <y>) }",
                ]
            )
        )

    def t_nondeterministic(self) -> Draft:
        p = self.pred()
        c = self.cls()
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?x (RAND() AS ?r)\nWHERE {{ ?x a {self.iri(c)} }}",
                    "SELECT (NOW() AS ?t) (UUID() AS ?u) (STRUUID() AS ?v)\nWHERE { }",
                    f"SELECT ?x (BNODE() AS ?b)\nWHERE {{ ?x a {self.iri(c)} }}",
                    "SELECT ?c (SAMPLE(?x) AS ?one)\nWHERE { ?x a ?c }\nGROUP BY ?c",
                    f"SELECT ?s ?o\nWHERE {{ ?s {self.iri(p)} ?o }}\nLIMIT {self.num(1, 20)}",
                    f"SELECT ?s\nWHERE {{ ?s {self.iri(p)} ?o }}\nOFFSET {self.num(1, 20)} LIMIT 5",
                ]
            ),
            count_only=True,
        )

    def t_derived(self) -> Draft:
        """The materialised prerequisite closure against the property paths it stands for."""
        return Draft(
            self.rng.choice(
                [
                    "SELECT ?u ?r\nWHERE { ?u kkni:requiresTransitively ?r }",
                    "SELECT ?u ?r\nWHERE { ?u kkni:requires ?r FILTER NOT EXISTS { ?row kkni:unit ?u ; kkni:hasPrerequisite/kkni:requiredUnit ?r } }",
                    "SELECT ?u ?r\nWHERE { ?u kkni:requires+ ?r FILTER NOT EXISTS { ?u kkni:requiresTransitively ?r } }",
                    "SELECT (COUNT(*) AS ?n)\nWHERE { ?u ^kkni:unit/kkni:hasPrerequisite/kkni:requiredUnit ?r }",
                    "SELECT ?g (COUNT(*) AS ?n)\nWHERE { GRAPH ?g { ?u kkni:requires ?r } }\nGROUP BY ?g",
                ]
            )
        )

    def t_functions(self) -> Draft:
        p = self.pred()
        n = self.p("numeric")
        return Draft(
            self.rng.choice(
                [
                    f"SELECT ?v (DATATYPE(?v) AS ?dt) (LANG(?v) AS ?l) (isNumeric(?v) AS ?num)\nWHERE {{ ?x {self.iri(p)} ?v }}",
                    f'SELECT (STRDT(STR(?v), xsd:string) AS ?s) (STRLANG(STR(?v), "en") AS ?t)\nWHERE {{ ?x {n} ?v }}',
                    f'SELECT ?x (IRI(CONCAT("http://example.org/", ENCODE_FOR_URI(STR(?v)))) AS ?i)\nWHERE {{ ?x {n} ?v }}',
                    f"SELECT (ABS(?v - 5) AS ?a) (ROUND(?v / 3) AS ?r) (CEIL(?v / 3) AS ?c) (FLOOR(?v / 3) AS ?f)\nWHERE {{ ?x {n} ?v }}",
                    f"SELECT ?x (MD5(STR(?x)) AS ?h) (SHA1(STR(?x)) AS ?k)\nWHERE {{ ?x {self.iri(p)} ?v }}",
                    "SELECT ?d (YEAR(?d) AS ?y) (MONTH(?d) AS ?m) (DAY(?d) AS ?day)\nWHERE { ?x kkni:dateEnacted|kkni:dateInForce ?d }",
                    f"SELECT ?x ?v\nWHERE {{ ?x {self.iri(p)} ?v FILTER(sameTerm(?x, ?x) && (isIRI(?v) || isBlank(?v) || isLiteral(?v))) }}",
                    f"SELECT ?x (xsd:string(?v) AS ?s) (xsd:decimal(?v) AS ?d) (xsd:boolean(?v) AS ?b)\nWHERE {{ ?x {n} ?v }}",
                ]
            )
        )

    def t_tricky(self) -> Draft:
        """Keywords where they are not keywords: in strings, comments, variable and prefix names, IRIs."""
        c = self.cls()
        elsewhere = "https://example.org/not-held"
        return Draft(
            self.rng.choice(
                [
                    f'SELECT ?s\nWHERE {{ ?s a {self.iri(c)} ; ?p ?o FILTER(?o != "FROM <{elsewhere}>") }}',
                    f"SELECT ?s\nWHERE {{ ?s a {self.iri(c)} ; ?p ?o FILTER(?o != 'it\\'s FROM NAMED <{elsewhere}>') }}",
                    f'SELECT ?s\nWHERE {{ ?s a {self.iri(c)} ; ?p ?o FILTER(?o != """two\nFROM <{elsewhere}> # lines""") }}',
                    f'SELECT ?s\nWHERE {{ ?s a {self.iri(c)} ; ?p ?o FILTER(?o != "\\\\" && ?o != "GRAPH ?g {{ }} FROM <{elsewhere}>") }}',
                    "SELECT ?graph ?from ?named\nWHERE { ?graph ?from ?named FILTER(isIRI(?named)) }",
                    "PREFIX from: <https://w3id.org/kkni/ontology#>\nPREFIX graph: <https://w3id.org/kkni/graph/>\n"
                    "SELECT ?x ?n\nWHERE { ?x from:levelNumber ?n }",
                    f"SELECT ?x\nWHERE {{ ?x a {self.iri(c)} }} # FROM <{elsewhere}>",
                    f'SELECT ?s ?o\nWHERE {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "#") && STRSTARTS(STR(?p), "{PREFIXES["sh"]}")) }}',
                    "SELECT ?x\nWHERE { ?x ?p <https://w3id.org/kkni/graph/from-nowhere#GRAPH> }",
                    'SELECT ?x ?l\nWHERE { ?x skos:prefLabel ?l FILTER(CONTAINS(LCASE(STR(?l)), "services")) }',
                ]
            )
        )

    def t_prefixes(self) -> Draft:
        """Prefixes declared here win over the endpoint's own: redefined, empty, unusual names, declared twice."""
        return Draft(
            self.rng.choice(
                [
                    "PREFIX kkni: <http://example.org/other#>\nSELECT ?s ?o\nWHERE { ?s kkni:levelNumber ?o }",
                    "PREFIX : <https://w3id.org/kkni/ontology#>\nSELECT ?s ?o\nWHERE { ?s :levelNumber ?o }",
                    "PREFIX k-k.n: <https://w3id.org/kkni/ontology#>\nSELECT ?s\nWHERE { ?s a k-k.n:Level }",
                    "PREFIX kkni: <http://example.org/first#>\nPREFIX kkni: <https://w3id.org/kkni/ontology#>\n"
                    "SELECT ?s\nWHERE { ?s a kkni:Level }",
                    "PREFIX rdf: <http://example.org/not-rdf#>\nSELECT (COUNT(*) AS ?n)\nWHERE { ?s rdf:type ?c }",
                    "PREFIX lvl: <https://w3id.org/kkni/level/>\nSELECT ?p ?o\nWHERE { lvl:5 ?p ?o }",
                ]
            )
        )

    def templates(self) -> list[Template]:
        return [getattr(self, name) for name in sorted(dir(self)) if name.startswith("t_")]

    # ------------------------------------------------------------------ writing

    def cases(self, n: int) -> list[Case]:
        """``n`` queries, the templates in turn."""
        templates = self.templates()
        out = []
        for i in range(n):
            template = templates[i % len(templates)]
            draft = template()
            text = decorate(with_prefixes(draft.text), self.rng)
            name = f"generated/{self.seed}/{i:04d}-{template.__name__.removeprefix('t_')}"
            # the templates know what is deterministic (their MIN and MAX are over numbers)
            out.append(make_case("generated", name, text, ordered=draft.ordered, count_only=draft.count_only, loose=()))
        return out


def with_prefixes(body: str) -> str:
    """``body`` with a PREFIX declaration for each prefix it uses."""
    toks = [(k, t) for k, t in _tokens(body) if k != "comment"]
    used = {t.split(":", 1)[0] for k, t in toks if k == "pname"}
    declared = {t.split(":", 1)[0] for (k, w), (_, t) in itertools.pairwise(toks) if k == "word" and w.lower() == "prefix"}
    lines = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in sorted(used - declared) if p in PREFIXES]
    return "\n".join([*lines, body])


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(m.lastgroup or "other", m.group()) for m in TOKENS.finditer(text)]


# ---------------------------------------------------------------------- spellings


def _pieces(text: str) -> list[tuple[str, str]]:
    """``text`` as (kind, text) pieces, the white space between tokens included as kind ``space``."""
    out, at = [], 0
    for m in TOKENS.finditer(text):
        if m.start() > at:
            out.append(("space", text[at : m.start()]))
        out.append((m.lastgroup or "other", m.group()))
        at = m.end()
    if at < len(text):
        out.append(("space", text[at:]))
    return out


def _mixed_case(word: str, rng: random.Random) -> str:
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in word)


def _escape_some(token: str, rng: random.Random) -> str:
    """A string or IRI token with a few characters written as ``\\u`` escapes (never one escaped already)."""
    inner = range(1, len(token) - 1)
    chosen = {i for i in inner if (token[i].isalnum() or token[i] in "#/") and "\\" not in token[i - 2 : i]}
    picked = set(rng.sample(sorted(chosen), min(2, len(chosen))))
    return "".join(f"\\u{ord(ch):04X}" if i in picked else ch for i, ch in enumerate(token))


_COMMENTS = ["# a comment", "#SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "# FROM <https://example.org/not-held>", "#"]


def decorate(text: str, rng: random.Random) -> str:
    """One of several equivalent spellings of ``text``: each kind of change applied to some queries."""
    pieces = _pieces(text)
    mixed, escapes, dense = rng.random() < 0.3, rng.random() < 0.15, rng.random() < 0.12
    comments, line_end = rng.random() < 0.3, rng.choice(["\n", "\n", "\r", "\r\n"])
    out = []
    for i, (kind, piece) in enumerate(pieces):
        written = piece
        if kind == "word" and mixed and piece.lower() in KEYWORDS:
            written = _mixed_case(piece, rng)
        elif escapes and ((kind == "iri" and piece.startswith("<http")) or (kind == "string" and rng.random() < 0.5)):
            written = _escape_some(piece, rng)
        elif kind == "space":
            neighbours = {pieces[j][1] for j in (i - 1, i + 1) if 0 <= j < len(pieces)}
            if dense and "\n" not in piece and neighbours & set("{}(),;"):
                written = ""
            elif "\n" in piece:
                note = f" {rng.choice(_COMMENTS)}" if comments and rng.random() < 0.5 else ""
                written = piece.replace("\n", note + line_end, 1)
        out.append(written)
    return "".join(out)


# ---------------------------------------------------------------------- the named queries


def named_query_cases() -> list[Case]:
    """The queries of ``queries/``: each as it is, inside ``GRAPH ?g`` and as a sub-select (prologue kept in front)."""
    out = []
    for path in query_files():
        text = path.read_text(encoding="utf-8")
        out.append(make_case("named", f"named/{path.stem}", text))
        prologue, body = split_prologue(text)
        if _is_select(body):
            out.append(make_case("named", f"named/{path.stem}/graph", f"{prologue}SELECT * WHERE {{ GRAPH ?g {{ {{\n{body}\n}} }} }}"))
            out.append(make_case("named", f"named/{path.stem}/subselect", f"{prologue}SELECT * WHERE {{ {{\n{body}\n}} }}"))
    return out


def split_prologue(text: str) -> tuple[str, str]:
    at = prologue_end(text)
    return text[:at], text[at:]


def _is_select(body: str) -> bool:
    return bool(re.match(r"(?i)select\b", body))


def query_name(path: Path) -> str:
    return path.stem


# ---------------------------------------------------------------------- the protocol's dataset

#: Queries sent with `default-graph-uri` / `named-graph-uri` (SPARQL 1.1 Protocol §2.1.4: the protocol's
#: dataset replaces the query's FROM and FROM NAMED; with only `default-graph-uri` the named graphs are empty).
DATASET_QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?c (COUNT(?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c",
    "SELECT (COUNT(*) AS ?n) FROM <{g}> WHERE { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{g}> WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "PREFIX sh: <http://www.w3.org/ns/shacl#>\nSELECT ?g ?s ?m WHERE { GRAPH ?g { ?s sh:sparql ?b } ?b sh:message ?m }",
    "PREFIX kkni: <https://w3id.org/kkni/ontology#>\nASK { GRAPH ?g { ?s a kkni:Qualification } }",
    "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c }",
    "PREFIX kkni: <https://w3id.org/kkni/ontology#>\nSELECT ?u ?r WHERE { ?u kkni:requires ?r }",
]


def dataset_cases(vocabulary: Vocabulary, seed: int) -> list[Case]:
    """Each of ``DATASET_QUERIES`` with only a default graph, only named graphs, and both; and two with a graph not held."""
    rng = random.Random(f"dataset-{seed}")
    graphs = sorted(vocabulary.graphs)
    out = []
    for i, query in enumerate(DATASET_QUERIES):
        text = query.replace("{g}", rng.choice(graphs))
        one, two = rng.sample(graphs, 2)
        shapes: list[tuple[tuple[str, ...] | None, tuple[str, ...] | None]] = [
            ((one,), None),
            ((one, two), None),
            (None, (one, two)),
            ((one,), (one, two)),
        ]
        for j, (default, named) in enumerate(shapes):
            out.append(make_case("dataset", f"dataset/{seed}/{i:02d}-{j}", text, default_graphs=default, named_graphs=named))
    missing = "https://w3id.org/kkni/graph/not-held"
    out.append(make_case("dataset", f"dataset/{seed}/unknown-default", DATASET_QUERIES[0], default_graphs=(missing,)))
    out.append(make_case("dataset", f"dataset/{seed}/unknown-named", DATASET_QUERIES[1], named_graphs=(graphs[0], missing)))
    return out
