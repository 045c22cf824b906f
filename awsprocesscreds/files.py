"""Our private files: replaced atomically (readers see the old content or the new,
never half), and read only when they are regular files we own."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from awsprocesscreds.hotpath import read_own


def write_atomic(path: Path, text: str, mode: int) -> None:
    """Write ``text`` to a temp file beside ``path`` (so ``os.replace`` stays on one
    file system), flush it to disk, give it ``mode``, and move it over ``path``.
    ``text`` is written as given (no newline translation: a CRLF file stays CRLF).
    The temp file is removed on any failure; OSError propagates."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def read_own_text(path: Path, limit: int) -> tuple[str, float] | None:
    """The text (UTF-8) and modification time of ``path`` if it is a regular file we
    own of at most ``limit`` bytes; None otherwise. Never blocks on a FIFO or device
    (see ``hotpath.read_own``)."""
    found = read_own(str(path), limit)
    if found is None or len(found[0]) > limit:
        return None
    data, mtime = found
    try:
        return data.decode("utf-8"), mtime
    except UnicodeDecodeError:
        return None


def remove_stale(directory: Path, is_ours: Callable[[str], object], now: float, age: float) -> int:
    """Remove the regular files in ``directory`` whose names ``is_ours`` accepts and
    that were last written more than ``age`` seconds before ``now``. Returns how many
    were removed; errors are ignored (another run may be cleaning up too)."""
    removed = 0
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            if not is_ours(entry.name):
                continue
            with contextlib.suppress(OSError):
                status = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(status.st_mode) and now - status.st_mtime > age:
                    os.unlink(entry.path)
                    removed += 1
    return removed


def home_directory() -> tuple[Path | None, str]:
    """The person's home directory when our files can live under it, else None and
    why not: HOME unknown, or relative (which would put our files under whatever
    directory the AWS tool happens to run in)."""
    try:
        home = Path.home()
    except RuntimeError:
        return None, "cannot tell your home directory"
    if not home.is_absolute():
        return None, f"HOME is not an absolute path ({home})"
    return home, ""


def ensure_private_directory(directory: Path) -> None:
    """Create ``~/.aws/awsprocesscreds/<directory>`` as needed: ``~/.aws`` private if it
    is missing (it may hold other tools' secrets; an existing one is left alone), and
    our own two levels always private (0700), whatever they were. Raises OSError."""
    directory.parent.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    for ours in (directory.parent, directory):
        ours.mkdir(mode=0o700, exist_ok=True)
        if ours.stat().st_mode & 0o077:
            ours.chmod(0o700)
