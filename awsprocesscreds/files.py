"""Replacing a file atomically: readers see the old content or the new, never half."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


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
