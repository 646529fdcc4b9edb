"""The project's one Turtle writer: sorted, stable Turtle, so that a diff shows a real change.

Every generated Turtle file (the decrees' graphs in ``data/``, the validation reports in
``data/findings/``) is written by ``sorted_turtle``::

    text = sorted_turtle(triples, prefixes, header="# GENERATED FILE ...\\n")

- ``triples``: a ``TripleSet``, Oxigraph triples, or an rdflib ``Graph``; duplicates are dropped.
- ``prefixes``: the prefix bindings to write (the caller chooses them, from
  ``kkni_rdf.namespaces``); every one given is written, sorted by name.
- ``header``: comment lines put before the prefixes, as given (end them with a newline).

The order: subjects by IRI (blank nodes after IRIs), each subject's ``rdf:type`` first, then its
predicates by IRI; objects IRIs first, then blank nodes, then literals by value. The text is
what Oxigraph's Turtle serialiser writes for the triples in that order (one block per subject,
its predicates and objects grouped), with a blank line between the blocks. The same triples
give the same bytes.

``TripleSet`` is the accumulator behind it: the builder adds plain strings to it directly, and
it writes that Turtle itself (``TripleSet.turtle``), term by term as Oxigraph does, without
making an Oxigraph term per triple: that is what makes a national set of decrees build in
seconds. Where its terms need more than it knows how to write (prefixes whose namespaces
overlap, an unusual language tag), it hands the triples to Oxigraph's serialiser instead; the
two give the same bytes (``tests/graph/test_turtle.py`` compares them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox
from rdflib import Graph

from kkni_rdf.namespaces import RDF, XSD
from kkni_rdf.terms import to_ox

_RDF_TYPE = str(RDF.type)
_XSD_STRING = str(XSD.string)
_SUBJECT_LINE = re.compile(rb"\n(?=[^\t\n@])")

Subject = str | ox.BlankNode  # an IRI as a plain string, or a blank node

# Keys. A triple is kept as one string that sorts it the way the file shows it and says
# everything about it: ``subject \0 predicate \0 object``, where
#   subject    the IRI, or _BLANK + the blank node's label (after every IRI)
#   predicate  the IRI, or "" for rdf:type (first)
#   object     "0" + IRI, "1" + blank node label, "2" + value + "\0@" + language tag,
#              or "2" + value + "\0^" + datatype IRI ("" for xsd:string)
# Neither IRIs nor blank node labels contain NUL, so the string sorts as the tuple of its
# three parts would (a literal's NUL comes after its value: "a" sorts before "ab").
_BLANK = "\uffff"
_SEP = "\x00"


class SortedTriples(list[ox.Triple]):
    """Triples already without duplicates and in the file's order (made by ``TripleSet.sorted``)."""


class TripleSet:
    """Triples without duplicates, each under keys that sort them the way the file shows them.

    Keys are plain strings, compared in C (see the comment on keys above), held by subject,
    then predicate: ``{subject: {predicate: {object, ...}}}``. IRIs are given as plain ``str``
    (an rdflib ``URIRef`` is accepted and turned into one); each distinct IRI and language tag
    is checked once, by Oxigraph, as making the triples would check it.
    """

    def __init__(self) -> None:
        self.nodes: dict[object, str] = {}  # subject (str, URIRef or BlankNode) -> its key
        self.predicates: dict[str, str] = {}  # predicate -> its key ("" for rdf:type)
        self.objects: dict[object, str] = {}  # object IRI or blank node -> its key
        self.langs: dict[str, str] = {}  # a language tag as given -> as Oxigraph keeps it (lower case)
        self.by_subject: dict[str, dict[str, set[str]]] = {}

    @staticmethod
    def _checked(iri: str) -> str:
        """The IRI as a plain ``str`` (rdflib's ``URIRef`` neither equals nor sorts like one),
        checked as Oxigraph checks it (``ValueError`` if it is not an IRI)."""
        plain = str.__str__(iri)
        ox.NamedNode(plain)
        return plain

    def _subject(self, s: Subject) -> str:
        key = self.nodes.get(s)
        if key is None:
            key = self.nodes[s] = _BLANK + s.value if isinstance(s, ox.BlankNode) else self._checked(s)
        return key

    def _predicate(self, p: str) -> str:
        key = self.predicates.get(p)
        if key is None:
            plain = self._checked(p)
            key = self.predicates[p] = "" if plain == _RDF_TYPE else plain
        return key

    def _object(self, o: Subject) -> str:
        key = self.objects.get(o)
        if key is None:
            key = self.objects[o] = "1" + o.value if isinstance(o, ox.BlankNode) else "0" + self._checked(o)
        return key

    def iri(self, s: Subject, p: str, o: Subject) -> None:
        """Add a triple whose object is an IRI (a plain string) or a blank node."""
        skey = self.nodes.get(s)
        if skey is None:
            skey = self._subject(s)
        pkey = self.predicates.get(p)
        if pkey is None:
            pkey = self._predicate(p)
        okey = self.objects.get(o)
        if okey is None:
            okey = self._object(o)
        # by subject, then predicate (written out here and in literal: this runs for every triple)
        predicates = self.by_subject.get(skey)
        if predicates is None:
            self.by_subject[skey] = {pkey: {okey}}
        else:
            objects = predicates.get(pkey)
            if objects is None:
                predicates[pkey] = {okey}
            else:
                objects.add(okey)

    def literal(self, s: Subject, p: str, value: str, lang: str | None = None, datatype: str | None = None) -> None:
        """Add a triple whose object is a literal: language-tagged, typed, or a plain string."""
        if lang:
            tag = self.langs.get(lang)
            if tag is None:
                tag = self.langs[lang] = ox.Literal("", language=lang).language or lang
            okey = f"2{value}\x00@{tag}"
        elif datatype and datatype != _XSD_STRING:
            dkey = self.objects.get(datatype)
            okey = f"2{value}\x00^{(dkey if dkey is not None else self._object(datatype))[1:]}"
        else:
            okey = f"2{value}\x00^"
        skey = self.nodes.get(s)
        if skey is None:
            skey = self._subject(s)
        pkey = self.predicates.get(p)
        if pkey is None:
            pkey = self._predicate(p)
        predicates = self.by_subject.get(skey)
        if predicates is None:
            self.by_subject[skey] = {pkey: {okey}}
        else:
            objects = predicates.get(pkey)
            if objects is None:
                predicates[pkey] = {okey}
            else:
                objects.add(okey)

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

    def keys(self) -> Iterator[tuple[str, str, str]]:
        """The triples' keys (subject, predicate, object), in the file's order."""
        for s, predicates in sorted(self.by_subject.items()):
            for p, objects in sorted(predicates.items()):
                for o in sorted(objects):
                    yield s, p, o

    def sorted(self) -> SortedTriples:
        """The triples as Oxigraph triples, in the file's order."""
        return SortedTriples(_triple(*k) for k in self.keys())

    def turtle(self, prefixes: Mapping[str, str], header: str = "") -> bytes:
        """The triples as ``sorted_turtle`` writes them (the same bytes as Oxigraph's serialiser)."""
        writer = _Writer.for_prefixes(prefixes)
        if writer is None:
            return header.encode("utf-8") + _body(self.sorted(), dict(prefixes))
        return header.encode("utf-8") + writer.body(self.by_subject)

    def __len__(self) -> int:
        return sum(sum(map(len, predicates.values())) for predicates in self.by_subject.values())


def _subject_term(key: str) -> ox.NamedNode | ox.BlankNode:
    return ox.BlankNode(key[1:]) if key.startswith(_BLANK) else ox.NamedNode(key)


def _object_term(key: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind, rest = key[0], key[1:]
    if kind == "0":
        return ox.NamedNode(rest)
    if kind == "1":
        return ox.BlankNode(rest)
    value, _, tail = rest.rpartition(_SEP)
    if tail[0] == "@":
        return ox.Literal(value, language=tail[1:])
    return ox.Literal(value, datatype=ox.NamedNode(tail[1:])) if len(tail) > 1 else ox.Literal(value)


def _triple(s: str, p: str, o: str) -> ox.Triple:
    return ox.Triple(_subject_term(s), ox.NamedNode(p or _RDF_TYPE), _object_term(o))


# --------------------------------------------------------------------------- writing Turtle
# What Oxigraph's Turtle serialiser (oxttl) writes for a term, written here in Python:
# an IRI under a prefix as prefix:local (the local name's reserved characters escaped with a
# backslash), else <IRI>; rdf:type as "a"; a blank node as _:label; a literal as a quoted string
# with the N-Triples escapes, then @tag or ^^datatype, or bare for the integers, decimals,
# doubles and booleans Turtle can write bare.

_XSD = "http://www.w3.org/2001/XMLSchema#"
_BARE = {
    _XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    _XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    _XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    _XSD + "boolean": re.compile(r"true|false"),
}
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS = _PN_CHARS_BASE + "_\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_LOCAL_FIRST = re.compile(f"[{_PN_CHARS_BASE}_:0-9]")
_LOCAL_NEXT = re.compile(f"[{_PN_CHARS}:]")
_LOCAL_ESCAPABLE = frozenset("_~.-!$&'()*+,;=/?#@%")
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]*")  # the common case: nothing to escape
_SLASHED_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_\-/.]*[A-Za-z0-9_\-/])?")  # a path: only its slashes to escape
_QUOTED = {
    **{c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F]},
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    ord('"'): '\\"',
    ord("\\"): "\\\\",
}
_NEEDS_QUOTING = re.compile('[\x00-\x1f\x7f"\\\\]')
_PREFIX_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")


def _local_name(local: str) -> str | None:
    """The local name as Turtle writes it after ``prefix:``, or None if it cannot be written so."""
    if _PLAIN_LOCAL.fullmatch(local):
        return local
    if _SLASHED_LOCAL.fullmatch(local):  # the other common case (a dot neither first nor last stays)
        return local.replace("/", "\\/")
    out = []
    last = len(local) - 1
    for i, c in enumerate(local):
        if (_LOCAL_FIRST if i == 0 else _LOCAL_NEXT).match(c) or (c == "." and 0 < i < last):
            out.append(c)
        elif c in _LOCAL_ESCAPABLE:
            out.append("\\" + c)
        else:
            return None
    return "".join(out)


def _quoted(value: str) -> str:
    return f'"{value.translate(_QUOTED)}"' if _NEEDS_QUOTING.search(value) else f'"{value}"'


class _Writer:
    """Turtle text of sorted keys, with a fixed set of prefixes (``for_prefixes``)."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = list(prefixes.items())
        self.names = {ns: name for name, ns in self.prefixes}
        # the namespace an IRI starts with (at most one: for_prefixes refuses nested ones)
        self.namespace = re.compile("|".join(re.escape(ns) for ns in sorted(self.names, key=len, reverse=True)))
        self.iris: dict[str, str] = {"": "a"}  # predicate key "" is rdf:type
        self.objects: dict[str, str] = {}

    @classmethod
    def for_prefixes(cls, prefixes: Mapping[str, str]) -> _Writer | None:
        """A writer, or None where Oxigraph's choice between prefixes would matter (one namespace
        starts another), a prefix name is unusual, or there is none."""
        names = list(prefixes.values())
        if not names or any(not _PREFIX_NAME.fullmatch(p) for p in prefixes):
            return None
        if any(a != b and b.startswith(a) for a in names for b in names) or len(set(names)) != len(names):
            return None
        if any(not ns or not _simple_iri(ns) for ns in names):
            return None
        return cls(prefixes)

    def iri(self, iri: str) -> str:
        text = self.iris.get(iri)
        if text is None:
            text = f"<{iri}>"
            m = self.namespace.match(iri)
            if m is not None:
                local = _local_name(iri[m.end() :]) if m.end() < len(iri) else ""
                if local is not None:
                    text = f"{self.names[m[0]]}:{local}"
            self.iris[iri] = text
        return text

    def subject(self, key: str) -> str:
        return "_:" + key[1:] if key.startswith(_BLANK) else self.iri(key)

    def object(self, key: str) -> str:
        text = self.objects.get(key)
        if text is not None:
            return text
        kind, rest = key[0], key[1:]
        if kind == "0":
            text = self.iri(rest)
        elif kind == "1":
            text = "_:" + rest
        else:
            value, _, tail = rest.rpartition(_SEP)
            if tail[0] == "@":
                text = f"{_quoted(value)}@{tail[1:]}"
            elif len(tail) == 1:
                text = _quoted(value)
            else:
                datatype = tail[1:]
                bare = _BARE.get(datatype)
                text = value if bare is not None and bare.fullmatch(value) else f"{_quoted(value)}^^{self.iri(datatype)}"
        if kind != "2" or len(text) < 64:  # keep the IRIs and the short literals (numbers, codes)
            self.objects[key] = text
        return text

    def body(self, by_subject: dict[str, dict[str, set[str]]]) -> bytes:
        """The prefix lines sorted, a blank line, then one block per subject (a blank line between)."""
        if not by_subject:
            return b""
        head = sorted(f"@prefix {name}: <{ns}> .".encode() for name, ns in self.prefixes)
        iri, iris, obj, objs = self.iri, self.iris, self.object, self.objects
        blocks = []
        for s, predicates in sorted(by_subject.items()):
            parts = []
            for p, objects in sorted(predicates.items()):
                if len(objects) == 1:  # most predicates have one object
                    (o,) = objects
                    parts.append(f"{iris.get(p) or iri(p)} {objs.get(o) or obj(o)}")
                else:
                    parts.append(f"{iris.get(p) or iri(p)} {' , '.join([objs.get(o) or obj(o) for o in sorted(objects)])}")
            blocks.append(f"{iris.get(s) or self.subject(s)} {_NEXT_PREDICATE.join(parts)} .\n")
        return b"\n".join(head) + b"\n\n" + "\n".join(blocks).encode("utf-8")


_NEXT_PREDICATE = " ;\n\t"
_SIMPLE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")


def _simple_iri(iri: str) -> bool:
    return bool(_SIMPLE_IRI.fullmatch(iri))


def sorted_triples(graph: TripleSet | Graph | Iterable[ox.Triple]) -> SortedTriples:
    """The triples without duplicates, in the file's order (``SortedTriples`` are returned as they are)."""
    if isinstance(graph, SortedTriples):
        return graph
    if isinstance(graph, TripleSet):
        return graph.sorted()
    return _triple_set(graph).sorted()


def _triple_set(graph: TripleSet | Graph | Iterable[ox.Triple]) -> TripleSet:
    if isinstance(graph, TripleSet):
        return graph
    acc = TripleSet()
    for t in graph:
        if isinstance(t, ox.Triple):
            acc.add_term(t.subject, t.predicate, t.object)
        else:
            acc.add_term(*t)
    return acc


def sorted_turtle(graph: TripleSet | Graph | Iterable[ox.Triple], prefixes: Mapping[str, str], header: str = "") -> bytes:
    """``header``, then the prefix lines sorted by name, then one block per subject: UTF-8 Turtle.

    No triples give the header alone.
    """
    if isinstance(graph, SortedTriples):
        return header.encode("utf-8") + _body(graph, dict(prefixes))
    return _triple_set(graph).turtle(prefixes, header)


def oxigraph_turtle(graph: TripleSet | Graph | Iterable[ox.Triple], prefixes: Mapping[str, str], header: str = "") -> bytes:
    """What ``sorted_turtle`` gives, written by Oxigraph's serialiser (the reference it is tested against)."""
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


__all__ = ["SortedTriples", "TripleSet", "oxigraph_turtle", "sorted_triples", "sorted_turtle"]
