"""The IRI scheme for data resources (documented in ``docs/model.md``).

Every data IRI is minted here, under a configurable base, so that the builder, the
validator, the endpoint and the command line agree on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import URIRef

from kkni_rdf.namespaces import DEFAULT_BASE, KKNI_ONTOLOGY, KKNI_SHAPES


@dataclass(frozen=True)
class Iris:
    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not self.base.endswith(("/", "#")):
            raise ValueError(f"the base IRI must end with '/' or '#': {self.base!r}")

    def _iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def act(self, slug: str) -> URIRef:
        return self._iri(f"act/{slug}")

    def diktum(self, decree_slug: str, ordinal_word: str) -> URIRef:
        return self._iri(f"act/{decree_slug}/diktum/{ordinal_word.lower()}")

    def graph(self, name: str) -> URIRef:
        return self._iri(f"graph/{name}")

    def field(self, slug: str) -> URIRef:
        return self._iri(f"field/{slug}")

    def subfield(self, slug: str) -> URIRef:
        return self._iri(f"subfield/{slug}")

    def group(self, slug: str) -> URIRef:
        return self._iri(f"group/{slug}")

    def level(self, n: int) -> URIRef:
        return self._iri(f"level/{n}")

    def level_scheme(self) -> URIRef:
        return self._iri("level")

    def aspect(self, slug: str) -> URIRef:
        return self._iri(f"work-attitude-aspect/{slug}")

    def aspect_scheme(self) -> URIRef:
        return self._iri("work-attitude-aspect")

    def qualification_prefix(self) -> str:
        return self.base + "qualification/"

    def qualification(self, decree_slug: str, short_id: str) -> URIRef:
        return self._iri(f"qualification/{decree_slug}/{short_id}")

    def unit(self, code: str) -> URIRef:
        return self._iri(f"unit/{code}")

    def standard(self, standard_id: str) -> URIRef:
        return self._iri(f"standard/{standard_id}")

    def kbli_section(self, letter: str) -> URIRef:
        return self._iri(f"kbli/section/{letter}")

    def kbli_division(self, division: str) -> URIRef:
        return self._iri(f"kbli/division/{division}")

    def dataset(self, name: str) -> URIRef:
        return self._iri(f"dataset/{name}")


def child(parent: URIRef, *parts: object) -> URIRef:
    """An IRI below ``parent``: ``child(q, "core", 3)`` is ``{q}/core/3``."""
    return URIRef("/".join([str(parent), *(str(p) for p in parts)]))


def rebase(iri: str, base: str) -> str:
    """A data IRI minted under the default base, moved to ``base``; the ontology's and the shapes' terms stay."""
    if base != DEFAULT_BASE and iri.startswith(DEFAULT_BASE) and not iri.startswith((KKNI_ONTOLOGY, KKNI_SHAPES)):
        return base + iri[len(DEFAULT_BASE) :]
    return iri


def rebase_term(term: ox.NamedNode, base: str) -> ox.NamedNode:
    """``rebase`` for an Oxigraph IRI."""
    value = rebase(term.value, base)
    return term if value == term.value else ox.NamedNode(value)


def rebase_triple(triple: ox.Triple, base: str) -> ox.Triple:
    """The triple with its subject's and object's data IRIs moved to ``base`` (``rebase``)."""
    s, o = triple.subject, triple.object
    if not isinstance(s, ox.NamedNode | ox.BlankNode) or not isinstance(o, ox.NamedNode | ox.BlankNode | ox.Literal):
        return triple  # RDF-star quoted triples are not rebased
    return ox.Triple(
        rebase_term(s, base) if isinstance(s, ox.NamedNode) else s,
        triple.predicate,
        rebase_term(o, base) if isinstance(o, ox.NamedNode) else o,
    )
