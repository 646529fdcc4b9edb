"""The store's derived prerequisite closure (kkni_rdf/store/derived.py, ontology/kkni-derived.ttl).

``kkni:requires`` and ``kkni:requiresTransitively`` must hold exactly the pairs of the property
paths they stand for, over the union of every decree loaded, and live in the default graph only.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.synth import synthesize
from kkni_rdf.graph.build import build_many
from kkni_rdf.iris import Iris
from kkni_rdf.resources import ontology_files
from kkni_rdf.store.derived import derived_triples, refresh_derived, transitive_closure
from kkni_rdf.store.embedded import GraphFile, KkniStore
from kkni_rdf.store.protocol import Dataset

STEP = "^kkni:unit/kkni:hasPrerequisite/kkni:requiredUnit"


def pairs(store: KkniStore, where: str) -> set[tuple[str, str]]:
    result = store.query(f"SELECT DISTINCT ?u ?r WHERE {{ {where} }}")
    assert isinstance(result, ox.QuerySolutions)
    return {(str(s["u"]), str(s["r"])) for s in result}


def test_closure_is_the_property_path_on_the_decree(store: KkniStore) -> None:
    assert pairs(store, "?u kkni:requires ?r") == pairs(store, f"?u {STEP} ?r")
    closure = pairs(store, "?u kkni:requiresTransitively ?r")
    assert closure == pairs(store, f"?u ({STEP})+ ?r")
    # N.78SPS02.074.1 needs N.78SPS02.067.1, which needs N.78SPS02.063.1 (docs: prerequisite chains)
    unit = "<https://w3id.org/kkni/unit/{}>".format
    assert (unit("N.78SPS02.074.1"), unit("N.78SPS02.063.1")) in closure
    assert (unit("N.78SPS02.074.1"), unit("N.78SPS02.063.1")) not in pairs(store, "?u kkni:requires ?r")


def test_derived_triples_are_in_the_default_graph_only(store: KkniStore) -> None:
    assert pairs(store, "?u kkni:requiresTransitively ?r")
    assert pairs(store, "GRAPH ?g { ?u kkni:requiresTransitively ?r }") == set()
    assert pairs(store, "GRAPH ?g { ?u kkni:requires ?r }") == set()
    assert all(not g.endswith("/derived") for g in store.graphs())


def test_closure_follows_prerequisites_across_decrees(tmp_path: Path) -> None:
    """Decree A prints X needs Y; decree B prints Y needs Z: X requires Z only in the union."""
    prefix = "@prefix kkni: <https://w3id.org/kkni/ontology#> .\n@prefix : <https://example.org/> .\n"
    a = tmp_path / "a.ttl"
    a.write_text(prefix + ":rowX kkni:unit :X ; kkni:hasPrerequisite :p1 . :p1 kkni:requiredUnit :Y .\n", encoding="utf-8")
    b = tmp_path / "b.ttl"
    b.write_text(prefix + ":rowY kkni:unit :Y ; kkni:hasPrerequisite :p2 . :p2 kkni:requiredUnit :Z .\n", encoding="utf-8")
    x, y, z = (f"<https://example.org/{n}>" for n in "XYZ")
    store = KkniStore()
    store.load_files([GraphFile(a, "https://example.org/graph/a")])
    assert pairs(store, "?u kkni:requiresTransitively ?r") == {(x, y)}
    # loading the second decree refreshes the closure over both
    store.load_files([GraphFile(b, "https://example.org/graph/b")])
    assert pairs(store, "?u kkni:requiresTransitively ?r") == {(x, y), (x, z), (y, z)}
    assert pairs(store, "?u kkni:requires ?r") == {(x, y), (y, z)}
    # per named graph, neither decree alone has the chain
    for g in store.graphs():
        only = store.query(f"SELECT ?u ?r WHERE {{ ?u ({STEP})+ ?r }}", Dataset(default=(g,)))
        assert isinstance(only, ox.QuerySolutions)
        assert len(list(only)) == 1


def test_a_cycle_makes_a_unit_require_itself() -> None:
    a, b, c = (ox.NamedNode(f"https://example.org/{n}") for n in "abc")
    assert transitive_closure({a: {b}, b: {a, c}}) == {a: {a, b, c}, b: {a, b, c}}


def test_refresh_is_idempotent_and_keeps_stated_triples(store: KkniStore) -> None:
    copy = KkniStore()
    copy.named.extend(store.named.quads_for_pattern(None, None, None, None))
    copy.union.extend(store.union.quads_for_pattern(None, None, None, None))
    before = sorted(map(str, derived_triples(copy.union)))
    assert refresh_derived(copy.union, copy.named) == refresh_derived(copy.union, copy.named) == len(before)
    # a named graph that states a derived property keeps its triple in the default graph
    stated = ox.Quad(ox.NamedNode("https://example.org/u"), ox.NamedNode("https://w3id.org/kkni/ontology#requires"),
                     ox.NamedNode("https://example.org/v"), ox.NamedNode("https://example.org/graph/stated"))  # fmt: skip
    copy.named.add(stated)
    copy.union.add(ox.Quad(stated.subject, stated.predicate, stated.object, ox.DefaultGraph()))
    refresh_derived(copy.union, copy.named)
    assert ("<https://example.org/u>", "<https://example.org/v>") in pairs(copy, "?u kkni:requires ?r")


@pytest.mark.parametrize("scale", [3])
def test_closure_is_the_property_path_on_a_national_set(scale: int, tmp_path: Path) -> None:
    # a plant in every qualification: prerequisite cycles and prerequisites printed outside the table
    manifest = synthesize(tmp_path / "text", scale=scale, seed=11, plant_every=1)
    built = build_many([tmp_path / "text" / n for n in manifest.decrees], tmp_path / "rdf", jobs=1)
    iris = Iris()
    store = KkniStore()
    store.load_files([GraphFile(p, str(iris.graph("ontology"))) for p in ontology_files()])
    store.load_files([GraphFile(b.path, str(iris.graph(b.slug))) for b in built])
    closure = pairs(store, "?u kkni:requiresTransitively ?r")
    assert closure == pairs(store, f"?u ({STEP})+ ?r")
    assert any(u == r for u, r in closure), "the planted cycles make units require themselves"
