"""kkni-rdf: the reference linked-data edition of Indonesia's KKNI qualification decrees."""

__version__ = "0.1.0"
