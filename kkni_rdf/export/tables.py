"""Spreadsheet tables (``--to csv``): the contract queries of ``queries/``, one CSV each."""

from __future__ import annotations

import csv
import io

from kkni_rdf.resources import resource
from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.protocol import select

#: The CSV tables: file name -> the query in queries/ that makes it.
CSV_TABLES = {
    "qualifications.csv": "qualifications.rq",
    "unit-listings.csv": "unit-listings.rq",
    "prerequisites.csv": "prerequisites.rq",
    "job-roles.csv": "job-roles-by-level.rq",
}


def csv_tables(store: KkniStore) -> dict[str, str]:
    """The CSV tables, file name -> text, each made by a query of queries/ (its header names the columns)."""
    tables: dict[str, str] = {}
    for name, query in CSV_TABLES.items():
        result = select(store, (resource("queries") / query).read_text(encoding="utf-8"))
        names = [v.value for v in result.variables]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(names)
        for solution in result:
            writer.writerow(["" if solution[n] is None else solution[n].value for n in names])
        tables[name] = buffer.getvalue()
    return tables


__all__ = ["CSV_TABLES", "csv_tables"]
