"""Where the project's files are: the repository's top level, or inside the wheel.

``ontology/``, ``data/``, ``shapes/`` and ``queries/`` stay at the repository's top level for
people to read; the wheel carries copies under ``kkni_rdf/_resources/`` so that an installed
``kkni`` works from any directory.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

RESOURCE_DIRS = ("ontology", "data", "shapes", "queries")
_PACKAGE = Path(__file__).resolve().parent


@cache
def resource_root() -> Path:
    """The folder that holds ``ontology/``, ``data/``, ``shapes/`` and ``queries/``."""
    bundled = _PACKAGE / "_resources"
    if (bundled / "ontology").is_dir():
        return bundled
    checkout = _PACKAGE.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(f"kkni-rdf's resources are neither in {bundled} nor in {checkout}")


def resource(name: str) -> Path:
    """The folder of one kind of resource, e.g. ``resource("queries")``."""
    if name not in RESOURCE_DIRS:
        raise ValueError(f"unknown resource folder {name!r}; expected one of {RESOURCE_DIRS}")
    return resource_root() / name


def ontology_files() -> list[Path]:
    return sorted(resource("ontology").glob("*.ttl"))


def shapes_files() -> list[Path]:
    return sorted(resource("shapes").glob("*.ttl"))


def decree_data_files() -> list[Path]:
    """The built decree graphs: ``data/*.ttl`` (one file per decree)."""
    return sorted(resource("data").glob("*.ttl"))


#: Folders under ``data/`` that hold inputs, not graphs to serve.
UNSERVED_DATA_DIRS = ("examples", "source", "curated")


def served_data_files() -> list[tuple[str, Path]]:
    """Every graph file under ``data/`` to serve, with its graph name (its path without suffix)."""
    root = resource("data")
    out = []
    for path in sorted(root.rglob("*.ttl")):
        rel = path.relative_to(root)
        if rel.parts[0] in UNSERVED_DATA_DIRS:
            continue
        out.append((rel.with_suffix("").as_posix(), path))
    return out


def decree_sources() -> list[Path]:
    return sorted((resource("data") / "source").glob("*.txt"))


def curated_file(name: str) -> Path:
    """A curated input of the build: ``data/curated/{name}`` (our translations, the shared concept schemes)."""
    return resource("data") / "curated" / name


def translations_file() -> Path:
    return curated_file("translations-en.csv")


def query_files() -> list[Path]:
    return sorted(resource("queries").glob("*.rq"))
