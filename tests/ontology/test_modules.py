"""The ontology's modules as OWL tools find them: a version IRI each, imports a catalog resolves offline
(``ontology/catalog-v001.xml``, as Protégé reads it), ``rdfs:isDefinedBy`` on every term, agents as IRIs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kkni_rdf import __version__
from kkni_rdf.namespaces import DCTERMS, KKNI, OWL, RDF, RDFS
from kkni_rdf.resources import ontology_files
from tests.helpers import ROOT

CATALOG = ROOT / "ontology" / "catalog-v001.xml"
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)


def _modules() -> dict[Path, tuple[URIRef, Graph]]:
    out = {}
    for path in ontology_files():
        graph = Graph().parse(path, format="turtle")
        (iri,) = graph.subjects(RDF.type, OWL.Ontology)
        assert isinstance(iri, URIRef)
        out[path] = (iri, graph)
    return out


@pytest.fixture(scope="module")
def modules() -> dict[Path, tuple[URIRef, Graph]]:
    return _modules()


def _catalog() -> dict[str, Path]:
    root = ET.parse(CATALOG).getroot()
    assert root.tag == "{urn:oasis:names:tc:entity:xmlns:xml:catalog}catalog"
    return {e.attrib["name"]: CATALOG.parent / e.attrib["uri"] for e in root.iter("{urn:oasis:names:tc:entity:xmlns:xml:catalog}uri")}


def test_every_module_has_a_version_iri_of_this_version(modules: dict[Path, tuple[URIRef, Graph]]) -> None:
    assert len(modules) == 4
    version_iris = set()
    for path, (iri, graph) in modules.items():
        assert str(graph.value(iri, OWL.versionInfo)) == __version__, path
        version = graph.value(iri, OWL.versionIRI)
        assert isinstance(version, URIRef), path
        assert f"/{__version__}" in str(version) and version != iri, (path, version)
        version_iris.add(version)
    assert len(version_iris) == len(modules)


def test_the_catalog_maps_every_module_and_every_import_to_its_file(modules: dict[Path, tuple[URIRef, Graph]]) -> None:
    catalog = _catalog()
    for path, (iri, graph) in modules.items():
        assert catalog[str(iri)].resolve() == path.resolve(), iri
        assert catalog[str(graph.value(iri, OWL.versionIRI))].resolve() == path.resolve(), iri
        for imported in graph.objects(iri, OWL.imports):
            target = catalog[str(imported)]
            assert target.exists(), imported
            assert (imported, RDF.type, OWL.Ontology) in Graph().parse(target, format="turtle"), imported
    assert all(p.exists() for p in catalog.values())


def test_every_term_is_defined_by_its_module(modules: dict[Path, tuple[URIRef, Graph]]) -> None:
    problems = []
    count = 0
    for path, (iri, graph) in modules.items():
        terms = {s for t in TERM_TYPES for s in graph.subjects(RDF.type, t) if str(s).startswith(str(KKNI))}
        terms |= {s for s in graph.subjects(RDF.type, None) if str(s).startswith(str(KKNI)) and (s, RDFS.label, None) in graph}
        count += len(terms)
        problems += [f"{path.name}: {t}" for t in sorted(terms, key=str) if list(graph.objects(t, RDFS.isDefinedBy)) != [iri]]
    assert count >= 112
    assert not problems, "\n".join(problems)


def test_creator_and_publisher_are_iris_with_labels(modules: dict[Path, tuple[URIRef, Graph]]) -> None:
    core = next(g for _, (i, g) in modules.items() if str(i) == "https://w3id.org/kkni/ontology")
    for path, (iri, graph) in modules.items():
        for p in (DCTERMS.creator, DCTERMS.publisher):
            agents = list(graph.objects(iri, p))
            assert agents and all(isinstance(a, URIRef) for a in agents), (path, p, agents)
            for agent in agents:
                assert {"id", "en"} <= {getattr(label, "language", None) for label in core.objects(agent, RDFS.label)}, agent


def test_the_html_page_documents_the_kkni_terms_not_the_declared_external_ones() -> None:
    from kkni_rdf.ontology_docs import render_html  # noqa: PLC0415  (pyLODE is slow to import)

    html = render_html(lang="en")
    assert 'id="LegalAct"' in html and 'id="requiresTransitively"' in html
    for external in ("LegalResource", "Concept", "ConceptScheme", "based_on", "prefLabel", "Organization"):
        assert f'id="{external}"' not in html, external
