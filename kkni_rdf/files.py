"""Every file the project writes, written whole or not at all.

A file is written to a temporary file in its own folder (``.{name}.{random}.tmp``), flushed and
fsynced, then renamed over the target (``os.replace``, atomic on POSIX) and the folder fsynced.
A full disk, a kill or a crash midway leaves the previous file as it was: a reader sees the old
file or the new one, never a part. On failure the temporary file is removed and ``WriteFailed``
says which file could not be written and why (a full disk: ``DiskFull``); ``kkni`` prints it and
exits 2, the previous file unchanged.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

__all__ = ["DiskFull", "WriteFailed", "atomic_open", "write_bytes", "write_text"]

#: errno values that mean "no room": the disk is full, or the user's quota is spent.
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


class WriteFailed(OSError):
    """A file could not be written; the previous file (if any) is unchanged."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}; the previous file, if any, is unchanged")
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return str(self.args[0])

    def __reduce__(self) -> tuple[type[WriteFailed], tuple[Path, str]]:  # raised in a build's worker process, read in the parent
        return (type(self), (self.path, self.reason))


class DiskFull(WriteFailed):
    """No space left on the device (or the quota is spent) while writing."""


def _failure(path: Path, exc: OSError) -> WriteFailed:
    if isinstance(exc, WriteFailed):
        return exc
    if exc.errno in _NO_SPACE:
        return DiskFull(path, f"the disk is full ({exc.strerror or os.strerror(exc.errno or errno.ENOSPC)})")
    return WriteFailed(path, exc.strerror or str(exc))


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (a crash after it keeps the new name)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # a folder that cannot be opened (some platforms): the rename is still atomic
    try:
        with suppress(OSError):  # some file systems refuse fsync on a folder
            os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_open(path: Path) -> Iterator[IO[bytes]]:
    """A binary file object to write ``path`` through: the target is replaced when the block ends
    without an error, and untouched otherwise (the temporary file removed)."""
    path = Path(path)
    folder = path.parent
    try:
        fd, tmp = _create_beside(path)
    except OSError as exc:
        raise _failure(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        _keep_mode(path, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        with suppress(OSError):
            tmp.unlink()
        raise _failure(path, exc) from exc
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise
    _fsync_folder(folder)


def _create_beside(path: Path) -> tuple[int, Path]:
    """A new temporary file in ``path``'s folder, created with mode 0o666 less the process's umask (as
    a plain ``open`` would make it; the kernel applies the umask: no ``os.umask`` dance, which is not
    safe while other threads create files, as the endpoint's ``/check`` does)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))


def _keep_mode(path: Path, tmp: Path) -> None:
    """The new file gets the old one's permissions (a new file keeps those it was created with)."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return
    os.chmod(tmp, mode)


def write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see the module); returns ``path``."""
    with atomic_open(path) as f:
        f.write(data)
    return path


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` as UTF-8, atomically (see the module); returns ``path``."""
    return write_bytes(path, text.encode("utf-8"))
