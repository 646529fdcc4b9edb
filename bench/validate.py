"""How long validation takes: the decree and one candidate record, ours against plain pySHACL.

    python -m bench.validate [--quick]      (--quick skips plain pySHACL on the decree: minutes)

Prints figures; asserts nothing. Goals on a 2-core machine: the decree under 0.5 s warm, a
candidate record under 20 ms. Also: pySHACL's core shapes on rdflib's memory store (what
``validation.engine`` gives it) against an oxrdflib view of the Oxigraph store.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

from kkni_rdf.checks.candidate import UserInput, read_input, run_check
from kkni_rdf.checks.catalogue import catalogue_from_store
from kkni_rdf.resources import decree_data_files, ontology_files, resource, shapes_files
from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.validation.engine import decree_data, oxigraph_view, run_core, validate_decree, validate_files


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times)


def row(label: str, median: float, best: float) -> None:
    print(f"{label:<58} median {median * 1000:9.1f} ms   best {best * 1000:9.1f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip plain pySHACL on the decree (about a minute)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    files = [*ontology_files(), *decree_data_files()]
    record = resource("data") / "examples" / "record-asesor-4-achieved.ttl"
    print(f"decree: {', '.join(p.name for p in files)}; shapes: {', '.join(p.name for p in shapes_files())}")

    t = time.perf_counter()
    decree_data()
    validate_decree()
    print(f"cold start (parse decree + shapes, first run): {(time.perf_counter() - t) * 1000:.0f} ms")
    row("ours: validate the decree (warm)", *timed(validate_decree, args.runs))
    row("ours: parse + validate the decree files", *timed(lambda: validate_files(decree_data_files()), args.runs))
    data = decree_data()
    row("pySHACL core shapes, decree in rdflib's memory store (ours)", *timed(lambda: run_core(data.graph), args.runs))
    row("pySHACL core shapes, decree as an oxrdflib view", *timed(lambda: run_core(oxigraph_view(data.store)), args.runs))

    catalogue = catalogue_from_store(KkniStore.load_default())
    inp = read_input(record)
    row("ours: check one candidate record (kkni check, warm)", *timed(lambda: run_check(catalogue, None, inp), 50))
    row("ours: read + check one candidate record file", *timed(lambda: run_check(catalogue, None, read_input(record)), 50))
    codes = UserInput(inp.codes)
    row("ours: check a list of codes", *timed(lambda: run_check(catalogue, "N78SPS01-4-asesor", codes), 50))
    row("ours: validate one record file against the shapes", *timed(lambda: validate_files([record]), args.runs))

    from pyshacl import validate

    def plain(paths: list[Path]) -> None:
        data = Graph()
        for p in paths:
            data.parse(p)
        shapes = Graph()
        for p in shapes_files():
            shapes.parse(p)
        validate(data, shacl_graph=shapes, advanced=True)

    row("plain pySHACL (rdflib Graph, defaults): one record file", *timed(lambda: plain([*ontology_files(), record]), 3))
    if not args.quick:
        row("plain pySHACL (rdflib Graph, defaults): the decree", *timed(lambda: plain(files), 1))
    else:
        print("plain pySHACL on the decree: skipped (--quick)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
