"""Linked-data pages: what a browser gets when it dereferences an IRI of the graph.

A request path ``p`` stands for the IRI ``base + p`` (the ontology's and the shapes' fixed terms,
``https://w3id.org/kkni/ontology#…`` and ``…/shapes#…``, also under the default base). Links in the
pages point to local paths, so the pages work wherever the server runs.

This module reads what a page shows from the store; the HTML is written by the Jinja2 templates
in ``templates/`` (through Starlette's ``Jinja2Templates``, autoescaped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from starlette.templating import Jinja2Templates

from kkni_rdf.endpoint.served import ServedStore
from kkni_rdf.namespaces import DEFAULT_BASE, KKNI, RDF, RDFS
from kkni_rdf.results import term_text
from kkni_rdf.store.protocol import QueryableStore

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
MAX_INCOMING = 300
_TYPE = ox.NamedNode(str(RDF.type))


def render(template: str, **context: object) -> str:
    """A page from ``templates/``."""
    return TEMPLATES.get_template(template).render(context)


def _sel(store: QueryableStore, text: str) -> list[ox.QuerySolution]:
    r = store.query(text)
    assert isinstance(r, ox.QuerySolutions)
    return list(r)


def _iri(term: ox.NamedNode) -> str:
    return "<" + term.value + ">"


def resource_kind(served: ServedStore, iri: str) -> str | None:
    """ "graph" for a named graph of the store, "resource" for an IRI used in a triple, else None."""
    if iri in served.graphs:
        return "graph"
    node = _iri(ox.NamedNode(iri))
    r = served.store.query(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} UNION {{ ?s {node} ?o }} }}")
    return "resource" if bool(r) else None


def resolve_path(served: ServedStore, path: str) -> tuple[str, str] | None:
    """The IRI a request path stands for and its kind, or None if the graph does not know it."""
    candidates = [served.base + path]
    if served.base != DEFAULT_BASE:
        candidates.append(DEFAULT_BASE + path)  # the ontology's and the shapes' fixed IRIs
    for iri in candidates:
        try:
            kind = resource_kind(served, iri)
        except (ValueError, SyntaxError):
            return None  # not an IRI at all
        if kind:
            return iri, kind
    return None


def describe_triples(store: QueryableStore, iri: str, kind: str) -> list[ox.Triple]:
    """What a machine gets: the graph's content for a named graph, else the resource's CBD (DESCRIBE)."""
    node = _iri(ox.NamedNode(iri))
    if kind == "graph":
        r = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}")
    else:
        r = store.query(f"DESCRIBE {node}")
    return list(r)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- what a page shows


@dataclass(frozen=True)
class Shown:
    """A term as a page shows it (``templates/resource.html``, macro ``term``)."""

    text: str
    href: str | None = None  # a link: a local path, or the IRI itself
    title: str | None = None  # the IRI in full, shown on hover
    tag: str | None = None  # a literal's language or datatype
    bnode: bool = False


@dataclass
class Page:
    base: str
    prefixes: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # iri → {lang: label}

    def href(self, iri: str) -> str:
        for root in (self.base, DEFAULT_BASE):
            if iri.startswith(root):
                return "/" + iri[len(root) :]
        return iri

    def label(self, iri: str) -> str:
        ls = self.labels.get(iri, {})
        return ls.get("en") or ls.get("id") or ls.get("") or term_text(ox.NamedNode(iri), self.prefixes)

    def show(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Shown:
        if term is None:
            return Shown("")
        if isinstance(term, ox.NamedNode):
            return Shown(self.label(term.value), self.href(term.value), term.value)
        if isinstance(term, ox.Literal):
            if term.language:
                return Shown(term.value, tag=f"@{term.language}")
            if term.datatype.value.endswith("#string"):
                return Shown(term.value)
            return Shown(term.value, tag=term_text(term.datatype, self.prefixes))
        if isinstance(term, ox.BlankNode):
            return Shown(term.value, bnode=True)
        return Shown(str(term))

    def code_link(self, code: str, unit: object) -> Shown:
        """A unit code as printed, linked to the unit's page where the graph names the unit."""
        return Shown(code, self.href(unit.value)) if isinstance(unit, ox.NamedNode) else Shown(code)


@dataclass(frozen=True)
class Listing:
    """A row of a qualification's unit table."""

    position: int
    unit: Shown
    title: str
    prerequisites: list[Shown] = field(default_factory=list)


def _load_labels(store: QueryableStore, iris: set[str], page: Page) -> None:
    if not iris:
        return
    values = " ".join(_iri(ox.NamedNode(i)) for i in sorted(iris))
    for row in _sel(store, f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x <{RDFS.label}> ?l }}"):
        x, lab = row["x"], row["l"]
        assert isinstance(x, ox.NamedNode) and isinstance(lab, ox.Literal)
        page.labels.setdefault(x.value, {}).setdefault(lab.language or "", lab.value)


def _qualification(store: QueryableStore, iri: str, page: Page) -> dict[str, object]:
    """The packaging rule as printed and the core and elective unit tables with their prerequisites."""
    q = _iri(ox.NamedNode(iri))
    k = str(KKNI)
    rules = _sel(
        store,
        f"""SELECT ?text ?all ?core ?elective WHERE {{ {q} <{k}packagingRule> ?r .
        OPTIONAL {{ ?r <{k}text> ?text }} OPTIONAL {{ ?r <{k}requiredUnits> ?all }}
        OPTIONAL {{ ?r <{k}requiredCore> ?core }} OPTIONAL {{ ?r <{k}requiredElective> ?elective }} }}""",
    )
    rows = _sel(
        store,
        f"""SELECT ?role ?pos ?code ?unit ?title ?preqCode ?preqUnit WHERE {{
        {q} <{k}hasListing> ?l . ?l <{k}role> ?role ; <{k}position> ?pos ; <{k}printedCode> ?code .
        OPTIONAL {{ ?l <{k}unit> ?unit }} OPTIONAL {{ ?l <{k}printedTitle> ?title }}
        OPTIONAL {{ ?l <{k}hasPrerequisite> ?p . ?p <{k}requiredUnitCode> ?preqCode ; <{k}position> ?ppos .
                   OPTIONAL {{ ?p <{k}requiredUnit> ?preqUnit }} }}
        }} ORDER BY ?role ?pos ?ppos""",
    )
    shown_rules = []
    for r in rules:
        counts = ", ".join(
            f"{name}: {r[v].value}" for v, name in (("all", "units"), ("core", "core"), ("elective", "elective")) if r[v] is not None
        )
        text = r["text"]
        shown_rules.append({"text": text.value if text is not None else "", "counts": counts})
    listings: dict[tuple[str, int], Listing] = {}
    for r in rows:
        role, pos, code, title = r["role"], r["pos"], r["code"], r["title"]
        assert isinstance(role, ox.NamedNode) and isinstance(pos, ox.Literal)
        key = (role.value, int(pos.value))
        if key not in listings:
            listings[key] = Listing(key[1], page.code_link(code.value if code is not None else "", r["unit"]), title.value if title else "")
        preq = r["preqCode"]
        if preq is not None:
            listings[key].prerequisites.append(page.code_link(preq.value, r["preqUnit"]))
    tables = [
        {"heading": heading, "listings": [row for (role, _), row in listings.items() if role == f"{k}{role_name}"]}
        for role_name, heading in (("Core", "Core units · Kompetensi inti"), ("Elective", "Elective units · Kompetensi pilihan"))
    ]
    return {"rules": shown_rules, "tables": tables}


def resource_page(served: ServedStore, iri: str, kind: str) -> str:
    """The HTML page of ``iri``: labels in both languages, its properties, what links to it."""
    store = served.store
    page = Page(served.base, served.prefixes)
    node = _iri(ox.NamedNode(iri))
    if kind == "graph":
        out = _sel(store, f"SELECT ?p (COUNT(*) AS ?o) WHERE {{ GRAPH {node} {{ ?s ?p ?x }} }} GROUP BY ?p ORDER BY DESC(?o)")
        incoming: list[ox.QuerySolution] = []
    else:
        out = _sel(store, f"SELECT ?p ?o WHERE {{ {node} ?p ?o }} ORDER BY ?p ?o")
        incoming = _sel(store, f"SELECT ?s ?p WHERE {{ ?s ?p {node} }} ORDER BY ?p ?s LIMIT {MAX_INCOMING + 1}")
    mentioned = {iri}
    for row in [*out, *incoming]:
        for v in ("p", "o", "s"):
            t = row[v]
            if isinstance(t, ox.NamedNode):
                mentioned.add(t.value)
    _load_labels(store, mentioned, page)
    labels = page.labels.get(iri, {})
    types = [row["o"] for row in out if row["p"] == _TYPE]
    title = labels.get("en") or labels.get("id") or term_text(ox.NamedNode(iri), page.prefixes)
    qualification = _qualification(store, iri, page) if ox.NamedNode(f"{KKNI}Qualification") in types else None
    if kind == "graph":
        properties = [(page.show(r["p"]), Shown(r["o"].value)) for r in out]  # predicate, number of triples
    else:
        properties = [(page.show(r["p"]), page.show(r["o"])) for r in out if r["p"] != _TYPE]
    return render(
        "resource.html",
        title=title,
        alternative=labels["id"] if labels.get("id") and labels.get("en") else None,
        iri=iri,
        types=[page.show(t) for t in types],
        graph=kind == "graph",
        qualification=qualification,
        properties=properties,
        incoming=[(page.show(r["s"]), page.show(r["p"])) for r in incoming[:MAX_INCOMING]],
        more_incoming=MAX_INCOMING if len(incoming) > MAX_INCOMING else None,
    )


def not_found_page(path: str) -> str:
    return render("not_found.html", title="Not found", path=path)
