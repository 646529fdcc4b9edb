"""Linked-data pages: what a browser gets when it dereferences an IRI of the graph.

A request path ``p`` stands for the IRI ``base + p`` (the ontology's and the shapes' fixed terms,
``https://w3id.org/kkni/ontology#…`` and ``…/shapes#…``, also under the default base). Links in the
pages point to local paths, so the pages work wherever the server runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import pyoxigraph as ox

from kkni_rdf.namespaces import DEFAULT_BASE, KKNI
from kkni_rdf.results import term_text
from kkni_rdf.store.embedded import default_prefixes
from kkni_rdf.store.protocol import QueryableStore

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MAX_INCOMING = 300


def _sel(store: QueryableStore, text: str) -> list[ox.QuerySolution]:
    r = store.query(text)
    assert isinstance(r, ox.QuerySolutions)
    return list(r)


def _iri(term: ox.NamedNode) -> str:
    return "<" + term.value + ">"


def resource_kind(store: QueryableStore, iri: str) -> str | None:
    """ "graph" for a named graph of the store, "resource" for an IRI used in a triple, else None."""
    if iri in store.graphs():
        return "graph"
    node = _iri(ox.NamedNode(iri))
    r = store.query(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} UNION {{ ?s {node} ?o }} }}")
    return "resource" if bool(r) else None


def resolve_path(store: QueryableStore, path: str) -> tuple[str, str] | None:
    """The IRI a request path stands for and its kind, or None if the graph does not know it."""
    candidates = [store.base + path]
    if store.base != DEFAULT_BASE:
        candidates.append(DEFAULT_BASE + path)  # the ontology's and the shapes' fixed IRIs
    for iri in candidates:
        try:
            kind = resource_kind(store, iri)
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


# ----------------------------------------------------------------------------- HTML


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

    def link(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
        if term is None:
            return ""
        if isinstance(term, ox.NamedNode):
            return f'<a href="{escape(self.href(term.value))}" title="{escape(term.value)}">{escape(self.label(term.value))}</a>'
        if isinstance(term, ox.Literal):
            text = escape(term.value).replace("\n", "<br>")
            if term.language:
                return f'{text} <span class="tag">@{escape(term.language)}</span>'
            dt = term.datatype.value
            if dt.endswith("#string"):
                return text
            return f'{text} <span class="tag">{escape(term_text(term.datatype, self.prefixes))}</span>'
        if isinstance(term, ox.BlankNode):
            return f'<span class="bnode">_:{escape(term.value)}</span>'
        return escape(str(term))


def layout(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · KKNI</title><link rel="stylesheet" href="/assets/style.css"></head>
<body><header><a class="home" href="/">KKNI linked data</a>
<nav><a href="/">SPARQL editor</a> <a href="/queries">named queries</a> <a href="/ontology">ontology</a>
<a href="/sparql">service description</a> <a href="/.well-known/void">VoID</a> <a href="/download/kkni.ttl">download</a> <a href="/docs">API</a></nav></header>
<main>{body}</main></body></html>
"""


def not_found_page(path: str) -> str:
    return layout(
        "Not found",
        f"<h1>Not found · Tidak ditemukan</h1><p>No resource of the graph has the IRI for <code>/{escape(path)}</code>.</p>"
        f"<p>Tidak ada sumber daya di graf dengan IRI untuk <code>/{escape(path)}</code>.</p>",
    )


def _load_labels(store: QueryableStore, iris: set[str], page: Page) -> None:
    if not iris:
        return
    values = " ".join(_iri(ox.NamedNode(i)) for i in sorted(iris))
    for row in _sel(store, f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x <{RDFS_LABEL}> ?l }}"):
        x, lab = row["x"], row["l"]
        assert isinstance(x, ox.NamedNode) and isinstance(lab, ox.Literal)
        page.labels.setdefault(x.value, {}).setdefault(lab.language or "", lab.value)


def _qualification_section(store: QueryableStore, iri: str, page: Page) -> str:
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
    html = ["<section><h2>Packaging rule · Aturan pengemasan</h2>"]
    for r in rules:
        counts = ", ".join(
            f"{name}: {escape(r[v].value)}"
            for v, name in (("all", "units"), ("core", "core"), ("elective", "elective"))
            if r[v] is not None
        )
        text = r["text"]
        html.append(f"<p>{escape(text.value) if text is not None else ''}</p><p class='counts'>{counts}</p>")
    tables: dict[str, list[tuple[int, str, str]]] = {}
    seen: dict[tuple[str, int], list[str]] = {}
    for r in rows:
        role, pos = r["role"], r["pos"]
        assert isinstance(role, ox.NamedNode) and isinstance(pos, ox.Literal)
        key = (role.value, int(pos.value))
        if key not in seen:
            seen[key] = []
            unit, code, title = r["unit"], r["code"], r["title"]
            unit_cell = page.link(unit) if isinstance(unit, ox.NamedNode) else escape(code.value if code is not None else "")
            unit_cell = (
                f'<a href="{escape(page.href(unit.value))}">{escape(code.value)}</a>'
                if isinstance(unit, ox.NamedNode) and code is not None
                else unit_cell
            )
            tables.setdefault(role.value, []).append((key[1], unit_cell, escape(title.value) if title is not None else ""))
        preq, preq_unit = r["preqCode"], r["preqUnit"]
        if preq is not None:
            cell = (
                f'<a href="{escape(page.href(preq_unit.value))}">{escape(preq.value)}</a>'
                if isinstance(preq_unit, ox.NamedNode)
                else escape(preq.value)
            )
            seen[key].append(cell)
    for role_iri, heading in ((f"{k}Core", "Core units · Kompetensi inti"), (f"{k}Elective", "Elective units · Kompetensi pilihan")):
        items = tables.get(role_iri, [])
        html.append(f"<h2>{heading} ({len(items)})</h2>")
        if not items:
            html.append("<p>None printed · Tidak ada.</p>")
            continue
        html.append(
            "<table><thead><tr><th>No.</th><th>Unit</th><th>Title as printed</th><th>Prerequisites · Prasyarat</th></tr></thead><tbody>"
        )
        for pos, unit_cell, title in items:
            preqs = ", ".join(seen[(role_iri, pos)]) or "—"
            html.append(f"<tr><td>{pos}</td><td>{unit_cell}</td><td>{title}</td><td>{preqs}</td></tr>")
        html.append("</tbody></table>")
    html.append("</section>")
    return "".join(html)


def resource_page(store: QueryableStore, iri: str, kind: str) -> str:
    """The HTML page of ``iri``: labels in both languages, its properties, what links to it."""
    page = Page(store.base, default_prefixes(store.base))
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
    types = [row["o"] for row in out if row["p"] == ox.NamedNode(RDF_TYPE)]
    title = labels.get("en") or labels.get("id") or term_text(ox.NamedNode(iri), page.prefixes)
    html = [f"<h1>{escape(title)}</h1>"]
    if labels.get("id") and labels.get("en"):
        html.append(f'<p class="alt" lang="id">{escape(labels["id"])}</p>')
    html.append(f'<p class="iri"><code>{escape(iri)}</code></p>')
    if types:
        html.append("<p>" + " · ".join(page.link(t) for t in types) + "</p>")
    html.append(
        '<p class="formats">As data: <a href="?format=turtle">Turtle</a> · <a href="?format=jsonld">JSON-LD</a> · '
        '<a href="?format=ntriples">N-Triples</a> · <a href="?format=rdfxml">RDF/XML</a></p>'
    )
    if any(t == ox.NamedNode(f"{KKNI}Qualification") for t in types):
        html.append(_qualification_section(store, iri, page))
    if kind == "graph":
        html.append("<h2>Predicates in this named graph</h2><table><tbody>")
        html += [f"<tr><th>{page.link(r['p'])}</th><td>{escape(r['o'].value)}</td></tr>" for r in out]
        html.append("</tbody></table>")
    else:
        html.append("<h2>Properties · Properti</h2><table><tbody>")
        html += [f"<tr><th>{page.link(r['p'])}</th><td>{page.link(r['o'])}</td></tr>" for r in out if r["p"] != ox.NamedNode(RDF_TYPE)]
        html.append("</tbody></table>")
    if incoming:
        more = len(incoming) > MAX_INCOMING
        html.append(f"<h2>Referred to by · Dirujuk oleh{' (first ' + str(MAX_INCOMING) + ')' if more else ''}</h2><table><tbody>")
        html += [f"<tr><td>{page.link(r['s'])}</td><th>{page.link(r['p'])}</th></tr>" for r in incoming[:MAX_INCOMING]]
        html.append("</tbody></table>")
    return layout(title, "".join(html))
