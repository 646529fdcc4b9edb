"""Credentials for a remote store: a user name, and the password from the environment.

The password is never given on the command line (it would show in the process list and the
shell's history), nor in the store's address: ``KKNI_STORE_PASSWORD`` holds it. The store is
sent them as HTTP Digest or Basic, whichever it asks for (``store.remote``).
"""

from __future__ import annotations

from kkni_rdf.store.remote import PASSWORD_VARIABLE, USER_VARIABLE, check_url, credentials


class CredentialsError(ValueError):
    """A user name without its password, or a password in a store's address."""


def store_auth(user: str | None, *urls: str | None) -> tuple[str, str] | None:
    """``(user, password)``: ``user``, else ``$KKNI_STORE_USER``, with the password from
    ``$KKNI_STORE_PASSWORD``; ``None`` without a user. ``urls`` (the stores' addresses) must not
    carry a password (``http://user:secret@…`` is refused)."""
    try:
        for url in urls:
            if url:
                check_url(url)
        return credentials(user)
    except ValueError as exc:
        raise CredentialsError(str(exc)) from None


__all__ = ["PASSWORD_VARIABLE", "USER_VARIABLE", "CredentialsError", "store_auth"]
