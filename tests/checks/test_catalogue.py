"""The catalogue of qualifications is read from a store: the embedded one, or any other."""

from __future__ import annotations

from pathlib import Path

from kkni_rdf.checks.catalogue import catalogue_from_store
from kkni_rdf.store.embedded import GraphFile, KkniStore


def test_the_catalogue_of_the_embedded_store(store: KkniStore) -> None:
    catalogue = catalogue_from_store(store)
    assert len(catalogue.qualifications) == 14
    assert catalogue == catalogue_from_store(KkniStore.load_default())  # read again, the same
    asesor = catalogue.find("N78SPS01-4-asesor")
    assert asesor.core == ("M.74SPS03.088.2", "M.74SPS03.090.1") and asesor.required_elective == 1


def test_a_catalogue_from_another_store(root: Path) -> None:
    small = KkniStore()
    small.load_files([GraphFile(root / "data" / "examples" / "decree-small.ttl", "https://w3id.org/kkni/graph/kepmenaker-99-2030")])
    catalogue = catalogue_from_store(small)
    (q,) = catalogue.qualifications.values()
    assert q.short_id == "P85ABC01-3-contoh" and (q.required_units, q.required_core, q.required_elective) == (4, 2, 2)
    assert q.core == ("P.85ABC01.001.1", "P.85ABC01.002.1")
    assert q.elective == ("P.85ABC01.003.1", "P.85ABC01.004.1", "P.85ABC01.005.1")
    assert q.prerequisites == {"P.85ABC01.004.1": ("P.85ABC01.003.1",)}
    assert catalogue.units == set(q.core) | set(q.elective)
