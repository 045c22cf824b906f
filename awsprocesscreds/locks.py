"""Per-key login locks: OS file locks (``flock``) on small files in the cache directory.

The kernel releases a lock when its holder dies, so a killed run never blocks later
ones. Lock files must not pile up, yet removing one is racy: a run waiting on the
file would, once it gets the lock, hold the lock of an unlinked file while a newcomer
locks a fresh file at the same path, and both would log in. So a lock file is only
ever removed by a run that holds it (``Held.remove``, ``remove_if_free``), and every
run checks, once it has the lock, that the path still names the file it locked;
when it does not, it locks the new file instead.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from awsprocesscreds.errors import CacheLockTimeout

#: How often a waiting run tries the lock again.
POLL_SECONDS = 0.05
_FLAGS = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK


class Held(NamedTuple):
    """A lock this run holds: ``contended`` when it had to wait for another run."""

    path: Path
    fd: int
    contended: bool

    def remove(self) -> None:
        """Remove the lock file while still holding it (see the module docstring)."""
        if names_same_file(self.fd, self.path):
            with contextlib.suppress(OSError):
                os.unlink(self.path)


@contextlib.contextmanager
def hold(
    path: Path,
    timeout: float,
    description: str,
    on_wait: Callable[[], object] | None = None,
) -> Iterator[Held]:
    """Hold the exclusive lock of ``path`` (created 0600 when missing) for the block;
    ``on_wait`` is called once if another run holds it first. Raises CacheLockTimeout,
    naming ``description``, after ``timeout`` seconds of waiting, and OSError when the
    file cannot be opened (an unwritable directory, or not a regular file of ours)."""
    deadline = time.monotonic() + timeout
    contended = False
    while True:
        fd = os.open(path, _FLAGS, 0o600)
        try:
            _check_regular(fd, path)
            while not _try_lock(fd):
                if not contended and on_wait is not None:
                    on_wait()
                contended = True
                if time.monotonic() >= deadline:
                    raise CacheLockTimeout(
                        f"{description} has been running for over {timeout:.0f} s; "
                        "finish or stop it, then try again"
                    )
                time.sleep(POLL_SECONDS)
        except BaseException:
            os.close(fd)
            raise
        if names_same_file(fd, path):
            break
        # The holder removed the file while we waited: lock the one at the path now.
        # Bounded: each round needs another run to create and remove a file, and the
        # deadline still applies.
        os.close(fd)
        contended = True
        if time.monotonic() >= deadline:
            raise CacheLockTimeout(f"{description} kept the lock for over {timeout:.0f} s")
    try:
        yield Held(path, fd, contended)
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def remove_if_free(path: Path) -> bool:
    """Remove the lock file at ``path`` unless a run holds it (or waits for nothing:
    a non-blocking try). True when it was removed."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        if not _try_lock(fd) or not names_same_file(fd, path):
            return False
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def names_same_file(fd: int, path: Path) -> bool:
    """True when ``path`` (not following a link) is the file open as ``fd``."""
    try:
        opened, named = os.fstat(fd), os.lstat(path)
    except OSError:
        return False
    return (opened.st_dev, opened.st_ino) == (named.st_dev, named.st_ino)


def _check_regular(fd: int, path: Path) -> None:
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode) or status.st_uid != os.getuid():
        raise OSError(errno.EPERM, "not a regular file of ours", str(path))


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
