"""National scale: build, load, validate and query a synthetic framework at 1x, 10x, 100x the decree.

    python -m bench.scale                        # scales 1, 10, 100
    python -m bench.scale --scales 1,10 --in-process-max 10

For each scale: generate the decrees (bench/synth.py's generator, seeded), then time
  build      parse + build + write Turtle for every decree (kkni_rdf.graph.build.build_many, one process per core)
  load       the Turtle into the embedded Oxigraph store (KkniStore.load_files, which also derives the
             prerequisite closure: kkni_rdf.store.derived) and into a real `oxigraph serve` process
             through the Graph Store Protocol (kkni_rdf.store.remote.load_into)
  validate   in process (kkni_rdf.validation.engine: pySHACL core shapes + the SPARQL checks in Oxigraph;
             skipped above --in-process-max) and in the store (kkni_rdf.validation.in_store: the SPARQL checks
             sent as queries, to the embedded store and to the server)
  query      the median latency of each queries/*.rq on the embedded store (--repeat runs), and its rows:
             each run evaluates the query and iterates every row in Python (what `select` callers do),
             in a forked child. The wall-clock median is the figure; the median of the child's own CPU
             time (thread time) is printed beside it, since on a shared machine the wall clock also
             counts the time other processes held the cores (the load average is printed too)
and report the peak memory and whether every planted inconsistency was found (and nothing else).
A last table gives every named query's median at every scale (query x scale).
Figures are printed, never asserted: this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import httpx

from bench.synth import ExpectedFinding, Manifest, check_plants, shared_units_from, synthesize
from kkni_rdf.decree.parser import parse_decree_file
from kkni_rdf.graph.build import build_many
from kkni_rdf.iris import Iris
from kkni_rdf.resources import decree_sources, ontology_files, query_files, translations_file
from kkni_rdf.store.derived import refresh_derived
from kkni_rdf.store.embedded import ONTOLOGY_GRAPH, GraphFile, KkniStore
from kkni_rdf.store.protocol import select
from kkni_rdf.store.remote import RemoteStore, load_into
from kkni_rdf.validation.engine import validate_files
from kkni_rdf.validation.findings import Finding
from kkni_rdf.validation.in_store import validate_in_store
from kkni_rdf.validation.shapes import sparql_checks

#: Named queries slower than --query-budget at some scale (not run at larger scales).
SLOW_QUERIES: dict[str, float] = {}


@dataclass
class Row:
    scale: float
    decrees: int = 0
    qualifications: int = 0
    rows: int = 0
    triples: int = 0
    build: float = 0.0
    load: float = 0.0
    derive: float = 0.0
    derived: int = 0
    load_server: float = 0.0
    validate_process: float | None = None
    validate_store: float = 0.0
    validate_server: float | None = None
    query_medians: dict[str, float] = field(default_factory=dict)
    query_cpu: dict[str, float] = field(default_factory=dict)
    query_rows: dict[str, int] = field(default_factory=dict)
    peak_mb: float = 0.0
    planted: str = ""
    notes: list[str] = field(default_factory=list)


def oxigraph_command() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        raise SystemExit("the `oxigraph` server is not installed (pip install oxigraph, or the dev extra)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OxigraphServer:
    """A real `oxigraph serve` on a free port, with its data in a temporary folder."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.process = subprocess.Popen(
            [oxigraph_command(), "serve", "--location", str(workdir / "oxigraph"), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise SystemExit("oxigraph serve did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def findings_as_expected(findings: list[Finding]) -> list[ExpectedFinding]:
    return [ExpectedFinding(f.rule, str(f.focus), str(f.value) if f.value is not None else None) for f in findings]


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


@dataclass(frozen=True)
class QueryTimes:
    wall: list[float]  # seconds per run, wall clock
    cpu: list[float]  # seconds per run, the child's own CPU time (time.thread_time)
    rows: int


def _time_query_child(store: KkniStore, text: str, repeat: int, budget: float, conn: Connection) -> None:
    wall: list[float] = []
    cpu: list[float] = []
    rows = 0
    for _ in range(repeat):
        t, c = time.perf_counter(), time.thread_time()
        rows = sum(1 for _sol in select(store, text))
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - t)
        # never start a run that would end past the budget: the parent stops waiting then
        if sum(wall) + max(wall) > budget:
            break
    conn.send(QueryTimes(wall, cpu, rows))


def time_query(store: KkniStore, text: str, repeat: int, budget: float) -> QueryTimes | None:
    """Run times (wall and CPU) of a named query and its rows, in a forked child (it shares the
    loaded store) that is stopped after ``budget`` seconds: an embedded Oxigraph query cannot be
    interrupted. None if its first run alone takes longer than the budget."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_time_query_child, args=(store, text, repeat, budget, child))
    proc.start()
    try:
        if parent.poll(budget):
            got: QueryTimes = parent.recv()
            return got
        return None
    finally:
        proc.kill()
        proc.join()


def progress(scale: float, what: str, seconds: float | None = None) -> None:
    tail = f" {seconds:.2f} s" if seconds is not None else ""
    print(f"  {scale:g}x {what}{tail}", file=sys.stderr, flush=True)


def run_scale(scale: float, workdir: Path, args: argparse.Namespace) -> Row:
    row = Row(scale)
    real = [s for s in decree_sources() if s.name == "kepmenaker-3-2021.txt"]
    shared = shared_units_from(parse_decree_file(real[0])) if real else []
    manifest: Manifest = synthesize(workdir / "text", scale=scale, seed=args.seed, shared=shared)
    row.decrees, row.qualifications, row.rows = len(manifest.decrees), manifest.qualifications, manifest.unit_rows

    t = time.perf_counter()
    built = build_many(
        [workdir / "text" / n for n in manifest.decrees], workdir / "rdf", translations_path=translations_file(), jobs=args.jobs
    )
    row.build = time.perf_counter() - t
    progress(scale, "build", row.build)
    row.triples = sum(b.triples for b in built)

    iris = Iris()
    files = [GraphFile(p, str(iris.graph(ONTOLOGY_GRAPH))) for p in ontology_files()]
    files += [GraphFile(b.path, str(iris.graph(b.slug))) for b in built]
    t = time.perf_counter()
    store = KkniStore()
    store.load_files(files)
    row.load = time.perf_counter() - t
    progress(scale, "load", row.load)
    t = time.perf_counter()
    row.derived = refresh_derived(store.union, store.named)  # done by load_files already: timed again on its own
    row.derive = time.perf_counter() - t
    progress(scale, f"derive ({row.derived} triples, part of load)", row.derive)

    for path in query_files():
        if path.stem in SLOW_QUERIES:
            row.notes.append(f"query {path.stem} not run: over {SLOW_QUERIES[path.stem]:g} s at a smaller scale")
            continue
        timed = time_query(store, path.read_text(encoding="utf-8"), args.repeat, args.query_budget)
        if timed is None:
            SLOW_QUERIES[path.stem] = args.query_budget
            row.notes.append(f"query {path.stem} stopped after {args.query_budget:g} s")
            progress(scale, f"query {path.stem} over budget")
            continue
        row.query_rows[path.stem] = timed.rows
        row.query_medians[path.stem] = statistics.median(timed.wall)
        row.query_cpu[path.stem] = statistics.median(timed.cpu)
        progress(scale, f"query {path.stem} (cpu {row.query_cpu[path.stem]:.2f} s)", row.query_medians[path.stem])

    rules = [c.rule for c in sparql_checks()]
    t = time.perf_counter()
    in_store = validate_in_store(store, on_check=lambda c: progress(scale, f"check {c.rule} ({c.findings})", c.seconds))
    row.validate_store = time.perf_counter() - t
    check = check_plants(manifest, findings_as_expected(in_store.findings), rules)
    row.planted = f"{check.found}/{check.expected}" + (f", {len(check.unexpected)} unplanted" if check.unexpected else "")
    for miss in check.missed[:3]:
        row.notes.append(f"missed {miss.rule} on {miss.focus} {miss.value or ''}")
    for extra in check.unexpected[:3]:
        row.notes.append(f"unplanted {extra.rule} on {extra.focus} {extra.value or ''}")

    if scale <= args.in_process_max:
        t = time.perf_counter()
        report = validate_files([b.path for b in built])
        row.validate_process = time.perf_counter() - t
        sparql_found = {(f.rule, str(f.focus), str(f.value)) for f in report.findings if f.rule in rules}
        if sparql_found != {(f.rule, str(f.focus), str(f.value)) for f in in_store.findings}:
            row.notes.append("in-process and in-store SPARQL findings differ")

    if not args.no_server:
        server = OxigraphServer(workdir)
        try:
            t = time.perf_counter()
            load_into(server.url, files)
            row.load_server = time.perf_counter() - t
            with RemoteStore(server.url, timeout=args.server_timeout) as remote:
                t = time.perf_counter()
                remote_report = validate_in_store(remote)
                row.validate_server = time.perf_counter() - t
                if {(f.rule, str(f.focus), str(f.value)) for f in remote_report.findings} != {
                    (f.rule, str(f.focus), str(f.value)) for f in in_store.findings
                }:
                    row.notes.append("server and embedded in-store findings differ")
        finally:
            server.stop()
    row.peak_mb = peak_mb()
    return row


def fmt(x: float | None, unit: str = "s") -> str:
    if x is None:
        return "-"
    return f"{x * 1000:.1f} ms" if unit == "ms" else f"{x:.2f} s"


def print_table(rows: list[Row]) -> None:
    cols: list[tuple[str, Callable[[Row], str]]] = [
        ("scale", lambda r: f"{r.scale:g}x"),
        ("decrees", lambda r: str(r.decrees)),
        ("quals", lambda r: str(r.qualifications)),
        ("rows", lambda r: str(r.rows)),
        ("triples", lambda r: str(r.triples)),
        ("build", lambda r: fmt(r.build)),
        ("load", lambda r: fmt(r.load)),
        ("(derive)", lambda r: fmt(r.derive)),
        ("load→server", lambda r: fmt(r.load_server) if r.load_server else "-"),
        ("validate in-process", lambda r: fmt(r.validate_process)),
        ("validate in-store", lambda r: fmt(r.validate_store)),
        ("in server", lambda r: fmt(r.validate_server)),
        ("queries ≤50 ms", lambda r: f"{sum(v <= 0.05 for v in r.query_medians.values())}/{len(query_files())}"),
        ("peak MB", lambda r: f"{r.peak_mb:.0f}"),
        ("planted found", lambda r: r.planted),
    ]
    table = [[name for name, _ in cols]] + [[f(r) for _, f in cols] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(cols))]
    for n, line in enumerate(table):
        print("  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print()
    print_query_table(rows)
    for r in rows:
        for note in r.notes:
            print(f"{r.scale:g}x note: {note}")


def print_query_table(rows: list[Row]) -> None:
    """Every named query's median (wall clock, then CPU time) and rows at every scale; '> budget'
    marks a query stopped at the budget."""
    names = sorted({p.stem for p in query_files()})
    header = ["query"] + [f"{r.scale:g}x median" for r in rows] + [f"{r.scale:g}x cpu" for r in rows] + [f"{r.scale:g}x rows" for r in rows]
    table = [header]
    for name in names:
        medians = [fmt(r.query_medians[name], "ms") if name in r.query_medians else "> budget" for r in rows]
        cpu = [fmt(r.query_cpu[name], "ms") if name in r.query_cpu else "-" for r in rows]
        counts = [str(r.query_rows[name]) if name in r.query_rows else "-" for r in rows]
        table.append([name, *medians, *cpu, *counts])
    table.append(
        [
            "≤ 50 ms",
            *[f"{sum(v <= 0.05 for v in r.query_medians.values())}/{len(names)}" for r in rows],
            *[f"{sum(v <= 0.05 for v in r.query_cpu.values())}/{len(names)}" for r in rows],
            *["" for _ in rows],
        ]
    )
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for n, line in enumerate(table):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scales", default="1,10,100", help="comma-separated multiples of the decree (default 1,10,100)")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--repeat", type=int, default=7, help="runs per named query (the median is reported)")
    p.add_argument("--jobs", type=int, help="build processes (default: one per core)")
    p.add_argument("--in-process-max", type=float, default=10, help="largest scale validated in process (pySHACL is slow)")
    p.add_argument("--no-server", action="store_true", help="skip the oxigraph serve runs")
    p.add_argument("--server-timeout", type=float, default=600)
    p.add_argument(
        "--query-budget",
        type=float,
        default=20,
        help="seconds per named query (all its runs); a query over it is stopped, and not run at larger scales",
    )
    p.add_argument("--keep", type=Path, help="keep the generated files under this folder")
    args = p.parse_args(argv)
    scales = [float(s) for s in args.scales.split(",") if s.strip()]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"kkni-rdf scale bench: seed {args.seed}, {os.cpu_count()} cores, load average {load}, "
        f"scales {', '.join(f'{s:g}x' for s in scales)}\n"
        "query medians: evaluate + iterate every row in Python, wall clock and the query's own CPU time\n",
        flush=True,
    )
    rows = []
    for scale in scales:
        if args.keep:
            workdir = args.keep / f"scale-{scale:g}"
            shutil.rmtree(workdir, ignore_errors=True)
            rows.append(run_scale(scale, workdir, args))
        else:
            with tempfile.TemporaryDirectory(prefix=f"kkni-scale-{scale:g}-") as tmp:
                rows.append(run_scale(scale, Path(tmp), args))
        print(f"  {scale:g}x done", file=sys.stderr, flush=True)
    print_table(rows)
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
