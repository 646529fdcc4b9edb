"""Byte-stable compact JSON-LD for a closed vocabulary.

rdflib's JSON-LD serialiser compacts well but orders nodes as the graph happens to iterate;
the ELM and CTDL exports need the same bytes on every run and a document that uses only the
receiver's terms. ``Vocabulary`` lists those terms (each class and property with the JSON key
it is written under and how its values are written); ``write_document`` writes a graph with
them: one ``@graph`` of named nodes sorted by IRI, keys sorted, values sorted, each blank node
embedded where it is used (once), the context inline. A triple whose property or class is not
in the vocabulary is an error, never silently dropped or written under a full IRI.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral

from kkni_rdf.namespaces import RDF, XSD

#: How a property's values are written: an IRI or an embedded node ("id"), a language map
#: ("lang"), a plain string ("string"), plain strings always as an array, even of one
#: ("strings", where the receiver's schema wants a list), a string typed xsd:string
#: ("xsd-string"), a JSON number for xsd:integer ("integer").
Kind = Literal["id", "lang", "string", "strings", "xsd-string", "integer"]


@dataclass(frozen=True)
class Term:
    key: str  # the JSON key
    iri: URIRef
    kind: Kind


@dataclass(frozen=True)
class Vocabulary:
    prefixes: Mapping[str, str]
    classes: Mapping[URIRef, str]  # class IRI -> the value written in "@type"
    terms: tuple[Term, ...]
    by_iri: dict[URIRef, Term] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_iri", {t.iri: t for t in self.terms})
        keys = [t.key for t in self.terms] + list(self.classes.values())
        if len(keys) != len(set(keys)):
            raise ValueError("a JSON key is used twice in the vocabulary")

    def compact(self, iri: URIRef) -> str:
        """``prefix:local`` for an IRI under one of the prefixes, else the IRI."""
        for prefix, ns in sorted(self.prefixes.items(), key=lambda kv: -len(kv[1])):
            if str(iri).startswith(ns):
                return f"{prefix}:{str(iri)[len(ns) :]}"
        return str(iri)

    def context(self) -> dict[str, Any]:
        ctx: dict[str, Any] = dict(self.prefixes)
        for iri, key in self.classes.items():
            if key != self.compact(iri):
                ctx[key] = self.compact(iri)
        for t in self.terms:
            definition: dict[str, str] = {"@id": self.compact(t.iri)}
            if t.kind == "id":
                definition["@type"] = "@id"
            elif t.kind == "lang":
                definition["@container"] = "@language"
            elif t.kind == "xsd-string":
                definition["@type"] = "xsd:string"
            ctx[t.key] = definition
        return ctx

    def terms_used(self, graph: Graph) -> set[URIRef]:
        """Every class and property IRI the graph uses (rdf:type itself excluded)."""
        used = {p for p in graph.predicates() if isinstance(p, URIRef) and p != RDF.type}
        used |= {o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}
        return used


def _sort_key(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)


class _Writer:
    def __init__(self, graph: Graph, vocab: Vocabulary) -> None:
        self.graph = graph
        self.vocab = vocab
        uses: dict[BNode, int] = {}
        for o in graph.objects():
            if isinstance(o, BNode):
                uses[o] = uses.get(o, 0) + 1
        if any(n != 1 for n in uses.values()):
            raise ValueError("a blank node is used more than once: give it an IRI")
        self.embedded = set(uses)

    def node(self, subject: URIRef | BNode) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if isinstance(subject, URIRef):
            out["@id"] = str(subject)
        types = []
        for cls in self.graph.objects(subject, RDF.type):
            if cls not in self.vocab.classes:
                raise ValueError(f"class {cls} of {subject} is not in the vocabulary")
            types.append(self.vocab.classes[cls])  # type: ignore[index]
        if types:
            out["@type"] = sorted(types)[0] if len(types) == 1 else sorted(types)
        for p in sorted({p for p in self.graph.predicates(subject) if isinstance(p, URIRef) and p != RDF.type}):
            term = self.vocab.by_iri.get(p)
            if term is None:
                raise ValueError(f"property {p} of {subject} is not in the vocabulary")
            out[term.key] = self.values(term, list(self.graph.objects(subject, p)))
        return out

    def values(self, term: Term, objects: list[Any]) -> Any:
        if term.kind == "lang":
            by_lang: dict[str, list[str]] = {}
            for o in objects:
                if not (isinstance(o, RdfLiteral) and o.language):
                    raise ValueError(f"{term.key}: {o!r} is not a language-tagged string")
                by_lang.setdefault(o.language, []).append(str(o))
            return {lang: vs[0] if len(vs) == 1 else sorted(vs) for lang, vs in sorted(by_lang.items())}
        written = [self.value(term, o) for o in objects]
        written.sort(key=_sort_key)
        return written[0] if len(written) == 1 and term.kind != "strings" else written

    def value(self, term: Term, o: Any) -> Any:
        if term.kind == "id":
            if isinstance(o, BNode):
                return self.node(o)
            if isinstance(o, URIRef):
                return str(o)
        elif isinstance(o, RdfLiteral) and not o.language:
            if term.kind == "integer" and o.datatype == XSD.integer:
                return int(o)
            if term.kind in ("string", "strings") and o.datatype is None:
                return str(o)
            if term.kind == "xsd-string" and o.datatype == XSD.string:
                return str(o)
        raise ValueError(f"{term.key}: {o!r} cannot be written as {term.kind}")


def write_document(graph: Graph, vocab: Vocabulary) -> bytes:
    """The graph as compact JSON-LD with the vocabulary's inline context: the same graph, the same bytes."""
    writer = _Writer(graph, vocab)
    subjects: Iterable[URIRef | BNode] = {s for s in graph.subjects() if isinstance(s, URIRef | BNode)}
    roots = sorted((s for s in subjects if s not in writer.embedded), key=lambda s: (isinstance(s, BNode), str(s)))
    if any(isinstance(s, BNode) for s in roots):
        raise ValueError("a blank node is not used by any other node: give it an IRI")
    doc = {"@context": vocab.context(), "@graph": [writer.node(s) for s in roots]}
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"


__all__ = ["Kind", "Term", "Vocabulary", "write_document"]
