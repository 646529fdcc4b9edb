"""The concept schemes every decree's graph carries: the KKNI levels and the work-attitude aspects.

They are curated Turtle sources, ``data/curated/levels.ttl`` and
``data/curated/work-attitude-aspects.ttl``, edited by hand. ``kkni build`` copies their triples
into each decree's graph under the build's base (``scheme_triples``) and adds the English labels
of their concepts from ``translations-en.csv`` (``concepts``); the decree reader takes the
aspects' names and printed order from the second (``work_attitude_aspects``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from kkni_rdf.iris import rebase_triple
from kkni_rdf.namespaces import DEFAULT_BASE, RDFS, SKOS
from kkni_rdf.resources import curated_file

_NOTATION = ox.NamedNode(str(SKOS.notation))
_LABEL = ox.NamedNode(str(RDFS.label))


@dataclass(frozen=True)
class ConceptScheme:
    """A curated concept scheme: its file under ``data/curated/``, and the kind its concepts' English
    labels have in ``translations-en.csv`` (their key: the last segment of the concept's IRI)."""

    filename: str
    translation_kind: str


LEVELS = ConceptScheme("levels.ttl", "level")
WORK_ATTITUDE_ASPECTS = ConceptScheme("work-attitude-aspects.ttl", "aspect")
#: Every scheme a decree's graph carries.
SCHEMES = (LEVELS, WORK_ATTITUDE_ASPECTS)


@cache
def scheme_triples(scheme: ConceptScheme, base: str = DEFAULT_BASE) -> tuple[ox.Triple, ...]:
    """The scheme's triples, its data IRIs under ``base`` (read once per base)."""
    quads = ox.parse(path=curated_file(scheme.filename), format=ox.RdfFormat.TURTLE)
    return tuple(rebase_triple(q.triple, base) for q in quads)


def concepts(scheme: ConceptScheme, base: str = DEFAULT_BASE) -> list[tuple[str, str]]:
    """(IRI, key) of each concept of the scheme, in the order of their ``skos:notation``; the key is
    the last segment of the IRI (``level/5`` → ``5``)."""
    notations = _values(scheme, base, _NOTATION)
    return [(iri, iri.rsplit("/", 1)[1]) for iri in sorted(notations, key=lambda iri: int(notations[iri]))]


@cache
def work_attitude_aspects() -> dict[str, str]:
    """The aspects of Sikap Kerja a decree prints, in order: slug → Indonesian name (``"komunikasi"`` → ``"Komunikasi"``)."""
    names = _values(WORK_ATTITUDE_ASPECTS, DEFAULT_BASE, _LABEL, "id")
    return {key: names[iri] for iri, key in concepts(WORK_ATTITUDE_ASPECTS)}


def _values(scheme: ConceptScheme, base: str, predicate: ox.NamedNode, language: str | None = None) -> dict[str, str]:
    """IRI → the literal value of ``predicate`` for the scheme's named subjects (of ``language``, if given)."""
    return {
        t.subject.value: t.object.value
        for t in scheme_triples(scheme, base)
        if t.predicate == predicate
        and isinstance(t.subject, ox.NamedNode)
        and isinstance(t.object, ox.Literal)
        and (language is None or t.object.language == language)
    }


__all__ = ["LEVELS", "SCHEMES", "WORK_ATTITUDE_ASPECTS", "ConceptScheme", "concepts", "scheme_triples", "work_attitude_aspects"]
