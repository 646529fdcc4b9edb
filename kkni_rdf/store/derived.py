"""What the store derives from the decrees it holds: the prerequisite closure over every decree.

A unit's prerequisites are printed in the rows of unit tables, and units are shared between
decrees (``unit/{code}`` is one resource wherever it is listed): unit A's row in one decree may
print B, and B's row in another decree print C. So "everything A depends on" is a property of
the union of the decrees, not of one decree's graph, and it cannot be written into a decree's
file when that decree is built. The store computes it once, when its files are loaded
(``KkniStore.load_files`` calls ``refresh_derived``), from the default graph (the union), and
keeps it as plain triples (``ontology/kkni-derived.ttl``):

``kkni:requires``
    unit → unit: some table prints the object as a prerequisite in a row that lists the subject;
    the same pairs as the property path ``^kkni:unit/kkni:hasPrerequisite/kkni:requiredUnit``.
``kkni:requiresTransitively``
    its transitive closure, the pairs of ``kkni:requires+`` (a unit on a cycle requires itself).

With them the natural query, every unit's closure, is a lookup: ``?unit kkni:requiresTransitively
?required`` answers in milliseconds where the property path over every unit takes minutes at
national scale (157 s at 100 times the decree). The triples are in the default graph only, like
a reasoner's entailments: no named graph holds them, so a named graph, the downloads and the
per-graph checks stay exactly what the files say. ``kkni load --into`` sends them to a
SPARQL store with the union (``store.remote.load_into``); a store loaded by other means does not
have them unless they are loaded too (``derived_triples`` gives them), so the named queries in
``queries/`` never depend on them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from kkni_rdf.namespaces import KKNI

Node = ox.NamedNode | ox.BlankNode

_UNIT = ox.NamedNode(str(KKNI.unit))
_HAS_PREREQUISITE = ox.NamedNode(str(KKNI.hasPrerequisite))
_REQUIRED_UNIT = ox.NamedNode(str(KKNI.requiredUnit))
REQUIRES = ox.NamedNode(str(KKNI.requires))
REQUIRES_TRANSITIVELY = ox.NamedNode(str(KKNI.requiresTransitively))
DERIVED_PREDICATES = (REQUIRES, REQUIRES_TRANSITIVELY)


#: The pairs of ``^kkni:unit/kkni:hasPrerequisite/kkni:requiredUnit``, from the rare end (the
#: prerequisites) to the common one (the rows): the store finds them faster than Python would.
_DIRECT = f"""SELECT DISTINCT ?unit ?required WHERE {{
  ?prerequisite <{_REQUIRED_UNIT.value}> ?required .
  ?row <{_HAS_PREREQUISITE.value}> ?prerequisite .
  ?row <{_UNIT.value}> ?unit .
}}"""


def direct_requirements(store: ox.Store) -> dict[Node, set[Node]]:
    """``kkni:requires``: for each unit, the units some row listing it prints as prerequisites."""
    edges: dict[Node, set[Node]] = defaultdict(set)
    solutions = store.query(_DIRECT)  # the store's default graph: the union of the decrees
    if not isinstance(solutions, ox.QuerySolutions):  # _DIRECT is a SELECT
        raise TypeError("expected solutions")
    for s in solutions:
        unit, required = s["unit"], s["required"]
        if isinstance(unit, Node) and isinstance(required, Node):
            edges[unit].add(required)
    return dict(edges)


def transitive_closure(edges: dict[Node, set[Node]]) -> dict[Node, set[Node]]:
    """The pairs of ``edges+``: every node reachable in one step or more (itself if on a cycle)."""
    closure: dict[Node, set[Node]] = {}
    for start, direct in edges.items():
        seen: set[Node] = set()
        todo = list(direct)
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(edges.get(node, ()))
        closure[start] = seen
    return closure


def derived_triples(store: ox.Store) -> list[ox.Triple]:
    """The derived triples of what ``store``'s default graph holds, sorted (for a stable file)."""
    edges = direct_requirements(store)
    out = [ox.Triple(u, REQUIRES, v) for u, vs in edges.items() for v in vs]
    out += [ox.Triple(u, REQUIRES_TRANSITIVELY, v) for u, vs in transitive_closure(edges).items() for v in vs]
    return sorted(out, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _stated(store: ox.Store, predicate: ox.NamedNode) -> Iterable[ox.Triple]:
    """Triples of ``predicate`` that a named graph states itself (kept in the default graph)."""
    for q in store.quads_for_pattern(None, predicate, None, None):
        if not isinstance(q.graph_name, ox.DefaultGraph):
            yield q.triple


def refresh_derived(store: ox.Store, named: ox.Store | None = None) -> int:
    """Recompute the derived triples into the default graph of ``store``; return how many there are.

    The default graph must already be the union of the named graphs (as ``KkniStore`` keeps it),
    which are in ``store`` too or in ``named`` (``KkniStore`` keeps them in a store of their own).
    Derived triples of an earlier load are replaced, so loading more decrees and refreshing gives
    the closure over all of them.
    """
    default = ox.DefaultGraph()
    for predicate in DERIVED_PREDICATES:
        stale = list(store.quads_for_pattern(None, predicate, None, default))
        for q in stale:
            store.remove(q)
        stated = _stated(named if named is not None else store, predicate)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in stated)
    triples = derived_triples(store)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in triples)
    return len(triples)


def copy_derived(source: ox.Store, target: ox.Store) -> None:
    """Make the derived predicates' triples in ``target``'s default graph those of ``source``'s."""
    default = ox.DefaultGraph()
    for predicate in DERIVED_PREDICATES:
        for q in list(target.quads_for_pattern(None, predicate, None, default)):
            target.remove(q)
        target.extend(source.quads_for_pattern(None, predicate, None, default))


__all__ = [
    "DERIVED_PREDICATES",
    "REQUIRES",
    "REQUIRES_TRANSITIVELY",
    "copy_derived",
    "derived_triples",
    "direct_requirements",
    "refresh_derived",
    "transitive_closure",
]
