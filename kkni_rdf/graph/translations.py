"""Our English labels: the curated file ``data/curated/translations-en.csv``.

One row per translated resource: ``kind`` (what the key names), ``key``, the ``indonesian`` it
translates (for the translator; the graph takes the Indonesian from the decree) and the
``english``. The decree is published in Indonesian only: the builder marks every English label
as an unofficial translation, and lists the resources the file has no label for.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

#: The kinds of key in the file: a field, subfield or group slug, a qualification's short id, a
#: unit code, ``{qualification}/{letter}`` for a job title, an aspect's slug, a level's number.
TRANSLATION_KINDS = ("field", "subfield", "group", "qualification", "unit", "job-role", "aspect", "level")


@dataclass
class Translations:
    """Our English labels, by (kind, key)."""

    labels: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Translations:
        """Read the CSV file; rows without an English label are left out."""
        labels = {}
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row["english"].strip():
                    labels[(row["kind"], row["key"])] = row["english"].strip()
        return cls(labels)

    @classmethod
    def load_if_present(cls, path: Path | None) -> Translations:
        """``load(path)``, or no labels when there is no file."""
        return cls.load(path) if path is not None and path.exists() else cls()

    def get(self, kind: str, key: str) -> str | None:
        return self.labels.get((kind, key))


__all__ = ["TRANSLATION_KINDS", "Translations"]
