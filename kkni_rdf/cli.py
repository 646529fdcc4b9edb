"""The ``kkni`` command: a thin layer over the package's functions.

Each ``cmd_*`` reads its arguments, calls the typed functions of the module whose job it is, and
prints what they return; errors that are the user's input become ``UsageError`` (exit code 2).
Each command imports its modules when it runs, so that ``kkni query`` does not pay for FastAPI
and pySHACL (``kkni_rdf.endpoint`` alone takes seconds to import).

Exit codes: 0 success (or: the data conforms), 1 the data does not conform,
2 bad input or usage (with a message on standard error, never a stack trace).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import typing
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kkni_rdf import __version__
from kkni_rdf.namespaces import DEFAULT_BASE

if TYPE_CHECKING:
    from kkni_rdf.endpoint.service import EndpointConfig
    from kkni_rdf.validation.findings import Report

EXIT_OK = 0
EXIT_NONCONFORMING = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input or usage: printed as ``kkni: error: …`` with exit code 2."""


Handler = Callable[[argparse.Namespace], int]


@contextmanager
def usage_errors(*errors: type[Exception], prefix: str = "") -> Iterator[None]:
    """Turn the given errors (the user's input is at fault) into ``UsageError``, its message after ``prefix``."""
    try:
        yield
    except errors as exc:
        raise UsageError(f"{prefix}{exc}") from None


# --------------------------------------------------------------------------- build


def cmd_build(args: argparse.Namespace) -> int:
    from kkni_rdf.decree.parser import DecreeParseError
    from kkni_rdf.graph.build import build_many
    from kkni_rdf.ontology_docs import write_ontology_html
    from kkni_rdf.resources import decree_sources, resource, resource_root, translations_file
    from kkni_rdf.validation.reader import InputError
    from kkni_rdf.validation.reports import write_findings

    sources = [Path(s) for s in args.sources] or decree_sources()
    out_dir = Path(args.out) if args.out else resource("data")
    translations = Path(args.translations) if args.translations else translations_file()
    for source in sources:
        if not source.is_file():
            raise UsageError(f"no such decree text: {source}")
    with usage_errors(DecreeParseError, prefix="cannot read the decree: "):
        built = build_many(sources, out_dir, args.base, translations, jobs=args.jobs)
    for b in built:
        print(f"{b.path}: {b.triples} triples; {b.qualifications} qualifications, {b.unit_rows} unit rows, {b.prerequisites} prerequisites")
        if b.missing_translations:
            print(f"  note: {b.missing_translations} resources have no English label in {translations.name}", file=sys.stderr)
        if args.findings:
            with usage_errors(InputError):
                path, report = write_findings(b.slug, out_dir)
            counts = ", ".join(f"{n} {sev}s" for sev, n in report.counts().items())
            print(f"{path}: the validation report ({counts})")
    if args.docs:
        docs = (Path(args.out) if args.out else resource_root() / "docs") / "ontology" / "index.html"
        print(f"{write_ontology_html(docs)}: the ontology's HTML documentation (pyLODE)")
    return EXIT_OK


# --------------------------------------------------------------------------- query


def cmd_query(args: argparse.Namespace) -> int:
    import pyoxigraph as ox

    from kkni_rdf.namespaces import default_prefixes
    from kkni_rdf.query_text import QueryInputError, check_not_empty, read_query_text
    from kkni_rdf.results import GRAPH_FORMAT_KEYS, TEXT_FORMATS, render
    from kkni_rdf.store.embedded import KkniStore
    from kkni_rdf.store.guard import Refused
    from kkni_rdf.store.protocol import QueryError

    with usage_errors(QueryInputError):
        text = check_not_empty(read_query_text(args.file, args.query_text))
    store = KkniStore.load_default(args.base)
    with usage_errors(Refused), usage_errors(QueryError, prefix="malformed query: "):
        result = store.query(text)  # the one guard (store.guard) first: depth, SERVICE, updates, FROM
    graph = isinstance(result, ox.QueryTriples)
    fmt = args.format or ("turtle" if graph else "table")
    if graph != (fmt in GRAPH_FORMAT_KEYS):
        form, fits = ("CONSTRUCT or DESCRIBE", GRAPH_FORMAT_KEYS) if graph else ("SELECT or ASK", TEXT_FORMATS)
        raise UsageError(f"--format {fmt} cannot carry the results of a {form} query; use one of {', '.join(fits)}")
    with usage_errors(QueryError, prefix="malformed query: "):
        out = render(result, fmt, default_prefixes(args.base))
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    return EXIT_OK


# --------------------------------------------------------------------------- validate, check


def cmd_validate(args: argparse.Namespace) -> int:
    from kkni_rdf.validation.engine import validate_decree, validate_files
    from kkni_rdf.validation.reader import InputError
    from kkni_rdf.validation.reports import findings_path, report_graph, report_turtle, to_html, to_json, to_text, write_findings

    files = [Path(f) for f in args.files]
    if args.write_findings:
        if files:
            raise UsageError("--write-findings writes the decree's report; give no files with it")
        path, report = write_findings()
        print(f"{path}: {len(report.findings)} findings {report.counts()}")
        return EXIT_OK
    if args.store:  # the SHACL-SPARQL checks run by a SPARQL 1.1 store
        report = _validate_store(args.store, files, args.user)
    else:
        with usage_errors(InputError):
            report = validate_files(files) if files else validate_decree()
    if args.format == "json":
        out = to_json(report, args.fail_on)
    elif args.format == "html":
        title = "KKNI validation: " + (", ".join(f.name for f in files) if files else "Kepmenaker 3/2021")
        out = to_html(report, args.fail_on, title)
    elif args.format == "turtle":
        name = findings_path().stem if not files else files[0].stem
        out = report_turtle(report_graph(report, name))
    else:
        out = to_text(report, args.fail_on)
    sys.stdout.write(out)
    sys.stdout.flush()
    return EXIT_OK if report.conforms(args.fail_on) else EXIT_NONCONFORMING


def _validate_store(url: str, files: Sequence[Path], user: str | None) -> Report:
    """``kkni validate --store URL``: the SHACL-SPARQL checks, run by the store."""
    from kkni_rdf.store.auth import CredentialsError
    from kkni_rdf.store.protocol import QueryError
    from kkni_rdf.store.remote import RemoteError
    from kkni_rdf.validation.remote_store import validate_store

    if files:
        raise UsageError("give files or --store, not both (load files into the store with `kkni load`)")
    with usage_errors(CredentialsError), usage_errors(RemoteError, QueryError, prefix=f"validating in {url}: "):
        return validate_store(url, user)


def cmd_check(args: argparse.Namespace) -> int:
    import json

    from kkni_rdf.checks.candidate import UserInput, read_input, run_check
    from kkni_rdf.checks.catalogue import CheckError, catalogue_from_store
    from kkni_rdf.store.embedded import KkniStore

    if args.file and args.units:
        raise UsageError("give unit codes or --file, not both")
    if not args.file and not args.qualification:
        raise UsageError("name the qualification and the units, e.g. kkni check N78SPS01-5-asesor M.74SPS03.088.2, or give --file")
    with usage_errors(CheckError):
        inp = read_input(Path(args.file)) if args.file else UserInput([u.strip() for u in args.units if u.strip()])
        result = run_check(catalogue_from_store(KkniStore.load_default()), args.qualification, inp, program=args.program)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(result.text())
    return EXIT_OK if result.ok else EXIT_NONCONFORMING


# --------------------------------------------------------------------------- serve


def cmd_serve(args: argparse.Namespace) -> int:
    from kkni_rdf.endpoint.app import serve

    config = _endpoint_config(args)
    if config.store_url:
        from kkni_rdf.store.auth import CredentialsError, store_auth

        with usage_errors(CredentialsError):
            auth = store_auth(args.user, config.store_url)
        _check_store(config.store_url, auth, config.base, config.timeout)
    serve(config)
    return EXIT_OK


def _serve_options(parser: argparse.ArgumentParser) -> None:
    _config_options(parser)
    parser.add_argument("--user", help="user name for --store (default $KKNI_STORE_USER; the password in KKNI_STORE_PASSWORD)")


def _config_options(parser: argparse.ArgumentParser) -> None:
    """``kkni serve``'s options: one for each field of ``EndpointConfig``, with the help, unit and rules
    stated there. Each is ``None`` unless given, so that the field's own default applies: the
    defaults are stated once, in ``EndpointConfig``, and shown here from there."""
    from kkni_rdf.endpoint.service import EndpointConfig, Option

    kinds = typing.get_type_hints(EndpointConfig)
    for f in dataclasses.fields(EndpointConfig):
        option: Option | None = f.metadata.get("option")
        if option is None:
            continue
        if kinds[f.name] is bool:
            parser.add_argument(option.flag_of(f.name), dest=f.name, action="store_true", default=None, help=option.help)
            continue
        kind = next(k for k in typing.get_args(kinds[f.name]) or (kinds[f.name],) if k is not type(None))
        help = option.help if f.default is None else f"{option.help} (default {_shown(f.default, option.unit)})"  # None: the help says
        parser.add_argument(option.flag_of(f.name), dest=f.name, type=kind, default=None, metavar=option.metavar, help=help)


def _shown(default: object, unit: int) -> str:
    """A default as ``kkni serve --help`` shows it: in the option's unit, ``10`` rather than ``10.0``."""
    value = default / unit if isinstance(default, int | float) and unit > 1 else default
    return f"{value:g}" if isinstance(value, float) else str(value)


def _endpoint_config(args: argparse.Namespace) -> EndpointConfig:
    """The ``EndpointConfig`` of ``kkni serve``'s options: the fields given, in the field's unit; the others' defaults."""
    from kkni_rdf.endpoint.service import ConfigError, EndpointConfig, Option

    given: dict[str, Any] = {}
    flags: dict[str, str] = {}
    for f in dataclasses.fields(EndpointConfig):
        option: Option | None = f.metadata.get("option")
        value = getattr(args, f.name, None)
        if option is None:
            continue
        flags[f.name] = option.flag_of(f.name)
        if value is not None:
            given[f.name] = value * option.unit if option.unit > 1 else value
    try:
        return EndpointConfig(**given)
    except ConfigError as exc:
        raise UsageError(f"{flags.get(exc.name, exc.name)} {exc.requirement}") from None


# --------------------------------------------------------------------------- export


def cmd_export(args: argparse.Namespace) -> int:
    from kkni_rdf.export import DOCUMENTS, write_export
    from kkni_rdf.store.embedded import KkniStore

    store = KkniStore.load_default(args.base)
    if args.out is None:
        if args.to == "csv":
            raise UsageError("--to csv writes several tables: give --out DIR")
        sys.stdout.buffer.write(DOCUMENTS[args.to].make(store))
        sys.stdout.flush()
        return EXIT_OK
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out must be a folder: {out} is a file")
    for path in write_export(store, args.to, out):
        print(path)
    return EXIT_OK


# --------------------------------------------------------------------------- load


def _check_store(url: str, auth: tuple[str, str] | None, base: str, timeout: float) -> None:
    """Before ``kkni serve --store URL`` starts: the store answers and holds the project's graphs.
    Its query workers are processes: they read the user (and the password) from the environment."""
    from kkni_rdf.store.auth import USER_VARIABLE
    from kkni_rdf.store.remote import RemoteError, RemoteStore

    with usage_errors(RemoteError, prefix=f"serving from {url}: "), RemoteStore(url, timeout=timeout, auth=auth, base=base) as remote:
        if not remote.graphs():
            raise UsageError(f"{url} holds none of the project's graphs (under {base}); load them first: kkni load --into {url}")
    if auth:
        os.environ[USER_VARIABLE] = auth[0]


def cmd_load(args: argparse.Namespace) -> int:
    from kkni_rdf.store.auth import CredentialsError, store_auth
    from kkni_rdf.store.embedded import GraphFile, default_graph_files
    from kkni_rdf.store.protocol import graph_sizes
    from kkni_rdf.store.remote import RemoteError, RemoteStore, graph_store_url, update_url

    files = default_graph_files()
    if args.files:
        if not args.graph:
            raise UsageError("give --graph IRI for the files to load (or no files: the project's graphs)")
        files = [GraphFile(Path(f), args.graph) for f in args.files]
        for f in files:
            if not f.path.is_file():
                raise UsageError(f"no such file: {f.path}")
    with usage_errors(ValueError):
        gsp = args.graph_store or graph_store_url(args.into)
    with usage_errors(CredentialsError):
        auth = store_auth(args.user, args.into, args.graph_store, args.update)
    with usage_errors(ValueError):
        update = args.update or update_url(args.into, auth)  # the swap of the staged graphs is sent there
    with RemoteStore(args.into, timeout=args.timeout, auth=auth, graph_store=gsp, update=update) as store, usage_errors(RemoteError):
        loaded = store.load(files)
        print(f"loaded {len(loaded)} files into {len(set(g.graph for g in loaded))} named graphs through {gsp}")
        for graph, triples in graph_sizes(store):
            print(f"  {graph}  {triples} triples")
    return EXIT_OK


# --------------------------------------------------------------------------- the parser


class _Subcommand(argparse.ArgumentParser):
    """A command's parser that can add some of its options when the command is the one run
    (``options``): ``kkni serve``'s come from ``EndpointConfig``, whose module imports the endpoint,
    which the other commands need not pay for."""

    def __init__(self, *args: Any, options: Callable[[argparse.ArgumentParser], None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._options = options

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        if self._options is not None:
            add, self._options = self._options, None
            add(self)
        return super().parse_known_args(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    from kkni_rdf.results import GRAPH_FORMAT_KEYS, TEXT_FORMATS

    parser = argparse.ArgumentParser(
        prog="kkni",
        description="The KKNI decrees as a knowledge graph: build, query, validate and serve it.",
        epilog="Exit codes: 0 success or conforms, 1 does not conform, 2 bad input or usage.",
    )
    parser.add_argument("--version", action="version", version=f"kkni-rdf {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Subcommand)

    p = sub.add_parser("build", help="build the decree's graph from its text into data/")
    p.add_argument("sources", nargs="*", metavar="DECREE.txt", help="decree texts (default: data/source/*.txt)")
    p.add_argument("--out", metavar="DIR", help="where to write the Turtle (default: data/)")
    p.add_argument("--base", default=DEFAULT_BASE, help=f"base IRI for data resources (default {DEFAULT_BASE})")
    p.add_argument("--translations", metavar="CSV", help="curated English labels (default: data/curated/translations-en.csv)")
    p.add_argument("--jobs", type=int, default=None, metavar="N", help="decrees built in parallel (default: one per core)")
    p.add_argument("--no-findings", dest="findings", action="store_false", help="skip writing each decree's validation report to findings/")
    p.add_argument("--no-docs", dest="docs", action="store_false", help="skip writing the ontology's HTML documentation")
    p.set_defaults(handler=cmd_build)

    p = sub.add_parser("query", help="run a SPARQL query on the embedded Oxigraph store")
    p.add_argument("file", nargs="?", metavar="FILE", help="a .rq file, or '-' for standard input")
    p.add_argument("--query", dest="query_text", metavar="TEXT", help="the query text itself")
    p.add_argument(
        "--format",
        default=None,
        choices=[*TEXT_FORMATS, *GRAPH_FORMAT_KEYS],
        help="table (default), csv, tsv, json, xml; for CONSTRUCT/DESCRIBE: turtle (default), ntriples, …",
    )
    p.add_argument("--base", default=DEFAULT_BASE, help="base IRI the store's data is served under")
    p.set_defaults(handler=cmd_query)

    # -- validate, check: the shapes (kkni_rdf/validation/, kkni_rdf/checks/)
    p = sub.add_parser("validate", help="validate the decree, or RDF files, with the SHACL shapes")
    p.add_argument("files", nargs="*", metavar="FILE", help="Turtle (.ttl), N-Triples (.nt) or JSON-LD (.jsonld) (default: the decree)")
    p.add_argument("--format", default="text", choices=["text", "turtle", "json", "html"], help="report format (default text)")
    p.add_argument(
        "--fail-on",
        default="violation",
        choices=["violation", "warning", "info"],
        help="exit 1 when a finding is this severe or more (default violation)",
    )
    p.add_argument("--write-findings", action="store_true", help="write the decree's report to data/findings/ (stable Turtle)")
    p.add_argument("--store", metavar="URL", help="run the packaging-rule (SHACL-SPARQL) checks inside this SPARQL 1.1 store instead")
    p.add_argument("--user", help="user name for --store (default $KKNI_STORE_USER; the password in KKNI_STORE_PASSWORD)")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("check", help="check a candidate's units, or a training program, against a qualification")
    p.add_argument(
        "qualification",
        nargs="?",
        metavar="QUALIFICATION",
        help="the qualification's IRI or short id, e.g. N78SPS01-5-asesor (default: the one a --file record or program names)",
    )
    p.add_argument("units", nargs="*", metavar="UNIT", help="unit codes, e.g. M.74SPS03.088.2")
    p.add_argument("--file", metavar="F", help="a record or program (.ttl, .nt, .jsonld) or a list of codes (.csv, .json, .txt)")
    p.add_argument("--program", action="store_true", help="the units are a training program's offer (default: a candidate's record)")
    p.add_argument("--format", default="text", choices=["text", "json"], help="output format (default text)")
    p.set_defaults(handler=cmd_check)

    # -- serve: the endpoint (kkni_rdf/endpoint/); its options are EndpointConfig's fields, added when the command runs
    p = sub.add_parser("serve", help="serve the SPARQL endpoint, linked-data pages and query editor over HTTP", options=_serve_options)
    p.set_defaults(handler=cmd_serve)

    # -- export: exports and interoperability (kkni_rdf/export/)
    p = sub.add_parser("export", help="export the graph as JSON-LD, CTDL, ELM, SKOS or CSV tables")
    p.add_argument("--to", required=True, choices=["jsonld", "ctdl", "elm", "skos", "csv"], help="the export format")
    p.add_argument("--out", metavar="DIR", help="write into this folder (default: standard output; required for csv)")
    p.add_argument("--base", default=DEFAULT_BASE, help="base IRI the store's data is served under")
    p.set_defaults(handler=cmd_export)

    # -- load: existing triple stores (kkni_rdf/store/remote.py)
    p = sub.add_parser(
        "load",
        help="load the graphs into a SPARQL 1.1 store (Graph Store Protocol)",
        description="PUT the ontology and every built decree, each into a staging graph, into a SPARQL 1.1 store "
        "through the Graph Store Protocol, then move them all into their named graphs with one SPARQL Update request, "
        "so that readers see the old data or the new, never a part; the store's address for it is derived from --into "
        "(Oxigraph …/query → …/store, Fuseki …/ds/sparql → …/ds/data, GraphDB …/repositories/R → …/rdf-graphs/service, "
        "Virtuoso …/sparql → …/sparql-graph-crud-auth) or given with --graph-store; its Update address likewise "
        "(…/update, …/ds/update, …/statements, Virtuoso …/sparql-auth) or --update.",
    )
    p.add_argument("--into", required=True, metavar="URL", help="the store's SPARQL query endpoint, e.g. http://localhost:7878/query")
    p.add_argument("--graph-store", metavar="URL", help="its Graph Store Protocol endpoint (default: derived from --into)")
    p.add_argument("--update", metavar="URL", help="its SPARQL Update endpoint, for the swap (default: derived from --into)")
    p.add_argument("files", nargs="*", metavar="FILE.ttl", help="Turtle files to load instead of the project's graphs (with --graph)")
    p.add_argument("--graph", metavar="IRI", help="the named graph for FILE.ttl")
    p.add_argument("--user", help="user name for the store (default $KKNI_STORE_USER; the password in KKNI_STORE_PASSWORD)")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for each request (default 300)")
    p.set_defaults(handler=cmd_load)

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
