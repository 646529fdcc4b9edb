"""What pySHACL alone finds with the SHACL-SPARQL constraints: the reference the fast runs are compared with.

pySHACL runs every shape itself, on rdflib's memory store, each SHACL-SPARQL constraint once per
focus node with ``$this`` bound, in rdflib's SPARQL engine: minutes on the decree. Its results
are committed next to this file and the tests compare with them:

- ``pyshacl-fixtures.tsv``: on each SPARQL rule's fixture (``fixtures/{rule}.trig``), the
  results' shape, focus node, value node and message words;
- ``pyshacl-decree.tsv``: on the decree, the results' rule id, focus node and value node.

Each file's header records a digest of what the results depend on (the shapes, the ontology,
the data, pySHACL's and rdflib's versions); a test fails when it no longer matches. Regenerate with

    python -m tests.validation.pyshacl_reference            (several minutes)
"""

from __future__ import annotations

import hashlib
import re
import sys
from importlib.metadata import version
from pathlib import Path

from rdflib import Graph

from kkni_rdf.namespaces import KSH, SH
from kkni_rdf.resources import decree_data_files, ontology_files, shapes_files
from kkni_rdf.validation.engine import ValidationData, decree_data, validate_with_pyshacl
from kkni_rdf.validation.findings import Report
from kkni_rdf.validation.shapes import shapes_graph, sparql_checks
from tests.validation.support import BASE_EXAMPLE, FIXTURES, fixture_store

HERE = Path(__file__).resolve().parent
FIXTURES_FILE = HERE / "pyshacl-fixtures.tsv"
DECREE_FILE = HERE / "pyshacl-decree.tsv"
FIXTURES_COLUMNS = ("fixture", "shape", "focus", "value", "message words")
DECREE_COLUMNS = ("rule", "focus", "value")

Row = tuple[str, ...]

HEADER = """\
# GENERATED FILE: do not edit by hand. What pySHACL alone (every shape, on rdflib's memory store,
# each SHACL-SPARQL constraint run by rdflib's SPARQL engine per focus node) reports for the
# SHACL-SPARQL constraints {what}.
# The digest covers {covers}, and pySHACL's and rdflib's versions;
# a test fails when it no longer matches. Regenerate (several minutes) with:
#     python -m tests.validation.pyshacl_reference
# digest: {digest}
"""


def sparql_rules() -> list[str]:
    return sorted(c.rule for c in sparql_checks())


def words(text: str) -> str:
    """A message as its sorted words: pySHACL and the fast run may order a list's items differently."""
    return " ".join(sorted(re.findall(r"[\w.]+", text)))


# --------------------------------------------------------------------------- what each run finds


def pyshacl_fixture_rows(graph: Graph) -> set[Row]:
    """pySHACL's SHACL-SPARQL results on ``graph``: (shape, focus, value, message words)."""
    results = validate_with_pyshacl(graph)
    out: set[Row] = set()
    for r in results.subjects(SH.sourceConstraintComponent, SH.SPARQLConstraintComponent):
        for m in results.objects(r, SH.resultMessage):
            out.add(
                (str(results.value(r, SH.sourceShape)), str(results.value(r, SH.focusNode)), str(results.value(r, SH.value)), words(str(m)))
            )
    return out


def fast_fixture_rows(report: Report) -> set[Row]:
    """The same, from a report of ``validation.engine`` or ``validation.in_store``."""
    out: set[Row] = set()
    for f in report.findings:
        if f.component == SH.SPARQLConstraintComponent:
            out.update((str(f.shape), str(f.focus), str(f.value), words(f.message[lang])) for lang in ("id", "en"))
    return out


def pyshacl_decree_rows(graph: Graph) -> set[Row]:
    """pySHACL's SHACL-SPARQL results on ``graph``: (rule id, focus, value)."""
    results = validate_with_pyshacl(graph)
    shapes = shapes_graph()
    return {
        (
            str(shapes.value(results.value(r, SH.sourceShape), KSH.ruleId)),
            str(results.value(r, SH.focusNode)),
            str(results.value(r, SH.value)),
        )
        for r in results.subjects(SH.sourceConstraintComponent, SH.SPARQLConstraintComponent)
    }


# --------------------------------------------------------------------------- the committed files


def digest(files: list[Path]) -> str:
    """What the results depend on: the files' names and bytes, pySHACL's and rdflib's versions."""
    h = hashlib.sha256(f"pyshacl {version('pyshacl')}, rdflib {version('rdflib')}\n".encode())
    for path in files:
        h.update(f"{path.parent.name}/{path.name}\n".encode())
        h.update(path.read_bytes())
    return "sha256:" + h.hexdigest()


def fixtures_digest() -> str:
    return digest([*shapes_files(), *ontology_files(), BASE_EXAMPLE, *(FIXTURES / f"{rule}.trig" for rule in sparql_rules())])


def decree_digest() -> str:
    return digest([*shapes_files(), *ontology_files(), *decree_data_files()])


def read(path: Path) -> tuple[str, list[Row]]:
    """A committed file's digest and rows (without the column names)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    stamp = next(line.split(": ", 1)[1] for line in lines if line.startswith("# digest: "))
    rows = [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]
    return stamp, rows[1:]


def fixture_reference() -> dict[str, set[Row]]:
    """The committed pySHACL results by fixture: (shape, focus, value, message words)."""
    out: dict[str, set[Row]] = {rule: set() for rule in sparql_rules()}
    for fixture, *row in read(FIXTURES_FILE)[1]:
        out[fixture].add(tuple(row))
    return out


def decree_reference() -> set[Row]:
    """The committed pySHACL results on the decree: (rule id, focus, value)."""
    return set(read(DECREE_FILE)[1])


def _write(path: Path, what: str, covers: str, stamp: str, columns: Row, rows: list[Row]) -> None:
    body = ["\t".join(columns), *("\t".join(r) for r in sorted(rows))]
    path.write_text(HEADER.format(what=what, covers=covers, digest=stamp) + "\n".join(body) + "\n", encoding="utf-8")


def write_fixtures(rows: list[Row]) -> None:
    what = "on each SPARQL rule's fixture (tests/validation/fixtures/{rule}.trig)"
    covers = "shapes/, ontology/, data/examples/decree-small.ttl and those fixtures"
    _write(FIXTURES_FILE, what, covers, fixtures_digest(), FIXTURES_COLUMNS, rows)


def write_decree(rows: list[Row]) -> None:
    _write(
        DECREE_FILE,
        "on the decree (data/*.ttl with the ontology)",
        "shapes/, ontology/ and data/*.ttl",
        decree_digest(),
        DECREE_COLUMNS,
        rows,
    )


def main() -> int:
    rows = []
    for rule in sparql_rules():
        print(f"pySHACL on fixtures/{rule}.trig", file=sys.stderr)
        rows += [(rule, *r) for r in pyshacl_fixture_rows(ValidationData.of(fixture_store(rule)).graph)]
    write_fixtures(rows)
    print("pySHACL on the decree", file=sys.stderr)
    write_decree(list(pyshacl_decree_rows(decree_data().graph)))
    print(f"wrote {FIXTURES_FILE.name} and {DECREE_FILE.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
