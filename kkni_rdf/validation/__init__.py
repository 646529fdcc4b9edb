"""SHACL validation of the decree and of users' data.

``findings`` (what a run finds), ``shapes`` (the shapes and their SPARQL checks), ``reader``
(users' RDF files), ``engine`` (pySHACL and the SPARQL checks in process), ``in_store`` (the
SPARQL checks run by any store), ``reports`` (text, JSON, HTML, Turtle; the findings file).
"""
