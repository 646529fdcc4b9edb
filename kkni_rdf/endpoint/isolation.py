"""Query workers that cannot reach any network, enforced by the operating system.

The SPARQL guard (``kkni_rdf.store.guard``) refuses ``SERVICE`` before Oxigraph sees a query, which
is the only way Oxigraph's evaluator opens a connection today. This is the second layer, which does
not depend on reading the query right: a query worker that serves the embedded store moves itself,
at the very start of its process (before it loads the store, while it has one thread), into a new,
empty network namespace. The namespace's only interface, loopback, is down, so every ``connect``
fails (``ENETUNREACH``) whatever the engine tries: no other host, and no service listening on the
machine's own loopback (a database, a cloud metadata proxy, the endpoint itself).

- As root (``CAP_SYS_ADMIN``): ``unshare(CLONE_NEWNET)``.
- Otherwise: ``unshare(CLONE_NEWUSER | CLONE_NEWNET)``, an unprivileged user namespace, where the
  kernel allows them (``kernel.unprivileged_userns_clone``, ``user.max_user_namespaces``, no seccomp
  profile forbidding ``unshare``); the worker's user and group are mapped to themselves, so that it
  keeps its identity for the files it reads.

Python 3.11 has no ``os.unshare``: the C library's ``unshare`` is called through ``ctypes``. What was
achieved is checked afterwards (``network_reachable``), never assumed. A namespace does not close
Unix sockets on the file system, which Oxigraph never opens; a worker run as root keeps root's
capabilities, so code that took the worker over could ``setns`` back (run the server as a user).
"""

from __future__ import annotations

import ctypes
import errno
import os
import socket
import sys
from dataclasses import dataclass

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000

NETWORK_NAMESPACE = "network namespace"
USER_NETWORK_NAMESPACE = "user+network namespace"

#: Addresses a connect must fail to reach: loopback, and (documentation ranges: RFC 5737, RFC 3849)
#: anything beyond it. A UDP ``connect`` only looks the route up: no packet is ever sent.
_PROBES: tuple[tuple[socket.AddressFamily, str], ...] = (
    (socket.AF_INET, "127.0.0.1"),
    (socket.AF_INET6, "::1"),
    (socket.AF_INET, "192.0.2.1"),
    (socket.AF_INET6, "2001:db8::1"),
)


@dataclass(frozen=True)
class Isolation:
    """What ``isolate_network`` achieved: ``kind`` (None: not isolated) and, in words, why or how it was checked."""

    kind: str | None
    reason: str


def network_reachable() -> str | None:
    """The first address this process can still route to (loopback or beyond), or None when every
    connect fails. Sends nothing: a UDP socket's ``connect`` only asks the kernel for a route."""
    for family, address in _PROBES:
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                s.connect((address, 9))
        except OSError:
            continue
        return address
    return None


def _failure(call: str, code: int, denied: str) -> str:
    """Why ``unshare`` failed, in words (``denied``: what EPERM means for this call)."""
    hints = {
        errno.EPERM: denied,
        errno.EINVAL: "the process already runs threads" if len(os.listdir("/proc/self/task")) > 1 else "not supported by this kernel",
        errno.ENOSPC: "the limit of user namespaces is reached (user.max_user_namespaces)",
        errno.EUSERS: "the limit of nested user namespaces is reached",
    }
    hint = hints.get(code)
    return f"{call} failed: {os.strerror(code)}" + (f" ({hint})" if hint else "")


def _map_identity(uid: int, gid: int) -> None:
    """In a new user namespace: stay the same user and group (else the process is ``nobody`` in it).
    Best effort: an unmapped process still reads what its user may read."""
    for path, line in (
        ("/proc/self/setgroups", "deny"),
        ("/proc/self/uid_map", f"{uid} {uid} 1"),
        ("/proc/self/gid_map", f"{gid} {gid} 1"),
    ):
        try:
            with open(path, "w") as f:
                f.write(line)
        except OSError:
            if path != "/proc/self/setgroups":  # (absent before Linux 3.19)
                return


def isolate_network() -> Isolation:
    """Move this process into a new network namespace with no interface up; what was achieved.

    Call it in a fresh process before it starts any thread (a user namespace requires one thread)."""
    if not sys.platform.startswith("linux"):
        return Isolation(None, f"network namespaces are Linux's; this system is {sys.platform}")
    try:
        unshare = ctypes.CDLL(None, use_errno=True).unshare
    except (OSError, AttributeError) as exc:
        return Isolation(None, f"the C library has no unshare(): {exc}")
    unshare.argtypes, unshare.restype = [ctypes.c_int], ctypes.c_int
    uid, gid = os.getuid(), os.getgid()
    if unshare(CLONE_NEWNET) == 0:
        kind = NETWORK_NAMESPACE
    else:
        first = _failure("unshare(CLONE_NEWNET)", ctypes.get_errno(), "needs CAP_SYS_ADMIN")
        if unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
            denied = "unprivileged user namespaces are disabled, or a seccomp profile forbids unshare"
            second = _failure("unshare(CLONE_NEWUSER | CLONE_NEWNET)", ctypes.get_errno(), denied)
            return Isolation(None, f"{first}; {second}")
        kind = USER_NETWORK_NAMESPACE
        _map_identity(uid, gid)
    reachable = network_reachable()
    if reachable is not None:
        return Isolation(None, f"a new {kind} was made, yet {reachable} is still reachable")
    return Isolation(kind, f"a new {kind} with no interface up: no address is reachable")
