"""Credentials for a remote store: a user name, and the password from the environment.

The password is never given on the command line (it would show in the process list and the
shell's history): ``KKNI_STORE_PASSWORD`` holds it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

PASSWORD_VARIABLE = "KKNI_STORE_PASSWORD"
#: The user name for ``kkni validate --store`` (``kkni load`` takes ``--user``).
USER_VARIABLE = "KKNI_STORE_USER"


class CredentialsError(ValueError):
    """A user name was given without its password."""


def store_auth(user: str | None, environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """``(user, password)`` with the password from ``KKNI_STORE_PASSWORD``; ``None`` without a user."""
    if not user:
        return None
    password = (os.environ if environ is None else environ).get(PASSWORD_VARIABLE)
    if password is None:
        raise CredentialsError(f"--user needs the password in the environment variable {PASSWORD_VARIABLE}")
    return (user, password)


__all__ = ["PASSWORD_VARIABLE", "USER_VARIABLE", "CredentialsError", "store_auth"]
