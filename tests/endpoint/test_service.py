"""``EndpointConfig``: every option of the endpoint with its default, stated once; `kkni serve`'s options
are made from its fields, and the pool's policy, the answers' limits and the store source from it."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from kkni_rdf import cli
from kkni_rdf.endpoint.execute import Limits
from kkni_rdf.endpoint.pool import Policy
from kkni_rdf.endpoint.served import StoreSource
from kkni_rdf.endpoint.service import ConfigError, Endpoint, EndpointConfig, Option
from tests.helpers import run_cli

OPTIONS = [f for f in dataclasses.fields(EndpointConfig) if "option" in f.metadata]


def serve_args(*argv: str) -> argparse.Namespace:
    """`kkni serve ARGV…` as the command line reads it (without serving)."""
    return cli.build_parser().parse_args(["serve", *argv])


def test_every_field_is_an_option_of_kkni_serve(capsys: pytest.CaptureFixture[str]) -> None:
    assert [f.name for f in dataclasses.fields(EndpointConfig)] == [f.name for f in OPTIONS]
    with pytest.raises(SystemExit):
        serve_args("--help")
    text = " ".join(capsys.readouterr().out.split())
    for f in OPTIONS:
        option: Option = f.metadata["option"]
        assert option.flag_of(f.name) in text, f.name
    # each default is shown from the field, in the option's unit
    assert "--worker-memory MIB" in text and "(default 1024)" in text and "(default 262144)" in text
    assert "--store URL" in text and "--require-isolation" in text and "--user USER" in text


def test_without_options_the_config_is_the_dataclass_default() -> None:
    args = serve_args()
    assert all(getattr(args, f.name) is None for f in OPTIONS)  # no default written twice: argparse's are None
    assert cli._endpoint_config(args) == EndpointConfig()
    assert EndpointConfig().require_isolation is False


def test_options_set_their_fields_in_the_fields_unit() -> None:
    args = serve_args(
        "--workers", "3", "--timeout", "2.5", "--worker-memory", "10", "--public-url", "http://example.org/", "--require-isolation",
        "--log-queries", "--long-queries", "1", "--base", "https://example.org/kkni/", "--max-query-bytes", "1000", "--port", "0",
    )  # fmt: skip
    config = cli._endpoint_config(args)
    assert config == EndpointConfig(
        workers=3,
        timeout=2.5,
        worker_memory=10 * 2**20,
        public_url="http://example.org/",
        require_isolation=True,
        log_queries=True,
        long_queries=1,
        base="https://example.org/kkni/",
        max_query_bytes=1000,
        port=0,
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--workers", "0"], "--workers must be at least 1"),
        (["--timeout", "0"], "--timeout must be positive"),
        (["--read-timeout", "-1"], "--read-timeout must be positive"),
        (["--per-client", "0"], "--per-client must be at least 1"),
        (["--queue", "-1"], "--queue must be at least 0"),
        (["--worker-memory", "-1"], "--worker-memory must be at least 0"),
        (["--long-queries", "0"], "--long-queries must be at least 1"),
        (["--base", "https://example.org/kkni"], "--base must end with '/' or '#'"),
        (["--port", "99999"], "--port must be at most 65535"),
        (["--require-isolation", "--store", "http://127.0.0.1:9/query"], "--require-isolation cannot hold behind --store"),
    ],
)
def test_values_an_option_may_not_take_are_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run_cli(capsys, "serve", *argv)  # refused before anything is loaded or served
    assert code == 2 and out == "" and message in err and "Traceback" not in err


def test_a_config_made_in_code_is_checked_too() -> None:
    with pytest.raises(ConfigError, match="workers must be at least 1"):
        EndpointConfig(workers=0)
    with pytest.raises(ConfigError, match="base must end with"):
        EndpointConfig(base="https://example.org/kkni")


Made = Callable[[EndpointConfig], Any]


@pytest.mark.parametrize(
    ("made", "expected"),
    [
        (lambda c: c.policy, lambda c: Policy(c.timeout, c.short_seconds, c.long_queries, c.per_client, c.queue)),
        (lambda c: c.limits, lambda c: Limits(c.max_results, c.max_bytes)),
        (lambda c: c.source, lambda c: StoreSource(c.base, c.store_url, c.timeout)),
    ],
    ids=["policy", "limits", "source"],
)
def test_the_pool_policy_limits_and_store_source_take_the_configs_values(made: Made, expected: Made) -> None:
    for config in (EndpointConfig(), EndpointConfig(timeout=3.0, short_seconds=0.5, per_client=7, queue=5, max_results=9, max_bytes=99)):
        assert made(config) == expected(config)
        assert all(
            getattr(made(config), f.name) == getattr(config, f.name) for f in dataclasses.fields(made(config)) if hasattr(config, f.name)
        )


def test_a_download_is_made_when_first_asked_and_kept() -> None:
    """Start-up does not serialise the store six times over (minutes at national scale; pages of a remote
    store): each download is made when first asked, once, and kept."""
    endpoint = Endpoint(EndpointConfig(workers=1))  # not started: no workers
    try:
        assert endpoint._downloads == {}
        media, body = endpoint.download("kkni.nt")  # type: ignore[misc]
        assert media.startswith("application/n-triples") and body
        assert list(endpoint._downloads) == ["kkni.nt"]
        assert endpoint.download("kkni.nt") == (media, body)
        assert endpoint.download("kkni.xyz").status == 404  # type: ignore[union-attr]
    finally:
        endpoint.close()
