"""Sending the cases to both servers over HTTP and judging `kkni serve`'s answers against the reference.

Each case goes to `kkni serve` by the methods it was given (GET, POST form, POST body), and, unless
`kkni serve` refused it by a listed policy (``compare.allowed_refusal``), to the reference by POST
body. A few threads keep both servers busy. Verdicts: ``agreed``, ``allowed: <kind>``, ``wrong``
(a different answer), ``refused-legal`` (a 4xx where the reference answers), ``5xx`` (or no answer
at all), and ``reference-error`` (the reference itself could not answer: not compared, counted).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.differential.cases import Case
from tests.differential.compare import Answer, Placeholders, allowed_refusal, canonical, difference
from tests.differential.servers import Restartable

#: Seconds a client waits for an answer (`kkni serve` runs with a 20 s deadline).
CLIENT_TIMEOUT = 30.0
#: Parallel requests (two cores: both servers stay busy while answers travel).
THREADS = 6

FAILURES = ("wrong", "refused-legal", "5xx")


@dataclass(frozen=True)
class Outcome:
    case: Case
    method: str  # how `kkni serve` was asked
    verdict: str  # agreed, allowed: <kind>, wrong, refused-legal, 5xx, reference-error
    detail: str = ""

    def report(self) -> str:
        text = self.case.text if len(self.case.text) < 700 else self.case.text[:700] + " …"
        dataset = ""
        if self.case.default_graphs is not None or self.case.named_graphs is not None:
            dataset = f" default-graph-uri={list(self.case.default_graphs or ())} named-graph-uri={list(self.case.named_graphs or ())}"
        return f"[{self.verdict}] {self.case.name} ({self.method}){dataset}: {self.detail}\n    {text!r}"


@dataclass
class Campaign:
    """Every outcome of one run, and the per-source summary."""

    seed: int
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    deaths: list[str] = field(default_factory=list)  # the reference server's crashes (it was started again)
    written: Path | None = None  # where ``write`` put the outcomes

    def of(self, source: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.case.source == source]

    def failures(self, source: str) -> list[Outcome]:
        return [o for o in self.of(source) if o.verdict in FAILURES]

    def write(self, path: Path) -> Path:
        """Every outcome, one a line (tab-separated: verdict, case, method, detail), for reading after a run."""
        lines = [f"{o.verdict}\t{o.case.name}\t{o.method}\t{o.detail[:300]!r}" for o in sorted(self.outcomes, key=lambda o: o.case.name)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.written = path
        return path

    def summary(self) -> str:
        lines = [f"differential run, seed {self.seed}: {len({o.case.name for o in self.outcomes})} queries in {self.seconds:.1f} s"]
        if self.written:
            lines[0] += f" (every outcome: {self.written})"
        for source in sorted({o.case.source for o in self.outcomes}):
            outcomes = self.of(source)
            verdicts = Counter(o.verdict for o in outcomes)
            queries = len({o.case.name for o in outcomes})
            allowed = ", ".join(f"{k.removeprefix('allowed: ')} {n}" for k, n in sorted(verdicts.items()) if k.startswith("allowed"))
            lines.append(
                f"  {source:9} {queries:5} queries ({len(outcomes)} requests to kkni): agreed {verdicts['agreed']}, "
                f"allowed refusals {sum(n for k, n in verdicts.items() if k.startswith('allowed'))} ({allowed or 'none'}), "
                f"wrong {verdicts['wrong']}, refused-legal {verdicts['refused-legal']}, 5xx {verdicts['5xx']}, "
                f"reference errors (not compared) {verdicts['reference-error']}"
            )
        if self.deaths:
            lines.append(
                f"  the reference server died {len(self.deaths)} times and was started again: {'; '.join(sorted(set(self.deaths)))}"
            )
        unanswered = sorted({f"{o.case.name}: {o.detail[:160]}" for o in self.outcomes if o.verdict == "reference-error"})
        lines += [f"  not compared (the reference did not answer): {line}" for line in unanswered]
        return "\n".join(lines)


class Runner:
    """Sends cases to `kkni serve` (``kkni``) and the reference (``reference``), query endpoint URLs both."""

    def __init__(self, kkni: str, reference: str, held: Collection[str], server: Restartable | None = None) -> None:
        self.kkni, self.reference, self.held = kkni, reference, held
        self.server = server  # the reference's process, started again if a query kills it
        self.places = {kkni: Placeholders(kkni), reference: Placeholders(reference)}
        self._local = threading.local()
        self._clients: list[httpx.Client] = []
        self._lock = threading.Lock()

    def client(self) -> httpx.Client:
        """This thread's HTTP client (kept open: connections are reused)."""
        client: httpx.Client | None = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = httpx.Client(timeout=CLIENT_TIMEOUT)
            with self._lock:
                self._clients.append(client)
        return client

    def close(self) -> None:
        """Close every thread's client (a later request opens a new one)."""
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            client.close()
        self._local = threading.local()

    def ask(self, url: str, case: Case, method: str) -> Answer:
        """One request. `kkni serve`'s fair-turn answers (429, 503 with Retry-After) are waited out and
        repeated; a reference that died on the way is started again and asked once more."""
        for attempt in range(6):
            generation = self.server.generation if self.server else 0
            try:
                response = self._send(url, case, method)
            except httpx.TimeoutException:
                return Answer(0, failure=f"no answer within {CLIENT_TIMEOUT:g} s")
            except httpx.TransportError as exc:
                if url != self.reference or self.server is None or attempt:
                    return Answer(0, failure=f"no answer: {type(exc).__name__} {exc} (the server died, twice if the reference)")
                self.server.revive(generation)
                continue
            if response.status_code in (429, 503) and "retry-after" in response.headers:
                time.sleep(min(3.0, float(response.headers["retry-after"])))
                continue
            break
        media = response.headers.get("content-type", "").split(";")[0].strip()
        return Answer(response.status_code, response.content, media)

    def _send(self, url: str, case: Case, method: str) -> httpx.Response:
        dataset: list[tuple[str, str | int | float | bool | None]] = [("default-graph-uri", g) for g in case.default_graphs or ()]
        dataset += [("named-graph-uri", g) for g in case.named_graphs or ()]
        headers = {"Accept": case.accept}
        if method == "get":
            return self.client().get(url, params=[("query", case.text), *dataset], headers=headers)
        if method == "post-form":
            form: dict[str, str | list[str]] = {"query": case.text}
            for name, value in dataset:
                values = form.setdefault(name, [])
                if isinstance(values, list):
                    values.append(str(value))
            return self.client().post(url, data=form, headers=headers)
        headers["Content-Type"] = "application/sparql-query"
        return self.client().post(url, params=dataset, content=case.text.encode("utf-8"), headers=headers)

    def judge(self, case: Case) -> list[Outcome]:
        """Every method's outcome for one case."""
        ours = {method: self.ask(self.kkni, case, method) for method in case.methods}
        kinds = {method: allowed_refusal(case, a, self.held, self.kkni) for method, a in ours.items()}
        theirs = None
        if any(kind is None for kind in kinds.values()):
            theirs = self.ask(self.reference, case, "post-body")
        return [self._verdict(case, method, answer, kinds[method], theirs) for method, answer in ours.items()]

    def _verdict(self, case: Case, method: str, ours: Answer, allowed: str | None, theirs: Answer | None) -> Outcome:
        if allowed:
            return Outcome(case, method, f"allowed: {allowed}", ours.brief())
        if ours.status >= 500 or ours.failure:
            return Outcome(case, method, "5xx", ours.brief())
        if theirs is None or theirs.status != 200:
            return Outcome(case, method, "reference-error", f"reference: {theirs.brief() if theirs else '-'}; kkni: {ours.brief()[:200]}")
        if ours.status != 200:
            return Outcome(case, method, "refused-legal", ours.brief())
        try:
            reference = canonical(case, theirs, self.places[self.reference])
        except (ValueError, SyntaxError) as exc:
            return Outcome(case, method, "reference-error", f"unreadable reference answer ({exc})")
        try:
            mine = canonical(case, ours, self.places[self.kkni])
        except (ValueError, SyntaxError) as exc:
            return Outcome(case, method, "wrong", f"unreadable answer ({exc}): {ours.brief()[:200]}")
        found = difference(mine, reference)
        return Outcome(case, method, "wrong", found) if found else Outcome(case, method, "agreed")

    def run(self, cases: Sequence[Case], seed: int) -> Campaign:
        started = time.monotonic()
        try:
            with ThreadPoolExecutor(THREADS) as pool:
                judged = list(pool.map(self.judge, cases))
        finally:
            self.close()
        campaign = Campaign(seed, [o for outcomes in judged for o in outcomes])
        campaign.seconds = time.monotonic() - started
        if self.server:
            campaign.deaths, self.server.deaths = self.server.deaths, []
        return campaign
