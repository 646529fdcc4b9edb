"""How much memory ``kkni validate`` takes on a large file, and that its input limit bounds it.

    python -m bench.cli_memory [--mb 5 10] [--limit N]

Writes a Turtle file of about each size given (short triples with literals, as in a register of
records), then runs the real ``kkni validate FILE`` twice in a fresh process: with the default
limit (``kkni_rdf.limits.MAX_DATA_BYTES``; past it the file is refused unread) and with
``--max-bytes`` raised to read it. Prints the exit code, wall time, peak RSS (``getrusage`` of the
child) and peak RSS per byte of input. Asserts nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kkni_rdf.files import atomic_open
from kkni_rdf.limits import MAX_DATA_BYTES

# A wrapper that runs one command and prints its peak RSS (KiB, Linux): each measurement in its own
# process, since RUSAGE_CHILDREN is the maximum over every child waited for.
PEAK = "import resource, subprocess, sys; c = subprocess.run(sys.argv[1:], capture_output=True).returncode; print(c, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"


def big_turtle(path: Path, megabytes: float) -> int:
    """About ``megabytes`` MB of Turtle; its size in bytes."""
    line = 'ex:s{0} ex:p{1} "value number {0} of the synthetic file" ; ex:q ex:o{2} .\n'
    with atomic_open(path) as f:
        f.write(b"@prefix ex: <http://example.org/> .\n")
        written, i = 0, 0
        while written < megabytes * 1e6:
            chunk = "".join(line.format(j, j % 50, j % 1000) for j in range(i, i + 10_000)).encode()
            f.write(chunk)
            written += len(chunk)
            i += 10_000
    return path.stat().st_size


def measure(argv: list[str]) -> tuple[int, float, int]:
    """Exit code, seconds and peak RSS (bytes) of ``kkni argv``."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, sys.executable, "-m", "kkni_rdf", *argv], capture_output=True, text=True, check=True)
    code, kib = done.stdout.split()
    return int(code), time.perf_counter() - start, int(kib) * 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, nargs="+", default=[5.0, 20.0], help="file sizes in MB (default 5 20)")
    ap.add_argument("--limit", type=int, default=MAX_DATA_BYTES, help=f"the limit to run with (default {MAX_DATA_BYTES})")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kkni-bench-") as tmp:
        for mb in args.mb:
            path = Path(tmp) / f"big-{mb:g}.ttl"
            size = big_turtle(path, mb)
            for label, extra in (("limit", ["--max-bytes", str(args.limit)]), ("raised", ["--max-bytes", str(size + 1)])):
                code, seconds, peak = measure(["validate", str(path), *extra])
                print(
                    f"{size / 1e6:7.1f} MB  {label:6}  exit {code}  {seconds:6.1f} s  peak RSS {peak / 1e6:7.1f} MB"
                    f"  ({peak / size:5.1f} x the file)"
                )


if __name__ == "__main__":
    main()
