"""Writes that lose nothing and reads that fail clearly (issue 19, items 6 and 7): real ``kkni``
processes on a real full disk (a small tmpfs), killed (SIGKILL) midway through a write, and run on
a build cut short by an older version (which wrote in place).

Each write goes through ``kkni_rdf.files``: a temporary file in the same folder, renamed over the
target. A kill between the two leaves that temporary file behind, which is how these tests know
that they killed the write midway (and not before or after it).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kkni_rdf.checks.catalogue import catalogue_from_store
from kkni_rdf.endpoint import check
from kkni_rdf.endpoint.errors import Outcome
from kkni_rdf.endpoint.service import EndpointConfig
from kkni_rdf.files import DiskFull, WriteFailed, write_bytes, write_text
from kkni_rdf.limits import MAX_QUERY_BYTES
from kkni_rdf.resources import RESOURCE_DIRS
from kkni_rdf.store.embedded import KkniStore
from tests.helpers import ROOT, answers, free_port

DECREE = "kepmenaker-3-2021.ttl"


def kkni(*argv: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kkni_rdf", *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def assert_clear_error(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert done.stderr.startswith("kkni: error:") and "Traceback" not in done.stderr, done.stderr[-2000:]
    for w in words:
        assert w in done.stderr, done.stderr


def temporaries(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(".tmp"))


# --------------------------------------------------------------------------- a full disk


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1000 KiB tmpfs: room for one build of the decree (641 KB), not for a second beside it."""
    folder = tmp_path / "disk"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1000k", "tmpfs", str(folder)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root, or a container that allows it): {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.parametrize("jobs", [1, 2])
def test_build_on_a_full_disk_is_exit_2_and_leaves_the_previous_build_whole(small_disk: Path, tmp_path: Path, jobs: int) -> None:
    first = kkni("build", "--out", str(small_disk), "--no-findings", "--no-docs")
    assert first.returncode == 0, first.stderr
    previous = (small_disk / DECREE).read_bytes()
    source = ROOT / "data" / "source" / "kepmenaker-3-2021.txt"
    sources = [str(source)]
    if jobs == 2:  # two decree texts, built in two processes: the error crosses the process pool
        sources.append(str(shutil.copy(source, tmp_path / "again.txt")))
    # another base: every IRI differs, so the file is written again; its copy does not fit beside it
    argv = [
        "build",
        *sources,
        "--jobs",
        str(jobs),
        "--out",
        str(small_disk),
        "--no-findings",
        "--no-docs",
        "--base",
        "https://example.org/kkni/",
    ]
    second = kkni(*argv)
    assert_clear_error(second, "cannot write", DECREE, "the disk is full", "previous file")
    assert (small_disk / DECREE).read_bytes() == previous
    assert temporaries(small_disk) == []  # the partial copy is removed


def test_write_on_a_full_disk_raises_disk_full_and_keeps_the_file(small_disk: Path) -> None:
    target = write_text(small_disk / "kept.txt", "the previous text\n")
    target.chmod(0o640)
    with pytest.raises(DiskFull, match=r"kept\.txt: the disk is full") as raised:
        write_bytes(target, b"x" * 2_000_000)
    assert raised.value.path == target
    assert target.read_text(encoding="utf-8") == "the previous text\n" and temporaries(small_disk) == []
    write_text(target, "new\n")  # room again: written, with the old file's permissions
    assert target.read_text(encoding="utf-8") == "new\n" and target.stat().st_mode & 0o777 == 0o640


def test_a_new_file_gets_the_mode_a_plain_open_gives_without_touching_the_umask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """0o666 less the umask, applied by the kernel when the temporary file is made; the umask itself is
    never changed (changing it, even for an instant, gives files that other threads make meanwhile the wrong mode)."""

    def no_umask(mask: int) -> int:
        raise AssertionError(f"os.umask({mask:#o}) called while writing")

    before = os.umask(0o027)
    try:
        with monkeypatch.context() as patched:
            patched.setattr(os, "umask", no_umask)
            created = write_text(tmp_path / "new.txt", "x\n")
    finally:
        os.umask(before)
    assert created.stat().st_mode & 0o777 == 0o640


def test_write_into_a_missing_folder_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(WriteFailed, match=r"cannot write .*nowhere/x\.ttl: No such file or directory") as raised:
        write_text(tmp_path / "nowhere" / "x.ttl", "")
    assert not isinstance(raised.value, DiskFull)


# --------------------------------------------------------------------------- killed midway


def kill_while_writing(argv: list[str], folder: Path, target: Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> bool:
    """Run ``kkni argv`` and SIGKILL it as soon as it writes ``target``: its temporary file appears in
    ``folder``, or (a version that writes in place) the target changes. Whether it was killed."""
    before = target.stat()
    process = subprocess.Popen(
        [sys.executable, "-m", "kkni_rdf", *argv], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    try:
        while process.poll() is None and time.monotonic() < deadline:
            now = target.stat()
            if temporaries(folder) or (now.st_size, now.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
                process.kill()
                return True
        return False
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def landed_midway(folder: Path, target: Path, previous: bytes, new: bytes) -> bool:
    """After a kill: the target is whole, the previous file or the new one (never 0 bytes, never a part);
    whether the kill landed midway (its temporary file is left, and the target is the previous file)."""
    now = target.read_bytes()
    assert now in (previous, new), f"{target} is {len(now)} bytes: neither the previous file ({len(previous)}) nor the new ({len(new)})"
    if temporaries(folder):
        assert now == previous
        return True
    return False


def test_build_killed_midway_leaves_the_previous_build_whole(tmp_path: Path) -> None:
    target = tmp_path / DECREE
    previous = (ROOT / "data" / DECREE).read_bytes() + b"# the previous build\n"
    new = (ROOT / "data" / DECREE).read_bytes()  # what the build writes (the repository's data is built so)
    for _ in range(10):  # the write takes milliseconds: until the kill lands inside it
        write_bytes(target, previous)
        for name in temporaries(tmp_path):
            (tmp_path / name).unlink()
        killed = kill_while_writing(["build", "--out", str(tmp_path), "--no-findings", "--no-docs"], tmp_path, target)
        assert killed, "the build ended before it wrote"
        if landed_midway(tmp_path, target, previous, new):
            return
    pytest.fail("ten kills all landed after the rename")


@pytest.fixture
def checkout(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the checkout (the package and its resources), and the environment that runs its ``kkni``:
    these tests change its data/, never the repository's."""
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT / "kkni_rdf", copy / "kkni_rdf", ignore=shutil.ignore_patterns("__pycache__", "vendor", "_resources"))
    for name in RESOURCE_DIRS:
        shutil.copytree(ROOT / name, copy / name)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    return copy, {**os.environ, "PYTHONPATH": str(copy)}


def test_write_findings_killed_midway_leaves_the_previous_findings_whole(checkout: tuple[Path, dict[str, str]]) -> None:
    copy, env = checkout
    findings = copy / "data" / "findings"
    target = findings / DECREE
    previous = target.read_bytes() + b"# the previous findings\n"
    new = (ROOT / "data" / "findings" / DECREE).read_bytes()
    for _ in range(10):
        write_bytes(target, previous)
        for name in temporaries(findings):
            (findings / name).unlink()
        killed = kill_while_writing(["validate", "--write-findings"], findings, target, env=env, cwd=copy.parent / "elsewhere")
        assert killed, "validate --write-findings ended before it wrote"
        if landed_midway(findings, target, previous, new):  # never an empty file, which the endpoint would serve as "no findings"
            return
    pytest.fail("ten kills all landed after the rename")


# --------------------------------------------------------------------------- a build cut by an older version


@pytest.mark.parametrize("cut", ["empty", "truncated"])
def test_query_serve_and_export_name_a_cut_build(checkout: tuple[Path, dict[str, str]], cut: str) -> None:
    copy, env = checkout
    built = copy / "data" / DECREE
    data = built.read_bytes()
    built.write_bytes(b"" if cut == "empty" else data[: len(data) * 2 // 3])  # as an older version left it (in place)
    what = "is empty" if cut == "empty" else "is cut short or damaged"
    for argv in (
        ["query", "qualifications"],
        ["serve", "--port", "0"],
        ["export", "--to", "jsonld"],
        ["check", "N78SPS01-4-asesor", "M.74SPS03.088.2"],
    ):
        assert_clear_error(kkni(*argv, cwd=copy.parent / "elsewhere", env=env), str(built), what, "run `kkni build` again")


def test_serve_names_empty_findings_instead_of_serving_none(checkout: tuple[Path, dict[str, str]]) -> None:
    copy, env = checkout
    findings = copy / "data" / "findings" / DECREE
    findings.write_bytes(b"")  # what an older `validate --write-findings` killed midway left
    done = kkni("serve", "--port", "0", cwd=copy.parent / "elsewhere", env=env)
    assert_clear_error(done, str(findings), "is empty", "run `kkni build` again")


# --------------------------------------------------------------------------- bounded input


def test_validate_refuses_input_past_the_limit_before_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.ttl"
    with big.open("wb") as f:
        f.truncate(20 * 2**30)  # 20 GiB, sparse: read whole, it would exhaust the machine's memory
    done = kkni("validate", str(big))
    assert_clear_error(done, "big.ttl is 20 GiB, more than the 16 MiB kkni validate reads at most", "--max-bytes")
    done = kkni("validate", str(big), "--max-bytes", "1000")
    assert_clear_error(done, "more than the 1000 bytes")


def test_validate_limit_counts_the_files_together_and_can_be_raised(tmp_path: Path) -> None:
    example = ROOT / "data" / "examples"
    record = next(p for p in sorted(example.rglob("*.ttl")))
    size = record.stat().st_size
    done = kkni("validate", str(record), str(record), "--max-bytes", str(size + 1))
    assert_clear_error(done, f"the files come to {size * 2} bytes")
    done = kkni("validate", str(record), "--max-bytes", str(size))
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr  # read: conforms or not


def test_query_and_check_files_have_the_endpoints_limit(tmp_path: Path) -> None:
    assert EndpointConfig().max_query_bytes == MAX_QUERY_BYTES  # the same limit as the endpoint's
    query = tmp_path / "long.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o }" + " " * MAX_QUERY_BYTES, encoding="utf-8")
    assert_clear_error(kkni("query", str(query)), "long.rq is", "more than the 256 KiB a query file may hold", "--max-bytes")
    assert kkni("query", str(query), "--max-bytes", str(2 * MAX_QUERY_BYTES), "--format", "csv").returncode == 0
    codes = tmp_path / "codes.txt"
    codes.write_text("M.74SPS03.088.2\n" * 20_000, encoding="utf-8")
    assert_clear_error(kkni("check", "N78SPS01-4-asesor", "--file", str(codes)), "codes.txt is", "a record file may hold")
    stdin = subprocess.run(
        [sys.executable, "-m", "kkni_rdf", "query", "-", "--max-bytes", "100"],
        input="SELECT * WHERE { ?s ?p ?o }" + " " * 200,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert_clear_error(stdin, "the query on standard input is longer than 100 bytes")


# --------------------------------------------------------------------------- kkni query NAME, kkni serve


def test_query_runs_a_shipped_query_by_name_from_any_folder(tmp_path: Path) -> None:
    done = kkni("query", "qualifications", "--format", "csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1 + 14  # a header, the decree's 14 qualifications
    assert kkni("query", "qualifications.rq", "--format", "csv", cwd=tmp_path).stdout == done.stdout
    (tmp_path / "qualifications").write_text("ASK { }", encoding="utf-8")  # a file of that name here wins
    assert kkni("query", "qualifications", cwd=tmp_path).stdout == "true\n"
    missing = kkni("query", "qualificatons", cwd=tmp_path)
    assert_clear_error(missing, "nor a shipped query of that name: qualificatons", "the shipped queries: ", " qualifications,")


def test_serve_refuses_a_port_out_of_range() -> None:
    done = kkni("serve", "--port", "99999")
    assert_clear_error(done, "--port must be at most 65535")
    assert "Uvicorn running" not in done.stderr


def test_first_ctrl_c_stops_serve_cleanly(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as err:
        # its own process group, as a terminal makes one: Ctrl-C signals the server and its query workers
        process = subprocess.Popen(
            [sys.executable, "-m", "kkni_rdf", "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=err, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 120
            while not answers(f"http://127.0.0.1:{port}/healthz"):
                assert process.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
                time.sleep(0.2)
            assert answers(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D")  # the workers have run a query
            os.killpg(process.pid, signal.SIGINT)
            code = process.wait(60)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    text = log.read_text(errors="replace")
    assert code in (0, 130), text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text and "RuntimeError" not in text, text
    assert "Finished server process" in text


def test_check_upload_on_a_full_disk_is_503_not_500(small_disk: Path, store: KkniStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The endpoint's /check stores the record in a temporary folder for the reader: a full disk there is the
    server's trouble (503, try later, in both languages), never the user's nor a 500."""
    with (small_disk / "fill").open("wb") as f, contextlib.suppress(OSError):
        while True:
            f.write(b"\0" * 65536)
            f.flush()
    monkeypatch.setattr(tempfile, "tempdir", str(small_disk))  # where the server's temporary files go (TMPDIR)
    outcome = check.run(catalogue_from_store(store), check.Submission(b"M.74SPS03.088.2\n"), "N78SPS01-4-asesor", program=False)
    assert isinstance(outcome, Outcome) and outcome.status == 503
    body = json.loads(outcome.body)
    assert "the disk is full" in body["message"] and "try again later" in body["message"] and "coba lagi nanti" in body["pesan"]
