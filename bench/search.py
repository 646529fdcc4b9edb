"""Search latency at 1x and 100x the decree: the index ``/search`` and ``kkni search`` use (kkni_rdf.search).

    python -m bench.search                  # scales 1 and 100
    python -m bench.search --scales 1,10 --repeat 50

For each scale: generate the decrees (bench/synth.py's generator, seeded, as bench/scale.py does), build
and load them with the ontology into the embedded store, then time
  index      building the FTS5 index from the store (documents_from_store: four SELECTs; then the inserts)
  search     each query of QUERIES, --repeat times: the median and the 95th percentile, wall clock and
             the thread's own CPU time (on a shared machine the wall clock also counts other processes)
The synthetic decrees have no findings graph (the decree's findings are written by kkni build): the
index at 100x holds qualifications, units and job titles. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.synth import shared_units_from, synthesize
from kkni_rdf.decree.parser import parse_decree_file
from kkni_rdf.graph.build import build_many
from kkni_rdf.iris import Iris
from kkni_rdf.resources import decree_sources, ontology_files, translations_file
from kkni_rdf.search import SearchIndex
from kkni_rdf.store.embedded import ONTOLOGY_GRAPH, GraphFile, KkniStore

#: What people type: Indonesian and English words (stemmed), a typo, a code in part, several words, nothing found.
QUERIES = (
    "asesmen",
    "assessment",
    "pelatihan",
    "asesmn",
    "M.74SPS03.090",
    "instruktur level 5",
    "melaksanakan asesmen kompetensi",
    "zzzqqqxxy",
)


def store_at(scale: float, workdir: Path, seed: int, jobs: int | None) -> KkniStore:
    """The embedded store loaded with the ontology and the synthetic decrees at ``scale`` (1: the decree itself)."""
    if scale == 1:
        return KkniStore.load_default()
    real = [s for s in decree_sources() if s.name == "kepmenaker-3-2021.txt"]
    shared = shared_units_from(parse_decree_file(real[0])) if real else []
    manifest = synthesize(workdir / "text", scale=scale, seed=seed, shared=shared)
    built = build_many([workdir / "text" / n for n in manifest.decrees], workdir / "rdf", translations_path=translations_file(), jobs=jobs)
    iris = Iris()
    files = [GraphFile(p, str(iris.graph(ONTOLOGY_GRAPH))) for p in ontology_files()]
    files += [GraphFile(b.path, str(iris.graph(b.slug))) for b in built]
    store = KkniStore()
    store.load_files(files)
    return store


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def run(scale: float, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix=f"kkni-search-{scale:g}-") as tmp:
        t = time.perf_counter()
        store = store_at(scale, Path(tmp), args.seed, args.jobs)
        print(f"{scale:g}x: store ready in {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        index = SearchIndex.from_store(store)
        built = time.perf_counter() - t
        kinds = {k: sum(1 for d in index.documents if d.kind == k) for k in ("qualification", "unit", "job-title", "finding")}
        print(f"{scale:g}x: index of {len(index)} documents ({', '.join(f'{n} {k}' for k, n in kinds.items())}) built in {built:.2f} s")
        print(f"  {'query':36} {'results':>7} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>8}")
        medians = []
        for query in QUERIES:
            wall, cpu, found = [], [], 0
            for _ in range(args.repeat):
                t, c = time.perf_counter(), time.thread_time()
                found = len(index.search(query, limit=20))
                cpu.append(time.thread_time() - c)
                wall.append(time.perf_counter() - t)
            medians.append(statistics.median(wall))
            print(
                f"  {query!r:36} {found:>7} {statistics.median(wall) * 1000:>10.1f} {percentile(wall, 0.95) * 1000:>8.1f} "
                f"{statistics.median(cpu) * 1000:>8.1f}"
            )
        print(
            f"  median of the queries' medians: {statistics.median(medians) * 1000:.1f} ms; slowest: {max(medians) * 1000:.1f} ms\n",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scales", default="1,100", help="comma-separated multiples of the decree (default 1,100)")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--repeat", type=int, default=21, help="runs per query (the median is reported)")
    p.add_argument("--jobs", type=int, help="build processes (default: one per core)")
    args = p.parse_args(argv)
    print(f"kkni-rdf search bench: {os.cpu_count()} cores, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}\n", flush=True)
    for scale in (float(s) for s in args.scales.split(",") if s.strip()):
        run(scale, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
