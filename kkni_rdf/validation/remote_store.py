"""``kkni validate --store URL``: the packaging-rule (SHACL-SPARQL) checks, run by a SPARQL 1.1 store.

TODO(issue 13, validation): this belongs in ``validation/in_store.py`` (as, say,
``validate_url``); it was moved here out of ``cli.py`` so that the command line stays a thin
layer, and is left small for that move.
"""

from __future__ import annotations

from kkni_rdf.store.auth import store_auth
from kkni_rdf.store.remote import RemoteStore
from kkni_rdf.validation.findings import Report
from kkni_rdf.validation.in_store import validate_in_store


def validate_store(url: str, user: str | None = None, timeout: float = 3600) -> Report:
    """Run the checks as queries to the store at ``url`` (over its named graphs' merge).

    The user name is ``user``, else ``KKNI_STORE_USER``; its password ``KKNI_STORE_PASSWORD``.
    Raises ``store.auth.CredentialsError``, ``store.remote.RemoteError`` or ``store.protocol.QueryError``.
    """
    with RemoteStore(url, timeout=timeout, auth=store_auth(user, url)) as store:
        return validate_in_store(store)


__all__ = ["validate_store"]
