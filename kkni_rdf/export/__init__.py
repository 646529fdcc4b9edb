"""Exports of the decree's graph for other tools and frameworks (``kkni export``), one module per target.

- ``jsonld`` (:mod:`.jsonld`): the decree's data as JSON-LD, compacted with the project's
  versioned context (``data/context/kkni-v1.jsonld``, published as ``CONTEXT_IRI``).
- ``ctdl`` (:mod:`.ctdl`): the KKNI as a CTDL qualifications framework with its levels, each
  qualification a ``ceterms:Certification`` at its level, its packaging rule as condition
  profiles and as a pathway whose component conditions carry ``ceterms:requiredNumber``.
- ``elm`` (:mod:`.elm`): European Learning Model (ELM v3) records that conform to the LOQ
  application profile of the Europass Qualifications Dataset Register.
- ``skos`` (:mod:`.skos`): the units as a SKOS concept scheme, as ESCO publishes its skills.
- ``csv`` (:mod:`.tables`): tables for spreadsheets (qualifications, unit listings,
  prerequisites, job roles).

The graphs come from SPARQL CONSTRUCT or SELECT on the store. The ELM and CTDL documents are
written by :mod:`.compact` (byte-stable, only the receiver's terms); the others by rdflib's
serialisers or the ``csv`` module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kkni_rdf.export.common import data_graph
from kkni_rdf.export.ctdl import ctdl_document, ctdl_graph
from kkni_rdf.export.elm import elm_document, elm_graph
from kkni_rdf.export.jsonld import CONTEXT_IRI, context_file, jsonld_document, load_context
from kkni_rdf.export.skos import skos_document, skos_graph
from kkni_rdf.export.tables import CSV_TABLES, csv_tables
from kkni_rdf.files import write_bytes, write_text
from kkni_rdf.store.embedded import KkniStore

FORMATS = ("jsonld", "ctdl", "elm", "skos", "csv")


@dataclass(frozen=True)
class Export:
    filename: str  # the file it is written to under --out
    make: Callable[[KkniStore], bytes]


DOCUMENTS: dict[str, Export] = {
    "jsonld": Export("kkni.jsonld", jsonld_document),
    "ctdl": Export("kkni-ctdl.jsonld", ctdl_document),
    "elm": Export("kkni-elm.jsonld", elm_document),
    "skos": Export("kkni-units-skos.ttl", skos_document),
}


def write_export(store: KkniStore, to: str, out: Path) -> list[Path]:
    """Write one export into the folder ``out`` (created if needed, each file atomically); the files written."""
    out.mkdir(parents=True, exist_ok=True)
    if to == "csv":
        paths = []
        for name, text in csv_tables(store).items():
            path = out / name
            write_text(path, text)
            paths.append(path)
        return paths
    export = DOCUMENTS[to]
    path = out / export.filename
    write_bytes(path, export.make(store))
    return [path]


__all__ = [
    "CONTEXT_IRI",
    "CSV_TABLES",
    "DOCUMENTS",
    "FORMATS",
    "Export",
    "context_file",
    "csv_tables",
    "ctdl_document",
    "ctdl_graph",
    "data_graph",
    "elm_document",
    "elm_graph",
    "jsonld_document",
    "load_context",
    "skos_document",
    "skos_graph",
    "write_export",
]
