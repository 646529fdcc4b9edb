"""The engine's own floors: what no rewrite and no server change can go below, on this machine.

    python -m bench.engine lookups [--scale 100]     # Oxigraph's in-memory store, one property at a time
    python -m bench.engine execute [--processes 2]   # a query worker's whole job, alone or beside another

``lookups``: the synthetic framework at ``--scale`` (bench/synth.py, seeded as bench/scale.py; the
decree's size at 1), its default graph alone in an Oxigraph store (``KkniStore.union``), and the
time of reading one, two and four properties of every unit-table row (iterated in Python), and of
counting the four-property join inside the store. At 100 times the decree this is why a named
query that reads every row cannot answer in under 50 ms (docs/scale.md).

``execute``: the 26 named queries, each made new by a trailing ``VALUES ?nonce { N }`` as in
bench/endpoint.py's uncached mix, run through a query worker's whole job (``endpoint.execute``:
guard, evaluation, SPARQL JSON, the answer pickled) on the decree, in ``--processes`` processes
started together; each prints its CPU time per answer. One process alone against two at once on
two cores shows what the cores cost each other (docs/endpoint.md, "Speed").

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import pickle
import statistics
import sys
import tempfile
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path

from bench.synth import shared_units_from, synthesize
from kkni_rdf.decree.parser import parse_decree_file
from kkni_rdf.endpoint.execute import Job, execute
from kkni_rdf.endpoint.served import ServedStore, StoreSource
from kkni_rdf.endpoint.service import EndpointConfig
from kkni_rdf.graph.build import build_many
from kkni_rdf.iris import Iris
from kkni_rdf.namespaces import DEFAULT_BASE, default_prefixes
from kkni_rdf.resources import decree_sources, ontology_files, query_files, translations_file
from kkni_rdf.store.embedded import ONTOLOGY_GRAPH, GraphFile, KkniStore

LOOKUPS = {
    "one property (code)": "SELECT ?l ?c WHERE { ?l kkni:printedCode ?c }",
    "two properties": "SELECT ?l ?c ?p WHERE { ?l kkni:printedCode ?c ; kkni:position ?p }",
    "four properties": "SELECT ?l ?c ?p ?r ?t WHERE { ?l kkni:printedCode ?c ; kkni:position ?p ; kkni:role ?r ; kkni:printedTitle ?t }",
    "four, counted in the store": "SELECT (COUNT(*) AS ?n) WHERE { ?l kkni:printedCode ?c ; kkni:position ?p ; kkni:role ?r ; kkni:printedTitle ?t }",
}


def lookups(scale: float, repeat: int) -> None:
    with tempfile.TemporaryDirectory(prefix="kkni-engine-") as tmp:
        work = Path(tmp)
        real = [s for s in decree_sources() if s.name == "kepmenaker-3-2021.txt"]
        shared = shared_units_from(parse_decree_file(real[0])) if real else []
        manifest = synthesize(work / "text", scale=scale, shared=shared)
        built = build_many([work / "text" / n for n in manifest.decrees], work / "rdf", translations_path=translations_file())
        iris = Iris()
        files = [GraphFile(p, str(iris.graph(ONTOLOGY_GRAPH))) for p in ontology_files()]
        store = KkniStore()
        store.load_files(files + [GraphFile(b.path, str(iris.graph(b.slug))) for b in built])
    union, prefixes = store.union, default_prefixes(DEFAULT_BASE)
    print(f"{scale:g}x: {manifest.unit_rows} unit-table rows, {len(union)} triples in the default graph; medians of {repeat} runs")
    for name, text in LOOKUPS.items():
        times, rows = [], 0
        for _ in range(repeat):
            t = time.perf_counter()
            rows = len(list(union.query(text, prefixes=prefixes)))  # type: ignore[arg-type]  # (SELECTs)
            times.append(time.perf_counter() - t)
        print(f"  {name:<28} {statistics.median(times) * 1000:8.1f} ms  ({rows} rows)")


def _execute_loop(rounds: int, ready: Barrier, out: multiprocessing.SimpleQueue[float]) -> None:
    served = ServedStore.open(StoreSource(DEFAULT_BASE))
    texts = [p.read_text(encoding="utf-8") for p in query_files()]
    limits, n, per_answer = EndpointConfig().limits, 0, []
    ready.wait()  # every process loaded: the loops run at the same time
    for _ in range(rounds):
        start = time.thread_time()
        for text in texts:
            n += 1
            job = pickle.loads(pickle.dumps(Job(f"{text}\nVALUES ?nonce {{ {n} }}\n", "json", None)))
            pickle.dumps(execute(served, job, limits))
        per_answer.append((time.thread_time() - start) / len(texts))
    out.put(statistics.median(per_answer[1:] or per_answer))  # the first round warms up


def execute_cost(processes: int, rounds: int) -> None:
    ctx = multiprocessing.get_context("spawn")
    out: multiprocessing.SimpleQueue[float] = ctx.SimpleQueue()
    ready = ctx.Barrier(processes)
    procs = [ctx.Process(target=_execute_loop, args=(rounds, ready, out)) for _ in range(processes)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    got = [out.get() for _ in procs]
    print(f"{processes} process(es) at once, {rounds} rounds of the 26 named queries (uncached: a fresh VALUES each)")
    for k, seconds in enumerate(got, 1):
        print(f"  process {k}: {seconds * 1000:.2f} ms of CPU per answer (guard, evaluation, SPARQL JSON, pickling)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.engine", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="what", required=True)
    lk = sub.add_parser("lookups", help="Oxigraph's cost per property read, on the synthetic framework")
    lk.add_argument("--scale", type=float, default=100.0)
    lk.add_argument("--repeat", type=int, default=5)
    ex = sub.add_parser("execute", help="a query worker's CPU per answer, alone or beside others")
    ex.add_argument("--processes", type=int, default=1)
    ex.add_argument("--rounds", type=int, default=40)
    args = p.parse_args(argv)
    if args.what == "lookups":
        lookups(args.scale, args.repeat)
    else:
        execute_cost(args.processes, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
