"""The public SPARQL endpoint's parts; ``kkni_rdf.endpoint.app`` wires them into a FastAPI app.

- ``formats``: media types and content negotiation.
- ``guard``: the safety check run before a query reaches the engine (no SERVICE, no unknown graphs, no updates).
- ``execute``: one query, checked, evaluated and serialised under caps (runs inside a worker process).
- ``pool``: the worker processes that give every query a deadline that holds for CPU-bound evaluation.
- ``cache``: a bounded LRU of finished responses (the data is immutable).
- ``describe``: the service description, VoID and the whole-graph downloads.
- ``named``: the named queries in ``queries/`` and their header comments.
- ``pages``: the linked-data HTML pages.
"""
