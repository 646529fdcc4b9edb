"""The index pages (``/qualification``, ``/unit``, ``/level``, ``/job-title``) and the IRIs nearest a mistyped one.

An index lists every resource of one kind, grouped: the qualifications by group, the units by
their competency standard (its KBLI sector), the levels with their proposed EQF and AQRF levels
and the qualifications at each, the job titles by level. A browser gets a page (in one language,
``i18n``); a machine the same list as RDF: a ``skos:Collection`` at the index's IRI (``base`` + its
path) whose ``skos:member`` are the resources, each with its type and labels, and where the IRI
is already a resource of the graph (``level``: the concept scheme of the levels), its own
description too.

A path no resource has gets a 404 that offers the nearest known paths (``nearest``): the whole
path and its last segment (a unit code, a qualification's id) are compared with the known
resources' (difflib's ratio), case and dots aside, so that ``unit/N78SPS02.016.1`` finds
``unit/N.78SPS02.016.1``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
from rapidfuzz import fuzz, process

from kkni_rdf.endpoint import pictures
from kkni_rdf.endpoint.i18n import Lang
from kkni_rdf.endpoint.pages import Page, Shown, natural_key, render, resolve_path
from kkni_rdf.endpoint.served import ServedStore
from kkni_rdf.namespaces import DEFAULT_BASE, KKNI, RDF, RDFS, SKOS
from kkni_rdf.store.protocol import select

K = str(KKNI)
#: The kinds of resource a 404 may offer (rows of tables, attitudes, report results are reached from their pages).
_OFFERED = ("Qualification", "Unit", "UnitFamily", "Level", "JobRole", "Group", "CompetencyStandard", "LegalAct", "WorkAttitudeAspect")


@dataclass(frozen=True)
class Entry:
    """A row of an index: the resource, its code, and what else the index says of it."""

    link: Shown
    code: str = ""
    details: list[Shown] = field(default_factory=list)
    printed: str = ""  # the printed Indonesian beside an English label


@dataclass(frozen=True)
class Group:
    heading: Shown
    entries: list[Entry]


@dataclass(frozen=True)
class Index:
    """One index: its path, its names, the class of its members, and how its groups are read from the store."""

    path: str
    title_en: str
    title_id: str
    member_class: str
    groups: Callable[[ServedStore, Page], list[Group]]
    of_groups: bool = False  # the members are the groups' headings (the levels), not their entries

    def title(self, lang: Lang) -> str:
        return lang.t(self.title_en, self.title_id)


def _rows(served: ServedStore, query: str) -> list[ox.QuerySolution]:
    return list(select(served.store, query))


def _pick(r: ox.QuerySolution, var: str) -> str:
    term = r[var]
    return term.value if term is not None else ""


def _label(r: ox.QuerySolution, page: Page, en: str = "en", id_: str = "id") -> tuple[str, str]:
    """The label in the page's language and, in English, the printed Indonesian beside it (else "")."""
    english, indonesian = _pick(r, en), _pick(r, id_)
    if page.lang.code == "en" and english:
        return english, indonesian
    return indonesian or english, ""


def _labels(var: str, node: str) -> str:
    return (
        f'OPTIONAL {{ {node} <{RDFS.label}> ?{var}En FILTER (langMatches(lang(?{var}En), "en")) }} '
        f'OPTIONAL {{ {node} <{RDFS.label}> ?{var}Id FILTER (langMatches(lang(?{var}Id), "id")) }}'
    )


def _mappings(served: ServedStore, page: Page) -> dict[str, list[Shown]]:
    """Each KKNI level's mapped levels in other frameworks (EQF, AQRF), with the mapping's status."""
    rows = _rows(
        served,
        f"""SELECT ?level ?o ?status ?m ?oEn ?oId WHERE {{ ?m a <{K}LevelMapping> ; <{K}mappingSubject> ?level ;
        <{K}mappingObject> ?o ; <{K}mappingStatus> ?status . {_labels("o", "?o")} }} ORDER BY ?o""",
    )
    out: dict[str, list[Shown]] = {}
    for r in rows:
        text, _ = _label(r, page, "oEn", "oId")
        proposed = r["status"].value == f"{K}Proposed"
        status = Shown(
            page.lang.t("proposed", "diusulkan") if proposed else page.lang.t("official", "resmi"),
            page.href(r["m"].value),
            r["m"].value,
            tag="proposed" if proposed else "official",
        )
        out.setdefault(r["level"].value, []).append(Shown(text or r["o"].value, page.href(r["o"].value), r["o"].value, note=status))
    return out


def _qualification_groups(served: ServedStore, page: Page) -> list[Group]:
    rows = _rows(
        served,
        f"""SELECT ?q ?g ?level ?n ?code ?qEn ?qId ?gEn ?gId WHERE {{ ?q a <{K}Qualification> ; <{K}group> ?g ; <{K}level> ?level .
        ?level <{K}levelNumber> ?n . OPTIONAL {{ ?q <{K}codificationCode> ?code }} {_labels("q", "?q")} {_labels("g", "?g")} }}""",
    )
    mappings = _mappings(served, page)
    groups: dict[str, tuple[Shown, list[tuple[int, Entry]]]] = {}
    for r in rows:
        g = r["g"].value
        heading = groups.setdefault(g, (Shown(_label(r, page, "gEn", "gId")[0] or g, page.href(g), g), []))
        text, printed = _label(r, page, "qEn", "qId")
        level = Shown(page.lang.t("level", "jenjang") + " " + r["n"].value, page.href(r["level"].value), r["level"].value)
        q = r["q"].value
        entry = Entry(Shown(text or q, page.href(q), q), q.rsplit("/", 1)[-1], [level, *mappings.get(r["level"].value, [])], printed)
        heading[1].append((int(r["n"].value), entry))
    return [
        Group(heading, [e for _, e in sorted(entries, key=lambda ne: (ne[0], ne[1].code))])
        for heading, entries in sorted(groups.values(), key=lambda h: h[0].text)
    ]


def _unit_groups(served: ServedStore, page: Page) -> list[Group]:
    rows = _rows(
        served,
        f"""SELECT ?u ?code ?std ?stdLabel ?sector ?uEn ?uId (COUNT(DISTINCT ?q) AS ?n) WHERE {{
        ?u a <{K}Unit> ; <{K}code> ?code . OPTIONAL {{ ?u <{K}standard> ?std . OPTIONAL {{ ?std <{RDFS.label}> ?stdLabel }}
          OPTIONAL {{ ?std <{K}kbliDivision>/<{SKOS.prefLabel}> ?sector }} }}
        OPTIONAL {{ ?l <{K}unit> ?u ; <{K}qualification> ?q }} {_labels("u", "?u")}
        }} GROUP BY ?u ?code ?std ?stdLabel ?sector ?uEn ?uId""",
    )
    groups: dict[str, tuple[Shown, list[Entry]]] = {}
    for r in rows:
        std = _pick(r, "std")
        heading = f"{_pick(r, 'stdLabel') or std or page.lang.t('No standard', 'Tanpa standar')}"
        if _pick(r, "sector"):
            heading += f" ({page.lang.t('sector', 'sektor')}: {_pick(r, 'sector')})"
        group = groups.setdefault(std, (Shown(heading, page.href(std) if std else None, std or None), []))
        text, printed = _label(r, page, "uEn", "uId")
        n = int(r["n"].value)
        listed = Shown(page.lang.t(f"in {n} qualification{'s' if n != 1 else ''}", f"di {n} kualifikasi"))
        group[1].append(Entry(Shown(text or r["code"].value, page.href(r["u"].value), r["u"].value), r["code"].value, [listed], printed))
    return [
        Group(heading, sorted(entries, key=lambda e: natural_key(e.code)))
        for heading, entries in sorted(groups.values(), key=lambda h: natural_key(h[0].title or "~"))
    ]


def _level_groups(served: ServedStore, page: Page) -> list[Group]:
    rows = _rows(
        served,
        f"""SELECT ?level ?n ?q ?lEn ?lId ?qEn ?qId WHERE {{ ?level a <{K}Level> ; <{K}levelNumber> ?n .
        OPTIONAL {{ ?q a <{K}Qualification> ; <{K}level> ?level . {_labels("q", "?q")} }} {_labels("l", "?level")} }}""",
    )
    mappings = _mappings(served, page)
    levels: dict[str, tuple[int, Shown, list[Entry]]] = {}
    for r in rows:
        level = r["level"].value
        heading = Shown(_label(r, page, "lEn", "lId")[0] or level, page.href(level), level)
        _, _, entries = levels.setdefault(level, (int(r["n"].value), heading, []))
        if r["q"] is not None:
            text, printed = _label(r, page, "qEn", "qId")
            q = r["q"].value
            entries.append(Entry(Shown(text, page.href(q), q), q.rsplit("/", 1)[-1], [], printed))
    out = []
    for _, (_, heading, entries) in sorted(levels.items(), key=lambda kv: kv[1][0]):
        mapped = Entry(Shown(page.lang.t("Mapped to", "Dipetakan ke")), "", mappings.get(heading.title or "", []))
        out.append(Group(heading, [mapped, *sorted(entries, key=lambda e: e.code)]))
    return out


def _job_title_groups(served: ServedStore, page: Page) -> list[Group]:
    rows = _rows(
        served,
        f"""SELECT ?j ?marker ?q ?level ?n ?jEn ?jId ?printed ?qEn ?qId ?lEn ?lId WHERE {{ ?q <{K}hasJobRole> ?j ; <{K}level> ?level .
        ?level <{K}levelNumber> ?n . OPTIONAL {{ ?j <{K}itemMarker> ?marker }} OPTIONAL {{ ?j <{K}printedTitle> ?printed }}
        {_labels("j", "?j")} {_labels("q", "?q")} {_labels("l", "?level")} }}""",
    )
    levels: dict[str, tuple[int, Shown, list[Entry]]] = {}
    for r in rows:
        level = r["level"].value
        heading = Shown(_label(r, page, "lEn", "lId")[0] or level, page.href(level), level)
        _, _, entries = levels.setdefault(level, (int(r["n"].value), heading, []))
        english, indonesian = _pick(r, "jEn"), _pick(r, "printed") or _pick(r, "jId")
        text, printed = (english, indonesian) if page.lang.code == "en" and english else (indonesian or english, "")
        q = r["q"].value
        qualification = Shown(_label(r, page, "qEn", "qId")[0] or q, page.href(q), q)
        entries.append(
            Entry(
                Shown(text, page.href(r["j"].value), r["j"].value),
                q.rsplit("/", 1)[-1] + " " + _pick(r, "marker"),
                [qualification],
                printed,
            )
        )
    return [
        Group(heading, sorted(entries, key=lambda e: natural_key(e.code)))
        for _, (_, heading, entries) in sorted(levels.items(), key=lambda kv: kv[1][0])
    ]


INDEXES = {
    i.path: i
    for i in (
        Index("qualification", "Qualifications", "Kualifikasi", f"{K}Qualification", _qualification_groups),
        Index("unit", "Units of competency", "Unit kompetensi", f"{K}Unit", _unit_groups),
        Index("level", "KKNI levels", "Jenjang KKNI", f"{K}Level", _level_groups, of_groups=True),
        Index("job-title", "Possible job titles", "Kemungkinan jabatan", f"{K}JobRole", _job_title_groups),
    )
}


def index_page(served: ServedStore, index: Index, lang: Lang, here: str) -> str:
    """The index ``index`` as a page in ``lang`` (the qualifications' with their chart by group and level)."""
    page = Page(served.base, lang, served.prefixes)
    groups = index.groups(served, page)
    picture = pictures.chart_picture(served, lang, page.href) if index.path == "qualification" else None
    return render(
        "index.html",
        lang,
        here,
        title=index.title(lang),
        index=index,
        iri=served.base + index.path,
        groups=groups,
        count=len(groups) if index.of_groups else sum(1 for g in groups for e in g.entries if e.code),
        picture=picture,
        indexes=[(i.path, i.title(lang)) for i in INDEXES.values()],
    )


def index_triples(served: ServedStore, index: Index) -> list[ox.Triple]:
    """The index as RDF: a ``skos:Collection`` of its members with their types and labels (and the IRI's own description)."""
    iri = ox.NamedNode(served.base + index.path)
    rows = _rows(served, f"SELECT ?x ?l WHERE {{ ?x a <{index.member_class}> . OPTIONAL {{ ?x <{RDFS.label}> ?l }} }}")
    triples = [
        ox.Triple(iri, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(SKOS.Collection))),
        ox.Triple(iri, ox.NamedNode(str(RDFS.label)), ox.Literal(index.title_en, language="en")),
        ox.Triple(iri, ox.NamedNode(str(RDFS.label)), ox.Literal(index.title_id, language="id")),
    ]
    for r in rows:
        x = r["x"]
        triples.append(ox.Triple(iri, ox.NamedNode(str(SKOS.member)), x))
        triples.append(ox.Triple(x, ox.NamedNode(str(RDF.type)), ox.NamedNode(index.member_class)))
        if r["l"] is not None:
            triples.append(ox.Triple(x, ox.NamedNode(str(RDFS.label)), r["l"]))
    if resolve_path(served, index.path) is not None:
        triples += list(served.store.query(f"DESCRIBE <{iri.value}>"))  # type: ignore[arg-type]
    return list(dict.fromkeys(triples))


# ----------------------------------------------------------------------------- the nearest IRIs


def known_paths(served: ServedStore) -> Paths:
    """The local paths of the resources a 404 may offer (``_OFFERED``), and the index pages."""
    kinds = " ".join(f"<{K}{k}>" for k in _OFFERED)
    rows = _rows(served, f"SELECT DISTINCT ?x WHERE {{ VALUES ?kind {{ {kinds} }} ?x a ?kind FILTER (isIRI(?x)) }}")
    paths = set(INDEXES)
    for r in rows:
        iri = r["x"].value
        for root in (served.base, DEFAULT_BASE):
            if iri.startswith(root):
                paths.add(iri[len(root) :])
                break
    return Paths(sorted(paths, key=natural_key))


def _plain(text: str) -> str:
    return text.lower().replace(".", "").replace("_", "-").strip("/")


class Paths:
    """Known paths, keyed once for ``nearest`` (by the whole path and by its last segment, case and dots aside)."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = list(paths)
        self.by_plain: dict[str, list[str]] = {}
        self.by_last: dict[str, list[str]] = {}
        for p in self.paths:
            self.by_plain.setdefault(_plain(p), []).append(p)
            self.by_last.setdefault(_plain(p.rsplit("/", 1)[-1]), []).append(p)
        self.plain_keys, self.last_keys = list(self.by_plain), list(self.by_last)


def nearest(paths: Paths | Sequence[str], path: str, n: int = 5) -> list[str]:
    """The known paths nearest ``path``: by the whole path and by its last segment, case and dots aside
    (rapidfuzz's ratio, which is difflib's: a 404 costs a millisecond, not a scan in Python of every path)."""
    known = paths if isinstance(paths, Paths) else Paths(paths)
    wanted = _plain(path)
    found: list[str] = []
    for key, _, _ in process.extract(wanted, known.plain_keys, scorer=fuzz.ratio, limit=n, score_cutoff=60):
        found += known.by_plain[key]
    last = _plain(wanted.rsplit("/", 1)[-1])
    for key, _, _ in process.extract(last, known.last_keys, scorer=fuzz.ratio, limit=n, score_cutoff=70):
        found += known.by_last[key]
    return list(dict.fromkeys(found))[:n]
