"""The ``kkni`` command: a thin layer over the package's functions.

Each ``cmd_*`` reads its arguments, calls the typed functions of the module whose job it is, and
prints what they return; errors that are the user's input become ``UsageError`` (exit code 2).
Each command imports its modules when it runs, so that ``kkni query`` does not pay for FastAPI
and pySHACL (``kkni_rdf.endpoint`` alone takes seconds to import).

Exit codes: 0 success (or: the data conforms), 1 the data does not conform,
2 bad input or usage, or a file that cannot be written (a full disk; the previous file is left
whole: ``kkni_rdf.files``), with a message on standard error, never a stack trace.

Inputs are bounded as the endpoint bounds them (``kkni_rdf.limits``): a query or a record file at
most ``MAX_QUERY_BYTES``, RDF files to validate at most ``MAX_DATA_BYTES`` together (``--max-bytes``
raises either), nesting at most ``MAX_DEPTH`` deep; a file past the limit is refused before it is read.
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
from kkni_rdf.files import WriteFailed
from kkni_rdf.limits import MAX_DATA_BYTES, MAX_QUERY_BYTES
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


# --------------------------------------------------------------------------- bounded input, whole data


def _size(n: int) -> str:
    """A byte count as people read it: ``196.0 MB``, ``256 KiB`` for round binary sizes."""
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= factor and n % factor == 0:
            return f"{n // factor} {unit}"
    return f"{n / 1e6:.1f} MB" if n >= 10**6 else f"{n} bytes"


def _within_limit(paths: Sequence[Path], limit: int, what: str) -> None:
    """Refuse, before reading them, files larger together than ``limit`` bytes (``--max-bytes`` raises it).
    A file that cannot be stat'ed is left to its reader, which says what is wrong with it."""
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size if path.is_file() else 0
        except OSError:
            continue
        if total > limit:
            given = f"{path} is {_size(path.stat().st_size)}" if len(paths) == 1 else f"the files come to {_size(total)} by {path}"
            raise UsageError(f"{given}, more than the {_size(limit)} {what}; give --max-bytes N to read more (N in bytes)")


def _read_stdin(limit: int) -> str:
    """Standard input as UTF-8 text, at most ``limit`` bytes of it (read no further)."""
    binary = getattr(sys.stdin, "buffer", None)  # (a text stream without one: a test's, an embedding program's)
    data = binary.read(limit + 1) if binary is not None else sys.stdin.read(limit + 1).encode("utf-8")
    if len(data) > limit:
        raise UsageError(f"the query on standard input is longer than {_size(limit)}; give --max-bytes N to read more (N in bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"standard input is not UTF-8 text (byte {exc.start})") from None


def _check_built(base: str = DEFAULT_BASE) -> None:
    """Before a command reads the built graphs: every file whole. An empty or cut file (a build
    stopped by an older version, which wrote in place) is named, with what to do, instead of a
    parser's traceback or, for an empty file, an answer that silently lacks its graph."""
    import pyoxigraph as ox

    from kkni_rdf.store.embedded import default_graph_files

    for f in default_graph_files(base):
        try:
            empty = f.path.stat().st_size == 0
            if not empty:
                for _ in ox.parse(path=f.path, format=ox.RdfFormat.TURTLE, base_iri=f.path.as_uri()):
                    pass
        except OSError as exc:
            raise UsageError(f"cannot read {f.path}: {exc.strerror or exc}") from None
        except SyntaxError as exc:
            raise UsageError(
                f"{f.path} is cut short or damaged ({exc.msg}); a build was stopped midway or the disk was full: run `kkni build` again"
            ) from None
        if empty:
            raise UsageError(f"{f.path} is empty; a build was stopped midway or the disk was full: run `kkni build` again")


def _query_source(file: str | None) -> str | None:
    """``kkni query NAME``: a shipped query by its name (``qualifications`` or ``qualifications.rq``,
    from ``queries/``, in the wheel too) when no such file is here; else the file as given."""
    from kkni_rdf.resources import query_files, resource

    if file in (None, "-") or Path(file).exists() or "/" in file or os.sep in file:
        return file
    shipped = resource("queries") / f"{file.removesuffix('.rq')}.rq"
    if shipped.is_file():
        return str(shipped)
    names = ", ".join(p.stem for p in query_files())
    raise UsageError(f"no such query file, nor a shipped query of that name: {file} (the shipped queries: {names})")


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

    source = _query_source(args.file) if args.query_text is None else args.file  # (both: read_query_text says which to give)
    if source == "-" and args.query_text is None:
        source, query_text = None, _read_stdin(args.max_bytes)
    else:
        query_text = args.query_text
        _within_limit([Path(source)] if source else [], args.max_bytes, "a query file may hold")
    if query_text is not None and len(query_text.encode("utf-8")) > args.max_bytes:
        raise UsageError(f"the query is longer than {_size(args.max_bytes)}; give --max-bytes N to read more (N in bytes)")
    with usage_errors(QueryInputError):
        text = check_not_empty(read_query_text(source, query_text))
    _check_built(args.base)
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
        _within_limit(files, args.max_bytes, "kkni validate reads at most")
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

    from kkni_rdf.checks.candidate import UserInput, read_input, run_check, split_codes
    from kkni_rdf.checks.catalogue import CheckError, catalogue_from_store
    from kkni_rdf.store.embedded import KkniStore

    if args.file and args.units:
        raise UsageError("give unit codes or --file, not both")
    if not args.file and not args.qualification:
        raise UsageError("name the qualification and the units, e.g. kkni check N78SPS01-5-asesor M.74SPS03.088.2, or give --file")
    if args.file:
        _within_limit([Path(args.file)], args.max_bytes, "a record file may hold")
    _check_built()
    with usage_errors(CheckError):
        inp = read_input(Path(args.file)) if args.file else UserInput([c for u in args.units for c in split_codes(u)])
        result = run_check(catalogue_from_store(KkniStore.load_default()), args.qualification, inp, program=args.program)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(result.text())
    return EXIT_OK if result.ok else EXIT_NONCONFORMING


# --------------------------------------------------------------------------- search


def cmd_search(args: argparse.Namespace) -> int:
    import json

    from kkni_rdf.search import KINDS, MAX_RESULTS, SearchIndex
    from kkni_rdf.store.embedded import KkniStore

    text = " ".join(args.text).strip()
    if not text:
        raise UsageError("say what to search, e.g. kkni search asesmen")
    if not 1 <= args.limit <= MAX_RESULTS:
        raise UsageError(f"--limit must be from 1 to {MAX_RESULTS}")
    hits = SearchIndex.from_store(KkniStore.load_default()).search(text, args.kind or KINDS, args.limit)
    if args.format == "json":
        sys.stdout.write(
            json.dumps({"query": text, "count": len(hits), "results": [h.as_dict() for h in hits]}, ensure_ascii=False, indent=2) + "\n"
        )
    else:
        for h in hits:
            d = h.document
            title = d.title.get("id") or d.title.get("en", "")
            english = f" ({d.title['en']})" if d.title.get("en") and d.title.get("en") != title else ""
            sys.stdout.write(f"{d.kind}\t{d.code or d.context.rsplit('/', 1)[-1]}\t{title}{english}\t{d.iri}\n")
    return EXIT_OK if hits else EXIT_NONCONFORMING


# --------------------------------------------------------------------------- serve


def cmd_serve(args: argparse.Namespace) -> int:
    from kkni_rdf.endpoint.app import serve

    config = _endpoint_config(args)
    if not config.store_url:
        _check_built(config.base)
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

    if args.registry and args.to != "ctdl":
        raise UsageError("--registry writes Credential Engine's publish requests: use it with --to ctdl")
    if args.registry and args.out is None:
        raise UsageError("--registry writes one publish request per record: give --out DIR")
    _check_built(args.base)
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
    if args.registry:
        from kkni_rdf.export.ctdl_registry import write_registry

        paths = write_registry(store, out)
        print(f"{out}: {len(paths)} publish requests for Credential Engine's Registry Assistant")
        return EXIT_OK
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


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of bytes: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _max_bytes(parser: argparse.ArgumentParser, default: int, what: str) -> None:
    parser.add_argument(
        "--max-bytes", type=_positive, default=default, metavar="N", help=f"{what}, in bytes (default {default}, {_size(default)})"
    )


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
    p.add_argument(
        "file", nargs="?", metavar="FILE", help="a .rq file, a shipped query's name (e.g. qualifications), or '-' for standard input"
    )
    p.add_argument("--query", dest="query_text", metavar="TEXT", help="the query text itself")
    p.add_argument(
        "--format",
        default=None,
        choices=[*TEXT_FORMATS, *GRAPH_FORMAT_KEYS],
        help="table (default), csv, tsv, json, xml; for CONSTRUCT/DESCRIBE: turtle (default), ntriples, …",
    )
    p.add_argument("--base", default=DEFAULT_BASE, help="base IRI the store's data is served under")
    _max_bytes(p, MAX_QUERY_BYTES, "the longest query read")
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
    _max_bytes(p, MAX_DATA_BYTES, "the most RDF read, all files together (validation holds 18 to 60 times it in memory)")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("check", help="check a candidate's units, or a training program, against a qualification")
    p.add_argument(
        "qualification",
        nargs="?",
        metavar="QUALIFICATION",
        help="the qualification's IRI or short id, e.g. N78SPS01-5-asesor (default: the one a --file record or program names)",
    )
    p.add_argument("units", nargs="*", metavar="UNIT", help="unit codes, e.g. M.74SPS03.088.2 (a list with commas or semicolons too)")
    p.add_argument("--file", metavar="F", help="a record or program (.ttl, .nt, .jsonld) or a list of codes (.csv, .json, .txt)")
    p.add_argument("--program", action="store_true", help="the units are a training program's offer (default: a candidate's record)")
    p.add_argument("--format", default="text", choices=["text", "json"], help="output format (default text)")
    _max_bytes(p, MAX_QUERY_BYTES, "the largest --file read (as the endpoint's /check)")
    p.set_defaults(handler=cmd_check)

    # -- search: qualifications, units, job titles and findings (kkni_rdf/search/)
    p = sub.add_parser("search", help="search qualifications, units (Indonesian and English titles), job titles and findings")
    p.add_argument("text", nargs="+", metavar="TEXT", help="what to search, e.g. asesmen, assessment, M.74SPS03.090.1")
    p.add_argument("--kind", action="append", choices=["qualification", "unit", "job-title", "finding"], help="only this kind (repeatable)")
    p.add_argument("--limit", type=int, default=20, help="at most this many results (default 20, at most 100)")
    p.add_argument("--format", default="text", choices=["text", "json"], help="output format (default text: kind, code, title, IRI)")
    p.set_defaults(handler=cmd_search)

    # -- serve: the endpoint (kkni_rdf/endpoint/); its options are EndpointConfig's fields, added when the command runs
    p = sub.add_parser("serve", help="serve the SPARQL endpoint, linked-data pages and query editor over HTTP", options=_serve_options)
    p.set_defaults(handler=cmd_serve)

    # -- export: exports and interoperability (kkni_rdf/export/)
    p = sub.add_parser("export", help="export the graph as JSON-LD, CTDL, ELM, SKOS or CSV tables")
    p.add_argument("--to", required=True, choices=["jsonld", "ctdl", "elm", "skos", "csv"], help="the export format")
    p.add_argument("--out", metavar="DIR", help="write into this folder (default: standard output; required for csv)")
    p.add_argument(
        "--registry",
        action="store_true",
        help="with --to ctdl: Credential Engine's Registry Assistant publish requests, one JSON per record, into --out",
    )
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
    except (UsageError, WriteFailed) as exc:
        print(f"kkni: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
