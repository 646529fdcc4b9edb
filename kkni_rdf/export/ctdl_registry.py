"""The CTDL export as Credential Engine's Registry Assistant publish requests (``kkni export --to ctdl --registry``).

One request per registry record, each a JSON file named after the record's type and CTID:
the issuing ministry (``ceterms:CredentialOrganization``), the framework
(``ceterms:QualificationsFramework``), the progression model with its levels, each
certification, and each pathway with its components and conditions. A request is the
Registry Assistant's graph request (``RA.Models.Input.GraphRequest``): the owning
organisation's CTID (``PublishForOrganizationIdentifier``), the record's ``CTID``, and the
record's CTDL nodes with language maps under ``GraphInput`` (``@context`` is CE's published
CTDL context, whose prefixes the keys use). Embedded nodes (alignment objects, condition
profiles, identifiers, places) stay inside the node that uses them.

The files are written atomically (a temporary file in the same folder, flushed and synced,
then renamed), so a reader never sees half a request.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from kkni_rdf.export.compact import write_document
from kkni_rdf.export.ctdl import CTDL_VOCABULARY, ctdl_graph, ctid
from kkni_rdf.files import write_bytes
from kkni_rdf.namespaces import ASN, CTDL, RDF
from kkni_rdf.store.embedded import KkniStore

#: Credential Engine's published CTDL JSON-LD context, as the Registry Assistant's graph requests name it.
CE_CONTEXT = "https://credreg.net/ctdl/schema/context/json"

#: The record types published as requests of their own, with the file name's prefix; the other
#: records (levels, components) go with the model or pathway they belong to.
REQUEST_TYPES = {
    CTDL.CredentialOrganization: "organization",
    CTDL.QualificationsFramework: "qualifications-framework",
    ASN.ProgressionModel: "progression-model",
    CTDL.Certification: "certification",
    CTDL.Pathway: "pathway",
}


@dataclass(frozen=True)
class PublishRequest:
    filename: str
    ctid: str
    body: dict[str, Any]

    def json_bytes(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"


def _members(graph: Graph, record: URIRef) -> list[URIRef]:
    """The named nodes published with ``record``: a model's levels, a pathway's parts and their conditions."""
    members = [record]
    if (record, RDF.type, ASN.ProgressionModel) in graph:
        members += [m for m in graph.objects(record, ASN.hasProgressionLevel) if isinstance(m, URIRef)]
    if (record, RDF.type, CTDL.Pathway) in graph:
        parts = [m for m in graph.objects(record, CTDL.hasPart) if isinstance(m, URIRef)]
        members += parts
        pending: list[Node] = [c for p in parts for c in graph.objects(p, CTDL.hasCondition)]
        while pending:
            condition = pending.pop()
            if isinstance(condition, URIRef) and condition not in members:
                members.append(condition)
                pending += list(graph.objects(condition, CTDL.hasCondition))
    return members


def _subgraph(graph: Graph, subjects: Iterable[URIRef]) -> Graph:
    """The triples about ``subjects`` and about the blank nodes they embed."""
    out = Graph()
    pending: list[Node] = list(subjects)
    seen: set[Node] = set()
    while pending:
        s = pending.pop()
        if s in seen:
            continue
        seen.add(s)
        for p, o in graph.predicate_objects(s):
            out.add((s, p, o))
            if isinstance(o, BNode):
                pending.append(o)
    return out


def publish_requests(store: KkniStore) -> list[PublishRequest]:
    """Every registry record of the CTDL export as a publish request, in a stable order."""
    graph = ctdl_graph(store)
    owners = sorted(o for o in graph.subjects(RDF.type, CTDL.CredentialOrganization) if isinstance(o, URIRef))
    if len(owners) != 1:
        raise ValueError(f"the CTDL export must have one owning organisation, not {len(owners)}")
    owner = ctid(owners[0])
    requests = []
    for cls, prefix in REQUEST_TYPES.items():
        for record in sorted(r for r in graph.subjects(RDF.type, cls) if isinstance(r, URIRef)):
            doc = json.loads(write_document(_subgraph(graph, _members(graph, record)), CTDL_VOCABULARY))
            record_ctid = ctid(record)
            body = {
                "PublishForOrganizationIdentifier": owner,
                "CTID": record_ctid,
                "HasLanguageMaps": True,
                "DefaultLanguage": "id",
                "GraphInput": {"@context": CE_CONTEXT, "@graph": doc["@graph"]},
            }
            requests.append(PublishRequest(f"{prefix}-{record_ctid}.json", record_ctid, body))
    return requests


def write_registry(store: KkniStore, out: Path) -> list[Path]:
    """Write every publish request into the folder ``out`` (created if needed); the files written."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for request in publish_requests(store):
        path = out / request.filename
        write_bytes(path, request.json_bytes())
        paths.append(path)
    return paths


__all__ = ["CE_CONTEXT", "REQUEST_TYPES", "PublishRequest", "publish_requests", "write_registry"]
