"""`kkni serve` against plain Oxigraph holding the same dataset: the same answers to over a thousand legal
queries, but for the policy refusals listed in ``compare.allowed_refusal`` (each shown below to happen).

The queries: generated over the decree's vocabulary (``generate.py``), the named queries of ``queries/``,
the W3C SPARQL 1.1 suite's valid queries (``w3c.py``; skipped without ``../shared``) and queries with the
protocol's dataset parameters. The run's summary is printed at the end of pytest's report (every outcome
is written to a file it names); ``pytest tests/differential --differential-seeds 1,2,3`` runs other queries.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.differential.cases import make_case
from tests.differential.compare import Answer, allowed_refusal
from tests.differential.run import Campaign, Runner
from tests.differential.servers import kkni_binary
from tests.differential.w3c import SUITE, sparql11_folder
from tests.helpers import ROOT, free_port, serving, without_shared_file

pytestmark = pytest.mark.e2e

#: At least this many queries for one seed (generated, named and W3C; the dataset block apart).
ENOUGH = 1000


def _check(campaign: Campaign, source: str) -> None:
    failures = campaign.failures(source)
    if failures:
        listed = "\n".join(o.report() for o in failures)
        pytest.fail(f"{len(failures)} differences from the reference ({source}):\n{listed}\n\n{campaign.summary()}", pytrace=False)


def test_generated_queries_agree(campaign: Campaign) -> None:
    _check(campaign, "generated")


def test_named_queries_agree(campaign: Campaign) -> None:
    _check(campaign, "named")


def test_w3c_queries_agree(campaign: Campaign) -> None:
    if sparql11_folder() is None:
        without_shared_file(f"the W3C SPARQL 1.1 tests are not in {SUITE}")
    _check(campaign, "w3c")


def test_dataset_parameters_agree(campaign: Campaign) -> None:
    assert len({o.case.name for o in campaign.of("dataset")}) >= 30
    _check(campaign, "dataset")


def test_enough_queries(campaign: Campaign) -> None:
    """Over a thousand queries per seed, every method used, a tenth of them by all three."""
    queries = {o.case.name for o in campaign.outcomes if o.case.source != "dataset"}
    assert len(queries) >= ENOUGH
    by_all = {o.case.name for o in campaign.outcomes if len(o.case.methods) == 3}
    assert 0.05 * len(queries) < len(by_all) < 0.15 * len(queries)
    assert {o.method for o in campaign.outcomes} == {"get", "post-form", "post-body"}


def test_the_reference_answers_nearly_everything(campaign: Campaign) -> None:
    """What the reference could not answer is not compared (it is counted and listed in the summary): a handful at most."""
    unanswered = [o.report() for o in campaign.outcomes if o.verdict == "reference-error"]
    assert len(unanswered) < 0.02 * len(campaign.outcomes), "\n".join(unanswered)


# ---------------------------------------------------------------------------- the allowed refusals, each shown


def _refusal(url: str, held: list[str], text: str, method: str = "post-body") -> tuple[Answer, str | None]:
    """`kkni serve`'s answer at ``url`` to ``text``, and the kind of allowed refusal it is (None: not one)."""
    case = make_case("refusal", "refusal", text)
    runner = Runner(url, url, held)
    try:
        answer = runner.ask(url, case, method)
    finally:
        runner.close()
    return answer, allowed_refusal(case, answer, held, url)


def test_service_is_refused(kkni_url: str, held: list[str]) -> None:
    answer, kind = _refusal(kkni_url, held, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert (answer.status, kind) == (400, "service"), answer.brief()


def test_update_is_refused(kkni_url: str, held: list[str]) -> None:
    answer, kind = _refusal(kkni_url, held, "INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }")
    assert (answer.status, kind) == (403, "update"), answer.brief()


def test_unknown_graph_is_refused(kkni_url: str, held: list[str]) -> None:
    answer, kind = _refusal(kkni_url, held, "SELECT * FROM <https://w3id.org/kkni/graph/not-held> WHERE { ?s ?p ?o }", "get")
    assert (answer.status, kind) == (400, "unknown graph"), answer.brief()


def test_result_cap_is_refused(kkni_url: str, held: list[str]) -> None:
    """Past the default cap of 100,000 solutions: 422, never a truncated 200."""
    answer, kind = _refusal(kkni_url, held, "SELECT ?a ?b WHERE { ?a a ?x . ?b a ?y } LIMIT 100001", "post-form")
    assert (answer.status, kind) == (422, "result cap"), answer.brief()


@pytest.fixture(scope="module")
def hasty_kkni_url() -> Iterator[str]:
    """`kkni serve` with a one-second deadline (the suite's own server allows 20 s)."""
    port = free_port()
    argv = [kkni_binary(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--timeout", "1"]
    with serving(argv, f"http://127.0.0.1:{port}/healthz", cwd=ROOT, wait=60):
        yield f"http://127.0.0.1:{port}/sparql"


def test_deadline_is_refused(hasty_kkni_url: str, held: list[str]) -> None:
    answer, kind = _refusal(hasty_kkni_url, held, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert (answer.status, kind) == (504, "deadline"), answer.brief()


def test_other_answers_are_not_allowed_refusals(kkni_url: str, held: list[str]) -> None:
    """A refusal the list does not name counts as a difference: a syntax error, or "unknown graph" for a graph the store holds."""
    answer, kind = _refusal(kkni_url, held, "SELECT * WHERE { ?s ?p }")
    assert (answer.status, kind) == (400, None), answer.brief()
    case = make_case("refusal", "refusal", f"SELECT * FROM <{held[0]}> WHERE {{ ?s ?p ?o }}")
    assert allowed_refusal(case, Answer(400, b'{"error": "unknown graph"}'), held, kkni_url) is None
    service_word = make_case("refusal", "refusal", 'SELECT * WHERE { ?s ?p "SERVICE" }')
    assert allowed_refusal(service_word, Answer(400, b'{"error": "service refused"}'), held, kkni_url) == "service"
