"""Fixtures of the differential suite: the reference dataset, `kkni serve` and plain Oxigraph over HTTP, and
one run of every case per seed.

The seeds: ``SEEDS`` by default (as ``make test`` runs); ``--differential-seeds 1,2,3`` (or ``--differential-seed 1``)
when pytest is given this folder (``pytest tests/differential --differential-seeds 1,2,3``), or the environment
variable ``KKNI_DIFFERENTIAL_SEEDS=1,2,3`` from anywhere.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from tests.differential.cases import Case, assign_methods
from tests.differential.generate import Generator, dataset_cases, named_query_cases
from tests.differential.reference import named_graphs, reference_store, write_nquads
from tests.differential.run import Campaign, Runner
from tests.differential.servers import Restartable, kkni_binary, oxigraph_binary
from tests.differential.vocabulary import Vocabulary, read_vocabulary
from tests.differential.w3c import sparql11_folder, w3c_cases
from tests.helpers import ROOT, free_port, serving

#: The seeds run by default.
SEEDS = (0,)
#: Generated queries per seed (with the named queries alone over 1,000; with the W3C suite about 1,400).
GENERATED = 950
#: `kkni serve`'s deadline here; fair-turn limits raised so that the suite's own parallel requests are
#: not refused as one greedy client (429) or stopped as long queries (503): only correctness is compared.
KKNI_OPTIONS = ["--workers", "2", "--timeout", "20", "--per-client", "64", "--queue", "256", "--short-seconds", "20"]

_CAMPAIGNS = pytest.StashKey[list[Campaign]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("differential").addoption(
        "--differential-seeds",
        "--differential-seed",
        dest="differential_seeds",
        default=None,
        help=f"comma-separated seeds of the differential queries (default {','.join(map(str, SEEDS))})",
    )


def seeds(config: pytest.Config) -> list[int]:
    given = config.getoption("differential_seeds", default=None) or os.environ.get("KKNI_DIFFERENTIAL_SEEDS")
    return [int(s) for s in str(given).split(",") if s.strip()] if given else list(SEEDS)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "seed" in metafunc.fixturenames:
        metafunc.parametrize("seed", seeds(metafunc.config), scope="session")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    for campaign in config.stash.get(_CAMPAIGNS, []):
        terminalreporter.write_line(campaign.summary())


@pytest.fixture(scope="session")
def reference() -> ox.Store:
    """The reference dataset in memory (built without KkniStore: reference.py)."""
    return reference_store()


@pytest.fixture(scope="session")
def held(reference: ox.Store) -> list[str]:
    """The named graphs the dataset holds."""
    return named_graphs(reference)


@pytest.fixture(scope="session")
def vocabulary(reference: ox.Store) -> Vocabulary:
    return read_vocabulary(reference)


@pytest.fixture(scope="session")
def reference_server(reference: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Restartable]:
    """Plain Oxigraph serving the reference dataset read-only (started again if a query kills it: servers.py)."""
    folder = tmp_path_factory.mktemp("differential")
    nquads = write_nquads(reference, folder / "reference.nq")
    location = folder / "oxigraph"
    subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", str(nquads)], check=True, capture_output=True)
    port = free_port()
    argv = [oxigraph_binary(), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--timeout-s", "25"]
    server = Restartable(argv, f"http://127.0.0.1:{port}/", folder / "oxigraph.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def reference_url(reference_server: Restartable) -> str:
    """The reference's query endpoint."""
    return reference_server.ready_url + "query"


@pytest.fixture(scope="session")
def kkni_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kkni serve` on the embedded store, as a user starts it: its SPARQL endpoint (its log kept beside the outcomes)."""
    port = free_port()
    argv = [kkni_binary(), "serve", "--host", "127.0.0.1", "--port", str(port), *KKNI_OPTIONS]
    log = tmp_path_factory.mktemp("differential-kkni") / "kkni.log"
    with serving(argv, f"http://127.0.0.1:{port}/healthz", cwd=ROOT, wait=60, log=log):
        yield f"http://127.0.0.1:{port}/sparql"


@pytest.fixture(scope="session")
def runner(kkni_url: str, reference_url: str, held: list[str], reference_server: Restartable) -> Runner:
    return Runner(kkni_url, reference_url, held, reference_server)


def all_cases(vocabulary: Vocabulary, seed: int) -> list[Case]:
    """Every query of one seed: generated, named, W3C (when the suite is there), with the protocol's dataset."""
    folder = sparql11_folder()
    cases = Generator(vocabulary, seed).cases(GENERATED) + named_query_cases() + (w3c_cases(folder) if folder else [])
    return assign_methods(cases + dataset_cases(vocabulary, seed), seed)


@pytest.fixture(scope="session")
def campaign(
    seed: int, vocabulary: Vocabulary, runner: Runner, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Campaign:
    """Every case of ``seed`` sent to both servers and judged (once per seed; the tests read it by source)."""
    done = runner.run(all_cases(vocabulary, seed), seed)
    done.write(tmp_path_factory.mktemp("differential-outcomes") / f"seed-{seed}.tsv")
    request.config.stash.setdefault(_CAMPAIGNS, []).append(done)
    return done
