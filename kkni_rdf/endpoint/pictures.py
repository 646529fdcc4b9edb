"""The pages' pictures, written in Graphviz's DOT language here and drawn as SVG in the browser by Viz.js
(Graphviz compiled to WebAssembly, served from this server: ``assets.VIZ``; ``static/pictures.js``).

- A qualification's prerequisite graph: every unit its table lists, core units filled, electives
  outlined; an arrow from a prerequisite to the unit that requires it, so that a chain reads left
  to right. A prerequisite printed in another version of a listed unit points from that unit
  (dashed, "printed as …"); one the table does not list at all is its own dotted node. Units with
  no prerequisite and required by none are packed in rows beneath.
- The qualifications by group and level, with each level's proposed EQF, AQF and AQRF levels: a table
  drawn by Graphviz, each qualification linked to its page.

Each node links to the local page and carries a ``class`` (``core``, ``elective``, ``unlisted``),
which Graphviz writes into the SVG: the browser tests find the drawing's parts by it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import pyoxigraph as ox

from kkni_rdf.endpoint.i18n import Lang
from kkni_rdf.endpoint.served import ServedStore
from kkni_rdf.namespaces import KKNI, RDFS
from kkni_rdf.store.protocol import select

K = str(KKNI)
_ROW = 4  # units without any prerequisite link, per row


@dataclass(frozen=True)
class Picture:
    """A DOT text to draw, its accessible description, and its legend."""

    name: str  # the element id of the drawing
    dot: str
    description: str
    legend: list[tuple[str, str]]  # (class, text)


def _q(text: str) -> str:
    """A DOT string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _family(code: str) -> str:
    """``N.78SPS01.001`` for ``N.78SPS01.001.2``: the unit without its version."""
    return code.rsplit(".", 1)[0] if code.count(".") >= 3 else code


def prerequisite_picture(served: ServedStore, iri: str, lang: Lang, href: Callable[[str], str]) -> Picture:
    """The prerequisite graph of the qualification ``iri`` (``href``: an IRI's local link)."""
    rows = list(
        select(
            served.store,
            f"""SELECT ?role ?pos ?code ?unit ?title ?en ?preq ?preqUnit WHERE {{
            <{iri}> <{K}hasListing> ?l . ?l <{K}role> ?role ; <{K}position> ?pos ; <{K}printedCode> ?code .
            OPTIONAL {{ ?l <{K}unit> ?unit OPTIONAL {{ ?unit <{RDFS.label}> ?en FILTER (langMatches(lang(?en), "en")) }} }}
            OPTIONAL {{ ?l <{K}printedTitle> ?title }}
            OPTIONAL {{ ?l <{K}hasPrerequisite> ?p . ?p <{K}requiredUnitCode> ?preq OPTIONAL {{ ?p <{K}requiredUnit> ?preqUnit }} }}
            }} ORDER BY ?role ?pos""",
        )
    )
    units: dict[str, tuple[str, str, str]] = {}  # code -> (role, title, href)
    needs: list[tuple[str, str, str]] = []  # (prerequisite code, unit code, prerequisite's href)
    for r in rows:
        code = r["code"].value
        role = "core" if r["role"].value == f"{K}Core" else "elective"
        title = r["en"].value if lang.code == "en" and r["en"] is not None else (r["title"].value if r["title"] is not None else "")
        unit = r["unit"]
        units.setdefault(code, (role, title, href(unit.value) if isinstance(unit, ox.NamedNode) else ""))
        if r["preq"] is not None:
            preq_unit = r["preqUnit"]
            needs.append((r["preq"].value, code, href(preq_unit.value) if isinstance(preq_unit, ox.NamedNode) else ""))
    return Picture("prerequisites", _prerequisite_dot(units, needs, lang), _prerequisite_description(units, needs, lang), _legend(lang))


def _legend(lang: Lang) -> list[tuple[str, str]]:
    return [
        ("core", lang.t("core unit", "unit inti")),
        ("elective", lang.t("elective unit", "unit pilihan")),
        ("unlisted", lang.t("prerequisite not in the table", "persyaratan yang tidak ada di tabel")),
        ("arrow", lang.t("A → B: A is a prerequisite of B", "A → B: A persyaratan kompetensi B")),
    ]


def _node(code: str, role: str, title: str, href: str) -> str:
    style = 'style="filled,bold" fillcolor="#12355b" fontcolor="white"' if role == "core" else 'style="filled,dashed" fillcolor="white"'
    label = f"<<B>{escape(code)}</B>" + (f'<BR/><FONT POINT-SIZE="9">{escape(title[:60])}</FONT>' if title else "") + ">"
    url = f" URL={_q(href)} target=_top" if href else ""
    return f"  {_q(code)} [id={_q('unit-' + code)} class={_q(role)} shape=box {style} label={label} tooltip={_q(title or code)}{url}];"


def _prerequisite_dot(units: dict[str, tuple[str, str, str]], needs: list[tuple[str, str, str]], lang: Lang) -> str:
    families = {_family(c): c for c in units}
    lines = [
        "digraph prerequisites {",
        '  graph [rankdir=LR bgcolor="transparent" nodesep=0.15 ranksep=0.5];',
        '  node [fontname="Arial" fontsize=11];',
    ]
    lines += [_node(code, *units[code]) for code in units]
    linked: set[str] = set()
    for preq, code, href in needs:
        linked |= {preq, code}
        if preq in units:
            lines.append(f"  {_q(preq)} -> {_q(code)};")
        elif _family(preq) in families:
            listed = families[_family(preq)]
            linked.add(listed)
            lines.append(f"  {_q(listed)} -> {_q(code)} [style=dashed tooltip={_q(lang.t('printed as ', 'tercetak ') + preq)}];")
        else:
            url = f" URL={_q(href)} target=_top" if href else ""
            lines.append(f'  {_q(preq)} [id={_q("unit-" + preq)} class="unlisted" shape=box style="dotted" fontcolor="#8a2d1d"{url}];')
            lines.append(f"  {_q(preq)} -> {_q(code)};")
    alone = [c for c in units if c not in linked]
    for start in range(0, len(alone), _ROW):  # rows of units without a link: invisible edges keep each row together
        row = alone[start : start + _ROW]
        if len(row) > 1:
            lines.append("  " + " -> ".join(_q(c) for c in row) + " [style=invis];")
    lines.append("}")
    return "\n".join(lines)


def _prerequisite_description(units: dict[str, tuple[str, str, str]], needs: list[tuple[str, str, str]], lang: Lang) -> str:
    core = sum(1 for role, _, _ in units.values() if role == "core")
    return lang.t(
        f"{len(units)} units ({core} core, {len(units) - core} elective) and {len(needs)} printed prerequisites.",
        f"{len(units)} unit ({core} inti, {len(units) - core} pilihan) dan {len(needs)} persyaratan kompetensi tercetak.",
    )


#: the frameworks whose levels the chart shows beside KKNI's (crosswalks/*.ttl; the IRI of each level has /eqf/ …)
FRAMEWORKS = ("EQF", "AQF", "AQRF")


def chart_picture(served: ServedStore, lang: Lang, href: Callable[[str], str]) -> Picture:
    """The qualifications by group (columns) and level (rows), with each level's proposed EQF, AQF and AQRF levels."""
    label = f'OPTIONAL {{ ?g <{RDFS.label}> ?gl FILTER (langMatches(lang(?gl), "{lang.code}")) }}'
    rows = list(
        select(
            served.store,
            f"""SELECT ?q ?g ?gl ?n WHERE {{ ?q a <{K}Qualification> ; <{K}group> ?g ; <{K}level>/<{K}levelNumber> ?n . {label} }}""",
        )
    )
    mapped = list(
        select(
            served.store,
            f"""SELECT ?n ?o ?status WHERE {{ ?m a <{K}LevelMapping> ; <{K}mappingSubject>/<{K}levelNumber> ?n ;
            <{K}mappingObject> ?o ; <{K}mappingStatus> ?status }}""",
        )
    )
    groups = sorted(
        {(r["g"].value, r["gl"].value if r["gl"] is not None else r["g"].value.rsplit("/", 1)[-1]) for r in rows}, key=lambda g: g[1]
    )
    cells: dict[tuple[str, int], str] = {(r["g"].value, int(r["n"].value)): r["q"].value for r in rows}
    frameworks: dict[int, dict[str, list[str]]] = {}  # KKNI level → framework → its levels (AQF: KKNI 5 spans two)
    for r in sorted(mapped, key=lambda r: r["o"].value):
        name = next((f for f in FRAMEWORKS if f"/{f.lower()}/" in r["o"].value), "")
        if name:
            star = "*" if r["status"].value == f"{K}Proposed" else ""
            frameworks.setdefault(int(r["n"].value), {}).setdefault(name, []).append(r["o"].value.rstrip("/").rsplit("/", 1)[-1] + star)
    levels = sorted({n for _, n in cells} | set(frameworks), reverse=True)
    head = "".join(f'<TD BGCOLOR="#e8eef5"><B>{escape(name)}</B></TD>' for _, name in groups)
    table = [
        f'<TR><TD BGCOLOR="#e8eef5"><B>{escape(lang.t("KKNI level", "Jenjang KKNI"))}</B></TD>'
        + "".join(f'<TD BGCOLOR="#e8eef5"><B>{f}</B></TD>' for f in FRAMEWORKS)
        + f"{head}</TR>"
    ]
    for n in levels:
        fw = frameworks.get(n, {})
        row = f'<TR><TD HREF={_q(href(served.base + f"level/{n}"))} TARGET="_top" TOOLTIP={_q(lang.t("KKNI level ", "Jenjang KKNI ") + str(n))}><B>{n}</B></TD>'
        row += "".join(f"<TD>{' / '.join(fw.get(f, ['—']))}</TD>" for f in FRAMEWORKS)
        for g, name in groups:
            q = cells.get((g, n))
            if q:
                short = q.rsplit("/", 1)[-1].split("-", 1)[0]  # the codification code: the row and column say the rest
                row += f'<TD BGCOLOR="#12355b" HREF={_q(href(q))} TARGET="_top" TOOLTIP={_q(f"{name} {n}")}><FONT COLOR="white">{escape(short)}</FONT></TD>'
            else:
                row += "<TD> </TD>"
        table.append(row + "</TR>")
    dot = (
        "digraph chart {\n"
        '  graph [bgcolor="transparent"];\n'
        '  node [shape=plaintext fontname="Arial" fontsize=11];\n'
        f'  chart [id="chart-table" class="chart" label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="5">{"".join(table)}</TABLE>>];\n'
        "}"
    )
    description = (
        lang.t(
            f"{len(cells)} qualifications in {len(groups)} groups at levels {min(n for _, n in cells)}–{max(n for _, n in cells)}.",
            f"{len(cells)} kualifikasi dalam {len(groups)} kelompok pada jenjang {min(n for _, n in cells)}–{max(n for _, n in cells)}.",
        )
        if cells
        else ""
    )
    legend = [
        (
            "proposed",
            lang.t(
                "* proposed by the kkni-rdf project, not an official referencing", "* diusulkan proyek kkni-rdf, bukan penyetaraan resmi"
            ),
        )
    ]
    return Picture("chart", dot, description, legend)
