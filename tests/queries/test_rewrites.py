"""Queries rewritten for national scale answer exactly as they did before.

``tests/queries/reference/`` keeps the text of each rewritten query as it was before the rewrite.
Both texts run on the decree's store and on national sets from ``bench/synth.py`` (the decree plus
synthetic sector decrees, with planted inconsistencies: cycles, duplicates, prerequisites printed
outside their table…), and must give the same rows: the same multiset, in the same order wherever
the reference's ``ORDER BY`` decides it. A rewrite that changed an answer fails here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.synth import shared_units_from, synthesize
from kkni_rdf.decree.model import Decree
from kkni_rdf.graph.build import build_many
from kkni_rdf.iris import Iris
from kkni_rdf.resources import ontology_files, resource
from kkni_rdf.store.embedded import GraphFile, KkniStore

REFERENCE = Path(__file__).resolve().parent / "reference"

Row = tuple[str | None, ...]

#: Each rewritten query, and the output variables its reference's ORDER BY sorts on (in order).
ORDER_KEYS: dict[str, tuple[str, ...]] = {
    "core-here-elective-there": ("unitCode", "coreIn", "electiveIn"),
    "job-roles-by-level": ("level", "group"),
    "job-roles-isco": (),  # sorted by section and position, neither an output: the rows compared as a multiset
    "level-progression": ("group", "lowerLevel", "unitCode"),
    "packaging-arithmetic": (),  # sorted by section, not an output: the rows compared as a multiset
    "prerequisite-chains": ("qualification", "unitCode", "viaCode", "requiredCode"),
    "prerequisite-only-units": ("unitCode", "qualification", "requiredBy"),
    "qualification-unit-table": ("role", "position"),
    "qualifications": ("qualification",),
    "qualifications-by-level-and-group": ("level", "subfield", "group"),
    "unit-versions": ("familyCode", "version"),
    "work-attitude-progression": ("group", "level"),
}

#: Edits of a query's parameter line, run as well: (what to replace, with what).
EDITS: dict[str, list[tuple[str, str]]] = {
    "qualification-unit-table": [('"N78SPS02-3-instruktur"', '"N78SPS01-4-asesor"')],
    "work-attitude-progression": [('"komunikasi"', '"belajar"')],
}

#: References too slow to run on the larger national set (they are why the query was rewritten).
SLOW_REFERENCES = {"level-progression"}


def answer(store: KkniStore, text: str) -> tuple[list[str], list[Row]]:
    result = store.query(text)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return names, [tuple(None if sol[n] is None else str(sol[n]) for n in names) for sol in result]


def national_store(tmp: Path, decree: Decree, root: Path, scale: float, seed: int, plant_every: int) -> KkniStore:
    """The decree and a synthetic national set, loaded as `kkni serve` loads data/."""
    manifest = synthesize(tmp / "text", scale=scale, seed=seed, shared=shared_units_from(decree), plant_every=plant_every)
    built = build_many([tmp / "text" / n for n in manifest.decrees], tmp / "rdf", jobs=1)
    iris = Iris()
    store = KkniStore()
    store.load_files([GraphFile(p, str(iris.graph("ontology"))) for p in ontology_files()])
    files = [GraphFile(root / "data" / "kepmenaker-3-2021.ttl", str(iris.graph("kepmenaker-3-2021")))]
    store.load_files(files + [GraphFile(b.path, str(iris.graph(b.slug))) for b in built])
    return store


@pytest.fixture(scope="module")
def stores(store: KkniStore, decree: Decree, root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Callable[[], KkniStore]]:
    """The stores to compare on, each made on first use."""
    made: dict[str, KkniStore] = {"decree": store}

    def lazy(name: str, scale: float, seed: int, plant_every: int) -> Callable[[], KkniStore]:
        def get() -> KkniStore:
            if name not in made:
                made[name] = national_store(tmp_path_factory.mktemp(name), decree, root, scale, seed, plant_every)
            return made[name]

        return get

    return {
        "decree": lambda: store,
        # two sectors with a plant in every qualification: every kind of inconsistency
        "national-3x-planted": lazy("national-3x-planted", 3, 11, 1),
        # six sectors, as bench/scale.py's 10x
        "national-10x": lazy("national-10x", 10, 6, 2),
    }


CASES = [
    (name, dataset)
    for name in sorted(ORDER_KEYS)
    for dataset in ("decree", "national-3x-planted", "national-10x")
    if not (dataset == "national-10x" and name in SLOW_REFERENCES)
]


def test_every_reference_is_a_query_of_the_library() -> None:
    names = {p.stem for p in REFERENCE.glob("*.rq")}
    assert names == set(ORDER_KEYS)
    assert names <= {p.stem for p in resource("queries").glob("*.rq")}


@pytest.mark.parametrize(("name", "dataset"), CASES)
def test_rewritten_query_answers_as_its_reference(name: str, dataset: str, stores: dict[str, Callable[[], KkniStore]]) -> None:
    store = stores[dataset]()
    current = (resource("queries") / f"{name}.rq").read_text(encoding="utf-8")
    reference = (REFERENCE / f"{name}.rq").read_text(encoding="utf-8")
    texts = [(current, reference)] + [(current.replace(a, b), reference.replace(a, b)) for a, b in EDITS.get(name, [])]
    for new_text, old_text in texts:
        names, new = answer(store, new_text)
        old_names, old = answer(store, old_text)
        assert names == old_names
        assert Counter(new) == Counter(old), f"{name} on {dataset}: the rows differ"
        keys = [names.index(k) for k in ORDER_KEYS[name]]
        assert [tuple(r[i] for i in keys) for r in new] == [tuple(r[i] for i in keys) for r in old], (
            f"{name} on {dataset}: the order differs"
        )
    # every case exercises the query: it has rows to compare
    assert answer(store, current)[1], f"{name} on {dataset}: no rows"
