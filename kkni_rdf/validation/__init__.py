"""SHACL validation: findings, shapes, the engines (pySHACL in process, SPARQL in a store), reports."""
