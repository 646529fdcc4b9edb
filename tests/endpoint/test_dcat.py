"""The DCAT-AP 3 catalogue at /catalog, as a data portal harvests it from a running `kkni serve`:
SEMIC's DCAT-AP 3.0.1 shapes find nothing, the sizes and checksums are those of the bytes served,
every IRI is under the w3id base; and VoID's and the service description's counts are what a query counts."""

from __future__ import annotations

import hashlib
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kkni_rdf import __version__
from kkni_rdf.namespaces import DCAT, DCTERMS, DEFAULT_BASE, FOAF, RDF, RDFS, SD, SH, SPDX, VOID
from tests.endpoint.conftest import Server, kkni_serve
from tests.helpers import ROOT, without_shared_file

DCAT_AP_DIR = ROOT.parent / "shared" / "interop" / "dcat-ap"
CATALOG, DATASET, SERVICE = URIRef(f"{DEFAULT_BASE}catalog"), URIRef(f"{DEFAULT_BASE}dataset"), URIRef(f"{DEFAULT_BASE}sparql")
#: SEMIC's release, as used: all constraints in one file; or the mandatory and recommended shapes with the class ranges.
SHAPE_SETS = {"all": ("dcat-ap-SHACL.ttl",), "mandatory+recommended+ranges": ("shapes.ttl", "shapes_recommended.ttl", "ranges.ttl")}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with kkni_serve(tmp_path_factory.mktemp("dcat"), "--workers", "1") as s:
        yield s


def as_int(value: object) -> int:
    assert isinstance(value, Literal), value
    return int(value)


def get(url: str, accept: str = "text/turtle") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def count(server: Server, query: str) -> int:
    url = f"{server.url}/sparql?" + urllib.parse.urlencode({"query": query})
    status, _, body = get(url, "text/csv")
    assert status == 200, body
    return int(body.decode().splitlines()[1])


@pytest.fixture(scope="module")
def catalog(server: Server) -> Graph:
    status, media, body = get(f"{server.url}/catalog")
    assert status == 200 and media.startswith("text/turtle"), media
    return Graph().parse(data=body, format="turtle")


def shapes(names: tuple[str, ...]) -> Graph:
    """SEMIC's shapes; the release references property shapes it never defines: those links are dropped."""
    missing = [str(DCAT_AP_DIR / n) for n in names if not (DCAT_AP_DIR / n).is_file()]
    if missing:
        without_shared_file(f"the catalogue is checked against SEMIC's DCAT-AP 3.0.1 shapes; missing: {', '.join(missing)}")
    g = Graph()
    for name in names:
        g.parse(DCAT_AP_DIR / name, format="turtle")
    for s, o in list(g.subject_objects(SH.property)):
        if (o, None, None) not in g:
            g.remove((s, SH.property, o))
    return g


@pytest.mark.parametrize("shape_set", list(SHAPE_SETS))
def test_semic_dcat_ap_shapes_find_no_violation_and_no_warning(catalog: Graph, shape_set: str) -> None:
    conforms, report, text = validate(catalog, shacl_graph=shapes(SHAPE_SETS[shape_set]), inference="none", allow_warnings=False)
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    assert conforms and not results, text


def test_a_dataset_per_graph_each_described_in_both_languages(catalog: Graph, server: Server) -> None:
    g = catalog
    assert (CATALOG, RDF.type, DCAT.Catalog) in g
    graphs = {URIRef(str(iri)) for iri in _graph_iris(server)}
    assert len(graphs) == count(server, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") > 5
    datasets = set(g.objects(CATALOG, DCAT.dataset))
    assert datasets == graphs | {DATASET}
    for ds in datasets:
        assert (ds, RDF.type, DCAT.Dataset) in g
        for prop in (DCTERMS.title, DCTERMS.description):
            assert {o.language for o in g.objects(ds, prop) if isinstance(o, Literal)} == {"id", "en"}, (ds, prop)
        assert {o.language for o in g.objects(ds, DCAT.keyword) if isinstance(o, Literal)} == {"id", "en"}
        assert g.value(ds, DCAT.version) == Literal(__version__)
        assert g.value(ds, DCTERMS.hasVersion) is None
        assert URIRef("http://publications.europa.eu/resource/authority/data-theme/EDUC") in set(g.objects(ds, DCAT.theme))
        assert g.value(ds, DCTERMS.spatial) == URIRef("http://publications.europa.eu/resource/authority/country/IDN")
        assert g.value(ds, DCTERMS.publisher) is not None and g.value(ds, DCAT.contactPoint) is not None
        assert g.value(ds, DCTERMS.license) is not None and g.value(ds, DCTERMS.issued) is not None
    assert len(list(g.objects(DATASET, DCAT.distribution))) == 6
    assert all(len(list(g.objects(ds, DCAT.distribution))) == 1 for ds in graphs)
    assert g.value(SERVICE, DCAT.endpointURL) == SERVICE
    assert set(g.objects(SERVICE, DCAT.servesDataset)) == datasets
    # the data's temporal coverage starts when the decree came into force, as the decree prints it
    assert "2021-07-20" in {str(o) for o in g.objects(None, DCAT.startDate)}


def _graph_iris(server: Server) -> list[str]:
    url = f"{server.url}/sparql?" + urllib.parse.urlencode({"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    _, _, body = get(url, "text/csv")
    return body.decode().split()[1:]


def test_every_iri_is_under_the_w3id_base_not_the_request_host(catalog: Graph, server: Server) -> None:
    terms = {t for triple in catalog for t in triple if isinstance(t, URIRef)}
    assert not [t for t in terms if str(t).startswith(server.url)]
    ours = {
        s for cls in (DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, DCAT.DataService, FOAF.Agent) for s in catalog.subjects(RDF.type, cls)
    }
    assert len(ours) > 20 and all(str(t).startswith(DEFAULT_BASE) for t in ours)


def test_sizes_and_sha256_checksums_are_of_the_bytes_served(catalog: Graph, server: Server) -> None:
    distributions = list(catalog.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == 6 + len(_graph_iris(server))
    for d in distributions:
        url = str(catalog.value(d, DCAT.downloadURL))
        assert url.startswith(DEFAULT_BASE)
        status, media, body = get(server.url + "/" + url[len(DEFAULT_BASE) :], "*/*")
        assert status == 200, url
        assert as_int(catalog.value(d, DCAT.byteSize)) == len(body), url
        checksum = catalog.value(d, SPDX.checksum)
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(catalog.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest(), url
        media_iri = str(catalog.value(d, DCAT.mediaType))
        assert media_iri == "https://www.iana.org/assignments/media-types/" + media.split(";")[0].strip(), url


def test_catalogue_as_turtle_and_json_ld_by_negotiation(catalog: Graph, server: Server) -> None:
    for url, accept in ((f"{server.url}/catalog", "application/ld+json"), (f"{server.url}/catalog?format=jsonld", "text/html")):
        status, media, body = get(url, accept)
        assert status == 200 and media.startswith("application/ld+json"), media
        assert isomorphic(Graph().parse(data=body, format="json-ld"), catalog)
    status, media, body = get(f"{server.url}/catalog", "application/sparql-results+json")
    assert status == 406 and media.startswith("application/json") and b"Traceback" not in body


def test_void_and_service_description_count_what_a_query_counts(server: Server) -> None:
    _, _, body = get(f"{server.url}/.well-known/void")
    void = Graph().parse(data=body, format="turtle")
    assert (DATASET, RDF.type, VOID.Dataset) in void
    default = count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert as_int(void.value(DATASET, VOID.triples)) == default
    subsets = list(void.objects(DATASET, VOID.subset))
    assert subsets
    for sub in subsets:
        assert as_int(void.value(sub, VOID.triples)) == count(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{sub}> {{ ?s ?p ?o }} }}")
        assert {o.language for o in void.objects(sub, DCTERMS.title) if isinstance(o, Literal)} == {"id", "en"}
    assert void.value(DATASET, RDFS.seeAlso) == CATALOG and (CATALOG, DCAT.dataset, DATASET) in void
    assert void.value(DATASET, DCTERMS.hasVersion) is None and void.value(DATASET, DCAT.version) == Literal(__version__)

    _, _, body = get(f"{server.url}/sparql")
    sd = Graph().parse(data=body, format="turtle")
    (dataset,) = sd.objects(None, SD.defaultDataset)
    graph = sd.value(dataset, SD.defaultGraph)
    assert as_int(sd.value(graph, VOID.triples)) == default
    for page in ("/.well-known/void", "/sparql"):  # and the pages for browsers say the same
        _, _, html = get(f"{server.url}{page}", "text/html")
        assert f"{default:,}".encode() in html, page


def test_the_pages_link_the_catalogue(server: Server) -> None:
    status, _, body = get(f"{server.url}/", "text/html")
    assert status == 200 and b'href="/catalog"' in body


def test_docs_say_where_the_catalogue_is() -> None:
    assert "/catalog" in Path(ROOT / "docs" / "interop.md").read_text(encoding="utf-8")


def test_the_publisher_is_the_project_the_ontology_names_its_creator_and_publisher(catalog: Graph) -> None:
    """One agent, one IRI: the catalogue's publisher is the ontology modules' creator and publisher."""
    ontology = Graph().parse(ROOT / "ontology" / "kkni.ttl")
    named = set(ontology.objects(None, DCTERMS.publisher)) | set(ontology.objects(None, DCTERMS.creator))
    assert named == {URIRef(f"{DEFAULT_BASE}project")}
    assert set(catalog.objects(CATALOG, DCTERMS.publisher)) == named
    assert set(catalog.objects(DATASET, DCTERMS.publisher)) == named
