"""The ontology as OWL reasoners and the OWL API read it: consistent with the data under HermiT and Pellet,
and no OWL 2 DL profile violation (the OWL API's ``OWL2DLProfile``), its imports resolved offline through
``ontology/catalog-v001.xml``.

Only PyPI, Debian and npm are reachable here (no Maven Central), so the tools come from there: HermiT 1.3.8
and Pellet 2.3.1, each on the OWL API 3 it ships with, are the jars bundled by owlready2 (a dev dependency);
the OWL API 5 profile checker is Debian's ``libowlapi-java`` (``.ci/run`` installs it and a JDK). Openllet
(Pellet's successor) is published on Maven Central only, so Pellet, its origin, stands in for it. The two
small Java programs in ``tests/ontology/java/`` are compiled with ``javac`` when the tests start.

Without Java, owlready2 or Debian's OWL API (a fresh clone on a bare machine) the tests are skipped, saying
so; in CI (``CI=true``) they fail instead, as CI must run them.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path
from typing import NoReturn

import pytest
from rdflib import Graph, Literal

from kkni_rdf.namespaces import OWL, XSD
from kkni_rdf.ontology_docs import ontology_graph
from kkni_rdf.resources import ontology_files
from tests.helpers import ROOT

JAVA_SOURCES = Path(__file__).parent / "java"
CATALOG = ROOT / "ontology" / "catalog-v001.xml"
DEBIAN_JARS = Path("/usr/share/java")
#: Debian's OWL API 5 and what it needs at run time (libowlapi-java's dependencies).
OWLAPI5_JARS = (
    "owlapi-distribution.jar", "guava.jar", "caffeine.jar", "commons-rdf-api.jar", "commons-io.jar", "slf4j-api.jar",
    "slf4j-nop.jar", "jsr305.jar", "atinject-jsr330-api.jar", "hppcrt.jar", "xz.jar", "commons-codec.jar",
    "httpclient.jar", "httpcore.jar", "commons-logging.jar", "jackson-core.jar", "jackson-databind.jar",
    "jackson-annotations.jar",
)  # fmt: skip
HERMIT = "org.semanticweb.HermiT.Reasoner$ReasonerFactory"
PELLET = "com.clarkparsia.pellet.owlapiv3.PelletReasonerFactory"
#: The data the ontology describes: the built decree, and the interop module's crosswalks and alignments.
DATA = (
    ROOT / "data" / "kepmenaker-3-2021.ttl",
    *sorted((ROOT / "data" / "crosswalks").glob("*.ttl")),
    *sorted((ROOT / "data" / "alignments").glob("*.ttl")),
)
#: Datatypes the data keeps on purpose though OWL 2's datatype map lacks them (see test_ontology_and_data_...).
NOT_OWL2_DATATYPES = (XSD.date, XSD.duration)


def without_tool(message: str) -> NoReturn:
    """A tool these tests run is missing: skipped, saying so; failed in CI (``CI=true``), where it must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI must run these tests (.ci/run installs it)", pytrace=False)
    pytest.skip(f"{message} (install a JDK, libowlapi-java and the dev dependencies to run it; CI does)")


class Java:
    """The compiled checkers and their class paths."""

    def __init__(self, classes: Path, owlapi5: str, hermit: str, pellet: str) -> None:
        self.classes, self.owlapi5, self.hermit, self.pellet = classes, owlapi5, hermit, pellet

    def run(self, classpath: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["java", "-cp", f"{classpath}{os.pathsep}{self.classes}", *args],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def profile(self, *documents: Path) -> list[str]:
        """The OWL 2 DL profile violations of ``documents``, one line each."""
        done = self.run(self.owlapi5, "ProfileCheck", str(CATALOG), *map(str, documents))
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[-1] == f"violations {len(lines) - 1}", done.stdout
        return lines[:-1]

    def consistency(self, reasoner: str, document: Path) -> subprocess.CompletedProcess[str]:
        classpath = self.hermit if reasoner == HERMIT else self.pellet
        return self.run(classpath, "ReasonerCheck", reasoner, str(document))


@pytest.fixture(scope="module")
def java(tmp_path_factory: pytest.TempPathFactory) -> Java:
    if not (shutil.which("java") and shutil.which("javac")):
        without_tool("no java/javac on PATH")
    spec = importlib.util.find_spec("owlready2")
    if spec is None or spec.origin is None:
        without_tool("owlready2 (a dev dependency, which bundles HermiT and Pellet) is not installed")
    bundled = Path(spec.origin).parent
    missing = [j for j in OWLAPI5_JARS if not (DEBIAN_JARS / j).exists()]
    if missing:
        without_tool(f"Debian's OWL API (libowlapi-java) is not installed: no {', '.join(missing)} in {DEBIAN_JARS}")
    owlapi5 = os.pathsep.join([*(str(DEBIAN_JARS / j) for j in OWLAPI5_JARS), *map(str, sorted(DEBIAN_JARS.glob("rdf4j-*-[0-9]*.jar")))])
    hermit = str(bundled / "hermit" / "HermiT.jar")
    pellet = os.pathsep.join(map(str, sorted((bundled / "pellet").glob("*.jar"))))
    classes = tmp_path_factory.mktemp("java-classes")
    for source, classpath in (("ProfileCheck.java", owlapi5), ("ReasonerCheck.java", hermit)):
        done = subprocess.run(
            ["javac", "-d", str(classes), "-cp", classpath, str(JAVA_SOURCES / source)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
    return Java(classes, owlapi5, hermit, pellet)


@pytest.fixture(scope="module")
def merged() -> Graph:
    """The ontology's modules (one ``owl:Ontology``, no imports: they are all here) and the data, one graph."""
    graph = ontology_graph()
    graph.remove((None, OWL.imports, None))
    for path in DATA:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def merged_file(merged: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("owl") / "ontology-and-data.ttl"
    merged.serialize(path, format="turtle")
    return path


def test_every_module_has_no_owl2_dl_profile_violation_with_its_imports_resolved_offline(java: Java) -> None:
    # Each module is loaded on its own, its owl:imports mapped by the catalog only (the checker clears the
    # OWL API's other IRI mappers and throws on an import it cannot load): Protégé opens the folder the same way.
    modules = ontology_files()
    assert len(modules) == 4
    assert java.profile(*modules) == []


def test_ontology_and_data_have_no_owl2_dl_profile_violation_but_the_decree_dates(java: Java, merged: Graph, merged_file: Path) -> None:
    """The data keeps its dates as ``xsd:date`` and the review interval as ``xsd:duration`` (what ELI, the
    SHACL shapes, SPARQL's date functions and the exports expect; an ``xsd:dateTime`` would say an instant,
    not a day). OWL 2's datatype map has neither, so the OWL API reports each such literal (twice: an unknown
    datatype, used as a literal's type), and nothing else."""
    odd = [o for o in merged.objects() if isinstance(o, Literal) and o.datatype in NOT_OWL2_DATATYPES]
    assert len(odd) == 3  # the decree's date enacted, date in force and review interval
    violations = java.profile(merged_file)
    assert len(violations) == 2 * len(odd), "\n".join(violations)
    for literal in odd:
        assert sum(f'"{literal}"^^xsd:{str(literal.datatype).rsplit("#", 1)[1]}' in v for v in violations) == 2


@pytest.mark.parametrize("reasoner", [HERMIT, PELLET], ids=["HermiT", "Pellet"])
def test_ontology_and_data_are_consistent(java: Java, merged: Graph, merged_file: Path, reasoner: str) -> None:
    done = java.consistency(reasoner, merged_file)
    assert done.returncode == 0, done.stdout + done.stderr
    axioms, verdict = done.stdout.split()[-3:-1], done.stdout.split()[-1]
    assert axioms[0] == "axioms" and int(axioms[1]) > len(merged) // 2, done.stdout  # the data was read, not just the header
    assert verdict == "consistent", done.stdout + done.stderr
    # Pellet drops, with a warning, the values it cannot type (rdf:langString ranges did that): none now
    assert "Ignoring" not in done.stderr, done.stderr


@pytest.mark.parametrize("reasoner", [HERMIT, PELLET], ids=["HermiT", "Pellet"])
def test_the_reasoners_do_find_an_inconsistency(java: Java, tmp_path: Path, reasoner: str) -> None:
    """The control: the same checker says "inconsistent" when there is one to find."""
    document = tmp_path / "inconsistent.ttl"
    document.write_text(
        f"""@prefix owl: <{OWL}> . @prefix kkni: <https://w3id.org/kkni/ontology#> .
<urn:control> a owl:Ontology .
kkni:Unit a owl:Class . kkni:Decree a owl:Class . kkni:Unit owl:disjointWith kkni:Decree .
<urn:x> a kkni:Unit , kkni:Decree .
""",
        encoding="utf-8",
    )
    done = java.consistency(reasoner, document)
    assert done.stdout.split()[-1] == "inconsistent", done.stdout + done.stderr


def test_the_profile_checker_does_find_a_violation(java: Java, tmp_path: Path) -> None:
    """The control: an undeclared annotation property and an rdf:List range, as the ontology had, are reported."""
    document = tmp_path / "bad.ttl"
    document.write_text(
        """@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:control> a owl:Ontology .
<urn:p> a owl:ObjectProperty ; rdfs:range <http://www.w3.org/1999/02/22-rdf-syntax-ns#List> ;
    <http://www.w3.org/2004/02/skos/core#definition> "undeclared"@en .
""",
        encoding="utf-8",
    )
    violations = java.profile(document)
    assert any("undeclared annotation property" in v and "skos/core#definition" in v for v in violations), violations
    assert any("rdf:List" in v for v in violations), violations
