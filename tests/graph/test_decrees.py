"""Several decrees in one store: a synthetic sector decree (read by the real reader) next to
Kepmenaker 3/2021; shared units are one resource; every qualification says its decree."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.synth import PLANT_KINDS, SharedUnit, number_words, shared_units_from, synthesize
from kkni_rdf.decree.model import Decree
from kkni_rdf.decree.parser import parse_decree_file
from kkni_rdf.graph.build import build_files, build_many, serialize
from kkni_rdf.iris import Iris
from kkni_rdf.resources import ontology_files, translations_file
from kkni_rdf.store.embedded import GraphFile, KkniStore

SYNTH = "kepmenaker-500-2022"


def table(store: KkniStore, query: str) -> list[dict[str, str]]:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    text = result.serialize(format=ox.QueryResultsFormat.CSV)
    assert text is not None
    return list(csv.DictReader(io.StringIO(text.decode("utf-8"))))


@pytest.fixture(scope="module")
def shared(decree: Decree) -> list[SharedUnit]:
    return shared_units_from(decree)


@pytest.fixture(scope="module")
def two_decrees(root: Path, shared: list[SharedUnit], tmp_path_factory: pytest.TempPathFactory) -> KkniStore:
    """Kepmenaker 3/2021 and one synthetic decree, built by `build_files` and loaded as `kkni serve` loads data/."""
    tmp = tmp_path_factory.mktemp("decrees")
    manifest = synthesize(tmp / "text", scale=1, seed=3, shared=shared)
    assert manifest.decrees == [f"{SYNTH}.txt"]
    out = tmp / "data"
    real, _ = build_files(root / "data" / "source" / "kepmenaker-3-2021.txt", out, translations_path=translations_file())
    synth, _ = build_files(tmp / "text" / manifest.decrees[0], out, translations_path=translations_file())
    iris = Iris()
    store = KkniStore()
    store.load_files([GraphFile(p, str(iris.graph("ontology"))) for p in ontology_files()])
    store.load_files([GraphFile(real, str(iris.graph("kepmenaker-3-2021"))), GraphFile(synth, str(iris.graph(SYNTH)))])
    return store


def test_shared_units_are_plain_units_of_the_decree(shared: list[SharedUnit], decree: Decree) -> None:
    assert len(shared) == 4
    printed = {(r.code.code, r.title) for q in decree.qualifications for r in q.rows}
    assert all((s.code, s.title) in printed for s in shared)


def test_each_decree_is_its_own_named_graph(two_decrees: KkniStore) -> None:
    assert [g.rsplit("/", 1)[1] for g in two_decrees.graphs()] == ["kepmenaker-3-2021", SYNTH, "ontology"]
    got = table(
        two_decrees,
        "SELECT ?g (COUNT(DISTINCT ?q) AS ?n) WHERE { GRAPH ?g { ?q a kkni:Qualification } } GROUP BY ?g ORDER BY ?g",
    )
    assert [(r["g"].rsplit("/", 1)[1], r["n"]) for r in got] == [("kepmenaker-3-2021", "14"), (SYNTH, "14")]


def test_every_qualification_names_its_decree_and_its_iri_carries_it(two_decrees: KkniStore) -> None:
    got = table(
        two_decrees,
        """SELECT ?q (COUNT(DISTINCT ?d) AS ?n) (SAMPLE(?d) AS ?decree) (SAMPLE(?g) AS ?graph)
           WHERE { GRAPH ?g { ?q a kkni:Qualification ; kkni:decree ?d } } GROUP BY ?q""",
    )
    assert len(got) == 28
    for row in got:
        slug = row["decree"].rsplit("/", 1)[1]
        assert row["n"] == "1"
        assert row["q"].startswith(f"https://w3id.org/kkni/qualification/{slug}/")
        assert row["graph"].endswith(f"/graph/{slug}")


def test_shared_units_are_one_resource_mentioned_in_both_decrees(two_decrees: KkniStore, shared: list[SharedUnit]) -> None:
    got = table(
        two_decrees,
        """SELECT ?code (COUNT(DISTINCT ?d) AS ?decrees) (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(DISTINCT ?label) AS ?labels)
                  (COUNT(DISTINCT ?q) AS ?qualifications)
           WHERE { ?u a kkni:Unit ; kkni:code ?code ; kkni:mentionedIn ?d ; rdfs:label ?label . FILTER (lang(?label) = "id")
                   GRAPH ?g { ?u a kkni:Unit }
                   ?row kkni:unit ?u ; kkni:qualification ?q }
           GROUP BY ?code HAVING (COUNT(DISTINCT ?d) > 1) ORDER BY ?code""",
    )
    listed = [s for s in shared if s.code in {r["code"] for r in got}]
    assert [r["code"] for r in got] == sorted(s.code for s in listed) and len(listed) >= 2
    for r in got:
        # one unit IRI in both graphs, one Indonesian title, listed by qualifications of both decrees
        assert (r["decrees"], r["graphs"], r["labels"]) == ("2", "2", "1")
        assert int(r["qualifications"]) >= 2


def test_synthetic_decree_reads_like_the_real_one(tmp_path: Path, shared: list[SharedUnit]) -> None:
    m = synthesize(tmp_path, scale=1, seed=3, shared=shared)
    d = parse_decree_file(tmp_path / m.decrees[0])
    assert (d.slug, len(d.qualifications), sum(len(q.rows) for q in d.qualifications)) == (SYNTH, 14, m.unit_rows)
    assert d.field_name == "Pengolahan Pangan Dasar"
    # the same seed gives the same text; another seed another
    again = synthesize(tmp_path / "again", scale=1, seed=3, shared=shared)
    other = synthesize(tmp_path / "other", scale=1, seed=4, shared=shared)
    text = (tmp_path / m.decrees[0]).read_text(encoding="utf-8")
    assert (tmp_path / "again" / again.decrees[0]).read_text(encoding="utf-8") == text
    assert (tmp_path / "other" / other.decrees[0]).read_text(encoding="utf-8") != text


def test_national_scale_has_one_decree_per_sector(tmp_path: Path) -> None:
    m = synthesize(tmp_path, scale=10, seed=6)
    assert (len(m.decrees), m.qualifications) == (6, 140)
    assert 3000 < m.unit_rows < 4500  # about ten times the decree's 372 rows
    assert {p.kind for p in m.plants} == set(PLANT_KINDS)


def test_build_many_equals_build_files_and_is_deterministic(tmp_path: Path, shared: list[SharedUnit]) -> None:
    m = synthesize(tmp_path / "text", scale=2, seed=5, shared=shared)
    sources = [tmp_path / "text" / n for n in m.decrees]
    parallel = build_many(sources, tmp_path / "a", jobs=2)
    serial = build_many(sources, tmp_path / "b", jobs=1)
    assert [s.path.name for s in parallel] == [f"{Path(n).stem}.ttl" for n in m.decrees]
    for p, s in zip(parallel, serial, strict=True):
        assert p.path.read_bytes() == s.path.read_bytes()
        assert (p.triples, p.qualifications, p.unit_rows) == (s.triples, s.qualifications, s.unit_rows)
    # the public serializer (an rdflib graph in) writes the same body as the fast path
    path, result = build_files(sources[0], tmp_path / "c")
    header = path.read_text(encoding="utf-8").split("@prefix", 1)[0]
    assert serialize(result.graph, header) == path.read_text(encoding="utf-8")
    assert len(result.graph) == result.triple_count == parallel[0].triples


@pytest.mark.parametrize(
    ("n", "words"), [(9, "sembilan"), (11, "sebelas"), (14, "empat belas"), (20, "dua puluh"), (31, "tiga puluh satu")]
)
def test_number_words(n: int, words: str) -> None:
    assert number_words(n) == words


def test_cross_decree_findings_need_across_decrees(root: Path, tmp_path: Path) -> None:
    """A second printing of the decree under another number reuses every code and level: only the
    run across decrees sees that, the per-graph run sees each decree alone."""
    from kkni_rdf.validation.in_store import validate_in_store

    text = (root / "data" / "source" / "kepmenaker-3-2021.txt").read_text(encoding="utf-8")
    (tmp_path / "copy.txt").write_text(text.replace("NOMOR 3 TAHUN 2021", "NOMOR 4 TAHUN 2021"), encoding="utf-8")
    a, _ = build_files(root / "data" / "source" / "kepmenaker-3-2021.txt", tmp_path / "out")
    b, _ = build_files(tmp_path / "copy.txt", tmp_path / "out")
    iris = Iris()
    store = KkniStore()
    store.load_files([GraphFile(a, str(iris.graph("kepmenaker-3-2021"))), GraphFile(b, str(iris.graph("kepmenaker-4-2021")))])
    q = "https://w3id.org/kkni/qualification/{}/N78SPS02-3-instruktur"
    alone = {(f.rule, str(f.focus)) for f in validate_in_store(store).findings}
    across = {(f.rule, str(f.focus)) for f in validate_in_store(store, across_decrees=True).findings}
    for slug in ("kepmenaker-3-2021", "kepmenaker-4-2021"):
        assert ("codification.ambiguous", q.format(slug)) not in alone
        assert ("codification.ambiguous", q.format(slug)) in across
    assert alone < across
