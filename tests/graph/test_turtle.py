"""The one Turtle writer (graph.turtle): the same triples give the same bytes, in the documented order."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kkni_rdf.decree.model import Decree
from kkni_rdf.graph.build import TURTLE_PREFIXES, build_graph
from kkni_rdf.graph.translations import Translations
from kkni_rdf.graph.turtle import TripleSet, oxigraph_turtle, sorted_turtle
from kkni_rdf.namespaces import RDF, RDFS, select_prefixes
from kkni_rdf.resources import translations_file
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


XSD_NS = "http://www.w3.org/2001/XMLSchema#"


def tricky_triples() -> list[ox.Triple]:
    """Terms that exercise every rule of the Turtle the writer makes itself: local names to escape
    or not writable under a prefix, literals to quote, bare numbers and booleans, tags, blank nodes."""
    s, p = ox.NamedNode(UNIT + "s"), ox.NamedNode(str(RDFS.label))
    objects: list[ox.NamedNode | ox.BlankNode | ox.Literal] = [
        ox.NamedNode(UNIT + local)
        for local in [
            "",
            "a.b",
            "a.b.",
            ".a",
            "-a",
            "_a",
            "1a",
            "a/b/c",
            "a~b",
            "a%20b",
            "a:b",
            "é·x",
            "a\u00a0b",
            "a#b",
            "a?b=c&d",
            "a(b)",
            "x\u0300",
        ]
    ]
    objects += [ox.NamedNode("http://example.org/other#x"), ox.BlankNode("b1"), ox.BlankNode("legalbases-x-1")]
    objects += [
        ox.Literal(v) for v in ["plain", 'q"uote', "back\\slash", "tab\tnl\ncr\r", "\x00\x01\x08\x0b\x0c\x1f\x7f", "ü\u2028", "x" * 200, ""]
    ]
    objects += [ox.Literal("x", language=t) for t in ["id", "en", "EN-us"]]
    for dt, values in {
        "integer": ["1", "-01", "+5", "1.0", "x"],
        "decimal": ["1.5", "-.5", "1.", "1"],
        "double": ["1e5", "1.5E-3", ".5e1", "1.", "e5"],
        "boolean": ["true", "false", "1", "TRUE"],
        "date": ["2021-01-20"],
        "string": ["typed"],
    }.items():
        objects += [ox.Literal(v, datatype=ox.NamedNode(XSD_NS + dt)) for v in values]
    objects.append(ox.Literal("x", datatype=ox.NamedNode("http://example.org/dt")))
    out = [ox.Triple(s, p, o) for o in objects]
    out += [ox.Triple(ox.NamedNode(UNIT + "a/b"), ox.NamedNode(str(RDF.type)), s), ox.Triple(ox.BlankNode("z"), p, s)]
    out += [ox.Triple(ox.NamedNode("http://example.org/other#y"), ox.NamedNode(UNIT + "p.q"), s)]
    return out


def test_the_writer_gives_oxigraphs_bytes_on_every_kind_of_term() -> None:
    prefixes = {**select_prefixes(["rdfs", "rdf", "unit", "xsd"]), "ex": "http://example.org/other#"}
    text = sorted_turtle(tricky_triples(), prefixes, "# h\n")
    assert text == oxigraph_turtle(tricky_triples(), prefixes, "# h\n")
    assert b"unit:a.b\\. " in text
    assert b"unit:a\\/b\\/c" in text


def test_the_writer_gives_oxigraphs_bytes_on_random_terms() -> None:
    rng = random.Random(11)
    alphabet = [*"aZ09-_.~/:#?!$&'()*+,;=@é·\u0300\u203f\u00a0 ", "%2F"]
    s, p = ox.NamedNode(UNIT + "s"), ox.NamedNode(str(RDFS.label))
    triples = []
    for _ in range(3000):
        local = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
        triples.append(ox.Triple(s, p, ox.Literal(local + '\n"\\')))
        try:
            triples.append(ox.Triple(s, p, ox.NamedNode(UNIT + local)))
        except ValueError:  # not an IRI (a space, two '#'): never given to the writer
            continue
    assert len(triples) > 4000
    prefixes = select_prefixes(["rdfs", "unit"])
    assert sorted_turtle(triples, prefixes) == oxigraph_turtle(triples, prefixes)


def test_prefixes_the_writer_leaves_to_oxigraph_give_the_same_bytes() -> None:
    # one namespace inside another (Oxigraph's choice between them decides), or none at all
    nested = {"unit": UNIT, "kkni": "https://w3id.org/kkni/", "rdfs": str(RDFS)}
    for prefixes in (nested, {}):
        assert sorted_turtle(tricky_triples(), prefixes) == oxigraph_turtle(tricky_triples(), prefixes)


def test_the_built_decree_is_written_as_oxigraph_writes_it(decree: Decree) -> None:
    result = build_graph(decree, translations=Translations.load(translations_file()))
    prefixes = select_prefixes(TURTLE_PREFIXES)
    assert sorted_turtle(result.triple_set, prefixes) == oxigraph_turtle(result.triples, prefixes)
    assert len(result.triples) == result.triple_count


def test_a_triple_set_refuses_what_oxigraph_refuses() -> None:
    acc = TripleSet()
    with pytest.raises(ValueError, match="Invalid IRI"):
        acc.iri(UNIT + "a b", str(RDFS.label), UNIT + "b")
    with pytest.raises(ValueError, match="subtag"):
        acc.literal(UNIT + "a", str(RDFS.label), "x", lang="not a tag")
    assert len(acc) == 0
