"""Search over what a store holds: qualifications, units (their printed Indonesian titles and our English
ones), job titles and validation findings; ranked, with Indonesian and English stemming and tolerance
for typos.

The index is SQLite's FTS5 (the standard library's ``sqlite3``), in memory, built from the store it is
given (``SearchIndex.from_store``): the endpoint builds it from the store it serves when first asked
(``Endpoint.search_index``), ``kkni search`` from the embedded store. Each document's words are indexed
as written and as their Snowball stems (``snowballstemmer``: Indonesian and English), so that
``pelatihan`` finds *melatih* and *latih*, and ``assessment`` finds *assess* and *assessor*'s stem
kin. A word of the query that the index does not hold is matched to the nearest words it does
(``rapidfuzz``), so ``asesmn`` finds *asesmen*. Ranking is FTS5's BM25, codes and titles weighted
above the rest; a unit code or a qualification's id, typed whole or in part, comes first.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

import snowballstemmer
from rapidfuzz import fuzz, process

from kkni_rdf.store.protocol import QueryableStore, select

__all__ = ["KINDS", "Document", "Hit", "SearchIndex", "documents_from_store"]

#: What is searched, in the order results of equal rank are listed.
KINDS = ("qualification", "unit", "job-title", "finding")
#: BM25 weights of the columns (code, title, text, stems): a code or title counts above a description.
WEIGHTS = (10.0, 5.0, 1.0, 2.0)
#: Each kind's share of a match's score: what the register is about before what was found wrong in it.
KIND_WEIGHTS = {"qualification": 1.5, "unit": 1.2, "job-title": 1.2, "finding": 0.6}
MAX_RESULTS = 100
#: How alike (0-100, rapidfuzz's ratio) a word of the index must be to an unknown word of the query.
TYPO_CUTOFF = 80
MIN_TYPO_LENGTH = 4
_WORD = re.compile(r"\w+", re.UNICODE)
_STEMMERS = {"id": snowballstemmer.stemmer("indonesian"), "en": snowballstemmer.stemmer("english")}
_STEM_LOCK = threading.Lock()  # Snowball stemmers keep state between calls


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def stems(word: str) -> set[str]:
    """The word's Indonesian and English stems (``pelatihan`` → ``latih``; ``assessment`` → ``assess``)."""
    with _STEM_LOCK:
        return {s.stemWord(word) for s in _STEMMERS.values()}


def code_key(text: str) -> str:
    """A code without its case, dots and dashes: ``m74sps03.104`` and ``M.74SPS03.104.1`` share a prefix."""
    return re.sub(r"[\W_]", "", text).upper()


@dataclass(frozen=True)
class Document:
    """One thing found: its IRI, kind, code (a unit code, a qualification's id), titles by language, and its text."""

    iri: str
    kind: str
    code: str
    title: dict[str, str]
    text: str = ""
    context: str = ""  # the qualification a job title or finding belongs to (its IRI)


@dataclass(frozen=True)
class Hit:
    document: Document
    score: float  # higher is better

    def as_dict(self) -> dict[str, object]:
        d = self.document
        return {"iri": d.iri, "kind": d.kind, "code": d.code, "title": d.title, "context": d.context or None, "score": round(self.score, 3)}


@dataclass
class SearchIndex:
    """An FTS5 index in memory, one connection, used under a lock (SQLite's in-memory database is the connection's)."""

    documents: list[Document]
    _db: sqlite3.Connection = field(init=False, repr=False)
    _vocabulary: list[str] = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("CREATE VIRTUAL TABLE docs USING fts5(code, title, text, stems, tokenize='unicode61 remove_diacritics 2')")
        self._db.execute("CREATE TABLE codes(key TEXT NOT NULL, doc INTEGER NOT NULL)")  # codes by their key, for prefixes
        vocabulary: set[str] = set()
        stemmed_words: dict[str, set[str]] = {}  # each word stemmed once (15,000 documents at 100x share their words)
        rows = []
        for n, d in enumerate(self.documents):
            written = words(" ".join([d.code, *d.title.values(), d.text]))
            stemmed = {s for w in written for s in (stemmed_words.get(w) or stemmed_words.setdefault(w, stems(w)))}
            vocabulary.update(written)
            rows.append((n, d.code, " ".join(d.title.values()), d.text, " ".join(sorted(stemmed))))
        self._db.executemany("INSERT INTO docs(rowid, code, title, text, stems) VALUES (?, ?, ?, ?, ?)", rows)
        self._db.executemany(
            "INSERT INTO codes(key, doc) VALUES (?, ?)", [(code_key(d.code), n) for n, d in enumerate(self.documents) if d.code]
        )
        self._db.execute("CREATE INDEX codes_by_key ON codes(key)")
        self._vocabulary = sorted(vocabulary)
        self._known = set(vocabulary)

    @classmethod
    def from_store(cls, store: QueryableStore) -> SearchIndex:
        return cls(documents_from_store(store))

    def __len__(self) -> int:
        return len(self.documents)

    def _near(self, word: str) -> list[str]:
        """Words of the index close to ``word`` (a typo), best first."""
        if word in self._known or len(word) < MIN_TYPO_LENGTH or word.isdigit():
            return []
        found = process.extract(word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF, limit=3)
        return [w for w, _, _ in found]

    def _terms(self, word: str, last: bool) -> list[str]:
        """FTS5 terms for one word of the query: as written (a prefix, for the last), its stems, near words."""
        variants = {word, *stems(word)}
        for near in self._near(word):
            variants |= {near, *stems(near)}
        terms = [f'"{v}"' for v in sorted(variants) if v]
        if last and len(word) >= 2:
            terms.append(f'"{word}"*')
        return terms

    def search(self, query: str, kinds: Iterable[str] = KINDS, limit: int = 20) -> list[Hit]:
        """The documents that match ``query`` (every word, else any), best first, at most ``limit``."""
        limit = max(1, min(limit, MAX_RESULTS))
        wanted = set(kinds)
        query_words = words(query)
        if not query_words:
            return []
        groups = ["(" + " OR ".join(self._terms(w, i == len(query_words) - 1)) + ")" for i, w in enumerate(query_words)]
        key = code_key(query)
        with self._lock:
            scores: dict[int, float] = {}
            for joiner in (" AND ", " OR "):
                for rowid, rank in self._db.execute(
                    "SELECT rowid, bm25(docs, ?, ?, ?, ?) FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?",
                    (*WEIGHTS, joiner.join(groups), MAX_RESULTS * 4),
                ):
                    scores.setdefault(rowid, -rank if joiner == " AND " else -rank / 10)
                if scores:
                    break
            if len(key) >= 4:  # a code typed whole or in part, with or without its dots
                prefix_of = "SELECT doc FROM codes WHERE key >= ? AND key < ? LIMIT ?"  # a range: the index, not a scan
                for (rowid,) in self._db.execute(prefix_of, (key, key + "\U0010ffff", MAX_RESULTS)):
                    scores[rowid] = scores.get(rowid, 0.0) + 1000.0
        found = [self.documents[r] for r in scores]
        hits = [Hit(d, s * KIND_WEIGHTS[d.kind]) for d, s in zip(found, scores.values(), strict=True) if d.kind in wanted]
        hits.sort(key=lambda h: (-h.score, KINDS.index(h.document.kind), h.document.code, h.document.iri))
        return hits[:limit]


# --------------------------------------------------------------------------- what is indexed

_QUALIFICATIONS = """PREFIX kkni: <https://w3id.org/kkni/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?x ?label ?text ?code WHERE {
  ?x a kkni:Qualification .
  OPTIONAL { ?x rdfs:label ?label }
  OPTIONAL { ?x kkni:codificationText|kkni:codificationCode ?text }
}"""
_UNITS = """PREFIX kkni: <https://w3id.org/kkni/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?x ?label ?code WHERE { ?x a kkni:Unit ; kkni:code ?code . OPTIONAL { ?x rdfs:label ?label } }"""
_JOB_TITLES = """PREFIX kkni: <https://w3id.org/kkni/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?x ?label ?q WHERE {
  ?x a kkni:JobRole .
  OPTIONAL { ?x rdfs:label|kkni:printedTitle ?label }
  OPTIONAL { ?x kkni:qualification ?q }
}"""
_FINDINGS = """PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX ksh: <https://w3id.org/kkni/shapes#>
SELECT ?x ?message ?rule ?q ?unit WHERE {
  ?x a sh:ValidationResult .
  OPTIONAL { ?x sh:resultMessage ?message }
  OPTIONAL { ?x ksh:ruleId ?rule }
  OPTIONAL { ?x ksh:qualification ?q }
  OPTIONAL { ?x ksh:unitCode ?unit }
}"""


@dataclass
class _Gathered:
    kind: str
    code: str = ""
    title: dict[str, str] = field(default_factory=dict)
    text: set[str] = field(default_factory=set)
    context: str = ""


def _lang(term: object) -> str:
    return str(getattr(term, "language", None) or "")


def _gather(store: QueryableStore, query: str, kind: str, into: dict[str, _Gathered]) -> None:
    """Each solution's ``?x`` with its titles (``?label``, ``?message``: one per language), code, text, qualification."""
    solutions = select(store, query)
    names = {v.value for v in solutions.variables}
    for s in solutions:
        g = into.setdefault(s["x"].value, _Gathered(kind))
        values = {name: s[name] for name in names if s[name] is not None}
        for name in ("label", "message"):
            if name in values:
                g.title.setdefault(_lang(values[name]), values[name].value)
        g.text.update(values[name].value for name in ("text", "rule", "unit") if name in values)
        if "code" in values and kind == "unit":
            g.code = values["code"].value
        if "q" in values:
            g.context = values["q"].value


def documents_from_store(store: QueryableStore) -> list[Document]:
    """The qualifications, units, job titles and findings of ``store`` (its default graph), as documents."""
    gathered: dict[str, _Gathered] = {}
    for query, kind in ((_QUALIFICATIONS, "qualification"), (_UNITS, "unit"), (_JOB_TITLES, "job-title"), (_FINDINGS, "finding")):
        _gather(store, query, kind, gathered)
    out = []
    for iri, g in gathered.items():
        code = g.code or (iri.rsplit("/", 1)[-1] if g.kind == "qualification" else "")
        if g.kind == "qualification":
            g.text.add(code.replace("-", " "))
        out.append(Document(iri, g.kind, code, dict(sorted(g.title.items())), " ".join(sorted(g.text)), g.context))
    out.sort(key=lambda d: (KINDS.index(d.kind), d.code, d.iri))
    return out
