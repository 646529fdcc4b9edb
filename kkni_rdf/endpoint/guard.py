"""The endpoint's name for the one SPARQL guard, ``kkni_rdf.store.guard`` (kept for imports)."""

from kkni_rdf.store.guard import QueryShape, Refused, check_graphs, check_query

__all__ = ["QueryShape", "Refused", "check_graphs", "check_query"]
