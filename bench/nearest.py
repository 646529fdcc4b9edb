"""A 404's suggestions at national scale: ``indexes.nearest`` over as many known paths as the 100x
data has units and qualifications (synthetic codes), for a mistyped code and for a path like nothing.

    python -m bench.nearest [--paths 41400] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from kkni_rdf.endpoint.indexes import Paths, nearest


def synthetic_paths(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    units = [f"unit/N.{rng.randint(10, 99)}SPS{rng.randint(1, 99):02d}.{rng.randint(1, 999):03d}.{rng.randint(1, 3)}" for _ in range(n)]
    return [*units, *(f"qualification/kepmenaker-{i}-2022/N78SPS{i % 99:02d}-{i % 6 + 1}-asesor" for i in range(n // 30))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=40000, help="unit paths (qualifications: a thirtieth of that)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    t = time.perf_counter()
    known = Paths(synthetic_paths(args.paths))
    print(f"{len(known.paths)} paths keyed in {(time.perf_counter() - t) * 1000:.0f} ms")
    for label, probe in (("a mistyped unit code", "unit/N78SPS02.016.1"), ("a path like nothing", "foo/bar/baz")):
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            found = nearest(known, probe)
            times.append(time.perf_counter() - t)
        print(f"{label}: median {statistics.median(times) * 1000:.1f} ms over {args.repeat} runs; offered {found[:2]}")


if __name__ == "__main__":
    main()
