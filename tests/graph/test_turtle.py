"""The one Turtle writer (graph.turtle): the same triples give the same bytes, in the documented order."""

from __future__ import annotations

import random

import pyoxigraph as ox
from rdflib import Graph

from kkni_rdf.graph.turtle import sorted_turtle
from kkni_rdf.namespaces import RDF, RDFS, select_prefixes
from kkni_rdf.terms import to_rdflib

UNIT = "https://w3id.org/kkni/unit/"
PREFIXES = select_prefixes(["rdfs", "rdf", "unit"])


def triples() -> list[ox.Triple]:
    a, b, blank = ox.NamedNode(UNIT + "A"), ox.NamedNode(UNIT + "B"), ox.BlankNode("x")
    label, kind = ox.NamedNode(str(RDFS.label)), ox.NamedNode(str(RDF.type))
    return [
        ox.Triple(blank, label, ox.Literal("blank")),
        ox.Triple(b, label, ox.Literal("b", language="id")),
        ox.Triple(a, label, ox.Literal("z")),
        ox.Triple(a, label, ox.Literal("a", language="en")),
        ox.Triple(a, label, blank),
        ox.Triple(a, label, b),
        ox.Triple(a, kind, ox.NamedNode(str(RDFS.Resource))),
    ]


def test_the_order_of_the_input_does_not_matter_nor_duplicates() -> None:
    first = sorted_turtle(triples(), PREFIXES, "# header\n")
    shuffled = triples() * 2
    random.Random(7).shuffle(shuffled)
    assert sorted_turtle(shuffled, PREFIXES, "# header\n") == first


def test_header_sorted_prefixes_then_one_block_per_subject_in_order() -> None:
    text = sorted_turtle(triples(), PREFIXES, "# header\n").decode("utf-8")
    assert text.startswith("# header\n@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n@prefix rdfs: ")
    blocks = text.split("\n\n")
    assert blocks[0].splitlines()[1:] == [f"@prefix {p}: <{PREFIXES[p]}> ." for p in sorted(PREFIXES)]
    # IRIs before blank nodes; rdf:type first; objects: IRIs, blank nodes, then literals by value
    assert blocks[1] == 'unit:A a rdfs:Resource ;\n\trdfs:label unit:B , _:x , "a"@en , "z" .'
    assert blocks[2] == 'unit:B rdfs:label "b"@id .'
    assert blocks[3] == '_:x rdfs:label "blank" .\n'


def test_an_rdflib_graph_gives_the_same_bytes() -> None:
    graph = Graph()
    for t in triples():
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    assert sorted_turtle(graph, PREFIXES) == sorted_turtle(triples(), PREFIXES)


def test_no_triples_give_the_header_alone() -> None:
    assert sorted_turtle([], PREFIXES, "# nothing\n") == b"# nothing\n"
