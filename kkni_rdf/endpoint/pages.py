"""Linked-data pages: what a browser gets when it dereferences an IRI of the graph.

A request path ``p`` stands for the IRI ``base + p`` (the ontology's and the shapes' fixed terms,
``https://w3id.org/kkni/ontology#…`` and ``…/shapes#…``, also under the default base). Links in the
pages point to local paths, so the pages work wherever the server runs. ``…/x.ttl`` (``.jsonld``,
``.nt``, ``.rdf``) is the description of ``…/x`` in that format.

A page is in one language (``i18n``): its headings, and the labels it shows, are Indonesian or
English; literals of both languages are listed Indonesian first (the decree is the source).
Things a page names by IRI are shown by their label, else by their text (a work attitude, a
general attitude), and listed in their printed order (``kkni:position``, then numbers as numbers:
``elective/2`` before ``elective/10``). A qualification's page shows its packaging rule, its unit
tables, its attitudes, job titles and findings; a level's mappings to other frameworks say their
status (proposed or official); a finding's page gives its message in both languages.

This module reads what a page shows from the store; the HTML is written by the Jinja2 templates
in ``templates/`` (through Starlette's ``Jinja2Templates``, autoescaped).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from kkni_rdf.endpoint import assets, pictures
from kkni_rdf.endpoint.findings import Finding, by_rule, counts, load_findings
from kkni_rdf.endpoint.i18n import NAMES, Lang, choose, with_param
from kkni_rdf.endpoint.named import NamedQuery
from kkni_rdf.endpoint.served import ServedStore
from kkni_rdf.namespaces import DEFAULT_BASE, KKNI, OWL, RDF, RDFS, SH, SKOS
from kkni_rdf.results import term_text
from kkni_rdf.store.protocol import QueryableStore, select

MAX_INCOMING = 300
_TYPE = ox.NamedNode(str(RDF.type))
K = str(KKNI)
#: IRI suffixes that name a description's format: ``/level/5.ttl`` is ``/level/5`` as Turtle.
SUFFIXES = {".ttl": "turtle", ".jsonld": "jsonld", ".nt": "ntriples", ".rdf": "rdfxml"}
#: SKOS mapping properties: their triples on a page say the mapping's status.
MAPPINGS = {str(SKOS[p]) for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")}
#: Shown in their own sections of a qualification's page, not again in its property list.
_QUALIFICATION_SECTIONS = {f"{K}{p}" for p in ("hasListing", "packagingRule", "hasWorkAttitude", "hasGeneralAttitude", "hasJobRole")}


def page_context(request: Request) -> dict[str, object]:
    """What every page rendered for a request needs (Starlette's context processor): its language,
    the link to the other language, and whether the fetched YASGUI is there."""
    lang = choose(request.query_params.get("lang"), request.headers.get("accept-language"))
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return common(lang, here)


def common(lang: Lang, here: str) -> dict[str, object]:
    other = lang.other
    return {
        "lang": lang,
        "t": lang.t,
        "href": lang.href,
        "switch": {"href": with_param(here, "lang", other), "code": other, "name": NAMES[other]},
        "yasgui": assets.present(assets.YASGUI),
        "viz": assets.present(assets.VIZ),
    }


#: Vocabulary terms offered by the editor's completion besides the ontology's own.
_COMMON_TERMS = {
    "property": [
        str(RDF.type),
        str(RDFS.label),
        str(RDFS.comment),
        str(SKOS.prefLabel),
        str(SKOS.notation),
        str(SKOS.closeMatch),
        str(SKOS.broadMatch),
        str(SKOS.narrowMatch),
        str(SKOS.exactMatch),
        str(SKOS.inScheme),
        str(SKOS.editorialNote),
    ],
    "class": [str(SKOS.Concept), str(SKOS.ConceptScheme)],
}


def workbench(served: ServedStore, named_queries: dict[str, NamedQuery]) -> dict[str, object]:
    """The query page's setup (``Endpoint.workbench``, made at start-up): the endpoint, the project's
    prefixes, the served ontology's classes and properties for completion, and the named queries as examples."""
    rows = _sel(
        served.store,
        f"""SELECT DISTINCT ?t ?kind WHERE {{ ?t a ?kind .
        FILTER (?kind IN (<{OWL.Class}>, <{RDFS.Class}>, <{OWL.ObjectProperty}>, <{OWL.DatatypeProperty}>, <{RDF.Property}>))
        FILTER (isIRI(?t)) }} ORDER BY ?t""",
    )
    terms: dict[str, list[str]] = {k: list(v) for k, v in _COMMON_TERMS.items()}
    for r in rows:
        kind = "class" if r["kind"].value in (str(OWL.Class), str(RDFS.Class)) else "property"
        if r["t"].value not in terms[kind]:
            terms[kind].append(r["t"].value)
    return {
        "endpoint": "/sparql",
        "prefixes": dict(sorted(served.prefixes.items())),
        "terms": terms,
        "queries": [{"name": q.name, "title": q.title, "question": q.question, "query": q.text} for q in named_queries.values()],
    }


TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates", context_processors=[page_context])


def render(template: str, lang: Lang, here: str, **context: object) -> str:
    """A page from ``templates/`` in ``lang``; ``here`` is its own local URL (for the language link)."""
    return TEMPLATES.get_template(template).render({**common(lang, here), **context})


def _sel(store: QueryableStore, text: str) -> list[ox.QuerySolution]:
    return list(select(store, text))


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


def split_suffix(path: str) -> tuple[str, str] | None:
    """``("level/5", "turtle")`` for ``level/5.ttl``: a format suffix, or None."""
    for suffix, key in SUFFIXES.items():
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], key
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
    lang: str | None = None  # a literal's language, for the element's lang attribute
    note: Shown | None = None  # e.g. a mapping's status, shown after the term


def natural_key(text: str) -> tuple[object, ...]:
    """Numbers as numbers: ``elective/2`` before ``elective/10``."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text) if p)


@dataclass
class Page:
    base: str
    lang: Lang = field(default_factory=Lang)
    prefixes: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # iri → {lang: label}
    texts: dict[str, dict[str, str]] = field(default_factory=dict)  # iri → {lang: kkni:text}, for things without a label
    positions: dict[str, int] = field(default_factory=dict)  # iri → kkni:position

    def href(self, iri: str) -> str:
        for root in (self.base, DEFAULT_BASE):
            if iri.startswith(root):
                return self.lang.href("/" + iri[len(root) :])
        return iri

    def label(self, iri: str) -> str:
        for texts in (self.labels.get(iri), self.texts.get(iri)):
            if texts:
                return self.lang.pick(texts)
        return term_text(ox.NamedNode(iri), self.prefixes)

    def show(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Shown:
        if term is None:
            return Shown("")
        if isinstance(term, ox.NamedNode):
            return Shown(self.label(term.value), self.href(term.value), term.value)
        if isinstance(term, ox.Literal):
            if term.language:
                return Shown(term.value, tag=f"@{term.language}", lang=term.language)
            if term.datatype.value.endswith("#string"):
                return Shown(term.value)
            return Shown(term.value, tag=term_text(term.datatype, self.prefixes))
        if isinstance(term, ox.BlankNode):
            return Shown(term.value, bnode=True)
        return Shown(str(term))

    def code_link(self, code: str, unit: object) -> Shown:
        """A unit code as printed, linked to the unit's page where the graph names the unit."""
        return Shown(code, self.href(unit.value)) if isinstance(unit, ox.NamedNode) else Shown(code)

    def order(self, term: object) -> tuple[object, ...]:
        """Where a value goes in a list: by printed position, then Indonesian before English, then naturally."""
        if isinstance(term, ox.NamedNode):
            return (self.positions.get(term.value, 1 << 30), 0, natural_key(term.value))
        if isinstance(term, ox.Literal):
            return (1 << 30, {"id": 0, "en": 1}.get(term.language or "", 2), natural_key(term.value))
        return (1 << 31, 0, natural_key(str(term)))


@dataclass(frozen=True)
class Listing:
    """A row of a qualification's unit table."""

    position: int
    unit: Shown
    title: str  # in the page's language: the unit's English label in English, else the printed title
    prerequisites: list[Shown] = field(default_factory=list)
    printed: str = ""  # the printed (Indonesian) title, shown beside ``title`` where that is a translation


@dataclass(frozen=True)
class Item:
    """A printed item of a list (a work or general attitude, a job title): its marker or aspect, and its text."""

    head: str
    text: str
    href: str
    lang: str = "id"  # the language of ``text``
    printed: str = ""  # the printed Indonesian, shown beside ``text`` where that is a translation
    head_printed: str = ""  # the printed heading (a work attitude's aspect name) where ``head`` is a translation


def _load_terms(store: QueryableStore, iris: Iterable[str], page: Page) -> None:
    """Labels (rdfs:label, skos:prefLabel), texts (kkni:text) and printed positions of ``iris``."""
    iris = sorted(set(iris))
    for start in range(0, len(iris), 500):
        values = " ".join(_iri(ox.NamedNode(i)) for i in iris[start : start + 500])
        rows = _sel(
            store,
            f"""SELECT ?x ?l ?t ?pos WHERE {{ VALUES ?x {{ {values} }}
            {{ ?x <{RDFS.label}>|<{SKOS.prefLabel}> ?l }} UNION {{ ?x <{K}text> ?t }} UNION {{ ?x <{K}position> ?pos }} }}""",
        )
        for row in rows:
            x = row["x"].value
            for var, into in (("l", page.labels), ("t", page.texts)):
                lit = row[var]
                if isinstance(lit, ox.Literal):
                    into.setdefault(x, {}).setdefault(lit.language or "", lit.value)
            pos = row["pos"]
            if isinstance(pos, ox.Literal) and pos.value.isdigit():
                page.positions[x] = int(pos.value)


def _mapping_statuses(store: QueryableStore, iri: str, page: Page) -> dict[tuple[str, str, str], Shown]:
    """The status of each kkni:LevelMapping about ``iri`` (as subject or object), keyed by (subject, relation, object)."""
    node = _iri(ox.NamedNode(iri))
    rows = _sel(
        store,
        f"""SELECT ?m ?s ?rel ?o ?status WHERE {{
        {{ ?m <{K}mappingSubject> {node} }} UNION {{ ?m <{K}mappingObject> {node} }}
        ?m <{K}mappingSubject> ?s ; <{K}mappingRelation> ?rel ; <{K}mappingObject> ?o ; <{K}mappingStatus> ?status }}""",
    )
    out = {}
    for r in rows:
        status = r["status"].value
        proposed = status == f"{K}Proposed"
        text = page.lang.t("proposed", "diusulkan") if proposed else page.lang.t("official", "resmi")
        out[(r["s"].value, r["rel"].value, r["o"].value)] = Shown(
            text, page.href(r["m"].value), r["m"].value, tag="proposed" if proposed else "official"
        )
    return out


def _qualification(store: QueryableStore, iri: str, page: Page) -> dict[str, object]:
    """The packaging rule as printed, the unit tables with their prerequisites, the attitudes and job titles."""
    q = _iri(ox.NamedNode(iri))
    t = page.lang.t
    rules = _sel(
        store,
        f"""SELECT ?text ?all ?core ?elective WHERE {{ {q} <{K}packagingRule> ?r .
        OPTIONAL {{ ?r <{K}text> ?text }} OPTIONAL {{ ?r <{K}requiredUnits> ?all }}
        OPTIONAL {{ ?r <{K}requiredCore> ?core }} OPTIONAL {{ ?r <{K}requiredElective> ?elective }} }}""",
    )
    rows = _sel(
        store,
        f"""SELECT ?role ?pos ?code ?unit ?title ?english ?preqCode ?preqUnit WHERE {{
        {q} <{K}hasListing> ?l . ?l <{K}role> ?role ; <{K}position> ?pos ; <{K}printedCode> ?code .
        OPTIONAL {{ ?l <{K}unit> ?unit OPTIONAL {{ ?unit <{RDFS.label}> ?english FILTER (langMatches(lang(?english), "en")) }} }}
        OPTIONAL {{ ?l <{K}printedTitle> ?title }}
        OPTIONAL {{ ?l <{K}hasPrerequisite> ?p . ?p <{K}requiredUnitCode> ?preqCode ; <{K}position> ?ppos .
                   OPTIONAL {{ ?p <{K}requiredUnit> ?preqUnit }} }}
        }} ORDER BY ?role ?pos ?ppos""",
    )
    shown_rules = [_packaging_rule(r, page.lang) for r in rules]
    listings: dict[tuple[str, int], Listing] = {}
    for r in rows:
        role, pos, code, title, english = r["role"], r["pos"], r["code"], r["title"], r["english"]
        if not isinstance(role, ox.NamedNode) or not isinstance(pos, ox.Literal):
            continue  # the query binds both: never
        key = (role.value, int(pos.value))
        if key not in listings:
            printed = title.value if title else ""
            translated = page.lang.code == "en" and english is not None
            listings[key] = Listing(
                key[1],
                page.code_link(code.value if code is not None else "", r["unit"]),
                english.value if translated and english is not None else printed,
                printed=printed if translated else "",
            )
        preq = r["preqCode"]
        if preq is not None:
            listings[key].prerequisites.append(page.code_link(preq.value, r["preqUnit"]))
    tables = [
        {"heading": heading, "listings": [row for (role, _), row in listings.items() if role == f"{K}{role_name}"]}
        for role_name, heading in (("Core", t("Core units", "Kompetensi inti")), ("Elective", t("Elective units", "Kompetensi pilihan")))
    ]
    return {
        "levels": _levels(store, iri, page),
        "rules": shown_rules,
        "tables": tables,
        "work_attitudes": _items(store, iri, "hasWorkAttitude", f"<{K}printedAspectName>", page, f"<{K}aspect>/<{RDFS.label}>"),
        "general_attitudes": _items(store, iri, "hasGeneralAttitude", f"<{K}itemMarker>", page),
        "job_roles": _items(store, iri, "hasJobRole", f"<{K}itemMarker>", page),
    }


def _levels(store: QueryableStore, iri: str, page: Page) -> list[Shown]:
    """The qualification's KKNI level and the levels of other frameworks it is mapped to, each with its mapping's status."""
    rows = _sel(
        store,
        f"""SELECT ?level ?o ?m ?status WHERE {{ <{iri}> <{K}level> ?level .
        OPTIONAL {{ ?m <{K}mappingSubject> ?level ; <{K}mappingObject> ?o ; <{K}mappingStatus> ?status }} }} ORDER BY ?o""",
    )
    _load_terms(store, {v.value for r in rows for v in (r["level"], r["o"]) if isinstance(v, ox.NamedNode)}, page)
    shown: list[Shown] = []
    for r in rows:
        if not shown:
            shown.append(page.show(r["level"]))
        if r["o"] is not None:
            proposed = r["status"].value == f"{K}Proposed"
            note = Shown(
                page.lang.t("proposed", "diusulkan") if proposed else page.lang.t("official", "resmi"),
                page.href(r["m"].value),
                r["m"].value,
                tag="proposed" if proposed else "official",
            )
            shown.append(Shown(page.label(r["o"].value), page.href(r["o"].value), r["o"].value, note=note))
    return shown


def _packaging_rule(r: ox.QuerySolution, lang: Lang) -> dict[str, str]:
    """A packaging rule as printed, and (in English) the same rule said in English from its numbers."""
    names = (("all", lang.t("units", "unit")), ("core", lang.t("core", "inti")), ("elective", lang.t("elective", "pilihan")))
    counts = ", ".join(f"{name}: {r[v].value}" for v, name in names if r[v] is not None)
    text = r["text"]
    english = ""
    if lang.code == "en" and r["all"] is not None:
        parts = [
            f"{r[v].value} {name} unit{'s' if r[v].value != '1' else ''}"
            for v, name in (("core", "core"), ("elective", "elective"))
            if r[v] is not None
        ]
        english = f"{r['all'].value} competency units to be completed" + (f": {' and '.join(parts)}." if parts else ".")
    return {"text": text.value if text is not None else "", "counts": counts, "english": english}


def _items(store: QueryableStore, iri: str, prop: str, head: str, page: Page, english_head: str = "") -> list[Item]:
    """A qualification's printed list (attitudes, job titles) in printed order, with each item's text; in English,
    the item's English label (a job title's) and the English name of its heading (a work attitude's aspect)
    where the graph has them, the printed Indonesian beside."""
    en_head = f'OPTIONAL {{ ?x {english_head} ?enHead FILTER (langMatches(lang(?enHead), "en")) }}' if english_head else ""
    rows = _sel(
        store,
        f"""SELECT ?x ?head ?text ?pos ?en ?enHead WHERE {{ <{iri}> <{K}{prop}> ?x .
        OPTIONAL {{ ?x {head} ?head }} OPTIONAL {{ ?x <{K}position> ?pos }}
        OPTIONAL {{ ?x <{K}text>|<{K}printedTitle> ?text }}
        OPTIONAL {{ ?x <{RDFS.label}> ?en FILTER (langMatches(lang(?en), "en")) }} {en_head} }}""",
    )
    items = {}
    english = page.lang.code == "en"
    for r in rows:
        x = r["x"].value
        if x in items:
            continue
        pos, text, en, en_head_ = r["pos"], r["text"], r["en"], r["enHead"]
        printed = text.value if text is not None else page.label(x)
        head_printed = r["head"].value if r["head"] is not None else ""
        translated = english and en is not None
        items[x] = (
            int(pos.value) if isinstance(pos, ox.Literal) and pos.value.isdigit() else 0,
            Item(
                en_head_.value if english and en_head_ is not None else head_printed,
                en.value if translated and en is not None else printed,
                page.href(x),
                "en" if translated else "id",
                printed if translated else "",
                head_printed if english and en_head_ is not None else "",
            ),
        )
    return [item for _, item in sorted(items.values(), key=lambda pi: (pi[0], pi[1].href))]


@dataclass(frozen=True)
class ShownFinding:
    """A finding as the pages list it."""

    finding: Finding
    href: str
    message: str  # in the page's language
    qualification: Shown | None
    focus: Shown | None
    unit: Shown | None
    row: Shown | None = None  # the row of the unit table (or the printed prerequisite) at the finding's line


def _short(iri: str, page: Page) -> str:
    """A data IRI as its path under the base (``qualification/…/core/3``), another IRI as a prefixed name."""
    for root in (page.base, DEFAULT_BASE):
        if iri.startswith(root):
            return iri[len(root) :]
    return term_text(ox.NamedNode(iri), page.prefixes)


def _row_text(row: str, qualification: str, page: Page) -> str:
    """``elective 3`` (``elective 3, prerequisite 1``) for a row of ``qualification``'s table."""
    local = row[len(qualification) + 1 :] if row.startswith(qualification + "/") else _short(row, page)
    words = {
        "core": page.lang.t("core", "inti"),
        "elective": page.lang.t("elective", "pilihan"),
        "prerequisite": page.lang.t("prerequisite", "prasyarat"),
    }
    parts = local.split("/")
    return ", ".join(f"{words.get(a, a)} {b}" for a, b in zip(parts[::2], parts[1::2], strict=False)) or local


def show_findings(findings: list[Finding], page: Page) -> list[ShownFinding]:
    out = []
    for f in findings:
        unit = Shown(f.unit, page.href(f"{page.base}unit/{f.unit}")) if f.unit else None
        out.append(
            ShownFinding(
                f,
                page.href(f.iri),
                page.lang.pick(f.message),
                Shown(f.qualification_id, page.href(f.qualification), f.qualification) if f.qualification else None,
                Shown(_short(f.focus, page), page.href(f.focus), f.focus) if f.focus and "://" in f.focus else None,
                unit,
                Shown(_row_text(f.row, f.qualification or "", page), page.href(f.row), f.row) if f.row else None,
            )
        )
    return out


def _triples_of(store: QueryableStore, iri: str, kind: str) -> tuple[list[ox.QuerySolution], list[ox.QuerySolution]]:
    """What a page lists: (?p ?o) out of the resource (for a graph: each predicate and its count), (?s ?p) into it."""
    node = _iri(ox.NamedNode(iri))
    if kind == "graph":
        out = _sel(store, f"SELECT ?p (COUNT(*) AS ?o) WHERE {{ GRAPH {node} {{ ?s ?p ?x }} }} GROUP BY ?p ORDER BY DESC(?o)")
        return out, []
    out = _sel(store, f"SELECT ?p ?o WHERE {{ {node} ?p ?o }}")
    return out, _sel(store, f"SELECT ?s ?p WHERE {{ ?s ?p {node} }} ORDER BY ?p ?s LIMIT {MAX_INCOMING + 1}")


def _with_status(shown: Shown, statuses: dict[tuple[str, str, str], Shown], key: tuple[str, str, str]) -> Shown:
    """A term with its mapping's status where the triple ``key`` is a SKOS mapping of a kkni:LevelMapping."""
    note = statuses.get(key) if key[1] in MAPPINGS else None
    return Shown(shown.text, shown.href, shown.title, note=note) if note else shown


def _properties(
    out: list[ox.QuerySolution], iri: str, page: Page, skip: set[str], statuses: dict[tuple[str, str, str], Shown]
) -> list[tuple[Shown, Shown]]:
    """The property list: every (predicate, value) but the types and ``skip``, in printed and natural order."""
    rows = [r for r in out if r["p"] != _TYPE and _value(r["p"]) not in skip]
    rows.sort(key=lambda r: (_value(r["p"]), page.order(r["o"])))
    return [(page.show(r["p"]), _with_status(page.show(r["o"]), statuses, (iri, _value(r["p"]), _value(r["o"])))) for r in rows]


def _incoming(
    rows: list[ox.QuerySolution], iri: str, page: Page, skip: set[str], statuses: dict[tuple[str, str, str], Shown]
) -> list[tuple[Shown, Shown]]:
    """What refers to the resource, but through ``skip``: in printed and natural order."""
    rows = sorted((r for r in rows if _value(r["p"]) not in skip), key=lambda r: (_value(r["p"]), page.order(r["s"])))
    return [
        (_with_status(page.show(r["s"]), statuses, (_value(r["s"]), _value(r["p"]), iri)), page.show(r["p"])) for r in rows[:MAX_INCOMING]
    ]


def _value(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else ""


def _findings_parts(store: QueryableStore, iri: str, kind: str, type_iris: set[str], page: Page) -> dict[str, object]:
    """The findings a page shows: a qualification's, a result's own, or a report graph's summary."""
    parts: dict[str, object] = {"findings": [], "finding": None, "summary": None}
    if f"{K}Qualification" in type_iris:
        parts["findings"] = show_findings(load_findings(store, qualification=iri), page)
    if f"{SH}ValidationResult" in type_iris:
        found = show_findings(load_findings(store, result=iri), page)
        parts["finding"] = found[0] if found else None
    if kind == "graph" and "/graph/findings/" in iri:
        every = [f for f in load_findings(store) if f.graph == iri]
        parts["summary"] = {"counts": counts(every), "rules": by_rule(every)}
    return parts


def resource_page(served: ServedStore, iri: str, kind: str, lang: Lang | None = None, here: str = "") -> str:
    """The HTML page of ``iri`` in ``lang``: its labels, its properties, what links to it."""
    lang = lang or Lang()
    store = served.store
    page = Page(served.base, lang, served.prefixes)
    out, incoming = _triples_of(store, iri, kind)
    mentioned = {iri} | {t.value for row in [*out, *incoming] for v in ("p", "o", "s") if isinstance(t := row[v], ox.NamedNode)}
    _load_terms(store, mentioned, page)
    labels = page.labels.get(iri, {})
    types = sorted((row["o"] for row in out if row["p"] == _TYPE), key=page.order)
    type_iris = {t.value for t in types if isinstance(t, ox.NamedNode)}
    is_qualification = f"{K}Qualification" in type_iris
    statuses = _mapping_statuses(store, iri, page) if kind != "graph" else {}
    if kind == "graph":
        properties = [(page.show(r["p"]), Shown(_value(r["o"]))) for r in out]  # predicate, number of triples
    else:  # a qualification's rows, attitudes and job titles are shown in its own sections
        properties = _properties(out, iri, page, _QUALIFICATION_SECTIONS if is_qualification else set(), statuses)
    return render(
        "resource.html",
        lang,
        here,
        title=lang.pick(labels) if labels else term_text(ox.NamedNode(iri), page.prefixes),
        alternative=labels.get(lang.other) if labels.get(lang.code) and labels.get(lang.other) else None,
        alternative_lang=lang.other,
        iri=iri,
        types=[page.show(t) for t in types],
        graph=kind == "graph",
        qualification=_qualification(store, iri, page) if is_qualification else None,
        picture=pictures.prerequisite_picture(served, iri, lang, page.href) if is_qualification else None,
        properties=properties,
        incoming=_incoming(incoming, iri, page, {f"{K}qualification"} if is_qualification else set(), statuses),
        more_incoming=MAX_INCOMING if len(incoming) > MAX_INCOMING else None,
        **_findings_parts(store, iri, kind, type_iris, page),
    )


def not_found_page(path: str, lang: Lang | None = None, suggestions: list[str] | None = None) -> str:
    """The 404 page of ``path``, offering the nearest known paths (``indexes.nearest``)."""
    lang = lang or Lang()
    return render(
        "not_found.html", lang, "/" + path, title=lang.t("Not found", "Tidak ditemukan"), path=path, suggestions=suggestions or []
    )


def ontology_page(html: str, lang: Lang) -> str:
    """pyLODE's page of the ontology (in ``lang``) with a bar linking home and to the other language."""
    other = lang.other
    bar = (
        f'<p class="kkni-bar" style="position:fixed;top:0;right:0;margin:0;padding:.3em .8em;background:#12355b;z-index:9">'
        f'<a style="color:#fff" href="{lang.href("/")}">KKNI</a> · '
        f'<a style="color:#fff" href="{with_param("/ontology", "lang", other)}" hreflang="{other}" lang="{other}">{NAMES[other]}</a></p>'
    )
    return re.sub(r"(<body[^>]*>)", lambda m: m[1] + bar, html, count=1)
