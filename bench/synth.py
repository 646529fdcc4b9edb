"""Generate a seeded, KKNI-like national framework: decree texts, a manifest, and their RDF.

    python bench/synth.py --scale 100 --out /tmp/kkni-national          # ~1,400 qualifications
    python bench/synth.py --scale 1 --out /tmp/kkni-1 --no-rdf          # texts and manifest only

Writes OUT/text/{decree}.txt (the annex format of Kepmenaker 3/2021, read by the project's own
reader), OUT/text/manifest.json (every planted inconsistency: kind, decree, section, and the
findings it must raise: rule id, focus node, value) and, unless --no-rdf, OUT/rdf/{decree}.ttl
built by ``kkni_rdf.build.build_many`` (as ``kkni build`` would). Each sector also lists a few
units of Kepmenaker 3/2021 under the same code and title, so units are shared between decrees.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kkni_rdf.build import build_many
from kkni_rdf.decree import parse_decree_file
from kkni_rdf.resources import decree_sources, translations_file
from kkni_rdf.scale import Manifest, shared_units_from, synthesize


def generate(out: Path, scale: float, seed: int, rdf: bool = True, jobs: int | None = None) -> Manifest:
    real = [s for s in decree_sources() if s.name == "kepmenaker-3-2021.txt"]
    shared = shared_units_from(parse_decree_file(real[0])) if real else []
    manifest = synthesize(out / "text", scale=scale, seed=seed, shared=shared)
    if rdf:
        build_many([out / "text" / name for name in manifest.decrees], out / "rdf", translations_path=translations_file(), jobs=jobs)
    return manifest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=float, default=1.0, help="size as a multiple of Kepmenaker 3/2021 (14 qualifications, 372 rows)")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--out", type=Path, required=True, help="output folder (text/ and rdf/ inside)")
    p.add_argument("--no-rdf", action="store_true", help="write the texts and manifest only")
    p.add_argument("--jobs", type=int, help="build processes (default: one per core)")
    args = p.parse_args(argv)
    t = time.perf_counter()
    m = generate(args.out, args.scale, args.seed, not args.no_rdf, args.jobs)
    kinds = sorted({pl.kind for pl in m.plants})
    print(
        f"{len(m.decrees)} decrees, {m.qualifications} qualifications, {m.unit_rows} unit rows, "
        f"{len(m.plants)} plants of {len(kinds)} kinds ({len(m.expected())} expected findings) in {time.perf_counter() - t:.1f} s -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
