"""The project's one Turtle writer: sorted, stable Turtle, so that a diff shows a real change.

Every generated Turtle file (the decrees' graphs in ``data/``, the validation reports in
``data/findings/``) is written by ``sorted_turtle``::

    text = sorted_turtle(triples, prefixes, header="# GENERATED FILE ...\\n")

- ``triples``: Oxigraph triples, or an rdflib ``Graph``; duplicates are dropped.
- ``prefixes``: the prefix bindings to write (the caller chooses them, from
  ``kkni_rdf.namespaces``); every one given is written, sorted by name.
- ``header``: comment lines put before the prefixes, as given (end them with a newline).

The order: subjects by IRI (blank nodes after IRIs), each subject's ``rdf:type`` first, then its
predicates by IRI; objects IRIs first, then blank nodes, then literals by value. Oxigraph's
Turtle serialiser writes the triples (one block per subject, its predicates and objects grouped);
a blank line separates the blocks. The same triples give the same bytes.

``TripleSet`` is the accumulator behind it: the builder adds plain strings to it directly, which
is what makes a national set of decrees build in seconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox
from rdflib import Graph

from kkni_rdf.namespaces import RDF, XSD
from kkni_rdf.terms import to_ox

_RDF_TYPE = str(RDF.type)
_XSD_STRING = str(XSD.string)
_SUBJECT_LINE = re.compile(rb"\n(?=[^\t\n@])")

Subject = str | ox.BlankNode  # an IRI as a plain string, or a blank node


class SortedTriples(list[ox.Triple]):
    """Triples already without duplicates and in the file's order (made by ``TripleSet.sorted``)."""


class TripleSet:
    """Triples without duplicates, each under a key that sorts them the way the file shows them.

    Keys are plain strings, compared in C: the subject (blank nodes last), the predicate
    (``rdf:type`` first), then the object (IRIs, blank nodes, then literals by value). IRIs are
    given as plain ``str`` (an rdflib ``URIRef`` is accepted and turned into one).
    """

    def __init__(self) -> None:
        self.nodes: dict[str, tuple[str, ox.NamedNode]] = {}
        self.items: dict[tuple[str, str, str], ox.Triple] = {}

    def node(self, iri: str) -> tuple[str, ox.NamedNode]:
        """The IRI as a plain ``str`` (rdflib's ``URIRef`` neither equals nor sorts like one) and its node."""
        entry = self.nodes.get(iri)
        if entry is None:
            plain = str.__str__(iri)
            entry = self.nodes[iri] = (plain, ox.NamedNode(plain))
        return entry

    def _key(self, s: Subject, p: str) -> tuple[str, ox.NamedNode | ox.BlankNode, str, ox.NamedNode]:
        pkey, pnode = self.node(p)
        if isinstance(s, ox.BlankNode):
            return "\uffff" + s.value, s, pkey, pnode
        skey, snode = self.node(s)
        return skey, snode, ("" if pkey == _RDF_TYPE else pkey), pnode

    def iri(self, s: Subject, p: str, o: Subject) -> None:
        """Add a triple whose object is an IRI (a plain string) or a blank node."""
        skey, sterm, pkey, pnode = self._key(s, p)
        oterm: ox.NamedNode | ox.BlankNode
        if isinstance(o, ox.BlankNode):
            okey, oterm = "1" + o.value, o
        else:
            iri, oterm = self.node(o)
            okey = "0" + iri
        key = (skey, pkey, okey)
        if key not in self.items:
            self.items[key] = ox.Triple(sterm, pnode, oterm)

    def literal(self, s: Subject, p: str, value: str, lang: str | None = None, datatype: str | None = None) -> None:
        """Add a triple whose object is a literal: language-tagged, typed, or a plain string."""
        skey, sterm, pkey, pnode = self._key(s, p)
        okey = f"2{value}\x00@{lang}" if lang else f"2{value}\x00^{datatype or ''}"
        key = (skey, pkey, okey)
        if key not in self.items:
            if lang:
                lit = ox.Literal(value, language=lang)
            elif datatype:
                lit = ox.Literal(value, datatype=self.node(datatype)[1])
            else:
                lit = ox.Literal(value)
            self.items[key] = ox.Triple(sterm, pnode, lit)

    def add_term(self, s: object, p: object, o: object) -> None:
        """Add a triple of rdflib or Oxigraph terms (the slow path, for graphs made elsewhere)."""
        subject, obj = to_ox(s), to_ox(o)
        if isinstance(subject, ox.Literal):
            raise TypeError(f"a literal cannot be a subject: {subject}")
        sub: Subject = subject if isinstance(subject, ox.BlankNode) else subject.value
        pred = to_ox(p).value
        if isinstance(obj, ox.Literal):
            dt = obj.datatype.value
            self.literal(sub, pred, obj.value, obj.language, None if obj.language or dt == _XSD_STRING else dt)
        else:
            self.iri(sub, pred, obj if isinstance(obj, ox.BlankNode) else obj.value)

    def sorted(self) -> SortedTriples:
        return SortedTriples(t for _, t in sorted(self.items.items(), key=lambda kv: kv[0]))

    def __len__(self) -> int:
        return len(self.items)


def sorted_triples(graph: Graph | Iterable[ox.Triple]) -> SortedTriples:
    """The triples without duplicates, in the file's order (``SortedTriples`` are returned as they are)."""
    if isinstance(graph, SortedTriples):
        return graph
    acc = TripleSet()
    for t in graph:
        if isinstance(t, ox.Triple):
            acc.add_term(t.subject, t.predicate, t.object)
        else:
            acc.add_term(*t)
    return acc.sorted()


def sorted_turtle(graph: Graph | Iterable[ox.Triple], prefixes: Mapping[str, str], header: str = "") -> bytes:
    """``header``, then the prefix lines sorted by name, then one block per subject: UTF-8 Turtle.

    No triples give the header alone.
    """
    return header.encode("utf-8") + _body(sorted_triples(graph), dict(prefixes))


def _body(triples: Sequence[ox.Triple], prefixes: dict[str, str]) -> bytes:
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    if not body:
        return b""
    # Oxigraph writes the prefix lines first, in its own order: sort them; then a blank line
    # before each subject's block (a line that does not start with a tab), as people read Turtle.
    lines = body.split(b"\n", len(prefixes))
    head, rest = sorted(line for line in lines[: len(prefixes)] if line.startswith(b"@prefix")), lines[-1]
    if len(head) != len(prefixes):
        raise RuntimeError(f"Oxigraph wrote {len(head)} prefix lines for the {len(prefixes)} given")
    return b"\n".join(head) + b"\n\n" + _SUBJECT_LINE.sub(b"\n\n", rest)


__all__ = ["SortedTriples", "TripleSet", "sorted_triples", "sorted_turtle"]
