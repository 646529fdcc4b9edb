"""The public SPARQL endpoint's parts; ``kkni_rdf.endpoint.app`` wires them into a FastAPI app.

- ``app``: the app and its routes (thin: they read the request and call the service).
- ``service``: ``Endpoint``, the service's state and typed, blocking methods; ``EndpointConfig``.
- ``protocol``: reading SPARQL 1.1 Protocol requests (GET, POST, dataset parameters) and content negotiation.
- ``errors``: ``Outcome`` (a finished answer) and every bilingual JSON error answer.
- ``guard``: the safety check run before a query reaches the engine (no SERVICE, no unknown graphs, no updates).
- ``execute``: one query, checked, evaluated and serialised once under caps (runs inside a worker process).
- ``pool``: the worker processes that give every query a deadline that holds for CPU-bound evaluation.
- ``served``: the store, opened once, with its prefixes and named graphs.
- ``cache``: a bounded LRU of finished answers (the data is immutable).
- ``describe``: the service description, VoID and the whole-graph downloads.
- ``named``: the named queries in ``queries/``, their header comments and parameters.
- ``pages``: the linked-data pages (HTML from the Jinja2 templates in ``templates/``).
- ``indexes``: the index pages (``/qualification``, ``/unit``, ``/level``, ``/job-title``) and a 404's nearest IRIs.
- ``pictures``: the pictures (prerequisite graphs, the qualifications chart) as DOT, drawn by Viz.js in the browser.
- ``web``: the routes for people: pages where machines get RDF, the index pages, a query opened in a browser, ``/docs``,
  ``/findings``, ``/check``, named queries' parameters.
- ``findings``: the validation findings as the store serves them; ``check``: ``POST /check`` over ``kkni_rdf.checks``.
- ``i18n``: the pages' language (id or en); ``caching``: HEAD, ETag and Last-Modified, 304s.
- ``assets``: YASGUI, Swagger UI and Viz.js, fetched from the npm registry at set-up and verified, served from here.
"""
