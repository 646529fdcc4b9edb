"""The ``kkni`` command: a thin layer over the package's functions.

Exit codes: 0 success (or: the data conforms), 1 the data does not conform,
2 bad input or usage (with a message on standard error, never a stack trace).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kkni_rdf import __version__
from kkni_rdf.namespaces import DEFAULT_BASE

EXIT_OK = 0
EXIT_NONCONFORMING = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input or usage: printed as ``kkni: error: …`` with exit code 2."""


Handler = Callable[[argparse.Namespace], int]


# --------------------------------------------------------------------------- build


def cmd_build(args: argparse.Namespace) -> int:
    from kkni_rdf.build import build_files
    from kkni_rdf.decree import DecreeParseError
    from kkni_rdf.resources import decree_sources, resource, translations_file

    sources = [Path(s) for s in args.sources] or decree_sources()
    out_dir = Path(args.out) if args.out else resource("data")
    translations = Path(args.translations) if args.translations else translations_file()
    for source in sources:
        if not source.is_file():
            raise UsageError(f"no such decree text: {source}")
        try:
            path, result = build_files(source, out_dir, args.base, translations)
        except DecreeParseError as exc:
            raise UsageError(f"cannot read the decree: {exc}") from None
        d = result.decree
        print(
            f"{path}: {len(result.graph)} triples; {len(d.qualifications)} qualifications, "
            f"{sum(len(q.rows) for q in d.qualifications)} unit rows, "
            f"{sum(len(r.prerequisites) for q in d.qualifications for r in q.rows)} prerequisites"
        )
        if result.missing_translations:
            print(
                f"  note: {len(result.missing_translations)} resources have no English label in {translations.name}"
                f" (first: {'/'.join(result.missing_translations[0])})",
                file=sys.stderr,
            )
    return EXIT_OK


# --------------------------------------------------------------------------- query


def read_query_text(args: argparse.Namespace) -> str:
    if args.query_text is not None:
        if args.file:
            raise UsageError("give a query file or --query, not both")
        return str(args.query_text)
    if not args.file:
        raise UsageError("give a query file, '-' for standard input, or --query TEXT")
    if args.file == "-":
        return sys.stdin.read()
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"no such query file: {path}")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None


def cmd_query(args: argparse.Namespace) -> int:
    from kkni_rdf.results import render
    from kkni_rdf.store import KkniStore, QueryError, default_prefixes

    text = read_query_text(args)
    store = KkniStore.load_default(args.base)
    try:
        result = store.query(text)
        out = render(result, args.format, default_prefixes(args.base))
    except QueryError as exc:
        raise UsageError(f"malformed query: {exc}") from None
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    return EXIT_OK


# --------------------------------------------------------------------------- validate, check


# --------------------------------------------------------------------------- serve


# --------------------------------------------------------------------------- export


# --------------------------------------------------------------------------- load


# --------------------------------------------------------------------------- the parser


def build_parser() -> argparse.ArgumentParser:
    from kkni_rdf.results import GRAPH_FORMATS, TEXT_FORMATS

    parser = argparse.ArgumentParser(
        prog="kkni",
        description="The KKNI decrees as a knowledge graph: build, query, validate and serve it.",
        epilog="Exit codes: 0 success or conforms, 1 does not conform, 2 bad input or usage.",
    )
    parser.add_argument("--version", action="version", version=f"kkni-rdf {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("build", help="build the decree's graph from its text into data/")
    p.add_argument("sources", nargs="*", metavar="DECREE.txt", help="decree texts (default: data/source/*.txt)")
    p.add_argument("--out", metavar="DIR", help="where to write the Turtle (default: data/)")
    p.add_argument("--base", default=DEFAULT_BASE, help=f"base IRI for data resources (default {DEFAULT_BASE})")
    p.add_argument("--translations", metavar="CSV", help="curated English labels (default: data/curated/translations-en.csv)")
    p.set_defaults(handler=cmd_build)

    p = sub.add_parser("query", help="run a SPARQL query on the embedded Oxigraph store")
    p.add_argument("file", nargs="?", metavar="FILE", help="a .rq file, or '-' for standard input")
    p.add_argument("--query", dest="query_text", metavar="TEXT", help="the query text itself")
    p.add_argument(
        "--format",
        default="table",
        choices=[*TEXT_FORMATS, *GRAPH_FORMATS],
        help="table (default), csv, tsv, json, xml; for CONSTRUCT/DESCRIBE: turtle, ntriples, …",
    )
    p.add_argument("--base", default=DEFAULT_BASE, help="base IRI the store's data is served under")
    p.set_defaults(handler=cmd_query)

    # -- validate, check: the shapes (kkni_rdf/validate.py, kkni_rdf/check.py)

    # -- serve: the endpoint (kkni_rdf/app.py)

    # -- export: exports and interoperability (kkni_rdf/export.py)

    # -- load: existing triple stores (kkni_rdf/remote.py)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except UsageError as exc:
        print(f"kkni: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
