"""Login locks: exclusive, removable only by their holder, and never a lock of a file
that is no longer at the path (real files and threads; flock is per open file)."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

from awsprocesscreds.errors import CacheLockTimeout
from awsprocesscreds.locks import hold, names_same_file, remove_if_free


def descriptors_on(path: Path) -> int:
    """How many descriptors of this process have the file at ``path`` open."""
    target = path.stat()
    count = 0
    for name in os.listdir("/dev/fd"):
        try:
            opened = os.fstat(int(name))
        except OSError:
            continue
        count += (opened.st_dev, opened.st_ino) == (target.st_dev, target.st_ino)
    return count


def test_lock_is_exclusive_and_private(tmp_path: Path) -> None:
    path = tmp_path / "k.lock"
    with hold(path, 1, "another login") as held:
        assert held.contended is False
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with pytest.raises(CacheLockTimeout, match="another login has been running"):  # noqa: SIM117
            with hold(path, 0.1, "another login"):
                pass  # pragma: no cover
        assert remove_if_free(path) is False
        assert path.exists()
    assert remove_if_free(path) is True
    assert not path.exists()


def test_a_waiter_locks_the_file_at_the_path_not_a_removed_one(tmp_path: Path) -> None:
    """The holder removes the lock file while a waiter has it open: once the waiter
    gets the lock, it must notice and lock the file now at the path. Locking the
    removed file would let a newcomer lock the new one at the same time."""
    path = tmp_path / "k.lock"
    result: dict[str, object] = {}

    def waiter() -> None:
        with hold(path, 20, "the first run") as held:
            result["contended"] = held.contended
            result["same"] = names_same_file(held.fd, path)
            result["newcomer_could_remove"] = remove_if_free(path)

    with hold(path, 1, "test") as first:
        thread = threading.Thread(target=waiter)
        thread.start()
        for _ in range(2000):  # until the waiter has the file open (bounded)
            if descriptors_on(path) >= 2:
                break
            time.sleep(0.005)
        assert descriptors_on(path) >= 2
        first.remove()
        assert not path.exists()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert result == {"contended": True, "same": True, "newcomer_could_remove": False}
    assert path.exists()  # the waiter's file; removable now that nobody holds it
    assert remove_if_free(path) is True


def test_a_held_lock_is_not_removed_by_its_holder_if_the_path_changed(tmp_path: Path) -> None:
    path = tmp_path / "k.lock"
    with hold(path, 1, "test") as held:
        os.unlink(path)
        path.write_text("someone else's now")
        held.remove()
        assert path.read_text() == "someone else's now"


def test_a_fifo_or_link_at_the_path_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.lock"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):  # noqa: SIM117
        with hold(fifo, 1, "test"):
            pass  # pragma: no cover
    link = tmp_path / "link.lock"
    link.symlink_to(tmp_path / "target")
    with pytest.raises(OSError, match="symbolic link"):  # noqa: SIM117
        with hold(link, 1, "test"):
            pass  # pragma: no cover
    assert not (tmp_path / "target").exists()
